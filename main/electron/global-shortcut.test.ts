import { describe, expect, it } from 'vitest';
import { createQuickSearchShortcut } from './global-shortcut';

/** A globalShortcut stand-in; `taken` lists accelerators another app holds. */
function fakeGlobalShortcut(taken: string[] = []) {
  const registered = new Map<string, () => void>();
  return {
    registered,
    register: (accelerator: string, callback: () => void): boolean => {
      if (taken.includes(accelerator)) return false;
      registered.set(accelerator, callback);
      return true;
    },
    unregister: (accelerator: string): void => {
      registered.delete(accelerator);
    },
  };
}

describe('createQuickSearchShortcut', () => {
  it('registers the shortcut in canonical spelling and calls back when it is pressed', () => {
    const globalShortcut = fakeGlobalShortcut();
    let pressed = 0;
    const shortcut = createQuickSearchShortcut({ globalShortcut, platform: 'linux', onPressed: () => pressed++ });
    expect(shortcut.apply('ctrl+shift+2')).toEqual({ ok: true, accelerator: 'Control+Shift+2' });
    globalShortcut.registered.get('Control+Shift+2')?.();
    expect(pressed).toBe(1);
  });

  it('replaces the previous shortcut', () => {
    const globalShortcut = fakeGlobalShortcut();
    const shortcut = createQuickSearchShortcut({ globalShortcut, platform: 'linux', onPressed: () => {} });
    shortcut.apply('Control+Shift+2');
    shortcut.apply('Alt+Space');
    expect([...globalShortcut.registered.keys()]).toEqual(['Alt+Space']);
  });

  it('keeps the current shortcut when the new one is taken by another app, and says so', () => {
    const globalShortcut = fakeGlobalShortcut(['Alt+Space']);
    const shortcut = createQuickSearchShortcut({ globalShortcut, platform: 'win32', onPressed: () => {} });
    shortcut.apply('Control+Shift+2');
    expect(shortcut.apply('alt+space')).toEqual({ ok: false, message: 'Alt+Space is already used by another app or by the system. Choose another shortcut.' });
    expect(shortcut.current()).toBe('Control+Shift+2');
    expect([...globalShortcut.registered.keys()]).toEqual(['Control+Shift+2']);
  });

  it('refuses an invalid shortcut without touching the current one', () => {
    const globalShortcut = fakeGlobalShortcut();
    const shortcut = createQuickSearchShortcut({ globalShortcut, platform: 'win32', onPressed: () => {} });
    shortcut.apply('Control+Shift+2');
    expect(shortcut.apply('Command+K')).toMatchObject({ ok: false, message: expect.stringMatching(/only on a Mac keyboard/) });
    expect(shortcut.current()).toBe('Control+Shift+2');
  });

  it('turns the shortcut off for an empty setting, and on dispose', () => {
    const globalShortcut = fakeGlobalShortcut();
    const shortcut = createQuickSearchShortcut({ globalShortcut, platform: 'darwin', onPressed: () => {} });
    shortcut.apply('Command+Shift+2');
    expect(shortcut.apply('')).toEqual({ ok: true, accelerator: null });
    expect(globalShortcut.registered.size).toBe(0);
    shortcut.apply('Command+Shift+2');
    shortcut.dispose();
    expect(globalShortcut.registered.size).toBe(0);
  });
});
