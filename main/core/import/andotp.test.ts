import { describe, expect, it } from 'vitest';
import type { OtpParams } from '../../../common/otpauth-uri';
import { andOtpEntry, buildAndOtpFile, buildEncryptedAndOtpFile } from '../../../tests/fixtures/andotp-file';
import { bytesInput, expectAllRead, expectNoSecrets, randomBase32, textInput, variedAccounts } from '../../../tests/fixtures/import-test-kit';
import { andOtpImporter } from './andotp';
import { MAX_IMPORT_ENTRIES, type ImportInput, type ParsedImport } from './import-types';

const FILE_NAME = 'otp_accounts_2024-05-01_10-00-00.json';

function input(text: string): ImportInput {
  return textInput(text, FILE_NAME);
}

function parse(text: string): Promise<ParsedImport> {
  return andOtpImporter.parse(input(text));
}

describe('andOtpImporter', () => {
  it('reads every account of a plain andOTP backup', async () => {
    const list = variedAccounts(40);
    const parsed = await parse(buildAndOtpFile(list));
    expect(parsed.format).toBe('andotp');
    expect(parsed.errors).toEqual([]);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.accounts.map((a) => a.params)).toEqual(list);
    expect(parsed.accounts.map((a) => a.index)).toEqual(list.map((_, i) => i));
  });

  it('splits the "Issuer - account" labels of backups from before andOTP 0.7', async () => {
    const list = variedAccounts(6);
    list[5] = { ...(list[5] as OtpParams), issuer: '' };
    const parsed = await parse(buildAndOtpFile(list, { legacyLabels: true }));
    expect(parsed.accounts.map((a) => a.params)).toEqual(list);
  });

  it('splits an old "Issuer:account" label, and drops an issuer the label repeats', async () => {
    const secret = randomBase32(20);
    const old = { secret, label: 'Mastodon:me@social.example', digits: 6, type: 'TOTP', algorithm: 'SHA1', period: 30 };
    const repeated = { ...old, issuer: 'Mastodon', label: 'Mastodon - you@social.example' };
    const plain = { ...old, issuer: 'Other', label: 'Mastodon:them' };
    const parsed = await parse(JSON.stringify([old, repeated, plain]));
    expect(parsed.accounts.map((a) => [a.params.issuer, a.params.label])).toEqual([
      ['Mastodon', 'me@social.example'],
      ['Mastodon', 'you@social.example'],
      ['Other', 'Mastodon:them'],
    ]);
  });

  it('takes andOTP’s defaults for fields an entry leaves out', async () => {
    const secret = randomBase32(20);
    const parsed = await parse(JSON.stringify([{ secret, label: 'minimal', issuer: 'Bare' }]));
    expect(parsed.accounts[0]?.params).toEqual({
      type: 'totp',
      issuer: 'Bare',
      label: 'minimal',
      secret,
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      counter: 0,
    });
  });

  it('gives an error per bad entry with its index and name, never its secret', async () => {
    const good = variedAccounts(1)[0] as OtpParams;
    const steamSecret = randomBase32(20);
    const badSecret = `${randomBase32(20)}1890`;
    const entries: unknown[] = [
      andOtpEntry(good),
      andOtpEntry({ ...good, issuer: 'Steam', label: 'gabe', secret: steamSecret }, { type: 'STEAM' }),
      { ...andOtpEntry(good), issuer: 'Broken', label: 'key', secret: badSecret },
      { ...andOtpEntry(good), issuer: 'Weak', label: 'short', secret: 'JBSWY3DP' },
      { ...andOtpEntry(good), issuer: 'Old', label: 'md5', algorithm: 'MD5' },
      { ...andOtpEntry({ ...good, type: 'hotp' }), issuer: 'Counter', label: 'none', counter: undefined },
      { ...andOtpEntry(good), issuer: 'Typed', label: 'digits', digits: 'six' },
      { issuer: 'Nameless', secret: steamSecret },
      'not an object',
      null,
    ];
    const parsed = await parse(JSON.stringify(entries));
    expect(parsed.accounts.map((a) => a.index)).toEqual([0]);
    expect(parsed.errors).toEqual([
      { index: 1, name: 'Steam (gabe)', message: 'Steam Guard accounts are not supported; only TOTP and HOTP are.' },
      { index: 2, name: 'Broken (key)', message: expect.stringMatching(/Character 33 of the secret key is not valid base32/) },
      { index: 3, name: 'Weak (short)', message: expect.stringMatching(/secret key is too short/) },
      { index: 4, name: 'Old (md5)', message: expect.stringMatching(/algorithm must be SHA1, SHA256 or SHA512/) },
      { index: 5, name: 'Counter (none)', message: expect.stringMatching(/HOTP entry has no counter/) },
      { index: 6, name: 'Typed (digits)', message: 'The entry\'s "digits" field has the wrong type. Export the backup from andOTP again.' },
      { index: 7, name: 'Nameless', message: 'The entry has no "label" field. Export the backup from andOTP again.' },
      { index: 8, name: 'Unnamed entry', message: expect.stringMatching(/not an andOTP account entry/) },
      { index: 9, name: 'Unnamed entry', message: expect.stringMatching(/not an andOTP account entry/) },
    ]);
    expectNoSecrets(parsed.errors, [steamSecret, badSecret, good.secret].map((secret) => secret.slice(0, 16)));
  });

  it('refuses broken and truncated files', async () => {
    const text = buildAndOtpFile(variedAccounts(5));
    await expect(parse(text.slice(0, Math.floor(text.length / 2)))).rejects.toMatchObject({
      code: 'IMPORT_INVALID',
      message: expect.stringMatching(/not valid JSON; it may be truncated or damaged/),
    });
    await expect(parse('[{"secret": "JBSWY3DPEHPK3PXP", "label": }]')).rejects.toMatchObject({ code: 'IMPORT_INVALID' });
    await expect(parse('{"secret": "JBSWY3DPEHPK3PXP"}')).rejects.toMatchObject({
      code: 'IMPORT_INVALID',
      message: expect.stringMatching(/not an andOTP backup/),
    });
    await expect(parse('[]')).rejects.toMatchObject({ code: 'IMPORT_EMPTY' });
  });

  it('asks for a plain backup when given an encrypted one', async () => {
    const encrypted = buildEncryptedAndOtpFile(variedAccounts(3), 'correct horse');
    for (const fileName of ['otp_accounts_2024-05-01.json.aes', null]) {
      const encryptedInput = bytesInput(encrypted, fileName);
      if (fileName !== null) expect(andOtpImporter.detect(encryptedInput)).toBe(true);
      await expect(andOtpImporter.parse(encryptedInput)).rejects.toMatchObject({
        code: 'IMPORT_INVALID',
        message: expect.stringMatching(/encrypted andOTP backup.*Export a plain JSON backup from andOTP/),
      });
    }
  });

  it('reads 10,000 entries, and refuses more than MAX_IMPORT_ENTRIES', async () => {
    const list = variedAccounts(10_000);
    expectAllRead(await parse(buildAndOtpFile(list)), list);

    const entry = JSON.stringify(andOtpEntry(list[0] as OtpParams));
    const huge = `[${Array.from({ length: MAX_IMPORT_ENTRIES + 1 }, () => entry).join(',')}]`;
    await expect(parse(huge)).rejects.toMatchObject({ code: 'IMPORT_TOO_LARGE', message: expect.stringMatching(/50,001 entries/) });
  });

  it('recognises andOTP backups and nothing else', () => {
    expect(andOtpImporter.detect(input(buildAndOtpFile(variedAccounts(2))))).toBe(true);
    expect(andOtpImporter.detect(input('[]'))).toBe(true);
    expect(andOtpImporter.detect(input(JSON.stringify({ version: 1, header: {}, db: {} })))).toBe(false);
    expect(andOtpImporter.detect(input('[1, 2, 3]'))).toBe(false);
    expect(andOtpImporter.detect(input('otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP'))).toBe(false);
    expect(andOtpImporter.detect(bytesInput(new Uint8Array([0x89, 0x50]), 'photo.png'))).toBe(false);
  });
});
