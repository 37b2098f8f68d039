/**
 * The `backup` contract group: the automatic backup's status, choosing its folder, setting it up
 * (on or off, how many to keep, the passphrase its key is derived from) and running it now; and
 * the automatic backup's part in the core's tick and lock. The settings are saved in the vault
 * through the core; the backups themselves are AutoBackup's.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { ApiImplementation, BackupStatus } from '../../../common/api-contract';
import { TwofoldError } from '../../../common/errors';
import type { CoreContext, Unlocked } from '../core-context';
import { describeIoError } from '../core-messages';
import type { BackupConfig } from './backup-config';
import { deriveBackupKey, type BackupKey } from './backup-format';

/** What the backup handlers use of the core. */
export type BackupHandlersContext = Pick<CoreContext, 'requireUnlocked' | 'requireDialogs' | 'saveBackupConfig' | 'log' | 'backupKdf'>;

/** Builds the `backup` group's handlers. */
export function createBackupHandlers(ctx: BackupHandlersContext): ApiImplementation['backup'] {
  const { requireUnlocked, saveBackupConfig } = ctx;

  async function backupStatus(): Promise<BackupStatus> {
    return requireUnlocked().backups.status();
  }

  return {
    status: () => backupStatus(),
    chooseFolder: async () => {
      requireUnlocked();
      const folder = await ctx.requireDialogs().chooseFolder('Choose a folder for Twofold backups');
      if (folder === null) return backupStatus();
      await checkWritableFolder(folder);
      await saveBackupConfig((config) => ({ ...config, folder }));
      ctx.log('backup folder chosen');
      return backupStatus();
    },
    configure: async ({ enabled, keep, passphrase }) => {
      requireUnlocked();
      const key = passphrase === undefined ? undefined : await deriveBackupKey(passphrase, ctx.backupKdf);
      const replaced: { key: BackupKey | null } = { key: null };
      try {
        await saveBackupConfig((config) => {
          const next: BackupConfig = {
            enabled: enabled ?? config.enabled,
            folder: config.folder,
            keep: keep ?? config.keep,
            key: key ?? config.key,
          };
          if (next.enabled) checkBackupReady(next);
          if (key) replaced.key = config.key;
          return next;
        });
      } catch (error) {
        key?.key.fill(0);
        throw error;
      }
      // The old key is stored nowhere any more; backups made with it still open with their passphrase.
      replaced.key?.key.fill(0);
      return backupStatus();
    },
    runNow: async () => {
      const state = requireUnlocked();
      checkBackupReady(state.backupConfig);
      await state.backups.runNow();
      return backupStatus();
    },
  };
}

/**
 * Writes the backup a recent change is still waiting for (its debounce has not passed), before
 * the accounts leave memory at lock; otherwise that change would wait for the daily backup.
 */
export async function flushBackup(state: Unlocked, log: CoreContext['log']): Promise<void> {
  const config = state.backupConfig;
  if (state.changedAt === null || !config.enabled || config.folder === null || config.key === null) return;
  try {
    const { lastSuccessAt } = await state.backups.status();
    if (lastSuccessAt !== null && lastSuccessAt >= state.changedAt) return;
    await state.backups.runNow();
  } catch (error) {
    // The failure is recorded in the backup status; locking must go on regardless.
    log(`automatic backup at lock failed: ${describeError(error)}`);
  }
}

/** Starts the automatic backup's time-based work unless a run is still going; never throws. */
export function tickBackups(state: Unlocked, log: CoreContext['log']): void {
  if (state.backupRun) return;
  let run: Promise<void>;
  try {
    run = state.backups.tick();
  } catch (error) {
    log(`automatic backup failed to start: ${describeIoError(error)}`);
    return;
  }
  state.backupRun = run
    .catch((error: unknown) => log(`automatic backup failed: ${describeError(error)}`))
    .finally(() => {
      state.backupRun = null;
    });
}

/** BACKUP_NOT_CONFIGURED naming what automatic backups still need. */
function checkBackupReady(config: BackupConfig): void {
  const missing = [config.folder === null ? 'choose a backup folder' : null, config.key === null ? 'set a backup passphrase' : null].filter(
    (m): m is string => m !== null,
  );
  if (missing.length === 0) return;
  const what = missing.join(' and ');
  throw new TwofoldError('BACKUP_NOT_CONFIGURED', `Automatic backups are not set up yet: ${what} first.`);
}

/** Writes and removes a probe file, so a folder Twofold can't write to is refused when chosen, not at the first backup. */
async function checkWritableFolder(folder: string): Promise<void> {
  if (!isAbsolute(folder)) throw new TwofoldError('INPUT_INVALID', 'The folder dialog returned a relative path. Choose the folder again.');
  const probe = join(folder, `.twofold-write-check-${randomBytes(6).toString('hex')}`);
  try {
    await fs.writeFile(probe, '', { flag: 'wx', mode: 0o600 });
    await fs.unlink(probe);
  } catch (error) {
    await fs.unlink(probe).catch(() => undefined);
    throw new TwofoldError(
      'BACKUP_FAILED',
      `Twofold cannot write backups to that folder (${describeIoError(error)}). Choose another folder, or check its permissions.`,
    );
  }
}

/** A TwofoldError's code and message (which never hold secrets), or an I/O error's code. */
function describeError(error: unknown): string {
  return error instanceof TwofoldError ? `${error.code}: ${error.message}` : describeIoError(error);
}
