import { describe, expect, it } from 'vitest';
import { aegisContent, aegisEntry, buildAegisFile, buildAegisVault } from '../../../tests/fixtures/aegis-file';
import { createFormatChecks, expectNoSecrets, expectTwofoldError, numberedAccounts, SAMPLE_ACCOUNTS } from '../../../tests/fixtures/import-test-kit';
import { aegisImporter } from './aegis';
import { MAX_IMPORT_ENTRIES } from './import-types';

const PASSPHRASE = 'correct horse battery staple';
const CHEAP = { scryptN: 2 ** 10 };
const { github, bank, vpn } = SAMPLE_ACCOUNTS;
const AEGIS = createFormatChecks({
  importer: aegisImporter,
  fileName: 'aegis-export.json',
  passphrase: PASSPHRASE,
  write: (accounts, passphrase) => buildAegisFile(accounts, passphrase === undefined ? {} : { passphrase, ...CHEAP }),
});
const { input } = AEGIS;

describe('aegisImporter, plain vaults', () => {
  it('reads TOTP and HOTP accounts with their algorithm, digits, period and counter', async () => {
    const result = await aegisImporter.parse(input(await buildAegisFile([github, bank, vpn])));
    expect(result.format).toBe('aegis');
    expect(result.errors).toEqual([]);
    expect(result.accounts.map((a) => a.params)).toEqual([github, bank, vpn]);
    expect(result.accounts.map((a) => a.index)).toEqual([0, 1, 2]);
  });

  it('pins favourites and ignores icons, notes and groups', async () => {
    const group = { uuid: '8a3f5a8e-1111-4222-8333-944455556666', name: 'Work' };
    const db = aegisContent(
      [
        aegisEntry(github, { favorite: true, note: 'main account', icon: 'iVBORw0KGgo=', groups: [group.uuid] }),
        aegisEntry(bank),
      ],
      [group],
    );
    const result = await aegisImporter.parse(input(await buildAegisVault(db)));
    expect(result.accounts.map((a) => [a.params.issuer, a.pinned])).toEqual([['GitHub', true], ['Bank', false]]);
  });

  it('reads content versions 1 and 2 (older Aegis exports)', async () => {
    const v1 = { version: 1, entries: [{ ...aegisEntry(github), groups: undefined }] };
    const v2 = { version: 2, entries: [{ ...aegisEntry(bank), group: 'Work' }] };
    expect((await aegisImporter.parse(input(await buildAegisVault(v1)))).accounts[0]?.params).toEqual(github);
    expect((await aegisImporter.parse(input(await buildAegisVault(v2)))).accounts[0]?.params).toEqual(bank);
  });

  it('reports Steam, Yandex and mOTP entries as not supported, by index and name', async () => {
    const db = aegisContent([
      aegisEntry(github),
      aegisEntry({ ...github, issuer: 'Steam', label: 'gamer', digits: 6 }, { type: 'steam' }),
      aegisEntry({ ...bank, issuer: 'Yandex', label: 'ivan' }, { type: 'yandex' }),
      aegisEntry({ ...github, issuer: 'Corp', label: 'vpn' }, { type: 'motp' }),
    ]);
    const result = await aegisImporter.parse(input(await buildAegisVault(db)));
    expect(result.accounts.map((a) => a.params.issuer)).toEqual(['GitHub']);
    expect(result.errors.map((e) => [e.index, e.name])).toEqual([[1, 'Steam (gamer)'], [2, 'Yandex (ivan)'], [3, 'Corp (vpn)']]);
    expect(result.errors[0]?.message).toMatch(/Steam Guard accounts are not supported/);
    expect(result.errors[1]?.message).toMatch(/Yandex accounts are not supported/);
    expect(result.errors[2]?.message).toMatch(/mOTP accounts are not supported/);
  });

  it('gives a per-entry error naming the entry and field, never the secret', async () => {
    const badSecret = { ...aegisEntry({ ...github, label: 'bad' }), info: { secret: 'JBSWY3DP0EHPK3PX', algo: 'SHA1', digits: 6, period: 30 } };
    const noSecret = { ...aegisEntry({ ...github, label: 'none' }), info: { algo: 'SHA1', digits: 6, period: 30 } };
    const badDigits = aegisEntry({ ...bank, digits: 12 });
    const db = aegisContent([badSecret, noSecret, 'not an entry', badDigits, aegisEntry(vpn)]);
    const result = await aegisImporter.parse(input(await buildAegisVault(db)));
    expect(result.accounts.map((a) => a.index)).toEqual([4]);
    expect(result.errors.map((e) => [e.index, e.name])).toEqual([
      [0, 'GitHub (bad)'],
      [1, 'GitHub (none)'],
      [2, 'Entry 3'],
      [3, 'Bank (ada)'],
    ]);
    expect(result.errors[0]?.message).toMatch(/Character 9 of the secret key is not valid base32/);
    expect(result.errors[1]?.message).toMatch(/"info\.secret"/);
    expect(result.errors[3]?.message).toMatch(/6, 7 or 8 digits/);
    expectNoSecrets(result.errors, ['JBSWY3DP']);
  });
});

describe('aegisImporter, encrypted vaults', () => {
  it('decrypts with the password and reads the accounts', async () => {
    const text = await buildAegisFile([github, bank, vpn], { passphrase: PASSPHRASE, ...CHEAP });
    expect(text).not.toContain(github.secret);
    const result = await aegisImporter.parse(input(text, PASSPHRASE));
    expect(result.errors).toEqual([]);
    expect(result.accounts.map((a) => a.params)).toEqual([github, bank, vpn]);
  });

  it("decrypts at Aegis's real scrypt cost (N=2^15, r=8, p=1)", async () => {
    const text = await buildAegisFile([github], { passphrase: PASSPHRASE });
    expect(JSON.parse(text).header.slots[0]).toMatchObject({ n: 32768, r: 8, p: 1 });
    const result = await aegisImporter.parse(input(text, PASSPHRASE));
    expect(result.accounts.map((a) => a.params)).toEqual([github]);
  });

  it('skips biometric and raw slots and uses the password slot', async () => {
    const vault = JSON.parse(await buildAegisFile([github], { passphrase: PASSPHRASE, ...CHEAP }));
    const junk = { uuid: 'x', key: '00'.repeat(32), key_params: { nonce: '00'.repeat(12), tag: '00'.repeat(16) } };
    vault.header.slots.unshift({ ...junk, type: 2 }, { ...junk, type: 0 });
    const result = await aegisImporter.parse(input(JSON.stringify(vault), PASSPHRASE));
    expect(result.accounts.map((a) => a.params)).toEqual([github]);
  });

  it('asks for the password when none is given', async () => {
    const encrypted = await buildAegisFile([github], { passphrase: PASSPHRASE, ...CHEAP });
    const error = await expectTwofoldError(aegisImporter.parse(input(encrypted)), 'IMPORT_PASSPHRASE_REQUIRED');
    expect(error.field).toBe('passphrase');
    expect(error.message).toMatch(/Aegis vault is encrypted/);
  });

  it('refuses a wrong password without echoing either password', async () => {
    const text = await buildAegisFile([github], { passphrase: PASSPHRASE, ...CHEAP });
    const error = await expectTwofoldError(aegisImporter.parse(input(text, 'Tr0ub4dor&3')), 'IMPORT_WRONG_PASSPHRASE');
    expect(error.field).toBe('passphrase');
    expect(error.message).toMatch(/doesn't unlock this Aegis vault/);
    expectNoSecrets(error, ['Tr0ub4dor', PASSPHRASE]);
  });

  it('reports altered ciphertext as a damaged file once the password is known to be right', async () => {
    const vault = JSON.parse(await buildAegisFile([github], { passphrase: PASSPHRASE, ...CHEAP }));
    const db = Buffer.from(vault.db, 'base64');
    db[5] = (db[5] ?? 0) ^ 0x01;
    vault.db = db.toString('base64');
    const error = await expectTwofoldError(aegisImporter.parse(input(JSON.stringify(vault), PASSPHRASE)), 'IMPORT_INVALID');
    expect(error.message).toMatch(/password is right, but this Aegis vault's content doesn't decrypt/);
  });

  it('refuses a vault that only biometrics can unlock', async () => {
    const vault = JSON.parse(await buildAegisFile([github], { passphrase: PASSPHRASE, ...CHEAP }));
    vault.header.slots[0].type = 2;
    for (const passphrase of [PASSPHRASE, null]) {
      const error = await expectTwofoldError(aegisImporter.parse(input(JSON.stringify(vault), passphrase)), 'IMPORT_INVALID');
      expect(error.message).toMatch(/no password slot/);
    }
  });

  it('refuses hostile scrypt parameters before allocating anything', async () => {
    const vault = JSON.parse(await buildAegisFile([github], { passphrase: PASSPHRASE, ...CHEAP }));
    for (const [n, r, p] of [[2 ** 30, 8, 1], [2 ** 15, 4096, 1], [2 ** 15, 8, 1_000_000], [3000, 8, 1], [2 ** 15, 0, 1]] as const) {
      Object.assign(vault.header.slots[0], { n, r, p });
      // Refused before any password is asked for, let alone tried.
      const error = await expectTwofoldError(aegisImporter.parse(input(JSON.stringify(vault), null)), 'IMPORT_INVALID');
      expect(error.message).toContain(`N=${n}, r=${r}, p=${p}`);
    }
  });
});

describe('aegisImporter, hostile and unusual files', () => {
  it('names an unknown vault file version', async () => {
    const vault = JSON.parse(await buildAegisFile([github]));
    vault.version = 2;
    const error = await expectTwofoldError(aegisImporter.parse(input(JSON.stringify(vault))), 'IMPORT_UNSUPPORTED_VERSION');
    expect(error.message).toMatch(/file is version 2; Twofold reads version 1/);
  });

  it('names an unknown content version, plain or encrypted', async () => {
    const db = { ...aegisContent([aegisEntry(github)]), version: 4 };
    for (const options of [{}, { passphrase: PASSPHRASE, ...CHEAP }]) {
      const text = await buildAegisVault(db, options);
      const error = await expectTwofoldError(aegisImporter.parse(input(text, PASSPHRASE)), 'IMPORT_UNSUPPORTED_VERSION');
      expect(error.message).toMatch(/content is version 4; Twofold reads versions 1 to 3/);
    }
  });

  it('refuses truncated and broken JSON as invalid', async () => {
    const text = await buildAegisFile([github, bank]);
    for (const broken of [text.slice(0, text.length / 2), text.replace('"entries"', 'entries'), '{"version": 1, "header": {}, "db": 5}']) {
      const error = await expectTwofoldError(aegisImporter.parse(input(broken)), 'IMPORT_INVALID');
      expect(error.message).toMatch(/Aegis/);
      expectNoSecrets(error, [github.secret]);
    }
    const notJson = await expectTwofoldError(aegisImporter.parse(input(text.slice(0, 200))));
    expect(notJson.message).toMatch(/not valid JSON; it may be truncated/);
  });

  it(`refuses more than ${MAX_IMPORT_ENTRIES} entries as too large`, async () => {
    const text = await buildAegisVault({ version: 3, entries: Array.from({ length: MAX_IMPORT_ENTRIES + 1 }, () => ({})) });
    await AEGIS.expectTooLarge(text);
  });

  it('reads 10,000 entries, plain and encrypted', async () => {
    await AEGIS.expectReadsPlainAndEncrypted(numberedAccounts(10_000));
  });

  it('turns every truncation and byte flip of an encrypted vault into a TwofoldError, never a crash', async () => {
    const bytes = new TextEncoder().encode(await buildAegisFile([github, bank], { passphrase: PASSPHRASE, scryptN: 2 ** 4 }));
    const outcomes = await AEGIS.tallyDamage(bytes, { copies: 300, seed: 12345, entries: 2, secrets: [PASSPHRASE, github.secret] });
    expect(outcomes.get('IMPORT_INVALID')).toBeGreaterThan(100);
    expect(outcomes.get('IMPORT_WRONG_PASSPHRASE')).toBeGreaterThan(0);
  });

  it('detects Aegis vaults, truncated ones too, and nothing else', async () => {
    const plain = await buildAegisFile([github]);
    const encrypted = await buildAegisFile([github], { passphrase: PASSPHRASE, ...CHEAP });
    expect(aegisImporter.detect(input(plain))).toBe(true);
    expect(aegisImporter.detect(input(encrypted))).toBe(true);
    expect(aegisImporter.detect(input(encrypted.slice(0, encrypted.length - 40)))).toBe(true);
    expect(aegisImporter.detect(input('{"schemaVersion": 4, "services": []}'))).toBe(false);
    expect(aegisImporter.detect(input('otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP'))).toBe(false);
    expect(aegisImporter.detect({ bytes: new Uint8Array([0xff, 0xfe]), text: null, fileName: null, passphrase: null })).toBe(false);
  });
});
