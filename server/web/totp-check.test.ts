import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TOTP, Secret } from 'otpauth';
import { openDatabase, type Db } from '../db';
import { CODE_MESSAGES, checkSignInCode, lockoutMessage, newTotpSecret, totpUri } from './totp-check';

const T0 = 1_750_000_020_000; // 20 s into a 30 s step
let db: Db;
const secret = newTotpSecret();
const user = { id: 'u1', totp_secret: secret };
const codeAt = (ms: number) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: ms });

beforeEach(() => {
  db = openDatabase(':memory:');
  db.prepare("INSERT INTO users (id, email, first_name, last_name, password_hash, created_at) VALUES ('u1', 'a@b.co', 'Al', 'B', 'x', 0)").run();
});
afterEach(() => db.close());

describe('sign-in codes', () => {
  it('accepts the previous, current and next step, and refuses two steps away', () => {
    expect(checkSignInCode(db, user, codeAt(T0 - 30_000), T0).ok).toBe(true);
    db.prepare('UPDATE users SET totp_last_counter = NULL').run();
    expect(checkSignInCode(db, user, codeAt(T0 + 30_000), T0).ok).toBe(true);
    db.prepare('UPDATE users SET totp_last_counter = NULL').run();
    expect(checkSignInCode(db, user, codeAt(T0), T0).ok).toBe(true);
    db.prepare('UPDATE users SET totp_last_counter = NULL').run();
    expect(checkSignInCode(db, user, codeAt(T0 - 60_000), T0)).toMatchObject({ ok: false, reason: 'wrong', message: CODE_MESSAGES.wrong });
  });

  it('refuses a code whose step was already used, and any earlier step', () => {
    expect(checkSignInCode(db, user, codeAt(T0), T0).ok).toBe(true);
    expect(checkSignInCode(db, user, codeAt(T0), T0 + 5_000)).toMatchObject({ ok: false, reason: 'reused', message: CODE_MESSAGES.reused });
    expect(checkSignInCode(db, user, codeAt(T0 - 30_000), T0 + 5_000)).toMatchObject({ reason: 'reused' });
    expect(checkSignInCode(db, user, codeAt(T0 + 30_000), T0 + 30_000).ok).toBe(true);
  });

  it('accepts spaces in a code and refuses non-codes without counting them', () => {
    const code = codeAt(T0);
    expect(checkSignInCode(db, user, `${code.slice(0, 3)} ${code.slice(3)}`, T0).ok).toBe(true);
    for (let i = 0; i < 6; i++) expect(checkSignInCode(db, user, 'abc', T0)).toMatchObject({ reason: 'format', message: CODE_MESSAGES.format });
    expect(db.prepare('SELECT COUNT(*) AS n FROM code_failures').get()).toEqual({ n: 0 });
  });

  it('locks for 5 minutes after 5 wrong codes within 5 minutes, refusing even the right code', () => {
    const wrong = String((Number(codeAt(T0)) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 4; i++) expect(checkSignInCode(db, user, wrong, T0 + i * 1000)).toMatchObject({ reason: 'wrong' });
    expect(checkSignInCode(db, user, wrong, T0 + 4000)).toEqual({ ok: false, reason: 'locked', message: lockoutMessage(5 * 60_000), justLocked: true });
    expect(lockoutMessage(5 * 60_000)).toBe('Too many incorrect codes. Try again in 5 minutes.');
    const later = T0 + 4000 + 60_000;
    expect(checkSignInCode(db, user, codeAt(later), later)).toEqual({
      ok: false,
      reason: 'locked',
      message: 'Too many incorrect codes. Try again in 4 minutes.',
      justLocked: false,
    });
    const after = T0 + 4000 + 5 * 60_000;
    expect(checkSignInCode(db, user, codeAt(after), after).ok).toBe(true);
  });

  it('does not lock when the 5 wrong codes are spread over more than 5 minutes', () => {
    const at = (i: number) => T0 + i * 80_000;
    for (let i = 0; i < 5; i++) {
      const wrong = String((Number(codeAt(at(i))) + 1) % 1_000_000).padStart(6, '0');
      expect(checkSignInCode(db, user, wrong, at(i))).toMatchObject({ reason: 'wrong' });
    }
    expect(lockoutMessage(59_000)).toBe('Too many incorrect codes. Try again in 1 minute.');
  });
});

describe('enrollment URI', () => {
  it('is a SHA1/6/30 otpauth URI for the issuer and account, with a 160-bit secret', () => {
    const s = newTotpSecret();
    expect(s).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(totpUri(s, 'a@b.co'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(s);
    expect(uri.searchParams.get('issuer')).toBe('Twofold IdP');
    expect(uri.searchParams.get('algorithm')).toBe('SHA1');
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');
  });
});
