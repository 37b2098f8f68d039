/**
 * Aegis Authenticator vault export (`aegis-export-*.json`), plain and encrypted.
 *
 * Format followed:
 * - beemdevelopment/Aegis docs/vault.md: `{version: 1, header: {slots, params}, db}`; `slots` and
 *   `params` both null means a plain vault whose `db` is the content object; otherwise `db` is the
 *   base64 AES-256-GCM ciphertext of the content, `params` holds its hex nonce and tag, and each
 *   slot holds the master key wrapped with AES-256-GCM (hex `key`, `key_params.nonce/tag`). Password
 *   slots (type 1) derive the wrapping key with scrypt from hex `salt`, `n`, `r`, `p`; raw (0) and
 *   biometric (2) slots need a key that lives on the phone, so only password slots are tried.
 * - The app's VaultFile.java (accepts file version ≤ 1), Vault.java (accepts content version ≤ 3:
 *   1 = entries only, 2 = an entry `group` string, 3 = `groups` of UUIDs), slots/Slot.java, and
 *   docs/decrypt.py (tries every password slot until one unwraps the master key).
 * Entries: `{type: totp|hotp|steam|yandex|motp, uuid, name, issuer, note, icon, favorite,
 * info: {secret (base32), algo, digits, period | counter}, groups}`. Icons, notes and groups have no
 * place in Twofold and are ignored; `favorite` becomes pinned.
 */
import { scrypt } from 'node:crypto';
import { z } from 'zod';
import { TwofoldError } from '../../../common/errors';
import { open as openGcm, scryptMaxmem } from '../vault/vault-crypto';
import { checkEntryCount, entryName, parseDecryptedJson, readJson, splitResults, toImportedAccount } from './import-entry';
import type { ImportEntryError, ImportInput, ImportedAccount, Importer, ParsedImport } from './import-types';

const FORMAT_NAME = 'Aegis';
/** The one vault file version Aegis has written. */
const FILE_VERSION = 1;
/** Content versions Aegis reads (Vault.java: `ver > VERSION` is refused, VERSION = 3). */
const CONTENT_VERSIONS = [1, 2, 3] as const;
const SLOT_TYPE_PASSWORD = 1;

/**
 * Upper bounds on a slot's scrypt cost. Aegis always writes N = 2^15, r = 8, p = 1 (32 MiB, about
 * 0.1 s); these allow 32 times that work and 256 MiB at most, so a hostile file can neither make
 * us allocate gigabytes nor spin for minutes.
 */
const SCRYPT_MAX_N = 2 ** 20;
const SCRYPT_MAX_R = 32;
const SCRYPT_MAX_P = 16;
const SCRYPT_MAX_MEMORY = 256 * 1024 * 1024;
const SCRYPT_MAX_WORK = 32 * 2 ** 15 * 8;
/** Password slots tried at most; Aegis has one, two with a backup password. Each costs a scrypt run. */
const MAX_PASSWORD_SLOTS = 4;

const EMPTY_AAD = new Uint8Array(0);
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const GcmParamsSchema = z.object({ nonce: z.string().regex(HEX), tag: z.string().regex(HEX) });

const PasswordSlotSchema = z.object({
  type: z.literal(SLOT_TYPE_PASSWORD),
  key: z.string().regex(HEX),
  key_params: GcmParamsSchema,
  n: z.number().int(),
  r: z.number().int(),
  p: z.number().int(),
  salt: z.string().regex(HEX).min(2),
});
type PasswordSlot = z.output<typeof PasswordSlotSchema>;

const EntrySchema = z.object({
  type: z.string(),
  name: z.string().nullish(),
  issuer: z.string().nullish(),
  favorite: z.boolean().nullish(),
  info: z.object({
    secret: z.string(),
    algo: z.string().nullish(),
    digits: z.number().nullish(),
    period: z.number().nullish(),
    counter: z.number().nullish(),
  }),
});

function invalid(message: string): TwofoldError {
  return new TwofoldError('IMPORT_INVALID', message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeVersion(value: unknown): string {
  return typeof value === 'number' ? String(value) : JSON.stringify(value)?.slice(0, 20) ?? 'missing';
}

function hexBytes(hex: string): Buffer {
  return Buffer.from(hex, 'hex');
}

/** Checks a slot's scrypt parameters against what Node accepts and the bounds above. */
function checkScryptCost(slot: PasswordSlot): void {
  const { n, r, p } = slot;
  const powerOfTwo = n >= 2 && (n & (n - 1)) === 0;
  if (!powerOfTwo || r < 1 || p < 1) {
    throw invalid(`This Aegis vault's password slot has impossible scrypt parameters (N=${n}, r=${r}, p=${p}); the file is damaged. Export the vault again from Aegis.`);
  }
  if (n > SCRYPT_MAX_N || r > SCRYPT_MAX_R || p > SCRYPT_MAX_P || 128 * n * r > SCRYPT_MAX_MEMORY || n * r * p > SCRYPT_MAX_WORK) {
    throw invalid(
      `This Aegis vault asks for scrypt parameters far beyond what Aegis uses (N=${n}, r=${r}, p=${p}; Aegis uses N=32768, r=8, p=1). Twofold refuses them to protect this computer; export the vault again from Aegis.`,
    );
  }
}

function deriveSlotKey(passphrase: string, slot: PasswordSlot): Promise<Buffer> {
  const cost = { N: slot.n, r: slot.r, p: slot.p };
  // Aegis feeds the password's UTF-8 bytes to scrypt as typed (no normalisation), so do the same.
  const secret = Buffer.from(passphrase, 'utf8');
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(secret, hexBytes(slot.salt), KEY_BYTES, { ...cost, maxmem: scryptMaxmem(cost) }, (error, key) => {
      secret.fill(0);
      if (error) reject(invalid("This Aegis vault's password slot could not be used; the file is damaged. Export the vault again from Aegis."));
      else resolve(key);
    });
  });
}

/** A password slot whose structure and cost have been checked, with its binary fields decoded. */
interface CheckedSlot {
  slot: PasswordSlot;
  wrapped: Buffer;
  nonce: Buffer;
  tag: Buffer;
}

/**
 * The vault's password slots (the only ones a passphrase can open), checked before any passphrase
 * is asked for, so a damaged or hostile file is refused up front.
 */
function passwordSlotsOf(slots: unknown[]): CheckedSlot[] {
  const passwordSlots = slots.filter((s) => isRecord(s) && s.type === SLOT_TYPE_PASSWORD);
  if (passwordSlots.length === 0) {
    throw invalid(
      'This Aegis vault has no password slot: it can only be unlocked on the phone (for example with biometrics). In Aegis, set a password and export the vault again.',
    );
  }
  if (passwordSlots.length > MAX_PASSWORD_SLOTS) {
    throw invalid(`This Aegis vault has ${passwordSlots.length} password slots; Aegis writes at most two. The file is damaged or not from Aegis.`);
  }
  return passwordSlots.map((raw) => {
    const parsed = PasswordSlotSchema.safeParse(raw);
    if (!parsed.success) {
      throw invalid("This Aegis vault's password slot is incomplete or damaged. Export the vault again from Aegis.");
    }
    const slot = parsed.data;
    checkScryptCost(slot);
    const checked = { slot, wrapped: hexBytes(slot.key), nonce: hexBytes(slot.key_params.nonce), tag: hexBytes(slot.key_params.tag) };
    if (checked.wrapped.length !== KEY_BYTES || checked.nonce.length !== NONCE_BYTES || checked.tag.length !== TAG_BYTES) {
      throw invalid("This Aegis vault's password slot has a key, nonce or tag of the wrong length; the file is damaged. Export the vault again from Aegis.");
    }
    return checked;
  });
}

/** Tries each password slot in turn; returns the master key, or null when the passphrase opens none. */
async function unwrapMasterKey(passwordSlots: CheckedSlot[], passphrase: string): Promise<Buffer | null> {
  for (const { slot, wrapped, nonce, tag } of passwordSlots) {
    const kek = await deriveSlotKey(passphrase, slot);
    const master = openGcm(kek, nonce, Buffer.concat([wrapped, tag]), EMPTY_AAD);
    kek.fill(0);
    if (master !== null) return master;
  }
  return null;
}

/** Decrypts an encrypted vault's `db` with the passphrase; returns the content object. */
async function decryptContent(header: Record<string, unknown>, db: unknown, passphrase: string | null): Promise<unknown> {
  if (!Array.isArray(header.slots) || typeof db !== 'string') {
    throw invalid("This Aegis vault's header is damaged: it is neither a plain vault nor a complete encrypted one. Export the vault again from Aegis.");
  }
  const params = GcmParamsSchema.safeParse(header.params);
  if (!params.success) {
    throw invalid("This Aegis vault's encryption parameters (nonce and tag) are missing or damaged. Export the vault again from Aegis.");
  }
  const body = db.replace(/\s+/g, '');
  if (!BASE64.test(body) || body.length % 4 !== 0) {
    throw invalid("This Aegis vault's encrypted content is not valid base64; the file is truncated or damaged. Export the vault again from Aegis.");
  }
  const nonce = hexBytes(params.data.nonce);
  const tag = hexBytes(params.data.tag);
  if (nonce.length !== NONCE_BYTES || tag.length !== TAG_BYTES) {
    throw invalid("This Aegis vault's nonce or tag has the wrong length; the file is damaged. Export the vault again from Aegis.");
  }
  const passwordSlots = passwordSlotsOf(header.slots);
  if (passphrase === null || passphrase === '') {
    throw new TwofoldError('IMPORT_PASSPHRASE_REQUIRED', 'This Aegis vault is encrypted. Enter the password you use to unlock Aegis.', 'passphrase');
  }
  const master = await unwrapMasterKey(passwordSlots, passphrase);
  if (master === null) {
    throw new TwofoldError(
      'IMPORT_WRONG_PASSPHRASE',
      "That password doesn't unlock this Aegis vault (or the file was changed). Enter the password you use to unlock Aegis.",
      'passphrase',
    );
  }
  const plain = master.length === KEY_BYTES ? openGcm(master, nonce, Buffer.concat([Buffer.from(body, 'base64'), tag]), EMPTY_AAD) : null;
  master.fill(0);
  if (plain === null) {
    throw invalid(
      "The password is right, but this Aegis vault's content doesn't decrypt: the file was changed, truncated or damaged. Export the vault again from Aegis.",
    );
  }
  return parseDecryptedJson(plain, 'This Aegis vault decrypted, but its content is not valid JSON. Export the vault again from Aegis.');
}

/** Reads one entry: an account, or an error naming the entry and what is wrong (never the secret). */
function readEntry(index: number, raw: unknown): ImportedAccount | ImportEntryError {
  if (!isRecord(raw)) return { index, name: `Entry ${index + 1}`, message: 'This entry is not an account object.' };
  const issuer = typeof raw.issuer === 'string' ? raw.issuer : undefined;
  const label = typeof raw.name === 'string' ? raw.name : undefined;
  if (typeof raw.type === 'string' && !['totp', 'hotp'].includes(raw.type.toLowerCase())) {
    // Steam, Yandex and mOTP: toImportedAccount words the "not supported" error.
    return toImportedAccount(index, { type: raw.type, issuer, label });
  }
  const parsed = EntrySchema.safeParse(raw);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') || 'entry';
    return { index, name: entryName(issuer, label), message: `The entry's "${field}" field is missing or of the wrong type.` };
  }
  const e = parsed.data;
  return toImportedAccount(
    index,
    {
      type: e.type,
      issuer: e.issuer ?? undefined,
      label: e.name ?? undefined,
      secret: e.info.secret,
      algorithm: e.info.algo ?? undefined,
      digits: e.info.digits ?? undefined,
      period: e.info.period ?? undefined,
      counter: e.info.counter ?? undefined,
    },
    { pinned: e.favorite === true },
  );
}

/** Reads the vault content `{version, entries}` into accounts and per-entry errors. */
function readContent(content: unknown): ParsedImport {
  if (!isRecord(content)) {
    throw invalid("This Aegis vault's content is not an object; the file is damaged. Export the vault again from Aegis.");
  }
  const version = content.version;
  if (typeof version !== 'number' || !(CONTENT_VERSIONS as readonly number[]).includes(version)) {
    throw new TwofoldError(
      'IMPORT_UNSUPPORTED_VERSION',
      `This Aegis vault's content is version ${describeVersion(version)}; Twofold reads versions 1 to 3. Export it from an Aegis version Twofold knows, or update Twofold.`,
    );
  }
  if (!Array.isArray(content.entries)) {
    throw invalid("This Aegis vault has no list of entries; the file is damaged. Export the vault again from Aegis.");
  }
  const entries: unknown[] = content.entries;
  checkEntryCount(entries.length, FORMAT_NAME);
  const { accounts, errors } = splitResults(entries.map((entry, index) => readEntry(index, entry)));
  return { format: 'aegis', accounts, errors, warnings: [], enrollments: [] };
}

async function parseAegis(input: ImportInput): Promise<ParsedImport> {
  const file = readJson(input, FORMAT_NAME);
  if (!isRecord(file) || !('header' in file) || !('db' in file)) {
    throw invalid('This file is not an Aegis vault: it has no header or db. In Aegis, use Settings → Import & Export → Export.');
  }
  if (file.version !== FILE_VERSION) {
    if (typeof file.version !== 'number') {
      throw invalid('This Aegis vault has no version number; the file is damaged. Export the vault again from Aegis.');
    }
    throw new TwofoldError(
      'IMPORT_UNSUPPORTED_VERSION',
      `This Aegis vault file is version ${describeVersion(file.version)}; Twofold reads version ${FILE_VERSION}. Update Twofold, or export from an Aegis version that writes version ${FILE_VERSION}.`,
    );
  }
  if (!isRecord(file.header)) {
    throw invalid("This Aegis vault's header is missing; the file is damaged. Export the vault again from Aegis.");
  }
  const { header } = file;
  if (header.slots === null && header.params === null) {
    if (!isRecord(file.db)) {
      throw invalid("This plain Aegis vault's content is missing; the file is damaged. Export the vault again from Aegis.");
    }
    return readContent(file.db);
  }
  return readContent(await decryptContent(header, file.db, input.passphrase));
}

/** Reads Aegis vault exports, plain and password-encrypted. */
export const aegisImporter: Importer = {
  format: 'aegis',
  name: FORMAT_NAME,
  detect(input: ImportInput): boolean {
    // Structure only: a JSON object with Aegis's top-level "header" and "db" keys. A truncated file
    // still matches (header comes first), so the user hears "damaged Aegis file", not "unknown".
    const text = input.text;
    return text !== null && text.trimStart().startsWith('{') && /"header"\s*:/.test(text) && /"db"\s*:/.test(text);
  },
  parse: parseAegis,
};
