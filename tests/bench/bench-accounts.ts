/**
 * The accounts the bench workloads run on: mostly TOTP, every tenth HOTP, every algorithm and digit
 * count, every seventh on a 60-second period, with random 32-character base32 secrets.
 */
import { randomBytes } from 'node:crypto';
import type { OtpParams } from '../../common/otpauth-uri';

const base32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomSecret(chars = 32): string {
  return Array.from(randomBytes(chars), (b) => base32[b % 32]).join('');
}

/** `n` accounts as another app would export them (HOTP ones at counter i, TOTP ones at 0). */
export function benchAccountParams(n: number): OtpParams[] {
  const algorithms = ['SHA1', 'SHA256', 'SHA512'] as const;
  return Array.from({ length: n }, (_, i) => ({
    type: i % 10 === 9 ? ('hotp' as const) : ('totp' as const),
    issuer: `Issuer ${i}`,
    label: `user${i}@example.com`,
    secret: randomSecret(),
    algorithm: algorithms[i % 3]!,
    digits: 6 + (i % 3),
    period: i % 7 === 0 ? 60 : 30,
    counter: i % 10 === 9 ? i : 0,
  }));
}
