/**
 * Composition root of the main process: builds the Electron adapters, creates the core, registers
 * the API and opens the window. Everything here is wiring; behaviour lives in main/core.
 *
 * TWOFOLD_USER_DATA: when set (tests, portable runs), it replaces the userData folder, which holds
 * the vault, settings.json and Chromium's profile. It must be an absolute path. Unset, the folder is
 * <appData>/Twofold, the same place the `twofold` CLI looks by default (main/core/vault-location.ts).
 */
import os from 'node:os';
import path from 'node:path';
import { app, BrowserWindow, clipboard, desktopCapturer, dialog, powerMonitor, safeStorage, screen, session, systemPreferences } from 'electron';
import { createCore, type Core } from './core/core';
import { systemClock } from './core/ports';
import { handleAppProtocol, registerAppScheme } from './electron/app-protocol';
import { createClipboard } from './electron/clipboard';
import { createFileDialogs } from './electron/file-dialogs';
import { closeForeignChannels, forwardEvents, frameId, registerApi } from './electron/ipc';
import { createSafeStorageKeychain } from './electron/keychain';
import { lockOnPowerEvents } from './electron/power';
import { notifyPushRequests } from './electron/push-notifier';
import { denyAllPermissions } from './electron/session-guards';
import { createSettingsStore, ELECTRON_STORE_CHANNEL } from './electron/settings-store';
import { createScreenCapture } from './electron/screen-capture';
import { createMainWindow, guardWebContents } from './electron/window';

// Only fixed, non-secret lines are logged: no codes, seeds, passphrases or URIs ever reach here.
const log = (line: string): void => console.log(`twofold: ${line}`);

const preloadPath = path.join(__dirname, '../preload/index.cjs');
const rendererDir = path.join(__dirname, '../renderer');

/** Chooses the userData folder before anything (the single-instance lock included) reads it. */
function chooseUserData(): void {
  const override = process.env['TWOFOLD_USER_DATA'];
  if (override) {
    if (!path.isAbsolute(override)) throw new Error('TWOFOLD_USER_DATA must be an absolute path.');
    app.setPath('userData', override);
    return;
  }
  // Explicit, so a dev run (package name "twofold") and the packaged app (productName "Twofold")
  // open the same vault as the CLI.
  app.setPath('userData', path.join(app.getPath('appData'), 'Twofold'));
}

function main(): void {
  chooseUserData();

  // One instance per userData folder: two cores writing one vault would race each other.
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  // Every renderer is sandboxed, including any a library might create.
  app.enableSandbox();
  registerAppScheme();
  // Navigation, window.open and <webview> are guarded for every web contents, in one place.
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, log));

  let core: Core | null = null;
  let mainWindow: BrowserWindow | null = null;
  let tickTimer: NodeJS.Timeout | null = null;
  let closed = false;

  const openWindow = (): void => {
    if (!core) return;
    const window = createMainWindow({ preloadPath, log });
    forwardEvents(core, window.webContents);
    window.on('closed', () => {
      if (mainWindow === window) mainWindow = null;
    });
    mainWindow = window;
  };

  const focusWindow = (): void => {
    if (!mainWindow) {
      openWindow();
      return;
    }
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  };

  app.on('second-instance', () => {
    if (app.isReady()) focusWindow();
  });

  // macOS keeps the app alive with no window; clicking the dock icon opens one again.
  app.on('activate', () => {
    if (app.isReady() && BrowserWindow.getAllWindows().length === 0) openWindow();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Lock the vault and flush before exiting; quit resumes once the core has closed.
  app.on('before-quit', (event) => {
    if (closed || !core) return;
    event.preventDefault();
    const closing = core;
    core = null;
    if (tickTimer) clearInterval(tickTimer);
    closing
      .close()
      .catch((error: unknown) => log(`closing the core failed: ${error instanceof Error ? error.name : 'unknown error'}`))
      .finally(() => {
        closed = true;
        app.quit();
      });
  });

  app
    .whenReady()
    .then(() => {
      denyAllPermissions(session.defaultSession, log);
      handleAppProtocol(rendererDir);

      const vaultDir = app.getPath('userData');
      const settings = openSettings(vaultDir);
      // electron-store listens on its own channel; the contract must stay the only IPC surface.
      closeForeignChannels([ELECTRON_STORE_CHANNEL]);

      const created = createCore({
        vaultDir,
        deviceName: `Twofold on ${os.hostname()}`,
        keychain: createSafeStorageKeychain(safeStorage, process.platform),
        clock: systemClock,
        clipboard: createClipboard(clipboard),
        settings,
        log,
        screen: createScreenCapture({ desktopCapturer, screen, systemPreferences, platform: process.platform }),
        enteKdfThread: path.join(__dirname, 'ente-kdf-thread.cjs'),
        dialogs: createFileDialogs({ dialog, window: () => mainWindow, defaultDir: app.getPath('documents') }),
      });
      core = created;
      registerApi(created.dispatch, () => frameId(mainWindow?.webContents), log);
      lockOnPowerEvents(powerMonitor, created, log);
      notifyPushRequests(created, () => mainWindow, log);
      tickTimer = setInterval(() => {
        try {
          created.tick();
        } catch (error) {
          log(`tick failed: ${error instanceof Error ? error.name : 'unknown error'}`);
        }
      }, 1000);
      openWindow();
      log('ready');
    })
    .catch((error: unknown) => {
      // Startup runs before any secret is loaded, so the message is safe to show.
      const message = error instanceof Error ? error.message : String(error);
      log(`startup failed: ${message}`);
      dialog.showErrorBox('Twofold could not start', message);
      app.exit(1);
    });
}

/** Opens settings.json, turning a parse failure into a message that names the file and the fix. */
function openSettings(vaultDir: string): ReturnType<typeof createSettingsStore> {
  try {
    return createSettingsStore(vaultDir);
  } catch (error) {
    const file = path.join(vaultDir, 'settings.json');
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`The settings file ${file} could not be read (${reason}). Fix or delete it, then start Twofold again. Your vault is not affected.`);
  }
}

main();
