/**
 * What createCore shares with the modules that implement some of its contract groups (import,
 * export, backup). Each module takes a Pick of CoreContext naming exactly what it uses, so its
 * reach into the core shows in its signature; the modules never import core.ts.
 */
import type { AccountBook } from './accounts';
import type { AutoBackup } from './backup/auto-backup';
import type { BackupConfig } from './backup/backup-config';
import type { EnteKeyDeriver } from './import/ente';
import type { ImportSession, ReplaceAccounts } from './import/import-session';
import type { ManagedPolicy } from './policy/policy-schema';
import type { Clipboard, Clock, FileDialogs, ScreenCapture } from './ports';
import type { PushManager } from './push/push-manager';
import type { OpenVault, ScryptParams } from './vault/vault-file';

/** The state of an unlocked vault; it exists only between unlock and lock. */
export interface Unlocked {
  vault: OpenVault;
  book: AccountBook;
  push: PushManager;
  backupConfig: BackupConfig;
  backups: AutoBackup;
  /** The automatic backup the tick started and that has not finished yet. */
  backupRun: Promise<void> | null;
  /** When the accounts last changed in this session (null: not since unlock). */
  changedAt: number | null;
}

/** The core's state and duties that group modules may use. */
export interface CoreContext {
  /** The unlocked vault's state; VAULT_LOCKED while the vault is locked. */
  requireUnlocked(): Unlocked;
  /** Swaps the whole account list and saves once, in turn with every other vault save. */
  replaceAccounts: ReplaceAccounts;
  /** Changes the automatic-backup settings and saves them, in turn with every other vault save; announces backupChanged. */
  saveBackupConfig(change: (current: BackupConfig) => BackupConfig): Promise<void>;
  /** The native save and folder dialogs; DIALOG_UNAVAILABLE where there are none (the CLI). */
  requireDialogs(): FileDialogs;
  /** The import previews of this session; the core forgets them at lock. */
  imports: ImportSession;
  /** The machine's managed policy. */
  policy: ManagedPolicy;
  clock: Clock;
  clipboard: Clipboard;
  /** Receives non-secret diagnostic lines. */
  log: (line: string) => void;
  /** Captures the displays for "scan the screen"; absent where that is impossible (the CLI). */
  screen: ScreenCapture | undefined;
  /** Runs Ente's Argon2id off the main thread; absent, it runs in this thread. */
  deriveEnteKey: EnteKeyDeriver | undefined;
  /** scrypt cost of new backup keys; absent, the backup format's own. */
  backupKdf: Partial<ScryptParams> | undefined;
}
