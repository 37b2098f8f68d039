/**
 * The renderer's state (zustand): vault status, the account list, the codes of visible rows,
 * the open dialog, toasts, push sign-in (push-store.ts) and automatic backups (backup-store.ts).
 * Built by createAppStore(api) so the API is injected, never global.
 *
 * Secrets never enter this store: the API hands the renderer codes, not seeds. The exceptions stay
 * in the local state of the dialog that shows them and die with it: "show secret" (edit dialog),
 * exported QR codes (export dialog). A dropped or pasted file, which may hold secrets, waits outside
 * the state (startImport/takeImportHandover) only until the import dialog takes it.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type {
  AccountView,
  AddResult,
  CodeView,
  Command,
  EventPayload,
  ImportPreview,
  ImportResult,
  ImportSource,
  PolicyView,
  TwofoldApi,
  UpdateStatus,
  VaultStatus,
} from '../../common/api-contract';
import { createBackupActions, INITIAL_BACKUP_STATE, type BackupActions, type BackupState } from './backup-store';
import { errorCode, errorMessage } from './form-error';
import { importResultText } from './import-format';
import type { PickedFile } from './qr-image-file';
import { createPushActions, INITIAL_PUSH_STATE, type PushActions, type PushState } from './push-store';

/** Which dialog is open, if any. */
export type DialogState =
  | { kind: 'add' }
  | { kind: 'edit'; id: string }
  /** `section` scrolls Settings to one section (the backup banner opens "backups"). */
  | { kind: 'settings'; section?: 'backups' }
  /** `request` numbers the source handed over by startImport (0: none, the dialog starts empty). */
  | { kind: 'import'; request: number }
  | { kind: 'export' }
  | { kind: 'push-history' }
  | { kind: 'push-remove'; id: string }
  /** The quick-search palette (Ctrl/Cmd+K, the global shortcut, the menu). */
  | { kind: 'quick-search' }
  | null;

/**
 * What startImport hands the import dialog: dropped or pasted files (read by the dialog), a source,
 * or a preview main already made (a link that opened Twofold).
 */
export type ImportHandover =
  | { kind: 'files'; files: readonly PickedFile[] }
  | { kind: 'source'; source: ImportSource }
  | { kind: 'preview'; preview: ImportPreview };

/** A short message at the bottom of the window, optionally with one action (e.g. Undo). */
export interface Toast {
  id: number;
  /** Toasts with the same key replace each other (e.g. "Copied" → "Clipboard cleared"). */
  key: string;
  text: string;
  action: { label: string; run: () => void } | null;
}

/** Why the vault was last locked by main, for the unlock screen. */
export type LockReason = 'manual' | 'idle' | 'suspend' | 'screen-lock';

/** Everything components can do; stable functions, safe to pass to memoised rows. */
export interface AppActions {
  /** Asks main where the vault stands and shows the matching screen. */
  loadStatus(): Promise<void>;
  /** Adopts a status returned by a vault call (create, unlock, restore…). */
  applyStatus(status: VaultStatus): void;
  /** Main locked the vault: forget accounts and codes, show the unlock screen. */
  handleLocked(reason: LockReason): void;
  lock(): Promise<void>;
  /** Reloads the (filtered) account list. */
  loadAccounts(): Promise<void>;
  setQuery(query: string): void;
  /** Fetches codes for `ids`. With `prune`, codes of rows no longer in `ids` are dropped. */
  refreshCodes(ids: readonly string[], prune: boolean): Promise<void>;
  copyCode(id: string): Promise<void>;
  nextHotp(id: string): Promise<void>;
  /** Records a successful add: closes the dialog, reloads, toasts. */
  accountAdded(result: AddResult): void;
  removeAccount(id: string): Promise<void>;
  /** Moves an account one place up (-1) or down (+1) in the order shown. */
  move(id: string, delta: -1 | 1): Promise<void>;
  openDialog(dialog: Exclude<DialogState, null>): void;
  /**
   * Opens the import dialog, with something to preview at once (dropped files, a pasted image, a
   * backup to restore) or empty. If the dialog is open it receives the handover.
   */
  startImport(handover?: ImportHandover): void;
  /** The import dialog takes what startImport handed over; null if there is nothing (or it was taken). */
  takeImportHandover(request: number): ImportHandover | null;
  /** Records a confirmed import: closes the dialog, reloads, toasts what was added. */
  importDone(result: ImportResult): void;
  closeDialog(): void;
  showToast(key: string, text: string, timeoutMs: number, action?: Toast['action']): void;
  /** Shows a plain toast for the default time. */
  notify(key: string, text: string): void;
  dismissToast(id: number): void;
  clipboardCleared(): void;
  /**
   * Runs a command from the menu, the tray or the global shortcut. With the vault locked it waits:
   * the unlock screen shows, and the command runs once the vault is unlocked.
   */
  runCommand(name: Command): void;
  /** A link opened Twofold: show its preview in the import dialog, or say why it was refused. */
  linkOpened(payload: EventPayload<'linkOpened'>): void;
  /** Reads the managed policy (once at start; it changes only when Twofold restarts). */
  loadPolicy(): Promise<void>;
  /** Reads where updates stand (at start and on updateChanged). */
  loadUpdates(): Promise<void>;
  /** Looks for an update now; the new status (or the error) lands in `updates`. */
  checkForUpdates(): Promise<void>;
  /** The user chose "Restart now" on a ready update. */
  restartToUpdate(): Promise<void>;
  /** The user chose "Later": the notice stays away until another version is ready. */
  dismissUpdate(): void;
}

/** The state held by the store. */
export interface AppState {
  status: VaultStatus | null;
  /** Set when even the status could not be read (a broken bridge). */
  fatalError: string | null;
  lockReason: LockReason | null;
  accounts: readonly AccountView[];
  accountsLoaded: boolean;
  query: string;
  codes: Readonly<Record<string, CodeView>>;
  dialog: DialogState;
  toasts: readonly Toast[];
  actions: AppActions;
  /** Push sign-in accounts, waiting requests and the approval dialog. */
  push: PushState;
  pushActions: PushActions;
  /** Automatic backups: status, failures, files. */
  backup: BackupState;
  backupActions: BackupActions;
  /** The managed policy; null until read (or if it could not be read, see policyError). */
  policy: PolicyView | null;
  policyError: string | null;
  /** Where updates stand; null until read (or if it could not be read, see updatesError). */
  updates: UpdateStatus | null;
  updatesError: string | null;
  /** The version ('' when unnamed) whose "ready" notice the user put off with "Later". */
  updateDismissed: string | null;
  /** A command that arrived while the vault was locked; it runs after unlock. */
  pendingCommand: Command | null;
}

/** The store type handed around through React context. */
export type AppStore = StoreApi<AppState>;

/** Options for timers, overridable so a bench or test can shorten them. */
export interface AppStoreOptions {
  toastMs?: number;
}

const EMPTY_CODES: Readonly<Record<string, CodeView>> = Object.freeze({});

function sameCode(a: CodeView, b: CodeView): boolean {
  return (
    a.code === b.code &&
    a.nextCode === b.nextCode &&
    a.secondsLeft === b.secondsLeft &&
    a.period === b.period &&
    a.counter === b.counter
  );
}

/**
 * Merges fresh codes into the map, keeping the old object where nothing changed so memoised rows
 * whose code didn't change don't re-render. Returns `prev` itself when nothing changed at all.
 */
export function mergeCodes(
  prev: Readonly<Record<string, CodeView>>,
  items: readonly CodeView[],
  keep: ReadonlySet<string> | null,
): Readonly<Record<string, CodeView>> {
  let changed = false;
  const next: Record<string, CodeView> = {};
  for (const [id, view] of Object.entries(prev)) {
    if (keep === null || keep.has(id)) next[id] = view;
    else changed = true;
  }
  for (const item of items) {
    if (keep !== null && !keep.has(item.id)) continue;
    const old = next[item.id];
    if (old && sameCode(old, item)) continue;
    next[item.id] = item;
    changed = true;
  }
  return changed ? next : prev;
}

function displayName(account: Pick<AccountView, 'issuer' | 'label'>): string {
  return account.issuer || account.label || 'account';
}

/** Builds the store over an API. */
export function createAppStore(api: TwofoldApi, options: AppStoreOptions = {}): AppStore {
  const toastMs = options.toastMs ?? 4000;
  // Bumped whenever the vault locks, so answers to calls made before the lock are dropped.
  let epoch = 0;
  let listSeq = 0;
  let toastSeq = 0;
  let importSeq = 0;
  // What waits for the import dialog. Kept out of the state: a file may hold secrets.
  let importMailbox: { request: number; handover: ImportHandover } | null = null;
  const toastTimers = new Map<number, ReturnType<typeof setTimeout>>();

  return createStore<AppState>()((set, get) => {
    const resetVaultData = (): void => {
      epoch += 1;
      set({ accounts: [], accountsLoaded: false, codes: EMPTY_CODES, dialog: null, query: '' });
      importMailbox = null;
      pushActions.reset();
      backupActions.reset();
      // An undo toast would act on a locked vault; drop everything with an action.
      for (const toast of get().toasts) if (toast.action) actions.dismissToast(toast.id);
    };

    /** Handles an error from a background call: a locked vault means "show the unlock screen". */
    const reportError = (error: unknown): void => {
      if (errorCode(error) === 'VAULT_LOCKED') {
        void actions.loadStatus();
        return;
      }
      actions.showToast('error', errorMessage(error), toastMs * 2);
    };

    const actions: AppActions = {
      async loadStatus() {
        try {
          actions.applyStatus(await api.vault.status({}));
        } catch (error) {
          set({ fatalError: errorMessage(error) });
        }
      },

      applyStatus(status) {
        const wasUnlocked = get().status?.state === 'unlocked';
        set({ status, fatalError: null });
        if (status.state === 'unlocked') {
          if (!wasUnlocked) {
            set({ lockReason: null });
            void actions.loadAccounts();
            void pushActions.load();
            void backupActions.load();
            const pending = get().pendingCommand;
            if (pending) {
              set({ pendingCommand: null });
              // A waiting sign-in request opens by itself once push has loaded.
              if (pending !== 'review-requests') actions.runCommand(pending);
            }
          }
        } else {
          if (wasUnlocked || get().accounts.length > 0) resetVaultData();
          // Only the unlock screen leads to a vault a command could act on.
          if (status.state !== 'locked') set({ pendingCommand: null });
        }
      },

      handleLocked(reason) {
        const status = get().status;
        if (status?.state === 'unlocked') {
          // Show the unlock screen at once (the slots are known); the status call below confirms it.
          set({ lockReason: reason, status: { ...status, state: 'locked' } });
        }
        resetVaultData();
        void actions.loadStatus();
      },

      async lock() {
        try {
          actions.applyStatus(await api.vault.lock({}));
          set({ lockReason: 'manual' });
        } catch (error) {
          reportError(error);
        }
      },

      async loadAccounts() {
        const seq = ++listSeq;
        const myEpoch = epoch;
        try {
          const accounts = await api.accounts.list({ query: get().query });
          // A newer query (or a lock) overtook this one; its answer is stale.
          if (seq !== listSeq || myEpoch !== epoch) return;
          set({ accounts, accountsLoaded: true });
        } catch (error) {
          if (seq === listSeq) reportError(error);
        }
      },

      setQuery(query) {
        if (query === get().query) return;
        set({ query });
        void actions.loadAccounts();
      },

      async refreshCodes(ids, prune) {
        if (get().status?.state !== 'unlocked') return;
        const myEpoch = epoch;
        try {
          const result = ids.length > 0 ? await api.codes.get({ ids: [...ids] }) : { items: [] };
          if (myEpoch !== epoch) return;
          const codes = mergeCodes(get().codes, result.items, prune ? new Set(ids) : null);
          if (codes !== get().codes) set({ codes });
        } catch (error) {
          reportError(error);
        }
      },

      async copyCode(id) {
        try {
          const { clearAfterSeconds } = await api.codes.copy({ id });
          const text =
            clearAfterSeconds > 0 ? `Copied. The clipboard clears in ${clearAfterSeconds} s.` : 'Copied.';
          actions.showToast('clipboard', text, toastMs);
        } catch (error) {
          reportError(error);
        }
      },

      async nextHotp(id) {
        const myEpoch = epoch;
        try {
          const view = await api.codes.nextHotp({ id });
          if (myEpoch !== epoch) return;
          set({ codes: mergeCodes(get().codes, [view], null) });
        } catch (error) {
          reportError(error);
        }
      },

      accountAdded(result) {
        set({ dialog: null });
        if (result.status === 'added') actions.showToast('account', `Added ${displayName(result.account)}`, toastMs);
        else if (result.status === 'replaced')
          actions.showToast('account', `Replaced ${displayName(result.account)}`, toastMs);
        void actions.loadAccounts();
      },

      async removeAccount(id) {
        const account = get().accounts.find((a) => a.id === id);
        try {
          const { undoToken, undoSeconds } = await api.accounts.remove({ id });
          set({ dialog: null });
          const name = account ? displayName(account) : 'account';
          actions.showToast('account', `Deleted ${name}`, undoSeconds * 1000, {
            label: 'Undo',
            run: () => {
              void (async () => {
                try {
                  const restored = await api.accounts.undoRemove({ undoToken });
                  actions.showToast('account', `Restored ${displayName(restored)}`, toastMs);
                  void actions.loadAccounts();
                } catch (error) {
                  reportError(error);
                }
              })();
            },
          });
          void actions.loadAccounts();
        } catch (error) {
          reportError(error);
        }
      },

      async move(id, delta) {
        const shown = get().accounts;
        const index = shown.findIndex((a) => a.id === id);
        const neighbour = shown[index + delta];
        if (index < 0 || !neighbour) return;
        try {
          // The order is global, but the list may be filtered: move the account next to its
          // neighbour in the full order, so the move is exactly what the user saw.
          const full = get().query === '' ? shown : await api.accounts.list({ query: '' });
          const ids = full.map((a) => a.id).filter((other) => other !== id);
          const at = ids.indexOf(neighbour.id);
          if (at < 0) return;
          ids.splice(delta < 0 ? at : at + 1, 0, id);
          const reordered = await api.accounts.reorder({ ids });
          if (get().query === '') set({ accounts: reordered, accountsLoaded: true });
          else void actions.loadAccounts();
        } catch (error) {
          reportError(error);
        }
      },

      openDialog(dialog) {
        // A handover the import dialog never took must not wait for a later one.
        if (dialog.kind !== 'import') importMailbox = null;
        set({ dialog });
      },

      closeDialog() {
        importMailbox = null;
        set({ dialog: null });
      },

      startImport(handover) {
        const request = handover ? ++importSeq : 0;
        importMailbox = handover ? { request, handover } : null;
        const dialog = get().dialog;
        // "Import…" while the import dialog is open leaves it as it is; a handover reaches it as a new request.
        if (dialog?.kind === 'import' && request === 0) return;
        set({ dialog: { kind: 'import', request } });
      },

      takeImportHandover(request) {
        if (!importMailbox || importMailbox.request !== request) return null;
        const { handover } = importMailbox;
        importMailbox = null;
        return handover;
      },

      importDone(result) {
        importMailbox = null;
        set({ dialog: null });
        actions.showToast('account', importResultText(result), toastMs);
        void actions.loadAccounts();
      },

      showToast(key, text, timeoutMs, action = null) {
        const id = ++toastSeq;
        for (const toast of get().toasts) {
          if (toast.key === key) {
            clearTimeout(toastTimers.get(toast.id));
            toastTimers.delete(toast.id);
          }
        }
        set({ toasts: [...get().toasts.filter((t) => t.key !== key), { id, key, text, action }] });
        toastTimers.set(
          id,
          setTimeout(() => actions.dismissToast(id), timeoutMs),
        );
      },

      notify(key, text) {
        actions.showToast(key, text, toastMs);
      },

      dismissToast(id) {
        clearTimeout(toastTimers.get(id));
        toastTimers.delete(id);
        const toasts = get().toasts;
        if (toasts.some((t) => t.id === id)) set({ toasts: toasts.filter((t) => t.id !== id) });
      },

      clipboardCleared() {
        actions.showToast('clipboard', 'Clipboard cleared', toastMs);
      },

      runCommand(name) {
        const state = get().status?.state;
        if (state !== 'unlocked') {
          if (state === 'locked') set({ pendingCommand: name });
          return;
        }
        switch (name) {
          case 'quick-search':
            actions.openDialog({ kind: 'quick-search' });
            return;
          case 'import':
            actions.startImport();
            return;
          case 'export':
            actions.openDialog({ kind: 'export' });
            return;
          case 'settings':
            actions.openDialog({ kind: 'settings' });
            return;
          case 'add-account':
            actions.openDialog({ kind: 'add' });
            return;
          case 'review-requests':
            if (get().push.approval === null && get().push.pending.length === 0) {
              actions.notify('push', 'No sign-in requests are waiting.');
              return;
            }
            pushActions.review();
            return;
        }
      },

      linkOpened(payload) {
        if (payload.status === 'refused') {
          actions.showToast('link', payload.message, toastMs * 2);
          return;
        }
        actions.startImport({ kind: 'preview', preview: payload.preview });
      },

      async loadPolicy() {
        try {
          set({ policy: await api.app.policy({}), policyError: null });
        } catch (error) {
          set({ policy: null, policyError: errorMessage(error) });
        }
      },

      async loadUpdates() {
        try {
          set({ updates: await api.updates.status({}), updatesError: null });
        } catch (error) {
          set({ updatesError: errorMessage(error) });
        }
      },

      async checkForUpdates() {
        try {
          set({ updates: await api.updates.check({}), updatesError: null });
        } catch (error) {
          set({ updatesError: errorMessage(error) });
        }
      },

      async restartToUpdate() {
        try {
          await api.updates.restart({ confirm: true });
        } catch (error) {
          actions.showToast('error', errorMessage(error), toastMs * 2);
        }
      },

      dismissUpdate() {
        set({ updateDismissed: get().updates?.version ?? '' });
      },
    };

    const pushActions = createPushActions({
      api,
      getPush: () => get().push,
      setPush: (patch) => set({ push: { ...get().push, ...patch } }),
      epoch: () => epoch,
      isUnlocked: () => get().status?.state === 'unlocked',
      toast: (text) => actions.showToast('push', text, toastMs),
      closeDialog: () => actions.closeDialog(),
      reportError,
    });

    const backupActions = createBackupActions({
      api,
      setBackup: (patch) => set({ backup: { ...get().backup, ...patch } }),
      epoch: () => epoch,
    });

    return {
      status: null,
      fatalError: null,
      lockReason: null,
      accounts: [],
      accountsLoaded: false,
      query: '',
      codes: EMPTY_CODES,
      dialog: null,
      toasts: [],
      actions,
      push: INITIAL_PUSH_STATE,
      pushActions,
      backup: INITIAL_BACKUP_STATE,
      backupActions,
      policy: null,
      policyError: null,
      updates: null,
      updatesError: null,
      updateDismissed: null,
      pendingCommand: null,
    };
  });
}
