/**
 * 2FAS Authenticator backup (`.2fas`), plain and encrypted.
 *
 * Format followed (twofas/2fas-android and twofas/2fas-ios):
 * - data/services/…/domain/BackupContent.kt and iOS ExchangeData2.swift: `{services, groups,
 *   updatedAt, schemaVersion, appVersionCode, appVersionName, appOrigin, account?, servicesEncrypted?,
 *   reference?}`; the current schema is 4. Each service is `{name, secret, updatedAt, serviceTypeID,
 *   otp: {link, label, account, issuer, digits, period, algorithm, counter, tokenType
 *   (TOTP|HOTP|STEAM), source}, order: {position}, badge, icon, groupId}` (BackupService.kt).
 * - core/cipher/…/BackupCipherImpl.kt, BackupKeyGeneratorPbkdf.kt, CipherAes.kt, DataEncrypted.kt:
 *   an encrypted backup keeps `services: []` and puts the services' JSON array in
 *   `servicesEncrypted` = "base64(ciphertext ‖ 16-byte tag):base64(salt):base64(iv)", encrypted with
 *   AES-256-GCM (12-byte iv) under PBKDF2-HMAC-SHA256(password, 256-byte salt, 10,000 iterations,
 *   256 bits). `reference` is BackupContent.Reference (a fixed public string) encrypted the same way
 *   with the same salt and its own iv; 2FAS decrypts it to check the password.
 * - Aegis's TwoFASImporter.java reads schema versions up to 4 and treats a missing tokenType as TOTP.
 * The service `name` is what 2FAS shows as the service, so it becomes the issuer (as in Aegis's
 * importer); `otp.issuer` is the fallback. Icons, badges, groups and order are ignored.
 */
import { pbkdf2 } from 'node:crypto';
import { z } from 'zod';
import { TwofoldError } from '../../../common/errors';
import { open as openGcm } from '../vault/vault-crypto';
import { checkEntryCount, entryName, parseDecryptedJson, readJson, splitResults, toImportedAccount } from './import-entry';
import type { ImportEntryError, ImportInput, ImportedAccount, Importer, ParsedImport } from './import-types';

const FORMAT_NAME = '2FAS';
/** Newest backup schema 2FAS writes (BackupContent.CurrentSchema). */
const NEWEST_SCHEMA = 4;
/** Fixed by the format (BackupKeyGeneratorPbkdf.kt); not stored in the file. */
const PBKDF2_ITERATIONS = 10_000;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** 2FAS writes 256-byte salts; a longer one is refused as hostile rather than hashed. */
const MAX_SALT_BYTES = 1024;
const EMPTY_AAD = new Uint8Array(0);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const ServiceSchema = z.object({
  name: z.string().nullish(),
  secret: z.string(),
  otp: z
    .object({
      account: z.string().nullish(),
      issuer: z.string().nullish(),
      digits: z.number().nullish(),
      period: z.number().nullish(),
      algorithm: z.string().nullish(),
      counter: z.number().nullish(),
      tokenType: z.string().nullish(),
    })
    .nullish(),
});

function invalid(message: string): TwofoldError {
  return new TwofoldError('IMPORT_INVALID', message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** One "data:salt:iv" field of an encrypted backup, decoded. */
interface EncryptedField {
  data: Buffer;
  salt: Buffer;
  iv: Buffer;
}

function decodeBase64(text: string): Buffer | null {
  return BASE64.test(text) && text.length % 4 === 0 ? Buffer.from(text, 'base64') : null;
}

function readEncryptedField(value: string, what: string): EncryptedField {
  const parts = value.trim().split(':');
  const [data, salt, iv] = parts.map(decodeBase64);
  if (parts.length !== 3 || !data || !salt || !iv) {
    throw invalid(`This 2FAS backup's ${what} is not in 2FAS's "data:salt:iv" form; the file is truncated or damaged. Export the backup again from 2FAS.`);
  }
  if (data.length < TAG_BYTES || iv.length !== IV_BYTES || salt.length === 0 || salt.length > MAX_SALT_BYTES) {
    throw invalid(`This 2FAS backup's ${what} has a salt, iv or ciphertext of the wrong length; the file is damaged. Export the backup again from 2FAS.`);
  }
  return { data, salt, iv };
}

function deriveKey(passphrase: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    pbkdf2(passphrase, salt, PBKDF2_ITERATIONS, KEY_BYTES, 'sha256', (error, key) => {
      if (error) reject(invalid("This 2FAS backup's key could not be derived; the file is damaged. Export the backup again from 2FAS."));
      else resolve(key);
    });
  });
}

function wrongPassphrase(): TwofoldError {
  return new TwofoldError(
    'IMPORT_WRONG_PASSPHRASE',
    "That password doesn't decrypt this 2FAS backup (or the file was changed). Enter the password you chose when you exported it from 2FAS.",
    'passphrase',
  );
}

/** Decrypts `servicesEncrypted`, checking the password on `reference` first when the file has one. */
async function decryptServices(file: Record<string, unknown>, passphrase: string | null): Promise<unknown> {
  if (typeof file.servicesEncrypted !== 'string') {
    throw invalid('This 2FAS backup is marked encrypted but holds no encrypted services; the file is damaged. Export the backup again from 2FAS.');
  }
  const services = readEncryptedField(file.servicesEncrypted, 'encrypted services');
  const reference = nonEmpty(file.reference) === undefined ? null : readEncryptedField(file.reference as string, 'password check (reference)');
  if (passphrase === null || passphrase === '') {
    throw new TwofoldError('IMPORT_PASSPHRASE_REQUIRED', 'This 2FAS backup is encrypted. Enter the password you chose when you exported it from 2FAS.', 'passphrase');
  }
  const key = await deriveKey(passphrase, services.salt);
  try {
    if (reference !== null) {
      // 2FAS encrypts the reference with the same salt; a different one needs its own derivation.
      const referenceKey = reference.salt.equals(services.salt) ? key : await deriveKey(passphrase, reference.salt);
      const checked = openGcm(referenceKey, reference.iv, reference.data, EMPTY_AAD);
      if (referenceKey !== key) referenceKey.fill(0);
      if (checked === null) throw wrongPassphrase();
    }
    const plain = openGcm(key, services.iv, services.data, EMPTY_AAD);
    if (plain === null) {
      if (reference === null) throw wrongPassphrase();
      throw invalid(
        "The password is right, but this 2FAS backup's services don't decrypt: the file was changed, truncated or damaged. Export the backup again from 2FAS.",
      );
    }
    return parseDecryptedJson(plain, "This 2FAS backup decrypted, but its services are not valid JSON. Export the backup again from 2FAS.");
  } finally {
    key.fill(0);
  }
}

/** Reads one service: an account, or an error naming the service and what is wrong (never the secret). */
function readService(index: number, raw: unknown): ImportedAccount | ImportEntryError {
  if (!isRecord(raw)) return { index, name: `Service ${index + 1}`, message: 'This entry is not a 2FAS service object.' };
  const otp = isRecord(raw.otp) ? raw.otp : {};
  const issuer = nonEmpty(raw.name) ?? nonEmpty(otp.issuer);
  const label = typeof otp.account === 'string' ? otp.account : undefined;
  const tokenType = typeof otp.tokenType === 'string' ? otp.tokenType : 'TOTP';
  if (!['totp', 'hotp'].includes(tokenType.toLowerCase())) {
    // STEAM and anything newer: toImportedAccount words the "not supported" error.
    return toImportedAccount(index, { type: tokenType, issuer, label });
  }
  const parsed = ServiceSchema.safeParse(raw);
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path.join('.') || 'service';
    return { index, name: entryName(issuer, label), message: `The service's "${field}" field is missing or of the wrong type.` };
  }
  const s = parsed.data;
  return toImportedAccount(index, {
    type: tokenType,
    issuer,
    label,
    secret: s.secret,
    algorithm: s.otp?.algorithm ?? undefined,
    digits: s.otp?.digits ?? undefined,
    period: s.otp?.period ?? undefined,
    counter: s.otp?.counter ?? undefined,
  });
}

async function parseTwoFas(input: ImportInput): Promise<ParsedImport> {
  const file = readJson(input, FORMAT_NAME);
  if (!isRecord(file)) {
    throw invalid('This file is not a 2FAS backup: it is not a JSON object. In 2FAS, use Settings → Backup → Export to file.');
  }
  const version = file.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    throw invalid('This file is not a 2FAS backup: it has no schemaVersion. In 2FAS, use Settings → Backup → Export to file.');
  }
  if (version < 1 || version > NEWEST_SCHEMA) {
    throw new TwofoldError(
      'IMPORT_UNSUPPORTED_VERSION',
      `This 2FAS backup uses schema version ${version}; Twofold reads versions 1 to ${NEWEST_SCHEMA}. Update Twofold, or export from a 2FAS version Twofold knows.`,
    );
  }
  const encrypted = nonEmpty(file.servicesEncrypted) !== undefined || nonEmpty(file.reference) !== undefined;
  const services = encrypted ? await decryptServices(file, input.passphrase) : file.services;
  if (!Array.isArray(services)) {
    throw invalid("This 2FAS backup has no list of services; the file is damaged. Export the backup again from 2FAS.");
  }
  checkEntryCount(services.length, FORMAT_NAME);
  const { accounts, errors } = splitResults(services.map((service: unknown, index) => readService(index, service)));
  return { format: '2fas', accounts, errors, warnings: [], enrollments: [] };
}

/** Reads 2FAS Authenticator `.2fas` backups, plain and password-encrypted. */
export const twoFasImporter: Importer = {
  format: '2fas',
  name: FORMAT_NAME,
  detect(input: ImportInput): boolean {
    // Structure only: a JSON object with 2FAS's "schemaVersion" and "services"/"servicesEncrypted" keys.
    const text = input.text;
    return text !== null && text.trimStart().startsWith('{') && /"schemaVersion"\s*:/.test(text) && /"services(?:Encrypted)?"\s*:/.test(text);
  },
  parse: parseTwoFas,
};
