/**
 * Browser sessions: a random id in the `sid` cookie, only its SHA-256 in the database, a CSRF
 * token per session, and three stages (anonymous → second-factor → full).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db';

/** How far a session has got. */
export type SessionStage = 'anonymous' | 'second-factor' | 'full';

/** The cookie holding the session id. */
export const SESSION_COOKIE = 'sid';
/** Lifetime of anonymous and signed-in sessions. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** Lifetime of a session between the password and the second step. */
export const SECOND_FACTOR_TTL_MS = 15 * 60 * 1000;

/** What a session remembers between requests. */
export const SessionDataSchema = z.object({
  pushRequestId: z.string().optional(),
  pushNumber: z.number().int().optional(),
  pushExpiresAt: z.number().optional(),
  remember: z.boolean().optional(),
  /** One-shot messages for the next page (post/redirect/get). */
  notice: z.string().optional(),
  error: z.string().optional(),
});
/** What a session remembers between requests. */
export type SessionData = z.output<typeof SessionDataSchema>;

/** A loaded session. `id` is the raw cookie value, known only for the request that carries it. */
export interface Session {
  id: string;
  idHash: string;
  userId: string | null;
  stage: SessionStage;
  csrf: string;
  passwordVersion: number | null;
  data: SessionData;
  expiresAt: number;
}

interface SessionRow {
  id_hash: string;
  user_id: string | null;
  stage: SessionStage;
  csrf: string;
  password_version: number | null;
  data: string;
  expires_at: number;
}

function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

/** SHA-256 of a session id, as stored: a leaked database holds no usable cookie. */
export function hashSessionId(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}

/** Compares two secrets in constant time (for equal lengths; different lengths simply fail). */
export function secretsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The session table. */
export interface SessionStore {
  /** The live session for a cookie value, or null if unknown, expired, or its user's password changed. */
  load(cookieValue: string | undefined): Session | null;
  /** A new anonymous session. */
  createAnonymous(): Session;
  /** Replaces a session with a new id (the old row is deleted), at a new stage, with a new CSRF token. */
  rotate(old: Session | null, next: { userId: string; stage: SessionStage; passwordVersion: number; data?: SessionData }): Session;
  /** Saves a session's data. */
  saveData(session: Session): void;
  /** Deletes one session. */
  remove(session: Session): void;
  /** Deletes every session of a user (password change). */
  removeAllForUser(userId: string): void;
}

/** Builds the session store over the database and clock. */
export function createSessionStore(db: Db, now: () => number): SessionStore {
  const insert = db.prepare(
    'INSERT INTO sessions (id_hash, user_id, stage, csrf, password_version, data, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const select = db.prepare('SELECT s.*, u.password_version AS user_version FROM sessions s LEFT JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?');
  const del = db.prepare('DELETE FROM sessions WHERE id_hash = ?');
  const purge = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');

  function create(userId: string | null, stage: SessionStage, passwordVersion: number | null, data: SessionData): Session {
    const t = now();
    // Opportunistic cleanup keeps the table small without a timer.
    purge.run(t);
    const id = randomToken();
    const ttl = stage === 'second-factor' ? SECOND_FACTOR_TTL_MS : SESSION_TTL_MS;
    const session: Session = { id, idHash: hashSessionId(id), userId, stage, csrf: randomToken(), passwordVersion, data, expiresAt: t + ttl };
    insert.run(session.idHash, userId, stage, session.csrf, passwordVersion, JSON.stringify(data), t, session.expiresAt);
    return session;
  }

  return {
    load(cookieValue) {
      if (!cookieValue || cookieValue.length > 100) return null;
      const idHash = hashSessionId(cookieValue);
      const row = select.get(idHash) as (SessionRow & { user_version: number | null }) | undefined;
      if (!row) return null;
      const stale = row.expires_at <= now() || (row.user_id !== null && row.user_version !== row.password_version);
      if (stale) {
        del.run(idHash);
        return null;
      }
      const parsed = SessionDataSchema.safeParse(JSON.parse(row.data));
      return {
        id: cookieValue,
        idHash,
        userId: row.user_id,
        stage: row.stage,
        csrf: row.csrf,
        passwordVersion: row.password_version,
        data: parsed.success ? parsed.data : {},
        expiresAt: row.expires_at,
      };
    },
    createAnonymous() {
      return create(null, 'anonymous', null, {});
    },
    rotate(old, next) {
      if (old) del.run(old.idHash);
      return create(next.userId, next.stage, next.passwordVersion, next.data ?? {});
    },
    saveData(session) {
      db.prepare('UPDATE sessions SET data = ? WHERE id_hash = ?').run(JSON.stringify(session.data), session.idHash);
    },
    remove(session) {
      del.run(session.idHash);
    },
    removeAllForUser(userId) {
      db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId);
    },
  };
}
