/**
 * TOTP (RFC 6238) and HOTP (RFC 4226) codes, computed with the `otpauth` package.
 *
 * Each account's HMAC key is decoded once and kept as a Node KeyObject, with its last few codes,
 * cached per OtpParams object in a WeakMap: the cache dies with the account objects (on lock the
 * account book is dropped), so it never keeps a seed alive on its own. With the codes cached, a
 * per-second tick over 1,000 accounts computes an HMAC only for the accounts whose step changed.
 */
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { HOTP, Secret } from 'otpauth';
import type { OtpParams } from '../../common/otpauth-uri';

type Hmac = (algorithm: string, key: Uint8Array, message: Uint8Array) => Uint8Array;

interface CachedAccount {
  secret: string;
  algorithm: string;
  digits: number;
  hmac: Hmac;
  /** Recent codes by counter: a TOTP code changes once per period, but is read every second. */
  codes: Map<number, string>;
}

/** Codes kept per account: the previous, current and next step are all a tick ever needs. */
const CODES_KEPT = 3;

const cache = new WeakMap<OtpParams, CachedAccount>();

function cachedFor(p: OtpParams): CachedAccount {
  const cached = cache.get(p);
  // Compared too, in case a caller changed the object in place.
  if (cached !== undefined && cached.secret === p.secret && cached.algorithm === p.algorithm && cached.digits === p.digits) {
    return cached;
  }
  const key: KeyObject = createSecretKey(Secret.fromBase32(p.secret).bytes);
  // otpauth's own HMAC copies the key into a fresh Buffer on every call; a KeyObject avoids that.
  const hmac: Hmac = (algorithm, _key, message) => createHmac(algorithm, key).update(message).digest();
  const entry: CachedAccount = { secret: p.secret, algorithm: p.algorithm, digits: p.digits, hmac, codes: new Map() };
  cache.set(p, entry);
  return entry;
}

// The real key lives in the KeyObject our hmac closes over; otpauth only passes this through.
const EMPTY_SECRET = new Secret({ buffer: new ArrayBuffer(0) });

function generate(p: OtpParams, counter: number): string {
  const entry = cachedFor(p);
  const known = entry.codes.get(counter);
  if (known !== undefined) return known;
  const code = HOTP.generate({ secret: EMPTY_SECRET, algorithm: p.algorithm, digits: p.digits, counter, hmac: entry.hmac });
  entry.codes.set(counter, code);
  // Maps iterate in insertion order, so the first key is the oldest.
  if (entry.codes.size > CODES_KEPT) entry.codes.delete(entry.codes.keys().next().value as number);
  return code;
}

/** The TOTP time step (RFC 6238 "T") that `timeMs` falls in. */
export function totpCounter(p: OtpParams, timeMs: number): number {
  return Math.floor(timeMs / 1000 / p.period);
}

/**
 * The current TOTP code and the whole seconds until it changes (ceil, so 1..period: it reads
 * `period` right at the start of a step and 1 during its last second).
 */
export function totpNow(p: OtpParams, timeMs: number): { code: string; secondsLeft: number } {
  const periodMs = p.period * 1000;
  const intoStep = ((timeMs % periodMs) + periodMs) % periodMs;
  return { code: generate(p, totpCounter(p, timeMs)), secondsLeft: Math.ceil((periodMs - intoStep) / 1000) };
}

/**
 * The TOTP code at `timeMs`, the next step's code, and the whole seconds until the code changes
 * (integer ceil, 1..period).
 */
export function totpCode(p: OtpParams, timeMs: number): { code: string; secondsLeft: number; nextCode: string } {
  const now = totpNow(p, timeMs);
  return { ...now, nextCode: generate(p, totpCounter(p, timeMs) + 1) };
}

/** The HOTP code for `counter`. */
export function hotpCode(p: OtpParams, counter: number): string {
  return generate(p, counter);
}
