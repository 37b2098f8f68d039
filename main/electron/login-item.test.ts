import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { App, Settings } from 'electron';
import { afterEach, describe, expect, it } from 'vitest';
import { applyStartAtLogin, isLoginStart, type LoginItemDeps } from './login-item';

/** An app stand-in that records login-item requests. */
function fakeApp(wasOpenedAtLogin = false) {
  const requests: Settings[] = [];
  const app = {
    setLoginItemSettings: (settings: Settings) => requests.push(settings),
    getLoginItemSettings: () => ({ wasOpenedAtLogin }),
  } as unknown as Pick<App, 'setLoginItemSettings' | 'getLoginItemSettings'>;
  return { app, requests };
}

describe('applyStartAtLogin', () => {
  const dirs: string[] = [];
  const home = (): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twofold-login-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  const deps = (platform: NodeJS.Platform, homeDir: string, app: LoginItemDeps['app']): LoginItemDeps => ({
    app,
    platform,
    executable: platform === 'win32' ? 'C:\\Twofold\\Twofold.exe' : '/opt/Twofold/twofold',
    appId: 'twofold',
    name: 'Twofold',
    env: {},
    homeDir,
  });

  it('asks Windows to start Twofold hidden at login, and to stop', () => {
    const { app, requests } = fakeApp();
    applyStartAtLogin(deps('win32', home(), app), true);
    applyStartAtLogin(deps('win32', home(), app), false);
    expect(requests).toEqual([
      { openAtLogin: true, path: 'C:\\Twofold\\Twofold.exe', args: ['--hidden'] },
      { openAtLogin: false, path: 'C:\\Twofold\\Twofold.exe', args: ['--hidden'] },
    ]);
  });

  it('writes and removes the XDG autostart entry on Linux', () => {
    const dir = home();
    const { app, requests } = fakeApp();
    const file = path.join(dir, '.config', 'autostart', 'twofold.desktop');
    applyStartAtLogin(deps('linux', dir, app), true);
    expect(fs.readFileSync(file, 'utf8')).toContain('Exec=/opt/Twofold/twofold --hidden');
    applyStartAtLogin(deps('linux', dir, app), false);
    expect(fs.existsSync(file)).toBe(false);
    expect(requests).toEqual([]);
  });

  it('knows a login start on macOS from the OS, and elsewhere from the flag', () => {
    expect(isLoginStart({ app: fakeApp(true).app, platform: 'darwin' }, ['Twofold'])).toBe(true);
    expect(isLoginStart({ app: fakeApp().app, platform: 'linux' }, ['twofold', '--hidden'])).toBe(true);
    expect(isLoginStart({ app: fakeApp().app, platform: 'win32' }, ['Twofold.exe'])).toBe(false);
  });
});
