import { describe, expect, it } from 'vitest';
import { buildEnteExport, buildEnteFile, enteText, enteUri } from '../../../tests/fixtures/ente-file';
import { createFormatChecks, expectNoSecrets, expectTwofoldError, numberedAccounts, SAMPLE_ACCOUNTS } from '../../../tests/fixtures/import-test-kit';
import { createEnteImporter, deriveEnteKeyInThread, enteImporter } from './ente';
import { MAX_IMPORT_ENTRIES } from './import-types';

const PASSPHRASE = 'correct horse battery staple';
const { github, vpn } = SAMPLE_ACCOUNTS;
// An issuer and a label with spaces, which Ente's links must escape.
const bank = { ...SAMPLE_ACCOUNTS.bank, issuer: 'My Bank', label: 'ada lovelace' };
const noIssuer = { ...github, issuer: '', label: 'solo', secret: 'ONSWG4TFOQYTEMZUGU3DOOBZ' };
const ENTE = createFormatChecks({
  importer: enteImporter,
  fileName: 'ente-auth-codes-2025-01-31.txt',
  passphrase: PASSPHRASE,
  write: (accounts, passphrase) => buildEnteFile(accounts, { passphrase }),
});
const { input } = ENTE;

describe('enteImporter, plain exports', () => {
  it('reads TOTP and HOTP links with their algorithm, digits, period and counter', async () => {
    const result = await enteImporter.parse(input(await buildEnteFile([github, bank, vpn, noIssuer])));
    expect(result.format).toBe('ente');
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.accounts.map((a) => a.params)).toEqual([github, bank, vpn, noIssuer]);
  });

  it('pins pinned codes, ignores notes and tags, and warns about codes in the trash', async () => {
    const text = enteText([
      enteUri(github, { pinned: true, note: 'work, mostly', tags: ['work', 'dev'] }),
      enteUri(bank, { trashed: true }),
      enteUri(vpn),
    ]);
    const result = await enteImporter.parse(input(text));
    expect(result.accounts.map((a) => [a.params.issuer, a.pinned])).toEqual([['GitHub', true], ['My Bank', false], ['VPN', false]]);
    expect(result.warnings).toEqual(["In Ente Auth's trash: My Bank (ada lovelace). Leave it out of the import if you don't want it back."]);
  });

  it('reads links without codeDisplay, JSON-quoted links, Windows line ends and a HOTP link without counter', async () => {
    const hotpNoCounter = enteUri(vpn, null).replace('&counter=42', '');
    const text = [enteUri(github, null), JSON.stringify(enteUri(bank)), '', hotpNoCounter].join('\r\n');
    const result = await enteImporter.parse(input(text));
    expect(result.errors).toEqual([]);
    expect(result.accounts.map((a) => a.params)).toEqual([github, bank, { ...vpn, counter: 0 }]);
    expect(result.accounts.map((a) => a.index)).toEqual([0, 1, 3]);
  });

  it('reports Steam codes as not supported and broken lines by line and name, never the secret', async () => {
    const text = enteText([
      enteUri(github),
      enteUri({ ...github, issuer: 'Steam', label: 'gamer' }, {}, 'steam'),
      enteUri({ ...bank, secret: 'KRSXG5CT1VRXEZLU' }),
      'this is not a link',
      enteUri({ ...vpn, digits: 12 }),
    ]);
    const result = await enteImporter.parse(input(text));
    expect(result.accounts.map((a) => a.index)).toEqual([0]);
    expect(result.errors.map((e) => [e.index, e.name])).toEqual([
      [1, 'Steam (gamer)'],
      [2, 'My Bank (ada lovelace)'],
      [3, 'Line 4'],
      [4, 'VPN (ada)'],
    ]);
    expect(result.errors[0]?.message).toMatch(/Steam Guard accounts are not supported/);
    expect(result.errors[1]?.message).toMatch(/Character 9 of the secret key is not valid base32/);
    expect(result.errors[2]?.message).toMatch(/not an otpauth:\/\/ link/);
    expect(result.errors[3]?.message).toMatch(/6, 7 or 8/);
    expectNoSecrets(result.errors, ['KRSXG5CT']);
  });
});

describe('enteImporter, encrypted exports', () => {
  it('decrypts with the password and reads the codes', async () => {
    const text = await buildEnteFile([github, bank, vpn], { passphrase: PASSPHRASE });
    expect(text).not.toContain(github.secret);
    const result = await enteImporter.parse(input(text, PASSPHRASE));
    expect(result.errors).toEqual([]);
    expect(result.accounts.map((a) => a.params)).toEqual([github, bank, vpn]);
  });

  it('keeps pinning and the trash warning through encryption', async () => {
    const text = await buildEnteExport(enteText([enteUri(github, { pinned: true }), enteUri(bank, { trashed: true }), enteUri(vpn, { trashed: true })]), {
      passphrase: PASSPHRASE,
    });
    const result = await enteImporter.parse(input(text, PASSPHRASE));
    expect(result.accounts.map((a) => a.pinned)).toEqual([true, false, false]);
    expect(result.warnings).toEqual(["In Ente Auth's trash: My Bank (ada lovelace), VPN (ada). Leave them out of the import if you don't want them back."]);
  });

  it('asks for the password when none is given', async () => {
    const encrypted = await buildEnteFile([github], { passphrase: PASSPHRASE });
    const error = await expectTwofoldError(enteImporter.parse(input(encrypted)), 'IMPORT_PASSPHRASE_REQUIRED');
    expect(error.field).toBe('passphrase');
    expect(error.message).toMatch(/Ente Auth export is encrypted/);
  });

  it('refuses a wrong password and altered data without echoing either password', async () => {
    const text = await buildEnteFile([github], { passphrase: PASSPHRASE });
    const wrong = await expectTwofoldError(enteImporter.parse(input(text, 'Tr0ub4dor&3')), 'IMPORT_WRONG_PASSPHRASE');
    expect(wrong.message).toMatch(/doesn't decrypt this Ente Auth export/);
    expectNoSecrets(wrong, ['Tr0ub4dor']);
    const file = JSON.parse(text);
    const data = Buffer.from(file.encryptedData, 'base64');
    data[data.length - 1] = (data[data.length - 1] ?? 0) ^ 0x01;
    file.encryptedData = data.toString('base64');
    const altered = await expectTwofoldError(enteImporter.parse(input(JSON.stringify(file), PASSPHRASE)), 'IMPORT_WRONG_PASSPHRASE');
    expect(altered.message).toMatch(/or the file was changed or damaged/);
    expectNoSecrets(altered, [PASSPHRASE]);
  });

  it('refuses hostile key-derivation settings before deriving anything', async () => {
    const file = JSON.parse(await buildEnteFile([github], { passphrase: PASSPHRASE }));
    let derivations = 0;
    const importer = createEnteImporter({
      deriveKey: (...args) => {
        derivations++;
        return deriveEnteKeyInThread(...args);
      },
    });
    for (const [memLimit, opsLimit] of [[2 * 1024 ** 3, 2], [256 * 1024 ** 2, 17], [8192, 2 ** 30], [1024, 1], [8192, 0]]) {
      file.kdfParams = { ...file.kdfParams, memLimit, opsLimit };
      const error = await expectTwofoldError(importer.parse(input(JSON.stringify(file), PASSPHRASE)), 'IMPORT_INVALID');
      expect(error.message).toContain(`memLimit ${memLimit}`);
    }
    expect(derivations).toBe(0);
  });

  it('runs the derivation through an injected deriver, and reports its failure clearly', async () => {
    const text = await buildEnteFile([github], { passphrase: PASSPHRASE });
    const calls: number[][] = [];
    const importer = createEnteImporter({
      deriveKey: (password, salt, opsLimit, memLimit) => {
        calls.push([password.length, salt.length, opsLimit, memLimit]);
        return deriveEnteKeyInThread(password, salt, opsLimit, memLimit);
      },
    });
    expect((await importer.parse(input(text, PASSPHRASE))).accounts).toHaveLength(1);
    expect(calls).toEqual([[PASSPHRASE.length, 16, 1, 8192]]);
    const failing = createEnteImporter({ deriveKey: () => Promise.reject(new Error('Cannot enlarge memory')) });
    const error = await expectTwofoldError(failing.parse(input(text, PASSPHRASE)), 'INTERNAL');
    expect(error.message).toMatch(/could not derive the key/);
  });
});

describe('enteImporter, hostile and unusual files', () => {
  it('names an unknown export version', async () => {
    const file = JSON.parse(await buildEnteFile([github], { passphrase: PASSPHRASE }));
    file.version = 2;
    const error = await expectTwofoldError(enteImporter.parse(input(JSON.stringify(file), PASSPHRASE)), 'IMPORT_UNSUPPORTED_VERSION');
    expect(error.message).toMatch(/export is version 2; Twofold reads version 1/);
  });

  it('refuses truncated and broken encrypted exports as invalid', async () => {
    const text = await buildEnteFile([github], { passphrase: PASSPHRASE });
    const file = JSON.parse(text);
    const cases = [
      text.slice(0, text.length - 30),
      JSON.stringify({ ...file, encryptionNonce: file.encryptionNonce.slice(0, 8) }),
      JSON.stringify({ ...file, encryptedData: 'not base64!' }),
      JSON.stringify({ ...file, kdfParams: { ...file.kdfParams, salt: undefined } }),
      JSON.stringify({ ...file, version: undefined }),
    ];
    for (const broken of cases) {
      const error = await expectTwofoldError(enteImporter.parse(input(broken, PASSPHRASE)), 'IMPORT_INVALID');
      expect(error.message).toMatch(/Ente Auth/);
    }
  });

  it(`refuses more than ${MAX_IMPORT_ENTRIES} codes as too large`, async () => {
    const text = 'otpauth://totp/a?secret=x&codeDisplay=%7B%7D\n'.repeat(MAX_IMPORT_ENTRIES + 1);
    await ENTE.expectTooLarge(text);
  });

  it('reads 10,000 codes, plain and encrypted', async () => {
    await ENTE.expectReadsPlainAndEncrypted(numberedAccounts(10_000));
  });

  it('turns every truncation and byte flip of an encrypted export into a TwofoldError, never a crash', async () => {
    const bytes = new TextEncoder().encode(await buildEnteFile([github, bank], { passphrase: PASSPHRASE }));
    const outcomes = await ENTE.tallyDamage(bytes, { copies: 300, seed: 4242, entries: 2, secrets: [PASSPHRASE, github.secret] });
    expect([...outcomes.keys()]).toContain('IMPORT_INVALID');
    expect([...outcomes.keys()]).toContain('IMPORT_WRONG_PASSPHRASE');
  });

  it("detects encrypted exports and plain ones with Ente's markers, and leaves other link lists alone", async () => {
    const plainLinks = enteText([enteUri(github, null)]);
    expect(enteImporter.detect(input(await buildEnteFile([github], { passphrase: PASSPHRASE }), null, 'export.txt'))).toBe(true);
    expect(enteImporter.detect(input(await buildEnteFile([github]), null, 'codes.txt'))).toBe(true);
    expect(enteImporter.detect(input(plainLinks, null, 'ente-auth-codes-2024-05-01.txt'))).toBe(true);
    expect(enteImporter.detect(input(plainLinks, null, 'my-codes.txt'))).toBe(false);
    expect(enteImporter.detect(input(plainLinks, null, null))).toBe(false);
    expect(enteImporter.detect(input('otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8', null, null))).toBe(false);
    expect(enteImporter.detect(input('{"version": 1, "header": {"slots": null, "params": null}, "db": {}}', null, null))).toBe(false);
  });
});
