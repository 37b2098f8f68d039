import { randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatOtpauthUri, type OtpParams } from '../../../common/otpauth-uri';
import {
  expectAllRead,
  expectNoSecrets,
  expectTwofoldError,
  numberedAccount as account,
  numberedAccounts,
  textInput,
} from '../../../tests/fixtures/import-test-kit';
import { encodeMigrationLinks } from './google-migration';
import { MAX_IMPORT_ENTRIES, type ImportInput } from './import-types';
import { parseLinks, uriListImporter } from './uri-list';

const SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

function linksInput(text: string | null): ImportInput {
  return textInput(text, 'links.txt');
}

describe('parseLinks', () => {
  it('reads otpauth links, skipping blank lines and # comments, each entry indexed by its line', () => {
    const a = account(1);
    const b = account(2, { type: 'hotp', counter: 7, algorithm: 'SHA256', digits: 8 });
    const parsed = parseLinks(['# exported by Twofold', '', formatOtpauthUri(a), '   ', `  ${formatOtpauthUri(b)}  `]);
    expect(parsed).toEqual({
      format: 'uri-list',
      accounts: [
        { index: 2, params: a },
        { index: 4, params: b },
      ],
      errors: [],
      warnings: [],
      enrollments: [],
    });
  });

  it('gives back every account of a list Twofold wrote (round trip)', () => {
    const accounts = Array.from({ length: 200 }, (_, i) =>
      account(i, {
        type: i % 3 === 0 ? 'hotp' : 'totp',
        counter: i % 3 === 0 ? randomInt(2 ** 40) : 0,
        period: i % 3 === 0 ? 30 : [30, 60, 15][i % 3] ?? 30,
        digits: [6, 7, 8][i % 3] ?? 6,
        algorithm: (['SHA1', 'SHA256', 'SHA512'] as const)[i % 3],
        issuer: ['', 'A:B', 'Ünïcødé & Co', 'x'][i % 4] ?? '',
        label: i % 5 === 0 ? `odd:name ${i}` : `user ${i}+tag@example.com`,
      }),
    );
    const parsed = parseLinks(accounts.map(formatOtpauthUri));
    expect(parsed.errors).toEqual([]);
    expect(parsed.accounts.map((a) => a.params)).toEqual(accounts);
  });

  it('reports a bad link with its line number and name, never its secret', () => {
    const short = 'JBSWY3DPEH';
    const parsed = parseLinks([
      formatOtpauthUri(account(1)),
      `otpauth://totp/GitHub:octocat?secret=${short}&issuer=GitHub`,
      `otpauth://totp/Bank:me?secret=${SECRET}0189&issuer=Bank`,
      `otpauth://yandex/Ya:me?secret=${SECRET}`,
      `otpauth://totp/?secret=${SECRET}&digits=12`,
    ]);
    expect(parsed.accounts.map((a) => a.index)).toEqual([0]);
    expect(parsed.errors).toEqual([
      { index: 1, name: 'GitHub (octocat)', message: expect.stringMatching(/^Line 2: The secret key is too short/) },
      { index: 2, name: 'Bank (me)', message: expect.stringMatching(/^Line 3: Character 33 of the secret key is not valid base32/) },
      { index: 3, name: 'Ya (me)', message: expect.stringMatching(/^Line 4: Unknown OTP type/) },
      { index: 4, name: 'Line 5', message: expect.stringMatching(/^Line 5: /) },
    ]);
    expectNoSecrets(parsed.errors, [short, SECRET.slice(0, 10)]);
  });

  it('reports a line that is not a link by its number, without quoting it', () => {
    const parsed = parseLinks([formatOtpauthUri(account(1)), SECRET, 'https://example.com/login']);
    expect(parsed.errors).toEqual([
      { index: 1, name: 'Line 2', message: 'Line 2 is not an otpauth:// link. Each line must hold one otpauth://, otpauth-migration:// or twofold://enroll link.' },
      { index: 2, name: 'Line 3', message: expect.stringMatching(/^Line 3 is not an otpauth:\/\/ link/) },
    ]);
    expectNoSecrets(parsed, [SECRET]);
  });

  it('offers twofold://enroll links as enrollments, as they are', () => {
    const enroll = 'twofold://enroll?server=https%3A%2F%2Fidp.example.com&code=ABCD-1234&fp=sha256%3Aabc';
    const parsed = parseLinks([formatOtpauthUri(account(1)), enroll, 'TWOFOLD://ENROLL?server=x']);
    expect(parsed.enrollments).toEqual([
      { index: 1, uri: enroll },
      { index: 2, uri: 'TWOFOLD://ENROLL?server=x' },
    ]);
    expect(parsed.format).toBe('uri-list');
  });

  it('merges Google Authenticator export links among other links, after the lines', () => {
    const gaAccounts = [account(10), account(11), account(12)];
    const links = encodeMigrationLinks(gaAccounts, 1);
    const plain = account(1);
    const parsed = parseLinks([links[0] as string, formatOtpauthUri(plain), links[2] as string, 'otpauth-migration://offline?data=%%']);
    expect(parsed.format).toBe('uri-list');
    expect(parsed.accounts).toEqual([
      { index: 1, params: plain },
      { index: 4, params: gaAccounts[0] },
      { index: 5, params: gaAccounts[2] },
    ]);
    expect(parsed.errors).toEqual([{ index: 6, name: 'Line 4', message: expect.stringMatching(/^Line 4 could not be read: its data has a broken %-escape/) }]);
    expect(parsed.warnings).toEqual([
      'This Google Authenticator export has 3 QR codes; code 2 of 3 was not scanned, so its accounts are not included.',
    ]);
  });

  it('calls a list of only export links a Google Authenticator import', () => {
    const accounts = [account(1), account(2)];
    const parsed = parseLinks(['', ...encodeMigrationLinks(accounts, 1), '# end']);
    expect(parsed.format).toBe('google-migration');
    expect(parsed.accounts.map((a) => a.params)).toEqual(accounts);
  });

  it('refuses a lone damaged export link as a whole', async () => {
    const error = await expectTwofoldError(() => parseLinks(['otpauth-migration://offline?data=@@@']), 'IMPORT_INVALID');
    expect(error.message).toMatch(/^This Google Authenticator export could not be read: its data is not base64/);
  });

  it('says when there is nothing to read', async () => {
    await expectTwofoldError(() => parseLinks([]), 'IMPORT_EMPTY');
    const error = await expectTwofoldError(() => parseLinks(['', '# only a comment', '   ']), 'IMPORT_EMPTY');
    expect(error.message).toMatch(/one otpauth:\/\/ link per line/);
  });

  it('reads the complete lines of a truncated file and reports the cut one', () => {
    const accounts = [account(1), account(2), account(3)];
    const text = accounts.map(formatOtpauthUri).join('\n');
    const cut = text.slice(0, text.length - formatOtpauthUri(accounts[2] as OtpParams).length + 40);
    const parsed = parseLinks(cut.split('\n'));
    expect(parsed.accounts.map((a) => a.params)).toEqual(accounts.slice(0, 2));
    expect(parsed.errors).toEqual([{ index: 2, name: expect.any(String), message: expect.stringMatching(/^Line 3: /) }]);
  });

  it('reads 10,000 links, and refuses more than MAX_IMPORT_ENTRIES', async () => {
    const accounts = numberedAccounts(10_000);
    const parsed = parseLinks(accounts.map(formatOtpauthUri));
    expectAllRead(parsed, accounts);
    expect(parsed.accounts[9_999]?.index).toBe(9_999);

    const line = formatOtpauthUri(account(0));
    const error = await expectTwofoldError(() => parseLinks(Array.from({ length: MAX_IMPORT_ENTRIES + 1 }, () => line)), 'IMPORT_TOO_LARGE');
    expect(error.message).toMatch(/50,001 entries; Twofold imports at most 50,000/);
  });
});

describe('uriListImporter', () => {
  it('recognises text that is mostly links', () => {
    const link = formatOtpauthUri(account(1));
    expect(uriListImporter.detect(linksInput(`${link}\n${link}`))).toBe(true);
    expect(uriListImporter.detect(linksInput(`My accounts\n# comment\n${link}\n\n`))).toBe(true);
    expect(uriListImporter.detect(linksInput('twofold://enroll?server=x'))).toBe(true);
    expect(uriListImporter.detect(linksInput(encodeMigrationLinks([account(1)])[0] as string))).toBe(true);
    expect(uriListImporter.detect(linksInput(`{\n  "version": 1,\n  "db": "${link}"\n}`))).toBe(false);
    expect(uriListImporter.detect(linksInput('just some notes\nand more'))).toBe(false);
    expect(uriListImporter.detect(linksInput(''))).toBe(false);
    expect(uriListImporter.detect(linksInput(null))).toBe(false);
  });

  it('reads a text file with Windows line ends and a byte-order mark', async () => {
    const accounts = [account(1), account(2)];
    const parsed = await uriListImporter.parse(linksInput(`\uFEFF${accounts.map(formatOtpauthUri).join('\r\n')}\r\n`));
    expect(parsed.accounts.map((a) => a.params)).toEqual(accounts);
    expect(parsed.errors).toEqual([]);
  });

  it('refuses a binary file', async () => {
    await expect(uriListImporter.parse(linksInput(null))).rejects.toMatchObject({ code: 'IMPORT_INVALID', message: expect.stringMatching(/not text/) });
  });
});
