/** What closing the last window does: quit, or keep Twofold running (in the tray, or the macOS dock). */

/** The outcome of closing the last window. */
export type AllWindowsClosed = 'quit' | 'keep-running';

/**
 * Decides what closing the last window does. macOS apps keep running with no window, as users
 * expect there. Elsewhere Twofold keeps running only if the user chose close-to-tray *and* a tray
 * icon is actually shown: some Linux desktops have no tray, and an app running with neither a
 * window nor an icon could only be reached by starting it again.
 */
export function whenAllWindowsClosed(options: { platform: string; closeToTray: boolean; trayShown: boolean }): AllWindowsClosed {
  if (options.platform === 'darwin') return 'keep-running';
  return options.closeToTray && options.trayShown ? 'keep-running' : 'quit';
}
