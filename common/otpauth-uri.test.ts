import { describe, expect, it } from 'vitest';
import type { Algorithm, OtpType } from './api-contract';
import { TwofoldError, type ErrorCode } from './errors';
import {
  formatOtpauthUri,
  normalizeBase32Secret,
  parseOtpauthUri,
  validateOtpParams,
  type OtpParams,
  type OtpParamsInput,
} from './otpauth-uri';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/** Runs `fn`, expecting a TwofoldError; returns it for further assertions. */
function errorOf(fn: () => unknown): TwofoldError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TwofoldError);
    return e as TwofoldError;
  }
  throw new Error('expected a TwofoldError, but nothing was thrown');
}

function expectError(fn: () => unknown, code: ErrorCode, field: string, message?: RegExp): TwofoldError {
  const e = errorOf(fn);
  expect({ code: e.code, field: e.field }).toEqual({ code, field });
  if (message) expect(e.message).toMatch(message);
  return e;
}

describe('parseOtpauthUri', () => {
  it('parses a full TOTP URI', () => {
    expect(
      parseOtpauthUri(`otpauth://totp/ACME%20Co:john.doe@email.com?secret=${SECRET}&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=60`),
    ).toEqual({
      type: 'totp',
      issuer: 'ACME Co',
      label: 'john.doe@email.com',
      secret: SECRET,
      algorithm: 'SHA256',
      digits: 8,
      period: 60,
      counter: 0,
    });
  });

  it('uses SHA1, 6 digits and 30 s when the URI does not say', () => {
    expect(parseOtpauthUri(`otpauth://totp/alice?secret=${SECRET}`)).toEqual({
      type: 'totp',
      issuer: '',
      label: 'alice',
      secret: SECRET,
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      counter: 0,
    });
  });

  it('parses an HOTP URI with its counter', () => {
    const p = parseOtpauthUri(`otpauth://hotp/Example:bob?secret=${SECRET}&issuer=Example&counter=42`);
    expect(p).toMatchObject({ type: 'hotp', issuer: 'Example', label: 'bob', counter: 42, period: 30 });
  });

  it('accepts both "Issuer:Account" and "Issuer: Account", with a literal or encoded colon', () => {
    for (const label of ['Example:alice', 'Example: alice', 'Example%3Aalice', 'Example%3A%20alice', 'Example%3a  alice']) {
      expect(parseOtpauthUri(`otpauth://totp/${label}?secret=${SECRET}`)).toMatchObject({ issuer: 'Example', label: 'alice' });
    }
  });

  it('takes the issuer from the label prefix when there is no issuer parameter', () => {
    expect(parseOtpauthUri(`otpauth://totp/Big%20Corp:alice?secret=${SECRET}`)).toMatchObject({ issuer: 'Big Corp', label: 'alice' });
  });

  it('prefers the issuer parameter over a differing label prefix, keeping the account name', () => {
    expect(parseOtpauthUri(`otpauth://totp/Old%20Name:alice?secret=${SECRET}&issuer=New%20Name`)).toMatchObject({
      issuer: 'New Name',
      label: 'alice',
    });
  });

  it('removes an issuer prefix that itself contains a colon when the parameter names it', () => {
    expect(parseOtpauthUri(`otpauth://totp/A%3AB:alice?secret=${SECRET}&issuer=A%3AB`)).toMatchObject({ issuer: 'A:B', label: 'alice' });
  });

  it('percent-decodes labels, including unicode', () => {
    expect(parseOtpauthUri(`otpauth://totp/%C3%89cole:j%C3%BCrgen%40example.org?secret=${SECRET}`)).toMatchObject({
      issuer: 'École',
      label: 'jürgen@example.org',
    });
  });

  it('reads + in query values as a space, but keeps + in the label', () => {
    expect(parseOtpauthUri(`otpauth://totp/a+b?secret=${SECRET}&issuer=Big+Corp`)).toMatchObject({ issuer: 'Big Corp', label: 'a+b' });
  });

  it('accepts lowercase, spaced and padded secrets, an uppercase scheme and type, and ignores unknown parameters', () => {
    const p = parseOtpauthUri('OTPAUTH://TOTP/x?secret=jbsw%20y3dp%20ehpk%203pxp%3D%3D%3D&image=https%3A%2F%2Fexample.com%2Fa.png');
    expect(p).toMatchObject({ type: 'totp', secret: 'JBSWY3DPEHPK3PXP' });
  });

  it('accepts algorithm names in lowercase and with a hyphen', () => {
    expect(parseOtpauthUri(`otpauth://totp/x?secret=${SECRET}&algorithm=sha512`).algorithm).toBe('SHA512');
    expect(parseOtpauthUri(`otpauth://totp/x?secret=${SECRET}&algorithm=SHA-256`).algorithm).toBe('SHA256');
  });

  it('ignores a fragment', () => {
    expect(parseOtpauthUri(`otpauth://totp/x?secret=${SECRET}#whatever`).secret).toBe(SECRET);
  });

  describe('refuses, naming the field', () => {
    it('anything that is not an otpauth URI', () => {
      expectError(() => parseOtpauthUri('https://example.com/'), 'URI_INVALID', 'scheme', /otpauth/);
      expectError(() => parseOtpauthUri(''), 'URI_INVALID', 'scheme');
      expectError(() => parseOtpauthUri('otpauth-migration://offline?data=abc'), 'URI_INVALID', 'scheme');
    });

    it('an unknown type', () => {
      expectError(() => parseOtpauthUri(`otpauth://xotp/x?secret=${SECRET}`), 'URI_INVALID', 'type', /^Unknown OTP type 'xotp': use totp or hotp\.$/);
      expectError(() => parseOtpauthUri(`otpauth://?secret=${SECRET}`), 'URI_INVALID', 'type');
    });

    it('a missing label', () => {
      for (const uri of [`otpauth://totp?secret=${SECRET}`, `otpauth://totp/?secret=${SECRET}`, `otpauth://totp/Acme:?secret=${SECRET}`, `otpauth://totp/%20?secret=${SECRET}`]) {
        expectError(() => parseOtpauthUri(uri), 'URI_INVALID', 'label', /account name/);
      }
    });

    it('a broken percent-escape in the label', () => {
      expectError(() => parseOtpauthUri(`otpauth://totp/a%ZZ?secret=${SECRET}`), 'URI_INVALID', 'label', /%-escape/);
    });

    it('control characters in the label or issuer', () => {
      expectError(() => parseOtpauthUri(`otpauth://totp/a%0Ab?secret=${SECRET}`), 'URI_INVALID', 'label', /control/);
      expectError(() => parseOtpauthUri(`otpauth://totp/a?secret=${SECRET}&issuer=%E2%80%AEevil`), 'URI_INVALID', 'issuer', /control/);
    });

    it('a missing secret', () => {
      expectError(() => parseOtpauthUri('otpauth://totp/alice'), 'URI_INVALID', 'secret', /no secret/);
      expectError(() => parseOtpauthUri('otpauth://totp/alice?secret='), 'URI_INVALID', 'secret', /no secret/);
    });

    it('bad base32, giving the position but never the secret', () => {
      const e = expectError(() => parseOtpauthUri('otpauth://totp/alice?secret=ABCDEFGH0JKLMNOPQRST'), 'URI_INVALID', 'secret', /Character 9 /);
      expect(e.message).not.toContain('ABCDEFGH');
      expect(e.message).not.toMatch(/'0'/);
    });

    it('an unsupported algorithm', () => {
      expectError(() => parseOtpauthUri(`otpauth://totp/a?secret=${SECRET}&algorithm=MD5`), 'URI_INVALID', 'algorithm', /Unsupported algorithm 'MD5'/);
    });

    it('digits out of 6–8 or not a number', () => {
      for (const digits of ['5', '9', '10', 'six', '-6', '6.5', '']) {
        expectError(() => parseOtpauthUri(`otpauth://totp/a?secret=${SECRET}&digits=${digits}`), 'URI_INVALID', 'digits');
      }
    });

    it('a period that is not a whole number of seconds from 5 to 3600', () => {
      for (const period of ['0', '4', '3601', '-30', '30.5', 'abc', '']) {
        expectError(() => parseOtpauthUri(`otpauth://totp/a?secret=${SECRET}&period=${period}`), 'URI_INVALID', 'period');
      }
      expect(parseOtpauthUri(`otpauth://totp/a?secret=${SECRET}&period=5`).period).toBe(5);
      expect(parseOtpauthUri(`otpauth://totp/a?secret=${SECRET}&period=3600`).period).toBe(3600);
    });

    it('an HOTP URI without a counter, or with a bad one', () => {
      expectError(() => parseOtpauthUri(`otpauth://hotp/a?secret=${SECRET}`), 'URI_INVALID', 'counter', /must carry a counter/);
      for (const counter of ['-1', 'x', '1e3', '99999999999999999']) {
        expectError(() => parseOtpauthUri(`otpauth://hotp/a?secret=${SECRET}&counter=${counter}`), 'URI_INVALID', 'counter');
      }
    });

    it('a parameter given twice', () => {
      expectError(() => parseOtpauthUri(`otpauth://totp/a?secret=${SECRET}&secret=${SECRET}`), 'URI_INVALID', 'secret', /twice/);
    });

    it('a label or issuer longer than 200 characters', () => {
      expectError(() => parseOtpauthUri(`otpauth://totp/${'a'.repeat(201)}?secret=${SECRET}`), 'URI_INVALID', 'label', /200/);
      expectError(() => parseOtpauthUri(`otpauth://totp/a?secret=${SECRET}&issuer=${'b'.repeat(201)}`), 'URI_INVALID', 'issuer', /200/);
    });
  });
});

describe('normalizeBase32Secret', () => {
  it('uppercases and removes spaces, hyphens and trailing padding', () => {
    expect(normalizeBase32Secret('jbsw y3dp-ehpk 3pxp')).toBe('JBSWY3DPEHPK3PXP');
    expect(normalizeBase32Secret(' JBSWY3DPEHPK3PXPGE====== ')).toBe('JBSWY3DPEHPK3PXPGE');
    expect(normalizeBase32Secret('jbswy3dpehpk3pxp\n')).toBe('JBSWY3DPEHPK3PXP');
  });

  it('accepts exactly 80 bits (16 characters) and refuses less', () => {
    expect(normalizeBase32Secret('A'.repeat(16))).toBe('A'.repeat(16));
    expectError(() => normalizeBase32Secret('A'.repeat(15)), 'ACCOUNT_INVALID', 'secret', /too short: 15 characters, at least 16/);
  });

  it('refuses an empty secret', () => {
    expectError(() => normalizeBase32Secret(''), 'ACCOUNT_INVALID', 'secret', /missing/);
    expectError(() => normalizeBase32Secret(' - = '), 'ACCOUNT_INVALID', 'secret', /missing/);
  });

  it('refuses characters outside A–Z and 2–7 by position, without echoing them', () => {
    for (const [input, position] of [
      ['JBSWY3DPEHPK3PX0', 16],
      ['1BSWY3DPEHPK3PXP', 1],
      ['JBSWY3DP EHPK3PX8', 17],
      ['JBSWY3DPEHPK3PXPé', 17],
      ['JBSWY3DPEHPK3PXPı', 17],
    ] as const) {
      const e = expectError(() => normalizeBase32Secret(input), 'ACCOUNT_INVALID', 'secret', new RegExp(`^Character ${position} `));
      expect(e.message).not.toContain('JBSW');
      expect(e.message).toMatch(/A–Z.*2–7/);
    }
  });

  it('refuses padding in the middle', () => {
    expectError(() => normalizeBase32Secret('JBSWY3DP==EHPK3PXP'), 'ACCOUNT_INVALID', 'secret', /^Character 9 .*padding/);
  });

  it('refuses secrets longer than 1024 characters', () => {
    expectError(() => normalizeBase32Secret('A'.repeat(1025)), 'ACCOUNT_INVALID', 'secret', /1024/);
  });
});

describe('validateOtpParams', () => {
  const good: OtpParamsInput = {
    issuer: ' GitHub ',
    label: ' octocat ',
    secret: 'jbsw y3dp ehpk 3pxp',
    type: 'totp',
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    counter: 7,
  };

  it('trims names, canonicalises the secret and zeroes the unused counter', () => {
    expect(validateOtpParams(good)).toEqual({
      type: 'totp',
      issuer: 'GitHub',
      label: 'octocat',
      secret: 'JBSWY3DPEHPK3PXP',
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      counter: 0,
    });
  });

  it('keeps the counter of an HOTP account and sets its unused period to 30', () => {
    expect(validateOtpParams({ ...good, type: 'hotp', period: 0, counter: 7 })).toMatchObject({ counter: 7, period: 30 });
  });

  it('allows an empty issuer', () => {
    expect(validateOtpParams({ ...good, issuer: '   ' }).issuer).toBe('');
  });

  it('reports each wrong field with ACCOUNT_INVALID', () => {
    expectError(() => validateOtpParams({ ...good, label: '  ' }), 'ACCOUNT_INVALID', 'label', /account name is missing/);
    expectError(() => validateOtpParams({ ...good, label: 'x'.repeat(201) }), 'ACCOUNT_INVALID', 'label', /200/);
    expectError(() => validateOtpParams({ ...good, label: 'a\u0007b' }), 'ACCOUNT_INVALID', 'label', /control/);
    expectError(() => validateOtpParams({ ...good, issuer: 'x'.repeat(201) }), 'ACCOUNT_INVALID', 'issuer', /200/);
    expectError(() => validateOtpParams({ ...good, issuer: 'a\tb' }), 'ACCOUNT_INVALID', 'issuer', /control/);
    expectError(() => validateOtpParams({ ...good, secret: '' }), 'ACCOUNT_INVALID', 'secret');
    expectError(() => validateOtpParams({ ...good, secret: 'ABC' }), 'ACCOUNT_INVALID', 'secret', /too short/);
    expectError(() => validateOtpParams({ ...good, digits: 5 }), 'ACCOUNT_INVALID', 'digits', /6, 7 or 8/);
    expectError(() => validateOtpParams({ ...good, digits: 9 }), 'ACCOUNT_INVALID', 'digits');
    expectError(() => validateOtpParams({ ...good, digits: 6.5 }), 'ACCOUNT_INVALID', 'digits');
    expectError(() => validateOtpParams({ ...good, period: 0 }), 'ACCOUNT_INVALID', 'period', /5 to 3600/);
    expectError(() => validateOtpParams({ ...good, period: 3601 }), 'ACCOUNT_INVALID', 'period');
    expectError(() => validateOtpParams({ ...good, type: 'hotp', counter: -1 }), 'ACCOUNT_INVALID', 'counter');
    expectError(() => validateOtpParams({ ...good, type: 'hotp', counter: 1.5 }), 'ACCOUNT_INVALID', 'counter');
    expectError(() => validateOtpParams({ ...good, type: 'motp' as OtpType }), 'ACCOUNT_INVALID', 'type');
    expectError(() => validateOtpParams({ ...good, algorithm: 'MD5' as Algorithm }), 'ACCOUNT_INVALID', 'algorithm');
  });

  it('normalises names to NFC so the same name typed two ways compares equal', () => {
    expect(validateOtpParams({ ...good, issuer: 'E\u0301cole' }).issuer).toBe('\u00c9cole');
  });
});

describe('formatOtpauthUri', () => {
  it('writes the standard form', () => {
    expect(
      formatOtpauthUri({ type: 'totp', issuer: 'ACME Co', label: 'john@example.com', secret: SECRET, algorithm: 'SHA1', digits: 6, period: 30, counter: 0 }),
    ).toBe(`otpauth://totp/ACME%20Co:john%40example.com?secret=${SECRET}&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30`);
    expect(
      formatOtpauthUri({ type: 'hotp', issuer: '', label: 'bob', secret: SECRET, algorithm: 'SHA512', digits: 8, period: 30, counter: 3 }),
    ).toBe(`otpauth://hotp/bob?secret=${SECRET}&algorithm=SHA512&digits=8&counter=3`);
  });

  it('round-trips awkward names: unicode, spaces, colons, &, #, +, %, ?, /', () => {
    const names = ['Ünïcødé 日本 🔐', 'a b  c', 'x:y:z', 'a&b=c', 'h#sh', '1+1', '100%', 'what?', 'a/b', ' : ', "it's \"quoted\""];
    for (const issuer of ['', ...names]) {
      for (const label of names) {
        const p = validateOtpParams({ issuer, label, secret: SECRET, type: 'totp', algorithm: 'SHA1', digits: 6, period: 30, counter: 0 });
        expect(parseOtpauthUri(formatOtpauthUri(p))).toEqual(p);
      }
    }
  });

  it('round-trips randomly generated accounts', () => {
    // A small seeded generator, so a failure can be replayed.
    let seed = 0x2f6b1d;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    const nameChars = ['a', 'Z', '0', ' ', ':', '&', '#', '?', '=', '+', '%', '/', '@', '.', 'é', 'ß', '中', '😀', '\u0301', '"', "'", '<', '\\'];
    const randomName = (min: number): string => {
      const length = min + rand(30);
      let out = '';
      for (let i = 0; i < length; i++) out += nameChars[rand(nameChars.length)];
      return out;
    };
    let checked = 0;
    for (let i = 0; i < 500; i++) {
      const type: OtpType = rand(2) === 0 ? 'totp' : 'hotp';
      const raw: OtpParamsInput = {
        type,
        issuer: randomName(0),
        label: randomName(1),
        secret: Array.from({ length: 16 + rand(100) }, () => alphabet[rand(32)]).join(''),
        algorithm: (['SHA1', 'SHA256', 'SHA512'] as const)[rand(3)] as Algorithm,
        digits: 6 + rand(3),
        period: 5 + rand(3596),
        counter: rand(2 ** 31),
      };
      let p: OtpParams;
      try {
        p = validateOtpParams(raw);
      } catch {
        continue; // e.g. a label of only spaces
      }
      checked++;
      expect(parseOtpauthUri(formatOtpauthUri(p))).toEqual(p);
    }
    expect(checked).toBeGreaterThan(400);
  });
});
