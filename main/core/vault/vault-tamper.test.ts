import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TwofoldError } from '../../../common/errors';
import type { Keychain } from '../ports';
import { createTestKeychain } from './test-keychain';
import { MIN_SCRYPT_N, VaultFile, type OpenVault } from './vault-file';

const PASSPHRASE = 'tamper test passphrase';
const PAYLOAD = Buffer.from('{"seed":"JBSWY3DPEHPK3PXP"}', 'utf8');
const FLIPS = [0x01, 0x20];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'twofold-tamper-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

type Outcome = { kind: 'refused'; code: string } | { kind: 'identical' };

/** Unlocks and classifies the result; fails the test on a silently altered payload or a non-vault error. */
async function outcome(unlock: () => Promise<OpenVault>, where: string): Promise<Outcome> {
  let vault: OpenVault;
  try {
    vault = await unlock();
  } catch (error) {
    if (!(error instanceof TwofoldError) || !error.code.startsWith('VAULT_')) {
      throw new Error(`${where}: unexpected error ${String(error)}`);
    }
    expect(error.message, where).not.toContain(PASSPHRASE);
    return { kind: 'refused', code: error.code };
  }
  expect(Buffer.from(vault.payload).equals(PAYLOAD), `${where}: payload silently altered`).toBe(true);
  return { kind: 'identical' };
}

function flipped(original: Buffer, offset: number, mask: number): Buffer {
  const copy = Buffer.from(original);
  copy[offset] = (copy[offset] ?? 0) ^ mask;
  return copy;
}

async function createBothSlots(vaultDir: string, keychain: Keychain): Promise<VaultFile> {
  const file = new VaultFile({ dir: vaultDir, keychain, kdf: { N: MIN_SCRYPT_N, r: 8, p: 1 } });
  (await file.create(PAYLOAD, { passphrase: PASSPHRASE, useOsSlot: true })).close();
  return file;
}

describe('a byte tampered anywhere', () => {
  it('is never accepted with an altered payload: every offset, through the OS slot', async () => {
    const keychain = createTestKeychain();
    const file = await createBothSlots(join(dir, 'vault'), keychain);
    const original = readFileSync(file.path);
    const codes = new Map<string, number>();
    let identical = 0;
    for (let offset = 0; offset < original.length; offset += 1) {
      for (const mask of FLIPS) {
        writeFileSync(file.path, flipped(original, offset, mask));
        const result = await outcome(() => file.unlockWithOs(), `offset ${offset} ^ 0x${mask.toString(16)}`);
        if (result.kind === 'identical') identical += 1;
        else codes.set(result.code, (codes.get(result.code) ?? 0) + 1);
      }
    }
    // Strict parsing leaves no flip that still means the same file.
    expect(identical).toBe(0);
    // The header (both slots) is bound to the payload, so flips there are caught without the passphrase.
    expect(codes.get('VAULT_TAMPERED')).toBeGreaterThan(0);
    expect(codes.get('VAULT_CORRUPT')).toBeGreaterThan(0);
  });

  it('is never accepted through the passphrase slot: the slot region, every structural flip and a sample of the others', async () => {
    // Two copies so two scrypt derivations (each ~0.1 s at N=2^15) run side by side.
    const keychain = createTestKeychain();
    const first = await createBothSlots(join(dir, 'a'), keychain);
    cpSync(join(dir, 'a'), join(dir, 'b'), { recursive: true });
    const files = [first, new VaultFile({ dir: join(dir, 'b'), keychain })];
    const original = readFileSync(first.path);
    const text = original.toString('latin1');
    const start = text.indexOf('{"kind":"passphrase"');
    const end = text.indexOf('{"kind":"os"');
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);

    const cases: Array<{ offset: number; mask: number }> = [];
    for (let offset = start; offset < end; offset += 1) for (const mask of FLIPS) cases.push({ offset, mask });
    let structurallyValid = 0;
    let identical = 0;
    const codes = new Map<string, number>();
    await Promise.all(
      files.map(async (file) => {
        for (let next = cases.shift(); next; next = cases.shift()) {
          const bytes = flipped(original, next.offset, next.mask);
          writeFileSync(file.path, bytes);
          const inspection = await file.inspect();
          // Flips that survive structural checks (~200, in salt, iv and wrapped key) need a full scrypt
          // each; every sixth is tested here, and the test above covers all of them via the header binding.
          if (inspection.state === 'present' && structurallyValid++ % 6 !== 0) continue;
          const result = await outcome(
            () => file.unlockWithPassphrase(PASSPHRASE),
            `offset ${next.offset} ^ 0x${next.mask.toString(16)}`,
          );
          if (result.kind === 'identical') identical += 1;
          else codes.set(result.code, (codes.get(result.code) ?? 0) + 1);
        }
      }),
    );
    expect(identical).toBe(0);
    expect(codes.get('VAULT_WRONG_PASSPHRASE')).toBeGreaterThan(0);
  });
});
