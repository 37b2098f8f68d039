/**
 * The push sign-in part of the app store: push accounts, waiting requests, and the approval dialog.
 *
 * The approval shows one request at a time, the oldest first. It opens when a request arrives and
 * when the vault unlocks with requests waiting; Escape closes it and the list offers "Review".
 * A request that leaves the core's pending list while shown has expired, was closed by the server
 * after wrong numbers, or was answered on another device; the history says which.
 */
import type { PendingRequestView, PushAccountView, TwofoldApi } from '../../common/api-contract';
import { errorCode, errorMessage } from './form-error';
import { pushAccountName } from './push-format';

/** Why the shown request can no longer be answered. */
export type ApprovalEnd = 'expired' | 'closed';

/** The request in the approval dialog; `ended` is set once it can no longer be approved. */
export interface ApprovalState {
  request: PendingRequestView;
  ended: ApprovalEnd | null;
}

/** Push sign-in state held in the app store. */
export interface PushState {
  accounts: readonly PushAccountView[];
  /** Requests waiting for an answer, oldest first. */
  pending: readonly PendingRequestView[];
  /** The core's clock minus the page's (ms), so countdowns follow the clock the core expires requests by. */
  clockOffsetMs: number;
  /** The approval dialog, or null when it is closed. */
  approval: ApprovalState | null;
  /** The request whose decision is being sent. */
  answering: string | null;
}

/** Push state before unlock and after lock. */
export const INITIAL_PUSH_STATE: PushState = {
  accounts: [],
  pending: [],
  clockOffsetMs: 0,
  approval: null,
  answering: null,
};

/** A decision as the dialog sends it. */
export type DecisionInput = Parameters<TwofoldApi['push']['decide']>[0];

/** How a decision went, for the dialog to show: done, or an error to show inline. */
export type DecisionResult = { ok: true } | { ok: false; code: string | null; message: string };

/** What push components can do; a stable object. */
export interface PushActions {
  /** Loads accounts and requests after unlock, and opens the approval if a request is waiting. */
  load(): Promise<void>;
  /** Reloads accounts and requests (on pushChanged and while polling). */
  refresh(): Promise<void>;
  /** A new verified request arrived: queue it and open the approval if it is closed. */
  requestArrived(request: PendingRequestView): void;
  /** Reopens the approval on the oldest waiting request. */
  review(): void;
  /** Closes the approval without deciding; the request stays waiting. */
  dismiss(): void;
  /** Closes an approval that can no longer be answered and shows the next waiting request. */
  closeEnded(): void;
  /** The dialog's countdown reached zero. */
  expire(requestId: string): void;
  /** Sends a decision. On success the approval closes, a toast confirms, and the next request opens. */
  decide(input: DecisionInput): Promise<DecisionResult>;
  /** Forgets a push account; returns an error message to show, or null when done. */
  remove(id: string): Promise<string | null>;
  /** Records a successful enrollment: closes the dialog, toasts, reloads. */
  enrolled(account: PushAccountView): void;
  /** Forgets everything (the vault locked). */
  reset(): void;
}

/** What the push actions need from the app store around them. */
export interface PushStoreDeps {
  api: TwofoldApi;
  getPush(): PushState;
  setPush(patch: Partial<PushState>): void;
  /** Bumped on every lock; answers to calls made before a lock are dropped. */
  epoch(): number;
  isUnlocked(): boolean;
  toast(text: string): void;
  /** Closes the app's (non-approval) dialog. */
  closeDialog(): void;
  /** Reports a background error (a locked vault shows the unlock screen). */
  reportError(error: unknown): void;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

const DECISION_TOASTS = {
  approve: 'Sign-in approved',
  'not-me': 'Reported. Sign-in requests for this account are paused.',
  cancelled: 'Sign-in denied',
} as const;

/** Builds the push actions over the app store's state. */
export function createPushActions(deps: PushStoreDeps): PushActions {
  const { api, getPush: get, setPush: set } = deps;
  let refreshSeq = 0;
  // Requests this renderer has seen end (expired, closed): never offered again, even if a poll
  // answered before the core retired them.
  const ended = new Set<string>();
  // Requests that got a wrong number: if the server then closes one, it was closed for that.
  const wrongNumber = new Set<string>();

  const coreNow = (): number => Date.now() + get().clockOffsetMs;

  const waiting = (pending: readonly PendingRequestView[]): PendingRequestView[] =>
    pending.filter((p) => !ended.has(p.id));

  const openNext = (): void => {
    if (get().approval) return;
    const now = coreNow();
    const next = get().pending.find((p) => p.expiresAt > now);
    if (next) set({ approval: { request: next, ended: null } });
  };

  const endApproval = (requestId: string, end: ApprovalEnd): void => {
    ended.add(requestId);
    const approval = get().approval;
    set({
      pending: get().pending.filter((p) => p.id !== requestId),
      approval: approval && approval.request.id === requestId ? { ...approval, ended: end } : approval,
    });
  };

  const syncClock = async (): Promise<void> => {
    const myEpoch = deps.epoch();
    try {
      const { now } = await api.codes.get({ ids: [] });
      if (myEpoch === deps.epoch()) set({ clockOffsetMs: now - Date.now() });
    } catch {
      // Best effort: without it the countdown follows the page's clock, which is the core's unless
      // the user set a time offset. A locked vault is reported by the calls that need it.
    }
  };

  /** The shown request left the pending list: find out why and show it. */
  const reconcile = async (pending: readonly PendingRequestView[], myEpoch: number): Promise<void> => {
    const approval = get().approval;
    if (!approval || approval.ended) return;
    const { id } = approval.request;
    if (pending.some((p) => p.id === id) || get().answering === id) return;
    const outcome = (await api.push.history({})).find((h) => h.id === id)?.outcome ?? null;
    const current = get().approval;
    if (myEpoch !== deps.epoch() || current?.request.id !== id || current.ended || get().answering === id) return;
    if (outcome === 'expired' || (outcome === null && approval.request.expiresAt <= coreNow())) {
      endApproval(id, 'expired');
    } else if (wrongNumber.has(id)) {
      endApproval(id, 'closed');
    } else {
      ended.add(id);
      set({ approval: null });
      deps.toast('Answered on another device');
      openNext();
    }
  };

  const refresh = async (openWaiting: boolean): Promise<void> => {
    if (!deps.isUnlocked()) return;
    const seq = ++refreshSeq;
    const myEpoch = deps.epoch();
    try {
      const [accounts, fetched] = await Promise.all([api.push.accounts({}), api.push.pending({})]);
      if (seq !== refreshSeq || myEpoch !== deps.epoch()) return;
      const pending = waiting(fetched);
      const state = get();
      // Keep the old arrays when nothing changed, so the list does not re-render on every poll.
      set({
        accounts: sameJson(accounts, state.accounts) ? state.accounts : accounts,
        pending: sameJson(pending, state.pending) ? state.pending : pending,
      });
      await reconcile(fetched, myEpoch);
      if (openWaiting && myEpoch === deps.epoch()) openNext();
    } catch (error) {
      if (seq === refreshSeq && myEpoch === deps.epoch()) deps.reportError(error);
    }
  };

  return {
    async load() {
      await Promise.all([syncClock(), refresh(true)]);
    },

    refresh: () => refresh(false),

    requestArrived(request) {
      if (!deps.isUnlocked() || ended.has(request.id)) return;
      const pending = [...get().pending.filter((p) => p.id !== request.id), request].sort((a, b) => a.createdAt - b.createdAt);
      set({ pending });
      openNext();
      void syncClock();
    },

    review() {
      openNext();
    },

    dismiss() {
      set({ approval: null });
    },

    closeEnded() {
      set({ approval: null });
      openNext();
    },

    expire(requestId) {
      const approval = get().approval;
      if (approval?.request.id !== requestId || approval.ended || get().answering === requestId) return;
      endApproval(requestId, 'expired');
      void refresh(false);
    },

    async decide(input) {
      const approval = get().approval;
      const id = input.requestId;
      if (!approval || approval.request.id !== id || approval.ended || get().answering !== null) {
        return { ok: false, code: null, message: 'This request can no longer be answered.' };
      }
      const myEpoch = deps.epoch();
      set({ answering: id });
      try {
        await api.push.decide(input);
        if (myEpoch !== deps.epoch()) return { ok: true };
        // A poll that started before the answer would bring the request back.
        refreshSeq += 1;
        ended.add(id);
        wrongNumber.delete(id);
        set({
          answering: null,
          approval: get().approval?.request.id === id ? null : get().approval,
          pending: get().pending.filter((p) => p.id !== id),
        });
        deps.toast(DECISION_TOASTS[input.decision === 'approve' ? 'approve' : input.reason]);
        openNext();
        void refresh(false);
        return { ok: true };
      } catch (error) {
        const code = errorCode(error);
        const message = errorMessage(error);
        if (myEpoch !== deps.epoch()) return { ok: false, code, message };
        set({ answering: null });
        if (code === 'VAULT_LOCKED') deps.reportError(error);
        else if (code === 'PUSH_WRONG_NUMBER') wrongNumber.add(id);
        else if (code === 'PUSH_REQUEST_EXPIRED') endApproval(id, 'expired');
        // The core may have retired the request (say, closed after wrong numbers); the reload shows why.
        void refresh(false);
        return { ok: false, code, message };
      }
    },

    async remove(id) {
      const myEpoch = deps.epoch();
      const account = get().accounts.find((a) => a.id === id);
      try {
        await api.push.remove({ id });
        if (myEpoch !== deps.epoch()) return null;
        const approval = get().approval;
        set({
          accounts: get().accounts.filter((a) => a.id !== id),
          pending: get().pending.filter((p) => p.accountId !== id),
          // Its requests went with it; that is not "answered on another device".
          approval: approval?.request.accountId === id ? null : approval,
        });
        deps.closeDialog();
        deps.toast(`Removed ${account ? pushAccountName(account) : 'push account'}`);
        openNext();
        void refresh(false);
        return null;
      } catch (error) {
        if (errorCode(error) === 'VAULT_LOCKED') deps.reportError(error);
        return errorMessage(error);
      }
    },

    enrolled(account) {
      deps.closeDialog();
      deps.toast(`Enrolled with ${account.issuer || account.server}`);
      set({ accounts: [...get().accounts.filter((a) => a.id !== account.id), account] });
      void refresh(false);
    },

    reset() {
      refreshSeq += 1;
      ended.clear();
      wrongNumber.clear();
      set(INITIAL_PUSH_STATE);
    },
  };
}
