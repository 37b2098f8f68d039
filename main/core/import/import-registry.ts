/**
 * Every importer Twofold has, in the order they are tried, and the one entry point that turns a
 * file's bytes into a parsed import: check its size, decode its text, find the format, read it.
 */
import { MAX_IMPORT_BYTES, type ImportFormat } from '../../../common/api-contract';
import { TwofoldError } from '../../../common/errors';
import type { BackupKey } from '../backup/backup-format';
import { aegisImporter } from './aegis';
import { andOtpImporter } from './andotp';
import { bitwardenImporter } from './bitwarden';
import { createEnteImporter, enteImporter, type EnteKeyDeriver } from './ente';
import { googleMigrationImporter } from './google-migration';
import type { ImportInput, Importer, ParsedImport } from './import-types';
import { twofoldBackupImporter, parseTwofoldBackup } from './twofold-backup';
import { twoFasImporter } from './two-fas';
import { uriListImporter } from './uri-list';

/**
 * The importers in detection order, most specific first: a Twofold backup and the JSON formats
 * with distinctive top-level fields come before the looser ones, and the link list comes last
 * because any text with an otpauth:// line would pass its check.
 */
export const IMPORTERS: readonly Importer[] = [
  twofoldBackupImporter,
  aegisImporter,
  twoFasImporter,
  enteImporter,
  bitwardenImporter,
  andOtpImporter,
  googleMigrationImporter,
  uriListImporter,
];

const UTF8_BOM = '\uFEFF';

/** The app name users know a format by, for example "Aegis". */
export function formatName(format: ImportFormat): string {
  return IMPORTERS.find((importer) => importer.format === format)?.name ?? format;
}

/** The names of every supported format, for messages: "Aegis, 2FAS, … or a list of otpauth:// links". */
export function supportedFormatsText(): string {
  const names = IMPORTERS.map((importer) => importer.name);
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1] ?? ''}`;
}

/** Throws IMPORT_TOO_LARGE when `byteLength` is over MAX_IMPORT_BYTES. */
export function checkImportSize(byteLength: number): void {
  if (byteLength > MAX_IMPORT_BYTES) {
    const mb = (byteLength / (1024 * 1024)).toFixed(1);
    throw new TwofoldError(
      'IMPORT_TOO_LARGE',
      `This file is ${mb} MB; Twofold imports files of at most ${MAX_IMPORT_BYTES / (1024 * 1024)} MB. Export fewer accounts at a time.`,
    );
  }
}

/**
 * Builds an importer's input from raw bytes: size checked first (IMPORT_TOO_LARGE), then decoded
 * as strict UTF-8 (null for a binary file), without a leading byte-order mark.
 */
export function importInput(bytes: Uint8Array, opts: { fileName?: string | null; passphrase?: string | null } = {}): ImportInput {
  checkImportSize(bytes.byteLength);
  let text: string | null;
  try {
    // ignoreBOM: keep the mark so it is stripped below exactly once, whatever the decoder's default.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    text = null;
  }
  if (text !== null && text.startsWith(UTF8_BOM)) text = text.slice(UTF8_BOM.length);
  return { bytes, text, fileName: opts.fileName ?? null, passphrase: opts.passphrase ?? null };
}

/** Options of readImport. */
export interface ReadImportOptions {
  /**
   * The automatic-backup key kept in the vault: a Twofold backup made with it opens without the
   * passphrase; a backup made with another passphrase needs the typed one.
   */
  backupKey?: BackupKey | null;
  /** Runs Ente's Argon2id off the calling thread (the app passes a worker; the CLI and tests don't). */
  deriveEnteKey?: EnteKeyDeriver;
}

/**
 * Finds the input's format and reads it. Throws IMPORT_TOO_LARGE for an oversized input and
 * IMPORT_FORMAT_UNKNOWN, naming the supported formats and what the input looked like in general
 * terms (never quoting it), when no importer recognises it; the importer's own errors pass through.
 */
export async function readImport(input: ImportInput, options: ReadImportOptions = {}): Promise<ParsedImport> {
  checkImportSize(input.bytes.byteLength);
  const importer = detectImporter(input);
  if (!importer) throw unknownFormat(input);
  // The backup key opens only backups made with it; any other falls back to the typed passphrase.
  if (importer === twofoldBackupImporter) return parseTwofoldBackup(input, options.backupKey ?? null);
  if (importer === enteImporter && options.deriveEnteKey) return createEnteImporter({ deriveKey: options.deriveEnteKey }).parse(input);
  return importer.parse(input);
}

/** The first importer that recognises the input, or null. */
export function detectImporter(input: ImportInput): Importer | null {
  return IMPORTERS.find((importer) => importer.detect(input)) ?? null;
}

/** IMPORT_FORMAT_UNKNOWN for `input`, describing its general shape only. */
export function unknownFormat(input: ImportInput): TwofoldError {
  const what = input.fileName === null ? 'This' : 'This file';
  return new TwofoldError(
    'IMPORT_FORMAT_UNKNOWN',
    `${what} ${describeShape(input)}, which is not a format Twofold can import. ` +
      `Twofold reads exports from ${supportedFormatsText()}.`,
  );
}

function describeShape(input: ImportInput): string {
  if (input.bytes.byteLength === 0) return 'is empty';
  if (input.text === null) return 'is a binary file';
  const text = input.text.trim();
  if (text === '') return 'holds only blank space';
  if (text.startsWith('{') || text.startsWith('[')) {
    try {
      JSON.parse(text);
      return 'is a JSON document without the fields of any supported export';
    } catch {
      return 'looks like JSON but is not valid JSON (it may be truncated)';
    }
  }
  return 'is text with no otpauth:// links';
}
