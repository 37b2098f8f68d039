import { describe, expect, it } from 'vitest';
import { buildTrayModel, escapeMenuLabel, groupCode, parseTrayAction, TRAY_MAX_ACCOUNTS, type TrayAccount, type TrayMenuItem } from './tray-model';

const github: TrayAccount = { id: 'a1', issuer: 'GitHub', label: 'alice', code: '123456', secondsLeft: 20 };
const aws: TrayAccount = { id: 'a2', issuer: 'AWS', label: 'root', code: '98765432', secondsLeft: 12 };

/** The menu as a user reads it: labels, with separators as '---' and disabled items in brackets. */
function lines(items: TrayMenuItem[]): string[] {
  return items.map((item) => (item.type === 'separator' ? '---' : item.enabled ? item.label : `[${item.label}]`));
}

function actionOf(items: TrayMenuItem[], label: string): string | null | undefined {
  const item = items.find((i) => i.type === 'item' && i.label === label);
  return item?.type === 'item' ? item.action : undefined;
}

describe('buildTrayModel', () => {
  it('lists pinned codes, grouped, with open, lock and quit', () => {
    const model = buildTrayModel({ vault: 'unlocked', pinned: [github, aws], pendingRequests: 0 });
    expect(lines(model.items)).toEqual([
      '[Click a code to copy it]',
      'GitHub (alice)   123 456',
      'AWS (root)   9876 5432',
      '---',
      'Open Twofold',
      'Lock now',
      '---',
      'Quit Twofold',
    ]);
    expect(actionOf(model.items, 'GitHub (alice)   123 456')).toBe('copy-code:a1');
    expect(actionOf(model.items, 'Lock now')).toBe('lock');
    expect(actionOf(model.items, 'Open Twofold')).toBe('open');
    expect(actionOf(model.items, 'Quit Twofold')).toBe('quit');
    expect(model.tooltip).toBe('Twofold (unlocked)');
    expect(model.title).toBe('');
  });

  it('shows the number of sign-in requests waiting, first, leading to the review', () => {
    const model = buildTrayModel({ vault: 'unlocked', pinned: [github], pendingRequests: 2 });
    expect(lines(model.items).slice(0, 2)).toEqual(['2 sign-in requests waiting', '---']);
    expect(actionOf(model.items, '2 sign-in requests waiting')).toBe('review-requests');
    expect(model.tooltip).toBe('Twofold (unlocked): 2 sign-in requests waiting');
    expect(model.title).toBe('2');
  });

  it('says "request" for one', () => {
    expect(lines(buildTrayModel({ vault: 'unlocked', pinned: [], pendingRequests: 1 }).items)[0]).toBe('1 sign-in request waiting');
  });

  it('shows no code and no lock item while locked, and offers to unlock', () => {
    const model = buildTrayModel({ vault: 'locked', pinned: [github], pendingRequests: 0 });
    expect(lines(model.items)).toEqual(['[Twofold is locked]', 'Unlock Twofold…', '---', 'Quit Twofold']);
    expect(actionOf(model.items, 'Unlock Twofold…')).toBe('open');
    expect(JSON.stringify(model)).not.toContain('123');
    expect(model.tooltip).toBe('Twofold (locked)');
  });

  it.each([
    ['absent', '[Twofold is not set up yet]', 'Set up Twofold…', 'Twofold (not set up)'],
    ['damaged', "[Twofold's vault can't be opened]", 'Open Twofold to repair…', 'Twofold (vault damaged)'],
  ] as const)('leads to the window when the vault is %s', (vault, note, open, tooltip) => {
    const model = buildTrayModel({ vault, pinned: [github], pendingRequests: 0 });
    expect(lines(model.items)).toEqual([note, open, '---', 'Quit Twofold']);
    expect(actionOf(model.items, open)).toBe('open');
    expect(model.tooltip).toBe(tooltip);
  });

  it('still shows waiting requests while locked', () => {
    const model = buildTrayModel({ vault: 'locked', pinned: [], pendingRequests: 3 });
    expect(lines(model.items)).toEqual(['3 sign-in requests waiting', '---', '[Twofold is locked]', 'Unlock Twofold…', '---', 'Quit Twofold']);
  });

  it('explains an empty list instead of showing nothing', () => {
    expect(lines(buildTrayModel({ vault: 'unlocked', pinned: [], pendingRequests: 0 }).items)[0]).toBe('[No pinned accounts. Pin one to see its code here.]');
  });

  it('says when a code is about to change', () => {
    const model = buildTrayModel({ vault: 'unlocked', pinned: [{ ...github, secondsLeft: 4 }, { ...aws, secondsLeft: null }], pendingRequests: 0 });
    expect(lines(model.items)).toContain('GitHub (alice)   123 456 · 4 s');
    expect(lines(model.items)).toContain('AWS (root)   9876 5432');
  });

  it('names an account by whichever of issuer and label it has', () => {
    const model = buildTrayModel({
      vault: 'unlocked',
      pinned: [{ ...github, issuer: '' }, { ...aws, label: ' ' }],
      pendingRequests: 0,
    });
    expect(lines(model.items).slice(1, 3)).toEqual(['alice   123 456', 'AWS   9876 5432']);
  });

  it('shortens a long account name so the code stays in view', () => {
    const model = buildTrayModel({ vault: 'unlocked', pinned: [{ ...github, label: 'x'.repeat(100) }], pendingRequests: 0 });
    expect(lines(model.items)[1]).toBe(`GitHub (${'x'.repeat(31)}…   123 456`);
  });

  it(`lists at most ${TRAY_MAX_ACCOUNTS} accounts and points to the window for the rest`, () => {
    const pinned = Array.from({ length: TRAY_MAX_ACCOUNTS + 3 }, (_, i) => ({ ...github, id: `id${i}`, label: `user${i}` }));
    const model = buildTrayModel({ vault: 'unlocked', pinned, pendingRequests: 0 });
    const copies = model.items.filter((i) => i.type === 'item' && i.action?.startsWith('copy-code:'));
    expect(copies).toHaveLength(TRAY_MAX_ACCOUNTS);
    expect(actionOf(model.items, '3 more pinned accounts: open Twofold')).toBe('open');
  });

  it('treats a nonsensical request count as none', () => {
    expect(buildTrayModel({ vault: 'unlocked', pinned: [], pendingRequests: -1 }).title).toBe('');
  });
});

describe('groupCode', () => {
  it.each([
    ['123456', '123 456'],
    ['1234567', '123 4567'],
    ['12345678', '1234 5678'],
  ])('groups %s as %s', (code, grouped) => {
    expect(groupCode(code)).toBe(grouped);
  });
});

describe('parseTrayAction', () => {
  it('reads back every action the model produces', () => {
    expect(parseTrayAction('copy-code:a1')).toEqual({ kind: 'copy-code', accountId: 'a1' });
    expect(parseTrayAction('review-requests')).toEqual({ kind: 'review-requests' });
    expect(parseTrayAction('lock')).toEqual({ kind: 'lock' });
    expect(parseTrayAction('open')).toEqual({ kind: 'open' });
    expect(parseTrayAction('quit')).toEqual({ kind: 'quit' });
  });

  it('refuses anything else', () => {
    expect(parseTrayAction('copy-code:')).toBeNull();
    expect(parseTrayAction('delete-all')).toBeNull();
  });
});

describe('escapeMenuLabel', () => {
  it('doubles ampersands so Electron shows them instead of taking them as mnemonics', () => {
    expect(escapeMenuLabel('AT&T (bob)')).toBe('AT&&T (bob)');
  });
});
