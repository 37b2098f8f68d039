/**
 * The encrypted Twofold backup file, format version 1: a passphrase-derived key (scrypt) and
 * AES-256-GCM over a JSON list of accounts, with the header bound as additional authenticated
 * data. Written by "Export → Encrypted backup" and by automatic backups. See docs/backup-format.md.
 */
import { z } from 'zod';
import { AlgorithmSchema, ColorSchema, MAX_IMPORT_BYTES, OtpTypeSchema } from '../../../common/api-contract';
import { TwofoldError } from '../../../common/errors';
import { validateOtpParams, type OtpParams } from '../../../common/otpauth-uri';
import { otpFields } from '../accounts';
import { checkEntryCount, entryName } from '../import/import-entry';
import { deriveKek, IV_BYTES, KEY_BYTES, open, randomBytesOf, SALT_BYTES, seal, TAG_BYTES } from '../vault/vault-crypto';
import { DEFAULT_SCRYPT, MIN_PASSPHRASE_LENGTH } from '../vault/vault-file';
import { checkKdf, decodeStrictBase64, MAX_SCRYPT_N, MAX_SCRYPT_P, MAX_SCRYPT_R, MIN_SCRYPT_N, MIN_SCRYPT_R } from '../vault/vault-format';

/** The value of a backup file's `format` field. */
export const BACKUP_FORMAT = 'twofold-backup';
/** The only backup format version this build reads and writes. */
export const BACKUP_VERSION = 1;
/** The version of the decrypted payload (the account list) this build reads and writes. */
export const BACKUP_PAYLOAD_VERSION = 1;

/** A key derived from the backup passphrase, with the parameters that derived it. Reusable for many backups. */
export interface BackupKey {
  kdf: { N: number; r: number; p: number; salt: string /* base64, 32 bytes */ };
  /** The 32-byte AES-256 key. A secret: never logged, never sent to the renderer. */
  key: Uint8Array;
}

/** One account as a backup holds it: the OTP parameters plus what the app shows beside them. */
export interface BackupAccount extends OtpParams {
  color: string | null;
  pinned: boolean;
}

/** What a backup's header says, readable without the passphrase. */
export interface BackupHeader {
  version: number;
  kdf: BackupKey['kdf'];
  createdAt: number;
}

/** A backup decrypted but with its entries not yet checked, for importers that report bad entries one by one. */
export interface OpenedBackup {
  createdAt: number;
  entries: unknown[];
}

/** The structure of one decrypted account entry (before the account rules of validateOtpParams). */
export const BackupAccountSchema = z.strictObject({
  type: OtpTypeSchema,
  issuer: z.string(),
  label: z.string(),
  secret: z.string(),
  algorithm: AlgorithmSchema,
  digits: z.number(),
  period: z.number(),
  counter: z.number(),
  color: ColorSchema.nullable(),
  pinned: z.boolean(),
});

/** Canonical base64 decoded to bytes (see decodeStrictBase64), so every altered character is noticed. */
function base64Bytes(size: { exact?: number; min?: number }) {
  return z.string().transform((text, ctx) => {
    const bytes = decodeStrictBase64(text);
    if (!bytes) {
      ctx.addIssue({ code: 'custom', message: 'is not valid base64' });
      return z.NEVER;
    }
    if ((size.exact !== undefined && bytes.length !== size.exact) || (size.min !== undefined && bytes.length < size.min)) {
      const wanted = size.exact !== undefined ? `${size.exact}` : `at least ${size.min}`;
      ctx.addIssue({ code: 'custom', message: `must be ${wanted} bytes, but is ${bytes.length}` });
      return z.NEVER;
    }
    return bytes;
  });
}

const wholeNumber = z.number().int().nonnegative();

const fileSchema = z.strictObject({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_VERSION),
  // Salt length and cost are checked by checkBackupKdf, so a weak setting gets its own message.
  kdf: z.strictObject({ name: z.literal('scrypt'), N: wholeNumber, r: wholeNumber, p: wholeNumber, salt: base64Bytes({}) }),
  // Up to the largest time a JS Date can hold.
  createdAt: wholeNumber.max(8.64e15),
  payload: z.strictObject({ iv: base64Bytes({ exact: IV_BYTES }), data: base64Bytes({ min: TAG_BYTES }) }),
});

type BackupFile = z.output<typeof fileSchema>;

const payloadSchema = z.strictObject({ version: z.literal(BACKUP_PAYLOAD_VERSION), accounts: z.array(z.unknown()) });

/**
 * Refuses scrypt parameters outside Twofold's floor and ceiling (the vault's rules, see
 * checkKdf): on read as IMPORT_INVALID, since a file edited to a cheaper KDF is a cheaper
 * passphrase check; on create as INPUT_INVALID.
 */
function checkBackupKdf(kdf: { N: number; r: number; p: number }, saltBytes: number, context: 'read' | 'create'): void {
  const problem = checkKdf(kdf, saltBytes, context);
  if (!problem) return;
  const weak = problem.code === 'VAULT_WEAK_KDF';
  const asked = `scrypt N=${kdf.N}, r=${kdf.r}, p=${kdf.p}, salt ${saltBytes} bytes`;
  const limits = weak
    ? `the minimum is N=2^${Math.log2(MIN_SCRYPT_N)} as a power of two, r=${MIN_SCRYPT_R}, p=1 and a ${SALT_BYTES}-byte salt`
    : `the maximum is N=2^${Math.log2(MAX_SCRYPT_N)}, r=${MAX_SCRYPT_R}, p=${MAX_SCRYPT_P} and 4 GiB of memory`;
  if (context === 'read') {
    throw new TwofoldError(
      'IMPORT_INVALID',
      `This Twofold backup asks for key-derivation settings ${weak ? 'weaker' : 'larger'} than Twofold accepts (${asked}; ${limits}). ` +
        (weak ? 'It may have been altered to make the passphrase easier to guess. ' : 'It may be damaged. ') +
        'Use another backup.',
    );
  }
  throw new TwofoldError('INPUT_INVALID', `Refusing to write a backup with ${asked}: ${limits}.`);
}

function decodeSalt(salt: string): Buffer {
  const bytes = decodeStrictBase64(salt);
  if (!bytes) throw new TwofoldError('INPUT_INVALID', 'The backup key salt is not valid base64.');
  return bytes;
}

/**
 * Derives a backup key from the passphrase: scrypt(NFC(passphrase), salt, N, r, p) → 32 bytes.
 * Cost defaults to N=2^17, r=8, p=1; the salt (base64, 32 bytes) is fresh unless given.
 * Throws PASSPHRASE_TOO_SHORT (under 8 characters) or INPUT_INVALID (cost or salt out of bounds).
 */
export async function deriveBackupKey(
  passphrase: string,
  kdf: Partial<{ N: number; r: number; p: number }> = {},
  salt?: string,
): Promise<BackupKey> {
  if ([...passphrase.normalize('NFC')].length < MIN_PASSPHRASE_LENGTH) {
    throw new TwofoldError(
      'PASSPHRASE_TOO_SHORT',
      `The backup passphrase is too short: use at least ${MIN_PASSPHRASE_LENGTH} characters.`,
      'passphrase',
    );
  }
  const cost = { N: kdf.N ?? DEFAULT_SCRYPT.N, r: kdf.r ?? DEFAULT_SCRYPT.r, p: kdf.p ?? DEFAULT_SCRYPT.p };
  const saltBytes = salt === undefined ? randomBytesOf(SALT_BYTES) : decodeSalt(salt);
  checkBackupKdf(cost, saltBytes.length, 'create');
  const key = await deriveKek(passphrase, saltBytes, cost);
  return { kdf: { ...cost, salt: saltBytes.toString('base64') }, key };
}

/** The canonical header JSON, rebuilt from values, bound to the payload as AAD. */
function headerAad(kdf: BackupKey['kdf'], createdAt: number): Buffer {
  return Buffer.from(
    JSON.stringify({
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      kdf: { name: 'scrypt', N: kdf.N, r: kdf.r, p: kdf.p, salt: kdf.salt },
      createdAt,
    }),
    'utf8',
  );
}

/** The backup's view of an account: its OTP fields, colour and pin, and nothing else (no id, no icon). */
export function toBackupAccount(a: OtpParams & { color: string | null; pinned: boolean }): BackupAccount {
  return { ...otpFields(a), color: a.color, pinned: a.pinned };
}

/**
 * Encrypts accounts into backup file bytes under `key`, with a fresh random nonce, so one key
 * serves many backups. `createdAt` is ms since the epoch. Throws INPUT_INVALID for a malformed key.
 */
export function encodeBackup(accounts: BackupAccount[], key: BackupKey, createdAt: number): Uint8Array {
  if (key.key.length !== KEY_BYTES) throw new TwofoldError('INPUT_INVALID', `The backup key must be ${KEY_BYTES} bytes.`);
  checkBackupKdf(key.kdf, decodeSalt(key.kdf.salt).length, 'create');
  if (!Number.isSafeInteger(createdAt) || createdAt < 0 || createdAt > 8.64e15) {
    throw new TwofoldError('INPUT_INVALID', 'The backup time must be a whole number of milliseconds since 1970.');
  }
  const kdf = { N: key.kdf.N, r: key.kdf.r, p: key.kdf.p, salt: key.kdf.salt };
  const plain = Buffer.from(JSON.stringify({ version: BACKUP_PAYLOAD_VERSION, accounts: accounts.map(toBackupAccount) }), 'utf8');
  const sealed = seal(key.key, plain, headerAad(kdf, createdAt));
  plain.fill(0);
  return Buffer.from(
    JSON.stringify({
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      kdf: { name: 'scrypt', ...kdf },
      createdAt,
      payload: { iv: sealed.iv.toString('base64'), data: sealed.data.toString('base64') },
    }),
    'utf8',
  );
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length > 0 ? issue.path.map(String).join('.') : 'the file';
  const separator = /^(is|must) /.test(issue.message) ? ' ' : ': ';
  return `${path}${separator}${issue.message}`;
}

const EXPORT_AGAIN = 'Use another backup, or export a new one from Twofold.';

/** Parses and checks a backup file's structure; no key needed. */
function parseBackupFile(bytes: Uint8Array): BackupFile {
  // Checked before decoding anything, so a huge file costs nothing.
  if (bytes.length > MAX_IMPORT_BYTES) {
    throw new TwofoldError(
      'IMPORT_TOO_LARGE',
      `This file is ${bytes.length.toLocaleString('en-US')} bytes; a Twofold backup is at most ${MAX_IMPORT_BYTES.toLocaleString('en-US')} bytes.`,
    );
  }
  if (bytes.length === 0) throw new TwofoldError('IMPORT_INVALID', `This Twofold backup is empty. ${EXPORT_AGAIN}`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    // JSON.parse's own message quotes the file's text, so it is deliberately not passed on.
    throw new TwofoldError('IMPORT_INVALID', `This Twofold backup is not valid JSON text; it may be truncated or damaged. ${EXPORT_AGAIN}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json) || (json as { format?: unknown }).format !== BACKUP_FORMAT) {
    throw new TwofoldError('IMPORT_INVALID', `This is not a Twofold backup: its "format" field is not "${BACKUP_FORMAT}".`);
  }
  // format, then version, before the schema: a newer file with new fields says "newer", not "damaged".
  const version = (json as { version?: unknown }).version;
  if (typeof version !== 'number' || !Number.isSafeInteger(version)) {
    throw new TwofoldError('IMPORT_INVALID', `This Twofold backup is damaged: its "version" field is not a whole number. ${EXPORT_AGAIN}`);
  }
  if (version !== BACKUP_VERSION) {
    throw new TwofoldError(
      'IMPORT_UNSUPPORTED_VERSION',
      `This Twofold backup uses format version ${version}, but this Twofold reads only version ${BACKUP_VERSION}.` +
        (version > BACKUP_VERSION ? ' Update Twofold to restore it.' : ''),
    );
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TwofoldError(
      'IMPORT_INVALID',
      `This Twofold backup is damaged: ${issue ? describeIssue(issue) : 'unknown problem'}. ${EXPORT_AGAIN}`,
    );
  }
  checkBackupKdf(parsed.data.kdf, parsed.data.kdf.salt.length, 'read');
  return parsed.data;
}

/**
 * Reads a backup's header without the passphrase, after checking the whole file's structure.
 * Throws IMPORT_TOO_LARGE (over 16 MB), IMPORT_INVALID or IMPORT_UNSUPPORTED_VERSION.
 */
export function readBackupHeader(bytes: Uint8Array): BackupHeader {
  const file = parseBackupFile(bytes);
  return { version: file.version, kdf: kdfOf(file), createdAt: file.createdAt };
}

/** The file's KDF parameters with the salt as base64 (canonical, so equal to the file's text). */
function kdfOf(file: BackupFile): BackupKey['kdf'] {
  return { N: file.kdf.N, r: file.kdf.r, p: file.kdf.p, salt: file.kdf.salt.toString('base64') };
}

function sameKdf(a: BackupKey['kdf'], b: BackupKey['kdf']): boolean {
  return a.N === b.N && a.r === b.r && a.p === b.p && a.salt === b.salt;
}

/** How to open a backup: the stored backup key when it fits the file, else the passphrase. */
export interface BackupSecret {
  key?: BackupKey | null;
  passphrase?: string | null;
}

/**
 * Decrypts a backup and checks its payload's structure, leaving the entries unchecked. The key is
 * used only when its KDF (salt, N, r, p) is the file's; otherwise the passphrase is, and without
 * one it throws IMPORT_PASSPHRASE_REQUIRED (field 'passphrase'). Also throws what
 * readBackupHeader throws, IMPORT_WRONG_PASSPHRASE, and IMPORT_TOO_LARGE over 50,000 accounts.
 */
export async function openBackup(bytes: Uint8Array, secret: BackupSecret): Promise<OpenedBackup> {
  // Structure first, so a broken file says so instead of asking for a passphrase.
  const file = parseBackupFile(bytes);
  const kdf = kdfOf(file);
  let key: Uint8Array;
  let derived: Buffer | null = null;
  if (secret.key && sameKdf(secret.key.kdf, kdf)) {
    key = secret.key.key;
  } else if (typeof secret.passphrase === 'string') {
    derived = await deriveKek(secret.passphrase, file.kdf.salt, kdf);
    key = derived;
  } else {
    throw new TwofoldError(
      'IMPORT_PASSPHRASE_REQUIRED',
      secret.key
        ? 'This backup was made with a different backup passphrase (or before it was last changed). Enter the passphrase it was made with.'
        : 'This Twofold backup is encrypted. Enter the backup passphrase it was made with.',
      'passphrase',
    );
  }
  const plain = open(key, file.payload.iv, file.payload.data, headerAad(kdf, file.createdAt));
  derived?.fill(0);
  if (!plain) {
    throw new TwofoldError(
      'IMPORT_WRONG_PASSPHRASE',
      'The backup could not be decrypted: the passphrase is wrong, or the file was altered after it was written ' +
        '(the encryption cannot tell these apart). Check the passphrase, or use another backup.',
      'passphrase',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain));
  } catch {
    json = undefined;
  } finally {
    plain.fill(0);
  }
  const version = (json as { version?: unknown } | undefined)?.version;
  if (typeof version === 'number' && version !== BACKUP_PAYLOAD_VERSION) {
    throw new TwofoldError(
      'IMPORT_UNSUPPORTED_VERSION',
      `This Twofold backup holds account list version ${version}, but this Twofold reads only version ${BACKUP_PAYLOAD_VERSION}.` +
        (version > BACKUP_PAYLOAD_VERSION ? ' Update Twofold to restore it.' : ''),
    );
  }
  const payload = payloadSchema.safeParse(json);
  if (!payload.success) {
    // Authenticated but malformed: written by something that is not a correct Twofold.
    const issue = payload.error.issues[0];
    throw new TwofoldError(
      'IMPORT_INVALID',
      `This Twofold backup decrypted, but its account list is malformed${issue ? ` (${describeIssue(issue)})` : ''}. ${EXPORT_AGAIN}`,
    );
  }
  checkEntryCount(payload.data.accounts.length, 'Twofold backup');
  return { createdAt: file.createdAt, entries: payload.data.accounts };
}

/** "Issuer (name)" of a raw entry when it has them as strings; never the secret. */
export function backupEntryName(raw: unknown): string {
  const entry = typeof raw === 'object' && raw !== null ? (raw as { issuer?: unknown; label?: unknown }) : {};
  return entryName(typeof entry.issuer === 'string' ? entry.issuer : undefined, typeof entry.label === 'string' ? entry.label : undefined);
}

/**
 * Decrypts a backup and checks every account against the rules all accounts obey.
 * Throws as openBackup does, and IMPORT_INVALID naming the first bad account (never its secret).
 */
export async function decodeBackup(
  bytes: Uint8Array,
  keyOrPassphrase: BackupKey | string,
): Promise<{ createdAt: number; accounts: BackupAccount[] }> {
  const opened = await openBackup(
    bytes,
    typeof keyOrPassphrase === 'string' ? { passphrase: keyOrPassphrase } : { key: keyOrPassphrase },
  );
  const accounts = opened.entries.map((raw, index): BackupAccount => {
    const where = `Account ${index + 1} (${backupEntryName(raw)}) in the backup`;
    const entry = BackupAccountSchema.safeParse(raw);
    if (!entry.success) {
      const issue = entry.error.issues[0];
      throw new TwofoldError('IMPORT_INVALID', `${where} is malformed${issue ? ` (${describeIssue(issue)})` : ''}. ${EXPORT_AGAIN}`);
    }
    const { color, pinned, ...params } = entry.data;
    try {
      return { ...validateOtpParams(params), color, pinned };
    } catch (error) {
      if (error instanceof TwofoldError) throw new TwofoldError('IMPORT_INVALID', `${where} is invalid: ${error.message}`, error.field);
      throw error;
    }
  });
  return { createdAt: opened.createdAt, accounts };
}
