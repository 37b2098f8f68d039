/**
 * Import previews held between "preview" and "confirm". A preview keeps the parsed accounts (with
 * their secrets) in main's memory only, for a few minutes at most, and all of them are forgotten
 * when the vault locks. The renderer sees views without secrets and refers to a preview by id.
 */
import {
  ColorSchema,
  type ImportEntryView,
  type ImportErrorView,
  type ImportPreview,
  type ImportResult,
} from '../../../common/api-contract';
import { TwofoldError } from '../../../common/errors';
import type { OtpParams } from '../../../common/otpauth-uri';
import { parseEnrollmentUri } from '../../../common/push-protocol';
import { storedAccount, type AccountBook, type StoredAccount } from '../accounts';
import type { Clock } from '../ports';
import { checkEntryCount } from './import-entry';
import type { ImportedAccount, ParsedImport } from './import-types';

/** How long a preview can be confirmed after it was made (or last added to). */
export const PREVIEW_TTL_MS = 10 * 60_000;
/** Most previews held at once; the oldest goes first. A user works on one; a few covers stray windows. */
export const MAX_PREVIEWS = 4;

/** What the user decided about accounts the vault already has. */
export type DuplicateChoice = 'skip' | 'add-anyway' | 'replace';

/**
 * Replaces the vault's accounts with what `change` makes of them and saves once; on a failed save
 * the vault keeps the accounts it had. (The core's `replaceAccounts`.)
 */
export type ReplaceAccounts = <T>(change: (accounts: StoredAccount[]) => { accounts: StoredAccount[]; result: T }) => Promise<T>;

/** What the session needs. */
export interface ImportSessionDeps {
  clock: Clock;
  /** A fresh unguessable id, for previews and for the accounts an import adds. */
  newId: () => string;
  /** Reads links (otpauth, otpauth-migration, twofold://enroll), for merging scans into one preview. */
  parseLinks: (lines: string[]) => ParsedImport;
  /** The app name of a format, for the preview's `formatName`. */
  formatName: (format: ParsedImport['format']) => string;
  ttlMs?: number;
  maxPreviews?: number;
}

/** A source to preview: what an importer read, and the links it came from when it was a list of links. */
export interface PreviewSource {
  parsed: ParsedImport;
  /** The raw links (QR code texts or lines). Only link sources can take more scans with addTo. */
  lines?: string[] | null;
}

interface HeldPreview {
  id: string;
  expiresAt: number;
  createdAt: number;
  parsed: ParsedImport;
  lines: string[] | null;
}

/** The previews of one unlocked session. */
export class ImportSession {
  private readonly previews = new Map<string, HeldPreview>();
  private readonly ttlMs: number;
  private readonly maxPreviews: number;

  constructor(private readonly deps: ImportSessionDeps) {
    this.ttlMs = deps.ttlMs ?? PREVIEW_TTL_MS;
    this.maxPreviews = deps.maxPreviews ?? MAX_PREVIEWS;
  }

  /** Holds a new preview and returns what the user sees: entries, duplicates, errors, warnings, enrollments. */
  preview(source: PreviewSource, book: AccountBook): ImportPreview {
    this.sweep();
    checkEntryCount(source.parsed.accounts.length, this.deps.formatName(source.parsed.format));
    const now = this.deps.clock.now();
    const held: HeldPreview = {
      id: this.unusedId(),
      createdAt: now,
      expiresAt: now + this.ttlMs,
      parsed: source.parsed,
      lines: source.lines ? [...source.lines] : null,
    };
    while (this.previews.size >= this.maxPreviews) this.dropOldest();
    this.previews.set(held.id, held);
    return this.view(held, book);
  }

  /**
   * Adds more links (the next QR code of a Google Authenticator batch) to an earlier preview. Every
   * link collected so far is read again together, so a batch's parts join up and the
   * missing-part warning reflects what is still missing. A link scanned twice counts once.
   */
  addTo(previewId: string, source: PreviewSource, book: AccountBook): ImportPreview {
    const held = this.get(previewId);
    if (held.lines === null || !source.lines) {
      throw new TwofoldError(
        'IMPORT_INVALID',
        'Only QR codes and links can be added to an earlier import. Import this file on its own.',
      );
    }
    const seen = new Set(held.lines.map((line) => line.trim()));
    const lines = [...held.lines];
    for (const line of source.lines) {
      const key = line.trim();
      if (key === '' || seen.has(key)) continue;
      seen.add(key);
      lines.push(line);
    }
    const parsed = this.deps.parseLinks(lines);
    checkEntryCount(parsed.accounts.length, this.deps.formatName(parsed.format));
    held.lines = lines;
    held.parsed = parsed;
    held.expiresAt = this.deps.clock.now() + this.ttlMs;
    return this.view(held, book);
  }

  /**
   * Adds every account of the preview not in `exclude`, in one save through `replace`. Duplicates
   * of vault accounts, and entries repeated within the import, follow `duplicates` (see
   * mergeImported). The preview is forgotten once saved; a failed save keeps it to try again.
   */
  async confirm(
    previewId: string,
    options: { duplicates: DuplicateChoice; exclude: readonly number[] },
    replace: ReplaceAccounts,
  ): Promise<ImportResult> {
    const held = this.get(previewId);
    const excluded = new Set(options.exclude);
    const chosen = held.parsed.accounts.filter((account) => !excluded.has(account.index));
    if (chosen.length === 0) {
      throw new TwofoldError(
        'IMPORT_EMPTY',
        held.parsed.accounts.length === 0
          ? 'This import has no accounts that can be added. Check the errors listed, or import another file.'
          : 'Every account of this import was left out. Select at least one account to import.',
      );
    }
    const result = await replace((accounts) => mergeImported(accounts, chosen, options.duplicates, this.deps.newId));
    this.previews.delete(held.id);
    return result;
  }

  /** The enrollment link found at `index` of a preview, for enrolling it. */
  enrollmentUri(previewId: string, index: number): string {
    const held = this.get(previewId);
    const found = held.parsed.enrollments.find((enrollment) => enrollment.index === index);
    if (!found) {
      throw new TwofoldError('INPUT_INVALID', 'This import has no push sign-in enrollment at that position.', 'index');
    }
    return found.uri;
  }

  /** Forgets one preview and the secrets it holds. Unknown ids are ignored: the result is the same. */
  cancel(previewId: string): void {
    this.previews.delete(previewId);
  }

  /** Forgets every preview (on lock). */
  clear(): void {
    this.previews.clear();
  }

  /** Forgets previews whose time is up. */
  sweep(): void {
    const now = this.deps.clock.now();
    for (const [id, held] of this.previews) if (held.expiresAt <= now) this.previews.delete(id);
  }

  /** How many previews are held (for tests and diagnostics). */
  get size(): number {
    return this.previews.size;
  }

  private get(previewId: string): HeldPreview {
    this.sweep();
    const held = this.previews.get(previewId);
    if (!held) {
      throw new TwofoldError(
        'IMPORT_PREVIEW_EXPIRED',
        'This import preview has expired or was closed. Start the import again; nothing was added.',
      );
    }
    return held;
  }

  private dropOldest(): void {
    let oldest: HeldPreview | null = null;
    for (const held of this.previews.values()) if (!oldest || held.createdAt < oldest.createdAt) oldest = held;
    if (oldest) this.previews.delete(oldest.id);
  }

  private unusedId(): string {
    for (let attempt = 0; attempt < 10; attempt++) {
      const id = this.deps.newId();
      if (!this.previews.has(id)) return id;
    }
    throw new TwofoldError('INTERNAL', 'Could not pick a new preview id. Try again.');
  }

  private view(held: HeldPreview, book: AccountBook): ImportPreview {
    const { parsed } = held;
    // One index of the vault instead of a scan per entry: imports run to tens of thousands.
    const inVault = new Map<string, string>();
    for (const account of book.list()) {
      const key = accountKey(account);
      if (!inVault.has(key)) inVault.set(key, account.id);
    }
    const seen = new Set<string>();
    const entries: ImportEntryView[] = parsed.accounts.map((account) => {
      const key = accountKey(account.params);
      const repeated = seen.has(key);
      seen.add(key);
      const { params } = account;
      return {
        index: account.index,
        type: params.type,
        issuer: params.issuer,
        label: params.label,
        algorithm: params.algorithm,
        digits: params.digits,
        period: params.period,
        duplicateOf: inVault.get(key) ?? null,
        repeated,
      };
    });
    const errors: ImportErrorView[] = parsed.errors.map((error) => ({ ...error }));
    const enrollments: ImportPreview['enrollments'] = [];
    for (const found of parsed.enrollments) {
      const result = parseEnrollmentUri(found.uri);
      if (result.ok) {
        const { issuer, account, server } = result.value;
        enrollments.push({ index: found.index, issuer, account, server });
      } else {
        errors.push({ index: found.index, name: 'Push sign-in enrollment', message: result.problem.message });
      }
    }
    errors.sort((a, b) => a.index - b.index);
    return {
      previewId: held.id,
      format: parsed.format,
      formatName: this.deps.formatName(parsed.format),
      entries,
      errors,
      warnings: [...parsed.warnings],
      enrollments,
    };
  }
}

/** The identity AccountBook.findDuplicate uses: the secret, and issuer and name trimmed and case-folded. */
function accountKey(p: OtpParams): string {
  return `${p.secret}\u0000${p.issuer.trim().toLowerCase()}\u0000${p.label.trim().toLowerCase()}`;
}

/**
 * The accounts after adding `imported` to `existing`, entry by entry, with the rules of
 * AccountBook.add: a duplicate (same secret, issuer and name; case and outer spaces ignored) of an
 * account already there, or added earlier in this import, is skipped, added anyway, or replaces the
 * first such account in place (same id, position and pin; its colour unless the import has one).
 * Colour and pin come from the import; an invalid colour is dropped. Linear time, where repeated
 * AccountBook.add calls would scan the whole list per entry.
 */
export function mergeImported(
  existing: readonly StoredAccount[],
  imported: readonly ImportedAccount[],
  duplicates: DuplicateChoice,
  newId: () => string,
): { accounts: StoredAccount[]; result: ImportResult } {
  const accounts = existing.map(copyAccount);
  const firstByKey = new Map<string, number>();
  accounts.forEach((account, i) => {
    const key = accountKey(account);
    if (!firstByKey.has(key)) firstByKey.set(key, i);
  });
  const ids = new Set(accounts.map((account) => account.id));
  const result: ImportResult = { added: 0, replaced: 0, skipped: 0 };
  for (const entry of imported) {
    const key = accountKey(entry.params);
    // Only a valid colour is kept, or the vault would not load again.
    const color = typeof entry.color === 'string' && ColorSchema.safeParse(entry.color).success ? entry.color : null;
    const at = firstByKey.get(key);
    const old = at === undefined ? undefined : accounts[at];
    if (at !== undefined && old !== undefined && duplicates !== 'add-anyway') {
      if (duplicates === 'skip') {
        result.skipped += 1;
        continue;
      }
      accounts[at] = storedAccount(entry.params, {
        id: old.id,
        color: color ?? old.color,
        icon: old.icon,
        pinned: old.pinned || entry.pinned === true,
      });
      result.replaced += 1;
      continue;
    }
    const id = unusedId(ids, newId);
    ids.add(id);
    accounts.push(storedAccount(entry.params, { id, color, icon: null, pinned: entry.pinned === true }));
    if (at === undefined) firstByKey.set(key, accounts.length - 1);
    result.added += 1;
  }
  return { accounts, result };
}

function copyAccount(a: StoredAccount): StoredAccount {
  return storedAccount(a, { id: a.id, color: a.color, icon: a.icon, pinned: a.pinned });
}

function unusedId(ids: ReadonlySet<string>, newId: () => string): string {
  for (let attempt = 0; attempt < 10; attempt++) {
    const id = newId();
    if (!ids.has(id)) return id;
  }
  throw new TwofoldError('INTERNAL', 'Could not pick a new account id. Try again.');
}
