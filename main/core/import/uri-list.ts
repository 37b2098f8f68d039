/**
 * A plain list of links, one per line: otpauth:// accounts, Google Authenticator export links
 * (otpauth-migration://) and Twofold push enrollment links (twofold://enroll?). This is what a
 * user pastes, what Twofold's own "plain URI list" export writes, and what a screen scan finds.
 * Blank lines and lines starting with # are skipped.
 */
import { TwofoldError } from '../../../common/errors';
import { parseOtpauthUri } from '../../../common/otpauth-uri';
import { mergeMigrationLinks } from './google-migration';
import { checkEntryCount, entryName } from './import-entry';
import type { FoundEnrollment, ImportEntryError, ImportedAccount, Importer, ImportInput, ParsedImport } from './import-types';

const FORMAT_NAME = 'link list';

type LineKind = 'otpauth' | 'migration' | 'enroll' | 'other';

function kindOf(line: string): LineKind {
  if (/^otpauth:\/\//i.test(line)) return 'otpauth';
  if (/^otpauth-migration:\/\//i.test(line)) return 'migration';
  if (/^twofold:\/\/enroll\?/i.test(line)) return 'enroll';
  return 'other';
}

function isContent(line: string): boolean {
  return line !== '' && !line.startsWith('#');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return '';
  }
}

/**
 * Best-effort name of an otpauth:// link that failed to parse, from its label and issuer
 * parameter only (never the query's other values, which hold the secret).
 */
function nameOfBrokenLink(line: string): string | null {
  const label = /^otpauth:\/\/[^/?#]*\/([^?#]*)/i.exec(line)?.[1];
  const issuerParam = /[?&]issuer=([^&#]*)/i.exec(line)?.[1];
  // eslint-disable-next-line no-control-regex -- control characters must not reach the preview
  const clean = (text: string | undefined): string => safeDecode(text ?? '').replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  let account = clean(label);
  let issuer = clean(issuerParam);
  const colon = account.indexOf(':');
  if (colon >= 0) {
    if (issuer === '') issuer = account.slice(0, colon);
    account = account.slice(colon + 1);
  }
  return issuer.trim() === '' && account.trim() === '' ? null : entryName(issuer, account);
}

/**
 * Reads links, one per line. otpauth:// lines become accounts (a bad one an entry error that
 * names its line), otpauth-migration:// lines are merged as one Google Authenticator export,
 * twofold://enroll? lines become enrollments for the core to offer, blank and # lines are
 * skipped, and any other line is an entry error that never quotes it (it may hold a secret).
 *
 * Entry indexes: a line's entry has the line's index (0-based); accounts from export links
 * follow, from `lines.length` up. The format is 'google-migration' when every line was an
 * export link. Throws IMPORT_EMPTY when there is no link, IMPORT_TOO_LARGE past the limit.
 */
export function parseLinks(lines: string[]): ParsedImport {
  const trimmed = lines.map((line, i) => (i === 0 ? line.replace(/^\uFEFF/, '') : line).trim());
  const contentCount = trimmed.filter(isContent).length;
  if (contentCount === 0) {
    throw new TwofoldError('IMPORT_EMPTY', 'There are no links here. Paste or pick text with one otpauth:// link per line.');
  }
  checkEntryCount(contentCount, FORMAT_NAME);

  const accounts: ImportedAccount[] = [];
  const errors: ImportEntryError[] = [];
  const enrollments: FoundEnrollment[] = [];
  const migration: { index: number; uri: string }[] = [];
  trimmed.forEach((line, index) => {
    if (!isContent(line)) return;
    const lineName = `Line ${index + 1}`;
    switch (kindOf(line)) {
      case 'otpauth':
        try {
          accounts.push({ index, params: parseOtpauthUri(line) });
        } catch (error) {
          if (!(error instanceof TwofoldError)) throw error;
          errors.push({ index, name: nameOfBrokenLink(line) ?? lineName, message: `${lineName}: ${error.message}` });
        }
        return;
      case 'migration':
        migration.push({ index, uri: line });
        return;
      case 'enroll':
        // The core checks and enrolls it when the user asks; here it is only offered.
        enrollments.push({ index, uri: line });
        return;
      case 'other':
        errors.push({
          index,
          name: lineName,
          message: `${lineName} is not an otpauth:// link. Each line must hold one otpauth://, otpauth-migration:// or twofold://enroll link.`,
        });
    }
  });

  const onlyMigration = migration.length === contentCount;
  const result: ParsedImport = { format: onlyMigration ? 'google-migration' : 'uri-list', accounts, errors, warnings: [], enrollments };
  if (migration.length > 0) {
    const merged = mergeMigrationLinks(migration, { name: (link) => `Line ${link.index + 1}` }, trimmed.length, onlyMigration);
    accounts.push(...merged.accounts);
    errors.push(...merged.errors);
    result.warnings.push(...merged.warnings);
    checkEntryCount(accounts.length + errors.length + enrollments.length, FORMAT_NAME);
  }
  return result;
}

/** A text file or pasted text of links, one per line. */
export const uriListImporter: Importer = {
  format: 'uri-list',
  name: 'otpauth link list',
  detect(input: ImportInput): boolean {
    if (input.text === null) return false;
    let links = 0;
    let others = 0;
    for (const raw of input.text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/)) {
      const line = raw.trim();
      if (!isContent(line)) continue;
      if (kindOf(line) === 'other') others++;
      else links++;
    }
    // "Mostly links": a stray heading or a damaged line should still reach the preview.
    return links > 0 && links >= others;
  },
  async parse(input: ImportInput): Promise<ParsedImport> {
    if (input.text === null) {
      throw new TwofoldError('IMPORT_INVALID', 'This file is not text, so it holds no otpauth:// links. Pick the text file of links.');
    }
    return parseLinks(input.text.split(/\r\n|\n|\r/));
  },
};
