/**
 * Remembers the main window's size, position and maximized state in <userData>/window-state.json,
 * and restores them on the displays there are now (core/desktop/window-state.ts decides where).
 * A file of its own: the core rewrites settings.json from its schema and would drop these keys.
 */
import path from 'node:path';
import type { BrowserWindow, Screen } from 'electron';
import { createJsonFileStore } from '../core/desktop/json-file-store';
import { loadWindowState, placeWindow, saveWindowState, windowStateOf, type WindowPlacement, type WindowSizeLimits } from '../core/desktop/window-state';
import type { SettingsStore } from '../core/ports';

/** The file that holds the window state, inside the userData folder. */
export const WINDOW_STATE_FILE = 'window-state.json';

/** The window state store in `userDataDir`. */
export function createWindowStateStore(userDataDir: string): SettingsStore {
  return createJsonFileStore(path.join(userDataDir, WINDOW_STATE_FILE));
}

/** Where to open the main window: pass `bounds` to the BrowserWindow options, then maximize if asked. */
export function restoredPlacement(store: SettingsStore, screen: Pick<Screen, 'getAllDisplays' | 'getPrimaryDisplay'>, limits: WindowSizeLimits): WindowPlacement {
  return placeWindow(loadWindowState(store), screen.getAllDisplays(), screen.getPrimaryDisplay(), limits);
}

/**
 * Saves `window`'s state whenever the user finishes moving or resizing it, and when it closes.
 * A failed save is logged by error class only and never stops the window from closing.
 */
export function trackWindowState(
  window: Pick<BrowserWindow, 'on' | 'removeListener' | 'getNormalBounds' | 'isMaximized' | 'isMinimized' | 'isFullScreen' | 'isDestroyed'>,
  store: SettingsStore,
  log: (line: string) => void,
): () => void {
  const save = (): void => {
    // Minimized and full-screen bounds are not where the user wants the window next time.
    if (window.isDestroyed() || window.isMinimized() || window.isFullScreen()) return;
    try {
      saveWindowState(store, windowStateOf(window.getNormalBounds(), window.isMaximized()));
    } catch (error) {
      log(`saving the window position failed: ${error instanceof Error ? error.name : typeof error}`);
    }
  };
  // 'resized' and 'moved' fire once a move or resize ends (macOS, Windows); 'close' catches the rest,
  // Linux included, which has neither.
  window.on('resized', save);
  window.on('moved', save);
  window.on('maximize', save);
  window.on('unmaximize', save);
  window.on('close', save);
  return () => {
    window.removeListener('resized', save);
    window.removeListener('moved', save);
    window.removeListener('maximize', save);
    window.removeListener('unmaximize', save);
    window.removeListener('close', save);
  };
}
