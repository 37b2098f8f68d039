/**
 * How imports, exports and backups read on screen: the preview's counts, an entry's details, the
 * number the confirm button names, the result toast, file sizes.
 */
import type { ImportEntryView, ImportPreview, ImportResult } from '../../common/api-contract';

/** What to do with entries already in Twofold (or repeated within the import). */
export type DuplicateChoice = 'skip' | 'add-anyway' | 'replace';

/** "1 account", "12 accounts" (and so on for any noun with a plain -s plural). */
export function plural(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}

/** An entry's display name, as the code list would show it: "GitHub (alice@example.com)". */
export function entryName(entry: Pick<ImportEntryView, 'issuer' | 'label'>): string {
  if (entry.issuer && entry.label) return `${entry.issuer} (${entry.label})`;
  return entry.issuer || entry.label || 'Unnamed account';
}

const ALGORITHM_NAMES = { SHA1: 'SHA-1', SHA256: 'SHA-256', SHA512: 'SHA-512' } as const;

/** An entry's OTP settings in a few words: "TOTP · 6 digits · 30 s", "HOTP · 8 digits · SHA-256". */
export function entryDetail(entry: Pick<ImportEntryView, 'type' | 'digits' | 'period' | 'algorithm'>): string {
  const parts = [entry.type.toUpperCase(), `${entry.digits} digits`];
  if (entry.type === 'totp') parts.push(`${entry.period} s`);
  // SHA-1 is what nearly every account uses; only the unusual one is worth a word.
  if (entry.algorithm !== 'SHA1') parts.push(ALGORITHM_NAMES[entry.algorithm]);
  return parts.join(' · ');
}

/** True for an entry the duplicates choice applies to: already in Twofold, or repeated in the import. */
export function isDuplicateEntry(entry: Pick<ImportEntryView, 'duplicateOf' | 'repeated'>): boolean {
  return entry.duplicateOf !== null || entry.repeated;
}

/**
 * The preview's counts in one line: "12 accounts to add, 2 already in Twofold, 1 can't be imported".
 * Zero counts other than the first are left out.
 */
export function previewSummary(preview: Pick<ImportPreview, 'entries' | 'errors' | 'enrollments'>): string {
  let fresh = 0;
  let existing = 0;
  let repeated = 0;
  for (const entry of preview.entries) {
    if (entry.duplicateOf !== null) existing += 1;
    else if (entry.repeated) repeated += 1;
    else fresh += 1;
  }
  const parts = [`${plural(fresh, 'account')} to add`];
  if (existing > 0) parts.push(`${existing.toLocaleString('en-US')} already in Twofold`);
  if (repeated > 0) parts.push(`${repeated.toLocaleString('en-US')} repeated in this import`);
  if (preview.errors.length > 0) parts.push(`${preview.errors.length.toLocaleString('en-US')} can’t be imported`);
  if (preview.enrollments.length > 0) parts.push(`${plural(preview.enrollments.length, 'push sign-in code')} found`);
  return parts.join(', ');
}

/** How many accounts a confirm would write, given the entries left out and the duplicates choice. */
export function confirmCount(
  entries: readonly Pick<ImportEntryView, 'index' | 'duplicateOf' | 'repeated'>[],
  excluded: ReadonlySet<number>,
  duplicates: DuplicateChoice,
): number {
  let count = 0;
  for (const entry of entries) {
    if (excluded.has(entry.index)) continue;
    if (duplicates === 'skip' && isDuplicateEntry(entry)) continue;
    count += 1;
  }
  return count;
}

/** The confirm button: "Add 12 accounts", "Add 1 account". */
export function confirmLabel(count: number): string {
  return `Add ${plural(count, 'account')}`;
}

/** The toast after an import: "Added 12 accounts, skipped 2", "Replaced 1 account". */
export function importResultText(result: ImportResult): string {
  const parts: string[] = [];
  if (result.added > 0 || result.replaced === 0) parts.push(`added ${plural(result.added, 'account')}`);
  if (result.replaced > 0) parts.push(`replaced ${parts.length === 0 ? plural(result.replaced, 'account') : result.replaced.toLocaleString('en-US')}`);
  if (result.skipped > 0) parts.push(`skipped ${result.skipped.toLocaleString('en-US')}`);
  const text = parts.join(', ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A file size for people: "912 bytes", "14.2 KB", "3.1 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
