/**
 * The core: everything Twofold does, with no Electron in sight. It implements the API contract
 * method by method over the vault, the account book, the clock and the other ports.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { basename, isAbsolute, join } from 'node:path';
import { z } from 'zod';
import {
  DEFAULT_SETTINGS,
  SettingsSchema,
  type AccountView,
  type AddResult,
  type ApiImplementation,
  type BackupStatus,
  type EventName,
  type EventPayload,
  type ExportResult,
  type ImportPreview,
  type ImportSource,
  type OnDuplicate,
  type PolicyView,
  type Settings,
  type UpdateStatus,
  type VaultStatus,
} from '../../common/api-contract';
import { TwofoldError } from '../../common/errors';
import { formatOtpauthUri, parseOtpauthUri, validateOtpParams, type OtpParams } from '../../common/otpauth-uri';
import { parseEnrollmentUri } from '../../common/push-protocol';
import { AccountBook, StoredAccountSchema, type StoredAccount } from './accounts';
import { createDispatch, type Dispatch } from './api-dispatch';
import { AutoBackup } from './backup/auto-backup';
import { deriveBackupKey, encodeBackup, toBackupAccount, type BackupKey } from './backup/backup-format';
import { parseAccelerator } from './desktop/accelerator';
import { parseDeepLink } from './desktop/deep-link';
import { DesktopSettingsApplier } from './desktop/desktop-settings';
import type { TrayAccount, TrayState, TrayVaultState } from './desktop/tray-model';
import { accountQrDataUrl, migrationQrDataUrls } from './export/qr-export';
import { formatUriList } from './export/uri-list-export';
import { deriveEnteKeyInWorker } from './import/ente-kdf-worker';
import { checkImportSize, detectImporter, formatName, importInput, readImport, unknownFormat } from './import/import-registry';
import { ImportSession, type PreviewSource } from './import/import-session';
import type { ParsedImport } from './import/import-types';
import { migrationIncompatibility } from './import/google-migration';
import { parseTwofoldBackup } from './import/twofold-backup';
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
import { NO_POLICY, type ManagedPolicy } from './policy/policy-schema';
import type { Clipboard, Clock, DesktopIntegration, FileDialogs, FileFilter, Keychain, ScreenCapture, SettingsStore, Updater } from './ports';
import { decodeAllQrCodes, decodeQrImage } from './qr-image';
import { replaceFiles } from './vault/atomic-write';
import { decodeStrictBase64 } from './vault/vault-format';
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
/** Seconds of the TOTP period during which the next code is shown too. */
export const NEXT_CODE_WINDOW_SECONDS = 5;

/** How many automatic backups are kept unless the user says otherwise. */
export const DEFAULT_BACKUP_KEEP = 10;

/** The automatic-backup settings kept inside the encrypted vault (the key must never be stored elsewhere). */
export interface BackupConfig {
  enabled: boolean;
  folder: string | null;
  keep: number;
  /** The key derived from the backup passphrase; with it, backups run without asking for the passphrase. */
  key: BackupKey | null;
}

const DEFAULT_BACKUP_CONFIG: BackupConfig = Object.freeze({ enabled: false, folder: null, keep: DEFAULT_BACKUP_KEEP, key: null });

const StoredBackupKeySchema = z
  .object({
    kdf: z.object({
      N: z.number().int().positive(),
      r: z.number().int().positive(),
      p: z.number().int().positive(),
      salt: z.string().max(1024),
    }),
    key: z.string().max(1024),
  })
  .transform((stored, ctx): BackupKey => {
    const key = decodeStrictBase64(stored.key);
    if (!key || key.length !== 32) {
      ctx.addIssue({ code: 'custom', path: ['key'], message: 'is not a 32-byte base64 key' });
      return z.NEVER;
    }
    return { kdf: { ...stored.kdf }, key };
  });

const StoredBackupConfigSchema = z.object({
  enabled: z.boolean(),
  folder: z.string().min(1).max(4096).nullable(),
  keep: z.number().int().min(1).max(100),
  key: StoredBackupKeySchema.nullable(),
});

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

interface Unlocked {
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
  const enteKdf = deps.enteKdfThread ? { deriveEnteKey: deriveEnteKeyInWorker(deps.enteKdfThread) } : {};
  const vaultFile = new VaultFile(
    deps.kdf ? { dir: deps.vaultDir, keychain, clock, kdf: deps.kdf } : { dir: deps.vaultDir, keychain, clock },
  );
  const listeners = new Set<(name: EventName, payload: unknown) => void>();
  const undo = new Map<string, PendingUndo>();
  // Scans added to a preview are read again through the policy, like the first one.
  const imports = new ImportSession({ clock, newId: () => randomUUID(), parseLinks: (lines) => applyImportPolicy(parseLinks(lines)), formatName });
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
      await flushBackup(closing);
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

  /** Reads an import source into accounts (and, for QR codes and links, the links themselves). */
  async function readSource(source: ImportSource, passphrase: string | null, state: Unlocked): Promise<PreviewSource> {
    switch (source.kind) {
      case 'file': {
        const input = importInput(decodeBase64File(source.dataBase64), { fileName: source.name, passphrase });
        const importer = detectImporter(input);
        // A file of links is read as pasted links are, so more scans can be added to it later.
        if (importer && isLinkFormat(importer.format) && input.text !== null) return linksSource(splitLines(input.text));
        return { parsed: await readImport(input, { backupKey: state.backupConfig.key, ...enteKdf }), lines: null };
      }
      case 'text': {
        const input = importInput(new TextEncoder().encode(source.text), { fileName: null, passphrase });
        const importer = detectImporter(input);
        // Pasted JSON of another app is read as that app's export; anything else as links.
        if (importer && !isLinkFormat(importer.format)) {
          return { parsed: await readImport(input, { backupKey: state.backupConfig.key, ...enteKdf }), lines: null };
        }
        const lines = splitLines(input.text ?? '');
        if (!lines.some(isLink)) throw unknownFormat(input);
        return linksSource(lines);
      }
      case 'images': {
        const texts: string[] = [];
        for (const [i, base64] of source.imagesBase64.entries()) {
          const prefix = source.imagesBase64.length > 1 ? `Image ${i + 1}: ` : '';
          texts.push(...(await withPrefix(prefix, () => decodeAllQrCodes(decodeBase64Image(base64)))));
        }
        const plural = source.imagesBase64.length > 1;
        return linksFromQr(texts, {
          none: `No QR code was found in the ${plural ? 'images' : 'image'}. Use a sharper, uncropped image of the code.`,
          noLinks: `No QR code in the ${plural ? 'images' : 'image'} holds an account or enrollment link.`,
        });
      }
      case 'clipboard-image': {
        const png = clipboard.readImagePng();
        if (!png) throw new TwofoldError('QR_IMAGE_INVALID', 'The clipboard holds no image. Copy a QR code image first.');
        return linksFromQr(await decodeAllQrCodes(png), {
          none: 'No QR code was found in the image on the clipboard.',
          noLinks: 'The QR code on the clipboard holds no account or enrollment link.',
        });
      }
      case 'screen': {
        if (!deps.screen) {
          throw new TwofoldError('SCREEN_CAPTURE_UNAVAILABLE', 'Scanning the screen is not available here. Import an image or a file instead.');
        }
        let displays: Uint8Array[];
        try {
          displays = await deps.screen.captureDisplays();
        } catch (error) {
          if (error instanceof TwofoldError) throw error;
          throw new TwofoldError(
            'SCREEN_CAPTURE_UNAVAILABLE',
            `The screen could not be captured (${describeIoError(error)}). Allow Twofold to record the screen in your system settings, or import an image instead.`,
          );
        }
        const texts = (await Promise.all(displays.map((png) => decodeAllQrCodes(png)))).flat();
        return linksFromQr(texts, {
          none: 'No QR code was found on your screen. Show the code on screen and try again.',
          noLinks: 'The QR codes on your screen hold no account or enrollment link. Show the code on screen and try again.',
        });
      }
      case 'backup': {
        const bytes = await state.backups.readBackup(source.name);
        const input = importInput(bytes, { fileName: source.name, passphrase });
        // The stored key opens the user's own backups; a passphrase covers those made before it changed.
        return { parsed: await parseTwofoldBackup(input, state.backupConfig.key), lines: null };
      }
    }
  }

  /**
   * Moves the entries the policy does not allow (code accounts of other issuers, enrollments with
   * other push servers) into the preview's errors, with the policy's reason: never silently dropped.
   */
  function applyImportPolicy(parsed: ParsedImport): ParsedImport {
    if (policy.allowedIssuers === null && policy.allowedPushServers === null) return parsed;
    const errors = [...parsed.errors];
    const accounts = parsed.accounts.filter((account) => {
      const refusal = policyRefusal(() => checkIssuerAllowed(policy, account.params.issuer));
      if (refusal !== null) errors.push({ index: account.index, name: accountTitle(account.params), message: refusal });
      return refusal === null;
    });
    const enrollments = parsed.enrollments.filter((found) => {
      const link = parseEnrollmentUri(found.uri);
      // A link that doesn't parse is reported by the preview itself.
      if (!link.ok) return true;
      const refusal = policyRefusal(() => checkPushServer(policy, link.value.server, 'enroll'));
      if (refusal !== null) errors.push({ index: found.index, name: 'Push sign-in enrollment', message: refusal });
      return refusal === null;
    });
    return { ...parsed, accounts, errors, enrollments };
  }

  /** Refuses enrolling with a push server outside the policy's allowlist (the link's own problems are push.enroll's to report). */
  function checkEnrollmentServer(uri: string): void {
    const link = parseEnrollmentUri(uri);
    if (link.ok) checkPushServer(policy, link.value.server, 'enroll');
  }

  async function preview(source: ImportSource, passphrase: string | null, addTo: string | null): Promise<ImportPreview> {
    const state = requireUnlocked();
    const raw = await readSource(source, passphrase, state);
    const read: PreviewSource = { ...raw, parsed: applyImportPolicy(raw.parsed) };
    // The vault may have locked while a large file was read.
    const current = requireUnlocked();
    if (current !== state) throw new TwofoldError('VAULT_LOCKED', 'The vault was locked during the import. Unlock it and start again.');
    return addTo === null ? imports.preview(read, state.book) : imports.addTo(addTo, read, state.book);
  }

  /** The code accounts to export, with their secrets; EXPORT_EMPTY when there are none. */
  function exportAccounts(ids?: readonly string[]): StoredAccount[] {
    const state = requireUnlocked();
    const accounts = ids === undefined ? state.book.list() : ids.map((id) => state.book.get(id));
    if (accounts.length === 0) {
      throw new TwofoldError('EXPORT_EMPTY', 'There are no accounts to export. Add or import accounts first.');
    }
    return accounts;
  }

  function requireDialogs(): FileDialogs {
    if (!deps.dialogs) throw new TwofoldError('DIALOG_UNAVAILABLE', 'Choosing a file or folder is not available here.');
    return deps.dialogs;
  }

  /** Asks where to save, then writes `data()` there atomically, owner-only. */
  async function writeExport(
    suggestedName: string,
    filters: FileFilter[],
    count: number,
    data: () => Uint8Array | Promise<Uint8Array>,
  ): Promise<ExportResult> {
    const path = await requireDialogs().chooseSavePath(suggestedName, filters);
    if (path === null) return { fileName: null, count: 0 };
    if (!isAbsolute(path)) throw new TwofoldError('INPUT_INVALID', 'The file dialog returned a relative path. Choose the file again.');
    const bytes = await data();
    try {
      // Temporary sibling (0600), fsync, rename: a crash never leaves a half-written export.
      await replaceFiles([{ path, data: bytes }]);
    } catch (error) {
      throw new TwofoldError(
        'EXPORT_FAILED',
        `The file could not be written (${describeIoError(error)}). Choose another folder and try again.`,
      );
    }
    return { fileName: basename(path), count };
  }

  async function backupStatus(): Promise<BackupStatus> {
    return requireUnlocked().backups.status();
  }

  /**
   * Writes the backup a recent change is still waiting for (its debounce has not passed), before
   * the accounts leave memory at lock; otherwise that change would wait for the daily backup.
   */
  async function flushBackup(state: Unlocked): Promise<void> {
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
  function tickBackups(state: Unlocked): void {
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
      shown = await preview({ kind: 'text', text: link.value.link.reveal() }, null, null);
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
        checkEnrollmentServer(uri);
        return state.push.enroll(uri);
      },
      enrollFromImage: async ({ imageBase64 }) => {
        requireUnlocked();
        const texts = await decodeQrImage(decodeBase64Image(imageBase64));
        const uri = texts.find((t) => t.toLowerCase().startsWith('twofold://enroll?'));
        if (!uri) throw new TwofoldError('ENROLL_URI_INVALID', 'The QR code does not hold a Twofold enrollment link.', 'image');
        checkEnrollmentServer(uri);
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
    import: {
      preview: ({ source, passphrase, addTo }) => preview(source, passphrase, addTo),
      confirm: ({ previewId, duplicates, exclude }) => {
        requireUnlocked();
        return imports.confirm(previewId, { duplicates, exclude }, replaceAccounts);
      },
      cancel: async ({ previewId }) => {
        imports.cancel(previewId);
        return {};
      },
      enrollFound: ({ previewId, index }) => {
        const state = requireUnlocked();
        const uri = imports.enrollmentUri(previewId, index);
        checkEnrollmentServer(uri);
        return state.push.enroll(uri);
      },
    },
    export: {
      backup: async ({ passphrase }) => {
        const accounts = exportAccounts();
        // Checked before the dialog, so a short passphrase is refused before the user picks a file.
        checkExportPassphrase(passphrase);
        const result = await writeExport(
          `Twofold backup ${localDate(clock.now())}.twofold`,
          [{ name: 'Twofold backup', extensions: ['twofold'] }],
          accounts.length,
          async () => {
            const key = await deriveBackupKey(passphrase, deps.backupKdf);
            try {
              return encodeBackup(accounts.map(toBackupAccount), key, clock.now());
            } finally {
              key.key.fill(0);
            }
          },
        );
        if (result.fileName !== null) log(`encrypted backup exported (${accounts.length} accounts)`);
        return result;
      },
      uris: async () => {
        checkPlainExportAllowed(policy);
        const accounts = exportAccounts();
        const result = await writeExport(
          `Twofold accounts ${localDate(clock.now())}.txt`,
          [{ name: 'Text file', extensions: ['txt'] }],
          accounts.length,
          () => new TextEncoder().encode(formatUriList(accounts)),
        );
        // Never the content: it is every secret in plain text.
        if (result.fileName !== null) log(`plain export written (${accounts.length} accounts)`);
        return result;
      },
      qrCodes: async ({ kind, ids }) => {
        checkPlainExportAllowed(policy);
        const accounts = exportAccounts(ids);
        if (kind === 'account') {
          const images = await Promise.all(
            accounts.map(async (account) => ({ title: accountTitle(account), dataUrl: await accountQrDataUrl(account) })),
          );
          log(`QR codes shown after confirmation (${images.length})`);
          return { images, leftOut: [] };
        }
        // Google Authenticator can't hold every account (for example 7-digit codes): the user is told which.
        const fits: StoredAccount[] = [];
        const leftOut: { name: string; reason: string }[] = [];
        for (const account of accounts) {
          const reason = migrationIncompatibility(account);
          if (reason === null) fits.push(account);
          else leftOut.push({ name: accountTitle(account), reason });
        }
        if (fits.length === 0) {
          throw new TwofoldError(
            'EXPORT_EMPTY',
            'None of these accounts can be moved to Google Authenticator (it holds only 6- or 8-digit codes with 30-second periods). Show a QR code per account instead.',
          );
        }
        const images = await migrationQrDataUrls(fits);
        log(`QR codes shown after confirmation (${images.length}; ${leftOut.length} account(s) left out)`);
        return { images, leftOut };
      },
    },
    backup: {
      status: () => backupStatus(),
      chooseFolder: async () => {
        requireUnlocked();
        const folder = await requireDialogs().chooseFolder('Choose a folder for Twofold backups');
        if (folder === null) return backupStatus();
        await checkWritableFolder(folder);
        await saveBackupConfig((config) => ({ ...config, folder }));
        log('backup folder chosen');
        return backupStatus();
      },
      configure: async ({ enabled, keep, passphrase }) => {
        requireUnlocked();
        const key = passphrase === undefined ? undefined : await deriveBackupKey(passphrase, deps.backupKdf);
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
    },
    settings: {
      get: async () => effectiveSettings(),
      update: async (patch) => {
        // IPC keeps keys whose value is undefined (an empty form field); they mean "leave as is".
        const defined: Partial<Settings> = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
        const { settings: shown, managed } = applyPolicyToSettings(readSettings(), policy);
        // A form sends back the value it was shown; for a managed setting that is the policy's bound,
        // which must not replace the user's own choice (it comes back if the policy is lifted).
        for (const name of managed) if (defined[name] === shown[name]) delete defined[name];
        checkSettingsUpdate(policy, defined);
        if (defined.quickSearchShortcut !== undefined) defined.quickSearchShortcut = checkShortcut(defined.quickSearchShortcut, platform);
        const next = SettingsSchema.parse({ ...readSettings(), ...defined });
        const before = effectiveSettings();
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
        return effectiveSettings();
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
      if (unlocked) tickBackups(unlocked);
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

/** A policy refusal's message, or null when `check` passes. Other errors are not refusals and go on up. */
function policyRefusal(check: () => void): string | null {
  try {
    check();
    return null;
  } catch (error) {
    if (error instanceof TwofoldError && error.code === 'POLICY_FORBIDDEN') return error.message;
    throw error;
  }
}

/** The quick-search shortcut in its canonical spelling ('' turns it off); INPUT_INVALID saying what to fix. */
function checkShortcut(text: string, platform: string): string {
  if (text.trim() === '') return '';
  const parsed = parseAccelerator(text, platform);
  if (!parsed.ok) throw new TwofoldError('INPUT_INVALID', parsed.message, 'quickSearchShortcut');
  return parsed.text;
}

const LINK_SCHEMES = ['otpauth://', 'otpauth-migration://', 'twofold://'];

/** True for a line or QR text that parseLinks reads as a link (an account, a batch, an enrollment). */
function isLink(text: string): boolean {
  const lower = text.trim().toLowerCase();
  return LINK_SCHEMES.some((scheme) => lower.startsWith(scheme));
}

/** Formats read as lists of links, which more scans can be added to. */
function isLinkFormat(format: string): boolean {
  return format === 'uri-list' || format === 'google-migration';
}

function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

function linksSource(lines: string[]): PreviewSource {
  return { parsed: parseLinks(lines), lines };
}

/**
 * The links among QR code texts. Other codes (a web page's own QR code during a screen scan) are
 * not the user's accounts and are left out; the same code seen twice (mirrored displays) counts once.
 */
function linksFromQr(texts: string[], messages: { none: string; noLinks: string }): PreviewSource {
  if (texts.length === 0) throw new TwofoldError('QR_NOT_FOUND', messages.none);
  const links = [...new Set(texts.map((t) => t.trim()))].filter(isLink);
  if (links.length === 0) throw new TwofoldError('QR_NOT_FOUND', messages.noLinks);
  return linksSource(links);
}

/** Runs `read`, prefixing the message of a TwofoldError it throws (which image of several was bad). */
async function withPrefix<T>(prefix: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (prefix !== '' && error instanceof TwofoldError) throw new TwofoldError(error.code, `${prefix}${error.message}`, error.field);
    throw error;
  }
}

/** A file sent by the renderer as base64 (optionally a data: URL). IMPORT_INVALID when it isn't base64. */
function decodeBase64File(base64: string): Uint8Array {
  const cleaned = base64.replace(/^data:[^,]*;base64,/i, '').replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(cleaned) || cleaned.length % 4 === 1) {
    throw new TwofoldError('IMPORT_INVALID', 'The file could not be read: it was not sent as base64. Pick the file again.', 'source');
  }
  // Checked on the encoded length first, so an oversized upload is never decoded.
  checkImportSize(Math.floor((cleaned.length * 3) / 4) - (cleaned.endsWith('==') ? 2 : cleaned.endsWith('=') ? 1 : 0));
  return new Uint8Array(Buffer.from(cleaned, 'base64'));
}


function accountTitle(a: Pick<StoredAccount, 'issuer' | 'label'>): string {
  if (a.issuer && a.label && a.issuer !== a.label) return `${a.issuer} (${a.label})`;
  return a.issuer || a.label || 'Unnamed account';
}

/** YYYY-MM-DD in local time, for suggested file names. */
function localDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const MIN_EXPORT_PASSPHRASE = 8;

function checkExportPassphrase(passphrase: string): void {
  if ([...passphrase.normalize('NFC')].length < MIN_EXPORT_PASSPHRASE) {
    throw new TwofoldError(
      'PASSPHRASE_TOO_SHORT',
      `The backup passphrase is too short: use at least ${MIN_EXPORT_PASSPHRASE} characters.`,
      'passphrase',
    );
  }
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

function saveFailed(error: unknown): TwofoldError {
  return error instanceof TwofoldError
    ? error
    : new TwofoldError('INTERNAL', `The vault could not be saved (${describeIoError(error)}). Nothing was changed.`);
}

/** A TwofoldError's code and message (which never hold secrets), or an I/O error's code. */
function describeError(error: unknown): string {
  return error instanceof TwofoldError ? `${error.code}: ${error.message}` : describeIoError(error);
}

function decodeBase64Image(base64: string): Uint8Array {
  const cleaned = base64.replace(/^data:image\/[a-z]+;base64,/i, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(cleaned)) {
    throw new TwofoldError('QR_IMAGE_INVALID', 'The image could not be read: it was not sent as base64.', 'image');
  }
  return new Uint8Array(Buffer.from(cleaned, 'base64'));
}

/** An I/O error's code and syscall only: never its message, which may quote paths or data. */
function describeIoError(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error) return String((error as { code: unknown }).code);
  return error instanceof Error ? error.name : 'unknown error';
}
