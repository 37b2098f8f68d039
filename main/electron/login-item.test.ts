import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { App, Settings } from 'electron';
import { afterEach, describe, expect, it } from 'vitest';
import { applyStartAtLogin, isLoginStart, type LoginItemDeps } from './login-item';

/**
 * An app stand-in that records login-item requests and answers the read-back as the OS would: with
 * what was asked, unless `refuse` says the system kept its own value or wants the user's approval.
 */
function fakeApp(wasOpenedAtLogin = false, refuse: 'no' | 'ignored' | 'requires-approval' = 'no') {
  const requests: Settings[] = [];
  const app = {
    setLoginItemSettings: (settings: Settings) => requests.push(settings),
    getLoginItemSettings: () => {
      const asked = requests.at(-1)?.openAtLogin ?? false;
      if (refuse === 'requires-approval') return { wasOpenedAtLogin, openAtLogin: false, status: 'requires-approval' };
      return { wasOpenedAtLogin, openAtLogin: refuse === 'ignored' ? !asked : asked, status: asked ? 'enabled' : 'not-registered' };
    },
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
    expect(applyStartAtLogin(deps('win32', home(), app), true)).toEqual({ ok: true });
    expect(applyStartAtLogin(deps('win32', home(), app), false)).toEqual({ ok: true });
    expect(requests).toEqual([
      { openAtLogin: true, path: 'C:\\Twofold\\Twofold.exe', args: ['--hidden'] },
      { openAtLogin: false, path: 'C:\\Twofold\\Twofold.exe', args: ['--hidden'] },
    ]);
  });

  it('writes and removes the XDG autostart entry on Linux', () => {
    const dir = home();
    const { app, requests } = fakeApp();
    const file = path.join(dir, '.config', 'autostart', 'twofold.desktop');
    expect(applyStartAtLogin(deps('linux', dir, app), true)).toEqual({ ok: true });
    expect(fs.readFileSync(file, 'utf8')).toContain('Exec=/opt/Twofold/twofold --hidden');
    expect(applyStartAtLogin(deps('linux', dir, app), false)).toEqual({ ok: true });
    expect(fs.existsSync(file)).toBe(false);
    expect(requests).toEqual([]);
  });

  it('says so when Windows or macOS did not take the change', () => {
    expect(applyStartAtLogin(deps('win32', home(), fakeApp(false, 'ignored').app), true)).toEqual({
      ok: false,
      message: 'The system did not add Twofold to the apps that start at login.',
    });
    expect(applyStartAtLogin(deps('darwin', home(), fakeApp(false, 'ignored').app), false)).toEqual({
      ok: false,
      message: 'The system did not remove Twofold from the apps that start at login.',
    });
    expect(applyStartAtLogin(deps('darwin', home(), fakeApp(false, 'requires-approval').app), true)).toEqual({
      ok: false,
      message: 'macOS needs your approval: in System Settings › General › Login Items, allow Twofold.',
    });
  });

  it('names the autostart file it could not write on Linux, without throwing', () => {
    const dir = home();
    // A file where the autostart folder should be: mkdir fails even for root.
    fs.mkdirSync(path.join(dir, '.config'));
    fs.writeFileSync(path.join(dir, '.config', 'autostart'), '');
    const result = applyStartAtLogin(deps('linux', dir, fakeApp().app), true);
    expect(result).toEqual({
      ok: false,
      message: `Twofold could not write its autostart entry ${path.join(dir, '.config', 'autostart', 'twofold.desktop')} (EEXIST).`,
    });
  });

  it('knows a login start on macOS from the OS, and elsewhere from the flag', () => {
    expect(isLoginStart({ app: fakeApp(true).app, platform: 'darwin' }, ['Twofold'])).toBe(true);
    expect(isLoginStart({ app: fakeApp().app, platform: 'linux' }, ['twofold', '--hidden'])).toBe(true);
    expect(isLoginStart({ app: fakeApp().app, platform: 'win32' }, ['Twofold.exe'])).toBe(false);
  });
});
