/**
 * Composition root of the main process: reads the managed policy, builds the Electron adapters,
 * creates the core, registers the API, and wires the desktop: window, tray, global shortcut, deep
 * links, app menu, start at login and updates. Everything here is wiring; behaviour lives in main/core.
 *
 * TWOFOLD_USER_DATA: when set (tests, portable runs), it replaces the userData folder, which holds
 * the vault, settings.json and Chromium's profile. It must be an absolute path. Unset, the folder is
 * <appData>/Twofold, the same place the `twofold` CLI looks by default (main/core/vault-location.ts).
 *
 * TWOFOLD_TEST_HOOKS=1, in an unpackaged run only, exposes main/electron/test-hooks.ts for the
 * Electron specs.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  app,
  BrowserWindow,
  clipboard,
  desktopCapturer,
  dialog,
  globalShortcut,
  Menu,
  nativeImage,
  powerMonitor,
  safeStorage,
  screen,
  session,
  systemPreferences,
  Tray,
} from 'electron';
import { autoUpdater } from 'electron-updater';
import { eventChannel, type Command, type EventName, type EventPayload } from '../common/api-contract';
import type { Envelope } from '../common/api-bridge';
import type { Dispatch } from './core/api-dispatch';
import { createCore, type Core } from './core/core';
import type { AppMenuCommand } from './core/desktop/app-menu-model';
import { whenAllWindowsClosed } from './core/desktop/close-behaviour';
import { createLinkHandoff, type HandoffEffect } from './core/desktop/deep-link';
import { buildTrayModel, parseTrayAction, type TrayAction, type TrayState } from './core/desktop/tray-model';
import { readManagedPolicy } from './core/policy/read-policy';
import { createNodePolicyIo } from './core/policy/node-policy-io';
import { systemClock, type DesktopIntegration, type DesktopResult } from './core/ports';
import { installAppMenu } from './electron/app-menu';
import { handleAppProtocol, registerAppScheme } from './electron/app-protocol';
import { createClipboard } from './electron/clipboard';
import { listenForDeepLinks, registerProtocolClients, type LaunchInfo } from './electron/deep-links';
import { createFileDialogs } from './electron/file-dialogs';
import { createQuickSearchShortcut, type QuickSearchShortcut } from './electron/global-shortcut';
import { closeForeignChannels, forwardEvents, frameId, registerApi } from './electron/ipc';
import { createSafeStorageKeychain } from './electron/keychain';
import { applyStartAtLogin, isLoginStart, type LoginItemDeps } from './electron/login-item';
import { lockOnPowerEvents } from './electron/power';
import { notifyPushRequests } from './electron/push-notifier';
import { denyAllPermissions } from './electron/session-guards';
import { createSettingsStore, ELECTRON_STORE_CHANNEL } from './electron/settings-store';
import { createScreenCapture } from './electron/screen-capture';
import { installTestHooks, testHooksWanted, testMenuItems } from './electron/test-hooks';
import { createTray, type TrayController } from './electron/tray';
import { createUpdater, parseAppUpdateFile, planUpdates, type BuiltInFeed } from './electron/updater';
import { createMainWindow, guardWebContents, MAIN_WINDOW_SIZE } from './electron/window';
import { createWindowStateStore, restoredPlacement, trackWindowState } from './electron/window-state-store';

// Only fixed, non-secret lines are logged: no codes, seeds, passphrases or URIs ever reach here.
const log = (line: string): void => console.log(`twofold: ${line}`);

const preloadPath = path.join(__dirname, '../preload/index.cjs');
const rendererDir = path.join(__dirname, '../renderer');

/** The app menu's commands that the window carries out. */
const MENU_COMMANDS: Record<Exclude<AppMenuCommand, 'lock'>, Command> = {
  'open-settings': 'settings',
  import: 'import',
  export: 'export',
  'quick-search': 'quick-search',
};

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

/** Under Wayland, global shortcuts exist only through the desktop portal, which must be switched on before ready. */
function enableWaylandShortcuts(): void {
  if (process.platform !== 'linux') return;
  if (process.env['XDG_SESSION_TYPE'] !== 'wayland' && !process.env['WAYLAND_DISPLAY']) return;
  app.commandLine.appendSwitch('enable-features', 'GlobalShortcutsPortal');
}

/** The feed electron-builder wrote into the packaged app (resources/app-update.yml), or null. */
function readBuiltInFeed(): BuiltInFeed | null {
  if (!app.isPackaged) return null;
  try {
    return parseAppUpdateFile(readFileSync(path.join(process.resourcesPath, 'app-update.yml'), 'utf8'));
  } catch {
    return null;
  }
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
  enableWaylandShortcuts();
  // Navigation, window.open and <webview> are guarded for every web contents, in one place.
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, log));

  const platform = process.platform;
  const hooksWanted = testHooksWanted(process.env, app.isPackaged);
  const launch: LaunchInfo = { platform, defaultApp: process.defaultApp === true, execPath: process.execPath, argv: process.argv };
  const loginItems: LoginItemDeps = {
    app,
    platform,
    // An AppImage runs from a temporary mount; the login item must start the AppImage file itself.
    executable: process.env['APPIMAGE'] ?? process.execPath,
    appId: 'twofold',
    name: 'Twofold',
    env: process.env,
    homeDir: os.homedir(),
  };
  // A development run would register a bare Electron to start at login; the Electron specs (test
  // hooks, with their own XDG config folder) are the one exception.
  const loginItemsAllowed = app.isPackaged || hooksWanted;

  let core: Core | null = null;
  let mainWindow: BrowserWindow | null = null;
  let windowLoaded = false;
  let tray: TrayController | null = null;
  let trayState: TrayState | null = null;
  let shortcut: QuickSearchShortcut | null = null;
  let closeToTray = true;
  let unlocked: boolean | null = null;
  const timers: NodeJS.Timeout[] = [];
  let closed = false;
  // Events for a window that is still loading (a command from the tray or the shortcut opened it).
  let pendingSends: Array<{ name: EventName; payload: unknown }> = [];

  const sendToWindow = <N extends EventName>(name: N, payload: EventPayload<N>): void => {
    if (mainWindow && windowLoaded && !mainWindow.webContents.isDestroyed()) {
      mainWindow.webContents.send(eventChannel(name), payload);
      return;
    }
    // A few at most: each is a user's click or key press.
    pendingSends = [...pendingSends.slice(-4), { name, payload }];
  };

  const flushSends = (): void => {
    const sends = pendingSends;
    pendingSends = [];
    for (const { name, payload } of sends) mainWindow?.webContents.send(eventChannel(name), payload);
  };

  // Deep links: the hand-off starts now, because macOS delivers a cold-start link before 'ready'.
  const handoff = createLinkHandoff({ now: () => Date.now() });
  const runEffects = (effects: HandoffEffect[]): void => {
    for (const effect of effects) {
      if (effect.type === 'focus-window') focusWindow();
      else if (effect.type === 'show-refusal') core?.refuseLink(effect.reason);
      else if (core) {
        // The link itself is revealed to the core only; neither it nor the error text is logged.
        core.openLink(effect.link.link.reveal()).catch((error: unknown) => log(`opening a link failed: ${error instanceof Error ? error.name : 'unknown error'}`));
      }
    }
  };

  const openWindow = (): void => {
    if (!core) return;
    const store = createWindowStateStore(app.getPath('userData'));
    const window = createMainWindow({ preloadPath, placement: restoredPlacement(store, screen, MAIN_WINDOW_SIZE), log });
    forwardEvents(core, window.webContents);
    trackWindowState(window, store, log);
    windowLoaded = false;
    // 'did-finish-load': the page's script has run and subscribed to events, so sends are heard.
    window.webContents.on('did-finish-load', () => {
      if (mainWindow !== window) return;
      windowLoaded = true;
      flushSends();
      runEffects(handoff.windowReady());
    });
    window.on('closed', () => {
      if (mainWindow !== window) return;
      mainWindow = null;
      windowLoaded = false;
      runEffects(handoff.windowClosed());
    });
    mainWindow = window;
  };

  function focusWindow(): void {
    if (!app.isReady() || !core) return;
    if (!mainWindow) {
      openWindow();
      return;
    }
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  }

  const sendCommand = (name: Command): void => {
    focusWindow();
    sendToWindow('command', { name });
  };

  const lockNow = (): void => {
    core
      ?.lock('manual')
      .then(syncDesktop)
      .catch((error: unknown) => log(`lock failed: ${error instanceof Error ? error.name : 'unknown error'}`));
  };

  const installMenu = (isUnlocked: boolean): void => {
    installAppMenu(Menu, { platform, appName: 'Twofold', unlocked: isUnlocked, development: !app.isPackaged }, (command) => {
      if (command === 'lock') lockNow();
      else sendCommand(MENU_COMMANDS[command]);
    });
  };

  /** Brings the tray, the menu and the link hand-off up to date with the vault. Cheap; runs every tick and after each call. */
  function syncDesktop(): void {
    if (!core) return;
    const state = core.trayState();
    trayState = state;
    tray?.update(state);
    const nowUnlocked = state.vault === 'unlocked';
    if (nowUnlocked === unlocked) return;
    unlocked = nowUnlocked;
    installMenu(nowUnlocked);
    runEffects(nowUnlocked ? handoff.unlocked() : handoff.locked());
  }

  const onTrayAction = (action: TrayAction): void => {
    switch (action.kind) {
      case 'copy-code':
        core?.trayCopy(action.accountId).catch((error: unknown) => log(`copy from the tray failed: ${error instanceof Error ? error.name : 'unknown error'}`));
        return;
      case 'review-requests':
        sendCommand('review-requests');
        return;
      case 'open':
        focusWindow();
        return;
      case 'lock':
        lockNow();
        return;
      case 'quit':
        app.quit();
        return;
    }
  };

  /** The desktop side of settings, for the core: it applies them and keeps what the OS refused for the settings form. */
  const desktop: DesktopIntegration = {
    setQuickSearchShortcut: (accelerator) => {
      const result = shortcut ? shortcut.apply(accelerator) : { ok: true as const };
      // The message names the keys only: what the user typed in settings, never a secret.
      if (!result.ok) log(`quick-search shortcut not registered: ${result.message}`);
      return result;
    },
    setStartAtLogin: (enabled) => {
      // A development run would register a bare Electron; the setting is kept and applied once packaged.
      if (!loginItemsAllowed) return { ok: true };
      let result: DesktopResult;
      try {
        result = applyStartAtLogin(loginItems, enabled);
      } catch (error) {
        // Electron's login-item calls are not documented to throw; if one does, it is a refusal, not a crash at start-up.
        log(`start at login failed: ${error instanceof Error ? error.name : 'unknown error'}`);
        result = { ok: false, message: `The system did not ${enabled ? 'add Twofold to' : 'remove Twofold from'} the apps that start at login.` };
      }
      if (!result.ok) log(`start at login could not be ${enabled ? 'set' : 'removed'}`);
      return result;
    },
    setCloseToTray: (enabled) => {
      closeToTray = enabled;
    },
  };

  // Links from this process's argv, from a second instance (which also means "show me Twofold"),
  // and from macOS open-url.
  listenForDeepLinks({ app, launch, handoff, onEffects: runEffects });

  // macOS keeps the app alive with no window; clicking the dock icon opens one again.
  app.on('activate', () => {
    if (app.isReady() && BrowserWindow.getAllWindows().length === 0) openWindow();
  });

  app.on('window-all-closed', () => {
    const outcome = whenAllWindowsClosed({ platform, closeToTray, trayShown: tray !== null });
    if (outcome === 'quit') app.quit();
  });

  // Lock the vault and flush before exiting; quit resumes once the core has closed.
  app.on('before-quit', (event) => {
    if (closed || !core) return;
    event.preventDefault();
    const closing = core;
    core = null;
    for (const timer of timers) clearInterval(timer);
    shortcut?.dispose();
    tray?.destroy();
    tray = null;
    closing
      .close()
      .catch((error: unknown) => log(`closing the core failed: ${error instanceof Error ? error.name : 'unknown error'}`))
      .finally(() => {
        closed = true;
        app.quit();
      });
  });

  app.on('will-quit', () => globalShortcut.unregisterAll());

  app
    .whenReady()
    .then(async () => {
      denyAllPermissions(session.defaultSession, log);
      handleAppProtocol(rendererDir);

      // Machine policy first: it bounds the settings and the updater the core starts with.
      const { policy, problems } = await readManagedPolicy({
        platform,
        io: createNodePolicyIo(),
        userName: currentUserName(),
        ...(process.env['SystemRoot'] ? { windowsDir: process.env['SystemRoot'] } : {}),
      });
      // Problems name the place and the key, never a value worth hiding; settings lists them too.
      for (const problem of problems) log(`policy: ${problem}`);

      const vaultDir = app.getPath('userData');
      const settings = openSettings(vaultDir);
      // electron-store listens on its own channel; the contract must stay the only IPC surface.
      closeForeignChannels([ELECTRON_STORE_CHANNEL]);

      const updater = createUpdater({
        autoUpdater: () => autoUpdater,
        plan: planUpdates(policy, readBuiltInFeed(), {
          packaged: app.isPackaged,
          platform,
          appImage: Boolean(process.env['APPIMAGE']),
          // The NSIS installer leaves its uninstaller beside the app; the MSI does not.
          msi: platform === 'win32' && !existsSync(path.join(path.dirname(process.execPath), 'Uninstall Twofold.exe')),
        }),
        timers: {
          setTimeout: (run, ms) => timers.push(setTimeout(run, ms)),
          setInterval: (run, ms) => timers.push(setInterval(run, ms)),
        },
        log,
      });

      const created = createCore({
        vaultDir,
        deviceName: `Twofold on ${os.hostname()}`,
        keychain: createSafeStorageKeychain(safeStorage, platform),
        clock: systemClock,
        clipboard: createClipboard(clipboard),
        settings,
        log,
        screen: createScreenCapture({ desktopCapturer, screen, systemPreferences, platform }),
        enteKdfThread: path.join(__dirname, 'ente-kdf-thread.cjs'),
        dialogs: createFileDialogs({ dialog, window: () => mainWindow, defaultDir: app.getPath('documents') }),
        policy: { policy, problems },
        platform,
        updater,
        desktop,
      });
      core = created;

      // Desktop state follows every call (an unlock, a settings change) at once, not at the next tick.
      const dispatch: Dispatch = async (channel, input): Promise<Envelope> => {
        const result = await created.dispatch(channel, input);
        if (!result.ok) return result;
        try {
          syncDesktop();
        } catch (error) {
          log(`desktop update failed: ${error instanceof Error ? error.name : 'unknown error'}`);
        }
        return result;
      };
      registerApi(dispatch, () => frameId(mainWindow?.webContents), log);
      lockOnPowerEvents(powerMonitor, created, log);
      notifyPushRequests(created, () => mainWindow, log);
      created.onEvent((name) => {
        if (name === 'vaultLocked') syncDesktop();
      });

      try {
        tray = createTray({ Tray, Menu, nativeImage, platform, onAction: onTrayAction }, created.trayState());
      } catch (error) {
        // No tray (some Linux desktops): closing the window then quits, see whenAllWindowsClosed.
        log(`no tray icon: ${error instanceof Error ? error.name : 'unknown error'}`);
      }
      shortcut = createQuickSearchShortcut({ globalShortcut, platform, onPressed: () => sendCommand('quick-search') });
      // The shortcut the OS refuses (taken by another app) is shown at its field in Settings.
      created.applyDesktopSettings();
      syncDesktop();
      if (!hooksWanted) {
        const refused = registerProtocolClients(app, launch);
        if (refused.length > 0) log(`not registered as the handler of: ${refused.join(', ')}`);
      } else {
        installTestHooks(globalThis, {
          trayShown: () => tray !== null,
          trayMenu: () => (trayState ? testMenuItems(buildTrayModel(trayState)) : []),
          clickTrayItem: (id) => {
            const shown = trayState !== null && buildTrayModel(trayState).items.some((i) => i.type === 'item' && i.enabled && i.action === id);
            const action = shown ? parseTrayAction(id) : null;
            if (action === null) throw new Error(`The tray has no item ${id}.`);
            onTrayAction(action);
          },
          pressQuickSearch: () => sendCommand('quick-search'),
        });
      }

      timers.push(
        setInterval(() => {
          try {
            created.tick();
            syncDesktop();
          } catch (error) {
            log(`tick failed: ${error instanceof Error ? error.name : 'unknown error'}`);
          }
        }, 1000),
      );
      updater.start();

      // A login start opens to the tray only; without a tray there would be no way in, so the window shows.
      const hidden = tray !== null && isLoginStart(loginItems, process.argv);
      // A link that arrived during start-up brings the window up even at a login start.
      const linkWaiting = handoff.appReady().length > 0;
      if (!hidden || linkWaiting) openWindow();
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

/** The signed-in user's name (macOS per-user managed preferences); '' where the OS can't say. */
function currentUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return '';
  }
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
