import { describe, expect, it } from 'vitest';
import { validateOtpParams, type OtpParams } from '../../../common/otpauth-uri';
import { expectNoSecrets, manualClock } from '../../../tests/fixtures/import-test-kit';
import { AccountBook } from '../accounts';
import { encodeMigrationLinks } from './google-migration';
import { formatName } from './import-registry';
import { ImportSession, MAX_PREVIEWS, mergeImported, PREVIEW_TTL_MS, type ReplaceAccounts } from './import-session';
import type { ImportedAccount, ParsedImport } from './import-types';
import { parseLinks } from './uri-list';

const SECRET_A = 'JBSWY3DPEHPK3PXP';
const SECRET_B = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const SECRET_C = 'KRUGKIDROVUWG2ZAMJZG653OEBTG66BA';

function params(issuer: string, label: string, secret: string, extra: Partial<OtpParams> = {}): OtpParams {
  return validateOtpParams({ type: 'totp', issuer, label, secret, algorithm: 'SHA1', digits: 6, period: 30, counter: 0, ...extra });
}

function imported(index: number, p: OtpParams, extra: Partial<ImportedAccount> = {}): ImportedAccount {
  return { index, params: p, ...extra };
}

function parsedOf(accounts: ImportedAccount[], more: Partial<ParsedImport> = {}): ParsedImport {
  return { format: 'aegis', accounts, errors: [], warnings: [], enrollments: [], ...more };
}

function setup(existing: OtpParams[] = []) {
  const clock = manualClock(1_000_000);
  let n = 0;
  let nextId = 0;
  const state = { book: new AccountBook([], { newId: () => `acc-${++n}` }), saves: 0, failNext: false };
  for (const p of existing) state.book.add(p, { onDuplicate: 'add-anyway' });
  const session = new ImportSession({ clock, newId: () => `id-${++nextId}`, parseLinks, formatName });
  // The core's replaceAccounts in miniature: one change, one save, the old accounts kept when the save fails.
  const replace: ReplaceAccounts = async (change) => {
    const { accounts, result } = change(state.book.list());
    if (state.failNext) {
      state.failNext = false;
      throw new Error('disk full');
    }
    state.book = new AccountBook(accounts, { newId: () => `acc-${++n}` });
    state.saves += 1;
    return result;
  };
  return {
    clock,
    get book(): AccountBook {
      return state.book;
    },
    session,
    replace,
    saves: () => state.saves,
    failNextSave: () => {
      state.failNext = true;
    },
  };
}

describe('ImportSession.preview', () => {
  it('shows each entry without its secret, flags vault duplicates and repeats within the import', () => {
    const s = setup([params('Example', 'alice', SECRET_A)]);
    const existingId = s.book.list()[0]?.id;
    const view = s.session.preview(
      {
        parsed: parsedOf(
          [
            imported(0, params('example ', 'ALICE', SECRET_A)),
            imported(1, params('GitHub', 'bob', SECRET_B)),
            imported(3, params('GitHub', 'bob', SECRET_B)),
          ],
          { errors: [{ index: 2, name: 'Steam (me)', message: 'Steam Guard accounts are not supported.' }], warnings: ['note'] },
        ),
      },
      s.book,
    );
    expect(view).toMatchObject({ format: 'aegis', formatName: 'Aegis', warnings: ['note'], enrollments: [] });
    expect(view.entries.map((e) => [e.index, e.issuer, e.label, e.duplicateOf, e.repeated])).toEqual([
      [0, 'example', 'ALICE', existingId, false],
      [1, 'GitHub', 'bob', null, false],
      [3, 'GitHub', 'bob', null, true],
    ]);
    expect(view.errors).toEqual([{ index: 2, name: 'Steam (me)', message: 'Steam Guard accounts are not supported.' }]);
    expectNoSecrets(view, [SECRET_A, SECRET_B]);
  });

  it('offers a valid enrollment link and turns a bad one into an error entry', () => {
    const s = setup();
    const good =
      'twofold://enroll?v=1&server=https%3A%2F%2Fidp.example.com&code=abcdefghijklmnop1234&fp=' +
      'A'.repeat(43) +
      '&account=alice%40example.com&issuer=Example%20IdP';
    const bad = 'twofold://enroll?v=1&server=http%3A%2F%2Fidp.example.com&code=abcdefghijklmnop1234&fp=' + 'A'.repeat(43);
    const view = s.session.preview({ parsed: parsedOf([], { enrollments: [{ index: 0, uri: good }, { index: 1, uri: bad }] }) }, s.book);
    expect(view.enrollments).toEqual([{ index: 0, issuer: 'Example IdP', account: 'alice@example.com', server: 'https://idp.example.com' }]);
    expect(view.errors).toHaveLength(1);
    expect(view.errors[0]).toMatchObject({ index: 1, name: 'Push sign-in enrollment' });
    expect(view.errors[0]?.message).toMatch(/https/);
    expect(s.session.enrollmentUri(view.previewId, 0)).toBe(good);
    expect(() => s.session.enrollmentUri(view.previewId, 5)).toThrow(expect.objectContaining({ code: 'INPUT_INVALID' }));
  });

  it('keeps at most MAX_PREVIEWS, dropping the oldest', () => {
    const s = setup();
    const ids: string[] = [];
    for (let i = 0; i <= MAX_PREVIEWS; i++) {
      s.clock.t += 1;
      ids.push(s.session.preview({ parsed: parsedOf([imported(0, params('A', 'a', SECRET_A))]) }, s.book).previewId);
    }
    expect(s.session.size).toBe(MAX_PREVIEWS);
    expect(() => s.session.enrollmentUri(ids[0] as string, 0)).toThrow(expect.objectContaining({ code: 'IMPORT_PREVIEW_EXPIRED' }));
  });
});

describe('ImportSession.confirm', () => {
  it('adds every non-excluded entry in one save, keeping colour and pin, then forgets the preview', async () => {
    const s = setup();
    const view = s.session.preview(
      {
        parsed: parsedOf([
          imported(0, params('A', 'a', SECRET_A), { color: '#112233', pinned: true }),
          imported(1, params('B', 'b', SECRET_B), { color: 'red' }),
          imported(2, params('C', 'c', SECRET_C)),
        ]),
      },
      s.book,
    );
    const result = await s.session.confirm(view.previewId, { duplicates: 'skip', exclude: [2] }, s.replace);
    expect(result).toEqual({ added: 2, replaced: 0, skipped: 0 });
    expect(s.saves()).toBe(1);
    expect(s.book.view().map((a) => [a.issuer, a.color, a.pinned])).toEqual([
      ['A', '#112233', true],
      // An invalid colour from another app is dropped rather than stored.
      ['B', null, false],
    ]);
    await expect(s.session.confirm(view.previewId, { duplicates: 'skip', exclude: [] }, s.replace)).rejects.toMatchObject({
      code: 'IMPORT_PREVIEW_EXPIRED',
    });
  });

  it('applies each duplicates choice to vault duplicates and to repeats within the import', async () => {
    for (const [duplicates, expected, count] of [
      ['skip', { added: 1, replaced: 0, skipped: 2 }, 2],
      ['add-anyway', { added: 3, replaced: 0, skipped: 0 }, 4],
      ['replace', { added: 1, replaced: 2, skipped: 0 }, 2],
    ] as const) {
      const s = setup([params('A', 'a', SECRET_A)]);
      const view = s.session.preview(
        {
          parsed: parsedOf([
            imported(0, params('A', 'a', SECRET_A, { digits: 8 })),
            imported(1, params('B', 'b', SECRET_B)),
            imported(2, params('B', 'b', SECRET_B)),
          ]),
        },
        s.book,
      );
      expect(await s.session.confirm(view.previewId, { duplicates, exclude: [] }, s.replace), duplicates).toEqual(expected);
      expect(s.book.list(), duplicates).toHaveLength(count);
      if (duplicates === 'replace') expect(s.book.list()[0]?.digits).toBe(8);
      if (duplicates === 'skip') expect(s.book.list()[0]?.digits).toBe(6);
    }
  });

  it('refuses an import with no accounts, or with every account excluded, with IMPORT_EMPTY', async () => {
    const s = setup();
    const failed = s.session.preview(
      { parsed: parsedOf([], { errors: [{ index: 0, name: 'X', message: 'bad secret' }] }) },
      s.book,
    );
    // Every entry failed, yet it previews, so the user sees the errors.
    expect(failed.errors).toHaveLength(1);
    await expect(s.session.confirm(failed.previewId, { duplicates: 'skip', exclude: [] }, s.replace)).rejects.toMatchObject({
      code: 'IMPORT_EMPTY',
    });
    const one = s.session.preview({ parsed: parsedOf([imported(0, params('A', 'a', SECRET_A))]) }, s.book);
    await expect(s.session.confirm(one.previewId, { duplicates: 'skip', exclude: [0] }, s.replace)).rejects.toMatchObject({
      code: 'IMPORT_EMPTY',
      message: expect.stringMatching(/left out/),
    });
    expect(s.saves()).toBe(0);
  });

  it('keeps the preview when the save fails, so the user can try again', async () => {
    const s = setup();
    const view = s.session.preview({ parsed: parsedOf([imported(0, params('A', 'a', SECRET_A))]) }, s.book);
    s.failNextSave();
    await expect(s.session.confirm(view.previewId, { duplicates: 'skip', exclude: [] }, s.replace)).rejects.toThrow('disk full');
    expect(s.book.list()).toEqual([]);
    expect(await s.session.confirm(view.previewId, { duplicates: 'skip', exclude: [] }, s.replace)).toEqual({
      added: 1,
      replaced: 0,
      skipped: 0,
    });
  });

  it('expires a preview after PREVIEW_TTL_MS and forgets all on clear()', async () => {
    const s = setup();
    const view = s.session.preview({ parsed: parsedOf([imported(0, params('A', 'a', SECRET_A))]) }, s.book);
    s.clock.t += PREVIEW_TTL_MS;
    const error = await s.session.confirm(view.previewId, { duplicates: 'skip', exclude: [] }, s.replace).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'IMPORT_PREVIEW_EXPIRED', message: expect.stringMatching(/expired/) });

    const again = s.session.preview({ parsed: parsedOf([imported(0, params('A', 'a', SECRET_A))]) }, s.book);
    s.session.clear();
    expect(s.session.size).toBe(0);
    await expect(s.session.confirm(again.previewId, { duplicates: 'skip', exclude: [] }, s.replace)).rejects.toMatchObject({
      code: 'IMPORT_PREVIEW_EXPIRED',
    });
  });
});

describe('ImportSession.addTo', () => {
  it('joins the parts of a Google Authenticator batch scanned one QR code at a time', () => {
    const s = setup();
    const accounts = [params('A', 'a', SECRET_A), params('B', 'b', SECRET_B), params('C', 'c', SECRET_C)];
    const links = encodeMigrationLinks(accounts, 1);
    expect(links).toHaveLength(3);

    const first = s.session.preview({ parsed: parseLinks([links[0] as string]), lines: [links[0] as string] }, s.book);
    expect(first.entries).toHaveLength(1);
    expect(first.warnings.join(' ')).toMatch(/codes 2 and 3 of 3 were not scanned/);

    // The same code scanned twice counts once.
    const again = s.session.addTo(first.previewId, { parsed: parseLinks([links[0] as string]), lines: [links[0] as string] }, s.book);
    expect(again.entries).toHaveLength(1);

    const third = [links[2] as string];
    const two = s.session.addTo(first.previewId, { parsed: parseLinks(third), lines: third }, s.book);
    expect(two.entries.map((e) => e.issuer)).toEqual(['A', 'C']);
    expect(two.warnings.join(' ')).toMatch(/code 2 of 3 was not scanned|2 of 3/);
    expect(two.warnings.join(' ')).not.toMatch(/3 of 3/);

    const rest = [links[1] as string];
    const whole = s.session.addTo(first.previewId, { parsed: parseLinks(rest), lines: rest }, s.book);
    expect(whole.previewId).toBe(first.previewId);
    expect(whole.entries.map((e) => e.issuer).sort()).toEqual(['A', 'B', 'C']);
    expect(whole.warnings).toEqual([]);
  });

  it('refuses to add a file to an earlier preview, and an unknown preview id', () => {
    const s = setup();
    const file = s.session.preview({ parsed: parsedOf([imported(0, params('A', 'a', SECRET_A))]) }, s.book);
    const link = `otpauth://totp/B:b?secret=${SECRET_B}&issuer=B`;
    expect(() => s.session.addTo(file.previewId, { parsed: parseLinks([link]), lines: [link] }, s.book)).toThrow(
      expect.objectContaining({ code: 'IMPORT_INVALID' }),
    );
    expect(() => s.session.addTo('nope', { parsed: parseLinks([link]), lines: [link] }, s.book)).toThrow(
      expect.objectContaining({ code: 'IMPORT_PREVIEW_EXPIRED' }),
    );
  });
});

describe('mergeImported', () => {
  it('gives the accounts that AccountBook.add, entry by entry, gives, for every duplicates choice', () => {
    const existing = [params('Example', 'alice', SECRET_A), params('GitHub', 'bob', SECRET_B)];
    const entries = [
      imported(0, params(' example', 'ALICE ', SECRET_A, { digits: 8 }), { color: '#123456' }),
      imported(1, params('GitHub', 'bob', SECRET_B, { period: 60 })),
      imported(2, params('Gitea', 'carol', SECRET_C), { pinned: true }),
      imported(3, params('Gitea', 'carol', SECRET_C, { digits: 7 }), { color: '#654321' }),
      imported(4, params('Other', 'carol', SECRET_C)),
    ];
    for (const duplicates of ['skip', 'add-anyway', 'replace'] as const) {
      let n = 0;
      const reference = new AccountBook([], { newId: () => `ref-${++n}` });
      for (const p of existing) reference.add(p, { onDuplicate: 'add-anyway' });
      const before = reference.list();
      const expected = { added: 0, replaced: 0, skipped: 0 };
      for (const entry of entries) {
        const outcome = reference.add(entry.params, {
          onDuplicate: duplicates,
          color: entry.color ?? (duplicates === 'replace' ? undefined : null),
        });
        if (outcome.status === 'added') expected.added += 1;
        if (outcome.status === 'replaced') expected.replaced += 1;
        if (outcome.status === 'skipped') expected.skipped += 1;
        if ((outcome.status === 'added' || outcome.status === 'replaced') && entry.pinned) {
          reference.update(outcome.account.id, { pinned: true });
        }
      }
      let m = 0;
      const merged = mergeImported(before, entries, duplicates, () => `new-${++m}`);
      expect(merged.result, duplicates).toEqual(expected);
      const kept = new Set(before.map((a) => a.id));
      const withoutNewIds = (accounts: { id: string }[]) => accounts.map((a) => ({ ...a, id: kept.has(a.id) ? a.id : 'new' }));
      expect(withoutNewIds(merged.accounts), duplicates).toEqual(withoutNewIds(reference.list()));
    }
  });

  it('never reuses an id, asking again on a collision', () => {
    const ids = ['acc-1', 'acc-1', 'acc-2'];
    let i = 0;
    const s = setup([params('A', 'a', SECRET_A)]);
    const merged = mergeImported(s.book.list(), [imported(0, params('B', 'b', SECRET_B))], 'skip', () => ids[i++] as string);
    expect(merged.accounts.map((a) => a.id)).toEqual(['acc-1', 'acc-2']);
  });
});
