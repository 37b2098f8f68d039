import { createCipheriv, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { bytesInput, expectNoSecrets, expectTwofoldError, SAMPLE_BACKUP_ACCOUNTS } from '../../../tests/fixtures/import-test-kit';
import { deriveBackupKey, encodeBackup, type BackupKey } from '../backup/backup-format';
import { MAX_IMPORT_ENTRIES, type ImportInput } from './import-types';
import { parseTwofoldBackup, twofoldBackupImporter } from './twofold-backup';

const PASSPHRASE = 'restore me, please';
const TEST_COST = { N: 2 ** 15, r: 8, p: 1 };
const CREATED_AT = Date.UTC(2026, 4, 1);
const ACCOUNTS = SAMPLE_BACKUP_ACCOUNTS;
const SECRET = ACCOUNTS[0]!.secret;

let key: BackupKey;
beforeAll(async () => {
  key = await deriveBackupKey(PASSPHRASE, TEST_COST);
});

function input(bytes: Uint8Array, passphrase: string | null = null): ImportInput {
  return bytesInput(bytes, 'backup.twofold', passphrase);
}

/** A backup with the given account-list JSON, sealed as docs/backup-format.md says, with Node crypto directly. */
function sealPayload(plaintext: string): Buffer {
  const header = { format: 'twofold-backup', version: 1, kdf: { name: 'scrypt', ...key.kdf }, createdAt: CREATED_AT };
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(Buffer.from(JSON.stringify(header)));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return Buffer.from(JSON.stringify({ ...header, payload: { iv: iv.toString('base64'), data: data.toString('base64') } }));
}

function expectedImport() {
  return ACCOUNTS.map(({ color, pinned, ...params }, index) => ({ index, params, color, pinned }));
}

describe('twofoldBackupImporter', () => {
  it('recognises Twofold backups, also cut short, and nothing else', () => {
    const bytes = Buffer.from(encodeBackup(ACCOUNTS, key, CREATED_AT));
    expect(twofoldBackupImporter.detect(input(bytes))).toBe(true);
    expect(twofoldBackupImporter.detect(input(bytes.subarray(0, 40)))).toBe(true);
    const reordered = JSON.stringify({ version: 1, ...(JSON.parse(bytes.toString()) as object) });
    expect(twofoldBackupImporter.detect(input(Buffer.from(reordered)))).toBe(true);
    expect(twofoldBackupImporter.detect(input(Buffer.from('{"version":1,"header":{},"db":{"entries":[]}}')))).toBe(false);
    expect(twofoldBackupImporter.detect(input(Buffer.from('{"note":"twofold-backup"}')))).toBe(false);
    expect(twofoldBackupImporter.detect(input(Buffer.from(`otpauth://totp/A:b?secret=${SECRET}`)))).toBe(false);
    expect(twofoldBackupImporter.detect(input(Buffer.from([0xff, 0xfe, 0x00])))).toBe(false);
  });

  it('asks for the passphrase before reading an encrypted backup', async () => {
    const error = await expectTwofoldError(twofoldBackupImporter.parse(input(encodeBackup(ACCOUNTS, key, CREATED_AT))), 'IMPORT_PASSPHRASE_REQUIRED');
    expect(error.field).toBe('passphrase');
  });

  it('imports every account with its colour and pin, given the passphrase', async () => {
    const parsed = await twofoldBackupImporter.parse(input(encodeBackup(ACCOUNTS, key, CREATED_AT), PASSPHRASE));
    expect(parsed).toEqual({ format: 'twofold-backup', accounts: expectedImport(), errors: [], warnings: [], enrollments: [] });
  });

  it('restores an automatic backup with the stored key, without the passphrase', async () => {
    const parsed = await parseTwofoldBackup(input(encodeBackup(ACCOUNTS, key, CREATED_AT)), key);
    expect(parsed.accounts).toEqual(expectedImport());
  });

  it('falls back to the passphrase when the stored key is not the one the backup was made with', async () => {
    const older = await deriveBackupKey('the old passphrase', TEST_COST);
    const bytes = encodeBackup(ACCOUNTS, older, CREATED_AT);
    const needed = await expectTwofoldError(parseTwofoldBackup(input(bytes), key), 'IMPORT_PASSPHRASE_REQUIRED');
    expect(needed.message).toMatch(/different backup passphrase/);
    const parsed = await parseTwofoldBackup(input(bytes, 'the old passphrase'), key);
    expect(parsed.accounts).toHaveLength(2);
  });

  it('refuses a wrong passphrase without quoting it', async () => {
    const bytes = encodeBackup(ACCOUNTS, key, CREATED_AT);
    const error = await expectTwofoldError(twofoldBackupImporter.parse(input(bytes, 'not the passphrase')), 'IMPORT_WRONG_PASSPHRASE');
    expectNoSecrets(error, ['not the passphrase', PASSPHRASE]);
  });

  it('reports a bad entry by index and name and imports the rest', async () => {
    const bad = { ...ACCOUNTS[1], issuer: 'Shop', label: 'carol', digits: 12 };
    const shapeless = { issuer: 'Odd', label: 'dave', secret: SECRET };
    const payload = JSON.stringify({ version: 1, accounts: [ACCOUNTS[0], bad, shapeless] });
    const parsed = await parseTwofoldBackup(input(sealPayload(payload)), key);
    expect(parsed.accounts.map((a) => a.index)).toEqual([0]);
    expect(parsed.errors).toEqual([
      { index: 1, name: 'Shop (carol)', message: expect.stringContaining('digits') as string },
      { index: 2, name: 'Odd (dave)', message: expect.stringContaining('malformed (field type)') as string },
    ]);
    expectNoSecrets(parsed.errors, [SECRET]);
  });

  it('refuses truncated, broken, unknown-version and oversized backups as a whole', async () => {
    const bytes = Buffer.from(encodeBackup(ACCOUNTS, key, CREATED_AT));
    for (const length of [1, 20, 100, bytes.length - 1]) {
      await expectTwofoldError(twofoldBackupImporter.parse(input(bytes.subarray(0, length), PASSPHRASE)), 'IMPORT_INVALID');
    }
    const broken = Buffer.from(bytes.toString().replace('"createdAt":', '"createdAt"'));
    await expectTwofoldError(twofoldBackupImporter.parse(input(broken, PASSPHRASE)), 'IMPORT_INVALID');
    const newer = Buffer.from(bytes.toString().replace('"version":1', '"version":2'));
    await expectTwofoldError(twofoldBackupImporter.parse(input(newer, PASSPHRASE)), 'IMPORT_UNSUPPORTED_VERSION');
    const huge = Buffer.concat([bytes, Buffer.alloc(16 * 1024 * 1024, 0x20)]);
    await expectTwofoldError(twofoldBackupImporter.parse(input(huge, PASSPHRASE)), 'IMPORT_TOO_LARGE');
    const tooMany = sealPayload(JSON.stringify({ version: 1, accounts: Array.from({ length: MAX_IMPORT_ENTRIES + 1 }, () => 0) }));
    await expectTwofoldError(parseTwofoldBackup(input(tooMany), key), 'IMPORT_TOO_LARGE');
  });

  it('imports 10,000 accounts quickly', async () => {
    const accounts = Array.from({ length: 10_000 }, (_, i) => ({ ...ACCOUNTS[0]!, label: `user${i}` }));
    const started = performance.now();
    const parsed = await parseTwofoldBackup(input(encodeBackup(accounts, key, CREATED_AT)), key);
    expect(parsed.accounts).toHaveLength(10_000);
    expect(parsed.errors).toEqual([]);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
