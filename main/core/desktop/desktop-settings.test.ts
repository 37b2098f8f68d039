import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../common/api-contract';
import { DEFAULT_DESKTOP_SETTINGS, desktopSettingsSchema } from './desktop-settings';

describe('desktopSettingsSchema', () => {
  it('accepts the shipped defaults on every platform', () => {
    for (const platform of ['darwin', 'win32', 'linux']) {
      expect(desktopSettingsSchema(platform).parse(DEFAULT_DESKTOP_SETTINGS)).toEqual(DEFAULT_DESKTOP_SETTINGS);
    }
  });

  it('ships the same defaults as the contract', () => {
    const { closeToTray, startAtLogin, quickSearchShortcut } = DEFAULT_SETTINGS;
    expect({ closeToTray, startAtLogin, quickSearchShortcut }).toEqual(DEFAULT_DESKTOP_SETTINGS);
  });

  it('stores the shortcut in canonical spelling', () => {
    const parsed = desktopSettingsSchema('linux').parse({ ...DEFAULT_DESKTOP_SETTINGS, quickSearchShortcut: 'shift+ctrl+k' });
    expect(parsed.quickSearchShortcut).toBe('Control+Shift+K');
  });

  it('takes an empty shortcut as "off"', () => {
    expect(desktopSettingsSchema('win32').parse({ ...DEFAULT_DESKTOP_SETTINGS, quickSearchShortcut: '  ' }).quickSearchShortcut).toBe('');
  });

  it('refuses an invalid shortcut with the message that says what to fix, on the shortcut field', () => {
    const result = desktopSettingsSchema('win32').safeParse({ ...DEFAULT_DESKTOP_SETTINGS, quickSearchShortcut: 'Command+K' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['quickSearchShortcut'], message: expect.stringMatching(/Use CommandOrControl/) });
  });
});
