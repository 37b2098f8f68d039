/**
 * Authenticator codes (TOTP, SHA1, 6 digits, 30 s) on the identity provider: enrollment secrets,
 * checking a sign-in code (±1 time step, each step used once), and the guessing limit
 * (5 wrong codes within 5 minutes lock the account's code sign-in for 5 minutes).
 */
import { Secret, TOTP } from 'otpauth';
import type { Db } from '../db';

/** The issuer shown in authenticator apps. */
export const TOTP_ISSUER = 'Twofold IdP';
/** Wrong codes allowed within LOCKOUT_WINDOW_MS before the lockout. */
export const MAX_CODE_FAILURES = 5;
/** The window in which failures count, and the lockout's length. */
export const LOCKOUT_WINDOW_MS = 5 * 60 * 1000;

/** The texts the code pages show. */
export const CODE_MESSAGES = {
  format: 'Enter the 6-digit code from your authenticator app.',
  wrong: 'That code is not right. Enter the current 6-digit code from your authenticator app.',
  reused: 'This code has already been used. Wait for the next one.',
} as const;

/** The lockout message for the time left. */
export function lockoutMessage(remainingMs: number): string {
  const minutes = Math.max(1, Math.ceil(remainingMs / 60_000));
  return `Too many incorrect codes. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`;
}

function totpFor(secretBase32: string, account = 'account'): TOTP {
  return new TOTP({ issuer: TOTP_ISSUER, label: account, secret: Secret.fromBase32(secretBase32), algorithm: 'SHA1', digits: 6, period: 30 });
}

/** A new random 160-bit secret, base32. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The otpauth:// URI an authenticator app scans. */
export function totpUri(secretBase32: string, account: string): string {
  return totpFor(secretBase32, account).toString();
}

/** Removes spaces and hyphens people type inside codes; null unless exactly 6 digits remain. */
export function normaliseCode(raw: string): string | null {
  const code = raw.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(code) ? code : null;
}

/** The time step a code belongs to (current ±1), or null if it matches none. */
export function matchCode(secretBase32: string, code: string, now: number): number | null {
  const totp = totpFor(secretBase32);
  const delta = totp.validate({ token: code, timestamp: now, window: 1 });
  return delta === null ? null : totp.counter({ timestamp: now }) + delta;
}

/** Milliseconds left in the user's code lockout; 0 when not locked out. */
export function codeLockoutRemaining(db: Db, userId: string, now: number): number {
  const recent = db.prepare('SELECT at FROM code_failures WHERE user_id = ? ORDER BY at DESC LIMIT ?').all(userId, MAX_CODE_FAILURES) as { at: number }[];
  if (recent.length < MAX_CODE_FAILURES) return 0;
  const newest = recent[0]!.at;
  const oldest = recent[MAX_CODE_FAILURES - 1]!.at;
  if (newest - oldest >= LOCKOUT_WINDOW_MS) return 0;
  return Math.max(0, newest + LOCKOUT_WINDOW_MS - now);
}

/** The outcome of a sign-in code. */
export type CodeOutcome =
  | { ok: true; counter: number }
  | { ok: false; reason: 'format' | 'wrong' | 'reused'; message: string }
  /** `justLocked`: this very code was the wrong one that started the lockout. */
  | { ok: false; reason: 'locked'; message: string; justLocked: boolean };

/**
 * Checks a sign-in code for a user with an enrolled secret. Records wrong codes, refuses during a
 * lockout (even a right code: otherwise the lockout would not slow guessing at all), and marks the
 * accepted time step used.
 */
export function checkSignInCode(db: Db, user: { id: string; totp_secret: string | null }, raw: string, now: number): CodeOutcome {
  const locked = codeLockoutRemaining(db, user.id, now);
  if (locked > 0) return { ok: false, reason: 'locked', message: lockoutMessage(locked), justLocked: false };
  const code = normaliseCode(raw);
  if (code === null || !user.totp_secret) return { ok: false, reason: 'format', message: CODE_MESSAGES.format };
  const counter = matchCode(user.totp_secret, code, now);
  if (counter === null) {
    db.prepare('DELETE FROM code_failures WHERE at < ?').run(now - 24 * 60 * 60 * 1000);
    db.prepare('INSERT INTO code_failures (user_id, at) VALUES (?, ?)').run(user.id, now);
    const lockedNow = codeLockoutRemaining(db, user.id, now);
    if (lockedNow > 0) return { ok: false, reason: 'locked', message: lockoutMessage(lockedNow), justLocked: true };
    return { ok: false, reason: 'wrong', message: CODE_MESSAGES.wrong };
  }
  // One conditional UPDATE both checks and marks the step, so two racing requests can't both pass.
  const marked = db
    .prepare('UPDATE users SET totp_last_counter = ? WHERE id = ? AND (totp_last_counter IS NULL OR totp_last_counter < ?)')
    .run(counter, user.id, counter);
  if (marked.changes !== 1) return { ok: false, reason: 'reused', message: CODE_MESSAGES.reused };
  db.prepare('DELETE FROM code_failures WHERE user_id = ?').run(user.id);
  return { ok: true, counter };
}
