/**
 * The core: everything Twofold does, with no Electron in sight. It implements the API contract
 * method by method over the vault, the account book, the clock and the other ports.
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
  type OnDuplicate,
  type Settings,
  type VaultStatus,
} from '../../common/api-contract';
import { TwofoldError } from '../../common/errors';
import { formatOtpauthUri, parseOtpauthUri, validateOtpParams, type OtpParams } from '../../common/otpauth-uri';
import { AccountBook, StoredAccountSchema, type StoredAccount } from './accounts';
import { createDispatch, type Dispatch } from './api-dispatch';
import type { Clipboard, Clock, Keychain, SettingsStore } from './ports';
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
}

/** How long a deleted account can be brought back. */
export const UNDO_SECONDS = 10;
/** Seconds of the TOTP period during which the next code is shown too. */
export const NEXT_CODE_WINDOW_SECONDS = 5;

// Version 1 held code accounts only; version 2 adds push sign-in accounts. Both are read; 2 is written.
const PayloadSchema = z.discriminatedUnion('version', [
  z.object({ version: z.literal(1), accounts: z.array(StoredAccountSchema) }),
  z.object({ version: z.literal(2), accounts: z.array(StoredAccountSchema), push: PushVaultStateSchema }),
]);

interface Unlocked {
  vault: OpenVault;
  book: AccountBook;
  push: PushManager;
}

interface PendingUndo {
  removed: { account: StoredAccount; index: number };
  expiresAt: number;
}

/** Builds the core from its ports. Nothing is read from disk until the first call. */
export function createCore(deps: CoreDeps): Core {
  const { clock, clipboard, keychain } = deps;
  const log = deps.log ?? (() => {});
  const vaultFile = new VaultFile(
    deps.kdf ? { dir: deps.vaultDir, keychain, clock, kdf: deps.kdf } : { dir: deps.vaultDir, keychain, clock },
  );
  const listeners = new Set<(name: EventName, payload: unknown) => void>();
  const undo = new Map<string, PendingUndo>();
  let unlocked: Unlocked | null = null;
  let lastActivity = clock.now();
  let pendingClear: { text: string; at: number } | null = null;
  // Serialises vault-changing work so two quick edits can't interleave their saves.
  let queue: Promise<unknown> = Promise.resolve();

  function emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const listener of listeners) listener(name, payload);
  }

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

  function now(): number {
    return clock.now() + readSettings().timeOffsetSeconds * 1000;
  }

  function requireUnlocked(): Unlocked {
    if (!unlocked) throw new TwofoldError('VAULT_LOCKED', 'The vault is locked. Unlock it first.');
    return unlocked;
  }

  function encodePayload(accounts: StoredAccount[], push: PushVaultState): Uint8Array {
    return new TextEncoder().encode(JSON.stringify({ version: 2, accounts, push }));
  }

  function decodePayload(bytes: Uint8Array): { accounts: StoredAccount[]; push: PushVaultState } {
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
    return { accounts: data.accounts as StoredAccount[], push: data.version === 2 ? (data.push as PushVaultState) : EMPTY_PUSH_STATE };
  }

  function open(vault: OpenVault): void {
    let decoded: { accounts: StoredAccount[]; push: PushVaultState };
    try {
      decoded = decodePayload(vault.payload);
    } catch (error) {
      vault.close();
      throw error;
    }
    const book = new AccountBook(decoded.accounts, { newId: () => randomUUID() });
    const state: Unlocked = { vault, book, push: undefined as unknown as PushManager };
    state.push = new PushManager(decoded.push, {
      // The user's time offset corrects a wrong machine clock for signed timestamps too.
      clock: { now },
      log,
      deviceName: deps.deviceName ?? 'Twofold',
      ...deps.pushOptions,
      // The vault queues saves in call order; each save writes the accounts and push state as they are now.
      persist: (push) => vault.save(encodePayload(state.book.list(), push)),
      onRequest: (view) => emit('pushRequest', view),
      onChanged: () => emit('pushChanged', {}),
    });
    unlocked = state;
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
        await state.vault.save(encodePayload(state.book.list(), state.push.state()));
      } catch (error) {
        state.book = new AccountBook(before, { newId: () => randomUUID() });
        throw error instanceof TwofoldError
          ? error
          : new TwofoldError('INTERNAL', `The vault could not be saved (${describeIoError(error)}). Nothing was changed.`);
      }
      emit('accountsChanged', {});
      return result;
    });
  }

  async function status(): Promise<VaultStatus> {
    const keychainStatus = keychain.status();
    const osSlot = keychainStatus.available
      ? { available: true, reason: null }
      : { available: false, reason: keychainStatus.reason };
    if (unlocked) return { state: 'unlocked', slots: [...unlocked.vault.slots], osSlot, damage: null };
    const inspection = await vaultFile.inspect();
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
      // Stop listening first: the device keys live in the vault and go with it.
      await closing.push.stop();
      closing.vault.close();
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
    // 'ask' and 'skip' change nothing when there is a duplicate, so nothing needs saving.
    if ((onDuplicate === 'ask' || onDuplicate === 'skip') && state.book.findDuplicate(params)) {
      return state.book.add(params, { onDuplicate, color: extra.color ?? null });
    }
    return mutate((book) => book.add(params, { onDuplicate, color: extra.color ?? null }));
  }

  function addFromQrBytes(bytes: Uint8Array, onDuplicate: OnDuplicate): Promise<AddResult> {
    requireUnlocked();
    const texts = decodeQrImage(bytes);
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

  const api: ApiImplementation = {
    vault: {
      status: () => status(),
      create: async ({ passphrase, useOsSlot }) => {
        await serial(async () => {
          const vault = await vaultFile.create(encodePayload([], EMPTY_PUSH_STATE), { passphrase, useOsSlot });
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
      update: ({ id, ...patch }) => mutate((book) => book.update(id, patch)),
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
      copy: async ({ id }) => {
        const state = requireUnlocked();
        const [view] = state.book.codes([id], now());
        if (!view) throw new TwofoldError('ACCOUNT_NOT_FOUND', 'That account no longer exists.');
        clipboard.writeText(view.code);
        const seconds = readSettings().clipboardClearSeconds;
        pendingClear = seconds > 0 ? { text: view.code, at: clock.now() + seconds * 1000 } : null;
        return { clearAfterSeconds: seconds };
      },
      nextHotp: ({ id }) => mutate((book) => book.nextHotp(id)),
    },
    push: {
      enroll: ({ uri }) => requireUnlocked().push.enroll(uri),
      enrollFromImage: ({ imageBase64 }) => {
        const state = requireUnlocked();
        const texts = decodeQrImage(decodeBase64Image(imageBase64));
        const uri = texts.find((t) => t.toLowerCase().startsWith('twofold://enroll?'));
        if (!uri) throw new TwofoldError('ENROLL_URI_INVALID', 'The QR code does not hold a Twofold enrollment link.', 'image');
        return state.push.enroll(uri);
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
    // Placeholders until the import/export/backup wiring lands (issue 4).
    import: {
      preview: () => notYet(),
      confirm: () => notYet(),
      cancel: () => notYet(),
      enrollFound: () => notYet(),
    },
    export: {
      backup: () => notYet(),
      uris: () => notYet(),
      qrCodes: () => notYet(),
    },
    backup: {
      status: () => notYet(),
      chooseFolder: () => notYet(),
      configure: () => notYet(),
      runNow: () => notYet(),
    },
    settings: {
      get: async () => readSettings(),
      update: async (patch) => {
        // IPC keeps keys whose value is undefined (an empty form field); they mean "leave as is".
        const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
        const next = SettingsSchema.parse({ ...readSettings(), ...defined });
        deps.settings.write(next);
        settings = next;
        return next;
      },
    },
    app: {
      activity: async () => ({}),
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
      if (unlocked && t - lastActivity >= readSettings().autoLockMinutes * 60_000) void lock('idle');
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
  };
}

function notYet(): Promise<never> {
  return Promise.reject(new TwofoldError('INTERNAL', 'Not available yet.'));
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
