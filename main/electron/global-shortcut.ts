/**
 * The configurable global shortcut that opens the quick-search palette, over Electron's
 * globalShortcut. Validation is core/desktop/accelerator.ts; this adapter registers, swaps and
 * reports the one failure only the OS can tell us about: the keys are taken by another app.
 *
 * Linux under Wayland: Electron reaches global shortcuts only through the desktop portal, which the
 * composition root enables with `--enable-features=GlobalShortcutsPortal` before the app is ready.
 */
import type { GlobalShortcut } from 'electron';
import { parseAccelerator } from '../core/desktop/accelerator';

/** The outcome of applying a shortcut: the one now registered (null for none), or why it wasn't. */
export type ShortcutResult = { ok: true; accelerator: string | null } | { ok: false; message: string };

/** What the shortcut needs. */
export interface QuickSearchShortcutDeps {
  globalShortcut: Pick<GlobalShortcut, 'register' | 'unregister'>;
  platform: NodeJS.Platform;
  /** Called when the user presses the shortcut: show the window with the palette open. */
  onPressed: () => void;
}

/** The registered shortcut: change it, or let it go. */
export interface QuickSearchShortcut {
  /** Registers `text` ('' for none) in place of the current one. On failure the current one stays. */
  apply(text: string): ShortcutResult;
  /** The accelerator registered now, or null. */
  current(): string | null;
  dispose(): void;
}

/** Creates the quick-search shortcut, registering nothing until apply is called. */
export function createQuickSearchShortcut(deps: QuickSearchShortcutDeps): QuickSearchShortcut {
  let registered: string | null = null;
  const release = (): void => {
    if (registered !== null) deps.globalShortcut.unregister(registered);
    registered = null;
  };
  return {
    apply(text) {
      if (text.trim() === '') {
        release();
        return { ok: true, accelerator: null };
      }
      const parsed = parseAccelerator(text, deps.platform);
      if (!parsed.ok) return parsed;
      if (parsed.text === registered) return { ok: true, accelerator: registered };
      // Register the new one before letting the old go, so a refusal leaves a working shortcut.
      if (!deps.globalShortcut.register(parsed.text, deps.onPressed)) {
        return { ok: false, message: `${parsed.text} is already used by another app or by the system. Choose another shortcut.` };
      }
      release();
      registered = parsed.text;
      return { ok: true, accelerator: registered };
    },
    current: () => registered,
    dispose: release,
  };
}
