/**
 * The identity provider's SQLite database (better-sqlite3): one file in the data folder, or
 * `:memory:` in tests. The whole schema is here so the web and push halves agree on it.
 */
import Database from 'better-sqlite3';

/** An open database. */
export type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  first_name TEXT NOT NULL,
  last_name TEXT NOT NULL,
  password_hash TEXT NOT NULL,            -- scrypt$N$r$p$salt$hash (base64)
  password_version INTEGER NOT NULL DEFAULT 1, -- bumped on change: ends sessions, forgets remembered devices
  default_method TEXT NOT NULL DEFAULT 'push', -- 'push' | 'code'
  totp_secret TEXT,                       -- base32, set once confirmed
  totp_pending_secret TEXT,               -- base32, during enrollment
  totp_last_counter INTEGER,              -- the last accepted time step: a code is used once
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
  id_hash TEXT PRIMARY KEY,               -- SHA-256 of the cookie value; the raw id is never stored
  user_id TEXT,                           -- null before the password step
  stage TEXT NOT NULL,                    -- 'anonymous' | 'second-factor' | 'full'
  csrf TEXT NOT NULL,
  password_version INTEGER,
  data TEXT NOT NULL DEFAULT '{}',        -- JSON: pending push request id, remember choice, notices
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_id);
CREATE TABLE IF NOT EXISTS code_failures (
  user_id TEXT NOT NULL,
  at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS code_failures_user ON code_failures(user_id, at);
CREATE TABLE IF NOT EXISTS devices (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  name TEXT NOT NULL,
  public_jwk TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_seen_at INTEGER,
  revoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS devices_user ON devices(user_id);
CREATE TABLE IF NOT EXISTS enrollments (
  code_hash TEXT PRIMARY KEY,             -- SHA-256 of the one-time code
  user_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
);
CREATE TABLE IF NOT EXISTS push_requests (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  nonce TEXT NOT NULL,
  number INTEGER NOT NULL,                -- shown on the sign-in page, never sent to devices
  number_matching INTEGER NOT NULL,
  context TEXT NOT NULL,                  -- JSON SignInContext
  status TEXT NOT NULL,                   -- 'pending' | 'approved' | 'denied' | 'fraud' | 'expired'
  wrong_numbers INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  decided_at INTEGER,
  decided_by TEXT                         -- device id
);
CREATE INDEX IF NOT EXISTS push_requests_user ON push_requests(user_id, created_at);
CREATE TABLE IF NOT EXISTS device_nonces (
  nonce TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS push_mutes (
  user_id TEXT PRIMARY KEY,
  until INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  event TEXT NOT NULL,                    -- e.g. push.sent, push.approved, push.denied, push.fraud, push.expired, push.muted
  detail TEXT NOT NULL DEFAULT '{}'       -- JSON, never secrets
);
CREATE INDEX IF NOT EXISTS audit_user ON audit_log(user_id, at);
`;

/** Opens (creating if needed) the database at `path` and applies the schema. */
export function openDatabase(path: string): Db {
  const db = new Database(path);
  // WAL: the push service writes while pages read; a crash never corrupts the file.
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  return db;
}
