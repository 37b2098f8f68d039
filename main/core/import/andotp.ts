/**
 * andOTP plain JSON backups ("Backup (plain)"): a JSON array of entries as andOTP's Entry.toJSON
 * writes them: secret (base32), issuer, label, digits, type (TOTP, HOTP or STEAM), algorithm
 * (SHA1, SHA256, SHA512), period (TOTP) or counter (HOTP), thumbnail, last_used,
 * used_frequency and tags.
 *
 * Backups from before andOTP 0.7 have no issuer: the label holds "Issuer - account" (the shape
 * andOTP showed) or "Issuer:account" (from a scanned link), and is split here. Encrypted andOTP
 * backups (.json.aes: PBKDF2 + AES-GCM over the same JSON) are not read: the user is asked for
 * a plain backup instead.
 */
import { z } from 'zod';
import { TwofoldError } from '../../../common/errors';
import { checkEntryCount, entryName, readJson, splitResults, toImportedAccount } from './import-entry';
import type { ImportEntryError, ImportedAccount, Importer, ImportInput, ParsedImport } from './import-types';

const FORMAT_NAME = 'andOTP';

const ENCRYPTED_MESSAGE =
  'This looks like an encrypted andOTP backup, which Twofold can’t read. Export a plain JSON backup from andOTP (Backups → Backup (plain)), import that file, then delete it.';

/** One entry, as andOTP's own reader accepts it: only secret and label are required. */
const EntrySchema = z.object({
  secret: z.string(),
  label: z.string(),
  issuer: z.string().nullish(),
  digits: z.number().int().nullish(),
  type: z.string().nullish(),
  algorithm: z.string().nullish(),
  period: z.number().int().nullish(),
  counter: z.number().int().nullish(),
});

function looksEncrypted(input: ImportInput): boolean {
  return input.fileName !== null && /\.aes$/i.test(input.fileName);
}

/** Issuer and account name, splitting the combined labels of old backups. */
function names(entry: z.output<typeof EntrySchema>): { issuer: string; label: string } {
  const label = entry.label;
  if (entry.issuer !== undefined && entry.issuer !== null) {
    const issuer = entry.issuer.trim();
    // Entries created from a link can carry the issuer in the label as well; show it once.
    for (const separator of [':', ' - ']) {
      if (issuer !== '' && label.toLowerCase().startsWith(`${issuer.toLowerCase()}${separator}`)) {
        return { issuer, label: label.slice(issuer.length + separator.length) };
      }
    }
    return { issuer, label };
  }
  for (const separator of [' - ', ':']) {
    const at = label.indexOf(separator);
    if (at > 0) return { issuer: label.slice(0, at), label: label.slice(at + separator.length) };
  }
  return { issuer: '', label };
}

/** The name of an entry that failed the schema, from whatever name fields are text. */
function looseName(value: unknown): string {
  if (typeof value !== 'object' || value === null) return 'Unnamed entry';
  const record = value as Record<string, unknown>;
  const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  return entryName(text(record.issuer), text(record.label));
}

function fieldProblem(value: unknown, issue: z.core.$ZodIssue | undefined): string {
  const field = issue?.path[0];
  if (typeof field !== 'string' || typeof value !== 'object' || value === null) {
    return 'This entry is not an andOTP account entry. Export the backup from andOTP again.';
  }
  return (value as Record<string, unknown>)[field] === undefined
    ? `The entry has no "${field}" field. Export the backup from andOTP again.`
    : `The entry's "${field}" field has the wrong type. Export the backup from andOTP again.`;
}

function toAccount(index: number, value: unknown): ImportedAccount | ImportEntryError {
  const parsed = EntrySchema.safeParse(value);
  if (!parsed.success) return { index, name: looseName(value), message: fieldProblem(value, parsed.error.issues[0]) };
  const entry = parsed.data;
  const { issuer, label } = names(entry);
  const type = (entry.type ?? 'TOTP').toLowerCase();
  if (type === 'hotp' && (entry.counter === undefined || entry.counter === null)) {
    return { index, name: entryName(issuer, label), message: 'This HOTP entry has no counter. Export the backup from andOTP again.' };
  }
  return toImportedAccount(index, {
    type,
    issuer,
    label,
    secret: entry.secret,
    algorithm: entry.algorithm ?? undefined,
    digits: entry.digits ?? undefined,
    period: entry.period ?? undefined,
    counter: entry.counter ?? undefined,
  });
}

/** andOTP plain JSON backups; encrypted ones are recognised and refused with what to do. */
export const andOtpImporter: Importer = {
  format: 'andotp',
  name: 'andOTP',
  detect(input: ImportInput): boolean {
    if (looksEncrypted(input)) return true;
    if (input.text === null) return false;
    const text = input.text.trimStart();
    if (!text.startsWith('[')) return false;
    if (/^\[\s*\]\s*$/.test(text)) return true;
    // Only andOTP, of the formats Twofold reads, is a bare JSON array; its entries have these keys.
    const head = text.slice(0, 4096);
    return /^\[\s*\{/.test(head) && head.includes('"secret"') && head.includes('"label"');
  },
  async parse(input: ImportInput): Promise<ParsedImport> {
    if (input.text === null || (looksEncrypted(input) && !input.text.trimStart().startsWith('['))) {
      throw new TwofoldError('IMPORT_INVALID', ENCRYPTED_MESSAGE);
    }
    const json = readJson(input, FORMAT_NAME);
    if (!Array.isArray(json)) {
      throw new TwofoldError(
        'IMPORT_INVALID',
        'This is not an andOTP backup: andOTP backups are a JSON list of accounts. Pick the file from andOTP’s “Backup (plain)”.',
      );
    }
    if (json.length === 0) throw new TwofoldError('IMPORT_EMPTY', 'This andOTP backup holds no accounts.');
    checkEntryCount(json.length, FORMAT_NAME);
    const { accounts, errors } = splitResults(json.map((value: unknown, index) => toAccount(index, value)));
    return { format: 'andotp', accounts, errors, warnings: [], enrollments: [] };
  },
};
