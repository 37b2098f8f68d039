import { describe, expect, it } from 'vitest';
import { parseOtpauthUri, type OtpParams } from '../../../common/otpauth-uri';
import { expectTwofoldError, textInput } from '../../../tests/fixtures/import-test-kit';
import { uriListImporter } from '../import/uri-list';
import { formatUriList, URI_LIST_WARNING } from './uri-list-export';

const ACCOUNTS: OtpParams[] = [
  { type: 'totp', issuer: 'GitHub', label: 'alice@example.com', secret: 'JBSWY3DPEHPK3PXP', algorithm: 'SHA1', digits: 6, period: 30, counter: 0 },
  { type: 'hotp', issuer: '', label: 'odd: name & more', secret: 'GEZDGNBVGY3TQOJQ', algorithm: 'SHA512', digits: 8, period: 30, counter: 9 },
  { type: 'totp', issuer: 'Bänk #1', label: 'bob', secret: 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ', algorithm: 'SHA256', digits: 7, period: 60, counter: 0 },
];

describe('formatUriList', () => {
  it('starts with a one-line comment saying the file is unencrypted', () => {
    const [first, ...rest] = formatUriList(ACCOUNTS).split('\n');
    expect(first).toBe(URI_LIST_WARNING);
    expect(first).toMatch(/^# .*UNENCRYPTED/);
    expect(rest.every((line) => !line.startsWith('#'))).toBe(true);
  });

  it('writes one otpauth link per account, in order, that parses back to the same account', () => {
    const lines = formatUriList(ACCOUNTS).split('\n');
    expect(lines).toHaveLength(ACCOUNTS.length + 2); // warning, links, final newline
    expect(lines.at(-1)).toBe('');
    expect(lines.slice(1, -1).map((line) => parseOtpauthUri(line))).toEqual(ACCOUNTS);
  });

  it("reads back through Twofold's link-list importer to the same accounts", async () => {
    const text = formatUriList(ACCOUNTS);
    const input = textInput(text, 'export.txt');
    expect(uriListImporter.detect(input)).toBe(true);
    const parsed = await uriListImporter.parse(input);
    expect(parsed.format).toBe('uri-list');
    expect(parsed.errors).toEqual([]);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.accounts.map((a) => a.params)).toEqual(ACCOUNTS);
  });

  it('refuses an empty export', async () => {
    await expectTwofoldError(() => formatUriList([]), 'EXPORT_EMPTY');
  });
});
