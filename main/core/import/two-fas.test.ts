import { describe, expect, it } from 'vitest';
import { Secret } from 'otpauth';
import { TwofoldError } from '../../../common/errors';
import type { OtpParams } from '../../../common/otpauth-uri';
import { TWOFAS_REFERENCE, buildTwoFasBackup, buildTwoFasFile, twoFasService } from '../../../tests/fixtures/two-fas-file';
import { MAX_IMPORT_ENTRIES, type ImportInput } from './import-types';
import { twoFasImporter } from './two-fas';

const PASSPHRASE = 'correct horse battery staple';

const github: OtpParams = {
  type: 'totp', issuer: 'GitHub', label: 'ada@example.com', secret: 'JBSWY3DPEHPK3PXPJBSWY3DP',
  algorithm: 'SHA1', digits: 6, period: 30, counter: 0,
};
const bank: OtpParams = {
  type: 'totp', issuer: 'Bank', label: 'ada', secret: 'KRSXG5CTMVRXEZLUKRSXG5CT',
  algorithm: 'SHA256', digits: 8, period: 60, counter: 0,
};
const vpn: OtpParams = {
  type: 'hotp', issuer: 'VPN', label: 'ada', secret: 'MFRGGZDFMZTWQ2LKNNWG23TP',
  algorithm: 'SHA512', digits: 7, period: 30, counter: 42,
};

function input(text: string, passphrase: string | null = null): ImportInput {
  return { bytes: new TextEncoder().encode(text), text, fileName: 'backup.2fas', passphrase };
}

function bytesInput(bytes: Uint8Array, passphrase: string | null): ImportInput {
  let text: string | null;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = null;
  }
  return { bytes, text, fileName: 'backup.2fas', passphrase };
}

async function failure(promise: Promise<unknown>): Promise<TwofoldError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TwofoldError) return error;
    throw error;
  }
  throw new Error('expected the import to fail');
}

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
    for (const e of result.errors) expect(e.message).not.toContain('KRSXG5CT');
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
    const error = await failure(twoFasImporter.parse(input(await buildTwoFasFile([github], { passphrase: PASSPHRASE }))));
    expect(error.code).toBe('IMPORT_PASSPHRASE_REQUIRED');
    expect(error.field).toBe('passphrase');
    expect(error.message).toMatch(/2FAS backup is encrypted/);
  });

  it('refuses a wrong password without echoing either password', async () => {
    const error = await failure(twoFasImporter.parse(input(await buildTwoFasFile([github], { passphrase: PASSPHRASE }), 'Tr0ub4dor&3')));
    expect(error.code).toBe('IMPORT_WRONG_PASSPHRASE');
    expect(error.message).toMatch(/doesn't decrypt this 2FAS backup/);
    expect(error.message).not.toContain('Tr0ub4dor');
    expect(error.message).not.toContain(PASSPHRASE);
  });

  it('reports altered services as a damaged file once the reference proves the password right', async () => {
    const file = JSON.parse(await buildTwoFasFile([github], { passphrase: PASSPHRASE }));
    const [data, salt, iv] = (file.servicesEncrypted as string).split(':');
    const bytes = Buffer.from(data as string, 'base64');
    bytes[3] = (bytes[3] ?? 0) ^ 0x80;
    file.servicesEncrypted = `${bytes.toString('base64')}:${salt}:${iv}`;
    const error = await failure(twoFasImporter.parse(input(JSON.stringify(file), PASSPHRASE)));
    expect(error.code).toBe('IMPORT_INVALID');
    expect(error.message).toMatch(/password is right, but this 2FAS backup's services don't decrypt/);
    delete file.reference;
    const unchecked = await failure(twoFasImporter.parse(input(JSON.stringify(file), PASSPHRASE)));
    expect(unchecked.code).toBe('IMPORT_WRONG_PASSPHRASE');
  });

  it('refuses an encrypted field that is not "data:salt:iv"', async () => {
    const file = JSON.parse(await buildTwoFasFile([github], { passphrase: PASSPHRASE }));
    for (const broken of ['abc', 'AAAA:AAAA', 'AAAA:AAAA:AAAA', `${'A'.repeat(40)}:${'A'.repeat(2000)}:${'A'.repeat(16)}`]) {
      file.servicesEncrypted = broken;
      const error = await failure(twoFasImporter.parse(input(JSON.stringify(file), PASSPHRASE)));
      expect(error.code).toBe('IMPORT_INVALID');
      expect(error.message).toMatch(/encrypted services/);
    }
  });
});

describe('twoFasImporter, hostile and unusual files', () => {
  it('names an unknown schema version', async () => {
    const error = await failure(twoFasImporter.parse(input(await buildTwoFasFile([github], { schemaVersion: 5 }))));
    expect(error.code).toBe('IMPORT_UNSUPPORTED_VERSION');
    expect(error.message).toMatch(/schema version 5; Twofold reads versions 1 to 4/);
  });

  it('refuses truncated and broken JSON, and JSON that is not a 2FAS backup', async () => {
    const text = await buildTwoFasFile([github, bank]);
    for (const broken of [text.slice(0, text.length - 10), '{"schemaVersion": 4, "services": {}}', '{"services": []}', '[1, 2]']) {
      const error = await failure(twoFasImporter.parse(input(broken)));
      expect(error.code).toBe('IMPORT_INVALID');
      expect(error.message).toMatch(/2FAS/);
      expect(error.message).not.toContain(github.secret);
    }
  });

  it(`refuses more than ${MAX_IMPORT_ENTRIES} services as too large`, async () => {
    const text = await buildTwoFasBackup(Array.from({ length: MAX_IMPORT_ENTRIES + 1 }, () => ({})));
    const error = await failure(twoFasImporter.parse(input(text)));
    expect(error.code).toBe('IMPORT_TOO_LARGE');
    expect(error.message).toMatch(/50,001 entries/);
  });

  it('reads 10,000 services, plain and encrypted', async () => {
    const accounts = Array.from({ length: 10_000 }, (_, i) => ({ ...github, issuer: `Service ${i}`, secret: new Secret({ size: 20 }).base32 }));
    for (const options of [{}, { passphrase: PASSPHRASE }]) {
      const result = await twoFasImporter.parse(input(await buildTwoFasFile(accounts, options), PASSPHRASE));
      expect(result.errors).toEqual([]);
      expect(result.accounts).toHaveLength(10_000);
      expect(result.accounts[9_999]?.params).toEqual(accounts[9_999]);
    }
  });

  it('turns every truncation and byte flip of an encrypted backup into a TwofoldError, never a crash', async () => {
    const bytes = new TextEncoder().encode(await buildTwoFasFile([github, bank], { passphrase: PASSPHRASE }));
    let seed = 777;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const codes = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const mutated = bytes.slice(0, i % 2 === 0 ? random(bytes.length) : bytes.length);
      if (i % 2 === 1) {
        const at = random(mutated.length);
        mutated[at] = (mutated[at] ?? 0) ^ (1 << random(8));
      }
      try {
        const result = await twoFasImporter.parse(bytesInput(mutated, PASSPHRASE));
        expect(result.accounts.length + result.errors.length).toBe(2);
        codes.add('imported');
      } catch (error) {
        expect(error).toBeInstanceOf(TwofoldError);
        expect((error as TwofoldError).message).not.toContain(PASSPHRASE);
        codes.add((error as TwofoldError).code);
      }
    }
    expect(codes).toContain('IMPORT_INVALID');
    expect(codes).toContain('IMPORT_WRONG_PASSPHRASE');
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
