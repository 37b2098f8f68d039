/**
 * The settings desktop integration adds. They are not in the API contract yet: the wiring round
 * merges DesktopSettingsSchema into common/api-contract.ts SettingsSchema (moving accelerator.ts to
 * common/ so the contract can validate the shortcut) and DEFAULT_DESKTOP_SETTINGS into DEFAULT_SETTINGS.
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
