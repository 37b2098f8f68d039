/**
 * `twofold import` and `twofold export`, run in-process (runCli with injected I/O) over real vaults
 * in temporary folders and the real core. Files to import are built here in the published formats;
 * codes are checked against Debian's oathtool and exported QR codes are read by Debian's zbarimg.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliIo } from '../../main/cli/twofold';
import { createCore } from '../../main/core/core';
import { systemClock, unavailableKeychain } from '../../main/core/ports';
import { TestPushServer } from '../../main/core/push/test-push-server';
import { createFileSettingsStore } from '../../main/core/settings-file';
import { MIN_SCRYPT_N } from '../../main/core/vault/vault-file';
import { MemoryClipboard } from '../harness/bridge';
import { formatOtpauthUri, type OtpParams } from '../../common/otpauth-uri';
import { buildAegisFile } from '../fixtures/aegis-file';

const PASSPHRASE = 'a long and fine passphrase';
const FILE_PASSPHRASE = 'the aegis export passphrase';
const BACKUP_PASSPHRASE = 'the backup passphrase, long enough';

/** Accounts every test imports; all of them fit a Google Authenticator migration code too. */
const ACCOUNTS: OtpParams[] = [
  { type: 'totp', issuer: 'Example', label: 'alice@example.com', secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', algorithm: 'SHA1', digits: 6, period: 30, counter: 0 },
  { type: 'totp', issuer: 'Bank', label: 'bob', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', algorithm: 'SHA1', digits: 8, period: 30, counter: 0 },
  { type: 'hotp', issuer: 'Forge', label: 'carol', secret: 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U', algorithm: 'SHA1', digits: 6, period: 30, counter: 5 },
];

const URIS = [
  'otpauth://totp/Example:alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Example',
  'otpauth://totp/Bank:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bank&digits=8',
  'otpauth://hotp/Forge:carol?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U&issuer=Forge&counter=5',
];

interface Run {
  code: number;
  out: string[];
  err: string[];
}

const dirs: string[] = [];

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'twofold-import-cli-'));
  dirs.push(dir);
  return dir;
}

async function twofold(vault: string, args: string[], extra: Partial<CliIo> & { env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli([...args, '--vault', vault], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    askPassphrase: () => Promise.reject(new Error('no prompt in this test')),
    ...extra,
    env: { TWOFOLD_PASSPHRASE: PASSPHRASE, ...extra.env },
  });
  return { code, out, err };
}

/**
 * A fresh vault in its own folder, like `twofold init` makes but at the lowest scrypt cost a vault
 * accepts, so each of the many CLI runs here unlocks in a fraction of the default time.
 */
async function newVault(): Promise<string> {
  const vault = tempDir();
  const core = createCore({
    vaultDir: vault,
    keychain: unavailableKeychain('none in this test'),
    clock: systemClock,
    clipboard: new MemoryClipboard(),
    settings: createFileSettingsStore(vault),
    kdf: { N: MIN_SCRYPT_N, r: 8, p: 1 },
  });
  await core.api.vault.create({ passphrase: PASSPHRASE, useOsSlot: false });
  await core.close();
  return vault;
}

/** The vault's accounts as `twofold list` prints them, sorted. */
async function listed(vault: string): Promise<string[]> {
  const run = await twofold(vault, ['list']);
  expect(run.code).toBe(0);
  return [...run.out].sort();
}

/** Every account with its secret, as plain links, sorted: what "the same accounts" means. */
async function links(vault: string): Promise<string[]> {
  const run = await twofold(vault, ['export', '--format', 'uris', '--yes']);
  expect(run.code, run.err.join('\n')).toBe(0);
  return run.out.filter((line) => line.startsWith('otpauth://')).sort();
}

function oathtool(args: string[]): string {
  return execFileSync('oathtool', args, { encoding: 'utf8' }).trim();
}

function writeFile(name: string, content: string | Uint8Array): string {
  const path = join(tempDir(), name);
  writeFileSync(path, content);
  return path;
}

const EXPECTED_LIST = [
  'Bank:bob\tTOTP SHA1 8 digits 30s',
  'Example:alice@example.com\tTOTP SHA1 6 digits 30s',
  'Forge:carol\tHOTP SHA1 6 digits counter 5',
];

describe('twofold import', () => {
  it('adds a list of otpauth links with --yes, showing the preview; the codes agree with oathtool', async () => {
    const vault = await newVault();
    const file = writeFile('links.txt', ['# my accounts', ...URIS, '', 'otpauth://totp/Broken:dave?secret=AB1!&issuer=Broken'].join('\n'));
    const run = await twofold(vault, ['import', file, '--yes']);
    expect(run.err).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.out[0]).toMatch(/\(links\.txt\): 3 accounts, 1 error$/);
    expect(run.out).toContain('  Example:alice@example.com\tTOTP SHA1 6 digits 30s');
    expect(run.out).toContain('  Forge:carol\tHOTP SHA1 6 digits');
    const error = run.out.find((line) => line.startsWith('  error in entry'));
    expect(error).toMatch(/Broken.*secret/i);
    expect(run.out.join('\n')).not.toContain('AB1!');
    expect(run.out.at(-1)).toBe('Added 3 accounts, left out 1 entry with errors.');

    expect(await listed(vault)).toEqual(EXPECTED_LIST);
    const args = ['--totp', '-d', '8', '-b', ACCOUNTS[1]!.secret];
    const before = oathtool([...args, '-N', `@${Math.floor(Date.now() / 1000)}`]);
    const got = await twofold(vault, ['code', 'Bank']);
    const after = oathtool([...args, '-N', `@${Math.floor(Date.now() / 1000)}`]);
    expect([before, after]).toContain(got.out[0]);
    expect((await twofold(vault, ['code', 'Forge'])).out).toEqual([oathtool(['--hotp', '-c', '5', '-b', ACCOUNTS[2]!.secret])]);
  });

  it('adds one account from a link given on the command line', async () => {
    const vault = await newVault();
    const run = await twofold(vault, ['import', URIS[0]!, '--yes']);
    expect(run.code, run.err.join('\n')).toBe(0);
    expect(run.out.at(-1)).toBe('Added 1 account.');
    expect(await listed(vault)).toEqual([EXPECTED_LIST[1]]);
  });

  it('adds nothing without --yes when there is no terminal to ask on', async () => {
    const vault = await newVault();
    const run = await twofold(vault, ['import', writeFile('links.txt', URIS.join('\n'))]);
    expect(run.code).toBe(1);
    expect(run.err).toEqual(['twofold: Nothing was added. Run again with --yes to add them.']);
    expect(await listed(vault)).toEqual([]);
  });

  it('asks y/N on a terminal, and adds only after a yes', async () => {
    const vault = await newVault();
    const file = writeFile('links.txt', URIS.join('\n'));
    const questions: string[] = [];
    const no = await twofold(vault, ['import', file], { confirm: async (q) => (questions.push(q), false) });
    expect(no.code).toBe(1);
    expect(no.out.at(-1)).toBe('Nothing was added.');
    expect(questions).toEqual(['Add 3 accounts? [y/N] ']);
    expect(await listed(vault)).toEqual([]);
    const yes = await twofold(vault, ['import', file], { confirm: async () => true });
    expect(yes.code).toBe(0);
    expect(await listed(vault)).toEqual(EXPECTED_LIST);
  });

  it('flags accounts already in Twofold and skips them unless told otherwise', async () => {
    const vault = await newVault();
    const file = writeFile('links.txt', [...URIS, URIS[0]!].join('\n'));
    expect((await twofold(vault, ['import', URIS[0]!, '--yes'])).code).toBe(0);
    const run = await twofold(vault, ['import', file, '--yes']);
    expect(run.code).toBe(0);
    expect(run.out[0]).toMatch(/4 accounts, 2 already in Twofold, 1 repeated$/);
    expect(run.out).toContain('  Example:alice@example.com\tTOTP SHA1 6 digits 30s\t(already in Twofold)');
    expect(run.out).toContain('  Example:alice@example.com\tTOTP SHA1 6 digits 30s\t(already in Twofold, repeated)');
    expect(run.out.at(-1)).toBe('Added 2 accounts, skipped 2 already in Twofold.');
    expect(await listed(vault)).toEqual(EXPECTED_LIST);

    const again = await twofold(vault, ['import', file, '--yes']);
    expect(again.code).toBe(0);
    expect(again.out.at(-1)).toBe('Nothing to add: every account is already in Twofold.');
    const anyway = await twofold(vault, ['import', URIS[1]!, '--yes', '--duplicates', 'add-anyway']);
    expect(anyway.out.at(-1)).toBe('Added 1 account.');
    expect((await listed(vault)).filter((line) => line.startsWith('Bank:bob'))).toHaveLength(2);
  });

  it('reads an encrypted Aegis vault with the passphrase from TWOFOLD_IMPORT_PASSPHRASE', async () => {
    const vault = await newVault();
    const file = writeFile('aegis-export.json', await buildAegisFile(ACCOUNTS, { passphrase: FILE_PASSPHRASE, scryptN: 2 ** 10 }));

    const noPassphrase = await twofold(vault, ['import', file, '--yes']);
    expect(noPassphrase.code).toBe(1);
    expect(noPassphrase.err).toEqual([
      'twofold: aegis-export.json is encrypted. Set TWOFOLD_IMPORT_PASSPHRASE to its passphrase, or run the command in a terminal to be asked for it.',
    ]);

    const wrong = await twofold(vault, ['import', file, '--yes'], { env: { TWOFOLD_IMPORT_PASSPHRASE: 'not the passphrase' } });
    expect(wrong.code).toBe(1);
    expect(wrong.err).toHaveLength(1);
    expect(wrong.err[0]).toMatch(/^twofold: That password doesn't unlock this Aegis vault/);
    expect(wrong.err[0]).not.toContain('not the passphrase');
    expect(await listed(vault)).toEqual([]);

    const run = await twofold(vault, ['import', file, '--yes', '--passphrase-env', 'AEGIS_PASS'], { env: { AEGIS_PASS: FILE_PASSPHRASE } });
    expect(run.code, run.err.join('\n')).toBe(0);
    expect(run.out[0]).toMatch(/^Aegis \(aegis-export\.json\): 3 accounts$/);
    expect(await listed(vault)).toEqual(EXPECTED_LIST);
  });

  it('asks for an encrypted file\'s passphrase on a terminal, again after a wrong one', async () => {
    const vault = await newVault();
    const file = writeFile('aegis.json', await buildAegisFile(ACCOUNTS, { passphrase: FILE_PASSPHRASE, scryptN: 2 ** 10 }));
    const answers = ['wrong once', FILE_PASSPHRASE];
    const prompts: string[] = [];
    const run = await twofold(vault, ['import', file, '--yes'], {
      confirm: async () => true,
      askPassphrase: async (prompt) => (prompts.push(prompt), answers.shift()!),
    });
    expect(run.code, run.err.join('\n')).toBe(0);
    expect(prompts).toEqual(['Passphrase of aegis.json: ', 'Passphrase of aegis.json: ']);
    expect(run.err).toHaveLength(1);
    expect(run.err[0]).toMatch(/^twofold: That password doesn't unlock this Aegis vault/);
    expect(await listed(vault)).toEqual(EXPECTED_LIST);
  });

  it('reads a QR screenshot, and a file piped to stdin as "-"', async () => {
    const vault = await newVault();
    const png = join(tempDir(), 'shot.png');
    execFileSync('qrencode', ['-o', png, URIS[0]!]);
    const fromImage = await twofold(vault, ['import', png, '--yes']);
    expect(fromImage.code, fromImage.err.join('\n')).toBe(0);
    expect(fromImage.out.at(-1)).toBe('Added 1 account.');
    const fromStdin = await twofold(vault, ['import', '-', '--yes'], { readStdin: async () => new TextEncoder().encode(URIS.slice(1).join('\n')) });
    expect(fromStdin.code, fromStdin.err.join('\n')).toBe(0);
    expect(fromStdin.out[0]).toMatch(/\(stdin\): 2 accounts$/);
    expect(await listed(vault)).toEqual(EXPECTED_LIST);
  });

  it('enrolls for push sign-in from a twofold://enroll link, after the same confirmation', async () => {
    const vault = await newVault();
    const server = await TestPushServer.start({ clock: systemClock });
    try {
      const uri = server.enrollmentUri();
      const refused = await twofold(vault, ['import', uri]);
      expect(refused.code).toBe(1);
      expect(refused.out).toContain(`  push sign-in enrollment: Example (alice@example.com) at ${server.origin}`);
      expect(server.devices.size).toBe(0);
      const run = await twofold(vault, ['import', uri], { confirm: async (q) => q === 'Enroll for push sign-in once? [y/N] ' });
      expect(run.code, run.err.join('\n')).toBe(0);
      expect(run.out.at(-1)).toBe(`Enrolled for push sign-in: Example (alice@example.com) at ${server.origin}`);
      expect(server.devices.size).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('refuses a huge or truncated file as a whole, adding nothing', async () => {
    const vault = await newVault();
    const huge = join(tempDir(), 'huge.json');
    writeFileSync(huge, '');
    truncateSync(huge, 17 * 1024 * 1024);
    const tooBig = await twofold(vault, ['import', huge, '--yes']);
    expect(tooBig.code).toBe(1);
    expect(tooBig.err).toEqual([`twofold: ${huge} is larger than 16 MB, more than any authenticator export. Check that it is the right file.`]);
    const full = await buildAegisFile(ACCOUNTS);
    const truncated = await twofold(vault, ['import', writeFile('aegis.json', full.slice(0, Math.floor(full.length * 0.6))), '--yes']);
    expect(truncated.code).toBe(1);
    expect(truncated.err).toHaveLength(1);
    expect(truncated.err[0]).toMatch(/^twofold: This Aegis file is not valid JSON; it may be truncated/);
    expect(await listed(vault)).toEqual([]);
  });

  it('says what is wrong with a missing file or bad options, never echoing a mistyped link', async () => {
    const vault = await newVault();
    const missing = await twofold(vault, ['import', join(tempDir(), 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.err[0]).toMatch(/^twofold: There is no file .*nope\.json\.$/);
    const typo = await twofold(vault, ['import', 'otpath://totp/X:y?secret=JBSWY3DPEHPK3PXP']);
    expect(typo.code).toBe(1);
    expect(typo.err).toEqual([
      'twofold: That is neither a file nor an otpauth://, otpauth-migration:// or twofold://enroll link. Check its spelling, and quote links in the shell.',
    ]);
    for (const args of [['import'], ['import', 'x', '--duplicates', 'sometimes'], ['import', 'x', '--format', 'uris'], ['list', '--yes']]) {
      const run = await twofold(vault, args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.err.join('\n')).toContain('Usage: twofold');
    }
  });
});

describe('twofold export', () => {
  it('writes an encrypted backup (0600) that imports into a fresh vault as the same accounts', async () => {
    const vault = await newVault();
    expect((await twofold(vault, ['import', writeFile('links.txt', URIS.join('\n')), '--yes'])).code).toBe(0);
    const out = join(tempDir(), 'twofold.backup');

    const noPassphrase = await twofold(vault, ['export', '--format', 'twofold', '--out', out]);
    expect(noPassphrase.code).toBe(1);
    expect(noPassphrase.err).toEqual(["twofold: There is no terminal to ask for the backup's passphrase: set TWOFOLD_EXPORT_PASSPHRASE."]);
    expect(() => statSync(out)).toThrow();

    const run = await twofold(vault, ['export', '--format', 'twofold', '--out', out], { env: { TWOFOLD_EXPORT_PASSPHRASE: BACKUP_PASSPHRASE } });
    expect(run.err).toEqual([]);
    expect(run.out).toEqual([`Wrote an encrypted backup of 3 accounts to ${out}`]);
    expect(run.code).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out).toString('latin1')).not.toContain(ACCOUNTS[0]!.secret);

    // An existing file is replaced only when asked to.
    const again = await twofold(vault, ['export', '--format', 'twofold', '--out', out], { env: { TWOFOLD_EXPORT_PASSPHRASE: BACKUP_PASSPHRASE } });
    expect(again.code).toBe(1);
    expect(again.err[0]).toContain('already exists. Nothing was written. Run again with --yes to replace it.');

    const fresh = await newVault();
    const restored = await twofold(fresh, ['import', out, '--yes'], { env: { TWOFOLD_IMPORT_PASSPHRASE: BACKUP_PASSPHRASE } });
    expect(restored.code, restored.err.join('\n')).toBe(0);
    expect(await links(fresh)).toEqual(await links(vault));
  });

  it('refuses to print plain links without --yes, and prints or writes them (0600) with it', async () => {
    const vault = await newVault();
    expect((await twofold(vault, ['import', writeFile('links.txt', URIS.join('\n')), '--yes'])).code).toBe(0);
    const refused = await twofold(vault, ['export', '--format', 'uris']);
    expect(refused.code).toBe(1);
    expect(refused.out).toEqual([]);
    expect(refused.err[0]).toMatch(/NOT encrypted/);
    expect(refused.err[1]).toBe('twofold: Nothing was exported. The list is unencrypted: run again with --yes to export it.');

    const printed = await twofold(vault, ['export', '--format', 'uris', '--yes']);
    expect(printed.code).toBe(0);
    expect(printed.err[0]).toMatch(/NOT encrypted/);
    // A warning line for whoever finds the text later, then the links.
    expect(printed.out[0]).toMatch(/^# .*UNENCRYPTED/);
    expect(printed.out.slice(1).sort()).toEqual(ACCOUNTS.map(formatOtpauthUri).sort());
    const out = join(tempDir(), 'links.txt');
    const written = await twofold(vault, ['export', '--format', 'uris', '--out', out, '--yes']);
    expect(written.code, written.err.join('\n')).toBe(0);
    expect(written.out).toEqual([`Wrote 3 accounts as otpauth:// links to ${out} (unencrypted)`]);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toBe(`${printed.out.join('\n')}\n`);
  });

  it('writes migration QR codes that zbarimg reads back into the same accounts in a fresh vault', async () => {
    const vault = await newVault();
    // 12 accounts: two codes at Google Authenticator's 10 per code.
    const many = Array.from({ length: 9 }, (_, i) => `otpauth://totp/Extra${i}:user${i}?secret=${'ABCDEFGHIJKLMNOP'.slice(i)}${'QRSTUVWXYZ234567'.slice(0, i)}&issuer=Extra${i}`);
    // Two that Google Authenticator can't hold: a 60-second period and 7-digit codes.
    const misfits = [
      'otpauth://totp/Slow:erin?secret=KRSXG5CTMVRXEZLUKRSXG5CT&issuer=Slow&period=60',
      'otpauth://totp/Odd:frank?secret=NBSWY3DPO5XXE3DENBSWY3DP&issuer=Odd&digits=7',
    ];
    expect((await twofold(vault, ['import', writeFile('links.txt', [...URIS, ...many, ...misfits].join('\n')), '--yes'])).code).toBe(0);
    const folder = join(tempDir(), 'qr');

    const refused = await twofold(vault, ['export', '--format', 'migration-qr', '--out', folder]);
    expect(refused.code).toBe(1);
    expect(() => readdirSync(folder)).toThrow();

    const run = await twofold(vault, ['export', '--format', 'migration-qr', '--out', folder, '--yes']);
    expect(run.code, run.err.join('\n')).toBe(0);
    const pngs = readdirSync(folder).sort();
    expect(pngs).toEqual(['twofold-ga-export-1-of-2.png', 'twofold-ga-export-2-of-2.png']);
    for (const png of pngs) expect(statSync(join(folder, png)).mode & 0o777).toBe(0o600);
    const scanned = pngs.map((png) => execFileSync('zbarimg', ['--raw', '-q', join(folder, png)], { encoding: 'utf8' }).trim());
    for (const link of scanned) expect(link).toMatch(/^otpauth-migration:\/\/offline\?data=/);
    // With --yes the links are printed too, exactly as the images hold them.
    expect(run.out).toEqual(scanned);
    expect(run.err).toContainEqual(expect.stringMatching(/^Warning: left out 2 accounts that Google Authenticator can't hold .*: Slow \(erin\), Odd \(frank\)\./));

    const fresh = await newVault();
    const imported = await twofold(fresh, ['import', writeFile('scanned.txt', scanned.join('\n')), '--yes']);
    expect(imported.code, imported.err.join('\n')).toBe(0);
    expect(imported.out.at(-1)).toBe('Added 12 accounts.');
    const gaCompatible = (await links(vault)).filter((link) => !/Slow:erin|Odd:frank/.test(link));
    expect(await links(fresh)).toEqual(gaCompatible);
  });

  it('refuses a missing or unknown --format and a missing --out', async () => {
    const vault = await newVault();
    for (const args of [['export'], ['export', '--format', 'pdf'], ['export', '--format', 'twofold'], ['export', '--format', 'migration-qr'], ['export', 'x', '--format', 'uris']]) {
      const run = await twofold(vault, args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.err.join('\n')).toContain('Usage: twofold');
    }
  });
});
