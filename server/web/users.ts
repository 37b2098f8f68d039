/**
 * The identity provider's users: creation, lookup, and password hashing with scrypt.
 * Hash format: `scrypt$N$r$p$salt$hash`, salt and hash in base64.
 */
import { randomBytes, randomUUID, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { Db } from '../db';
import type { ServerContext } from '../context';

/** A row of the users table. */
export interface UserRow {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
  password_hash: string;
  password_version: number;
  default_method: 'push' | 'code';
  totp_secret: string | null;
  totp_pending_secret: string | null;
  totp_last_counter: number | null;
  created_at: number;
}

/** scrypt cost: N = 2^15, r = 8, p = 1 (about 32 MiB and ~100 ms per hash). */
export const SCRYPT_PARAMS = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
// The default maxmem (32 MiB) is exactly 128·N·r, which Node refuses; give it headroom.
const MAX_MEM = 64 * 1024 * 1024;

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Hashes a password with a fresh 16-byte salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const { N, r, p } = SCRYPT_PARAMS;
  const key = await scryptAsync(password, salt, KEY_BYTES, { N, r, p, maxmem: MAX_MEM });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Checks a password against a stored hash in constant time; a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  // Bounds: a tampered row must not make one sign-in burn gigabytes or minutes.
  if (!Number.isInteger(N) || N < 2 ** 14 || N > 2 ** 20 || (N & (N - 1)) !== 0) return false;
  if (!Number.isInteger(r) || r < 1 || r > 32 || !Number.isInteger(p) || p < 1 || p > 16) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (salt.length < SALT_BYTES || expected.length < 16) return false;
  const actual = await scryptAsync(password, salt, expected.length, { N, r, p, maxmem: Math.max(MAX_MEM, 256 * N * r) });
  return timingSafeEqual(actual, expected);
}

/** The user with this email (case-insensitive), if any. */
export function findUserByEmail(db: Db, email: string): UserRow | undefined {
  return db.prepare('SELECT * FROM users WHERE email = ?').get(email.trim()) as UserRow | undefined;
}

/** The user with this id, if any. */
export function findUserById(db: Db, id: string): UserRow | undefined {
  return db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
}

/** What a new user needs. */
export interface NewUser {
  email: string;
  firstName: string;
  lastName: string;
  password: string;
  defaultMethod?: 'push' | 'code';
}

/** Creates a user and returns it. Throws if the email is taken (UNIQUE constraint). */
export async function createUser(db: Db, now: number, user: NewUser): Promise<UserRow> {
  const id = randomUUID();
  const hash = await hashPassword(user.password);
  db.prepare(
    'INSERT INTO users (id, email, first_name, last_name, password_hash, default_method, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ).run(id, user.email.trim(), user.firstName, user.lastName, hash, user.defaultMethod ?? 'push', now);
  return findUserById(db, id)!;
}

/** Checks an email and password pair without revealing, by result or by timing, whether the user exists. */
export interface PasswordChecker {
  /** The user when both match; null otherwise (unknown email and wrong password look the same). */
  authenticate(email: string, password: string): Promise<UserRow | null>;
}

/** Builds a checker; its dummy hash makes an unknown email cost as much as a wrong password. */
export function createPasswordChecker(db: Db): PasswordChecker {
  // Made up front, so even the first unknown email costs one scrypt, like a known one.
  const dummy = hashPassword(randomBytes(16).toString('base64'));
  return {
    async authenticate(email, password) {
      const user = email.length <= 254 ? findUserByEmail(db, email) : undefined;
      if (!user) {
        await verifyPassword(password, await dummy);
        return null;
      }
      return (await verifyPassword(password, user.password_hash)) ? user : null;
    },
  };
}

/** The demo account `npm run idp -- --demo` prints. */
export const DEMO_EMAIL = 'demo@twofold.test';
const DEMO_PASSWORD = 'twofold-demo-2024';

/** Creates the demo user if missing (idempotent) and returns how to sign in as it. */
export async function seedDemoUser(ctx: ServerContext): Promise<{ email: string; password: string }> {
  const existing = findUserByEmail(ctx.db, DEMO_EMAIL);
  if (!existing) {
    await createUser(ctx.db, ctx.clock.now(), { email: DEMO_EMAIL, firstName: 'Demo', lastName: 'User', password: DEMO_PASSWORD, defaultMethod: 'push' });
  }
  // A changed demo password is not reprinted: the seed never overwrites what the user chose.
  return { email: DEMO_EMAIL, password: DEMO_PASSWORD };
}
