/**
 * Automatic encrypted backups: a backup is written to the user's backup folder a little while after
 * each change (debounced) and at least once a day, the newest `keep` are kept, and a failure is
 * recorded and reported (never silent), then retried at the next change or after an hour.
 */
import { constants, promises as fs } from 'node:fs';
import { join } from 'node:path';
import { MAX_IMPORT_BYTES, type BackupStatus } from '../../../common/api-contract';
import { TwofoldError } from '../../../common/errors';
import type { Clock } from '../ports';
import { removeStaleTemps, replaceFiles } from '../vault/atomic-write';
import { encodeBackup, type BackupAccount, type BackupKey } from './backup-format';

/** How long after the last change a backup is written, by default (a burst of edits makes one backup). */
export const DEFAULT_DEBOUNCE_MS = 10_000;
/** The longest time without a backup, by default: a daily backup even without changes. */
export const DEFAULT_INTERVAL_MS = 24 * 60 * 60 * 1000;
/** How long after a failure a backup is tried again when nothing changes. */
export const RETRY_AFTER_FAILURE_MS = 60 * 60 * 1000;

/** Automatic backup files: `twofold-backup-YYYY-MM-DDTHH-MM-SS-mmmZ.twofold`, UTC, so names sort by time. */
export const BACKUP_FILE_PATTERN = /^twofold-backup-(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z\.twofold$/;

/** The file name of an automatic backup made at `at` (ms since the epoch). */
export function backupFileName(at: number): string {
  const iso = new Date(at).toISOString(); // 2026-01-02T03:04:05.678Z
  return `twofold-backup-${iso.replace(/:/g, '-').replace('.', '-')}.twofold`;
}

/** The time an automatic backup's name records, or null when `name` is not an automatic backup's name. */
export function backupFileTime(name: string): number | null {
  const match = BACKUP_FILE_PATTERN.exec(name);
  if (!match) return null;
  const [y, mo, d, h, mi, s, ms] = match.slice(1).map(Number) as [number, number, number, number, number, number, number];
  const at = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // Date.UTC rolls over impossible dates (month 13); only names Twofold would write count.
  return backupFileName(at) === name ? at : null;
}

/** The automatic-backup settings, read afresh before every decision. */
export interface AutoBackupConfig {
  enabled: boolean;
  /** The folder the user picked, or null. */
  folder: string | null;
  /** How many backups to keep (the newest). */
  keep: number;
  /** The key derived from the backup passphrase, or null when none is set. */
  key: BackupKey | null;
}

/** What AutoBackup needs from the core. */
export interface AutoBackupDeps {
  clock: Clock;
  /** One line per backup written or failed; never data or secrets. */
  log: (line: string) => void;
  /** The accounts as they are now; called when a backup is written, so it holds the latest state. */
  readAccounts: () => BackupAccount[];
  config: () => AutoBackupConfig;
  /** Called after every backup written or failed (the `backupChanged` event). */
  onChanged: () => void;
  debounceMs?: number;
  intervalMs?: number;
}

interface BackupFile {
  name: string;
  createdAt: number;
  bytes: number;
}

function errorCode(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null && 'code' in error ? (error as { code: unknown }).code : undefined;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

const OS_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENOENT: 'the folder does not exist (is the drive connected?)',
  ENOTDIR: 'the path is not a folder',
  EROFS: 'the disk is read-only',
  EIO: 'the disk reported an input/output error',
  EISDIR: 'a folder is in the way of the backup file',
};

/** BACKUP_FAILED naming the OS error code and the folder; never the data being written. */
function backupFailed(error: unknown, folder: string): TwofoldError {
  const code = errorCode(error);
  if (code !== undefined) {
    const reason = OS_REASONS[code] ?? 'the system refused the write';
    return new TwofoldError(
      'BACKUP_FAILED',
      `The backup could not be written to ${folder}: ${reason} (${code}). Fix this or choose another backup folder.`,
    );
  }
  if (error instanceof TwofoldError) return new TwofoldError('BACKUP_FAILED', `The backup could not be made: ${error.message}`);
  // An unknown error's text could hold anything, so it is not repeated.
  return new TwofoldError('BACKUP_FAILED', 'The backup could not be made because of an unexpected error. Try again.');
}

/** The automatic backup files in `folder` (regular files with a backup's name only), newest first. */
async function listBackupFiles(folder: string): Promise<BackupFile[]> {
  const entries = await fs.readdir(folder, { withFileTypes: true });
  const files: BackupFile[] = [];
  for (const entry of entries) {
    const createdAt = entry.isFile() ? backupFileTime(entry.name) : null;
    if (createdAt === null) continue;
    try {
      const stat = await fs.lstat(join(folder, entry.name));
      files.push({ name: entry.name, createdAt, bytes: stat.size });
    } catch (error) {
      // Removed between readdir and lstat (another Twofold pruning the same folder).
      if (errorCode(error) !== 'ENOENT') throw error;
    }
  }
  return files.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
}

/** Schedules, writes, prunes and reports automatic backups. Time comes from the injected clock. */
export class AutoBackup {
  private readonly deps: AutoBackupDeps;
  private readonly debounceMs: number;
  private readonly intervalMs: number;
  /** When the debounced backup after the last change is due, or null. */
  private dueAt: number | null = null;
  /** After a failure: when to try again if nothing changes. */
  private retryAt: number | null = null;
  /** The folder and key the last failure happened with; choosing another folder or passphrase retries at once. */
  private failedWith: { folder: string; key: BackupKey } | null = null;
  private lastSuccessAt: number | null = null;
  private lastError: { at: number; message: string } | null = null;
  private running: Promise<void> | null = null;
  /** The newest backup's time in a folder, so a tick needs no disk access while it is recent. */
  private newest: { folder: string; at: number | null } | null = null;

  constructor(deps: AutoBackupDeps) {
    this.deps = deps;
    this.debounceMs = deps.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    this.intervalMs = deps.intervalMs ?? DEFAULT_INTERVAL_MS;
  }

  /** Notes that the accounts changed: a backup becomes due `debounceMs` after the last change. */
  noteChange(): void {
    this.dueAt = this.deps.clock.now() + this.debounceMs;
  }

  /**
   * Writes a backup if one is due: the debounce after a change has elapsed, or the newest backup
   * in the folder is older than `intervalMs` (or there is none). Does nothing while disabled or
   * not configured, or while a backup is running. Never throws: a failure is recorded instead.
   */
  async tick(): Promise<void> {
    if (this.running) return;
    await this.exclusive(async () => {
      const config = this.deps.config();
      if (!config.enabled || config.folder === null || config.key === null) return;
      if (!(await this.isDue(config.folder, config.key))) return;
      // The failure is already recorded and reported by write().
      await this.write().catch(() => undefined);
    });
  }

  /**
   * Writes a backup now, after any backup already running. Throws BACKUP_NOT_CONFIGURED without a
   * folder or passphrase, and BACKUP_FAILED (naming the OS error, such as EACCES) when it fails.
   */
  async runNow(): Promise<void> {
    await this.exclusive(() => this.write());
  }

  /** Settings, last outcome, and the backups in the folder, newest first. */
  async status(): Promise<BackupStatus> {
    const config = this.deps.config();
    let files: BackupFile[] = [];
    if (config.folder !== null) {
      try {
        files = await listBackupFiles(config.folder);
        this.newest = { folder: config.folder, at: files[0]?.createdAt ?? null };
      } catch {
        // A missing or unreadable folder shows as no backups; the write reports the reason.
      }
    }
    return {
      enabled: config.enabled,
      folder: config.folder,
      keep: config.keep,
      hasPassphrase: config.key !== null,
      // After a restart, the newest backup in the folder is the last known success.
      lastSuccessAt: this.lastSuccessAt ?? files[0]?.createdAt ?? null,
      lastError: this.lastError,
      files,
    };
  }

  /**
   * The bytes of one automatic backup in the backup folder, for a restore. Only a name that has
   * the backup file pattern and is a regular file in the folder is read, so no other path can be.
   * Throws BACKUP_NOT_CONFIGURED, INPUT_INVALID (not a backup's name, or gone), IMPORT_TOO_LARGE
   * or BACKUP_FAILED (it could not be read).
   */
  async readBackup(name: string): Promise<Uint8Array> {
    const { folder } = this.deps.config();
    if (folder === null) throw new TwofoldError('BACKUP_NOT_CONFIGURED', 'No backup folder is set. Choose a backup folder first.');
    if (backupFileTime(name) === null) {
      throw new TwofoldError('INPUT_INVALID', 'That is not the name of an automatic backup. Pick a backup from the list.', 'name');
    }
    const missing = (): TwofoldError =>
      new TwofoldError('INPUT_INVALID', `The backup ${name} is no longer in the backup folder. Refresh the list.`, 'name');
    let handle: fs.FileHandle;
    try {
      // O_NOFOLLOW: a symlink given a backup's name must not lead the read out of the folder.
      handle = await fs.open(join(folder, name), constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    } catch (error) {
      const code = errorCode(error);
      if (code === 'ENOENT' || code === 'ELOOP') throw missing();
      throw new TwofoldError('BACKUP_FAILED', `The backup ${name} could not be read (${code ?? 'unexpected error'}).`);
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw missing();
      if (stat.size > MAX_IMPORT_BYTES) {
        throw new TwofoldError('IMPORT_TOO_LARGE', `The backup ${name} is larger than ${MAX_IMPORT_BYTES / (1024 * 1024)} MB; it is not one Twofold wrote.`);
      }
      return await handle.readFile();
    } catch (error) {
      if (error instanceof TwofoldError) throw error;
      throw new TwofoldError('BACKUP_FAILED', `The backup ${name} could not be read (${errorCode(error) ?? 'unexpected error'}).`);
    } finally {
      await handle.close();
    }
  }

  /** Runs `task` once no other backup is running, so at most one runs at a time. */
  private async exclusive(task: () => Promise<void>): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
    const run = task();
    this.running = run;
    try {
      await run;
    } finally {
      if (this.running === run) this.running = null;
    }
  }

  private async isDue(folder: string, key: BackupKey): Promise<boolean> {
    const now = this.deps.clock.now();
    if (this.dueAt !== null && now >= this.dueAt) return true;
    // After a failure, only a change (of accounts, folder or passphrase) or the retry time brings
    // the next attempt, not every tick.
    if (this.retryAt !== null) {
      const sameSetup = this.failedWith !== null && this.failedWith.folder === folder && this.failedWith.key === key;
      return now >= this.retryAt || !sameSetup;
    }
    const newest = await this.newestBackupAt(folder, now);
    return newest === null || now - newest >= this.intervalMs;
  }

  private async newestBackupAt(folder: string, now: number): Promise<number | null> {
    const known = this.newest;
    if (known && known.folder === folder && known.at !== null && now - known.at < this.intervalMs) return known.at;
    try {
      const at = (await listBackupFiles(folder))[0]?.createdAt ?? null;
      this.newest = { folder, at };
      return at;
    } catch {
      // The write will fail too, and report why.
      return null;
    }
  }

  private async write(): Promise<void> {
    const config = this.deps.config();
    const { folder, key } = config;
    if (folder === null || key === null) {
      throw new TwofoldError(
        'BACKUP_NOT_CONFIGURED',
        folder === null ? 'No backup folder is set. Choose a backup folder first.' : 'No backup passphrase is set. Set one first.',
      );
    }
    const startedAt = this.deps.clock.now();
    const dueAtStart = this.dueAt;
    const name = backupFileName(startedAt);
    let count: number;
    try {
      const accounts = this.deps.readAccounts();
      count = accounts.length;
      await replaceFiles([{ path: join(folder, name), data: encodeBackup(accounts, key, startedAt) }]);
    } catch (error) {
      const failure = backupFailed(error, folder);
      this.lastError = { at: startedAt, message: failure.message };
      this.retryAt = startedAt + RETRY_AFTER_FAILURE_MS;
      this.failedWith = { folder, key };
      if (this.dueAt === dueAtStart) this.dueAt = null;
      this.deps.log(`backup: failed (${errorCode(error) ?? (error instanceof TwofoldError ? error.code : 'unexpected error')})`);
      this.deps.onChanged();
      throw failure;
    }
    this.lastSuccessAt = startedAt;
    this.lastError = null;
    this.retryAt = null;
    this.failedWith = null;
    // A change made while this backup ran set a later dueAt, which stays.
    if (this.dueAt === dueAtStart) this.dueAt = null;
    this.newest = { folder, at: startedAt };
    const removed = await this.prune(folder, config.keep);
    this.deps.log(`backup: wrote ${name} (${count} accounts${removed > 0 ? `; removed ${removed} old` : ''})`);
    this.deps.onChanged();
  }

  /** Keeps the newest `keep` backups; never touches a file without a backup's name. Returns how many were removed. */
  private async prune(folder: string, keep: number): Promise<number> {
    let removed = 0;
    try {
      const files = await listBackupFiles(folder);
      for (const file of files.slice(Math.max(1, Math.floor(keep)))) {
        await fs.unlink(join(folder, file.name)).then(
          () => (removed += 1),
          (error: unknown) => {
            if (errorCode(error) !== 'ENOENT') throw error;
          },
        );
      }
      // Temp files of backup writers that died mid-write (a live writer's are left alone).
      const entries = await fs.readdir(folder);
      const targets = entries
        .map((entry) => /^(twofold-backup-[^/\\]+?\.twofold)\.tmp-\d+-[0-9a-f]+$/.exec(entry)?.[1])
        .filter((target): target is string => target !== undefined && backupFileTime(target) !== null);
      for (const target of new Set(targets)) await removeStaleTemps([join(folder, target)]);
    } catch (error) {
      // The backup itself was written; a leftover old backup is not worth reporting as a failure.
      this.deps.log(`backup: could not remove old backups (${errorCode(error) ?? 'unexpected error'})`);
    }
    return removed;
  }
}
