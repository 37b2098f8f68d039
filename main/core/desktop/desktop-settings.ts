/**
 * The desktop settings (close to tray, start at login, quick-search shortcut) checked for one
 * platform. They live in the contract's SettingsSchema and DEFAULT_SETTINGS; the contract can only
 * check the shortcut's length, so this schema adds the platform's accelerator rules for callers
 * that parse stored desktop settings on their own. The core's settings.update uses parseAccelerator
 * directly, with the same messages.
 */
import { z } from 'zod';
import { ACCELERATOR_MAX_CHARS, parseAccelerator } from './accelerator';

/** The quick-search shortcut as shipped; an empty string turns the shortcut off. */
export const DEFAULT_QUICK_SEARCH_SHORTCUT = 'CommandOrControl+Shift+2';

/**
 * A quick-search shortcut for `platform`: '' (off) or a valid global accelerator, stored in its
 * canonical spelling. The error message is parseAccelerator's, which says what to fix.
 */
export function quickSearchShortcutSchema(platform: string) {
  return z
    .string()
    .max(ACCELERATOR_MAX_CHARS)
    .transform((text, ctx) => {
      if (text.trim() === '') return '';
      const parsed = parseAccelerator(text, platform);
      if (parsed.ok) return parsed.text;
      ctx.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    });
}

/** The desktop settings for `platform`. */
export function desktopSettingsSchema(platform: string) {
  return z.object({
    /** Closing the window keeps Twofold running in the tray, so push sign-in requests still arrive. */
    closeToTray: z.boolean(),
    /** Twofold starts (hidden, in the tray) when the user logs in. */
    startAtLogin: z.boolean(),
    quickSearchShortcut: quickSearchShortcutSchema(platform),
  });
}

/** The desktop settings, parsed. */
export type DesktopSettings = z.output<ReturnType<typeof desktopSettingsSchema>>;

/** Desktop settings as shipped. */
export const DEFAULT_DESKTOP_SETTINGS: DesktopSettings = {
  // On: a push authenticator that quits when its window closes misses the requests it exists for.
  closeToTray: true,
  // Off: starting at login is the user's choice (and IT's, through policy).
  startAtLogin: false,
  quickSearchShortcut: DEFAULT_QUICK_SEARCH_SHORTCUT,
};
