/**
 * The push-listener: enrolled push accounts, their connections, the verified requests waiting for
 * the user, the decisions sent back and the history of past requests. Built by the core on unlock
 * over the push part of the vault, and stopped (dropping its keys) on lock.
 */
import { TwofoldError } from '../../../common/errors';
import type { PendingRequestView, PushAccountView, PushHistoryEntry, PushOutcome } from '../../../common/api-contract';
import {
  importSigningKey,
  importVerifyKey,
  PushVerifyError,
  randomId,
  signMessage,
  verifyMessage,
  type SigningKeyPair,
} from '../../../common/push-jws';
import { DecisionResultSchema, HEARTBEAT_SECONDS, PUSH_PATHS, SignInRequestClaimsSchema, type SignInRequestClaims } from '../../../common/push-protocol';
import type { CryptoKey } from 'jose';
import type { Clock } from '../ports';
import { DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import { asSentence, enrollDevice } from './enrollment';
import { PushConnection, type RequestSource } from './push-connection';
import { postJson } from './push-http';
import { HISTORY_LIMIT, SEEN_LIMIT, type PushVaultState, type SeenRequest, type StoredPushAccount } from './push-state';

export { EMPTY_PUSH_STATE, PushVaultStateSchema, type PushVaultState, type StoredPushAccount } from './push-state';

/** What the push manager needs from the core. */
export interface PushManagerDeps {
  /** Time in ms: verification times, expiry, history timestamps. */
  clock: Clock;
  /** Diagnostic lines; never secrets and never request content beyond ids. */
  log: (line: string) => void;
  /** This device's name, sent at enrollment. */
  deviceName: string;
  /** Saves the push state into the vault. */
  persist(state: PushVaultState): Promise<void>;
  /** A new verified request to show. */
  onRequest(view: PendingRequestView): void;
  /** Status, pending requests or history changed. */
  onChanged(): void;
  /** Reconnection backoff bounds; default 500 ms to 30 s, full jitter. */
  backoff?: BackoffOptions;
  /** Silence after which a connection is considered dead; default 2.5 × HEARTBEAT_SECONDS. */
  heartbeatTimeoutMs?: number;
  /**
   * Whether this device may connect to an enrolled server (the managed policy's allowlist): null
   * when it may, else why not. A refused account stays enrolled but offline.
   */
  allowServer?: (origin: string) => string | null;
}

/** A user's decision on a request, as the API passes it. */
export type DecisionInput =
  | { requestId: string; decision: 'approve'; number: number | null }
  | { requestId: string; decision: 'deny'; reason: 'not-me' | 'cancelled' };

interface PendingRequest {
  view: PendingRequestView;
  nonce: string;
}

interface LiveAccount {
  stored: StoredPushAccount;
  /** The managed policy refused this server: the account stays enrolled and offline. */
  blocked?: boolean;
  key: SigningKeyPair | null;
  serverKey: CryptoKey | null;
  connection: PushConnection | null;
  /** Ready once the keys are imported and the first connect attempt is over. */
  firstSync: Promise<void>;
  /** Verified requests waiting for an answer, by createdAt. */
  queue: PendingRequest[];
}

/** The push-listener for one unlocked vault. */
export class PushManager {
  private stored: PushVaultState;
  private readonly live = new Map<string, LiveAccount>();
  private readonly deps: PushManagerDeps;
  private readonly backoff: BackoffOptions;
  private readonly heartbeatTimeoutMs: number;
  /** Requests this device is answering right now: a 'closed' frame for one of them is its own echo. */
  private readonly answering = new Map<string, PushOutcome | null>();
  private expiryTimer: NodeJS.Timeout | null = null;
  private started = false;
  private stopped = false;

  constructor(state: PushVaultState, deps: PushManagerDeps) {
    this.stored = { accounts: [...state.accounts], history: [...state.history], seen: [...(state.seen ?? [])] };
    this.deps = deps;
    this.backoff = deps.backoff ?? DEFAULT_BACKOFF;
    this.heartbeatTimeoutMs = deps.heartbeatTimeoutMs ?? HEARTBEAT_SECONDS * 2500;
  }

  /** Connects every enrolled account. */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    for (const account of this.stored.accounts) this.connect(account);
  }

  /** Closes every socket and timer and forgets the keys (the vault is locking). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    for (const live of this.live.values()) {
      live.connection?.stop();
      live.key = null;
      live.serverKey = null;
      live.queue = [];
    }
    this.live.clear();
    this.answering.clear();
    // The device keys live in these objects; drop the references so only the vault holds them.
    this.stored = { accounts: [], history: [], seen: [] };
  }

  /** Resolves once every account has finished its first connect and poll, whether it worked or not. */
  async synced(): Promise<void> {
    await Promise.all([...this.live.values()].map((live) => live.firstSync));
  }

  /** Enrolls this device from a `twofold://enroll?...` link, saves the account and connects it. */
  async enroll(uri: string): Promise<PushAccountView> {
    this.requireRunning();
    const account = await enrollDevice(uri, { clock: this.deps.clock, deviceName: this.deps.deviceName });
    this.requireRunning();
    const next = { ...this.stored, accounts: [...this.stored.accounts, account] };
    await this.deps.persist(snapshot(next));
    this.stored = next;
    this.deps.log(`push ${account.id}: enrolled at ${account.server}`);
    if (this.started) this.connect(account);
    this.deps.onChanged();
    return this.view(account);
  }

  /** Every push account with its connection status, last contact and pending count. */
  accounts(): PushAccountView[] {
    this.sweepExpired();
    return this.stored.accounts.map((a) => this.view(a));
  }

  /** Forgets a push account: its connection, its pending requests and its device key. */
  async remove(id: string): Promise<void> {
    this.requireRunning();
    if (!this.stored.accounts.some((a) => a.id === id)) throw new TwofoldError('ACCOUNT_NOT_FOUND', 'That push account no longer exists.');
    const next = {
      ...this.stored,
      accounts: this.stored.accounts.filter((a) => a.id !== id),
      seen: (this.stored.seen ?? []).filter((s) => s.accountId !== id),
    };
    await this.deps.persist(snapshot(next));
    this.stored = next;
    const live = this.live.get(id);
    live?.connection?.stop();
    this.live.delete(id);
    this.deps.log(`push ${id}: removed`);
    this.deps.onChanged();
  }

  /** Verified, unexpired, unanswered requests, oldest first. */
  pending(): PendingRequestView[] {
    this.sweepExpired();
    return this.allPending().map((p) => ({ ...p.view }));
  }

  /** Past requests, newest first. */
  history(): PushHistoryEntry[] {
    this.sweepExpired();
    return this.stored.history.map((h) => ({ ...h }));
  }

  /** The push state to store in the vault. */
  state(): PushVaultState {
    return snapshot(this.stored);
  }

  /** Signs and sends the user's decision on a pending request. */
  async decide(input: DecisionInput): Promise<{ status: 'approved' | 'denied' }> {
    this.requireRunning();
    this.sweepExpired();
    const found = this.findPending(input.requestId);
    if (!found) {
      const past = this.stored.history.find((h) => h.id === input.requestId);
      if (past?.outcome === 'expired') throw expiredError();
      throw new TwofoldError('PUSH_REQUEST_NOT_FOUND', past ? 'This request has already been answered.' : 'There is no such sign-in request waiting. It may have been answered or expired.');
    }
    if (this.answering.has(input.requestId)) throw new TwofoldError('PUSH_DECISION_REFUSED', 'This request is being answered already.');
    const { live, request } = found;
    const key = live.key;
    if (!key) throw new TwofoldError('PUSH_SERVER_UNREACHABLE', 'This push account is still starting; try again in a moment.');
    const account = live.stored;
    const now = this.deps.clock.now();
    const common = {
      v: 1,
      requestId: input.requestId,
      sub: account.deviceId,
      aud: account.server + PUSH_PATHS.decisions,
      iat: Math.floor(now / 1000),
      jti: randomId(),
    };
    const claims = input.decision === 'approve' ? { ...common, decision: 'approve', number: input.number } : { ...common, decision: 'deny', reason: input.reason };
    this.answering.set(input.requestId, null);
    try {
      const jws = await signMessage('decision', claims, key.privateKey);
      const result = await postJson(account.server + PUSH_PATHS.decisions, { jws });
      if (result.kind === 'unreachable') {
        throw new TwofoldError('PUSH_SERVER_UNREACHABLE', `Could not reach ${account.server} (${result.reason}). Your answer was not sent; try again.`);
      }
      if (result.kind === 'refused') throw await this.refusal(live, request, result.error, result.message);
      const answer = DecisionResultSchema.safeParse(result.body);
      if (!answer.success) throw new TwofoldError('PUSH_DECISION_REFUSED', 'The server answered with something Twofold does not understand. Check the sign-in page.');
      const outcome: PushOutcome =
        answer.data.status === 'approved' ? 'approved' : input.decision === 'deny' && input.reason === 'not-me' ? 'fraud' : 'denied';
      this.deps.log(`push ${account.id}: request ${input.requestId} ${outcome}`);
      await this.retire(live, request, outcome);
      return { status: answer.data.status };
    } finally {
      const closedMeanwhile = this.answering.get(input.requestId);
      this.answering.delete(input.requestId);
      // The server closed it while we were asking (say, a third wrong number): honour that now.
      if (closedMeanwhile && this.findPending(input.requestId)) await this.retire(live, request, closedMeanwhile);
    }
  }

  private async refusal(live: LiveAccount, request: PendingRequest, error: string | null, message: string): Promise<TwofoldError> {
    switch (error) {
      case 'wrong_number':
        return new TwofoldError('PUSH_WRONG_NUMBER', "That number doesn't match the one on the sign-in page.", 'number');
      case 'request_expired':
        await this.retire(live, request, 'expired');
        return expiredError();
      case 'already_answered':
        await this.retire(live, request, 'answered-elsewhere');
        return new TwofoldError('PUSH_DECISION_REFUSED', 'This request was already answered, perhaps on another device.');
      default:
        return new TwofoldError('PUSH_DECISION_REFUSED', `The server refused the answer: ${asSentence(message)}`);
    }
  }

  private connect(account: StoredPushAccount): void {
    const live: LiveAccount = { stored: account, key: null, serverKey: null, connection: null, firstSync: Promise.resolve(), queue: [] };
    this.live.set(account.id, live);
    // An allowlist set by IT after enrollment stops the connection, without forgetting the account.
    if (this.deps.allowServer?.(account.server) != null) {
      live.blocked = true;
      this.deps.log(`push ${account.id}: not connecting, the server is not allowed by the managed policy`);
      return;
    }
    live.firstSync = (async () => {
      try {
        live.key = await importSigningKey(account.devicePrivateJwk);
        live.serverKey = await importVerifyKey(account.serverKey);
      } catch {
        this.deps.log(`push ${account.id}: stored keys could not be loaded; account stays offline`);
        return;
      }
      if (this.stopped || this.live.get(account.id) !== live) return;
      live.connection = new PushConnection({
        label: account.id,
        origin: account.server,
        deviceId: account.deviceId,
        key: live.key,
        clock: this.deps.clock,
        log: this.deps.log,
        backoff: this.backoff,
        heartbeatTimeoutMs: this.heartbeatTimeoutMs,
        onRequest: (jws, source) => this.receive(live, jws, source),
        onClosed: (requestId, outcome) => void this.closed(live, requestId, outcome),
        onStatus: () => this.deps.onChanged(),
      });
      live.connection.start();
      await live.connection.firstAttempt;
    })();
  }

  /** Verifies a request JWS and, if it is new, queues it and tells the user. */
  private async receive(live: LiveAccount, jws: string, source: RequestSource): Promise<void> {
    const account = live.stored;
    if (!live.serverKey) return;
    let claims: SignInRequestClaims;
    try {
      claims = await verifyMessage('request', jws, live.serverKey, SignInRequestClaimsSchema, {
        now: this.deps.clock.now(),
        audience: account.deviceId,
        checkExpiry: true,
      });
      if (claims.iss !== account.server) throw new PushVerifyError('wrong_audience', 'The request names another server as its issuer.');
    } catch (error) {
      const code = error instanceof PushVerifyError ? error.code : 'error';
      this.deps.log(`push ${account.id}: dropped a request from the ${source} (${code})`);
      return;
    }
    if (this.stopped || this.live.get(account.id) !== live) return;
    if (this.isKnown(account.id, claims.jti, claims.nonce)) {
      this.deps.log(`push ${account.id}: request ${claims.jti} from the ${source} already known; not shown again`);
      return;
    }
    const view: PendingRequestView = {
      id: claims.jti,
      accountId: account.id,
      issuer: account.issuer,
      account: account.account,
      server: account.server,
      application: claims.context.application,
      browser: claims.context.browser,
      os: claims.context.os,
      ip: claims.context.ip,
      location: claims.context.location,
      createdAt: claims.iat * 1000,
      expiresAt: claims.exp * 1000,
      numberMatching: claims.numberMatching,
    };
    live.queue.push({ view, nonce: claims.nonce });
    live.queue.sort((a, b) => a.view.createdAt - b.view.createdAt);
    this.deps.log(`push ${account.id}: request ${claims.jti} received from the ${source}`);
    this.scheduleExpiry();
    this.deps.onRequest({ ...view });
    this.deps.onChanged();
  }

  /** The server says a request is over: stop showing it. */
  private async closed(live: LiveAccount, requestId: string, outcome: 'approved' | 'denied' | 'expired' | 'fraud'): Promise<void> {
    const mapped: PushOutcome = outcome === 'expired' ? 'expired' : 'answered-elsewhere';
    if (this.answering.has(requestId)) {
      // Our own decision in flight: its answer decides the history line, unless it fails.
      this.answering.set(requestId, mapped);
      return;
    }
    const request = live.queue.find((p) => p.view.id === requestId);
    if (request) {
      await this.retire(live, request, mapped);
      return;
    }
    // Closed before it ever arrived (or after a restart): make sure a late copy is not shown.
    if (!this.isKnown(live.stored.id, requestId, null)) this.remember({ accountId: live.stored.id, jti: requestId, nonce: null });
  }

  /** Moves a request from pending to history and saves. */
  private async retire(live: LiveAccount, request: PendingRequest, outcome: PushOutcome): Promise<void> {
    const index = live.queue.indexOf(request);
    if (index < 0) return;
    live.queue.splice(index, 1);
    const v = request.view;
    const entry: PushHistoryEntry = {
      id: v.id,
      accountId: v.accountId,
      issuer: v.issuer,
      account: v.account,
      application: v.application,
      browser: v.browser,
      ip: v.ip,
      location: v.location,
      at: this.deps.clock.now(),
      outcome,
    };
    this.stored = { ...this.stored, history: [entry, ...this.stored.history].slice(0, HISTORY_LIMIT) };
    this.remember({ accountId: v.accountId, jti: v.id, nonce: request.nonce });
    this.deps.onChanged();
    await this.save();
  }

  private remember(seen: SeenRequest): void {
    const list = [...(this.stored.seen ?? []), seen];
    this.stored = { ...this.stored, seen: list.slice(-SEEN_LIMIT) };
  }

  private async save(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.deps.persist(snapshot(this.stored));
    } catch (error) {
      // The history is a convenience; a failed save must not undo a decision the server has taken.
      this.deps.log(`push: could not save the push history (${error instanceof Error ? error.name : 'error'})`);
    }
  }

  /** True when a request with this id (or nonce) is pending, in the history or remembered as handled. */
  private isKnown(accountId: string, jti: string, nonce: string | null): boolean {
    for (const live of this.live.values()) {
      if (live.queue.some((p) => (p.view.id === jti && p.view.accountId === accountId) || (nonce !== null && p.nonce === nonce))) return true;
    }
    if (this.stored.history.some((h) => h.id === jti && h.accountId === accountId)) return true;
    return (this.stored.seen ?? []).some((s) => (s.accountId === accountId && s.jti === jti) || (nonce !== null && s.nonce === nonce));
  }

  private allPending(): PendingRequest[] {
    return [...this.live.values()].flatMap((l) => l.queue).sort((a, b) => a.view.createdAt - b.view.createdAt);
  }

  private findPending(requestId: string): { live: LiveAccount; request: PendingRequest } | null {
    for (const live of this.live.values()) {
      const request = live.queue.find((p) => p.view.id === requestId);
      if (request) return { live, request };
    }
    return null;
  }

  /** Moves every expired request to the history. Requests being answered are left to their answer. */
  private sweepExpired(): void {
    if (this.stopped) return;
    const now = this.deps.clock.now();
    for (const live of this.live.values()) {
      for (const request of [...live.queue]) {
        if (request.view.expiresAt <= now && !this.answering.has(request.view.id)) {
          this.deps.log(`push ${live.stored.id}: request ${request.view.id} expired`);
          void this.retire(live, request, 'expired');
        }
      }
    }
    this.scheduleExpiry();
  }

  private scheduleExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    if (this.stopped) return;
    const next = Math.min(...this.allPending().map((p) => p.view.expiresAt));
    if (!Number.isFinite(next)) return;
    const delay = Math.min(Math.max(next - this.deps.clock.now(), 0) + 10, 60_000);
    this.expiryTimer = setTimeout(() => {
      this.expiryTimer = null;
      this.sweepExpired();
    }, delay);
  }

  private view(account: StoredPushAccount): PushAccountView {
    const live = this.live.get(account.id);
    return {
      id: account.id,
      issuer: account.issuer,
      account: account.account,
      server: account.server,
      status: live?.blocked ? 'offline' : (live?.connection?.status ?? (this.started ? 'reconnecting' : 'offline')),
      lastContact: live?.connection?.lastContact ?? null,
      pending: live?.queue.length ?? 0,
    };
  }

  private requireRunning(): void {
    if (this.stopped) throw new TwofoldError('VAULT_LOCKED', 'The vault is locked. Unlock it first.');
  }
}

function expiredError(): TwofoldError {
  return new TwofoldError('PUSH_REQUEST_EXPIRED', 'This sign-in request has expired. Start the sign-in again if it was you.');
}

/** A copy of the state that later changes to the manager cannot reach. */
function snapshot(state: PushVaultState): PushVaultState {
  return {
    accounts: state.accounts.map((a) => ({ ...a, devicePrivateJwk: { ...a.devicePrivateJwk }, serverKey: { ...a.serverKey } })),
    history: state.history.map((h) => ({ ...h })),
    seen: (state.seen ?? []).map((s) => ({ ...s })),
  };
}
