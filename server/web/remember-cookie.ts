/**
 * The "Remember this device for 30 days" cookie: `base64url(JSON {u, v, t}).base64url(HMAC-SHA256)`.
 * It names the user, the password version it was issued under, and when. A password change bumps
 * the version, so every remembered device is forgotten at once.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** The cookie's name. */
export const REMEMBER_COOKIE = 'remember';
/** How long a remembered device skips the second step. */
export const REMEMBER_TTL_MS = 30 * 24 * 60 * 60 * 1000;

const ClaimsSchema = z.object({ u: z.string().max(64), v: z.number().int(), t: z.number().int() });

function mac(secret: Buffer, payload: string): Buffer {
  return createHmac('sha256', secret).update(`twofold-remember.${payload}`).digest();
}

/** Issues a remember cookie value for a user at their current password version. */
export function signRememberCookie(secret: Buffer, claims: { userId: string; passwordVersion: number; issuedAt: number }): string {
  const payload = Buffer.from(JSON.stringify({ u: claims.userId, v: claims.passwordVersion, t: claims.issuedAt })).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/**
 * True when the cookie is authentic, issued for this user at their current password version,
 * and less than 30 days old.
 */
export function rememberCookieValid(
  secret: Buffer,
  value: string | undefined,
  user: { id: string; passwordVersion: number },
  now: number,
): boolean {
  if (!value || value.length > 512) return false;
  const [payload, signature, extra] = value.split('.');
  if (!payload || !signature || extra !== undefined) return false;
  const given = Buffer.from(signature, 'base64url');
  const expected = mac(secret, payload);
  // Constant-time: a forger must not learn the MAC byte by byte.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return false;
  }
  const claims = ClaimsSchema.safeParse(json);
  if (!claims.success) return false;
  const { u, v, t } = claims.data;
  // A cookie "issued" in the future is not trusted either (60 s of clock slack).
  return u === user.id && v === user.passwordVersion && t <= now + 60_000 && now - t < REMEMBER_TTL_MS;
}
