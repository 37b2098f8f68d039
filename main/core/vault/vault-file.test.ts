import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TwofoldError, type ErrorCode } from '../../../common/errors';
import { unavailableKeychain, type Keychain } from '../ports';
import { createTestKeychain } from './test-keychain';
import { MIN_SCRYPT_N, VaultFile, type ScryptParams } from './vault-file';

const FAST: ScryptParams = { N: MIN_SCRYPT_N, r: 8, p: 1 };
const PASSPHRASE = 'correct horse battery';
const bytes = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));
const text = (data: Uint8Array): string => Buffer.from(data).toString('utf8');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'twofold-vault-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function vaultFile(keychain: Keychain = createTestKeychain(), kdf: ScryptParams = FAST): VaultFile {
  return new VaultFile({ dir: join(dir, 'vault'), keychain, kdf, clock: { now: () => Date.UTC(2025, 0, 2, 3, 4, 5) } });
}

async function rejection(promise: Promise<unknown>): Promise<TwofoldError> {
  const error = await promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(TwofoldError);
  return error as TwofoldError;
}

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<TwofoldError> {
  const error = await rejection(promise);
  expect(error.code).toBe(code);
  return error;
}

/** The vault file's JSON, loosely typed so tests can damage it on purpose. */
interface LooseVault {
  [key: string]: unknown;
  version: unknown;
  slots: Array<Record<string, unknown> & { kdf: Record<string, unknown> }>;
  payload: Record<string, unknown>;
}

function readJson(path: string): LooseVault {
  return JSON.parse(readFileSync(path, 'utf8')) as LooseVault;
}

function firstSlot(json: LooseVault): LooseVault['slots'][number] {
  const slot = json.slots[0];
  if (!slot) throw new Error('vault has no slot');
  return slot;
}

function editJson(path: string, edit: (json: LooseVault) => void): void {
  const json = readJson(path);
  edit(json);
  writeFileSync(path, JSON.stringify(json));
}

describe('VaultFile create and unlock', () => {
  it('round-trips a payload through the passphrase slot', async () => {
    const file = vaultFile();
    const created = await file.create(bytes('hello'), { passphrase: PASSPHRASE, useOsSlot: false });
    expect(created.slots).toEqual(['passphrase']);
    expect(text(created.payload)).toBe('hello');
    created.close();
    const opened = await file.unlockWithPassphrase(PASSPHRASE);
    expect(text(opened.payload)).toBe('hello');
    expect(opened.slots).toEqual(['passphrase']);
  });

  it('round-trips through the OS slot, and through either slot when both exist', async () => {
    const keychain = createTestKeychain();
    const file = vaultFile(keychain);
    await file.create(bytes('both'), { passphrase: PASSPHRASE, useOsSlot: true });
    expect(text((await file.unlockWithOs()).payload)).toBe('both');
    const opened = await file.unlockWithPassphrase(PASSPHRASE);
    expect(opened.slots).toEqual(['passphrase', 'os']);
    await opened.save(bytes('saved'));
    expect(text((await file.unlockWithOs()).payload)).toBe('saved');
  });

  it('writes compact version-1 JSON owner-only in an owner-only folder', async () => {
    const file = vaultFile();
    await file.create(bytes('x'), { passphrase: PASSPHRASE, useOsSlot: true });
    const json = readJson(file.path);
    expect(json['format']).toBe('twofold-vault');
    expect(json.version).toBe(1);
    expect(firstSlot(json).kdf).toMatchObject({ name: 'scrypt', N: MIN_SCRYPT_N, r: 8, p: 1 });
    expect(readFileSync(file.path, 'utf8')).not.toMatch(/\s/);
    if (process.platform !== 'win32') {
      expect(statSync(file.path).mode & 0o777).toBe(0o600);
      expect(statSync(join(dir, 'vault')).mode & 0o777).toBe(0o700);
    }
  });

  it('refuses a wrong passphrase without revealing it', async () => {
    const file = vaultFile();
    await file.create(bytes('secret'), { passphrase: PASSPHRASE, useOsSlot: false });
    const error = await expectCode(file.unlockWithPassphrase('wrong passphrase'), 'VAULT_WRONG_PASSPHRASE');
    expect(error.message).toBe('The passphrase is wrong, or the vault file was altered.');
    expect(error.message).not.toContain('wrong passphrase');
  });

  it('treats NFC and NFD spellings of a unicode passphrase as the same', async () => {
    const nfc = 'Crème brûlée ☕ 日本'.normalize('NFC');
    const nfd = nfc.normalize('NFD');
    expect(nfd).not.toBe(nfc);
    const file = vaultFile();
    await file.create(bytes('unicode'), { passphrase: nfd, useOsSlot: false });
    expect(text((await file.unlockWithPassphrase(nfc)).payload)).toBe('unicode');
    expect(text((await file.unlockWithPassphrase(nfd)).payload)).toBe('unicode');
  });

  it('changes the passphrase: old one refused, new one works, payload intact', async () => {
    const file = vaultFile();
    const vault = await file.create(bytes('keep me'), { passphrase: PASSPHRASE, useOsSlot: false });
    await vault.save(bytes('latest'));
    const saltBefore = firstSlot(readJson(file.path)).kdf['salt'];
    await expectCode(vault.changePassphrase('not the passphrase', 'brand new passphrase'), 'VAULT_WRONG_PASSPHRASE');
    await expectCode(vault.changePassphrase(PASSPHRASE, 'short'), 'PASSPHRASE_TOO_SHORT');
    await vault.changePassphrase(PASSPHRASE, 'brand new passphrase');
    expect(firstSlot(readJson(file.path)).kdf['salt']).not.toBe(saltBefore);
    await expectCode(file.unlockWithPassphrase(PASSPHRASE), 'VAULT_WRONG_PASSPHRASE');
    expect(text((await file.unlockWithPassphrase('brand new passphrase')).payload)).toBe('latest');
    // The previous copy no longer opens with the old passphrase either.
    expect(readFileSync(file.previousPath)).toEqual(readFileSync(file.path));
    await vault.save(bytes('after change'));
    expect(text((await file.unlockWithPassphrase('brand new passphrase')).payload)).toBe('after change');
  });

  it('refuses to create over an existing vault', async () => {
    const file = vaultFile();
    await file.create(bytes('first'), { passphrase: PASSPHRASE, useOsSlot: false });
    await expectCode(file.create(bytes('second'), { passphrase: PASSPHRASE, useOsSlot: false }), 'VAULT_EXISTS');
    expect(text((await file.unlockWithPassphrase(PASSPHRASE)).payload)).toBe('first');
  });

  it('lets only one of two racing creates win', async () => {
    const results = await Promise.allSettled([
      vaultFile().create(bytes('a'), { passphrase: PASSPHRASE, useOsSlot: false }),
      vaultFile().create(bytes('b'), { passphrase: PASSPHRASE, useOsSlot: false }),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const failed = results.find((result) => result.status === 'rejected');
    expect((failed as PromiseRejectedResult).reason).toMatchObject({ code: 'VAULT_EXISTS' });
  });

  it('refuses short passphrases, no slot at all, and an unavailable keychain', async () => {
    const file = vaultFile(unavailableKeychain('no secret store (basic_text)'));
    const short = await expectCode(file.create(bytes('x'), { passphrase: 'seven77', useOsSlot: false }), 'PASSPHRASE_TOO_SHORT');
    expect(short.field).toBe('passphrase');
    await expectCode(file.create(bytes('x'), { passphrase: null, useOsSlot: false }), 'INPUT_INVALID');
    const keychain = await expectCode(file.create(bytes('x'), { passphrase: null, useOsSlot: true }), 'KEYCHAIN_UNAVAILABLE');
    expect(keychain.message).toContain('no secret store (basic_text)');
    expect(await file.inspect()).toEqual({ state: 'absent' });
  });

  it('refuses weak scrypt parameters on create', async () => {
    for (const kdf of [
      { N: 2 ** 14, r: 8, p: 1 },
      { N: 3 * 2 ** 14, r: 8, p: 1 },
      { N: 2 ** 15, r: 4, p: 1 },
      { N: 2 ** 15, r: 8, p: 0 },
    ]) {
      const file = new VaultFile({ dir: join(dir, 'vault'), keychain: createTestKeychain(), kdf });
      await expectCode(file.create(bytes('x'), { passphrase: PASSPHRASE, useOsSlot: false }), 'VAULT_WEAK_KDF');
    }
    const absurd = new VaultFile({ dir: join(dir, 'vault'), keychain: createTestKeychain(), kdf: { N: 2 ** 23, r: 8, p: 1 } });
    await expectCode(absurd.create(bytes('x'), { passphrase: PASSPHRASE, useOsSlot: false }), 'INPUT_INVALID');
  });

  it('explains a missing slot, an unavailable keychain and a keychain that cannot open the key', async () => {
    const passphraseOnly = vaultFile();
    await passphraseOnly.create(bytes('x'), { passphrase: PASSPHRASE, useOsSlot: false });
    await expectCode(passphraseOnly.unlockWithOs(), 'VAULT_SLOT_UNAVAILABLE');

    rmSync(join(dir, 'vault'), { recursive: true });
    await vaultFile().create(bytes('x'), { passphrase: PASSPHRASE, useOsSlot: true });
    const locked = await expectCode(vaultFile(unavailableKeychain('no keyring daemon')).unlockWithOs(), 'KEYCHAIN_UNAVAILABLE');
    expect(locked.message).toContain('no keyring daemon');
    // A different OS key (another user or machine) cannot open the OS slot; the passphrase still can.
    await expectCode(vaultFile(createTestKeychain()).unlockWithOs(), 'VAULT_SLOT_UNAVAILABLE');
    expect(text((await vaultFile(createTestKeychain()).unlockWithPassphrase(PASSPHRASE)).payload)).toBe('x');

    rmSync(join(dir, 'vault'), { recursive: true });
    await vaultFile().create(bytes('x'), { passphrase: null, useOsSlot: true });
    await expectCode(vaultFile().unlockWithPassphrase(PASSPHRASE), 'VAULT_SLOT_UNAVAILABLE');
  });

  it('reports VAULT_NOT_FOUND when there is no vault', async () => {
    await expectCode(vaultFile().unlockWithPassphrase(PASSPHRASE), 'VAULT_NOT_FOUND');
    await expectCode(vaultFile().restorePrevious(), 'VAULT_NO_PREVIOUS_COPY');
  });
});

describe('OpenVault.save', () => {
  it('runs concurrent saves in call order, the last one winning, and keeps the previous copy', async () => {
    const keychain = createTestKeychain();
    const file = vaultFile(keychain);
    const vault = await file.create(bytes('0'), { passphrase: null, useOsSlot: true });
    await Promise.all(['1', '2', '3', '4', '5'].map((n) => vault.save(bytes(n))));
    expect(text((await file.unlockWithOs()).payload)).toBe('5');
    writeFileSync(file.path, readFileSync(file.previousPath));
    expect(text((await file.unlockWithOs()).payload)).toBe('4');
  });

  it('copies the payload at call time, so later changes by the caller are not saved', async () => {
    const file = vaultFile();
    const vault = await file.create(bytes('0'), { passphrase: null, useOsSlot: true });
    const data = bytes('abc');
    const saved = vault.save(data);
    data.fill(0x7a);
    await saved;
    expect(text((await file.unlockWithOs()).payload)).toBe('abc');
  });

  it('refuses to save after close, without touching the file', async () => {
    const file = vaultFile();
    const vault = await file.create(bytes('kept'), { passphrase: null, useOsSlot: true });
    vault.close();
    await expectCode(vault.save(bytes('lost')), 'VAULT_LOCKED');
    expect(text((await file.unlockWithOs()).payload)).toBe('kept');
  });

  it('leaves the vault unchanged when a save cannot be written', async () => {
    const file = vaultFile();
    const vault = await file.create(bytes('kept'), { passphrase: null, useOsSlot: true });
    await vault.save(bytes('second'));
    // A directory squatting on the previous copy's name makes the write fail.
    rmSync(file.previousPath);
    mkdirSync(file.previousPath);
    await expect(vault.save(bytes('third'))).rejects.toThrow();
    expect(text((await file.unlockWithOs()).payload)).toBe('second');
    expect(readdirSync(join(dir, 'vault')).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });
});

describe('VaultFile.inspect', () => {
  it('reports absent, present with slot kinds, and damaged', async () => {
    const file = vaultFile();
    expect(await file.inspect()).toEqual({ state: 'absent' });
    await file.create(bytes('x'), { passphrase: PASSPHRASE, useOsSlot: true });
    expect(await file.inspect()).toEqual({ state: 'present', slots: ['passphrase', 'os'] });
    writeFileSync(file.path, '{"format":"twofold-vault","vers');
    const damaged = await file.inspect();
    expect(damaged).toMatchObject({ state: 'damaged', previousCopyAvailable: false, error: { code: 'VAULT_TRUNCATED' } });
    if (damaged.state === 'damaged') expect(damaged.error.message).toContain('No previous good copy is available.');
  });

  it('reports a missing file next to a surviving previous copy as damaged, not absent', async () => {
    const file = vaultFile();
    const vault = await file.create(bytes('x'), { passphrase: null, useOsSlot: true });
    await vault.save(bytes('y'));
    rmSync(file.path);
    expect(await file.inspect()).toMatchObject({ state: 'damaged', previousCopyAvailable: true, error: { code: 'VAULT_NOT_FOUND' } });
    await file.restorePrevious();
    expect(text((await file.unlockWithOs()).payload)).toBe('x');
  });

  it('names the field at fault in a corrupt file', async () => {
    const file = vaultFile();
    await file.create(bytes('x'), { passphrase: null, useOsSlot: true });
    editJson(file.path, (json) => {
      json.payload['iv'] = 'not*base64';
    });
    const inspection = await file.inspect();
    expect(inspection).toMatchObject({ state: 'damaged', error: { code: 'VAULT_CORRUPT' } });
    if (inspection.state === 'damaged') expect(inspection.error.message).toContain('payload.iv is not valid base64');
  });
});

describe('damaged files', () => {
  it('reports a file truncated at any length, offers the previous copy, and restores it', async () => {
    const keychain = createTestKeychain();
    const file = vaultFile(keychain);
    const vault = await file.create(bytes('good old payload'), { passphrase: null, useOsSlot: true });
    await vault.save(bytes('newest payload'));
    const full = readFileSync(file.path);
    for (let length = 0; length < full.length; length += 1 + Math.floor(length / 50)) {
      writeFileSync(file.path, full.subarray(0, length));
      const error = await rejection(file.unlockWithOs());
      expect(['VAULT_TRUNCATED', 'VAULT_CORRUPT']).toContain(error.code);
      expect(error.message).toContain('A previous good copy is available');
    }
    writeFileSync(file.path, full.subarray(0, Math.floor(full.length / 2)));
    expect(await file.inspect()).toMatchObject({ state: 'damaged', previousCopyAvailable: true, error: { code: 'VAULT_TRUNCATED' } });

    await file.restorePrevious();
    expect(text((await file.unlockWithOs()).payload)).toBe('good old payload');
    const asideName = 'vault.damaged-2025-01-02T03-04-05-000Z.json';
    expect(readdirSync(join(dir, 'vault')).sort()).toEqual([asideName, 'vault.json', 'vault.previous.json']);
    expect(readFileSync(join(dir, 'vault', asideName))).toEqual(full.subarray(0, Math.floor(full.length / 2)));

    // Restoring again keeps the second set-aside file too instead of overwriting the first.
    await file.restorePrevious();
    expect(readdirSync(join(dir, 'vault')).filter((name) => name.startsWith('vault.damaged-'))).toHaveLength(2);
  });

  it('refuses to restore a previous copy that is damaged too, leaving both files', async () => {
    const file = vaultFile();
    const vault = await file.create(bytes('x'), { passphrase: null, useOsSlot: true });
    await vault.save(bytes('y'));
    writeFileSync(file.path, '{');
    writeFileSync(file.previousPath, '');
    expect(await file.inspect()).toMatchObject({ state: 'damaged', previousCopyAvailable: false });
    await expectCode(file.restorePrevious(), 'VAULT_NO_PREVIOUS_COPY');
    expect(readFileSync(file.path, 'utf8')).toBe('{');
  });

  it('sets a damaged vault and its previous copy aside, byte for byte, so a new vault can be made', async () => {
    const file = vaultFile();
    const vault = await file.create(bytes('x'), { passphrase: null, useOsSlot: true });
    await vault.save(bytes('y'));
    vault.close();
    writeFileSync(file.path, '{');
    const previous = readFileSync(file.previousPath);
    await expectCode(vaultFile().create(bytes('new'), { passphrase: null, useOsSlot: true }), 'VAULT_EXISTS');

    const kept = await file.setAsideDamaged();
    expect(kept.map((p) => p.split('/').pop())).toEqual([
      'vault.damaged-2025-01-02T03-04-05-000Z.json',
      'vault.previous-2025-01-02T03-04-05-000Z.json',
    ]);
    expect(readFileSync(kept[0]!, 'utf8')).toBe('{');
    expect(readFileSync(kept[1]!)).toEqual(previous);
    expect(await file.inspect()).toEqual({ state: 'absent' });
    const fresh = await vaultFile().create(bytes('new'), { passphrase: null, useOsSlot: true });
    expect(text(fresh.payload)).toBe('new');
  });

  it('refuses to set aside a vault that is not damaged', async () => {
    const file = vaultFile();
    await file.create(bytes('x'), { passphrase: null, useOsSlot: true });
    await expectCode(file.setAsideDamaged(), 'INPUT_INVALID');
    expect(await file.inspect()).toMatchObject({ state: 'present' });
  });

  it('refuses weak KDF parameters written into the file', async () => {
    const file = vaultFile();
    await file.create(bytes('x'), { passphrase: PASSPHRASE, useOsSlot: false });
    const good = readFileSync(file.path);
    const edits: Array<(kdf: Record<string, unknown>) => void> = [
      (kdf) => (kdf['N'] = 2 ** 14),
      (kdf) => (kdf['N'] = 40000),
      (kdf) => (kdf['r'] = 4),
      (kdf) => (kdf['p'] = 0),
      (kdf) => (kdf['salt'] = Buffer.alloc(16, 1).toString('base64')),
    ];
    for (const edit of edits) {
      writeFileSync(file.path, good);
      editJson(file.path, (json) => edit(firstSlot(json).kdf));
      await expectCode(file.unlockWithPassphrase(PASSPHRASE), 'VAULT_WEAK_KDF');
      expect(await file.inspect()).toMatchObject({ state: 'damaged', error: { code: 'VAULT_WEAK_KDF' } });
    }
    writeFileSync(file.path, good);
    editJson(file.path, (json) => (firstSlot(json).kdf['N'] = 2 ** 23));
    await expectCode(file.unlockWithPassphrase(PASSPHRASE), 'VAULT_CORRUPT');
  });

  it('detects stronger-looking KDF parameters swapped in, through the slot authentication', async () => {
    const file = vaultFile();
    await file.create(bytes('x'), { passphrase: PASSPHRASE, useOsSlot: false });
    editJson(file.path, (json) => (firstSlot(json).kdf['N'] = 2 ** 16));
    await expectCode(file.unlockWithPassphrase(PASSPHRASE), 'VAULT_WRONG_PASSPHRASE');
  });

  it('refuses an unknown version, saying a newer Twofold may be needed', async () => {
    const file = vaultFile();
    await file.create(bytes('x'), { passphrase: PASSPHRASE, useOsSlot: false });
    editJson(file.path, (json) => (json.version = 2));
    const error = await expectCode(file.unlockWithPassphrase(PASSPHRASE), 'VAULT_UNSUPPORTED_VERSION');
    expect(error.message).toContain('version 2');
    expect(error.message).toContain('newer Twofold');
    expect(await file.inspect()).toMatchObject({ state: 'damaged', error: { code: 'VAULT_UNSUPPORTED_VERSION' } });
  });

  it('detects a header change after unlock (VAULT_TAMPERED) and offers the previous copy', async () => {
    const keychain = createTestKeychain();
    const file = vaultFile(keychain);
    const vault = await file.create(bytes('x'), { passphrase: PASSPHRASE, useOsSlot: true });
    await vault.save(bytes('y'));
    // Dropping the passphrase slot leaves a structurally valid file whose header no longer matches.
    editJson(file.path, (json) => (json.slots = json.slots.slice(1)));
    const error = await expectCode(file.unlockWithOs(), 'VAULT_TAMPERED');
    expect(error.message).toContain('A previous good copy is available');
  });

  it('refuses unknown fields, duplicate slots and a foreign format', async () => {
    const file = vaultFile();
    await file.create(bytes('x'), { passphrase: null, useOsSlot: true });
    const good = readFileSync(file.path);
    const edits: Array<(json: LooseVault) => void> = [
      (json) => (json['extra'] = true),
      (json) => (firstSlot(json)['note'] = 'hi'),
      (json) => json.slots.push(firstSlot(json)),
      (json) => (json.slots = []),
      (json) => (json['format'] = 'other'),
      (json) => (json.payload['iv'] = Buffer.alloc(16).toString('base64')),
    ];
    for (const edit of edits) {
      writeFileSync(file.path, good);
      editJson(file.path, edit);
      await expectCode(file.unlockWithOs(), 'VAULT_CORRUPT');
    }
  });

  it('refuses a file over the size limit before reading it', async () => {
    const file = vaultFile();
    await file.create(bytes('x'), { passphrase: null, useOsSlot: true });
    truncateSync(file.path, 64 * 1024 * 1024 + 1);
    const error = await expectCode(file.unlockWithOs(), 'VAULT_CORRUPT');
    expect(error.message).toContain('64 MiB');
  });
});
