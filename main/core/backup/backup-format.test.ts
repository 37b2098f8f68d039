import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_IMPORT_BYTES } from '../../../common/api-contract';
import type { ErrorCode, TwofoldError } from '../../../common/errors';
import { expectNoSecrets, expectTwofoldError, SAMPLE_BACKUP_ACCOUNTS } from '../../../tests/fixtures/import-test-kit';
import { MAX_IMPORT_ENTRIES } from '../import/import-types';
import {
  decodeBackup,
  deriveBackupKey,
  encodeBackup,
  readBackupHeader,
  type BackupAccount,
  type BackupKey,
} from './backup-format';

const PASSPHRASE = 'correct horse battery staple';
const ACCOUNTS = SAMPLE_BACKUP_ACCOUNTS;
const SECRET = ACCOUNTS[0]!.secret;
const HOTP_SECRET = ACCOUNTS[1]!.secret;
// The cheapest cost Twofold accepts, so the tests stay fast; the default is N = 2^17.
const TEST_COST = { N: 2 ** 15, r: 8, p: 1 };
const CREATED_AT = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

let key: BackupKey;
beforeAll(async () => {
  key = await deriveBackupKey(PASSPHRASE, TEST_COST);
});

/** No passphrase, seed or key in the error. */
function expectNoBackupSecrets(error: TwofoldError): void {
  expectNoSecrets(error, [PASSPHRASE, SECRET, HOTP_SECRET, Buffer.from(key.key).toString('base64')]);
}

interface Header {
  format: string;
  version: number;
  kdf: { name: string; N: number; r: number; p: number; salt: string };
  createdAt: number;
}

/** Builds a backup as docs/backup-format.md describes it, with Node's crypto directly (not the code under test). */
function sealDocument(aesKey: Uint8Array, header: Header, plaintext: string): Buffer {
  const aad = JSON.stringify({
    format: header.format,
    version: header.version,
    kdf: { name: header.kdf.name, N: header.kdf.N, r: header.kdf.r, p: header.kdf.p, salt: header.kdf.salt },
    createdAt: header.createdAt,
  });
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', aesKey, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return Buffer.from(JSON.stringify({ ...header, payload: { iv: iv.toString('base64'), data: data.toString('base64') } }));
}

function headerFor(k: BackupKey, overrides: Partial<Header> = {}): Header {
  return { format: 'twofold-backup', version: 1, kdf: { name: 'scrypt', ...k.kdf }, createdAt: CREATED_AT, ...overrides };
}

function manyAccounts(count: number): BackupAccount[] {
  return Array.from({ length: count }, (_, i) => ({ ...ACCOUNTS[0]!, issuer: `Service ${i}`, label: `user${i}@example.com` }));
}

describe('deriveBackupKey', () => {
  it('uses scrypt N=2^17, r=8, p=1 with a fresh 32-byte salt by default', async () => {
    const derived = await deriveBackupKey(PASSPHRASE);
    expect(derived.kdf).toMatchObject({ N: 2 ** 17, r: 8, p: 1 });
    expect(Buffer.from(derived.kdf.salt, 'base64')).toHaveLength(32);
    expect(derived.key).toHaveLength(32);
    expect(derived.kdf.salt).not.toBe(key.kdf.salt);
  });

  it('derives the same key from the same passphrase and salt, in NFC or NFD', async () => {
    const nfc = await deriveBackupKey('Passwört-élan', TEST_COST, key.kdf.salt);
    const nfd = await deriveBackupKey('Passwört-élan'.normalize('NFD'), TEST_COST, key.kdf.salt);
    expect(Buffer.from(nfd.key)).toEqual(Buffer.from(nfc.key));
    // The documented derivation, computed independently.
    const expected = scryptSync(Buffer.from('Passwört-élan'.normalize('NFC')), Buffer.from(key.kdf.salt, 'base64'), 32, {
      ...TEST_COST,
      maxmem: 64 * 1024 * 1024,
    });
    expect(Buffer.from(nfc.key)).toEqual(expected);
  });

  it('refuses a weak or absurd cost, a bad salt and a short passphrase', async () => {
    await expectTwofoldError(deriveBackupKey(PASSPHRASE, { N: 2 ** 14 }), 'INPUT_INVALID');
    await expectTwofoldError(deriveBackupKey(PASSPHRASE, { r: 4 }), 'INPUT_INVALID');
    await expectTwofoldError(deriveBackupKey(PASSPHRASE, { N: 2 ** 23 }), 'INPUT_INVALID');
    await expectTwofoldError(deriveBackupKey(PASSPHRASE, TEST_COST, 'AAAA'), 'INPUT_INVALID');
    await expectTwofoldError(deriveBackupKey(PASSPHRASE, TEST_COST, 'not base64!'), 'INPUT_INVALID');
    const short = await expectTwofoldError(deriveBackupKey('seven77'), 'PASSPHRASE_TOO_SHORT');
    expect(short.field).toBe('passphrase');
    expect(short.message).not.toContain('seven77');
  });
});

describe('encodeBackup and decodeBackup', () => {
  it('round-trips accounts with a cached key and with the passphrase', async () => {
    const bytes = encodeBackup(ACCOUNTS, key, CREATED_AT);
    expect(await decodeBackup(bytes, key)).toEqual({ createdAt: CREATED_AT, accounts: ACCOUNTS });
    expect(await decodeBackup(bytes, PASSPHRASE)).toEqual({ createdAt: CREATED_AT, accounts: ACCOUNTS });
    expect(await decodeBackup(bytes, PASSPHRASE.normalize('NFD'))).toEqual({ createdAt: CREATED_AT, accounts: ACCOUNTS });
  });

  it('writes the documented format, readable with Node crypto alone', () => {
    const bytes = encodeBackup(ACCOUNTS, key, CREATED_AT);
    const text = Buffer.from(bytes).toString('utf8');
    const file = JSON.parse(text) as Header & { payload: { iv: string; data: string } };
    expect(Object.keys(file)).toEqual(['format', 'version', 'kdf', 'createdAt', 'payload']);
    expect(file.kdf).toEqual({ name: 'scrypt', ...key.kdf });
    expect(text).not.toContain(SECRET);
    const aad = JSON.stringify({ format: file.format, version: file.version, kdf: file.kdf, createdAt: file.createdAt });
    const data = Buffer.from(file.payload.data, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(file.payload.iv, 'base64'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(data.subarray(data.length - 16));
    const plain = Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
    expect(JSON.parse(plain)).toEqual({ version: 1, accounts: ACCOUNTS });
  });

  it('uses a fresh nonce for every backup made with one key', async () => {
    const a = JSON.parse(Buffer.from(encodeBackup(ACCOUNTS, key, CREATED_AT)).toString()) as { payload: { iv: string } };
    const b = JSON.parse(Buffer.from(encodeBackup(ACCOUNTS, key, CREATED_AT)).toString()) as { payload: { iv: string } };
    expect(a.payload.iv).not.toBe(b.payload.iv);
  });

  it('reads the header without the passphrase', () => {
    expect(readBackupHeader(encodeBackup(ACCOUNTS, key, CREATED_AT))).toEqual({ version: 1, kdf: key.kdf, createdAt: CREATED_AT });
  });

  it('reads a backup written independently from the published format', async () => {
    const plaintext = JSON.stringify({ version: 1, accounts: ACCOUNTS });
    const decoded = await decodeBackup(sealDocument(key.key, headerFor(key), plaintext), PASSPHRASE);
    expect(decoded.accounts).toEqual(ACCOUNTS);
  });

  it('handles 10,000 accounts quickly', async () => {
    const accounts = manyAccounts(10_000);
    const started = performance.now();
    const decoded = await decodeBackup(encodeBackup(accounts, key, CREATED_AT), key);
    expect(decoded.accounts).toHaveLength(10_000);
    expect(decoded.accounts[9_999]?.label).toBe('user9999@example.com');
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('docs/backup-format.md', () => {
  it("has a worked example that decrypts to the account it shows", async () => {
    const doc = readFileSync(fileURLToPath(new URL('../../../docs/backup-format.md', import.meta.url)), 'utf8');
    const blocks = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => (m[1] ?? '').replace(/\n\s*/g, ''));
    const [file, payload] = blocks;
    const decoded = await decodeBackup(Buffer.from(file ?? ''), 'example passphrase');
    expect(decoded.createdAt).toBe(Date.UTC(2026, 0, 15, 8, 30));
    expect({ version: 1, accounts: decoded.accounts }).toEqual(JSON.parse(payload ?? ''));
    const header = readBackupHeader(Buffer.from(file ?? ''));
    const derived = await deriveBackupKey('example passphrase', header.kdf, header.kdf.salt);
    expect(doc).toContain(`derived key (hex): \`${Buffer.from(derived.key).toString('hex')}\``);
  });
});

describe('hostile backups', () => {
  it('refuses a wrong passphrase, saying it may also be tampering', async () => {
    const bytes = encodeBackup(ACCOUNTS, key, CREATED_AT);
    const error = await expectTwofoldError(decodeBackup(bytes, 'wrong horse battery staple'), 'IMPORT_WRONG_PASSPHRASE');
    expect(error.field).toBe('passphrase');
    expect(error.message).toMatch(/passphrase is wrong, or the file was altered/);
    expectNoBackupSecrets(error);
    expect(error.message).not.toContain('wrong horse');
  });

  it('asks for the passphrase when the cached key was made with another salt or cost', async () => {
    const other = await deriveBackupKey(PASSPHRASE, TEST_COST);
    const error = await expectTwofoldError(decodeBackup(encodeBackup(ACCOUNTS, other, CREATED_AT), key), 'IMPORT_PASSPHRASE_REQUIRED');
    expect(error.field).toBe('passphrase');
    const sameSaltOtherCost: BackupKey = { kdf: { ...key.kdf, N: 2 ** 16 }, key: key.key };
    await expectTwofoldError(decodeBackup(encodeBackup(ACCOUNTS, sameSaltOtherCost, CREATED_AT), key), 'IMPORT_PASSPHRASE_REQUIRED');
  });

  it('gives a TwofoldError for every single byte altered', async () => {
    const bytes = Buffer.from(encodeBackup(ACCOUNTS.slice(0, 1), key, CREATED_AT));
    const allowed: ErrorCode[] = ['IMPORT_INVALID', 'IMPORT_WRONG_PASSPHRASE', 'IMPORT_PASSPHRASE_REQUIRED', 'IMPORT_UNSUPPORTED_VERSION'];
    const seen = new Set<ErrorCode>();
    for (let i = 0; i < bytes.length; i += 1) {
      for (const mask of [0x01, 0x80]) {
        const altered = Buffer.from(bytes);
        altered[i] = (altered[i] ?? 0) ^ mask;
        const error = await expectTwofoldError(decodeBackup(altered, key));
        expect(allowed).toContain(error.code);
        expectNoBackupSecrets(error);
        seen.add(error.code);
      }
    }
    // The cases the messages distinguish all occur: damage, altered ciphertext, another salt, another version.
    expect([...seen].sort()).toEqual([...allowed].sort());
  });

  it('reports a backup cut short at any length as damaged', async () => {
    const bytes = Buffer.from(encodeBackup(ACCOUNTS, key, CREATED_AT));
    for (let length = 0; length < bytes.length; length += 1) {
      const error = await expectTwofoldError(decodeBackup(bytes.subarray(0, length), key), 'IMPORT_INVALID');
      expectNoBackupSecrets(error);
    }
    expect((await expectTwofoldError(() => readBackupHeader(bytes.subarray(0, bytes.length - 5)))).message).toMatch(/truncated or damaged/);
  });

  it('refuses unknown versions of the file and of the account list, naming them', async () => {
    const v2 = sealDocument(key.key, headerFor(key, { version: 2 }), '{}');
    const newer = await expectTwofoldError(decodeBackup(v2, key), 'IMPORT_UNSUPPORTED_VERSION');
    expect(newer.message).toContain('version 2');
    expect(newer.message).toContain('Update Twofold');
    await expectTwofoldError(() => readBackupHeader(Buffer.from('{"format":"twofold-backup","version":0}')), 'IMPORT_UNSUPPORTED_VERSION');
    const payload = JSON.stringify({ version: 3, accounts: ACCOUNTS });
    const inner = await expectTwofoldError(decodeBackup(sealDocument(key.key, headerFor(key), payload), key), 'IMPORT_UNSUPPORTED_VERSION');
    expect(inner.message).toContain('version 3');
  });

  it('refuses a file over 16 MB before parsing it', async () => {
    const huge = Buffer.alloc(MAX_IMPORT_BYTES + 1, 0x7b);
    await expectTwofoldError(decodeBackup(huge, key), 'IMPORT_TOO_LARGE');
    await expectTwofoldError(() => readBackupHeader(huge), 'IMPORT_TOO_LARGE');
  });

  it('refuses more accounts than an import may hold', async () => {
    const accounts = Array.from({ length: MAX_IMPORT_ENTRIES + 1 }, () => ({}));
    const payload = JSON.stringify({ version: 1, accounts });
    const error = await expectTwofoldError(decodeBackup(sealDocument(key.key, headerFor(key), payload), key), 'IMPORT_TOO_LARGE');
    expect(error.message).toContain('50,001');
  });

  it('refuses a file edited to a weaker or absurd key derivation', async () => {
    const salt = randomBytes(32);
    const weakKey = scryptSync(PASSPHRASE, salt, 32, { N: 2 ** 14, r: 8, p: 1 });
    const weakHeader = headerFor(key, { kdf: { name: 'scrypt', N: 2 ** 14, r: 8, p: 1, salt: salt.toString('base64') } });
    const weakFile = sealDocument(weakKey, weakHeader, '{"version":1,"accounts":[]}');
    const weak = await expectTwofoldError(decodeBackup(weakFile, PASSPHRASE), 'IMPORT_INVALID');
    expect(weak.message).toMatch(/weaker than Twofold accepts.*altered/);
    const shortSalt = headerFor(key, { kdf: { ...headerFor(key).kdf, salt: randomBytes(16).toString('base64') } });
    expect((await expectTwofoldError(decodeBackup(sealDocument(key.key, shortSalt, '{}'), PASSPHRASE))).message).toContain('salt 16 bytes');
    const absurd = headerFor(key, { kdf: { ...headerFor(key).kdf, N: 2 ** 30 } });
    const error = await expectTwofoldError(decodeBackup(sealDocument(key.key, absurd, '{}'), PASSPHRASE), 'IMPORT_INVALID');
    expect(error.message).toContain('larger than Twofold accepts');
  });

  it('refuses files that are not backups, or malformed, naming the field', async () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['\u00ff\u00fe', /not valid JSON/],
      ['[]', /not a Twofold backup/],
      ['{"format":"twofold-vault","version":1}', /not a Twofold backup/],
      ['{"format":"twofold-backup","version":"1"}', /"version" field is not a whole number/],
    ];
    for (const [text, message] of cases) {
      const error = await expectTwofoldError(() => readBackupHeader(Buffer.from(text, 'latin1')), 'IMPORT_INVALID');
      expect(error.message).toMatch(message);
    }
    const good = JSON.parse(Buffer.from(encodeBackup(ACCOUNTS, key, CREATED_AT)).toString()) as Record<string, unknown>;
    const extra = await expectTwofoldError(() => readBackupHeader(Buffer.from(JSON.stringify({ ...good, note: 'hi' }))));
    expect(extra.message).toContain('note');
    const payload = good.payload as { iv: string; data: string };
    const shortIv = await expectTwofoldError(() =>
      readBackupHeader(Buffer.from(JSON.stringify({ ...good, payload: { ...payload, iv: 'AAAA' } }))),
    );
    expect(shortIv.message).toContain('payload.iv must be 12 bytes');
    const urlSafe = await expectTwofoldError(() =>
      readBackupHeader(Buffer.from(JSON.stringify({ ...good, payload: { ...payload, data: `-${payload.data.slice(1)}` } }))),
    );
    expect(urlSafe.message).toContain('payload.data is not valid base64');
  });

  it('names a bad account inside a genuine backup without quoting its secret', async () => {
    const bad = { ...ACCOUNTS[0]!, issuer: 'Bank', label: 'carol', secret: `${SECRET.slice(0, 10)}0189${SECRET.slice(14)}` };
    const payload = JSON.stringify({ version: 1, accounts: [ACCOUNTS[1], bad] });
    const error = await expectTwofoldError(decodeBackup(sealDocument(key.key, headerFor(key), payload), key), 'IMPORT_INVALID');
    expect(error.message).toContain('Account 2 (Bank (carol))');
    expect(error.message).toContain('base32');
    expect(error.field).toBe('secret');
    expect(error.message).not.toContain(bad.secret);
    expectNoBackupSecrets(error);
    const shape = JSON.stringify({ version: 1, accounts: [{ ...ACCOUNTS[0], digits: 'six' }] });
    const malformed = await expectTwofoldError(decodeBackup(sealDocument(key.key, headerFor(key), shape), key));
    expect(malformed.message).toMatch(/Account 1 \(GitHub \(alice@example.com\)\) in the backup is malformed \(digits/);
    await expectTwofoldError(decodeBackup(sealDocument(key.key, headerFor(key), 'not json'), key), 'IMPORT_INVALID');
  });
});
