import { describe, expect, it } from 'vitest';
import { MAX_IMPORT_BYTES, type ImportFormat } from '../../../common/api-contract';
import { validateOtpParams } from '../../../common/otpauth-uri';
import { expectNoSecrets, expectTwofoldError } from '../../../tests/fixtures/import-test-kit';
import { deriveBackupKey, encodeBackup, type BackupAccount } from '../backup/backup-format';
import { MIN_SCRYPT_N } from '../vault/vault-format';
import { encodeMigrationLinks } from './google-migration';
import { detectImporter, IMPORTERS, importInput, readImport } from './import-registry';

const SECRET_A = 'JBSWY3DPEHPK3PXP';
const SECRET_B = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const URI_A = `otpauth://totp/Example:alice?secret=${SECRET_A}&issuer=Example`;
const URI_B = `otpauth://totp/GitHub:bob?secret=${SECRET_B}&issuer=GitHub`;
const BACKUP_PASSPHRASE = 'a backup passphrase';
const FAST = { N: MIN_SCRYPT_N, r: 8, p: 1 };

const ACCOUNT_A: BackupAccount = {
  ...validateOtpParams({ type: 'totp', issuer: 'Example', label: 'alice', secret: SECRET_A, algorithm: 'SHA1', digits: 6, period: 30, counter: 0 }),
  color: '#3366ff',
  pinned: true,
};

const text = (value: string, fileName: string | null = null, passphrase: string | null = null) =>
  importInput(new TextEncoder().encode(value), { fileName, passphrase });

/** One small export of each format, built from the format's published structure. */
async function fixtures(): Promise<[ImportFormat, ReturnType<typeof importInput>][]> {
  const key = await deriveBackupKey(BACKUP_PASSPHRASE, FAST);
  return [
    ['twofold-backup', importInput(encodeBackup([ACCOUNT_A], key, Date.UTC(2025, 0, 1)), { fileName: 'backup.twofold' })],
    [
      'aegis',
      text(
        JSON.stringify({
          version: 1,
          header: { slots: null, params: null },
          db: {
            version: 3,
            entries: [
              {
                type: 'totp',
                uuid: '01234567-89ab-cdef-0123-456789abcdef',
                name: 'alice',
                issuer: 'Example',
                note: '',
                favorite: false,
                icon: null,
                info: { secret: SECRET_A, algo: 'SHA1', digits: 6, period: 30 },
              },
            ],
          },
        }),
      ),
    ],
    ['2fas', text(JSON.stringify({ services: [], groups: [], updatedAt: 0, schemaVersion: 4, appVersionCode: 5000000 }))],
    [
      'ente',
      text(JSON.stringify({ version: 1, kdfParams: { memLimit: 8192, opsLimit: 1, salt: 'AAAA' }, encryptedData: 'AAAA', encryptionNonce: 'AAAA' })),
    ],
    ['ente', text(`${URI_A}&codeDisplay=%7B%22pinned%22%3Afalse%7D\n`)],
    [
      'bitwarden',
      text(JSON.stringify({ encrypted: false, folders: [], items: [{ type: 1, name: 'Example', login: { username: 'alice', totp: URI_A } }] })),
    ],
    [
      'andotp',
      text(JSON.stringify([{ secret: SECRET_A, issuer: 'Example', label: 'alice', digits: 6, type: 'TOTP', algorithm: 'SHA1', period: 30, tags: [] }])),
    ],
    ['google-migration', text(encodeMigrationLinks([ACCOUNT_A]).join('\n'))],
    ['uri-list', text(`${URI_A}\n${URI_B}\n`)],
  ];
}

describe('detection', () => {
  it('lists every importable format once, the Twofold backup first and the generic link list last', () => {
    const formats = IMPORTERS.map((importer) => importer.format);
    expect(new Set(formats).size).toBe(formats.length);
    expect(formats[0]).toBe('twofold-backup');
    expect(formats[formats.length - 1]).toBe('uri-list');
    expect([...formats].sort()).toEqual(['2fas', 'aegis', 'andotp', 'bitwarden', 'ente', 'google-migration', 'twofold-backup', 'uri-list']);
  });

  it('picks the right importer for an export of each format', async () => {
    for (const [format, input] of await fixtures()) {
      expect(detectImporter(input)?.format, format).toBe(format);
    }
  });

  it('reads a link list, an andOTP file and a Google Authenticator export into accounts', async () => {
    const all = await fixtures();
    for (const format of ['uri-list', 'andotp', 'google-migration', 'aegis', 'bitwarden'] as const) {
      const input = all.find(([f]) => f === format)?.[1];
      if (!input) throw new Error(format);
      const parsed = await readImport(input);
      expect(parsed.format, format).toBe(format);
      expect(parsed.accounts[0]?.params, format).toMatchObject({ issuer: 'Example', label: 'alice', secret: SECRET_A });
    }
  });
});

describe('Twofold backups', () => {
  it('opens a backup with the stored backup key, without the passphrase', async () => {
    const key = await deriveBackupKey(BACKUP_PASSPHRASE, FAST);
    const input = importInput(encodeBackup([ACCOUNT_A], key, Date.UTC(2025, 0, 1)), { fileName: 'b.twofold' });
    const parsed = await readImport(input, { backupKey: key });
    expect(parsed.accounts).toEqual([{ index: 0, params: expect.objectContaining({ secret: SECRET_A }), color: '#3366ff', pinned: true }]);
  });

  it('asks for the passphrase without a fitting key, and refuses a wrong one without quoting it', async () => {
    const key = await deriveBackupKey(BACKUP_PASSPHRASE, FAST);
    const other = await deriveBackupKey('another passphrase', FAST);
    const bytes = encodeBackup([ACCOUNT_A], key, Date.UTC(2025, 0, 1));
    await expectTwofoldError(readImport(importInput(bytes), { backupKey: other }), 'IMPORT_PASSPHRASE_REQUIRED');
    const wrong = await expectTwofoldError(readImport(importInput(bytes, { passphrase: 'wrong passphrase!' })), 'IMPORT_WRONG_PASSPHRASE');
    expectNoSecrets(wrong, ['wrong passphrase!']);
    expect((await readImport(importInput(bytes, { passphrase: BACKUP_PASSPHRASE }))).accounts).toHaveLength(1);
  });
});

describe('unknown input', () => {
  it('says what a file looked like and names the supported formats, never quoting it', async () => {
    const cases: [ReturnType<typeof importInput>, RegExp][] = [
      [importInput(new Uint8Array([0x00, 0x01, 0xfe, 0xff, 0x80]), { fileName: 'x.bin' }), /binary file/],
      [text(JSON.stringify({ hello: SECRET_A, list: [1, 2] }), 'x.json'), /JSON document without the fields of any supported export/],
      [text(`{"hello": "${SECRET_A}",`, 'x.json'), /not valid JSON/],
      [text(`my notes ${SECRET_A}\nmore notes`), /text with no otpauth:\/\/ links/],
      [text('', 'empty.txt'), /empty/],
    ];
    for (const [input, shape] of cases) {
      const error = await expectTwofoldError(readImport(input), 'IMPORT_FORMAT_UNKNOWN');
      expect(error.message).toMatch(shape);
      expect(error.message).toMatch(/Aegis, 2FAS, Ente Auth, Bitwarden, andOTP, Google Authenticator/);
      expectNoSecrets(error, [SECRET_A]);
    }
  });

  it('refuses more than MAX_IMPORT_BYTES with IMPORT_TOO_LARGE before reading anything', () => {
    expect(() => importInput(new Uint8Array(MAX_IMPORT_BYTES + 1))).toThrow(expect.objectContaining({ code: 'IMPORT_TOO_LARGE' }));
    expect(importInput(new Uint8Array(16)).bytes.byteLength).toBe(16);
  });

  it('decodes strict UTF-8 without its byte-order mark, and gives null text for other bytes', async () => {
    const withBom = importInput(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(URI_A)]));
    expect(withBom.text).toBe(URI_A);
    expect((await readImport(withBom)).accounts).toHaveLength(1);
    expect(importInput(new Uint8Array([0x41, 0xff, 0x41])).text).toBeNull();
  });
});
