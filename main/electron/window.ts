/**
 * The secure window factory, and the navigation guards every web contents gets.
 * Electron's secure defaults are spelled out (not just inherited) so a reviewer can see each one.
 */
import { app, BrowserWindow, type WebContents } from 'electron';
import type { WindowPlacement, WindowSizeLimits } from '../core/desktop/window-state';
import { APP_ENTRY_URL } from './app-request';

/** The main window's size with nothing remembered, and the smallest it may be. */
export const MAIN_WINDOW_SIZE: WindowSizeLimits = { width: 420, height: 680, minWidth: 340, minHeight: 420 };

/** What the main window needs from the composition root. */
export interface MainWindowOptions {
  /** Absolute path of the bundled preload (dist/preload/index.cjs). */
  preloadPath: string;
  /** Where to open it (window-state-store.ts restoredPlacement); centred at the default size when absent. */
  placement?: WindowPlacement;
  /** Receives non-secret diagnostic lines. */
  log?: (line: string) => void;
}

const guarded = new WeakSet<WebContents>();

/**
 * Denies navigation, redirects, new windows and <webview> for `contents`. Idempotent.
 * Applied to every web contents through app 'web-contents-created', and again by createMainWindow.
 */
export function guardWebContents(contents: WebContents, log: (line: string) => void = () => {}): void {
  if (guarded.has(contents)) return;
  guarded.add(contents);
  // The app is one page: any navigation is an attack or a bug, and would leave the trusted origin.
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    log('blocked a navigation');
  });
  contents.on('will-frame-navigate', (event) => {
    event.preventDefault();
  });
  // The app:// handler never redirects; a redirect means something is steering the page elsewhere.
  contents.on('will-redirect', (event) => {
    event.preventDefault();
    log('blocked a redirect');
  });
  // No new windows at all, not even to the OS browser: the UI has no external links yet, and an
  // openExternal path is one more way for a compromised page to launch things.
  contents.setWindowOpenHandler(() => {
    log('blocked window.open');
    return { action: 'deny' };
  });
  // <webview> is disabled (webviewTag false); this also stops one being attached some other way.
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('blocked a webview');
  });
}

/** Creates the main window, loads app://twofold/index.html and shows it when it is ready. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const log = options.log ?? (() => {});
  const bounds = options.placement?.bounds;
  const window = new BrowserWindow({
    ...(bounds ? { x: bounds.x, y: bounds.y, width: bounds.width, height: bounds.height } : { width: MAIN_WINDOW_SIZE.width, height: MAIN_WINDOW_SIZE.height }),
    minWidth: MAIN_WINDOW_SIZE.minWidth,
    minHeight: MAIN_WINDOW_SIZE.minHeight,
    title: 'Twofold',
    // Shown on ready-to-show, so the user never sees an unstyled flash.
    show: false,
    webPreferences: {
      preload: options.preloadPath,
      // contextIsolation: the page can't reach the preload's scope or Electron internals (prototype tampering).
      contextIsolation: true,
      // sandbox: a renderer compromise must not reach Node or the OS.
      sandbox: true,
      // nodeIntegration: page script must never get require/process.
      nodeIntegration: false,
      // nodeIntegrationInWorker: nor may its web workers.
      nodeIntegrationInWorker: false,
      // nodeIntegrationInSubFrames: nor its frames.
      nodeIntegrationInSubFrames: false,
      // webSecurity: keep same-origin policy and CORS; turning it off lets the page read anything.
      webSecurity: true,
      // allowRunningInsecureContent: no http scripts inside the secure app:// page.
      allowRunningInsecureContent: false,
      // webviewTag: a <webview> is a second, less-guarded browser inside the app.
      webviewTag: false,
      // experimentalFeatures: unreviewed Blink features widen the attack surface.
      experimentalFeatures: false,
      // enableBlinkFeatures left unset for the same reason.
      // navigateOnDragDrop: dropping a file or link must not navigate away from the app.
      navigateOnDragDrop: false,
      // spellcheck: typed text (labels, passphrases) must not go to a spelling service or dictionary.
      spellcheck: false,
      // devTools: a packaged app gives no console in which a user can be talked into pasting code.
      devTools: !app.isPackaged,
      // safeDialogs: a page can't trap the user in a loop of alert() dialogs.
      safeDialogs: true,
    },
  });
  guardWebContents(window.webContents, log);
  // maximize() shows the window too; the normal bounds above stay what un-maximizing returns to.
  window.once('ready-to-show', () => (options.placement?.maximized ? window.maximize() : window.show()));
  window.webContents.on('render-process-gone', (_event, details) => log(`renderer exited: ${details.reason}`));
  window.loadURL(APP_ENTRY_URL).catch((error: unknown) => {
    log(`could not load the app page: ${error instanceof Error ? error.message : String(error)}`);
  });
  return window;
}
