import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { Secret } from 'otpauth';
import { describe, expect, it } from 'vitest';
import type { Algorithm } from '../../common/api-contract';
import type { OtpParams } from '../../common/otpauth-uri';
import { hotpCode, totpCode, totpNow } from './otp';

function base32Of(ascii: string): string {
  return Secret.fromLatin1(ascii).base32;
}

function params(over: Partial<OtpParams>): OtpParams {
  return {
    type: 'totp',
    issuer: 'Test',
    label: 'user',
    secret: base32Of('12345678901234567890'),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    counter: 0,
    ...over,
  };
}

describe('hotpCode', () => {
  it('matches RFC 4226 Appendix D for counters 0..9', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    const p = params({ type: 'hotp' });
    expect(expected.map((_, counter) => hotpCode(p, counter))).toEqual(expected);
  });
});

describe('totpCode', () => {
  const seeds: Record<Algorithm, string> = {
    SHA1: '12345678901234567890',
    SHA256: '12345678901234567890123456789012',
    SHA512: '1234567890123456789012345678901234567890123456789012345678901234',
  };
  // RFC 6238 Appendix B: time (s) -> [SHA1, SHA256, SHA512], 8 digits, 30-second steps.
  const rows: Array<[number, string, string, string]> = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];
  const algorithms: Algorithm[] = ['SHA1', 'SHA256', 'SHA512'];

  for (const [seconds, ...codes] of rows) {
    algorithms.forEach((algorithm, i) => {
      it(`matches RFC 6238 Appendix B at T=${seconds} with ${algorithm}`, () => {
        const p = params({ algorithm, digits: 8, secret: base32Of(seeds[algorithm]) });
        expect(totpCode(p, seconds * 1000).code).toBe(codes[i]);
      });
    });
  }

  it('gives the next step’s code as nextCode', () => {
    const p = params({ digits: 8 });
    // T=59 is step 1; step 2 starts at 60 s.
    expect(totpCode(p, 59_000).nextCode).toBe(totpCode(p, 60_000).code);
    expect(totpCode(p, 59_000).nextCode).not.toBe(totpCode(p, 59_000).code);
  });

  it('counts whole seconds left, from period at a step start down to 1 in its last second', () => {
    const p = params({ period: 30 });
    expect(totpCode(p, 60_000).secondsLeft).toBe(30);
    expect(totpCode(p, 60_001).secondsLeft).toBe(30);
    expect(totpCode(p, 60_999).secondsLeft).toBe(30);
    expect(totpCode(p, 61_000).secondsLeft).toBe(29);
    expect(totpCode(p, 89_000).secondsLeft).toBe(1);
    expect(totpCode(p, 89_999).secondsLeft).toBe(1);
    expect(totpCode(p, 90_000).secondsLeft).toBe(30);
  });

  it('keeps the same code throughout a step and changes it at the boundary', () => {
    const p = params({ period: 60 });
    expect(totpCode(p, 120_000).code).toBe(totpCode(p, 179_999).code);
    expect(totpCode(p, 180_000).code).toBe(totpCode(p, 179_999).nextCode);
  });

  it('totpNow agrees with totpCode', () => {
    const p = params({ algorithm: 'SHA256', digits: 7, period: 45 });
    const { code, secondsLeft } = totpCode(p, 1_700_000_123_456);
    expect(totpNow(p, 1_700_000_123_456)).toEqual({ code, secondsLeft });
  });

  it('uses the new secret when an account object is changed in place', () => {
    const p = params({});
    const before = totpCode(p, 59_000).code;
    p.secret = base32Of('abcdefghijklmnopqrst');
    expect(totpCode(p, 59_000).code).not.toBe(before);
    expect(totpCode(p, 59_000).code).toBe(totpCode({ ...p }, 59_000).code);
    p.digits = 8;
    p.algorithm = 'SHA256';
    expect(totpCode(p, 59_000).code).toBe(totpCode({ ...p }, 59_000).code);
    expect(totpCode(p, 59_000).code).toHaveLength(8);
  });

  it('gives the same codes when read repeatedly, out of order, across many steps', () => {
    const p = params({ digits: 8 });
    const fresh = (t: number): string => totpCode({ ...p }, t).code;
    for (const t of [59_000, 1_111_111_109_000, 59_000, 60_000, 30_000, 1_111_111_111_000, 59_000, 0]) {
      expect(totpCode(p, t).code).toBe(fresh(t));
    }
  });
});

describe('agreement with oathtool', () => {
  function oathtool(args: string[]): string {
    return execFileSync('oathtool', args, { encoding: 'utf8' }).trim();
  }

  const cases: Array<{ algorithm: Algorithm; digits: number; period: number; bytes: number }> = [
    { algorithm: 'SHA1', digits: 6, period: 30, bytes: 10 },
    { algorithm: 'SHA1', digits: 8, period: 30, bytes: 20 },
    { algorithm: 'SHA256', digits: 8, period: 60, bytes: 32 },
    { algorithm: 'SHA512', digits: 7, period: 15, bytes: 64 },
    { algorithm: 'SHA256', digits: 6, period: 30, bytes: 13 },
  ];

  for (const c of cases) {
    it(`TOTP ${c.algorithm}, ${c.digits} digits, ${c.period} s, ${c.bytes}-byte random secret`, () => {
      const secret = new Secret({ buffer: new Uint8Array(randomBytes(c.bytes)).buffer }).base32;
      const p = params({ ...c, secret });
      const seconds = randomInt(0, 4_000_000_000);
      const expected = oathtool([
        `--totp=${c.algorithm.toLowerCase()}`,
        '-d',
        String(c.digits),
        '-s',
        String(c.period),
        '-N',
        `@${seconds}`,
        '-b',
        secret,
      ]);
      expect(totpCode(p, seconds * 1000).code).toBe(expected);
    });
  }

  it('HOTP SHA1 with random secrets and counters', () => {
    for (let i = 0; i < 3; i++) {
      const secret = new Secret({ buffer: new Uint8Array(randomBytes(20)).buffer }).base32;
      const counter = randomInt(0, 1_000_000);
      const expected = oathtool(['--hotp', '-c', String(counter), '-b', secret]);
      expect(hotpCode(params({ type: 'hotp', secret }), counter)).toBe(expected);
    }
  });
});
