import { describe, expect, it } from 'vitest';
import { buildTrayModel } from '../core/desktop/tray-model';
import { installTestHooks, testHooksWanted, testMenuItems, type TwofoldTestHooks } from './test-hooks';

describe('test hooks', () => {
  it('exist only in an unpackaged run that asks for them', () => {
    expect(testHooksWanted({ TWOFOLD_TEST_HOOKS: '1' }, false)).toBe(true);
    expect(testHooksWanted({ TWOFOLD_TEST_HOOKS: '1' }, true)).toBe(false);
    expect(testHooksWanted({}, false)).toBe(false);
  });

  it('list the tray menu as the user sees it, with the ids a click uses', () => {
    const model = buildTrayModel({ vault: 'unlocked', pinned: [{ id: 'a1', issuer: 'Q&A', label: 'me', code: '123456', secondsLeft: 20 }], pendingRequests: 0 });
    const items = testMenuItems(model);
    expect(items.find((i) => i.id === 'copy-code:a1')?.label).toBe('Q&A (me)   123 456');
    expect(items.filter((i) => i.type === 'separator').every((i) => i.id === null)).toBe(true);
    expect(items.map((i) => i.id)).toContain('lock');
  });

  it('are installed as twofoldTest', () => {
    const target: { twofoldTest?: TwofoldTestHooks } = {};
    let pressed = 0;
    installTestHooks(target, { trayShown: () => true, trayMenu: () => [], clickTrayItem: () => {}, pressQuickSearch: () => (pressed += 1) });
    target.twofoldTest!.pressQuickSearch();
    expect(pressed).toBe(1);
    expect(target.twofoldTest!.trayShown()).toBe(true);
  });
});
