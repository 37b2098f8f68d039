/**
 * What the identity provider's parts share: configuration, the database, the clock, the server
 * key, the audit log, and the push service the sign-in pages use.
 */
import type { Db } from './db';
import type { SignInContext } from '../common/push-protocol';
import type { SigningKeyPair } from '../common/push-jws';

/** Time in milliseconds; injected so tests can move it. */
export interface ServerClock {
  now(): number;
}

/** Settings of one running identity provider. */
export interface ServerConfig {
  /** The public origin, e.g. http://127.0.0.1:8787: used in enrollment links and as JWS audience base. */
  origin: string;
  /** Cookies get `Secure` when the origin is https. */
  secureCookies: boolean;
  /** Seconds a push request waits for an answer (DESIGN: 60). */
  pushTimeoutSeconds: number;
  /** Secret for signing the remember-this-device cookie (32 random bytes, kept in the data folder). */
  cookieSecret: Buffer;
}

/** The state of one push sign-in request, as the waiting page sees it. */
export type PushRequestState = 'pending' | 'approved' | 'denied' | 'fraud' | 'expired';

/** Why a push could not be sent. */
export type PushRefusal = 'no_device' | 'muted' | 'rate_limited';

/** A user's enrolled device, for the security page. */
export interface DeviceView {
  id: string;
  name: string;
  createdAt: number;
  lastSeenAt: number | null;
  revokedAt: number | null;
  connected: boolean;
}

/** The push service as the web pages use it. server/push implements it. */
export interface PushService {
  /**
   * Sends a sign-in request to the user's devices (fatigue guard applied). An outstanding pending
   * request for the user is returned again instead of sending a new one.
   */
  startSignIn(
    userId: string,
    context: SignInContext,
  ): Promise<{ ok: true; requestId: string; number: number; expiresAt: number } | { ok: false; reason: PushRefusal; until?: number }>;
  /** The current state of a request (expiry applied). Null if unknown or not the user's. */
  state(userId: string, requestId: string): PushRequestState | null;
  /** Calls `listener` on every state change of the request until unsubscribed. */
  watch(requestId: string, listener: (state: PushRequestState) => void): () => void;
  /** A new one-time enrollment link for the user (valid 10 minutes). */
  createEnrollment(userId: string, accountName: string): { uri: string; expiresAt: number };
  /** The user's devices. */
  devices(userId: string): DeviceView[];
  /** Revokes one of the user's devices; false if it isn't theirs. */
  revokeDevice(userId: string, deviceId: string): boolean;
  /** Whether the user has at least one active device. */
  hasDevice(userId: string): boolean;
}

/** Everything a route needs. */
export interface ServerContext {
  config: ServerConfig;
  db: Db;
  clock: ServerClock;
  serverKey: SigningKeyPair;
  push: PushService;
  /** Appends to the audit log; `detail` must never contain secrets. */
  audit(userId: string, event: string, detail?: Record<string, unknown>): void;
}
