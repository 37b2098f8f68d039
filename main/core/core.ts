/**
 * The core: everything Twofold does, with no Electron in sight. It implements the API contract
 * method by method over the vault, the account book, the clock and the other ports. The import,
 * export and backup groups are built in their own modules (import/import-handlers.ts,
 * export/export-handlers.ts, backup/backup-handlers.ts) from the CoreContext this file hands them.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  DEFAULT_SETTINGS,
  SettingsSchema,
  type AccountView,
  type AddResult,
  type ApiImplementation,
  type EventName,
  type EventPayload,
  type ImportPreview,
  type OnDuplicate,
  type PolicyView,
  type Settings,
  type UpdateStatus,
  type VaultStatus,
} from '../../common/api-contract';
import { TwofoldError } from '../../common/errors';
import { formatOtpauthUri, parseOtpauthUri, validateOtpParams, type OtpParams } from '../../common/otpauth-uri';
import { AccountBook, StoredAccountSchema, type StoredAccount } from './accounts';
import { createDispatch, type Dispatch } from './api-dispatch';
import { AutoBackup } from './backup/auto-backup';
import { DEFAULT_BACKUP_CONFIG, StoredBackupConfigSchema, type BackupConfig } from './backup/backup-config';
import { toBackupAccount } from './backup/backup-format';
import { createBackupHandlers, flushBackup, tickBackups } from './backup/backup-handlers';
import { decodeBase64Image } from './base64-input';
import type { CoreContext, Unlocked } from './core-context';
import { describeIoError } from './core-messages';
import { parseAccelerator } from './desktop/accelerator';
import { parseDeepLink } from './desktop/deep-link';
import { DesktopSettingsApplier } from './desktop/desktop-settings';
import type { TrayAccount, TrayState, TrayVaultState } from './desktop/tray-model';
import { createExportHandlers } from './export/export-handlers';
import { deriveEnteKeyInWorker } from './import/ente-kdf-worker';
import { createImportHandlers } from './import/import-handlers';
import { formatName } from './import/import-registry';
import { ImportSession } from './import/import-session';
import { parseLinks } from './import/uri-list';
import {
  applyPolicyToSettings,
  checkIssuerAllowed,
  checkPlainExportAllowed,
  checkPushServer,
  checkSettingsUpdate,
  checkUpdatesAllowed,
  checkVaultSlots,
  effectiveUpdateConfig,
} from './policy/policy-merge';
import { applyImportPolicy, checkEnrollmentServer, policyRefusal } from './policy/policy-refusals';
import { NO_POLICY, type ManagedPolicy } from './policy/policy-schema';
import type { Clipboard, Clock, DesktopIntegration, FileDialogs, Keychain, ScreenCapture, SettingsStore, Updater } from './ports';
import { decodeQrImage } from './qr-image';
import { VaultFile, type OpenVault, type ScryptParams } from './vault/vault-file';
import { EMPTY_PUSH_STATE, PushManager, PushVaultStateSchema, type PushManagerDeps, type PushVaultState } from './push/push-manager';

/** Why the vault was locked. */
export type LockReason = EventPayload<'vaultLocked'>['reason'];

/** What the core needs from the outside world. */
export interface CoreDeps {
  /** Folder holding vault.json and its previous copy. */
  vaultDir: string;
  keychain: Keychain;
  clock: Clock;
  clipboard: Clipboard;
  settings: SettingsStore;
  /** Receives non-secret diagnostic lines. */
  log?: (line: string) => void;
  /** Passphrase KDF parameters for new vaults; defaults to the vault's own default. */
  kdf?: ScryptParams;
  /** The name this device registers under at push servers. */
  deviceName?: string;
  /** Push connection tuning (tests shorten the backoff). */
  pushOptions?: Pick<PushManagerDeps, 'backoff' | 'heartbeatTimeoutMs'>;
  /** Captures the displays for "scan the screen"; absent where that is impossible (the CLI). */
  screen?: ScreenCapture;
  /** Native save and folder dialogs for exports and the backup folder; absent in the CLI. */
  dialogs?: FileDialogs;
  /** scrypt cost of new backup keys; defaults to the backup format's own (N = 2^17). Tests lower it. */
  backupKdf?: Partial<ScryptParams>;
  /** Automatic-backup timing: wait after a change, and the longest gap between backups. */
  backupTiming?: { debounceMs?: number; intervalMs?: number };
  /**
   * The bundled Ente key-derivation thread script (dist/main/ente-kdf-thread.cjs). The app sets it so
   * Argon2id runs off the main thread; without it (CLI, tests) the derivation runs in this thread.
   */
  enteKdfThread?: string;
  /** The machine's managed policy and the problems met reading it; defaults to no policy. */
  policy?: { policy: ManagedPolicy; problems: string[] };
  /** The Node platform name, for checking the global shortcut; defaults to this process's. */
  platform?: string;
  /** The app updater; absent (CLI, development builds) means updates are off. */
  updater?: Updater;
  /** The global shortcut, login item and tray behaviour that settings switch; absent in the CLI. */
  desktop?: DesktopIntegration;
}

/** The running core. */
export interface Core {
  /** One method per contract call. */
  api: ApiImplementation;
  /** Parses input and calls `api` by channel; what IPC and the test bridge use. */
  dispatch: Dispatch;
  /** Runs time-based duties (auto-lock, clipboard clearing, undo expiry). Call about once a second. */
  tick(): void;
  /** Locks the vault now, forgetting all secrets held in memory. */
  lock(reason: LockReason): Promise<void>;
  /** Subscribes to events meant for the renderer. */
  onEvent(listener: (name: EventName, payload: unknown) => void): () => void;
  /** Resolves once every push account has made its first connection and poll attempt. */
  pushSynced(): Promise<void>;
  /** Locks and releases everything. */
  close(): Promise<void>;
  /**
   * Opens a deep link (otpauth://, twofold://enroll) as an import preview and announces it with the
   * linkOpened event; a link Twofold can't use is announced as refused. VAULT_LOCKED while locked, so
   * main keeps the link until unlock. The link is never logged.
   */
  openLink(raw: string): Promise<void>;
  /** Announces a link main refused before it reached the core (linkOpened, status 'refused'). */
  refuseLink(reason: string): void;
  /** What the tray shows now: cheap enough to call every second. Codes only while unlocked. */
  trayState(): TrayState;
  /** Copies an account's current code from the tray, as codes.copy does. */
  trayCopy(accountId: string): Promise<{ clearAfterSeconds: number }>;
  /** Applies the desktop settings through the DesktopIntegration port, once at start-up; saves apply their own changes. */
  applyDesktopSettings(): void;
}

/** How long a deleted account can be brought back. */
export const UNDO_SECONDS = 10;

// Version 1 held code accounts only; version 2 adds push sign-in accounts; version 3 adds the
// automatic-backup settings and key. All are read; 3 is written.
const PayloadSchema = z.discriminatedUnion('version', [
  z.object({ version: z.literal(1), accounts: z.array(StoredAccountSchema) }),
  z.object({ version: z.literal(2), accounts: z.array(StoredAccountSchema), push: PushVaultStateSchema }),
  z.object({
    version: z.literal(3),
    accounts: z.array(StoredAccountSchema),
    push: PushVaultStateSchema,
    backup: StoredBackupConfigSchema,
  }),
]);

interface DecodedPayload {
  accounts: StoredAccount[];
  push: PushVaultState;
  backup: BackupConfig;
}

interface PendingUndo {
  removed: { account: StoredAccount; index: number };
  expiresAt: number;
}

/** Builds the core from its ports. Nothing is read from disk until the first call. */
export function createCore(deps: CoreDeps): Core {
  const { clock, clipboard, keychain } = deps;
  const log = deps.log ?? (() => {});
  const policy = deps.policy?.policy ?? NO_POLICY;
  const policyProblems = [...(deps.policy?.problems ?? [])];
  const platform = deps.platform ?? process.platform;
  const { updater } = deps;
  const desktopSettings = new DesktopSettingsApplier(deps.desktop);
  const vaultFile = new VaultFile(
    deps.kdf ? { dir: deps.vaultDir, keychain, clock, kdf: deps.kdf } : { dir: deps.vaultDir, keychain, clock },
  );
  const listeners = new Set<(name: EventName, payload: unknown) => void>();
  const undo = new Map<string, PendingUndo>();
  // Scans added to a preview are read again through the policy, like the first one.
  const imports = new ImportSession({
    clock,
    newId: () => randomUUID(),
    parseLinks: (lines) => applyImportPolicy(policy, parseLinks(lines)),
    formatName,
  });
  let unlocked: Unlocked | null = null;
  // The tray asks every second and can't wait for the vault files to be inspected: the state last seen.
  let lastVaultState: TrayVaultState = 'locked';
  let lastActivity = clock.now();
  let pendingClear: { text: string; at: number } | null = null;
  // Serialises vault-changing work so two quick edits can't interleave their saves.
  let queue: Promise<unknown> = Promise.resolve();

  function emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const listener of listeners) listener(name, payload);
  }

  // The updater reports progress (downloading, ready) on its own; the window re-reads the status.
  updater?.onChange(() => emit('updateChanged', {}));

  function serial<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  }

  // Settings are read from the store once and then kept: the tick, every codes.get and every push
  // verification need them, and electron-store reads and parses its file on each access.
  let settings: Settings | null = null;

  function readSettings(): Settings {
    if (settings) return settings;
    const stored = deps.settings.read();
    const merged = { ...DEFAULT_SETTINGS, ...(typeof stored === 'object' && stored !== null ? stored : {}) };
    const parsed = SettingsSchema.safeParse(merged);
    if (parsed.success) {
      settings = parsed.data;
    } else {
      // A hand-edited settings file must not take the app down or be overwritten: use defaults for this run.
      log(`settings: stored settings are invalid (${parsed.error.issues[0]?.path.join('.') ?? '?'}); using defaults until they are saved again`);
      settings = { ...DEFAULT_SETTINGS };
    }
    return settings;
  }

  /** The settings the app runs with: the user's, bounded by the machine policy (never stored). */
  function effectiveSettings(): Settings {
    return applyPolicyToSettings(readSettings(), policy).settings;
  }

  function now(): number {
    return clock.now() + readSettings().timeOffsetSeconds * 1000;
  }

  function requireUnlocked(): Unlocked {
    if (!unlocked) throw new TwofoldError('VAULT_LOCKED', 'The vault is locked. Unlock it first.');
    return unlocked;
  }

  function requireDialogs(): FileDialogs {
    if (!deps.dialogs) throw new TwofoldError('DIALOG_UNAVAILABLE', 'Choosing a file or folder is not available here.');
    return deps.dialogs;
  }

  function encodePayload(accounts: StoredAccount[], push: PushVaultState, backup: BackupConfig): Uint8Array {
    const storedBackup = {
      enabled: backup.enabled,
      folder: backup.folder,
      keep: backup.keep,
      key: backup.key ? { kdf: { ...backup.key.kdf }, key: Buffer.from(backup.key.key).toString('base64') } : null,
    };
    return new TextEncoder().encode(JSON.stringify({ version: 3, accounts, push, backup: storedBackup }));
  }

  /** The payload of an unlocked vault as it is now. */
  function payloadOf(state: Unlocked, push: PushVaultState = state.push.state()): Uint8Array {
    return encodePayload(state.book.list(), push, state.backupConfig);
  }

  function decodePayload(bytes: Uint8Array): DecodedPayload {
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    } catch {
      throw new TwofoldError('VAULT_CORRUPT', 'The vault decrypted, but its contents are not valid. Restore the previous copy.');
    }
    const parsed = PayloadSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TwofoldError(
        'VAULT_CORRUPT',
        `The vault decrypted, but its contents are not valid (${issue?.path.join('.') || 'payload'}: ${issue?.message ?? 'invalid'}). Restore the previous copy.`,
      );
    }
    const data = parsed.data;
    return {
      accounts: data.accounts as StoredAccount[],
      push: data.version === 1 ? EMPTY_PUSH_STATE : (data.push as PushVaultState),
      backup: data.version === 3 ? data.backup : { ...DEFAULT_BACKUP_CONFIG },
    };
  }

  function open(vault: OpenVault): void {
    let decoded: DecodedPayload;
    try {
      decoded = decodePayload(vault.payload);
    } catch (error) {
      vault.close();
      throw error;
    }
    const book = new AccountBook(decoded.accounts, { newId: () => randomUUID() });
    const state: Unlocked = {
      vault,
      book,
      push: undefined as unknown as PushManager,
      backupConfig: decoded.backup,
      backups: undefined as unknown as AutoBackup,
      backupRun: null,
      changedAt: null,
    };
    state.backups = new AutoBackup({
      clock,
      log,
      // Reads the book of this unlock only: a backup never sees another session's accounts.
      readAccounts: () => state.book.list().map(toBackupAccount),
      config: () => state.backupConfig,
      onChanged: () => emit('backupChanged', {}),
      ...deps.backupTiming,
    });
    state.push = new PushManager(decoded.push, {
      // The user's time offset corrects a wrong machine clock for signed timestamps too.
      clock: { now },
      log,
      deviceName: deps.deviceName ?? 'Twofold',
      ...deps.pushOptions,
      // The vault queues saves in call order; each save writes the accounts and push state as they are now.
      persist: (push) => vault.save(payloadOf(state, push)),
      onRequest: (view) => emit('pushRequest', view),
      onChanged: () => emit('pushChanged', {}),
      allowServer: (origin) => policyRefusal(() => checkPushServer(policy, origin, 'connect')),
    });
    unlocked = state;
    lastVaultState = 'unlocked';
    lastActivity = clock.now();
    state.push.start();
  }

  /** Applies a change to the account book and saves it; on a failed save the book goes back as it was. */
  function mutate<T>(change: (book: AccountBook) => T): Promise<T> {
    return serial(async () => {
      const state = requireUnlocked();
      const before = state.book.list().map((a) => ({ ...a }));
      const result = change(state.book);
      try {
        await state.vault.save(payloadOf(state));
      } catch (error) {
        state.book = new AccountBook(before, { newId: () => randomUUID() });
        throw saveFailed(error);
      }
      accountsSaved(state);
      return result;
    });
  }

  /**
   * Swaps the whole account list for what `change` makes of it and saves once (large imports,
   * which would scan the book once per entry through AccountBook.add); on a failed save the old
   * book stays.
   */
  function replaceAccounts<T>(change: (accounts: StoredAccount[]) => { accounts: StoredAccount[]; result: T }): Promise<T> {
    return serial(async () => {
      const state = requireUnlocked();
      const before = state.book;
      const { accounts, result } = change(before.list());
      state.book = new AccountBook(accounts, { newId: () => randomUUID() });
      try {
        await state.vault.save(payloadOf(state));
      } catch (error) {
        state.book = before;
        throw saveFailed(error);
      }
      accountsSaved(state);
      return result;
    });
  }

  function accountsSaved(state: Unlocked): void {
    emit('accountsChanged', {});
    // The automatic backup follows account changes only; it waits for the debounce itself.
    state.changedAt = clock.now();
    state.backups.noteChange();
  }

  /** Changes the automatic-backup settings and saves them through the same serial vault save. */
  function saveBackupConfig(change: (current: BackupConfig) => BackupConfig): Promise<void> {
    return serial(async () => {
      const state = requireUnlocked();
      const before = state.backupConfig;
      state.backupConfig = change(before);
      try {
        await state.vault.save(payloadOf(state));
      } catch (error) {
        state.backupConfig = before;
        throw saveFailed(error);
      }
      emit('backupChanged', {});
    });
  }

  async function status(): Promise<VaultStatus> {
    const keychainStatus = keychain.status();
    const osSlot = keychainStatus.available
      ? { available: true, reason: null }
      : { available: false, reason: keychainStatus.reason };
    if (unlocked) {
      lastVaultState = 'unlocked';
      return { state: 'unlocked', slots: [...unlocked.vault.slots], osSlot, damage: null };
    }
    const inspection = await vaultFile.inspect();
    // Read again after the await: the vault may have been unlocked meanwhile.
    if (!unlocked) lastVaultState = inspection.state === 'present' ? 'locked' : inspection.state;
    switch (inspection.state) {
      case 'absent':
        return { state: 'absent', slots: [], osSlot, damage: null };
      case 'present':
        return { state: 'locked', slots: [...inspection.slots], osSlot, damage: null };
      case 'damaged':
        return {
          state: 'damaged',
          slots: [],
          osSlot,
          damage: {
            code: inspection.error.code,
            message: inspection.error.message,
            previousCopyAvailable: inspection.previousCopyAvailable,
          },
        };
    }
  }

  async function lock(reason: LockReason): Promise<void> {
    await serial(async () => {
      if (!unlocked) return;
      const closing = unlocked;
      unlocked = null;
      lastVaultState = 'locked';
      // Previews hold imported secrets: they go with the vault.
      imports.clear();
      // Stop listening first: the device keys live in the vault and go with it.
      await closing.push.stop();
      // A backup being written finishes first, so no half-written file is left behind.
      await closing.backupRun;
      await flushBackup(closing, log);
      closing.vault.close();
      // Like the vault key, the backup key is zero-filled rather than left for the garbage collector.
      closing.backupConfig.key?.key.fill(0);
      undo.clear();
      // A code left on the clipboard outlives the lock otherwise.
      clearClipboardIfOurs();
      log(`vault locked (${reason})`);
      emit('vaultLocked', { reason });
    });
  }

  function clearClipboardIfOurs(): void {
    if (!pendingClear) return;
    const { text } = pendingClear;
    pendingClear = null;
    if (clipboard.readText() === text) {
      clipboard.writeText('');
      emit('clipboardCleared', {});
    }
  }

  async function addParams(
    params: OtpParams,
    onDuplicate: OnDuplicate,
    extra: { color?: string | null } = {},
  ): Promise<AddResult> {
    const state = requireUnlocked();
    // Every way of adding one account (link, image, clipboard, form) passes here.
    checkIssuerAllowed(policy, params.issuer);
    // 'ask' and 'skip' change nothing when there is a duplicate, so nothing needs saving.
    if ((onDuplicate === 'ask' || onDuplicate === 'skip') && state.book.findDuplicate(params)) {
      return state.book.add(params, { onDuplicate, color: extra.color ?? null });
    }
    return mutate((book) => book.add(params, { onDuplicate, color: extra.color ?? null }));
  }

  async function addFromQrBytes(bytes: Uint8Array, onDuplicate: OnDuplicate): Promise<AddResult> {
    requireUnlocked();
    const texts = await decodeQrImage(bytes);
    const uri = texts.find((t) => t.toLowerCase().startsWith('otpauth://'));
    if (!uri) {
      const enrollment = texts.some((t) => t.toLowerCase().startsWith('twofold://enroll?'));
      throw new TwofoldError(
        'URI_INVALID',
        enrollment
          ? 'This QR code enrolls Twofold for push sign-in. Use the "Push sign-in" tab instead.'
          : 'The QR code does not hold an otpauth:// account link.',
        'image',
      );
    }
    return addParams(parseOtpauthUri(uri), onDuplicate);
  }

  function copyCode(id: string): { clearAfterSeconds: number } {
    const state = requireUnlocked();
    const [view] = state.book.codes([id], now());
    if (!view) throw new TwofoldError('ACCOUNT_NOT_FOUND', 'That account no longer exists.');
    clipboard.writeText(view.code);
    const seconds = readSettings().clipboardClearSeconds;
    pendingClear = seconds > 0 ? { text: view.code, at: clock.now() + seconds * 1000 } : null;
    return { clearAfterSeconds: seconds };
  }

  function trayState(): TrayState {
    const state = unlocked;
    if (!state) return { vault: lastVaultState, pinned: [], pendingRequests: 0 };
    const pinned = state.book.list().filter((account) => account.pinned);
    const codes = new Map(state.book.codes(pinned.map((account) => account.id), now()).map((code) => [code.id, code]));
    const accounts: TrayAccount[] = [];
    for (const account of pinned) {
      const code = codes.get(account.id);
      if (code) accounts.push({ id: account.id, issuer: account.issuer, label: account.label, code: code.code, secondsLeft: code.secondsLeft });
    }
    return { vault: 'unlocked', pinned: accounts, pendingRequests: state.push.pending().length };
  }

  async function openLink(raw: string): Promise<void> {
    const link = parseDeepLink(raw);
    if (!link.ok) {
      emit('linkOpened', { status: 'refused', message: link.reason });
      return;
    }
    requireUnlocked();
    let shown: ImportPreview;
    try {
      // Read as pasted text: the same preview, policy checks and confirm as any other import.
      shown = await importHandlers.preview({ source: { kind: 'text', text: link.value.link.reveal() }, passphrase: null, addTo: null });
    } catch (error) {
      // Locked meanwhile: main keeps the link until unlock. Other errors name the problem, never the link.
      if (!(error instanceof TwofoldError) || error.code === 'VAULT_LOCKED') throw error;
      emit('linkOpened', { status: 'refused', message: error.message });
      return;
    }
    emit('linkOpened', { status: 'preview', preview: shown });
  }

  function policyView(): PolicyView {
    const list = (allow: ManagedPolicy['allowedIssuers']): string[] | null => (allow === null ? null : [...allow.entries]);
    return {
      managed: policy.sources.length > 0,
      sources: [...policy.sources],
      problems: [...policyProblems],
      managedSettings: applyPolicyToSettings(readSettings(), policy).managed,
      maxAutoLockMinutes: policy.maxAutoLockMinutes,
      requirePassphrase: policy.requirePassphrase,
      disablePlainExport: policy.disablePlainExport,
      // An allowlist that could not be read allows nothing: an empty list.
      allowedIssuers: list(policy.allowedIssuers),
      allowedPushServers: list(policy.allowedPushServers),
      // The fingerprint stays in main: the renderer only names the server.
      enrollmentServer: policy.enrollmentServer ? { name: policy.enrollmentServer.name, url: policy.enrollmentServer.url } : null,
    };
  }

  function updateStatus(): UpdateStatus {
    const current = updater?.status() ?? null;
    const config = effectiveUpdateConfig(policy, { enabled: current !== null, channel: current?.channel ?? 'stable', url: '' });
    const managed = config.managed.length > 0;
    if (policy.updates.disabled) {
      return { state: 'disabled', message: UPDATES_OFF_BY_POLICY, version: null, channel: config.channel, managed };
    }
    if (current === null) return { state: 'disabled', message: UPDATES_UNAVAILABLE, version: null, channel: config.channel, managed };
    return { ...current, channel: config.channel, managed: managed || current.managed };
  }

  const context: CoreContext = {
    requireUnlocked,
    replaceAccounts,
    saveBackupConfig,
    requireDialogs,
    imports,
    policy,
    clock,
    clipboard,
    log,
    screen: deps.screen,
    deriveEnteKey: deps.enteKdfThread ? deriveEnteKeyInWorker(deps.enteKdfThread) : undefined,
    backupKdf: deps.backupKdf,
  };
  // Held by name as well: openLink previews a link through it.
  const importHandlers = createImportHandlers(context);

  const api: ApiImplementation = {
    vault: {
      status: () => status(),
      create: async ({ passphrase, useOsSlot }) => {
        checkVaultSlots(policy, { passphrase, useOsSlot });
        await serial(async () => {
          const vault = await vaultFile.create(encodePayload([], EMPTY_PUSH_STATE, DEFAULT_BACKUP_CONFIG), { passphrase, useOsSlot });
          open(vault);
        });
        return status();
      },
      unlock: async ({ passphrase }) => {
        await serial(async () => {
          if (unlocked) return;
          open(await vaultFile.unlockWithPassphrase(passphrase));
        });
        return status();
      },
      unlockWithOs: async () => {
        await serial(async () => {
          if (unlocked) return;
          open(await vaultFile.unlockWithOs());
        });
        return status();
      },
      lock: async () => {
        await lock('manual');
        return status();
      },
      changePassphrase: async ({ current, next }) => {
        await serial(() => requireUnlocked().vault.changePassphrase(current, next));
        return status();
      },
      restorePrevious: async () => {
        await serial(async () => {
          if (unlocked) throw new TwofoldError('INPUT_INVALID', 'Lock the vault before restoring the previous copy.');
          await vaultFile.restorePrevious();
        });
        return status();
      },
      setAsideDamaged: async () => {
        await serial(async () => {
          const kept = await vaultFile.setAsideDamaged();
          log(`damaged vault set aside (${kept.length} file(s) kept)`);
        });
        return status();
      },
    },
    accounts: {
      list: async ({ query }) => requireUnlocked().book.view(query),
      addFromUri: ({ uri, onDuplicate }) => {
        requireUnlocked();
        return addParams(parseOtpauthUri(uri.trim()), onDuplicate);
      },
      addFromImage: ({ imageBase64, onDuplicate }) => {
        requireUnlocked();
        return addFromQrBytes(decodeBase64Image(imageBase64), onDuplicate);
      },
      addFromClipboardImage: ({ onDuplicate }) => {
        requireUnlocked();
        const png = clipboard.readImagePng();
        if (!png) throw new TwofoldError('QR_IMAGE_INVALID', 'The clipboard holds no image. Copy a QR code image first.');
        return addFromQrBytes(png, onDuplicate);
      },
      addManual: ({ onDuplicate, color, ...fields }) => {
        requireUnlocked();
        return addParams(validateOtpParams(fields), onDuplicate, { color });
      },
      update: ({ id, ...patch }) => {
        // Renaming an account to another issuer would get round the issuer allowlist.
        if (patch.issuer !== undefined && patch.issuer !== requireUnlocked().book.get(id).issuer) checkIssuerAllowed(policy, patch.issuer);
        return mutate((book) => book.update(id, patch));
      },
      remove: async ({ id }) => {
        const removed = await mutate((book) => book.remove(id));
        const undoToken = randomUUID();
        undo.set(undoToken, { removed, expiresAt: clock.now() + UNDO_SECONDS * 1000 });
        return { undoToken, undoSeconds: UNDO_SECONDS };
      },
      undoRemove: async ({ undoToken }): Promise<AccountView> => {
        const pending = undo.get(undoToken);
        if (!pending || pending.expiresAt <= clock.now()) {
          undo.delete(undoToken);
          throw new TwofoldError('UNDO_EXPIRED', 'This deletion can no longer be undone.');
        }
        const view = await mutate((book) => book.restore(pending.removed));
        undo.delete(undoToken);
        return view;
      },
      reorder: async ({ ids }) => {
        await mutate((book) => book.reorder(ids));
        return requireUnlocked().book.view('');
      },
      revealSecret: async ({ id }) => {
        checkPlainExportAllowed(policy);
        const account = requireUnlocked().book.get(id);
        log('secret revealed after confirmation');
        return { secret: account.secret, uri: formatOtpauthUri(account) };
      },
    },
    codes: {
      get: async ({ ids }) => {
        const at = now();
        return { now: at, items: requireUnlocked().book.codes(ids, at) };
      },
      copy: async ({ id }) => copyCode(id),
      nextHotp: ({ id }) => mutate((book) => book.nextHotp(id)),
    },
    push: {
      enroll: ({ uri }) => {
        const state = requireUnlocked();
        checkEnrollmentServer(policy, uri);
        return state.push.enroll(uri);
      },
      enrollFromImage: async ({ imageBase64 }) => {
        requireUnlocked();
        const texts = await decodeQrImage(decodeBase64Image(imageBase64));
        const uri = texts.find((t) => t.toLowerCase().startsWith('twofold://enroll?'));
        if (!uri) throw new TwofoldError('ENROLL_URI_INVALID', 'The QR code does not hold a Twofold enrollment link.', 'image');
        checkEnrollmentServer(policy, uri);
        // Checked again: the vault may have locked while the image was read.
        return requireUnlocked().push.enroll(uri);
      },
      accounts: async () => requireUnlocked().push.accounts(),
      remove: async ({ id }) => {
        await requireUnlocked().push.remove(id);
        return {};
      },
      pending: async () => requireUnlocked().push.pending(),
      decide: (input) => requireUnlocked().push.decide(input),
      history: async () => requireUnlocked().push.history(),
    },
    import: importHandlers,
    export: createExportHandlers(context),
    backup: createBackupHandlers(context),
    settings: {
      get: async () => effectiveSettings(),
      update: async (patch) => {
        // IPC keeps keys whose value is undefined (an empty form field); they mean "leave as is".
        const defined: Partial<Settings> = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
        const { settings: before, managed } = applyPolicyToSettings(readSettings(), policy);
        // A form sends back the value it was shown; for a managed setting that is the policy's bound,
        // which must not replace the user's own choice (it comes back if the policy is lifted).
        for (const name of managed) if (defined[name] === before[name]) delete defined[name];
        checkSettingsUpdate(policy, defined);
        if (defined.quickSearchShortcut !== undefined) defined.quickSearchShortcut = checkShortcut(defined.quickSearchShortcut, platform);
        const next = SettingsSchema.parse({ ...readSettings(), ...defined });
        const after = applyPolicyToSettings(next, policy).settings;
        // The OS has the last word on a global shortcut: one it refuses is not saved.
        const undoDesktop = desktopSettings.beforeSave(before, after);
        try {
          deps.settings.write(next);
        } catch (error) {
          undoDesktop();
          throw error;
        }
        settings = next;
        desktopSettings.afterSave(before, after);
        return after;
      },
      desktopProblems: async () => desktopSettings.current(),
    },
    app: {
      activity: async () => ({}),
      policy: async () => policyView(),
    },
    updates: {
      status: async () => updateStatus(),
      check: async () => {
        checkUpdatesAllowed(policy);
        // Without an updater there is nothing to check: the status says why.
        if (updater) await updater.check();
        return updateStatus();
      },
      restart: async () => {
        checkUpdatesAllowed(policy);
        if (!updater || updateStatus().state !== 'ready') {
          throw new TwofoldError('INPUT_INVALID', 'No update is ready to install yet. Wait until it has downloaded, then restart.');
        }
        log('restarting to install an update');
        updater.restart();
        return {};
      },
    },
  };

  const dispatch = createDispatch(api, {
    onActivity: () => {
      lastActivity = clock.now();
    },
    onUnexpectedError: (error, channel) => log(`${channel} failed: ${describeIoError(error)}`),
  });

  return {
    api,
    dispatch,
    tick() {
      const t = clock.now();
      if (pendingClear && t >= pendingClear.at) clearClipboardIfOurs();
      for (const [token, pending] of undo) if (pending.expiresAt <= t) undo.delete(token);
      imports.sweep();
      // The effective minutes: a policy bound shortens the user's own choice.
      if (unlocked && t - lastActivity >= effectiveSettings().autoLockMinutes * 60_000) {
        void lock('idle');
        return;
      }
      if (unlocked) tickBackups(unlocked, log);
    },
    lock,
    pushSynced: () => (unlocked ? unlocked.push.synced() : Promise.resolve()),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      await lock('manual');
      listeners.clear();
    },
    openLink,
    refuseLink(reason) {
      emit('linkOpened', { status: 'refused', message: reason });
    },
    trayState,
    trayCopy: async (accountId) => copyCode(accountId),
    applyDesktopSettings: () => desktopSettings.applyAll(effectiveSettings()),
  };
}

const UPDATES_OFF_BY_POLICY = 'Your organisation has turned updates off on this computer. Ask your IT department for the latest version.';
const UPDATES_UNAVAILABLE = 'Updates are not available in this build.';

/** The quick-search shortcut in its canonical spelling ('' turns it off); INPUT_INVALID saying what to fix. */
function checkShortcut(text: string, platform: string): string {
  if (text.trim() === '') return '';
  const parsed = parseAccelerator(text, platform);
  if (!parsed.ok) throw new TwofoldError('INPUT_INVALID', parsed.message, 'quickSearchShortcut');
  return parsed.text;
}

function saveFailed(error: unknown): TwofoldError {
  return error instanceof TwofoldError
    ? error
    : new TwofoldError('INTERNAL', `The vault could not be saved (${describeIoError(error)}). Nothing was changed.`);
}
