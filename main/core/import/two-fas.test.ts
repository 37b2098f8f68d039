import { describe, expect, it } from 'vitest';
import { createFormatChecks, expectNoSecrets, expectTwofoldError, numberedAccounts, SAMPLE_ACCOUNTS } from '../../../tests/fixtures/import-test-kit';
import { TWOFAS_REFERENCE, buildTwoFasBackup, buildTwoFasFile, twoFasService } from '../../../tests/fixtures/two-fas-file';
import { MAX_IMPORT_ENTRIES } from './import-types';
import { twoFasImporter } from './two-fas';

const PASSPHRASE = 'correct horse battery staple';
const { github, bank } = SAMPLE_ACCOUNTS;
// With 7 digits, so these tests also cover a digit count other than 6 and 8.
const vpn = { ...SAMPLE_ACCOUNTS.vpn, digits: 7 };

const TWO_FAS = createFormatChecks({
  importer: twoFasImporter,
  fileName: 'backup.2fas',
  passphrase: PASSPHRASE,
  write: (accounts, passphrase) => buildTwoFasFile(accounts, { passphrase }),
});
const { input } = TWO_FAS;

describe('twoFasImporter, plain backups', () => {
  it('reads TOTP and HOTP services with their algorithm, digits, period and counter', async () => {
    const result = await twoFasImporter.parse(input(await buildTwoFasFile([github, bank, vpn])));
    expect(result.format).toBe('2fas');
    expect(result.errors).toEqual([]);
    expect(result.accounts.map((a) => a.params)).toEqual([github, bank, vpn]);
  });

  it("takes the issuer from the service name 2FAS shows, falling back to the link's issuer", async () => {
    const renamed = { ...twoFasService(github, 0), name: 'Work GitHub' };
    const unnamed = { ...twoFasService(bank, 1), name: '' };
    const result = await twoFasImporter.parse(input(await buildTwoFasBackup([renamed, unnamed])));
    expect(result.accounts.map((a) => [a.params.issuer, a.params.label])).toEqual([['Work GitHub', 'ada@example.com'], ['Bank', 'ada']]);
  });

  it('reads older schemas, where services have no tokenType (TOTP)', async () => {
    const old = twoFasService(github, 0) as { otp: Record<string, unknown> };
    delete old.otp.tokenType;
    delete old.otp.counter;
    for (const schemaVersion of [1, 2, 3]) {
      const result = await twoFasImporter.parse(input(await buildTwoFasBackup([old], { schemaVersion })));
      expect(result.accounts.map((a) => a.params)).toEqual([github]);
    }
  });

  it('reports Steam services as not supported, and broken services by index and name', async () => {
    const steam = twoFasService({ ...github, issuer: 'Steam', label: 'gamer', digits: 6 }, 1, 'STEAM');
    const badSecret = { ...twoFasService({ ...bank, label: 'bad' }, 2), secret: 'KRSXG5CT1VRXEZLU' };
    const noSecret = { ...twoFasService({ ...bank, label: 'none' }, 3), secret: undefined };
    const result = await twoFasImporter.parse(input(await buildTwoFasBackup([twoFasService(github, 0), steam, badSecret, noSecret, 42])));
    expect(result.accounts.map((a) => a.index)).toEqual([0]);
    expect(result.errors.map((e) => [e.index, e.name])).toEqual([
      [1, 'Steam (gamer)'],
      [2, 'Bank (bad)'],
      [3, 'Bank (none)'],
      [4, 'Service 5'],
    ]);
    expect(result.errors[0]?.message).toMatch(/Steam Guard accounts are not supported/);
    expect(result.errors[1]?.message).toMatch(/Character 9 of the secret key is not valid base32/);
    expect(result.errors[2]?.message).toMatch(/"secret"/);
    expectNoSecrets(result.errors, ['KRSXG5CT']);
  });
});

describe('twoFasImporter, encrypted backups', () => {
  it('decrypts with the password and reads the services', async () => {
    const text = await buildTwoFasFile([github, bank, vpn], { passphrase: PASSPHRASE });
    expect(text).not.toContain(github.secret);
    expect(JSON.parse(text).services).toEqual([]);
    const result = await twoFasImporter.parse(input(text, PASSPHRASE));
    expect(result.errors).toEqual([]);
    expect(result.accounts.map((a) => a.params)).toEqual([github, bank, vpn]);
  });

  it("writes 2FAS's own reference string, so 2FAS can check the password of our fixtures", async () => {
    const file = JSON.parse(await buildTwoFasFile([github], { passphrase: PASSPHRASE }));
    const [data, salt, iv] = (file.reference as string).split(':').map((part) => Buffer.from(part, 'base64'));
    const { pbkdf2Sync, createDecipheriv } = await import('node:crypto');
    const key = pbkdf2Sync(PASSPHRASE, salt as Buffer, 10_000, 32, 'sha256');
    const decipher = createDecipheriv('aes-256-gcm', key, iv as Buffer);
    decipher.setAuthTag((data as Buffer).subarray(-16));
    const plain = Buffer.concat([decipher.update((data as Buffer).subarray(0, -16)), decipher.final()]).toString();
    expect(plain).toBe(TWOFAS_REFERENCE);
  });

  it('asks for the password when none is given', async () => {
    const encrypted = await buildTwoFasFile([github], { passphrase: PASSPHRASE });
    const error = await expectTwofoldError(twoFasImporter.parse(input(encrypted)), 'IMPORT_PASSPHRASE_REQUIRED');
    expect(error.field).toBe('passphrase');
    expect(error.message).toMatch(/2FAS backup is encrypted/);
  });

  it('refuses a wrong password without echoing either password', async () => {
    const encrypted = await buildTwoFasFile([github], { passphrase: PASSPHRASE });
    const error = await expectTwofoldError(twoFasImporter.parse(input(encrypted, 'Tr0ub4dor&3')), 'IMPORT_WRONG_PASSPHRASE');
    expect(error.message).toMatch(/doesn't decrypt this 2FAS backup/);
    expectNoSecrets(error, ['Tr0ub4dor', PASSPHRASE]);
  });

  it('reports altered services as a damaged file once the reference proves the password right', async () => {
    const file = JSON.parse(await buildTwoFasFile([github], { passphrase: PASSPHRASE }));
    const [data, salt, iv] = (file.servicesEncrypted as string).split(':');
    const bytes = Buffer.from(data as string, 'base64');
    bytes[3] = (bytes[3] ?? 0) ^ 0x80;
    file.servicesEncrypted = `${bytes.toString('base64')}:${salt}:${iv}`;
    const error = await expectTwofoldError(twoFasImporter.parse(input(JSON.stringify(file), PASSPHRASE)), 'IMPORT_INVALID');
    expect(error.message).toMatch(/password is right, but this 2FAS backup's services don't decrypt/);
    delete file.reference;
    await expectTwofoldError(twoFasImporter.parse(input(JSON.stringify(file), PASSPHRASE)), 'IMPORT_WRONG_PASSPHRASE');
  });

  it('refuses an encrypted field that is not "data:salt:iv"', async () => {
    const file = JSON.parse(await buildTwoFasFile([github], { passphrase: PASSPHRASE }));
    for (const broken of ['abc', 'AAAA:AAAA', 'AAAA:AAAA:AAAA', `${'A'.repeat(40)}:${'A'.repeat(2000)}:${'A'.repeat(16)}`]) {
      file.servicesEncrypted = broken;
      const error = await expectTwofoldError(twoFasImporter.parse(input(JSON.stringify(file), PASSPHRASE)), 'IMPORT_INVALID');
      expect(error.message).toMatch(/encrypted services/);
    }
  });
});

describe('twoFasImporter, hostile and unusual files', () => {
  it('names an unknown schema version', async () => {
    const newer = await buildTwoFasFile([github], { schemaVersion: 5 });
    const error = await expectTwofoldError(twoFasImporter.parse(input(newer)), 'IMPORT_UNSUPPORTED_VERSION');
    expect(error.message).toMatch(/schema version 5; Twofold reads versions 1 to 4/);
  });

  it('refuses truncated and broken JSON, and JSON that is not a 2FAS backup', async () => {
    const text = await buildTwoFasFile([github, bank]);
    for (const broken of [text.slice(0, text.length - 10), '{"schemaVersion": 4, "services": {}}', '{"services": []}', '[1, 2]']) {
      const error = await expectTwofoldError(twoFasImporter.parse(input(broken)), 'IMPORT_INVALID');
      expect(error.message).toMatch(/2FAS/);
      expectNoSecrets(error, [github.secret]);
    }
  });

  it(`refuses more than ${MAX_IMPORT_ENTRIES} services as too large`, async () => {
    const text = await buildTwoFasBackup(Array.from({ length: MAX_IMPORT_ENTRIES + 1 }, () => ({})));
    await TWO_FAS.expectTooLarge(text);
  });

  it('reads 10,000 services, plain and encrypted', async () => {
    await TWO_FAS.expectReadsPlainAndEncrypted(numberedAccounts(10_000));
  });

  it('turns every truncation and byte flip of an encrypted backup into a TwofoldError, never a crash', async () => {
    const bytes = new TextEncoder().encode(await buildTwoFasFile([github, bank], { passphrase: PASSPHRASE }));
    const outcomes = await TWO_FAS.tallyDamage(bytes, { copies: 200, seed: 777, entries: 2, secrets: [PASSPHRASE, github.secret] });
    expect([...outcomes.keys()]).toContain('IMPORT_INVALID');
    expect([...outcomes.keys()]).toContain('IMPORT_WRONG_PASSPHRASE');
  });

  it('detects 2FAS backups, truncated ones too, and nothing else', async () => {
    const plain = await buildTwoFasFile([github]);
    const encrypted = await buildTwoFasFile([github], { passphrase: PASSPHRASE });
    expect(twoFasImporter.detect(input(plain))).toBe(true);
    expect(twoFasImporter.detect(input(encrypted))).toBe(true);
    expect(twoFasImporter.detect(input(encrypted.slice(0, encrypted.length - 20)))).toBe(true);
    expect(twoFasImporter.detect(input('{"version": 1, "header": {"slots": null, "params": null}, "db": {}}'))).toBe(false);
    expect(twoFasImporter.detect(input('otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP'))).toBe(false);
  });
});
