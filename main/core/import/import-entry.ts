/**
 * The pieces every importer shares: turning one entry's fields into a checked account or a
 * per-entry error, reading a JSON document with errors that say what was wrong, and the limits.
 */
import { TwofoldError } from '../../../common/errors';
import { validateOtpParams, type OtpParamsInput } from '../../../common/otpauth-uri';
import { MAX_IMPORT_ENTRIES, type ImportEntryError, type ImportInput, type ImportedAccount } from './import-types';

/** The fields of one entry as an importer found them; missing ones take the usual defaults. */
export interface EntryFields {
  type?: string | undefined;
  issuer?: string | undefined;
  label?: string | undefined;
  secret?: string | undefined;
  algorithm?: string | undefined;
  digits?: number | undefined;
  period?: number | undefined;
  counter?: number | undefined;
}

/** How an entry is named in the preview and in errors: "Issuer (name)", never the secret. */
export function entryName(issuer: string | undefined, label: string | undefined): string {
  const i = (issuer ?? '').trim().slice(0, 100);
  const l = (label ?? '').trim().slice(0, 100);
  if (i && l) return `${i} (${l})`;
  return i || l || 'Unnamed entry';
}

/**
 * Checks one entry with the rules every account passes. An entry with no account name takes its
 * issuer as the name (several apps allow that; Twofold needs a name). Returns the account, or an
 * error naming the entry and the wrong field; the message never contains the secret.
 */
export function toImportedAccount(
  index: number,
  fields: EntryFields,
  extras: { color?: string | null; pinned?: boolean } = {},
): ImportedAccount | ImportEntryError {
  const issuer = (fields.issuer ?? '').trim();
  const rawLabel = (fields.label ?? '').trim();
  const label = rawLabel === '' ? issuer : rawLabel;
  const name = entryName(issuer, rawLabel);
  const type = (fields.type ?? 'totp').toLowerCase();
  if (type !== 'totp' && type !== 'hotp') {
    return { index, name, message: `${describeType(type)} accounts are not supported; only TOTP and HOTP are.` };
  }
  const algorithm = (fields.algorithm ?? 'SHA1').toUpperCase().replace('-', '');
  const input: OtpParamsInput = {
    type,
    issuer,
    label,
    secret: fields.secret ?? '',
    algorithm: algorithm as OtpParamsInput['algorithm'],
    digits: fields.digits ?? 6,
    period: fields.period ?? 30,
    counter: fields.counter ?? 0,
  };
  try {
    const params = validateOtpParams(input);
    const account: ImportedAccount = { index, params };
    if (extras.color !== undefined) account.color = extras.color;
    if (extras.pinned !== undefined) account.pinned = extras.pinned;
    return account;
  } catch (error) {
    if (error instanceof TwofoldError) return { index, name, message: error.message };
    throw error;
  }
}

/** True when toImportedAccount's result is an error. */
export function isEntryError(result: ImportedAccount | ImportEntryError): result is ImportEntryError {
  return 'message' in result;
}

function describeType(type: string): string {
  const known: Record<string, string> = { steam: 'Steam Guard', motp: 'mOTP', yandex: 'Yandex', yaotp: 'Yandex' };
  return known[type] ?? `"${type.slice(0, 20)}"`;
}

/**
 * Parses the input as JSON. Throws IMPORT_INVALID naming the format and, for a truncated or
 * broken file, that it is broken; the message never quotes the file's content.
 */
export function readJson(input: ImportInput, formatName: string): unknown {
  if (input.text === null) {
    throw new TwofoldError('IMPORT_INVALID', `This ${formatName} file is not text. Export it again from ${formatName}.`);
  }
  try {
    return JSON.parse(input.text) as unknown;
  } catch {
    throw new TwofoldError(
      'IMPORT_INVALID',
      `This ${formatName} file is not valid JSON; it may be truncated or damaged. Export it again from ${formatName}.`,
    );
  }
}

/**
 * Parses the decrypted content of an encrypted export as UTF-8 JSON, and wipes it either way.
 * `notJson` is the IMPORT_INVALID message when it isn't JSON (the decryption itself succeeded).
 */
export function parseDecryptedJson(plain: Uint8Array, notJson: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plain)) as unknown;
  } catch {
    throw new TwofoldError('IMPORT_INVALID', notJson);
  } finally {
    plain.fill(0);
  }
}

/** Throws IMPORT_TOO_LARGE when an import holds more entries than Twofold accepts. */
export function checkEntryCount(count: number, formatName: string): void {
  if (count > MAX_IMPORT_ENTRIES) {
    throw new TwofoldError(
      'IMPORT_TOO_LARGE',
      `This ${formatName} file holds ${count.toLocaleString('en-US')} entries; Twofold imports at most ${MAX_IMPORT_ENTRIES.toLocaleString('en-US')} at a time.`,
    );
  }
}

/** Splits results into accounts and errors, in entry order. */
export function splitResults(results: (ImportedAccount | ImportEntryError)[]): {
  accounts: ImportedAccount[];
  errors: ImportEntryError[];
} {
  const accounts: ImportedAccount[] = [];
  const errors: ImportEntryError[] = [];
  for (const r of results) (isEntryError(r) ? errors : accounts).push(r as never);
  return { accounts, errors };
}
