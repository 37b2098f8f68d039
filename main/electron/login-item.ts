/**
 * Start at login over Electron's app.setLoginItemSettings (macOS, Windows) and an XDG autostart
 * file (Linux), as decided in core/desktop/login-item.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { App } from 'electron';
import { autostartDesktopEntry, autostartFile, loginItemRequest, startedHidden } from '../core/desktop/login-item';
import type { DesktopResult } from '../core/ports';

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

/**
 * Turns start-at-login on or off, and says whether the OS took it. macOS and Windows are asked back
 * (a login item can be refused by the user or by system settings); on Linux the autostart file is
 * written or removed. The message names what to do, for the settings form.
 */
export function applyStartAtLogin(deps: LoginItemDeps, enabled: boolean): DesktopResult {
  const request = loginItemRequest(enabled, deps.platform, deps.executable);
  if (request) {
    deps.app.setLoginItemSettings(request);
    const query = request.path ? { path: request.path, args: request.args ?? [] } : undefined;
    const now = deps.app.getLoginItemSettings(query);
    if (deps.platform === 'darwin' && enabled && now.status === 'requires-approval') {
      return { ok: false, message: 'macOS needs your approval: in System Settings › General › Login Items, allow Twofold.' };
    }
    if (now.openAtLogin !== enabled) {
      return { ok: false, message: `The system did not ${enabled ? 'add Twofold to' : 'remove Twofold from'} the apps that start at login.` };
    }
    return { ok: true };
  }
  const file = autostartFile(deps.appId, deps.env, deps.homeDir);
  try {
    if (enabled) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, autostartDesktopEntry({ name: deps.name, executable: deps.executable }), { mode: 0o644 });
    } else {
      fs.rmSync(file, { force: true });
    }
    return { ok: true };
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? ` (${String(error.code)})` : '';
    return { ok: false, message: `Twofold could not ${enabled ? 'write' : 'remove'} its autostart entry ${file}${code}.` };
  }
}

/** True when this run is a login start: open to the tray only, with no window. */
export function isLoginStart(deps: Pick<LoginItemDeps, 'app' | 'platform'>, argv: readonly string[]): boolean {
  const wasOpenedAtLogin = deps.platform === 'darwin' ? deps.app.getLoginItemSettings().wasOpenedAtLogin : false;
  return startedHidden(argv, deps.platform, wasOpenedAtLogin);
}
