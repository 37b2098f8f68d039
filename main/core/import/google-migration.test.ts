import { createHash, randomBytes, randomInt } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Secret } from 'otpauth';
import { PNG } from 'pngjs';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OtpParams } from '../../../common/otpauth-uri';
import { expectTwofoldError } from '../../../tests/fixtures/import-test-kit';
import { composePngs, qrencodePng, zbarDecode } from '../../../tests/fixtures/qr-images';
import { decodeAllQrCodes, decodeQrImage } from '../qr-image';
import { encodeMigrationLinks, googleMigrationImporter, migrationIncompatibility, parseMigrationLinks } from './google-migration';
import { MAX_IMPORT_ENTRIES, type ImportInput, type ParsedImport } from './import-types';

/*
 * The published MigrationPayload schema, written here independently of the importer (as a JSON
 * descriptor, enums as plain int32, which is the same on the wire), so tests can write any value
 * Google Authenticator or a damaged export could hold.
 */
const PAYLOAD = protobuf.Root.fromJSON({
  nested: {
    MigrationPayload: {
      fields: {
        otpParameters: { rule: 'repeated', type: 'OtpParameters', id: 1 },
        version: { type: 'int32', id: 2 },
        batchSize: { type: 'int32', id: 3 },
        batchIndex: { type: 'int32', id: 4 },
        batchId: { type: 'int32', id: 5 },
      },
      nested: {
        OtpParameters: {
          fields: {
            secret: { type: 'bytes', id: 1 },
            name: { type: 'string', id: 2 },
            issuer: { type: 'string', id: 3 },
            algorithm: { type: 'int32', id: 4 },
            digits: { type: 'int32', id: 5 },
            type: { type: 'int32', id: 6 },
            counter: { type: 'int64', id: 7 },
          },
        },
      },
    },
  },
}).lookupType('MigrationPayload');

interface TestOtp {
  secret: Uint8Array;
  name?: string;
  issuer?: string;
  algorithm?: number;
  digits?: number;
  type?: number;
  counter?: number;
}

interface TestBatch {
  version?: number;
  batchSize?: number;
  batchIndex?: number;
  batchId?: number;
}

function payloadData(otps: TestOtp[], batch: TestBatch = {}): string {
  const otpParameters = otps.map((o) => ({ algorithm: 1, digits: 1, type: 2, name: '', issuer: '', counter: 0, ...o }));
  const message = PAYLOAD.fromObject({ version: 1, batchSize: 1, batchIndex: 0, batchId: 4242, ...batch, otpParameters });
  return Buffer.from(PAYLOAD.encode(message).finish()).toString('base64');
}

/** A link as Google Authenticator writes it: standard base64, URL-encoded. */
function gaLink(otps: TestOtp[], batch: TestBatch = {}): string {
  return `otpauth-migration://offline?data=${encodeURIComponent(payloadData(otps, batch))}`;
}

function decodeLink(link: string): protobuf.Message & Record<string, unknown> {
  const data = decodeURIComponent(link.slice('otpauth-migration://offline?data='.length));
  return PAYLOAD.toObject(PAYLOAD.decode(Buffer.from(data, 'base64')), { longs: Number, defaults: true }) as protobuf.Message &
    Record<string, unknown>;
}

const indexed = (links: string[]): { index: number; uri: string }[] => links.map((uri, index) => ({ index, uri }));

function base32Of(bytes: Uint8Array): string {
  return new Secret({ buffer: Uint8Array.from(bytes).buffer }).base32;
}

const NAMES = ['alice@example.com', 'Bob Smith', 'ünïcødé 日本', 'a:b:c', 'x', 'user+tag@corp.example', 'n'.repeat(200)];
const ISSUERS = ['ACME Co', 'GitHub', '', 'Bank: Retail', 'Ünïcødé', 'i'.repeat(200)];

/** Random accounts that Google Authenticator can hold (30-second TOTP or HOTP, 6 or 8 digits). */
function randomAccounts(n: number): OtpParams[] {
  const algorithms = ['SHA1', 'SHA256', 'SHA512'] as const;
  return Array.from({ length: n }, (_, i) => {
    const hotp = randomInt(4) === 0;
    return {
      type: hotp ? 'hotp' : 'totp',
      issuer: ISSUERS[randomInt(ISSUERS.length)] as string,
      label: `${NAMES[randomInt(NAMES.length)] as string}${i}`.slice(-200),
      secret: base32Of(randomBytes(randomInt(10, 65))),
      algorithm: algorithms[randomInt(3)] as OtpParams['algorithm'],
      digits: randomInt(2) === 0 ? 6 : 8,
      period: 30,
      counter: hotp ? randomInt(0, 2 ** 40) : 0,
    };
  });
}

const SERVICES = ['GitHub', 'Google', 'ACME Co', 'Bank of Example', 'Mastodon', 'Cloud Console', 'Ünïcødé Mail', ''];
const PEOPLE = ['alice', 'bob.smith', 'carol', 'dave+work', 'erin_k', 'frank', 'grace.hopper', 'heidi'];

/** Accounts with everyday names, as a phone's export holds them, for the QR code tests. */
function everydayAccounts(n: number): OtpParams[] {
  return randomAccounts(n).map((p, i) => ({
    ...p,
    issuer: SERVICES[randomInt(SERVICES.length)] as string,
    label: `${PEOPLE[randomInt(PEOPLE.length)] as string}${i}@example.com`,
    secret: base32Of(randomBytes(randomInt(10, 33))),
  }));
}

/** Simple accounts with short secrets, for the size tests. */
function manyAccounts(n: number): OtpParams[] {
  return Array.from({ length: n }, (_, i) => ({
    type: 'totp',
    issuer: `Issuer ${i}`,
    label: `user${i}@example.com`,
    secret: base32Of(randomBytes(10)),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    counter: 0,
  }));
}

function expectNoSecrets(parsed: ParsedImport, secrets: string[]): void {
  const texts = [...parsed.errors.flatMap((e) => [e.name, e.message]), ...parsed.warnings];
  for (const secret of secrets) for (const text of texts) expect(text).not.toContain(secret);
}

describe('parseMigrationLinks', () => {
  it('reads a published Google Authenticator export link', () => {
    // An export of one account published with its secret (7KSQL2JTUDIS5EF65KLMRQIIGY), batch id negative as GA writes it.
    const link =
      'otpauth-migration://offline?data=CjUKEPqlBekzoNEukL7qlsjBCDYSDnBpQHJhc3BiZXJyeXBpGgtyYXNwYmVycnlwaSABKAEwAhABGAEgACjr4JKK%2B%2F%2F%2F%2F%2F8B';
    const parsed = parseMigrationLinks([{ index: 0, uri: link }]);
    expect(parsed).toEqual({
      format: 'google-migration',
      accounts: [
        {
          index: 0,
          params: {
            type: 'totp',
            issuer: 'raspberrypi',
            label: 'pi@raspberrypi',
            secret: '7KSQL2JTUDIS5EF65KLMRQIIGY',
            algorithm: 'SHA1',
            digits: 6,
            period: 30,
            counter: 0,
          },
        },
      ],
      errors: [],
      warnings: [],
      enrollments: [],
    });
  });

  it('reads every algorithm, digit count and type, with unspecified values taking GA defaults', () => {
    const secret = randomBytes(20);
    const link = gaLink([
      { secret, name: 'a', issuer: 'A', algorithm: 2, digits: 2, type: 2 },
      { secret, name: 'b', issuer: 'B', algorithm: 3, digits: 1, type: 1, counter: 42 },
      { secret, name: 'c', issuer: 'C', algorithm: 0, digits: 0, type: 2 },
    ]);
    const parsed = parseMigrationLinks([{ index: 0, uri: link }]);
    expect(parsed.errors).toEqual([]);
    expect(parsed.accounts.map((a) => a.params)).toEqual([
      { type: 'totp', issuer: 'A', label: 'a', secret: base32Of(secret), algorithm: 'SHA256', digits: 8, period: 30, counter: 0 },
      { type: 'hotp', issuer: 'B', label: 'b', secret: base32Of(secret), algorithm: 'SHA512', digits: 6, period: 30, counter: 42 },
      { type: 'totp', issuer: 'C', label: 'c', secret: base32Of(secret), algorithm: 'SHA1', digits: 6, period: 30, counter: 0 },
    ]);
  });

  it('strips an "Issuer:" prefix from the name only when it matches the issuer', () => {
    const secret = randomBytes(10);
    const link = gaLink([
      { secret, name: 'ACME Co:alice', issuer: 'ACME Co' },
      { secret, name: 'acme co: bob', issuer: 'ACME Co' },
      { secret, name: 'Other:carol', issuer: 'ACME Co' },
      { secret, name: 'Solo:dave', issuer: '' },
      { secret, name: 'erin', issuer: '' },
    ]);
    const parsed = parseMigrationLinks([{ index: 0, uri: link }]);
    expect(parsed.accounts.map((a) => [a.params.issuer, a.params.label])).toEqual([
      ['ACME Co', 'alice'],
      ['ACME Co', 'bob'],
      ['ACME Co', 'Other:carol'],
      ['Solo', 'dave'],
      ['', 'erin'],
    ]);
  });

  it('gives an error per entry it cannot import, with its index and name but never its secret', () => {
    const secrets = [randomBytes(20), randomBytes(20), randomBytes(20), randomBytes(20), randomBytes(5), randomBytes(20)];
    const link = gaLink([
      { secret: secrets[0] as Buffer, name: 'good', issuer: 'Fine' },
      { secret: secrets[1] as Buffer, name: 'md5', issuer: 'Old', algorithm: 4 },
      { secret: secrets[2] as Buffer, name: 'typeless', issuer: 'Odd', type: 0 },
      { secret: secrets[3] as Buffer, name: 'seven', issuer: 'Odd', digits: 3 },
      { secret: secrets[4] as Buffer, name: 'short', issuer: 'Weak' },
      { secret: secrets[5] as Buffer, name: 'huge counter', issuer: 'Big', type: 1, counter: -5 },
    ]);
    const parsed = parseMigrationLinks([{ index: 0, uri: link }]);
    expect(parsed.accounts.map((a) => [a.index, a.params.label])).toEqual([[0, 'good']]);
    expect(parsed.errors).toEqual([
      { index: 1, name: 'Old (md5)', message: 'MD5 accounts are not supported; only SHA1, SHA256 and SHA512 are.' },
      { index: 2, name: 'Odd (typeless)', message: expect.stringMatching(/time-based \(TOTP\) or counter-based \(HOTP\)/) },
      { index: 3, name: 'Odd (seven)', message: expect.stringMatching(/code length/) },
      { index: 4, name: 'Weak (short)', message: expect.stringMatching(/secret key is too short/) },
      { index: 5, name: 'Big (huge counter)', message: expect.stringMatching(/counter must be a whole number/) },
    ]);
    expectNoSecrets(parsed, secrets.map(base32Of));
  });

  it('gives back every account of a many-code export it wrote (round trip of random accounts)', () => {
    const accounts = randomAccounts(300);
    const links = encodeMigrationLinks(accounts, 7);
    expect(links.length).toBeGreaterThanOrEqual(43);
    for (const link of links) expect((decodeLink(link).otpParameters as unknown[]).length).toBeLessThanOrEqual(7);
    const parsed = parseMigrationLinks(indexed(links));
    expect(parsed.errors).toEqual([]);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.accounts.map((a) => a.params)).toEqual(accounts);
    expect(parsed.accounts.map((a) => a.index)).toEqual(accounts.map((_, i) => i));
  });

  it('warns which QR codes of a batch were not scanned, and imports the rest', () => {
    const accounts = manyAccounts(30);
    const links = encodeMigrationLinks(accounts, 10);
    const parsed = parseMigrationLinks(indexed([links[0] as string, links[2] as string]));
    expect(parsed.warnings).toEqual([
      'This Google Authenticator export has 3 QR codes; code 2 of 3 was not scanned, so its accounts are not included.',
    ]);
    expect(parsed.accounts.map((a) => a.params)).toEqual([...accounts.slice(0, 10), ...accounts.slice(20)]);

    const five = encodeMigrationLinks(manyAccounts(5), 1);
    const some = parseMigrationLinks(indexed([five[4] as string, five[0] as string, five[2] as string]));
    expect(some.warnings).toEqual([
      'This Google Authenticator export has 5 QR codes; codes 2 and 4 of 5 were not scanned, so their accounts are not included.',
    ]);
  });

  it('ignores a QR code scanned twice, and keeps indexes unique', () => {
    const accounts = manyAccounts(30);
    const links = encodeMigrationLinks(accounts, 10);
    const parsed = parseMigrationLinks(indexed([links[0], links[1], links[1], links[2], links[0]] as string[]));
    expect(parsed.warnings).toEqual([]);
    expect(parsed.accounts.map((a) => a.params)).toEqual(accounts);
    expect(new Set(parsed.accounts.map((a) => a.index)).size).toBe(30);
  });

  it('keeps two separate exports apart, each with its own missing-code warning', () => {
    const first = encodeMigrationLinks(manyAccounts(4), 2);
    const second = encodeMigrationLinks(manyAccounts(9), 3);
    const parsed = parseMigrationLinks(indexed([first[0], second[0], second[2]] as string[]));
    expect(parsed.accounts).toHaveLength(2 + 3 + 3);
    expect(parsed.warnings).toEqual([
      'This Google Authenticator export has 2 QR codes; code 2 of 2 was not scanned, so its accounts are not included.',
      'This Google Authenticator export has 3 QR codes; code 2 of 3 was not scanned, so its accounts are not included.',
    ]);
  });

  it('refuses a single damaged or foreign link as a whole, without quoting its data', async () => {
    const good = gaLink([{ secret: randomBytes(10), name: 'a', issuer: 'A' }]);
    const data = payloadData([{ secret: randomBytes(10), name: 'a', issuer: 'A' }]);
    const cases: [string, RegExp][] = [
      ['otpauth-migration://offline?data=%%%', /broken %-escape/],
      ['otpauth-migration://offline?data=not*base64!', /not base64/],
      [`otpauth-migration://offline?data=${Buffer.from('plain text, not a protobuf message').toString('base64')}`, /damaged or incomplete/],
      [`otpauth-migration://offline?data=${encodeURIComponent(data.slice(0, 16))}`, /damaged or incomplete/],
      [good.slice(0, 60), /damaged or incomplete|not base64/],
      [`otpauth-migration://online?data=${encodeURIComponent(data)}`, /not an otpauth-migration:\/\/offline link/],
      [`otpauth://offline?data=${encodeURIComponent(data)}`, /not an otpauth-migration:\/\/offline link/],
      ['otpauth-migration://offline?foo=bar', /no data/],
      [gaLink([]), /holds no accounts/],
      [gaLink([{ secret: randomBytes(10) }], { batchSize: 3, batchIndex: 3 }), /part number is not valid/],
    ];
    for (const [uri, problem] of cases) {
      const error = await expectTwofoldError(() => parseMigrationLinks([{ index: 0, uri }]), 'IMPORT_INVALID');
      expect(error.message).toMatch(/^This Google Authenticator export could not be read: /);
      expect(error.message).toMatch(problem);
      expect(error.message).not.toContain(data.slice(0, 12));
    }
  });

  it('refuses an export of an unknown version', async () => {
    const uri = gaLink([{ secret: randomBytes(10), name: 'a' }], { version: 2 });
    const error = await expectTwofoldError(() => parseMigrationLinks([{ index: 0, uri }]), 'IMPORT_UNSUPPORTED_VERSION');
    expect(error.message).toMatch(/format version 2, which this version of Twofold does not know/);
  });

  it('names a damaged QR code among several by its number, and imports the others', () => {
    const links = encodeMigrationLinks(manyAccounts(6), 2);
    const parsed = parseMigrationLinks(indexed([links[0] as string, 'otpauth-migration://offline?data=!!', links[1] as string, links[2] as string]));
    expect(parsed.accounts).toHaveLength(6);
    expect(parsed.errors).toEqual([{ index: 2, name: 'QR code 2', message: expect.stringMatching(/^QR code 2 could not be read: its data is not base64/) }]);
    const indexes = [...parsed.accounts.map((a) => a.index), ...parsed.errors.map((e) => e.index)];
    expect(new Set(indexes).size).toBe(7);
  });

  it('says when there are no links', async () => {
    await expectTwofoldError(() => parseMigrationLinks([]), 'IMPORT_EMPTY');
  });

  it('reads 10,000 accounts, in 1,000 QR codes or in one', () => {
    const accounts = manyAccounts(10_000);
    const parsed = parseMigrationLinks(indexed(encodeMigrationLinks(accounts)));
    expect(parsed.accounts).toHaveLength(10_000);
    expect(parsed.errors).toEqual([]);
    expect(parsed.accounts[9999]?.params).toEqual(accounts[9999]);
    const one = gaLink(accounts.map((p) => ({ secret: Secret.fromBase32(p.secret).bytes, name: p.label, issuer: p.issuer })));
    expect(parseMigrationLinks([{ index: 0, uri: one }]).accounts).toHaveLength(10_000);
  });

  it('refuses more than MAX_IMPORT_ENTRIES accounts', async () => {
    const secret = randomBytes(10);
    const otps = Array.from({ length: MAX_IMPORT_ENTRIES + 1 }, () => ({ secret, name: 'a' }));
    const error = await expectTwofoldError(() => parseMigrationLinks([{ index: 0, uri: gaLink(otps) }]), 'IMPORT_TOO_LARGE');
    expect(error.message).toMatch(/50,001 entries/);
  });
});

describe('encodeMigrationLinks', () => {
  it('writes Google Authenticator’s fields: version 1, one batch id, the parts numbered', () => {
    const accounts = everydayAccounts(25);
    const links = encodeMigrationLinks(accounts);
    expect(links).toHaveLength(3);
    const payloads = links.map(decodeLink);
    const batchId = payloads[0]?.batchId;
    payloads.forEach((payload, i) => {
      expect(links[i]).toMatch(/^otpauth-migration:\/\/offline\?data=[A-Za-z0-9%]+$/);
      expect(payload).toMatchObject({ version: 1, batchSize: 3, batchIndex: i, batchId });
    });
    const first = (payloads[0]?.otpParameters as Record<string, unknown>[])[0];
    const p = accounts[0] as OtpParams;
    expect(first).toMatchObject({
      secret: Buffer.from(Secret.fromBase32(p.secret).bytes),
      issuer: p.issuer,
      algorithm: { SHA1: 1, SHA256: 2, SHA512: 3 }[p.algorithm],
      digits: p.digits === 8 ? 2 : 1,
      type: p.type === 'hotp' ? 1 : 2,
      counter: p.counter,
    });
    expect(encodeMigrationLinks([])).toEqual([]);
  });

  it('puts fewer accounts in a code when their names are long, so every code stays scannable', () => {
    const long = manyAccounts(10).map((p, i) => ({ ...p, issuer: 'I'.repeat(200), label: `${'n'.repeat(190)}${i}` }));
    const links = encodeMigrationLinks(long);
    expect(links.length).toBeGreaterThan(1);
    for (const link of links) expect(link.length).toBeLessThan(1600);
    expect(parseMigrationLinks(indexed(links)).accounts.map((a) => a.params)).toEqual(long);
    const longest = { ...(manyAccounts(1)[0] as OtpParams), issuer: '日'.repeat(200), label: '本'.repeat(200), secret: base32Of(randomBytes(640)) };
    expect(migrationIncompatibility(longest)).toBeNull();
    // U+FFFF is 3 bytes of UTF-8 whose base64 is half '+' and '/', which the link escapes.
    const huge = { ...longest, issuer: '\uFFFF'.repeat(200), label: '\uFFFF'.repeat(200) };
    expect(migrationIncompatibility(huge)).toMatch(/too long to fit in a QR code/);
  });

  it('refuses accounts Google Authenticator cannot hold, naming them', async () => {
    const base = manyAccounts(1)[0] as OtpParams;
    expect(migrationIncompatibility(base)).toBeNull();
    expect(migrationIncompatibility({ ...base, type: 'hotp', period: 30, counter: 3 })).toBeNull();
    expect(migrationIncompatibility({ ...base, period: 60 })).toMatch(/only 30-second codes; this account's code changes every 60 seconds/);
    expect(migrationIncompatibility({ ...base, digits: 7 })).toMatch(/only 6- and 8-digit codes; this account has 7-digit codes/);
    const error = await expectTwofoldError(() => encodeMigrationLinks([base, { ...base, issuer: 'Slow', label: 'sam', period: 60 }]), 'INPUT_INVALID');
    expect(error.message).toMatch(/^Slow \(sam\): /);
    expect(error.message).not.toContain(base.secret);
    await expectTwofoldError(() => encodeMigrationLinks([base], 0), 'INPUT_INVALID');
    await expectTwofoldError(() => encodeMigrationLinks([base], 1.5), 'INPUT_INVALID');
  });
});

describe('googleMigrationImporter', () => {
  const input = (text: string | null): ImportInput => ({
    bytes: new TextEncoder().encode(text ?? ''),
    text,
    fileName: null,
    passphrase: null,
  });

  it('recognises text made only of export links', () => {
    const links = encodeMigrationLinks(manyAccounts(4), 2);
    expect(googleMigrationImporter.detect(input(links.join('\n')))).toBe(true);
    expect(googleMigrationImporter.detect(input(`\n  ${links[0] as string}  \r\n\r\n`))).toBe(true);
    expect(googleMigrationImporter.detect(input(`${links[0] as string}\notpauth://totp/A:a?secret=JBSWY3DPEHPK3PXP`))).toBe(false);
    expect(googleMigrationImporter.detect(input(''))).toBe(false);
    expect(googleMigrationImporter.detect(input(null))).toBe(false);
  });

  it('reads the links of a text file, numbering the QR codes in order', async () => {
    const accounts = manyAccounts(4);
    const links = encodeMigrationLinks(accounts, 2);
    const parsed = await googleMigrationImporter.parse(input(`\uFEFF${links[0] as string}\r\n\r\notpauth-migration://offline?data=!!\r\n${links[1] as string}\r\n`));
    expect(parsed.format).toBe('google-migration');
    expect(parsed.accounts.map((a) => a.params)).toEqual(accounts);
    expect(parsed.errors.map((e) => e.name)).toEqual(['QR code 2']);
    await expect(googleMigrationImporter.parse(input('  \n'))).rejects.toMatchObject({ code: 'IMPORT_EMPTY' });
  });
});

describe('Google Authenticator export QR codes', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twofold-ga-qr-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads a single-code export from a qrencode PNG', async () => {
    const accounts = everydayAccounts(5);
    const [link] = encodeMigrationLinks(accounts);
    const png = await qrencodePng(link as string, dir, { moduleSize: 3 });
    const texts = await decodeQrImage(png);
    expect(texts).toEqual([link]);
    expect(parseMigrationLinks(indexed(texts)).accounts.map((a) => a.params)).toEqual(accounts);
  });

  it('reads a multi-code batch from several images, and warns while one is missing', async () => {
    const accounts = everydayAccounts(25);
    const links = encodeMigrationLinks(accounts, 10);
    const pngs = await Promise.all(links.map((link) => qrencodePng(link, dir, { moduleSize: 3 })));
    const texts = (await Promise.all(pngs.map((png) => decodeQrImage(png)))).flat();
    expect(texts).toEqual(links);
    expect(parseMigrationLinks(indexed(texts)).accounts.map((a) => a.params)).toEqual(accounts);
    const partial = parseMigrationLinks(indexed(texts.slice(1)));
    expect(partial.warnings).toEqual([
      `This Google Authenticator export has ${links.length} QR codes; code 1 of ${links.length} was not scanned, so its accounts are not included.`,
    ]);
  });

  it('reads every code of a batch shown together in one image', async () => {
    const accounts = everydayAccounts(40);
    const links = encodeMigrationLinks(accounts, 10);
    const pngs = await Promise.all(links.map((link) => qrencodePng(link, dir, { moduleSize: 3 })));
    const image = await composePngs(pngs, dir, { columns: 2 });
    const texts = await decodeAllQrCodes(image);
    expect(texts).toEqual(links);
    expect(parseMigrationLinks(indexed(texts)).accounts.map((a) => a.params)).toEqual(accounts);
  });

  it('reads every code of a batch whose codes are version 23, which jsQR misread', async () => {
    // Fixed accounts, so the test is the same on every run: ten with 30-byte secrets fill a version
    // 23 code (109 modules a side), the size the random batch above reached in about one run of three
    // and jsQR 1.4.0, the decoder before zxing, never decoded.
    const algorithms = ['SHA1', 'SHA256', 'SHA512'] as const;
    const accounts: OtpParams[] = Array.from({ length: 40 }, (_, i) => ({
      type: i % 4 === 3 ? 'hotp' : 'totp',
      issuer: SERVICES[i % SERVICES.length] as string,
      label: `${PEOPLE[(i * 3) % PEOPLE.length] as string}${i}@example.com`,
      secret: base32Of(createHash('sha256').update(`account ${i}`).digest().subarray(0, 30)),
      algorithm: algorithms[i % 3] as OtpParams['algorithm'],
      digits: i % 2 === 0 ? 6 : 8,
      period: 30,
      counter: i % 4 === 3 ? 1000 * i : 0,
    }));
    const links = encodeMigrationLinks(accounts, 10);
    const pngs = await Promise.all(links.map((link) => qrencodePng(link, dir, { moduleSize: 3, version: 23 })));
    // 109 modules and a 4-module quiet zone each side, 3 pixels each.
    for (const png of pngs) expect(PNG.sync.read(Buffer.from(png)).width).toBe((109 + 8) * 3);
    const texts = await decodeAllQrCodes(await composePngs(pngs, dir, { columns: 2 }));
    expect(texts).toEqual(links);
    expect(parseMigrationLinks(indexed(texts)).accounts.map((a) => a.params)).toEqual(accounts);
    expect(await decodeQrImage(pngs[3] as Uint8Array)).toEqual([links[3]]);
  });

  it('writes links that zbarimg reads back to the same accounts', async () => {
    const accounts = everydayAccounts(20);
    const links = encodeMigrationLinks(accounts, 10);
    const read: string[] = [];
    for (const link of links) read.push(...(await zbarDecode(await qrencodePng(link, dir, { moduleSize: 3 }), dir)));
    expect(read).toEqual(links);
    expect(parseMigrationLinks(indexed(read)).accounts.map((a) => a.params)).toEqual(accounts);
  });
});
