/**
 * Google Authenticator's "Transfer accounts" export: `otpauth-migration://offline?data=…` links,
 * one per QR code, where `data` is URL-encoded standard base64 of a protobuf MigrationPayload.
 * A large export is split over several QR codes that share a batch id and count themselves
 * (batch_index of batch_size); reading them merges the parts and says which ones are missing.
 *
 * The schema is the one Google Authenticator uses, as published by the apps that read it (Aegis'
 * google_auth.proto and others); MD5 and accounts without a type are not supported.
 */
import { randomInt } from 'node:crypto';
import { Secret } from 'otpauth';
import protobuf from 'protobufjs';
import { z } from 'zod';
import type { Algorithm } from '../../../common/api-contract';
import { TwofoldError } from '../../../common/errors';
import type { OtpParams } from '../../../common/otpauth-uri';
import { checkEntryCount, entryName, isEntryError, toImportedAccount } from './import-entry';
import {
  MAX_IMPORT_ENTRIES,
  type ImportEntryError,
  type ImportedAccount,
  type Importer,
  type ImportInput,
  type ParsedImport,
} from './import-types';

const FORMAT_NAME = 'Google Authenticator export';

/** The MigrationPayload message, field numbers as Google Authenticator writes them. */
const MIGRATION_PROTO = `
syntax = "proto3";
message MigrationPayload {
  enum Algorithm { ALGORITHM_UNSPECIFIED = 0; SHA1 = 1; SHA256 = 2; SHA512 = 3; MD5 = 4; }
  enum DigitCount { DIGIT_COUNT_UNSPECIFIED = 0; SIX = 1; EIGHT = 2; }
  enum OtpType { OTP_TYPE_UNSPECIFIED = 0; HOTP = 1; TOTP = 2; }
  message OtpParameters {
    bytes secret = 1;
    string name = 2;
    string issuer = 3;
    Algorithm algorithm = 4;
    DigitCount digits = 5;
    OtpType type = 6;
    int64 counter = 7;
  }
  repeated OtpParameters otp_parameters = 1;
  int32 version = 2;
  int32 batch_size = 3;
  int32 batch_index = 4;
  int32 batch_id = 5;
}
`;

/** The payload type, parsed from the schema text above (immutable; shared like a constant). */
const PAYLOAD_TYPE = protobuf.parse(MIGRATION_PROTO).root.lookupType('MigrationPayload');

/** The OtpParameters message, for sizing the accounts of one QR code. */
const OTP_TYPE = PAYLOAD_TYPE.lookupType('OtpParameters');

/**
 * Most payload bytes put in one QR code beside the per-code account limit. 1,000 bytes make a link
 * of about 1,400 characters (a version-27 code or so), which a phone reads easily off a screen; names of
 * 200 characters would otherwise make ten accounts too large for any QR code.
 */
const MAX_CODE_BYTES = 1000;
/** Longest link one QR code holds (version 40, low error correction, byte mode: 2,953 bytes). */
const MAX_LINK_CHARS = 2953;

/** Newest payload version Twofold reads. Google Authenticator writes 1; 0 means it was left out. */
const MAX_VERSION = 1;
/** Google Authenticator's only TOTP period. */
const GA_PERIOD = 30;

const ALGORITHM_BY_CODE: Record<number, Algorithm> = { 0: 'SHA1', 1: 'SHA1', 2: 'SHA256', 3: 'SHA512' };
const CODE_BY_ALGORITHM: Record<Algorithm, number> = { SHA1: 1, SHA256: 2, SHA512: 3 };
const DIGITS_BY_CODE: Record<number, number> = { 0: 6, 1: 6, 2: 8 };
const MD5 = 4;
const HOTP = 1;
const TOTP = 2;

/** What protobufjs gives back, checked before use: the bytes come from a scanned image. */
const PayloadSchema = z.object({
  otpParameters: z.array(
    z.object({
      secret: z.instanceof(Uint8Array),
      name: z.string(),
      issuer: z.string(),
      algorithm: z.number().int(),
      digits: z.number().int(),
      type: z.number().int(),
      counter: z.string(),
    }),
  ),
  version: z.number().int(),
  batchSize: z.number().int(),
  batchIndex: z.number().int(),
  batchId: z.number().int(),
});
type Payload = z.output<typeof PayloadSchema>;
type OtpEntry = Payload['otpParameters'][number];

/** One decoded link. */
interface Part {
  link: { index: number; uri: string };
  /** The base64 data, canonical, to recognise the same QR code scanned twice. */
  data: string;
  payload: Payload;
}

/** How a link is named in entry errors: "QR code 3", "Line 7". */
export interface LinkNaming {
  name(link: { index: number }): string;
}

/** A whole-link problem; becomes IMPORT_INVALID (or the given code) for a lone link, else an entry error. */
class BrokenLink {
  constructor(
    readonly problem: string,
    readonly code: 'IMPORT_INVALID' | 'IMPORT_UNSUPPORTED_VERSION' = 'IMPORT_INVALID',
  ) {}
}

/** Returns the canonical base64 of a link's data, or a BrokenLink saying what is wrong with the link. */
function linkData(uri: string): string | BrokenLink {
  const match = /^otpauth-migration:\/\/([^/?#]*)\/?\?([^#]*)/i.exec(uri.trim());
  if (match === null || (match[1] ?? '').toLowerCase() !== 'offline') {
    return new BrokenLink('it is not an otpauth-migration://offline link. Scan the QR code of the export again');
  }
  const raw = (match[2] ?? '')
    .split('&')
    .find((part) => part.toLowerCase().startsWith('data='))
    ?.slice('data='.length);
  if (raw === undefined || raw === '') {
    return new BrokenLink('the link has no data. Scan the QR code of the export again');
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return new BrokenLink('its data has a broken %-escape. Scan the QR code of the export again');
  }
  // Tolerate a '+' turned into a space by form decoding, and the URL-safe base64 alphabet.
  const base64 = decoded.replace(/ /g, '+').replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]+$/.test(base64) || base64.length % 4 === 1) {
    return new BrokenLink('its data is not base64; the link is damaged. Scan the QR code of the export again');
  }
  return base64;
}

function decodePart(link: { index: number; uri: string }): Part | BrokenLink {
  const data = linkData(link.uri);
  if (data instanceof BrokenLink) return data;
  let payload: Payload;
  try {
    const message = PAYLOAD_TYPE.decode(Buffer.from(data, 'base64'));
    const object: unknown = PAYLOAD_TYPE.toObject(message, { longs: String, enums: Number, defaults: true, arrays: true });
    payload = PayloadSchema.parse(object);
  } catch {
    return new BrokenLink('its data is damaged or incomplete and could not be read. Scan the QR code of the export again');
  }
  if (payload.version > MAX_VERSION || payload.version < 0) {
    return new BrokenLink(
      `it uses export format version ${payload.version}, which this version of Twofold does not know. Update Twofold and try again`,
      'IMPORT_UNSUPPORTED_VERSION',
    );
  }
  const size = Math.max(payload.batchSize, 1);
  if (payload.batchSize < 0 || payload.batchIndex < 0 || payload.batchIndex >= size) {
    return new BrokenLink(`its part number is not valid (part ${payload.batchIndex + 1} of ${payload.batchSize}). Export the accounts again`);
  }
  if (payload.otpParameters.length === 0) {
    return new BrokenLink('it holds no accounts. Export the accounts again');
  }
  return { link, data, payload };
}

/** Splits Google Authenticator's name, which may carry an "Issuer:" prefix, into issuer and account. */
function splitName(rawName: string, rawIssuer: string): { issuer: string; label: string } {
  const issuer = rawIssuer.trim();
  const colon = rawName.indexOf(':');
  if (colon < 0) return { issuer, label: rawName };
  const prefix = rawName.slice(0, colon).trim();
  if (issuer === '') return { issuer: prefix, label: rawName.slice(colon + 1) };
  if (prefix.toLowerCase() === issuer.toLowerCase()) return { issuer, label: rawName.slice(colon + 1) };
  return { issuer, label: rawName };
}

function toAccount(index: number, otp: OtpEntry): ImportedAccount | ImportEntryError {
  const { issuer, label } = splitName(otp.name, otp.issuer);
  const name = entryName(issuer, label);
  if (otp.algorithm === MD5) {
    return { index, name, message: 'MD5 accounts are not supported; only SHA1, SHA256 and SHA512 are.' };
  }
  const algorithm = ALGORITHM_BY_CODE[otp.algorithm];
  if (algorithm === undefined) {
    return { index, name, message: 'This account uses an algorithm Twofold does not know. Add it again from the service.' };
  }
  const digits = DIGITS_BY_CODE[otp.digits];
  if (digits === undefined) {
    return { index, name, message: 'This account uses a code length Twofold does not know. Add it again from the service.' };
  }
  if (otp.type !== HOTP && otp.type !== TOTP) {
    return {
      index,
      name,
      message: 'The export does not say whether this account is time-based (TOTP) or counter-based (HOTP). Add it again from the service.',
    };
  }
  const secret = new Secret({ buffer: Uint8Array.from(otp.secret).buffer }).base32;
  // int64 arrives as text; Number() of a huge or negative value fails the counter check with a clear message.
  const counter = otp.type === HOTP ? Number(otp.counter) : 0;
  return toImportedAccount(index, {
    type: otp.type === HOTP ? 'hotp' : 'totp',
    issuer,
    label,
    secret,
    algorithm,
    digits,
    period: GA_PERIOD,
    counter,
  });
}

function formatList(numbers: number[], total: number): string {
  const shown = numbers.slice(0, 10);
  const more = total - shown.length;
  if (more > 0) return `${shown.join(', ')} and ${more} more`;
  if (shown.length === 1) return String(shown[0]);
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

function missingPartsWarning(size: number, seen: Set<number>): string | null {
  const missingCount = size - seen.size;
  if (missingCount <= 0) return null;
  const missing: number[] = [];
  for (let i = 0; i < size && missing.length < 10; i++) if (!seen.has(i)) missing.push(i + 1);
  const what =
    missingCount === 1
      ? `code ${missing[0]} of ${size} was not scanned, so its accounts are not included.`
      : `codes ${formatList(missing, missingCount)} of ${size} were not scanned, so their accounts are not included.`;
  return `This Google Authenticator export has ${size} QR codes; ${what}`;
}

/**
 * Reads and merges links; the engine behind parseMigrationLinks and the link-list importer.
 * Entries take indexes from `firstIndex` up, one per account or broken link, in link order.
 * With `wholeFile` and a single link, a broken link throws instead of becoming an entry error.
 */
export function mergeMigrationLinks(
  links: { index: number; uri: string }[],
  naming: LinkNaming,
  firstIndex: number,
  wholeFile: boolean,
): ParsedImport {
  if (links.length === 0) {
    throw new TwofoldError('IMPORT_EMPTY', 'No Google Authenticator export links were found. Scan the export QR codes again.');
  }
  checkEntryCount(links.length, FORMAT_NAME);
  const accounts: ImportedAccount[] = [];
  const errors: ImportEntryError[] = [];
  const seenData = new Map<string, string>();
  const batches = new Map<number, { size: number; seen: Set<number> }>();
  let next = firstIndex;
  let total = 0;

  for (const link of links) {
    const part = decodePart(link);
    if (part instanceof BrokenLink) {
      if (wholeFile && links.length === 1) {
        throw new TwofoldError(part.code, `This Google Authenticator export could not be read: ${part.problem}.`);
      }
      const name = naming.name(link);
      errors.push({ index: next++, name, message: `${name} could not be read: ${part.problem}.` });
      continue;
    }
    const { payload } = part;
    const key = `${payload.batchId}:${payload.batchIndex}`;
    // The same QR code scanned twice adds nothing; a different code claiming the same place still counts.
    if (seenData.get(key) === part.data) continue;
    seenData.set(key, part.data);
    const batch = batches.get(payload.batchId) ?? { size: 1, seen: new Set<number>() };
    batch.size = Math.max(batch.size, payload.batchSize);
    batch.seen.add(payload.batchIndex);
    batches.set(payload.batchId, batch);

    total += payload.otpParameters.length;
    checkEntryCount(total, FORMAT_NAME);
    for (const otp of payload.otpParameters) {
      const result = toAccount(next++, otp);
      if (isEntryError(result)) errors.push(result);
      else accounts.push(result);
    }
  }
  const warnings: string[] = [];
  for (const batch of batches.values()) {
    const warning = missingPartsWarning(batch.size, batch.seen);
    if (warning !== null) warnings.push(warning);
  }
  return { format: 'google-migration', accounts, errors, warnings, enrollments: [] };
}

/**
 * Reads Google Authenticator export links (one per QR code) into one import. Parts of a batch
 * are merged, an exact repeat of a part is ignored, and a missing part is named in `warnings`.
 * A single broken link throws IMPORT_INVALID (IMPORT_UNSUPPORTED_VERSION for an unknown version);
 * among several, a broken link becomes an entry error named "QR code N" (N = its index + 1).
 */
export function parseMigrationLinks(links: { index: number; uri: string }[]): ParsedImport {
  return mergeMigrationLinks(links, { name: (link) => `QR code ${link.index + 1}` }, 0, true);
}

/** One account as an OtpParameters object, the way Google Authenticator writes it. */
function otpObject(p: OtpParams): Record<string, unknown> {
  return {
    secret: Secret.fromBase32(p.secret).bytes,
    // Without an issuer, a leading ':' keeps a colon in the name from being read as an issuer prefix.
    name: p.issuer === '' && p.label.includes(':') ? `:${p.label}` : p.label,
    issuer: p.issuer,
    algorithm: CODE_BY_ALGORITHM[p.algorithm],
    digits: p.digits === 8 ? 2 : 1,
    type: p.type === 'hotp' ? HOTP : TOTP,
    counter: p.type === 'hotp' ? p.counter : 0,
  };
}

function encodeLink(otpParameters: Record<string, unknown>[], batch: { batchSize: number; batchIndex: number; batchId: number }): string {
  const message = PAYLOAD_TYPE.fromObject({ otpParameters, version: 1, ...batch });
  const data = Buffer.from(PAYLOAD_TYPE.encode(message).finish()).toString('base64');
  return `otpauth-migration://offline?data=${encodeURIComponent(data)}`;
}

/** Why an account can't go into a Google Authenticator export, or null when it can. */
export function migrationIncompatibility(p: OtpParams): string | null {
  if (p.type === 'totp' && p.period !== GA_PERIOD) {
    return `Google Authenticator supports only 30-second codes; this account's code changes every ${p.period} seconds.`;
  }
  if (p.digits !== 6 && p.digits !== 8) {
    return `Google Authenticator supports only 6- and 8-digit codes; this account has ${p.digits}-digit codes.`;
  }
  if (encodeLink([otpObject(p)], { batchSize: 1, batchIndex: 0, batchId: 2 ** 31 - 1 }).length > MAX_LINK_CHARS) {
    return "This account's name, issuer and secret key together are too long to fit in a QR code.";
  }
  return null;
}

/**
 * Writes Google-Authenticator-compatible export links (version 1, one random batch id,
 * batch_index of batch_size): at most `perCode` accounts per QR code, fewer when their names are
 * long, so that every code stays easy to scan. Throws TwofoldError('INPUT_INVALID') for an account
 * Google Authenticator can't hold (see migrationIncompatibility) or a bad `perCode`.
 */
export function encodeMigrationLinks(accounts: OtpParams[], perCode = 10): string[] {
  if (!Number.isInteger(perCode) || perCode < 1 || perCode > MAX_IMPORT_ENTRIES) {
    throw new TwofoldError('INPUT_INVALID', `Accounts per QR code must be a whole number from 1 to ${MAX_IMPORT_ENTRIES}.`);
  }
  const chunks: Record<string, unknown>[][] = [];
  let chunk: Record<string, unknown>[] = [];
  let bytes = 0;
  for (const p of accounts) {
    const reason = migrationIncompatibility(p);
    if (reason !== null) throw new TwofoldError('INPUT_INVALID', `${entryName(p.issuer, p.label)}: ${reason}`);
    const otp = otpObject(p);
    // Field tag and length prefix of the repeated field, beside the message itself.
    const size = OTP_TYPE.encode(OTP_TYPE.fromObject(otp)).finish().length + 3;
    if (chunk.length > 0 && (chunk.length >= perCode || bytes + size > MAX_CODE_BYTES)) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(otp);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  // Google Authenticator uses a random int32 to tell batches apart.
  const batchId = randomInt(1, 2 ** 31 - 1);
  return chunks.map((otpParameters, batchIndex) => encodeLink(otpParameters, { batchSize: chunks.length, batchIndex, batchId }));
}

function contentLines(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\n|\r/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** Google Authenticator export links as text, one per line (scanned, pasted or saved). */
export const googleMigrationImporter: Importer = {
  format: 'google-migration',
  name: 'Google Authenticator',
  detect(input: ImportInput): boolean {
    if (input.text === null) return false;
    const lines = contentLines(input.text);
    return lines.length > 0 && lines.every((line) => /^otpauth-migration:\/\//i.test(line));
  },
  async parse(input: ImportInput): Promise<ParsedImport> {
    if (input.text === null) {
      throw new TwofoldError('IMPORT_INVALID', 'This file is not text, so it holds no Google Authenticator export links.');
    }
    const lines = contentLines(input.text);
    return parseMigrationLinks(lines.map((uri, index) => ({ index, uri })));
  },
};
