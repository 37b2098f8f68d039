import { Secret } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { AccountViewSchema, AddResultSchema, CodeViewSchema } from '../../common/api-contract';
import { TwofoldError, type ErrorCode } from '../../common/errors';
import { validateOtpParams, type OtpParams } from '../../common/otpauth-uri';
import { AccountBook, StoredAccountSchema, type StoredAccount } from './accounts';
import { hotpCode, totpCode } from './otp';

const RFC_SECRET = Secret.fromLatin1('12345678901234567890').base32;
const OTHER_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

function otp(over: Partial<OtpParams> = {}): OtpParams {
  return { type: 'totp', issuer: 'GitHub', label: 'octocat', secret: OTHER_SECRET, algorithm: 'SHA1', digits: 6, period: 30, counter: 0, ...over };
}

function stored(id: string, over: Partial<StoredAccount> = {}): StoredAccount {
  return { ...otp(), id, color: null, icon: null, pinned: false, ...over };
}

function idSource(): () => string {
  let n = 0;
  return () => `new-${++n}`;
}

function sampleBook(): AccountBook {
  return new AccountBook(
    [
      stored('a', { issuer: 'GitHub', label: 'octocat' }),
      stored('b', { issuer: 'Google', label: 'alice@gmail.com', secret: RFC_SECRET }),
      stored('c', { issuer: 'École Polytechnique', label: 'jürgen', pinned: true }),
      stored('d', { issuer: '', label: 'server-admin', type: 'hotp', counter: 5, secret: RFC_SECRET }),
    ],
    { newId: idSource() },
  );
}

function expectError(fn: () => unknown, code: ErrorCode, field?: string): TwofoldError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(TwofoldError);
  const e = caught as TwofoldError;
  expect(e.code).toBe(code);
  if (field !== undefined) expect(e.field).toBe(field);
  return e;
}

const ids = (views: Array<{ id: string }>): string[] => views.map((v) => v.id);

describe('AccountBook.view', () => {
  it('shows pinned accounts first, then the stored order, without secrets', () => {
    const views = sampleBook().view();
    expect(ids(views)).toEqual(['c', 'a', 'b', 'd']);
    for (const v of views) {
      expect(AccountViewSchema.strict().parse(v)).toEqual(v);
      expect(JSON.stringify(v)).not.toContain(OTHER_SECRET);
      expect(JSON.stringify(v)).not.toContain(RFC_SECRET);
    }
  });

  it('searches issuer and account name, ignoring case and accents', () => {
    const book = sampleBook();
    expect(ids(book.view('GIT'))).toEqual(['a']);
    expect(ids(book.view('gmail'))).toEqual(['b']);
    expect(ids(book.view('ecole'))).toEqual(['c']);
    expect(ids(book.view('JURGEN'))).toEqual(['c']);
    expect(ids(book.view('o'))).toEqual(['c', 'a', 'b']);
    expect(ids(book.view('  '))).toEqual(['c', 'a', 'b', 'd']);
    expect(ids(book.view('nothing-like-this'))).toEqual([]);
  });

  it('matches every word of a query against issuer or name', () => {
    const book = sampleBook();
    expect(ids(book.view('google alice'))).toEqual(['b']);
    expect(ids(book.view('google octocat'))).toEqual([]);
  });

  it('does not search the secret', () => {
    expect(ids(sampleBook().view(OTHER_SECRET.slice(0, 8).toLowerCase()))).toEqual([]);
  });
});

describe('AccountBook.get and list', () => {
  it('lists accounts with secrets in stored order, as copies', () => {
    const book = sampleBook();
    const list = book.list();
    expect(ids(list)).toEqual(['a', 'b', 'c', 'd']);
    (list[0] as StoredAccount).label = 'changed';
    expect(book.get('a').label).toBe('octocat');
  });

  it('throws ACCOUNT_NOT_FOUND for an unknown id', () => {
    const e = expectError(() => sampleBook().get('zzz'), 'ACCOUNT_NOT_FOUND');
    expect(e.message).toMatch(/no longer exists/);
  });
});

describe('AccountBook.add', () => {
  it('adds a new account at the end with a fresh id, colour and icon', () => {
    const book = sampleBook();
    const result = book.add(otp({ issuer: 'Dropbox', label: 'me' }), { onDuplicate: 'ask', color: '#112233', icon: 'dropbox' });
    expect(AddResultSchema.parse(result)).toEqual(result);
    expect(result).toMatchObject({ status: 'added', account: { id: 'new-1', issuer: 'Dropbox', color: '#112233', icon: 'dropbox', pinned: false } });
    expect(ids(book.list())).toEqual(['a', 'b', 'c', 'd', 'new-1']);
  });

  it('never reuses an id that is taken', () => {
    const taken = ['a', 'a', 'b', 'fresh'];
    const book = new AccountBook([stored('a'), stored('b', { label: 'x' })], { newId: () => taken.shift() as string });
    expect(book.add(otp({ label: 'y' }), { onDuplicate: 'ask' })).toMatchObject({ account: { id: 'fresh' } });
  });

  it('finds duplicates by issuer and name (trimmed, any case) and secret', () => {
    const book = sampleBook();
    expect(book.findDuplicate(otp({ issuer: ' github ', label: 'OCTOCAT' }))?.id).toBe('a');
    expect(book.findDuplicate(otp({ issuer: 'GitHub', label: 'octocat', secret: RFC_SECRET }))).toBeUndefined();
    expect(book.findDuplicate(otp({ issuer: 'GitLab', label: 'octocat' }))).toBeUndefined();
  });

  it("'ask' reports a duplicate and changes nothing", () => {
    const book = sampleBook();
    const before = book.list();
    const result = book.add(otp({ issuer: 'github' }), { onDuplicate: 'ask' });
    expect(result).toEqual({ status: 'duplicate', existing: book.toView(book.get('a')) });
    expect(book.list()).toEqual(before);
  });

  it("'skip' leaves the book as it is", () => {
    const book = sampleBook();
    const before = book.list();
    expect(book.add(otp(), { onDuplicate: 'skip' })).toMatchObject({ status: 'skipped', existing: { id: 'a' } });
    expect(book.list()).toEqual(before);
  });

  it("'add-anyway' adds a second account", () => {
    const book = sampleBook();
    expect(book.add(otp(), { onDuplicate: 'add-anyway' })).toMatchObject({ status: 'added', account: { id: 'new-1' } });
    expect(book.list()).toHaveLength(5);
  });

  it("'replace' swaps the OTP settings in place, keeping id, position, pin, and colour unless given", () => {
    const book = new AccountBook(
      [stored('x', { label: 'first' }), stored('a', { pinned: true, color: '#aabbcc' }), stored('z', { label: 'last' })],
      { newId: idSource() },
    );
    const result = book.add(otp({ issuer: 'GITHUB', digits: 8, algorithm: 'SHA256' }), { onDuplicate: 'replace' });
    expect(result).toMatchObject({ status: 'replaced', account: { id: 'a', issuer: 'GITHUB', digits: 8, algorithm: 'SHA256', pinned: true, color: '#aabbcc' } });
    expect(ids(book.list())).toEqual(['x', 'a', 'z']);
    book.add(otp(), { onDuplicate: 'replace', color: null });
    expect(book.get('a').color).toBeNull();
  });

  it('adds normally when there is no duplicate, whatever onDuplicate says', () => {
    const book = sampleBook();
    expect(book.add(otp({ label: 'new' }), { onDuplicate: 'replace' }).status).toBe('added');
    expect(book.add(otp({ label: 'newer' }), { onDuplicate: 'skip' }).status).toBe('added');
  });
});

describe('AccountBook.update', () => {
  it('renames, recolours and pins, trimming names', () => {
    const book = sampleBook();
    const view = book.update('b', { issuer: '  Google Workspace ', label: ' bob ', color: '#00ff00', pinned: true });
    expect(view).toMatchObject({ id: 'b', issuer: 'Google Workspace', label: 'bob', color: '#00ff00', pinned: true });
    expect(ids(book.view())).toEqual(['b', 'c', 'a', 'd']);
    expect(book.get('b').secret).toBe(RFC_SECRET);
  });

  it('leaves fields that are not given, and clears a colour given as null', () => {
    const book = new AccountBook([stored('a', { color: '#123456' })], { newId: idSource() });
    expect(book.update('a', {})).toEqual(book.toView(stored('a', { color: '#123456' })));
    expect(book.update('a', { color: null }).color).toBeNull();
  });

  it('refuses an empty or over-long name, an over-long issuer and a bad colour', () => {
    const book = sampleBook();
    expectError(() => book.update('a', { label: '   ' }), 'ACCOUNT_INVALID', 'label');
    expectError(() => book.update('a', { label: 'x'.repeat(201) }), 'ACCOUNT_INVALID', 'label');
    expectError(() => book.update('a', { issuer: 'x'.repeat(201) }), 'ACCOUNT_INVALID', 'issuer');
    expectError(() => book.update('a', { issuer: 'bad\u0000' }), 'ACCOUNT_INVALID', 'issuer');
    expectError(() => book.update('a', { color: 'red' }), 'ACCOUNT_INVALID', 'color');
    expect(book.get('a').label).toBe('octocat');
  });

  it('allows an empty issuer', () => {
    expect(sampleBook().update('a', { issuer: '' }).issuer).toBe('');
  });

  it('throws ACCOUNT_NOT_FOUND for an unknown id', () => {
    expectError(() => sampleBook().update('nope', { label: 'x' }), 'ACCOUNT_NOT_FOUND');
  });
});

describe('AccountBook.remove and restore', () => {
  it('removes an account and restores it at its old position', () => {
    const book = sampleBook();
    const removed = book.remove('b');
    expect(removed).toMatchObject({ index: 1, account: { id: 'b', secret: RFC_SECRET } });
    expect(ids(book.list())).toEqual(['a', 'c', 'd']);
    expect(book.restore(removed)).toMatchObject({ id: 'b' });
    expect(ids(book.list())).toEqual(['a', 'b', 'c', 'd']);
    expect(book.get('b')).toEqual(sampleBook().get('b'));
  });

  it('clamps the position when the list got shorter meanwhile', () => {
    const book = sampleBook();
    const removed = book.remove('d');
    book.remove('a');
    book.remove('b');
    book.restore(removed);
    expect(ids(book.list())).toEqual(['c', 'd']);
  });

  it('refuses to restore an account twice', () => {
    const book = sampleBook();
    const removed = book.remove('a');
    book.restore(removed);
    expectError(() => book.restore(removed), 'INPUT_INVALID');
    expect(book.list()).toHaveLength(4);
  });

  it('throws ACCOUNT_NOT_FOUND when removing an unknown id', () => {
    expectError(() => sampleBook().remove('nope'), 'ACCOUNT_NOT_FOUND');
  });
});

describe('AccountBook.reorder', () => {
  it('sets the stored order', () => {
    const book = sampleBook();
    book.reorder(['d', 'c', 'b', 'a']);
    expect(ids(book.list())).toEqual(['d', 'c', 'b', 'a']);
    // Pinned still first in the view.
    expect(ids(book.view())).toEqual(['c', 'd', 'b', 'a']);
  });

  it('refuses anything but a permutation of all ids, saying what is wrong, and keeps the order', () => {
    const book = sampleBook();
    expect(expectError(() => book.reorder(['a', 'b', 'c']), 'INPUT_INVALID', 'ids').message).toMatch(/leaves out 1 account\./);
    expect(expectError(() => book.reorder(['a', 'b']), 'INPUT_INVALID', 'ids').message).toMatch(/leaves out 2 accounts/);
    expect(expectError(() => book.reorder(['a', 'b', 'c', 'c']), 'INPUT_INVALID', 'ids').message).toMatch(/twice/);
    expect(expectError(() => book.reorder(['a', 'b', 'c', 'd', 'e']), 'INPUT_INVALID', 'ids').message).toMatch(/does not exist/);
    expect(ids(book.list())).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('AccountBook.codes', () => {
  const totp = (id: string, period = 30): StoredAccount => stored(id, { secret: RFC_SECRET, digits: 8, period });

  it('gives TOTP codes with seconds left and no next code early in the period', () => {
    const book = new AccountBook([totp('t')], { newId: idSource() });
    // RFC 6238: T=1111111111 s gives 14050471 (SHA1, 8 digits); 1111111111 % 30 = 1, so 29 s left.
    const [view] = book.codes(['t'], 1_111_111_111_000);
    expect(CodeViewSchema.parse(view)).toEqual(view);
    expect(view).toEqual({ id: 't', code: '14050471', nextCode: null, secondsLeft: 29, period: 30, counter: null });
  });

  it('adds the next code during the last 5 seconds only', () => {
    const book = new AccountBook([totp('t')], { newId: idSource() });
    const p = book.get('t');
    const stepStart = 1_700_000_010_000; // a multiple of 30 s
    expect(book.codes(['t'], stepStart + 24_999)[0]?.nextCode).toBeNull(); // 6 s left
    expect(book.codes(['t'], stepStart + 25_000)[0]).toMatchObject({ secondsLeft: 5, nextCode: totpCode(p, stepStart + 30_000).code });
    expect(book.codes(['t'], stepStart + 29_999)[0]).toMatchObject({ secondsLeft: 1, nextCode: totpCode(p, stepStart + 30_000).code });
    expect(book.codes(['t'], stepStart + 30_000)[0]).toMatchObject({ secondsLeft: 30, nextCode: null, code: totpCode(p, stepStart + 30_000).code });
  });

  it('gives HOTP codes for the stored counter, in the order asked, skipping unknown ids', () => {
    const book = sampleBook();
    // RFC 4226 Appendix D: counter 5 gives 254676.
    const views = book.codes(['d', 'unknown', 'a'], 0);
    expect(views.map((v) => v.id)).toEqual(['d', 'a']);
    expect(views[0]).toEqual({ id: 'd', code: '254676', nextCode: null, secondsLeft: null, period: null, counter: 5 });
  });

  it('does not advance the HOTP counter when codes are read', () => {
    const book = sampleBook();
    book.codes(['d'], 0);
    book.codes(['d'], 0);
    expect(book.get('d').counter).toBe(5);
  });
});

describe('AccountBook.nextHotp', () => {
  it('advances the counter by one and returns the new counter’s code', () => {
    const book = sampleBook();
    expect(book.nextHotp('d')).toEqual({ id: 'd', code: '287922', nextCode: null, secondsLeft: null, period: null, counter: 6 });
    expect(book.get('d').counter).toBe(6);
    expect(book.codes(['d'], 0)[0]?.code).toBe('287922');
    expect(book.nextHotp('d').code).toBe(hotpCode(book.get('d'), 7));
    expect(book.list().find((a) => a.id === 'd')?.counter).toBe(7);
  });

  it('refuses a TOTP account', () => {
    expect(expectError(() => sampleBook().nextHotp('a'), 'INPUT_INVALID').message).toMatch(/time-based/);
  });

  it('throws ACCOUNT_NOT_FOUND for an unknown id', () => {
    expectError(() => sampleBook().nextHotp('nope'), 'ACCOUNT_NOT_FOUND');
  });
});

describe('StoredAccountSchema', () => {
  it('accepts a stored account as written', () => {
    const a = stored('a', { color: '#abcdef', icon: 'github', pinned: true });
    expect(StoredAccountSchema.parse(JSON.parse(JSON.stringify(a)))).toEqual(a);
  });

  it('canonicalises names and secret', () => {
    const parsed = StoredAccountSchema.parse({ ...stored('a'), label: ' octocat ', secret: 'jbsw y3dp ehpk 3pxp' });
    expect(parsed).toMatchObject({ label: 'octocat', secret: 'JBSWY3DPEHPK3PXP' });
  });

  it('refuses bad shapes and bad OTP fields, without quoting the secret', () => {
    const bad: Array<Record<string, unknown>> = [
      { ...stored('a'), id: '' },
      { ...stored('a'), type: 'motp' },
      { ...stored('a'), digits: 9 },
      { ...stored('a'), period: 0 },
      { ...stored('a'), label: '' },
      { ...stored('a'), color: 'blue' },
      { ...stored('a'), pinned: 'yes' },
      { ...stored('a'), secret: `${OTHER_SECRET}0` },
      { ...stored('a'), secret: OTHER_SECRET.slice(0, 10) },
      { ...stored('a'), secret: undefined },
    ];
    for (const input of bad) {
      const result = StoredAccountSchema.safeParse(input);
      expect(result.success).toBe(false);
      expect(JSON.stringify(result.error?.issues)).not.toContain(OTHER_SECRET.slice(0, 10));
    }
  });

  it('agrees with validateOtpParams on every account a book can hold', () => {
    const p = validateOtpParams({ issuer: 'X', label: 'y', secret: OTHER_SECRET, type: 'hotp', algorithm: 'SHA512', digits: 7, period: 30, counter: 9 });
    const book = new AccountBook([], { newId: idSource() });
    book.add(p, { onDuplicate: 'ask' });
    for (const a of book.list()) expect(StoredAccountSchema.parse(a)).toEqual(a);
  });
});
