/**
 * Reads Twofold's own encrypted backups (docs/backup-format.md): an exported backup with its
 * passphrase, or an automatic backup with the backup key the core keeps in the vault.
 */
import { BACKUP_FORMAT, BackupAccountSchema, backupEntryName, openBackup, type BackupKey } from '../backup/backup-format';
import { splitResults, toImportedAccount } from './import-entry';
import type { ImportInput, Importer, ImportedAccount, ImportEntryError, ParsedImport } from './import-types';

const FORMAT_NAME = 'Twofold backup';

// Twofold writes "format" first; a file cut short still starts this way, so it is reported as a
// broken backup rather than as an unknown format.
const WRITTEN_PREFIX = /^\s*\{\s*"format"\s*:\s*"twofold-backup"/;

function looksLikeBackup(input: ImportInput): boolean {
  const text = input.text;
  if (text === null) return false;
  if (WRITTEN_PREFIX.test(text.slice(0, 200))) return true;
  // Another writer may order the fields differently: then only a whole JSON document counts.
  if (!text.includes(`"${BACKUP_FORMAT}"`)) return false;
  try {
    const json = JSON.parse(text) as unknown;
    return typeof json === 'object' && json !== null && (json as { format?: unknown }).format === BACKUP_FORMAT;
  } catch {
    return false;
  }
}

function toAccount(index: number, raw: unknown): ImportedAccount | ImportEntryError {
  const entry = BackupAccountSchema.safeParse(raw);
  if (!entry.success) {
    const issue = entry.error.issues[0];
    const field = issue && issue.path.length > 0 ? ` (field ${issue.path.map(String).join('.')})` : '';
    return { index, name: backupEntryName(raw), message: `This entry of the backup is malformed${field}.` };
  }
  const { color, pinned, ...fields } = entry.data;
  return toImportedAccount(index, fields, { color, pinned });
}

/**
 * Reads a Twofold backup with `key` when it is the key the backup was made with, and with the
 * input's passphrase otherwise. Throws IMPORT_PASSPHRASE_REQUIRED (field 'passphrase') when
 * neither fits, and the whole-file errors of openBackup; a bad account becomes an error entry.
 */
export async function parseTwofoldBackup(input: ImportInput, key: BackupKey | null): Promise<ParsedImport> {
  const opened = await openBackup(input.bytes, { key, passphrase: input.passphrase });
  const { accounts, errors } = splitResults(opened.entries.map((raw, index) => toAccount(index, raw)));
  return { format: 'twofold-backup', accounts, errors, warnings: [], enrollments: [] };
}

/** Twofold's own encrypted backup (`.twofold`), made by export or by automatic backups. */
export const twofoldBackupImporter: Importer = {
  format: 'twofold-backup',
  name: FORMAT_NAME,
  detect: looksLikeBackup,
  async parse(input) {
    return parseTwofoldBackup(input, null);
  },
};
