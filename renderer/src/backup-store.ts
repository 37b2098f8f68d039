/**
 * The automatic-backup part of the app store: the backup status (folder, passphrase set, last
 * success, last failure, files), kept fresh on unlock and on main's `backupChanged` event. The
 * code list's failure banner and the Backups section of Settings both read it.
 */
import type { BackupStatus, TwofoldApi } from '../../common/api-contract';
import { errorMessage } from './form-error';

/** Backup state held in the app store. */
export interface BackupState {
  /** The last status main gave, or null before the first answer. */
  status: BackupStatus | null;
  /** Why the status could not be read, shown in Settings; null when it was. */
  loadError: string | null;
}

/** Backup state before unlock and after lock. */
export const INITIAL_BACKUP_STATE: BackupState = { status: null, loadError: null };

/** What backup components can do; a stable object. */
export interface BackupActions {
  /** Reads the status from main (after unlock and on backupChanged). */
  load(): Promise<void>;
  /** Adopts a status returned by a backup call (chooseFolder, configure, runNow). */
  apply(status: BackupStatus): void;
  /** Forgets the status (the vault locked). */
  reset(): void;
}

/** What the backup actions need from the app store around them. */
export interface BackupStoreDeps {
  api: TwofoldApi;
  setBackup(patch: Partial<BackupState>): void;
  /** Bumped on every lock; answers to calls made before a lock are dropped. */
  epoch(): number;
}

/** Builds the backup actions over the app store's state. */
export function createBackupActions(deps: BackupStoreDeps): BackupActions {
  let seq = 0;
  return {
    async load() {
      const mine = ++seq;
      const myEpoch = deps.epoch();
      try {
        const status = await deps.api.backup.status({});
        // A newer load, a call's own answer or a lock overtook this one.
        if (mine === seq && myEpoch === deps.epoch()) deps.setBackup({ status, loadError: null });
      } catch (error) {
        // A background read: the Backups section shows why rather than a toast on every change.
        if (mine === seq && myEpoch === deps.epoch()) deps.setBackup({ loadError: errorMessage(error) });
      }
    },

    apply(status) {
      seq += 1;
      deps.setBackup({ status, loadError: null });
    },

    reset() {
      seq += 1;
      deps.setBackup(INITIAL_BACKUP_STATE);
    },
  };
}
