/**
 * The identity provider's push service: sends sign-in requests to a user's devices, takes their
 * decisions, enrolls and revokes devices, and guards against push fatigue. The sign-in pages use it
 * through the PushService interface; devices reach it through the routes in push-routes.ts.
 */
import { createHash, randomInt } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { z } from 'zod';
import {
  DecisionClaimsSchema,
  DeviceAuthClaimsSchema,
  ENROLLMENT_TTL_SECONDS,
  HEARTBEAT_SECONDS,
  PUSH_PATHS,
  RegistrationClaimsSchema,
  formatEnrollmentUri,
  type PublicJwk,
  type RegistrationResult,
  type SignInContext,
} from '../../common/push-protocol';
import { PushVerifyError, importVerifyKey, randomId, signMessage, verifyMessage } from '../../common/push-jws';
import type { DeviceView, PushRequestState, PushService, ServerContext } from '../context';
import { createDeviceSockets } from './device-sockets';
import { createDeviceVerifier, refuse, type VerifiedDevice } from './device-messages';
import { registerPushRoutes } from './push-routes';

/** Outstanding-request window of the fatigue guard: at most this many requests per user… */
export const RATE_LIMIT_COUNT = 5;
/** …within this many milliseconds. */
export const RATE_LIMIT_WINDOW_MS = 15 * 60 * 1000;
/** How long pushes stay muted after "this wasn't me", in milliseconds. */
export const FRAUD_MUTE_MS = 20 * 60 * 1000;
/** Wrong numbers accepted before a request is denied. */
export const MAX_WRONG_NUMBERS = 3;

/** Options of the push service (all optional; the defaults are the protocol's). */
export interface PushServiceOptions {
  /** The issuer name shown in enrollment links; default "Twofold IdP". */
  issuer?: string;
  /** Heartbeat ping interval in milliseconds; default HEARTBEAT_SECONDS. */
  heartbeatMs?: number;
  /** How long a new WebSocket may take to authenticate, in milliseconds; default 10 s. */
  authTimeoutMs?: number;
}

/** The push service with what the server's composition root needs besides PushService. */
export type PushServiceHandle = PushService & {
  /** Registers the device-facing routes (PUSH_PATHS) on the server. */
  registerRoutes(app: FastifyInstance): Promise<void>;
  /** Closes every device socket and stops every timer. */
  close(): Promise<void>;
  /** Number of devices with an open, authenticated WebSocket. */
  connectedDevices(): number;
};

/** What a decision ended as, as the decisions endpoint answers. */
export type DecisionStatus = 'approved' | 'denied';

/** The operations the device-facing routes call; internal to server/push. */
export interface PushEndpoints {
  /** Registers a device from a parsed registration body. */
  register(body: { code: string; deviceName: string; publicKey: PublicJwk; proof: string }): Promise<RegistrationResult>;
  /** Verifies a connection-authentication JWS; returns the device. */
  authenticate(jws: string): Promise<VerifiedDevice>;
  /** Verifies a poll JWS; returns the pending requests for the device, freshly signed. */
  poll(jws: string): Promise<string[]>;
  /** Verifies and applies a decision JWS. */
  decide(jws: string): Promise<DecisionStatus>;
  /** Marks the device as seen now. */
  touch(deviceId: string): void;
}

interface RequestRow {
  id: string;
  user_id: string;
  nonce: string;
  number: number;
  number_matching: number;
  context: string;
  status: PushRequestState;
  wrong_numbers: number;
  created_at: number;
  expires_at: number;
}

interface DeviceRow {
  id: string;
  name: string;
  created_at: number;
  last_seen_at: number | null;
  revoked_at: number | null;
}

type Settled = Exclude<PushRequestState, 'pending'>;

/** Hashes a one-time enrollment code: the database never holds a usable code. */
function hashCode(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

/** Creates the push service over the server context (ctx.config.origin is read at request time). */
export function createPushService(ctx: ServerContext, options: PushServiceOptions = {}): PushServiceHandle {
  const { db, clock } = ctx;
  const issuer = options.issuer ?? 'Twofold IdP';
  const authTimeoutMs = options.authTimeoutMs ?? 10_000;
  const sql = {
    user: db.prepare<[string], { email: string }>('SELECT email FROM users WHERE id = ?'),
    activeDeviceIds: db.prepare<[string], { id: string }>('SELECT id FROM devices WHERE user_id = ? AND revoked_at IS NULL'),
    hasDevice: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM devices WHERE user_id = ? AND revoked_at IS NULL LIMIT 1'),
    devices: db.prepare<[string], DeviceRow>('SELECT id, name, created_at, last_seen_at, revoked_at FROM devices WHERE user_id = ? ORDER BY created_at, id'),
    revoke: db.prepare('UPDATE devices SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL'),
    deviceOwned: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM devices WHERE id = ? AND user_id = ?'),
    touch: db.prepare('UPDATE devices SET last_seen_at = ? WHERE id = ?'),
    insertDevice: db.prepare('INSERT INTO devices (id, user_id, name, public_jwk, created_at) VALUES (?, ?, ?, ?, ?)'),
    enrollment: db.prepare<[string], { user_id: string; expires_at: number; used_at: number | null }>(
      'SELECT user_id, expires_at, used_at FROM enrollments WHERE code_hash = ?',
    ),
    useEnrollment: db.prepare('UPDATE enrollments SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?'),
    insertEnrollment: db.prepare('INSERT INTO enrollments (code_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)'),
    mute: db.prepare<[string, number], { until: number }>('SELECT until FROM push_mutes WHERE user_id = ? AND until > ?'),
    setMute: db.prepare('INSERT INTO push_mutes (user_id, until) VALUES (?, ?) ON CONFLICT(user_id) DO UPDATE SET until = excluded.until'),
    request: db.prepare<[string], RequestRow>('SELECT * FROM push_requests WHERE id = ?'),
    pendingOfUser: db.prepare<[string], RequestRow>("SELECT * FROM push_requests WHERE user_id = ? AND status = 'pending' ORDER BY created_at DESC"),
    allPending: db.prepare<[], RequestRow>("SELECT * FROM push_requests WHERE status = 'pending'"),
    recent: db.prepare<[string, number], { n: number; oldest: number | null }>(
      'SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM push_requests WHERE user_id = ? AND created_at > ?',
    ),
    insertRequest: db.prepare(
      "INSERT INTO push_requests (id, user_id, nonce, number, number_matching, context, status, created_at, expires_at) VALUES (?, ?, ?, ?, 1, ?, 'pending', ?, ?)",
    ),
    // Every state change is conditional on 'pending': exactly one outcome wins, whatever the race.
    settle: db.prepare("UPDATE push_requests SET status = ?, decided_at = ?, decided_by = ? WHERE id = ? AND status = 'pending'"),
    expire: db.prepare("UPDATE push_requests SET status = 'expired', decided_at = ? WHERE id = ? AND status = 'pending' AND expires_at <= ?"),
    wrongNumber: db.prepare<[string], { wrong_numbers: number }>(
      "UPDATE push_requests SET wrong_numbers = wrong_numbers + 1 WHERE id = ? AND status = 'pending' RETURNING wrong_numbers",
    ),
    purgeNonces: db.prepare('DELETE FROM device_nonces WHERE expires_at <= ?'),
    deviceOwner: db.prepare<[string], { user_id: string }>('SELECT user_id FROM devices WHERE id = ?'),
  };

  const watchers = new Map<string, Set<(state: PushRequestState) => void>>();
  const expiryTimers = new Map<string, NodeJS.Timeout>();
  // Unauthenticated sockets and their authentication deadline timer.
  const handshakes = new Map<WebSocket, NodeJS.Timeout>();
  let closed = false;

  const sockets = createDeviceSockets({
    heartbeatMs: options.heartbeatMs ?? HEARTBEAT_SECONDS * 1000,
    onDisconnect: (deviceId) => {
      if (!closed) sql.touch.run(clock.now(), deviceId);
    },
  });
  const verifier = createDeviceVerifier(ctx);
  // Nonces older than their memory are useless (their iat is stale anyway): purge them now and then.
  const purge = setInterval(() => sql.purgeNonces.run(clock.now()), 60_000);
  purge.unref();

  function notify(requestId: string, state: PushRequestState): void {
    const set = watchers.get(requestId);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(state);
      } catch (error) {
        // A page's listener failing must not stop the others from hearing the outcome.
        console.error('push: a request watcher failed:', error instanceof Error ? error.message : String(error));
      }
    }
  }

  /** After a request left 'pending': tell watchers and every device of the user to stop showing it. */
  function settled(row: Pick<RequestRow, 'id' | 'user_id'>, state: Settled): void {
    const timer = expiryTimers.get(row.id);
    if (timer) clearTimeout(timer);
    expiryTimers.delete(row.id);
    notify(row.id, state);
    watchers.delete(row.id);
    const frame = JSON.stringify({ type: 'closed', requestId: row.id, outcome: state });
    for (const { id } of sql.activeDeviceIds.all(row.user_id)) sockets.send(id, frame);
  }

  /** Expires the request if its time is up; true if it is (now) expired. */
  function expireIfDue(row: RequestRow): boolean {
    if (row.status === 'expired') return true;
    if (row.status !== 'pending') return false;
    const now = clock.now();
    if (row.expires_at > now) return false;
    if (sql.expire.run(now, row.id, now).changes === 1) {
      ctx.audit(row.user_id, 'push.expired', { requestId: row.id });
      settled(row, 'expired');
    }
    return true;
  }

  function onExpiryTimer(requestId: string): void {
    expiryTimers.delete(requestId);
    if (closed) return;
    const row = sql.request.get(requestId);
    if (!row || row.status !== 'pending') return;
    // Under a clock that is not wall time (tests), the timer may fire early: look again later.
    if (!expireIfDue(row)) scheduleExpiry(row);
  }

  function scheduleExpiry(row: RequestRow): void {
    if (closed || expiryTimers.has(row.id)) return;
    const delay = Math.min(Math.max(row.expires_at - clock.now(), 0), 2 ** 31 - 1);
    const timer = setTimeout(onExpiryTimer, delay, row.id);
    timer.unref();
    expiryTimers.set(row.id, timer);
  }

  function signRequest(row: RequestRow, deviceId: string, account: string): Promise<string> {
    const context = JSON.parse(row.context) as SignInContext;
    return signMessage(
      'request',
      {
        v: 1,
        jti: row.id,
        nonce: row.nonce,
        iss: ctx.config.origin,
        aud: deviceId,
        sub: account,
        context,
        numberMatching: row.number_matching === 1,
        iat: Math.floor(row.created_at / 1000),
        // Rounded down so a device never shows a request the server has already expired.
        exp: Math.floor(row.expires_at / 1000),
      },
      ctx.serverKey.privateKey,
    );
  }

  /** The user's pending requests after applying expiry, newest first. */
  function livePending(userId: string): RequestRow[] {
    return sql.pendingOfUser.all(userId).filter((row) => !expireIfDue(row));
  }

  type StartResult = Awaited<ReturnType<PushService['startSignIn']>>;

  /** Synchronous part of startSignIn: no await between the checks and the insert, so two sign-ins can't both pass. */
  function admit(userId: string, context: SignInContext): StartResult | { create: RequestRow; account: string; deviceIds: string[] } {
    const now = clock.now();
    const mute = sql.mute.get(userId, now);
    if (mute) {
      ctx.audit(userId, 'push.muted', { until: mute.until });
      return { ok: false, reason: 'muted', until: mute.until };
    }
    const outstanding = livePending(userId)[0];
    if (outstanding) return { ok: true, requestId: outstanding.id, number: outstanding.number, expiresAt: outstanding.expires_at };
    const user = sql.user.get(userId);
    const deviceIds = user ? sql.activeDeviceIds.all(userId).map((d) => d.id) : [];
    if (!user || deviceIds.length === 0) return { ok: false, reason: 'no_device' };
    const recent = sql.recent.get(userId, now - RATE_LIMIT_WINDOW_MS);
    if (recent && recent.n >= RATE_LIMIT_COUNT && recent.oldest !== null) {
      const until = recent.oldest + RATE_LIMIT_WINDOW_MS;
      ctx.audit(userId, 'push.rate_limited', { until });
      return { ok: false, reason: 'rate_limited', until };
    }
    const row: RequestRow = {
      id: randomId(),
      user_id: userId,
      nonce: randomId(),
      number: randomInt(10, 100),
      number_matching: 1,
      context: JSON.stringify(context),
      status: 'pending',
      wrong_numbers: 0,
      created_at: now,
      expires_at: now + ctx.config.pushTimeoutSeconds * 1000,
    };
    sql.insertRequest.run(row.id, userId, row.nonce, row.number, row.context, row.created_at, row.expires_at);
    return { create: row, account: user.email, deviceIds };
  }

  type DecideOutcome =
    | { ok: true; row: RequestRow; state: Exclude<Settled, 'expired'> }
    | { ok: false; row?: RequestRow; code: 'request_unknown' | 'request_expired' | 'already_answered' | 'wrong_number'; message: string; state?: Settled };

  /** Applies a verified decision in one transaction: check and set can't be split by another decision. */
  const applyDecision = db.transaction((device: VerifiedDevice, claims: z.output<typeof DecisionClaimsSchema>): DecideOutcome => {
    const now = clock.now();
    const row = sql.request.get(claims.requestId);
    if (!row || row.user_id !== device.userId) {
      return { ok: false, code: 'request_unknown', message: 'There is no such request for this device.' };
    }
    if (row.status === 'pending' && row.expires_at <= now) {
      sql.expire.run(now, row.id, now);
      ctx.audit(row.user_id, 'push.expired', { requestId: row.id });
      return { ok: false, row, code: 'request_expired', message: 'The request has expired; sign in again.', state: 'expired' };
    }
    if (row.status === 'expired') return { ok: false, row, code: 'request_expired', message: 'The request has expired; sign in again.' };
    if (row.status !== 'pending') return { ok: false, row, code: 'already_answered', message: 'The request was already answered.' };
    if (claims.decision === 'approve' && row.number_matching === 1 && claims.number !== row.number) {
      const wrong = sql.wrongNumber.get(row.id)?.wrong_numbers ?? MAX_WRONG_NUMBERS;
      if (wrong >= MAX_WRONG_NUMBERS) {
        sql.settle.run('denied', now, device.id, row.id);
        ctx.audit(row.user_id, 'push.denied', { requestId: row.id, deviceId: device.id, reason: 'wrong_number' });
        return { ok: false, row, code: 'wrong_number', message: `The number does not match the sign-in page. After ${MAX_WRONG_NUMBERS} wrong numbers the request was denied.`, state: 'denied' };
      }
      return { ok: false, row, code: 'wrong_number', message: 'The number does not match the one shown on the sign-in page. Check it and try again.' };
    }
    const state: Exclude<Settled, 'expired'> = claims.decision === 'approve' ? 'approved' : claims.reason === 'not-me' ? 'fraud' : 'denied';
    if (sql.settle.run(state, now, device.id, row.id).changes !== 1) {
      return { ok: false, row, code: 'already_answered', message: 'The request was already answered.' };
    }
    if (state === 'fraud') {
      sql.setMute.run(row.user_id, now + FRAUD_MUTE_MS);
      ctx.audit(row.user_id, 'push.fraud', { requestId: row.id, deviceId: device.id, mutedUntil: now + FRAUD_MUTE_MS });
    } else {
      ctx.audit(row.user_id, `push.${state}`, { requestId: row.id, deviceId: device.id });
    }
    return { ok: true, row, state };
  });

  const endpoints: PushEndpoints = {
    async register(body) {
      const now = clock.now();
      let key;
      try {
        key = await importVerifyKey(body.publicKey);
      } catch {
        refuse('bad_request', 'The field publicKey is not a usable Ed25519 public key.');
      }
      const claims = await verifyMessage('registration', body.proof, key, RegistrationClaimsSchema, {
        now,
        audience: ctx.config.origin + PUSH_PATHS.devices,
        checkIssuedAt: true,
      });
      if (claims.code !== body.code) refuse('invalid_signature', 'The proof was made for another enrollment code.');
      const codeHash = hashCode(body.code);
      const register = db.transaction(() => {
        const enrollment = sql.enrollment.get(codeHash);
        if (!enrollment || sql.useEnrollment.run(now, codeHash, now).changes !== 1) {
          refuse('enrollment_invalid', 'This enrollment link is unknown, already used or expired. Create a new one on the security page.');
        }
        const user = sql.user.get(enrollment.user_id);
        if (!user) refuse('enrollment_invalid', 'This enrollment link is unknown, already used or expired. Create a new one on the security page.');
        const deviceId = randomId();
        sql.insertDevice.run(deviceId, enrollment.user_id, body.deviceName, JSON.stringify(body.publicKey), now);
        ctx.audit(enrollment.user_id, 'device.enrolled', { deviceId, name: body.deviceName });
        return { deviceId, account: user.email };
      });
      const { deviceId, account } = register();
      return { v: 1, deviceId, account, issuer, serverKey: ctx.serverKey.publicJwk };
    },

    async authenticate(jws) {
      const { device } = await verifier.verify('auth', jws, DeviceAuthClaimsSchema, PUSH_PATHS.stream);
      return device;
    },

    async poll(jws) {
      const { device } = await verifier.verify('poll', jws, DeviceAuthClaimsSchema, PUSH_PATHS.poll);
      endpoints.touch(device.id);
      const rows = livePending(device.userId);
      if (rows.length === 0) return [];
      const account = sql.user.get(device.userId)?.email ?? '';
      return Promise.all(rows.slice(0, 100).map((row) => signRequest(row, device.id, account)));
    },

    async decide(jws) {
      let verified;
      try {
        verified = await verifier.verify('decision', jws, DecisionClaimsSchema, PUSH_PATHS.decisions);
      } catch (error) {
        auditRefusal(jws, error);
        throw error;
      }
      const { device, claims } = verified;
      endpoints.touch(device.id);
      const outcome = applyDecision(device, claims);
      if (outcome.ok) {
        settled(outcome.row, outcome.state);
        return outcome.state === 'approved' ? 'approved' : 'denied';
      }
      if (outcome.row && outcome.state) settled(outcome.row, outcome.state);
      ctx.audit(device.userId, 'push.decision_refused', { requestId: claims.requestId, deviceId: device.id, error: outcome.code });
      refuse(outcome.code, outcome.message);
    },

    touch(deviceId) {
      sql.touch.run(clock.now(), deviceId);
    },
  };

  /** Audits a decision refused before the request was looked at, when the claimed device exists. */
  function auditRefusal(jws: string, error: unknown): void {
    if (!(error instanceof PushVerifyError)) return;
    const code = error.code;
    try {
      const payload = JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: unknown; requestId?: unknown };
      if (typeof payload.sub !== 'string') return;
      const owner = sql.deviceOwner.get(payload.sub);
      // Unverified fields are only echoed when they look like ids: nothing an attacker writes reaches the log as free text.
      const requestId = typeof payload.requestId === 'string' && /^[A-Za-z0-9_-]{8,64}$/.test(payload.requestId) ? payload.requestId : null;
      if (owner) ctx.audit(owner.user_id, 'push.decision_refused', { requestId, deviceId: payload.sub, error: code });
    } catch {
      // Not even a readable payload: there is no user to attribute it to.
    }
  }

  // Requests left pending by a previous run still expire on time.
  for (const row of sql.allPending.all()) if (!expireIfDue(row)) scheduleExpiry(row);

  return {
    async startSignIn(userId, context) {
      const admitted = admit(userId, context);
      if (!('create' in admitted)) return admitted;
      const { create: row, account, deviceIds } = admitted;
      scheduleExpiry(row);
      const copies = await Promise.all(deviceIds.map(async (deviceId) => ({ deviceId, jws: await signRequest(row, deviceId, account) })));
      let delivered = 0;
      for (const { deviceId, jws } of copies) delivered += sockets.send(deviceId, JSON.stringify({ type: 'request', jws }));
      ctx.audit(userId, 'push.sent', {
        requestId: row.id,
        devices: deviceIds.length,
        connected: delivered,
        application: context.application,
        browser: context.browser,
        os: context.os,
        ip: context.ip,
        location: context.location,
      });
      return { ok: true, requestId: row.id, number: row.number, expiresAt: row.expires_at };
    },

    state(userId, requestId) {
      const row = sql.request.get(requestId);
      if (!row || row.user_id !== userId) return null;
      return expireIfDue(row) ? 'expired' : row.status;
    },

    watch(requestId, listener) {
      let set = watchers.get(requestId);
      if (!set) {
        set = new Set();
        watchers.set(requestId, set);
      }
      set.add(listener);
      return () => {
        const current = watchers.get(requestId);
        if (!current) return;
        current.delete(listener);
        if (current.size === 0) watchers.delete(requestId);
      };
    },

    createEnrollment(userId, accountName) {
      const now = clock.now();
      const code = randomId();
      const expiresAt = now + ENROLLMENT_TTL_SECONDS * 1000;
      sql.insertEnrollment.run(hashCode(code), userId, now, expiresAt);
      ctx.audit(userId, 'device.enrollment_created', { expiresAt });
      const uri = formatEnrollmentUri({ server: ctx.config.origin, code, fingerprint: ctx.serverKey.thumbprint, account: accountName, issuer });
      return { uri, expiresAt };
    },

    devices(userId) {
      return sql.devices.all(userId).map(
        (d): DeviceView => ({
          id: d.id,
          name: d.name,
          createdAt: d.created_at,
          lastSeenAt: d.last_seen_at,
          revokedAt: d.revoked_at,
          connected: sockets.connected(d.id),
        }),
      );
    },

    revokeDevice(userId, deviceId) {
      if (!sql.deviceOwned.get(deviceId, userId)) return false;
      if (sql.revoke.run(clock.now(), deviceId, userId).changes === 1) {
        ctx.audit(userId, 'device.revoked', { deviceId });
        verifier.forget(deviceId);
        sockets.closeDevice(deviceId, 4401, 'revoked');
      }
      return true;
    },

    hasDevice(userId) {
      return sql.hasDevice.get(userId) !== undefined;
    },

    async registerRoutes(app) {
      await registerPushRoutes(app, { endpoints, sockets, handshakes, authTimeoutMs });
    },

    async close() {
      closed = true;
      clearInterval(purge);
      for (const timer of expiryTimers.values()) clearTimeout(timer);
      expiryTimers.clear();
      for (const [socket, timer] of handshakes) {
        clearTimeout(timer);
        socket.terminate();
      }
      handshakes.clear();
      sockets.close();
      watchers.clear();
    },

    connectedDevices() {
      return sockets.deviceCount();
    },
  };
}
