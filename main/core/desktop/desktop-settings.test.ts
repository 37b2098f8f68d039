import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type DesktopProblems, type Settings } from '../../../common/api-contract';
import { fakeDesktop, LOGIN_ITEM_REFUSED, takenMessage } from '../../../tests/fixtures/fake-desktop';
import { dispatchError as fails, dispatchOk as ok, manualClock, useTempDir } from '../../../tests/fixtures/import-test-kit';
import { createCore } from '../core';
import type { SettingsStore } from '../ports';
import { createMemorySettingsStore } from '../settings-file';
import { createTestKeychain } from '../vault/test-keychain';

const DEFAULT_SHORTCUT = DEFAULT_SETTINGS.quickSearchShortcut;
const OTHER_SHORTCUT = 'CommandOrControl+Alt+K';

const temp = useTempDir('twofold-desktop-settings-');

function harness(settings: SettingsStore = createMemorySettingsStore()) {
  const { os, desktop } = fakeDesktop();
  const core = createCore({
    vaultDir: join(temp.path, 'vault'),
    keychain: createTestKeychain(),
    clock: manualClock(Date.UTC(2025, 0, 1)),
    clipboard: { readText: () => '', writeText: () => {}, readImagePng: () => null },
    settings,
    platform: 'linux',
    desktop,
  });
  temp.defer(() => core.close());
  return { core, os, settings };
}

const problems = (h: ReturnType<typeof harness>): Promise<DesktopProblems> => ok<DesktopProblems>(h, 'settings', 'desktopProblems');

describe('desktop settings through the core', () => {
  it('applies the stored settings at start-up and reports no problem when the OS takes them', async () => {
    const h = harness(createMemorySettingsStore({ ...DEFAULT_SETTINGS, startAtLogin: true, closeToTray: false }));
    h.core.applyDesktopSettings();
    expect(h.os).toMatchObject({ registered: DEFAULT_SHORTCUT, loginItem: true, closeToTray: [false] });
    expect(await problems(h)).toEqual({ quickSearchShortcut: null, startAtLogin: null });
  });

  it('refuses a shortcut another app holds at its field, saves nothing, and keeps the previous shortcut working', async () => {
    const h = harness();
    h.core.applyDesktopSettings();
    h.os.takenByOtherApps.add(OTHER_SHORTCUT);
    const error = await fails(h, 'settings', 'update', { quickSearchShortcut: 'commandorcontrol+alt+k', autoLockMinutes: 30 });
    expect(error).toMatchObject({
      code: 'INPUT_INVALID',
      field: 'quickSearchShortcut',
      message: takenMessage(OTHER_SHORTCUT),
    });
    expect(await ok<Settings>(h, 'settings', 'get')).toMatchObject({ quickSearchShortcut: DEFAULT_SHORTCUT, autoLockMinutes: 5 });
    expect(h.os.registered).toBe(DEFAULT_SHORTCUT);
  });

  it('reports a stored shortcut taken at start-up, keeps saving other settings, and clears it once the keys are free', async () => {
    const h = harness(createMemorySettingsStore({ ...DEFAULT_SETTINGS, quickSearchShortcut: OTHER_SHORTCUT }));
    h.os.takenByOtherApps.add(OTHER_SHORTCUT);
    h.core.applyDesktopSettings();
    expect(h.os.registered).toBeNull();
    expect((await problems(h)).quickSearchShortcut).toBe(takenMessage(OTHER_SHORTCUT));

    // The form sends the shortcut back unchanged with the rest: the save goes through, the problem stays.
    expect(await ok<Settings>(h, 'settings', 'update', { quickSearchShortcut: OTHER_SHORTCUT, autoLockMinutes: 30 })).toMatchObject({ autoLockMinutes: 30 });
    expect((await problems(h)).quickSearchShortcut).not.toBeNull();

    h.os.takenByOtherApps.delete(OTHER_SHORTCUT);
    await ok<Settings>(h, 'settings', 'update', { quickSearchShortcut: OTHER_SHORTCUT });
    expect(h.os.registered).toBe(OTHER_SHORTCUT);
    expect(await problems(h)).toEqual({ quickSearchShortcut: null, startAtLogin: null });
  });

  it('saves start at login when the system refuses it, and reports that until the system takes it', async () => {
    const h = harness();
    h.core.applyDesktopSettings();
    h.os.refuseLoginItem = true;
    expect(await ok<Settings>(h, 'settings', 'update', { startAtLogin: true })).toMatchObject({ startAtLogin: true });
    expect(await problems(h)).toEqual({ quickSearchShortcut: null, startAtLogin: LOGIN_ITEM_REFUSED });
    expect(h.os.loginItem).toBe(false);

    h.os.refuseLoginItem = false;
    await ok<Settings>(h, 'settings', 'update', { startAtLogin: true });
    expect(h.os.loginItem).toBe(true);
    expect((await problems(h)).startAtLogin).toBeNull();
  });

  it('puts the previous shortcut back when the settings file cannot be written', async () => {
    const store = createMemorySettingsStore();
    const h = harness({
      read: store.read,
      write: () => {
        throw new Error('disk full');
      },
    });
    h.core.applyDesktopSettings();
    expect((await fails(h, 'settings', 'update', { quickSearchShortcut: OTHER_SHORTCUT })).code).not.toBe('INPUT_INVALID');
    expect(h.os.registered).toBe(DEFAULT_SHORTCUT);
    expect((await ok<Settings>(h, 'settings', 'get')).quickSearchShortcut).toBe(DEFAULT_SHORTCUT);
  });

  it('turns the shortcut off with an empty one and tells the tray behaviour only when it changes', async () => {
    const h = harness();
    h.core.applyDesktopSettings();
    await ok<Settings>(h, 'settings', 'update', { quickSearchShortcut: '', closeToTray: true });
    expect(h.os.registered).toBeNull();
    await ok<Settings>(h, 'settings', 'update', { closeToTray: false });
    expect(h.os.closeToTray).toEqual([true, false]);
  });
});
