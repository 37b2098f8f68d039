/**
 * Bitwarden JSON exports ("File format: .json"): `{ encrypted: false, folders, items }`, where a
 * login item (type 1) may hold an authenticator key in `login.totp`: an otpauth:// link, a bare
 * base32 secret, or `steam://<secret>` for Steam Guard (not supported).
 *
 * A password manager export is mostly logins without a key; those are left out and counted in a
 * warning. Other item types (secure notes, cards, identities, SSH keys) have no key field and are
 * left out without comment. Encrypted exports (password-protected, or tied to the Bitwarden
 * account) can only be read by Bitwarden, so the user is asked for an unencrypted export.
 */
import { z } from 'zod';
import { TwofoldError } from '../../../common/errors';
import { parseOtpauthUri } from '../../../common/otpauth-uri';
import { checkEntryCount, entryName, readJson, splitResults, toImportedAccount } from './import-entry';
import type { ImportEntryError, ImportedAccount, Importer, ImportInput, ParsedImport } from './import-types';

const FORMAT_NAME = 'Bitwarden';
/** Bitwarden's cipher type for logins, the only items with a TOTP field. */
const LOGIN = 1;

const ExportSchema = z.object({
  encrypted: z.boolean().optional(),
  items: z.array(z.unknown()).optional(),
});

const ItemSchema = z.object({
  type: z.number().int(),
  name: z.string().nullish(),
  login: z
    .object({
      username: z.string().nullish(),
      totp: z.string().nullish(),
    })
    .nullish(),
});

function textField(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : undefined;
}

/** The TOTP value of a raw item, when it has one (before the item is checked). */
function rawTotp(item: unknown): unknown {
  if (typeof item !== 'object' || item === null) return undefined;
  const login = (item as Record<string, unknown>).login;
  if (typeof login !== 'object' || login === null) return undefined;
  return (login as Record<string, unknown>).totp;
}

function hasTotp(item: unknown): boolean {
  const totp = rawTotp(item);
  return totp !== undefined && totp !== null && !(typeof totp === 'string' && totp.trim() === '');
}

function toAccount(index: number, raw: unknown): ImportedAccount | ImportEntryError {
  const itemName = textField(raw, 'name');
  const parsed = ItemSchema.safeParse(raw);
  if (!parsed.success || typeof rawTotp(raw) !== 'string') {
    const login = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).login : undefined;
    return {
      index,
      name: entryName(itemName, textField(login, 'username')),
      message: 'This item’s authenticator key (TOTP) field is not text. Export the vault from Bitwarden again.',
    };
  }
  const item = parsed.data;
  const issuer = (item.name ?? '').trim();
  const username = (item.login?.username ?? '').trim();
  const totp = (item.login?.totp ?? '').trim();
  if (/^steam:\/\//i.test(totp)) return toImportedAccount(index, { type: 'steam', issuer, label: username });
  if (/^otpauth:\/\//i.test(totp)) {
    try {
      const params = parseOtpauthUri(totp);
      // Links often lack an issuer; the item's name is what the user knows the login by.
      return toImportedAccount(index, { ...params, issuer: params.issuer === '' ? issuer : params.issuer });
    } catch (error) {
      if (!(error instanceof TwofoldError)) throw error;
      return { index, name: entryName(issuer, username), message: error.message };
    }
  }
  return toImportedAccount(index, { type: 'totp', issuer, label: username, secret: totp });
}

/** Bitwarden unencrypted JSON exports; encrypted ones are recognised and refused with what to do. */
export const bitwardenImporter: Importer = {
  format: 'bitwarden',
  name: 'Bitwarden',
  detect(input: ImportInput): boolean {
    if (input.text === null || !input.text.trimStart().startsWith('{')) return false;
    if (!input.text.includes('"encrypted"') && !input.text.includes('"items"')) return false;
    let json: unknown;
    try {
      json = JSON.parse(input.text);
    } catch {
      return false;
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
    const record = json as Record<string, unknown>;
    if (typeof record.encrypted === 'boolean') return Array.isArray(record.items) || typeof record.data === 'string';
    // Exports from before encrypted exports existed: folders and items, items with a login or a type.
    return Array.isArray(record.items) && Array.isArray(record.folders);
  },
  async parse(input: ImportInput): Promise<ParsedImport> {
    const json = readJson(input, FORMAT_NAME);
    const parsed = ExportSchema.safeParse(json);
    if (!parsed.success || typeof json !== 'object' || Array.isArray(json)) {
      throw new TwofoldError('IMPORT_INVALID', 'This is not a Bitwarden JSON export. In Bitwarden, export the vault as “.json” and pick that file.');
    }
    if (parsed.data.encrypted === true) {
      throw new TwofoldError(
        'IMPORT_INVALID',
        'This is an encrypted Bitwarden export, which only Bitwarden can read. In Bitwarden, export the vault again as unencrypted “.json” (not “.json (Encrypted)”), import that file, then delete it.',
      );
    }
    const items = parsed.data.items;
    if (items === undefined) {
      throw new TwofoldError('IMPORT_INVALID', 'This Bitwarden export has no list of items; it may be damaged. Export the vault from Bitwarden again.');
    }
    let withKey = 0;
    let loginsWithoutKey = 0;
    for (const item of items) {
      if (hasTotp(item)) withKey++;
      else if (typeof item === 'object' && item !== null && (item as Record<string, unknown>).type === LOGIN) loginsWithoutKey++;
    }
    checkEntryCount(withKey, FORMAT_NAME);
    if (withKey === 0) {
      throw new TwofoldError(
        'IMPORT_EMPTY',
        'This Bitwarden export has no logins with an authenticator key (TOTP), so there is nothing to import.',
      );
    }
    const results: (ImportedAccount | ImportEntryError)[] = [];
    items.forEach((item, index) => {
      if (hasTotp(item)) results.push(toAccount(index, item));
    });
    const { accounts, errors } = splitResults(results);
    const warnings =
      loginsWithoutKey === 0
        ? []
        : [
            loginsWithoutKey === 1
              ? '1 login without a TOTP key was left out.'
              : `${loginsWithoutKey.toLocaleString('en-US')} logins without a TOTP key were left out.`,
          ];
    return { format: 'bitwarden', accounts, errors, warnings, enrollments: [] };
  },
};
