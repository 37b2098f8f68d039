/**
 * Start at login over Electron's app.setLoginItemSettings (macOS, Windows) and an XDG autostart
 * file (Linux), as decided in core/desktop/login-item.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { App } from 'electron';
import { autostartDesktopEntry, autostartFile, loginItemRequest, startedHidden } from '../core/desktop/login-item';

/** What start-at-login needs. */
export interface LoginItemDeps {
  app: Pick<App, 'setLoginItemSettings' | 'getLoginItemSettings'>;
  platform: NodeJS.Platform;
  /** The program to start: process.execPath, or process.env.APPIMAGE when running as an AppImage. */
  executable: string;
  /** The autostart file's name on Linux (e.g. "twofold"). */
  appId: string;
  /** The name the desktop shows for the autostart entry. */
  name: string;
  env: Readonly<Record<string, string | undefined>>;
  homeDir: string;
}

/** Turns start-at-login on or off. Throws if the Linux autostart file can't be written or removed. */
export function applyStartAtLogin(deps: LoginItemDeps, enabled: boolean): void {
  const request = loginItemRequest(enabled, deps.platform, deps.executable);
  if (request) {
    deps.app.setLoginItemSettings(request);
    return;
  }
  const file = autostartFile(deps.appId, deps.env, deps.homeDir);
  if (!enabled) {
    fs.rmSync(file, { force: true });
    return;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, autostartDesktopEntry({ name: deps.name, executable: deps.executable }), { mode: 0o644 });
}

/** True when this run is a login start: open to the tray only, with no window. */
export function isLoginStart(deps: Pick<LoginItemDeps, 'app' | 'platform'>, argv: readonly string[]): boolean {
  const wasOpenedAtLogin = deps.platform === 'darwin' ? deps.app.getLoginItemSettings().wasOpenedAtLogin : false;
  return startedHidden(argv, deps.platform, wasOpenedAtLogin);
}
