/**
 * The `twofold` command, run as a real process over a real vault, checked against Debian's
 * oathtool as an independent implementation of RFC 4226 and RFC 6238.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes, randomInt } from 'node:crypto';
import { createCore } from '../../main/core/core';
import { systemClock, type Keychain } from '../../main/core/ports';
import { createMemorySettingsStore } from '../../main/core/settings-file';
import { MemoryClipboard, repoRoot } from '../harness/bridge';

const BIN = join(repoRoot, 'bin', 'twofold.cjs');
const PASSPHRASE = 'a long and fine passphrase';
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function twofold(args: string[], env: Record<string, string | undefined> = { TWOFOLD_PASSPHRASE: PASSPHRASE }) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function oathtool(args: string[]): string {
  return execFileSync('oathtool', args, { encoding: 'utf8' }).trim();
}

function randomSecret(): string {
  // 80 to 320 bits, a whole number of base32 characters, like real services hand out.
  const length = 16 + 8 * randomInt(0, 5);
  return Array.from(randomBytes(length), (b) => ALPHABET[b % 32]).join('');
}

let dir: string;

beforeAll(() => {
  if (!existsSync(join(repoRoot, 'dist', 'cli', 'twofold.cjs'))) {
    execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs'), 'cli'], { stdio: 'inherit' });
  }
  dir = mkdtempSync(join(tmpdir(), 'twofold-cli-'));
  const init = twofold(['init', '--vault', dir]);
  expect(init.stderr).toBe('');
  expect(init.stdout).toContain(`Created a vault in ${dir}`);
  expect(init.status).toBe(0);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('twofold code agrees with oathtool', () => {
  it('over randomised TOTP secrets, algorithms, digit counts and periods', () => {
    const algorithms = ['SHA1', 'SHA256', 'SHA512'] as const;
    for (let i = 0; i < 12; i++) {
      const secret = randomSecret();
      const algorithm = algorithms[i % 3]!;
      const digits = 6 + randomInt(0, 3);
      const period = [15, 30, 45, 60, 90][randomInt(0, 5)]!;
      const uri = `otpauth://totp/Rand${i}:user${i}%40example.com?secret=${secret}&issuer=Rand${i}&algorithm=${algorithm}&digits=${digits}&period=${period}`;
      const added = twofold(['add', uri, '--vault', dir]);
      expect(added.status, added.stderr).toBe(0);
      expect(added.stdout).toContain(`Added Rand${i}:user${i}@example.com`);

      const args = [`--totp=${algorithm.toLowerCase()}`, '-d', String(digits), '-s', `${period}s`, '-b', secret];
      const before = oathtool([...args, '-N', `@${Math.floor(Date.now() / 1000)}`]);
      const got = twofold(['code', `Rand${i}`, '--vault', dir]);
      const after = oathtool([...args, '-N', `@${Math.floor(Date.now() / 1000)}`]);
      expect(got.status, got.stderr).toBe(0);
      // The code alone, nothing else; a period boundary between the two oathtool runs allows either.
      expect(got.stdout).toMatch(new RegExp(`^\\d{${digits}}\\n$`));
      expect([before, after]).toContain(got.stdout.trim());
    }
  });

  it('for HOTP, where only --next advances the counter', () => {
    const secret = randomSecret();
    const uri = `otpauth://hotp/Counter:bob?secret=${secret}&issuer=Counter&counter=7`;
    expect(twofold(['add', uri, '--vault', dir]).status).toBe(0);
    const first = twofold(['code', 'Counter', '--vault', dir]);
    const again = twofold(['code', 'Counter', '--vault', dir]);
    expect(first.stdout.trim()).toBe(oathtool(['--hotp', '-c', '7', '-b', secret]));
    expect(again.stdout).toBe(first.stdout);
    const next = twofold(['code', 'Counter', '--next', '--vault', dir]);
    expect(next.stdout.trim()).toBe(oathtool(['--hotp', '-c', '8', '-b', secret]));
    expect(twofold(['code', 'Counter', '--vault', dir]).stdout.trim()).toBe(oathtool(['--hotp', '-c', '8', '-b', secret]));
  });
});

describe('twofold says clearly what went wrong', () => {
  it('lists accounts without their secrets', () => {
    const out = twofold(['list', '--vault', dir]);
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^Rand0:user0@example.com\tTOTP SHA1 \d digits \d+s$/m);
    expect(out.stdout).not.toMatch(/secret/i);
  });

  it('refuses a wrong passphrase without touching the vault', () => {
    const out = twofold(['list', '--vault', dir], { TWOFOLD_PASSPHRASE: 'not the passphrase' });
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/passphrase is wrong/i);
    expect(twofold(['list', '--vault', dir]).status).toBe(0);
  });

  it('names the bad field of a broken URI', () => {
    const out = twofold(['add', 'otpauth://totp/X:y?secret=AB1!&issuer=X', '--vault', dir]);
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/^twofold: .*secret/im);
    expect(out.stderr).not.toContain('AB1!');
  });

  it('refuses a duplicate account', () => {
    const uri = 'otpauth://totp/Dup:carol?secret=JBSWY3DPEHPK3PXP&issuer=Dup';
    expect(twofold(['add', uri, '--vault', dir]).status).toBe(0);
    const out = twofold(['add', uri, '--vault', dir]);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain('Dup:carol is already in the vault');
  });

  it('asks for a narrower query when several accounts match', () => {
    const out = twofold(['code', 'Rand', '--vault', dir]);
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/matches \d+ accounts: Rand0:user0@example.com/);
  });

  it('points to init when there is no vault', () => {
    const empty = mkdtempSync(join(tmpdir(), 'twofold-cli-empty-'));
    try {
      const out = twofold(['list', '--vault', empty]);
      expect(out.status).toBe(1);
      expect(out.stderr).toContain('Run `twofold init` first');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('explains that a vault with only an OS keychain slot needs the app', async () => {
    const osOnly = mkdtempSync(join(tmpdir(), 'twofold-cli-os-'));
    // A keychain that works in-process stands in for the OS store the app would use.
    const sealed = new Map<string, Uint8Array>();
    const keychain: Keychain = {
      status: () => ({ available: true }),
      encrypt: async (plain) => {
        const token = randomBytes(8).toString('hex');
        sealed.set(token, plain);
        return new TextEncoder().encode(token);
      },
      decrypt: async (data) => sealed.get(new TextDecoder().decode(data))!,
    };
    try {
      const core = createCore({ vaultDir: osOnly, keychain, clock: systemClock, clipboard: new MemoryClipboard(), settings: createMemorySettingsStore() });
      await core.api.vault.create({ passphrase: null, useOsSlot: true });
      await core.close();
      const out = twofold(['list', '--vault', osOnly]);
      expect(out.status).toBe(1);
      expect(out.stderr).toContain('protected only by the OS keychain');
    } finally {
      rmSync(osOnly, { recursive: true, force: true });
    }
  });

  it('prints usage for an unknown command', () => {
    const out = twofold(['frobnicate']);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain("unknown command 'frobnicate'");
    expect(out.stderr).toContain('Usage: twofold');
  });
});

