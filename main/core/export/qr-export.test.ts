import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseOtpauthUri } from '../../../common/otpauth-uri';
import { expectNoSecrets, expectTwofoldError, numberedAccount as account, useTempDir } from '../../../tests/fixtures/import-test-kit';
import { parseMigrationLinks } from '../import/google-migration';
import { decodeQrImage } from '../qr-image';
import { accountQrDataUrl, migrationQrDataUrls, qrPng } from './qr-export';

const PNG_PREFIX = 'data:image/png;base64,';

const temp = useTempDir('twofold-qr-export-');
let written = 0;

/** Decodes a PNG with Debian's zbarimg, an independent QR reader. */
function zbarimg(png: Uint8Array): string[] {
  written += 1;
  const path = join(temp.path, `code-${written}.png`);
  writeFileSync(path, png);
  return execFileSync('zbarimg', ['--raw', '-q', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split('\n').filter((line) => line !== '');
}

function pngOf(dataUrl: string): Buffer {
  expect(dataUrl.startsWith(PNG_PREFIX)).toBe(true);
  const png = Buffer.from(dataUrl.slice(PNG_PREFIX.length), 'base64');
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return png;
}

describe('qrPng', () => {
  it('makes a PNG that zbarimg reads back', async () => {
    expect(zbarimg(await qrPng('twofold://enroll?x=1'))).toEqual(['twofold://enroll?x=1']);
  });

  it('refuses text too long for one QR code without quoting it', async () => {
    const error = await expectTwofoldError(qrPng('A'.repeat(5_000)));
    expectNoSecrets(error, ['AAAA']);
  });
});

describe('accountQrDataUrl', () => {
  it('encodes the account link, read back to the same account by zbarimg and by the app scanner', async () => {
    const accounts = [
      account(1),
      account(2, { type: 'hotp', issuer: 'Bänk: 2', label: 'ünïcode & co', algorithm: 'SHA512', digits: 8, counter: 17 }),
      account(3, { issuer: '', algorithm: 'SHA256', digits: 7, period: 60 }),
    ];
    for (const p of accounts) {
      const png = pngOf(await accountQrDataUrl(p));
      const [text, ...more] = zbarimg(png);
      expect(more).toEqual([]);
      expect(parseOtpauthUri(text!)).toEqual(p);
      expect((await decodeQrImage(png)).map((uri) => parseOtpauthUri(uri))).toEqual([p]);
    }
  });
});

describe('migrationQrDataUrls', () => {
  it('splits accounts into titled Google Authenticator batches that read back to the same accounts', async () => {
    const accounts = Array.from({ length: 23 }, (_, i) =>
      account(i, i % 5 === 4 ? { type: 'hotp', counter: i, digits: 8, algorithm: 'SHA256' } : {}),
    );
    const codes = await migrationQrDataUrls(accounts);
    expect(codes.map((c) => c.title)).toEqual([
      'Google Authenticator export 1 of 3',
      'Google Authenticator export 2 of 3',
      'Google Authenticator export 3 of 3',
    ]);
    const links = codes.flatMap((c) => zbarimg(pngOf(c.dataUrl)));
    expect(links).toHaveLength(3);
    expect(links.every((l) => l.startsWith('otpauth-migration://offline?data='))).toBe(true);
    const parsed = parseMigrationLinks(links.map((uri, index) => ({ index, uri })));
    expect(parsed.errors).toEqual([]);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.accounts.map((a) => a.params)).toEqual(accounts);
  });

  it('refuses an empty export', async () => {
    await expectTwofoldError(migrationQrDataUrls([]), 'EXPORT_EMPTY');
  });
});
