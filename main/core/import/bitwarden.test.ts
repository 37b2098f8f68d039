import { describe, expect, it } from 'vitest';
import { formatOtpauthUri, type OtpParams } from '../../../common/otpauth-uri';
import {
  bitwardenExport,
  bitwardenLogin,
  buildAccountEncryptedBitwardenFile,
  buildBitwardenFile,
  buildPasswordProtectedBitwardenFile,
} from '../../../tests/fixtures/bitwarden-file';
import { expectAllRead, expectNoSecrets, randomBase32, textInput, variedAccounts } from '../../../tests/fixtures/import-test-kit';
import { bitwardenImporter } from './bitwarden';
import { MAX_IMPORT_ENTRIES, type ImportInput, type ParsedImport } from './import-types';

function input(text: string | null): ImportInput {
  return textInput(text, 'bitwarden_export_20240501.json');
}

function parse(text: string): Promise<ParsedImport> {
  return bitwardenImporter.parse(input(text));
}

describe('bitwardenImporter', () => {
  it('reads the otpauth links of a Bitwarden export, leaving out logins without a key with a count', async () => {
    const list = variedAccounts(30);
    const parsed = await parse(buildBitwardenFile(list, { loginsWithoutTotp: 312, otherItems: 9 }));
    expect(parsed.format).toBe('bitwarden');
    expect(parsed.errors).toEqual([]);
    expect(parsed.accounts.map((a) => a.params)).toEqual(list);
    expect(parsed.accounts.map((a) => a.index)).toEqual(list.map((_, i) => i));
    expect(parsed.warnings).toEqual(['312 logins without a TOTP key were left out.']);

    const one = await parse(buildBitwardenFile(list.slice(0, 1), { loginsWithoutTotp: 1 }));
    expect(one.warnings).toEqual(['1 login without a TOTP key was left out.']);
    const none = await parse(buildBitwardenFile(list.slice(0, 1), { otherItems: 4 }));
    expect(none.warnings).toEqual([]);
  });

  it('reads bare base32 keys as 30-second SHA1 codes named by the item and username', async () => {
    const secret = randomBase32();
    const file = JSON.stringify({
      encrypted: false,
      folders: [],
      items: [bitwardenLogin('Mastodon', 'me@social.example', `${secret.toLowerCase().match(/.{1,4}/g)?.join(' ') ?? ''}`), bitwardenLogin('Forum', '', secret)],
    });
    const parsed = await parse(file);
    expect(parsed.accounts.map((a) => a.params)).toEqual([
      { type: 'totp', issuer: 'Mastodon', label: 'me@social.example', secret, algorithm: 'SHA1', digits: 6, period: 30, counter: 0 },
      { type: 'totp', issuer: 'Forum', label: 'Forum', secret, algorithm: 'SHA1', digits: 6, period: 30, counter: 0 },
    ]);
  });

  it('names a link without an issuer after the item', async () => {
    const p = { ...(variedAccounts(1)[0] as OtpParams), issuer: '', label: 'octocat' };
    const file = JSON.stringify({ encrypted: false, items: [bitwardenLogin('GitHub', 'octocat@example.com', formatOtpauthUri(p))] });
    const parsed = await parse(file);
    expect(parsed.accounts[0]?.params).toEqual({ ...p, issuer: 'GitHub' });
  });

  it('gives an error per bad item with its index and name, never its secret', async () => {
    const good = variedAccounts(1)[0] as OtpParams;
    const steam = randomBase32();
    const broken = `${randomBase32()}0189`;
    const shortKey = 'JBSWY3DPEH';
    const items: unknown[] = [
      bitwardenLogin('Fine', 'ok', formatOtpauthUri(good)),
      bitwardenLogin('Steam', 'gabe', `steam://${steam}`),
      bitwardenLogin('Broken', 'key', broken),
      bitwardenLogin('Weak', 'link', `otpauth://totp/Weak:link?secret=${shortKey}&issuer=Weak`),
      { ...bitwardenLogin('Odd', 'number', null), login: { username: 'number', totp: 123456 } },
      bitwardenLogin('Nothing', 'here', '   '),
    ];
    const parsed = await parse(JSON.stringify({ encrypted: false, items }));
    expect(parsed.accounts.map((a) => a.index)).toEqual([0]);
    expect(parsed.errors).toEqual([
      { index: 1, name: 'Steam (gabe)', message: 'Steam Guard accounts are not supported; only TOTP and HOTP are.' },
      { index: 2, name: 'Broken (key)', message: expect.stringMatching(/Character 33 of the secret key is not valid base32/) },
      { index: 3, name: 'Weak (link)', message: expect.stringMatching(/secret key is too short/) },
      { index: 4, name: 'Odd (number)', message: expect.stringMatching(/authenticator key \(TOTP\) field is not text/) },
    ]);
    expect(parsed.warnings).toEqual(['1 login without a TOTP key was left out.']);
    expectNoSecrets([parsed.errors, parsed.warnings], [steam, broken, shortKey, good.secret].map((secret) => secret.slice(0, 10)));
  });

  it('refuses encrypted exports, saying how to export an unencrypted one', async () => {
    const list = variedAccounts(3);
    for (const file of [buildPasswordProtectedBitwardenFile(list, 'hunter2 hunter2'), buildAccountEncryptedBitwardenFile(list)]) {
      expect(bitwardenImporter.detect(input(file))).toBe(true);
      await expect(parse(file)).rejects.toMatchObject({
        code: 'IMPORT_INVALID',
        message: expect.stringMatching(/encrypted Bitwarden export.*export the vault again as unencrypted “\.json”/),
      });
    }
  });

  it('refuses broken, truncated and foreign files, and one with no keys at all', async () => {
    const text = buildBitwardenFile(variedAccounts(5));
    await expect(parse(text.slice(0, Math.floor(text.length * 0.7)))).rejects.toMatchObject({
      code: 'IMPORT_INVALID',
      message: expect.stringMatching(/not valid JSON; it may be truncated or damaged/),
    });
    await expect(parse('{"encrypted": false, "items": [}')).rejects.toMatchObject({ code: 'IMPORT_INVALID' });
    await expect(parse('[1, 2]')).rejects.toMatchObject({ code: 'IMPORT_INVALID', message: expect.stringMatching(/not a Bitwarden JSON export/) });
    await expect(parse('{"encrypted": false, "folders": []}')).rejects.toMatchObject({
      code: 'IMPORT_INVALID',
      message: expect.stringMatching(/no list of items/),
    });
    await expect(parse('{"encrypted": "no", "items": []}')).rejects.toMatchObject({ code: 'IMPORT_INVALID' });
    await expect(parse(buildBitwardenFile([], { loginsWithoutTotp: 20, otherItems: 3 }))).rejects.toMatchObject({
      code: 'IMPORT_EMPTY',
      message: expect.stringMatching(/no logins with an authenticator key/),
    });
  });

  it('reads 10,000 keys, and refuses more than MAX_IMPORT_ENTRIES', async () => {
    const list = variedAccounts(10_000);
    const parsed = await parse(buildBitwardenFile(list, { loginsWithoutTotp: 2_000 }));
    expectAllRead(parsed, list);
    expect(parsed.warnings).toEqual(['2,000 logins without a TOTP key were left out.']);

    const item = { type: 1, name: 'X', login: { username: 'x', totp: randomBase32() } };
    const huge = JSON.stringify({ encrypted: false, items: Array.from({ length: MAX_IMPORT_ENTRIES + 1 }, () => item) });
    await expect(parse(huge)).rejects.toMatchObject({ code: 'IMPORT_TOO_LARGE', message: expect.stringMatching(/50,001 entries/) });
  });

  it('recognises Bitwarden exports and nothing else', () => {
    expect(bitwardenImporter.detect(input(buildBitwardenFile(variedAccounts(2))))).toBe(true);
    const { folders, items } = bitwardenExport(variedAccounts(1));
    expect(bitwardenImporter.detect(input(JSON.stringify({ folders, items })))).toBe(true);
    expect(bitwardenImporter.detect(input(JSON.stringify({ version: 1, header: { slots: null }, db: { entries: [] } })))).toBe(false);
    expect(bitwardenImporter.detect(input(JSON.stringify({ services: [], schemaVersion: 4 })))).toBe(false);
    expect(bitwardenImporter.detect(input('{"encrypted": false, "items": ['))).toBe(false);
    expect(bitwardenImporter.detect(input('[]'))).toBe(false);
    expect(bitwardenImporter.detect(input(null))).toBe(false);
  });
});
