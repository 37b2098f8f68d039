/**
 * The on-disk vault format, version 1: strict parsing of untrusted bytes into a typed document,
 * canonical serialisation, and the additional authenticated data (AAD) that binds the header.
 * See docs/vault-format.md.
 */
import { z } from 'zod';
import { TwofoldError } from '../../../common/errors';
import { IV_BYTES, KEY_BYTES, SALT_BYTES, TAG_BYTES, type ScryptCost } from './vault-crypto';

/** The value of the file's `format` field. */
export const VAULT_FORMAT = 'twofold-vault';
/** The only format version this build reads and writes. */
export const VAULT_VERSION = 1;
/** The weakest scrypt N accepted, on read and on create (DESIGN.md: N ≥ 2^15). */
export const MIN_SCRYPT_N = 2 ** 15;
/** The largest scrypt N accepted: anything above is treated as damage, not as a stronger setting. */
export const MAX_SCRYPT_N = 2 ** 22;
/** The weakest scrypt r accepted. */
export const MIN_SCRYPT_R = 8;
/** The largest scrypt r accepted. */
export const MAX_SCRYPT_R = 32;
/** The largest scrypt p accepted. */
export const MAX_SCRYPT_P = 16;
/** The most memory (128·N·r bytes) a file may ask scrypt to use: a hostile file must not exhaust RAM. */
export const MAX_SCRYPT_MEMORY = 2 ** 32;
/** The largest OS-sealed key blob accepted (safeStorage output for 32 bytes is far smaller). */
export const MAX_SEALED_BYTES = 4096;

/** A passphrase slot's key-derivation parameters. */
export interface KdfParams extends ScryptCost {
  name: 'scrypt';
  salt: Buffer;
}

/** The vault key wrapped under a passphrase-derived key. */
export interface PassphraseSlot {
  kind: 'passphrase';
  kdf: KdfParams;
  iv: Buffer;
  /** The wrapped 32-byte vault key followed by the 16-byte GCM tag. */
  key: Buffer;
}

/** The vault key sealed by the OS secret store (Keychain.encrypt). */
export interface OsSlot {
  kind: 'os';
  sealed: Buffer;
}

/** One key slot: a way to recover the vault key. */
export type VaultSlot = PassphraseSlot | OsSlot;

/** A parsed version-1 vault file. */
export interface VaultDocument {
  slots: VaultSlot[];
  payload: { iv: Buffer; data: Buffer };
}

/** Decodes base64 only in its canonical form, so that every altered character is noticed. */
export function decodeStrictBase64(text: string): Buffer | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : null;
}

function base64Bytes(size: { exact?: number; min?: number; max?: number }) {
  return z.string().transform((text, ctx) => {
    const bytes = decodeStrictBase64(text);
    if (!bytes) {
      ctx.addIssue({ code: 'custom', message: 'is not valid base64' });
      return z.NEVER;
    }
    if (size.exact !== undefined && bytes.length !== size.exact) {
      ctx.addIssue({ code: 'custom', message: `must be ${size.exact} bytes, but is ${bytes.length}` });
      return z.NEVER;
    }
    if (size.min !== undefined && bytes.length < size.min) {
      ctx.addIssue({ code: 'custom', message: `must be at least ${size.min} bytes, but is ${bytes.length}` });
      return z.NEVER;
    }
    if (size.max !== undefined && bytes.length > size.max) {
      ctx.addIssue({ code: 'custom', message: `must be at most ${size.max} bytes, but is ${bytes.length}` });
      return z.NEVER;
    }
    return bytes;
  });
}

const wholeNumber = z.number().int().nonnegative();

// Salt length is checked by checkKdf, not here, so that a short salt reports VAULT_WEAK_KDF.
const kdfSchema = z.strictObject({
  name: z.literal('scrypt'),
  N: wholeNumber,
  r: wholeNumber,
  p: wholeNumber,
  salt: base64Bytes({}),
});

const slotSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('passphrase'),
    kdf: kdfSchema,
    iv: base64Bytes({ exact: IV_BYTES }),
    key: base64Bytes({ exact: KEY_BYTES + TAG_BYTES }),
  }),
  z.strictObject({
    kind: z.literal('os'),
    sealed: base64Bytes({ min: 1, max: MAX_SEALED_BYTES }),
  }),
]);

const documentSchema = z.strictObject({
  format: z.literal(VAULT_FORMAT),
  version: z.literal(VAULT_VERSION),
  slots: z
    .array(slotSchema)
    .min(1)
    .max(2)
    .superRefine((slots, ctx) => {
      if (new Set(slots.map((slot) => slot.kind)).size !== slots.length) {
        ctx.addIssue({ code: 'custom', message: 'has two slots of the same kind' });
      }
    }),
  payload: z.strictObject({
    iv: base64Bytes({ exact: IV_BYTES }),
    data: base64Bytes({ min: TAG_BYTES }),
  }),
});

function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0 && (n & (n - 1)) === 0 && n <= 2 ** 30;
}

/**
 * Checks scrypt parameters against the floor and ceiling Twofold accepts.
 * Returns the error to throw, or null when they are acceptable. `context` picks the wording.
 */
export function checkKdf(cost: ScryptCost, saltBytes: number, context: 'read' | 'create'): TwofoldError | null {
  const where = context === 'read' ? 'This vault file asks for' : 'Refusing to create a vault with';
  if (cost.N > MAX_SCRYPT_N || cost.r > MAX_SCRYPT_R || cost.p > MAX_SCRYPT_P || 128 * cost.N * cost.r > MAX_SCRYPT_MEMORY) {
    return new TwofoldError(
      context === 'read' ? 'VAULT_CORRUPT' : 'INPUT_INVALID',
      `${where} scrypt parameters larger than Twofold accepts (N=${cost.N}, r=${cost.r}, p=${cost.p}; ` +
        `the maximum is N=2^22, r=32, p=16 and 4 GiB of memory).`,
    );
  }
  const weak =
    !isPowerOfTwo(cost.N) || cost.N < MIN_SCRYPT_N || cost.r < MIN_SCRYPT_R || cost.p < 1 || saltBytes !== SALT_BYTES;
  if (weak) {
    return new TwofoldError(
      'VAULT_WEAK_KDF',
      `${where} scrypt parameters weaker than Twofold accepts (N=${cost.N}, r=${cost.r}, p=${cost.p}, ` +
        `salt ${saltBytes} bytes; the minimum is N=2^15 as a power of two, r=8, p=1, a 32-byte salt).` +
        (context === 'read' ? ' The file may have been altered to make the passphrase easier to guess.' : ''),
    );
  }
  return null;
}

/**
 * True when `text` stops inside a string or an unclosed object or array: the file was cut short
 * rather than rewritten. Only meaningful for text JSON.parse rejected.
 */
function endsEarly(text: string): boolean {
  if (text.trim() === '') return true;
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (inString) {
      if (escaped) escaped = false;
      else if (char === '\\') escaped = true;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth += 1;
    else if (char === '}' || char === ']') depth -= 1;
  }
  return inString || depth > 0;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length > 0 ? issue.path.map(String).join('.') : 'the file';
  // Our own messages read as a predicate ("payload.iv is not valid base64"); zod's read as a sentence.
  const separator = /^(is|must|has) /.test(issue.message) ? ' ' : ': ';
  return `${path}${separator}${issue.message}`;
}

/**
 * Parses and structurally validates vault bytes, without any key.
 * Throws TwofoldError: VAULT_TRUNCATED, VAULT_CORRUPT, VAULT_UNSUPPORTED_VERSION or VAULT_WEAK_KDF.
 */
export function parseVault(bytes: Uint8Array): VaultDocument {
  if (bytes.length === 0) throw new TwofoldError('VAULT_TRUNCATED', 'The vault file is empty; it was cut off during a write or a copy.');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new TwofoldError('VAULT_CORRUPT', 'The vault file is damaged: it is not UTF-8 text.');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the file's text, so it is deliberately not passed on.
    if (endsEarly(text)) {
      throw new TwofoldError(
        'VAULT_TRUNCATED',
        `The vault file ends early (${bytes.length} bytes); it was cut off during a write or a copy.`,
      );
    }
    throw new TwofoldError('VAULT_CORRUPT', 'The vault file is damaged: it is not valid JSON.');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json) || (json as { format?: unknown }).format !== VAULT_FORMAT) {
    throw new TwofoldError('VAULT_CORRUPT', `The file is not a Twofold vault: its "format" field is not "${VAULT_FORMAT}".`);
  }
  const version = (json as { version?: unknown }).version;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw new TwofoldError('VAULT_CORRUPT', 'The vault file is damaged: its "version" field is not a whole number.');
  }
  if (version !== VAULT_VERSION) {
    throw new TwofoldError(
      'VAULT_UNSUPPORTED_VERSION',
      `The vault file uses format version ${version}, but this Twofold reads only version ${VAULT_VERSION}.` +
        (version > VAULT_VERSION ? ' A newer Twofold may be needed to open it.' : ''),
    );
  }
  const parsed = documentSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TwofoldError('VAULT_CORRUPT', `The vault file is damaged: ${issue ? describeIssue(issue) : 'unknown problem'}.`);
  }
  const document: VaultDocument = { slots: parsed.data.slots, payload: parsed.data.payload };
  for (const slot of document.slots) {
    if (slot.kind !== 'passphrase') continue;
    const problem = checkKdf(slot.kdf, slot.kdf.salt.length, 'read');
    if (problem) throw problem;
  }
  return document;
}

function kdfJson(kdf: KdfParams) {
  return { name: kdf.name, N: kdf.N, r: kdf.r, p: kdf.p, salt: kdf.salt.toString('base64') };
}

function slotJson(slot: VaultSlot) {
  return slot.kind === 'passphrase'
    ? { kind: slot.kind, kdf: kdfJson(slot.kdf), iv: slot.iv.toString('base64'), key: slot.key.toString('base64') }
    : { kind: slot.kind, sealed: slot.sealed.toString('base64') };
}

/** The canonical bytes of a document: compact JSON with a fixed key order. */
export function serializeVault(document: VaultDocument): Buffer {
  return Buffer.from(
    JSON.stringify({
      format: VAULT_FORMAT,
      version: VAULT_VERSION,
      slots: document.slots.map(slotJson),
      payload: { iv: document.payload.iv.toString('base64'), data: document.payload.data.toString('base64') },
    }),
    'utf8',
  );
}

/** The payload's AAD: canonical JSON of {format, version, slots}, so any header change fails the payload tag. */
export function headerAad(slots: readonly VaultSlot[]): Buffer {
  return Buffer.from(JSON.stringify({ format: VAULT_FORMAT, version: VAULT_VERSION, slots: slots.map(slotJson) }), 'utf8');
}

/** A passphrase slot's AAD: its kind and KDF parameters, so swapping parameters fails the slot's tag. */
export function passphraseSlotAad(kdf: KdfParams): Buffer {
  return Buffer.from(
    JSON.stringify({ format: VAULT_FORMAT, version: VAULT_VERSION, kind: 'passphrase', kdf: kdfJson(kdf) }),
    'utf8',
  );
}
