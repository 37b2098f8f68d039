/**
 * Ente Auth exports (`ente-auth-codes-YYYY-MM-DD.txt`), plain and encrypted.
 *
 * Format followed (ente-io/ente):
 * - docs/docs/auth/migration/export.md: the encrypted export is JSON `{version: 1, kdfParams:
 *   {memLimit, opsLimit, salt}, encryptedData, encryptionNonce}`; Argon2id derives the key and
 *   XChaCha20-Poly1305 encrypts the same text the plain export holds.
 * - auth/lib/ui/settings/data/export_widget.dart and import/encrypted_ente_import.dart, with
 *   ente_crypto's crypto_util.dart: the key is libsodium `crypto_pwhash` (Argon2id 1.3, 32 bytes) of
 *   the password's UTF-8 bytes with the stored base64 salt (16 bytes), memLimit (bytes) and opsLimit;
 *   the data is one `crypto_secretstream_xchacha20poly1305` message pushed with TAG_FINAL, whose
 *   24-byte stream header is `encryptionNonce`; all binary values are standard base64.
 *   `deriveSensitiveKey` writes memLimit 256 MiB with opsLimit 16 (1 GiB with 4 in older versions,
 *   halving memory and doubling operations on low-memory phones): memLimit × opsLimit is 4 GiB.
 * - auth/lib/models/code.dart and code_display.dart: the plain export is each code's `rawData`, an
 *   otpauth:// URI, one per line. Current versions append a `codeDisplay` query parameter holding JSON
 *   `{pinned, trashed, lastUsedAt, tapCount, tags, note, position, iconSrc, iconID}`; `pinned` becomes
 *   pinned, trashed codes are imported with a warning, the rest is ignored. Ente reads `otpauth://steam`
 *   too (not supported here) and takes a missing HOTP counter as 0.
 *
 * Detection: the encrypted export by its JSON keys. A plain export is a list of otpauth:// links, which
 * the generic link-list importer reads as well; it is taken as Ente's only with Ente's markers (see
 * `looksLikeEntePlainExport`), so that pinned and trashed codes are understood.
 */
import sodium from 'libsodium-wrappers-sumo';
import { z } from 'zod';
import { TwofoldError } from '../../../common/errors';
import { parseOtpauthUri } from '../../../common/otpauth-uri';
import { checkEntryCount, entryName, readJson, splitResults, toImportedAccount } from './import-entry';
import type { ImportEntryError, ImportInput, ImportedAccount, Importer, ParsedImport } from './import-types';

const FORMAT_NAME = 'Ente Auth';
const EXPORT_VERSION = 1;

/** libsodium's Argon2id limits and sizes (crypto_pwhash_*; the constants need `sodium.ready`). */
const ARGON2_MEMLIMIT_MIN = 8192;
const ARGON2_OPSLIMIT_MIN = 1;
const SALT_BYTES = 16;
const HEADER_BYTES = 24;
const STREAM_ABYTES = 17;
const KEY_BYTES = 32;
/**
 * Upper bounds on the stored KDF cost. Ente never asks for more than 1 GiB of memory, and always for
 * memLimit × opsLimit = 4 GiB of work; anything beyond is refused so a hostile file can neither exhaust
 * memory nor keep the CPU busy for minutes. (Ente's default, 256 MiB × 16, takes about 5 s here.)
 */
const ENTE_MAX_MEMLIMIT = 1024 * 1024 * 1024;
const ENTE_MAX_WORK = 4 * 1024 * 1024 * 1024;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const OTPAUTH = /^otpauth:\/\//i;
const CODE_DISPLAY = /[?&]codeDisplay=/;
const ENTE_FILE_NAME = /^ente-auth-(?:codes|auto-backup)/i;

const EncryptedExportSchema = z.object({
  kdfParams: z.object({ memLimit: z.number().int(), opsLimit: z.number().int(), salt: z.string() }),
  encryptedData: z.string(),
  encryptionNonce: z.string(),
});

/**
 * Derives Ente's export key: Argon2id (libsodium `crypto_pwhash`, ALG_ARGON2ID13) of the password
 * bytes, 32 bytes long. Injectable so the app can run it off the main thread: at Ente's cost it
 * takes seconds, and WebAssembly memory, once grown to memLimit, is never returned.
 */
export type EnteKeyDeriver = (password: Uint8Array, salt: Uint8Array, opsLimit: number, memLimit: number) => Promise<Uint8Array>;

/** Derives the key with libsodium in this thread (blocks it for the KDF's duration). */
export const deriveEnteKeyInThread: EnteKeyDeriver = async (password, salt, opsLimit, memLimit) => {
  await sodium.ready;
  return sodium.crypto_pwhash(KEY_BYTES, password, salt, opsLimit, memLimit, sodium.crypto_pwhash_ALG_ARGON2ID13);
};

function invalid(message: string): TwofoldError {
  return new TwofoldError('IMPORT_INVALID', message);
}

function decodeBase64(text: string): Uint8Array | null {
  const body = text.replace(/\s+/g, '');
  return BASE64.test(body) && body.length % 4 === 0 ? new Uint8Array(Buffer.from(body, 'base64')) : null;
}

/** Decodes a %-escaped component the way form data is decoded; null when an escape is broken. */
function decodeComponent(text: string): string | null {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** The text of one non-blank line, unquoted when it is a JSON string (as Ente stores rawData). */
function lineText(line: string): string {
  const trimmed = line.trim();
  if (trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"')) {
    try {
      const value: unknown = JSON.parse(trimmed);
      if (typeof value === 'string') return value.trim();
    } catch {
      // Not a JSON string after all: read the line as it is.
    }
  }
  return trimmed;
}

/** The OTP type in an otpauth:// link (the URI host), lower-cased. */
function otpType(uri: string): string {
  const rest = uri.slice('otpauth://'.length);
  const end = rest.search(/[/?#]/);
  return (end < 0 ? rest : rest.slice(0, end)).toLowerCase();
}

const ISSUER_PARAM = /[?&]issuer=([^&#]*)/i;
const COUNTER_PARAM = /[?&]counter=([^&#]*)/i;
const CODE_DISPLAY_PARAM = /[?&]codeDisplay=([^&#]*)/;

function queryParam(uri: string, param: RegExp): string | undefined {
  const match = param.exec(uri);
  return match?.[1] === undefined ? undefined : (decodeComponent(match[1]) ?? undefined);
}

/** "Issuer (account)" for messages, from the label and issuer parameter only (never the secret). */
function linkName(uri: string): string {
  const rest = uri.slice('otpauth://'.length);
  const slash = rest.indexOf('/');
  const query = rest.search(/[?#]/);
  const rawLabel = slash < 0 || (query >= 0 && query < slash) ? '' : rest.slice(slash + 1, query < 0 ? undefined : query);
  const label = decodeComponent(rawLabel) ?? '';
  const issuerParam = queryParam(uri, ISSUER_PARAM);
  const colon = label.indexOf(':');
  const issuer = issuerParam ?? (colon < 0 ? undefined : label.slice(0, colon));
  return entryName(issuer, colon < 0 ? label : label.slice(colon + 1));
}

/** Ente's display settings, read leniently as Ente does (`CodeDisplay.fromUri` with safe parsing). */
function codeDisplay(uri: string): { pinned: boolean; trashed: boolean } {
  const raw = queryParam(uri, CODE_DISPLAY_PARAM);
  if (raw === undefined) return { pinned: false, trashed: false };
  try {
    const value: unknown = JSON.parse(raw.replace(/%2C/gi, ','));
    if (typeof value !== 'object' || value === null) return { pinned: false, trashed: false };
    const display = value as Record<string, unknown>;
    return { pinned: display.pinned === true, trashed: display.trashed === true };
  } catch {
    return { pinned: false, trashed: false };
  }
}

/** Reads one line: an account, or an error naming the line's account and what is wrong. */
function readLine(index: number, line: string, trashed: string[]): ImportedAccount | ImportEntryError {
  const uri = lineText(line);
  if (!OTPAUTH.test(uri)) {
    return { index, name: `Line ${index + 1}`, message: 'This line is not an otpauth:// link, so Twofold cannot read it.' };
  }
  const name = linkName(uri);
  const type = otpType(uri);
  if (type !== 'totp' && type !== 'hotp') {
    const error = toImportedAccount(index, { type });
    return { index, name, message: 'message' in error ? error.message : 'Only TOTP and HOTP accounts are supported.' };
  }
  // Ente reads a missing HOTP counter as 0; the link parser requires one.
  const link = type === 'hotp' && queryParam(uri, COUNTER_PARAM) === undefined ? `${uri}${uri.includes('?') ? '&' : '?'}counter=0` : uri;
  try {
    const params = parseOtpauthUri(link);
    const display = codeDisplay(uri);
    if (display.trashed) trashed.push(entryName(params.issuer, params.label));
    return toImportedAccount(index, params, { pinned: display.pinned });
  } catch (error) {
    if (error instanceof TwofoldError) return { index, name, message: error.message };
    throw error;
  }
}

/** Reads the export's text (plain, or decrypted): one otpauth:// link per line. */
function readLines(text: string): ParsedImport {
  const lines = text.split(/\r?\n/);
  const entries: { index: number; line: string }[] = [];
  lines.forEach((line, index) => {
    if (line.trim() !== '') entries.push({ index, line });
  });
  checkEntryCount(entries.length, FORMAT_NAME);
  const trashed: string[] = [];
  const { accounts, errors } = splitResults(entries.map((e) => readLine(e.index, e.line, trashed)));
  return { format: 'ente', accounts, errors, warnings: trashWarnings(trashed), enrollments: [] };
}

/** Names the accounts found in Ente's trash (a few, then a count), so the user can leave them out. */
function trashWarnings(names: string[]): string[] {
  if (names.length === 0) return [];
  const shown = names.slice(0, 3).join(', ');
  const list = names.length > 3 ? `${shown} and ${names.length - 3} more` : shown;
  const them = names.length === 1 ? 'it' : 'them';
  return [`In Ente Auth's trash: ${list}. Leave ${them} out of the import if you don't want ${them} back.`];
}

/** Checks the stored KDF cost against libsodium's minimums and the bounds above. */
function checkKdfCost(memLimit: number, opsLimit: number): void {
  if (memLimit < ARGON2_MEMLIMIT_MIN || opsLimit < ARGON2_OPSLIMIT_MIN) {
    throw invalid(
      `This Ente Auth export has impossible key-derivation settings (memLimit ${memLimit}, opsLimit ${opsLimit}); the file is damaged. Export your codes again from Ente Auth.`,
    );
  }
  if (memLimit > ENTE_MAX_MEMLIMIT || memLimit * opsLimit > ENTE_MAX_WORK) {
    throw invalid(
      `This Ente Auth export asks for a key derivation far beyond what Ente uses (memLimit ${memLimit} bytes, opsLimit ${opsLimit}; Ente uses at most 1 GiB and memLimit × opsLimit = 4 GiB). Twofold refuses it to protect this computer; export your codes again from Ente Auth.`,
    );
  }
}

async function decryptExport(input: ImportInput, deriveKey: EnteKeyDeriver): Promise<string> {
  const file = readJson(input, FORMAT_NAME);
  if (typeof file !== 'object' || file === null || Array.isArray(file)) {
    throw invalid('This file is not an Ente Auth export: it is not a JSON object. In Ente Auth, use Settings → Data → Export codes.');
  }
  const version = (file as Record<string, unknown>).version;
  if (version !== EXPORT_VERSION) {
    if (typeof version !== 'number') {
      throw invalid('This Ente Auth export has no version number; the file is damaged. Export your codes again from Ente Auth.');
    }
    throw new TwofoldError(
      'IMPORT_UNSUPPORTED_VERSION',
      `This Ente Auth export is version ${version}; Twofold reads version ${EXPORT_VERSION}. Update Twofold, or export from an Ente Auth version Twofold knows.`,
    );
  }
  const parsed = EncryptedExportSchema.safeParse(file);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') || 'export';
    throw invalid(`This Ente Auth export's "${field}" is missing or of the wrong type; the file is damaged. Export your codes again from Ente Auth.`);
  }
  const { kdfParams, encryptedData, encryptionNonce } = parsed.data;
  checkKdfCost(kdfParams.memLimit, kdfParams.opsLimit);
  const salt = decodeBase64(kdfParams.salt);
  const header = decodeBase64(encryptionNonce);
  const cipher = decodeBase64(encryptedData);
  if (salt === null || header === null || cipher === null) {
    throw invalid("This Ente Auth export's salt, nonce or data is not valid base64; the file is truncated or damaged. Export your codes again from Ente Auth.");
  }
  if (salt.length !== SALT_BYTES || header.length !== HEADER_BYTES || cipher.length < STREAM_ABYTES) {
    throw invalid("This Ente Auth export's salt, nonce or data has the wrong length; the file is truncated or damaged. Export your codes again from Ente Auth.");
  }
  if (input.passphrase === null || input.passphrase === '') {
    throw new TwofoldError('IMPORT_PASSPHRASE_REQUIRED', 'This Ente Auth export is encrypted. Enter the password you chose when you exported it.', 'passphrase');
  }
  let key: Uint8Array;
  try {
    key = await deriveKey(new TextEncoder().encode(input.passphrase), salt, kdfParams.opsLimit, kdfParams.memLimit);
  } catch {
    throw new TwofoldError(
      'INTERNAL',
      `Twofold could not derive the key for this Ente Auth export (it needs ${Math.ceil(kdfParams.memLimit / 1048576)} MiB of memory). Close other apps and try again.`,
    );
  }
  await sodium.ready;
  let message: Uint8Array | null = null;
  try {
    const state = sodium.crypto_secretstream_xchacha20poly1305_init_pull(header, key);
    const pulled = sodium.crypto_secretstream_xchacha20poly1305_pull(state, cipher, null);
    if (pulled !== false) {
      // Ente pushes one final message; anything else is a stream cut short or spliced.
      if (pulled.tag !== sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL) {
        pulled.message.fill(0);
        throw invalid('This Ente Auth export decrypted only in part: the file is truncated or damaged. Export your codes again from Ente Auth.');
      }
      message = pulled.message;
    }
  } catch (error) {
    if (error instanceof TwofoldError) throw error;
    // libsodium throws on authentication failure as well as returning false.
    message = null;
  } finally {
    key.fill(0);
  }
  if (message === null) {
    throw new TwofoldError(
      'IMPORT_WRONG_PASSPHRASE',
      "That password doesn't decrypt this Ente Auth export (or the file was changed or damaged). Enter the password you chose when you exported it.",
      'passphrase',
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(message);
  } catch {
    throw invalid('This Ente Auth export decrypted, but its content is not text. Export your codes again from Ente Auth.');
  } finally {
    message.fill(0);
  }
}

/** The encrypted export is a JSON object with Ente's `kdfParams` (its second key, so truncation keeps it). */
function looksLikeEncryptedExport(text: string): boolean {
  return text.trimStart().startsWith('{') && /"kdfParams"\s*:/.test(text);
}

/**
 * A plain export is claimed only with Ente's markers: the first non-blank line is an otpauth:// link,
 * and either a link carries Ente's `codeDisplay` parameter (every export of current Ente versions
 * does), or the file keeps Ente's name (`ente-auth-codes-<date>.txt`). Any other list of links is left
 * to the generic link-list importer, which reads it the same way minus pinning and the trash warning.
 */
function looksLikeEntePlainExport(input: ImportInput): boolean {
  const text = input.text;
  if (text === null) return false;
  const first = text.split(/\r?\n/, 50).find((line) => line.trim() !== '');
  if (first === undefined || !OTPAUTH.test(lineText(first))) return false;
  return ENTE_FILE_NAME.test(input.fileName ?? '') || CODE_DISPLAY.test(text);
}

/** Options for createEnteImporter. */
export interface EnteImporterOptions {
  /** Runs the Argon2id derivation; defaults to libsodium in the calling thread. */
  deriveKey?: EnteKeyDeriver;
}

/** Makes an Ente Auth importer, with the Argon2id derivation injected (for example into a worker). */
export function createEnteImporter(options: EnteImporterOptions = {}): Importer {
  const deriveKey = options.deriveKey ?? deriveEnteKeyInThread;
  return {
    format: 'ente',
    name: FORMAT_NAME,
    detect(input: ImportInput): boolean {
      return input.text !== null && (looksLikeEncryptedExport(input.text) || looksLikeEntePlainExport(input));
    },
    async parse(input: ImportInput): Promise<ParsedImport> {
      if (input.text === null) {
        throw invalid('This Ente Auth export is not text. Export your codes again from Ente Auth.');
      }
      // A plain export never starts with '{': anything that does is read as the encrypted JSON.
      if (input.text.trimStart().startsWith('{')) return readLines(await decryptExport(input, deriveKey));
      return readLines(input.text);
    },
  };
}

/** Reads Ente Auth exports, plain text and encrypted, deriving keys in the calling thread. */
export const enteImporter: Importer = createEnteImporter();
