import { describe, expect, it } from 'vitest';
import { autostartDesktopEntry, autostartFile, loginItemRequest, quoteExecArg, START_HIDDEN_FLAG, startedHidden } from './login-item';

describe('loginItemRequest', () => {
  it('asks macOS for a plain login item', () => {
    expect(loginItemRequest(true, 'darwin', '/Applications/Twofold.app/Contents/MacOS/Twofold')).toEqual({ openAtLogin: true });
  });

  it('asks Windows to start the executable hidden', () => {
    expect(loginItemRequest(true, 'win32', 'C:\\Twofold\\Twofold.exe')).toEqual({ openAtLogin: true, path: 'C:\\Twofold\\Twofold.exe', args: [START_HIDDEN_FLAG] });
    expect(loginItemRequest(false, 'win32', 'C:\\Twofold\\Twofold.exe')).toMatchObject({ openAtLogin: false });
  });

  it('leaves Linux to the autostart file, which Electron does not write', () => {
    expect(loginItemRequest(true, 'linux', '/opt/Twofold/twofold')).toBeNull();
  });
});

describe('startedHidden', () => {
  it('reads the flag on Windows and Linux, but not as the executable itself', () => {
    expect(startedHidden(['Twofold.exe', START_HIDDEN_FLAG], 'win32', false)).toBe(true);
    expect(startedHidden(['twofold'], 'linux', false)).toBe(false);
  });

  it("trusts macOS's own answer", () => {
    expect(startedHidden(['Twofold'], 'darwin', true)).toBe(true);
    expect(startedHidden(['Twofold', START_HIDDEN_FLAG], 'darwin', false)).toBe(false);
  });
});

describe('Linux autostart entry', () => {
  it('goes to $XDG_CONFIG_HOME/autostart, or ~/.config/autostart', () => {
    expect(autostartFile('twofold', { XDG_CONFIG_HOME: '/cfg' }, '/home/a')).toBe('/cfg/autostart/twofold.desktop');
    expect(autostartFile('twofold', {}, '/home/a')).toBe('/home/a/.config/autostart/twofold.desktop');
    expect(autostartFile('twofold', { XDG_CONFIG_HOME: 'relative' }, '/home/a')).toBe('/home/a/.config/autostart/twofold.desktop');
  });

  it('starts the executable hidden', () => {
    const entry = autostartDesktopEntry({ name: 'Twofold', executable: '/opt/Twofold/twofold' });
    expect(entry.split('\n')).toEqual(expect.arrayContaining(['[Desktop Entry]', 'Type=Application', 'Name=Twofold', 'Exec=/opt/Twofold/twofold --hidden']));
  });

  it('quotes paths with spaces and escapes what the spec reserves', () => {
    expect(quoteExecArg('/home/a/My Apps/Twofold.AppImage')).toBe('"/home/a/My Apps/Twofold.AppImage"');
    expect(quoteExecArg('/tmp/$HOME"x`\\')).toBe('"/tmp/\\$HOME\\"x\\`\\\\"');
    expect(quoteExecArg('/tmp/100%')).toBe('"/tmp/100%%"');
  });

  it('refuses a value with a line break, which could add keys to the entry', () => {
    expect(() => autostartDesktopEntry({ name: 'Twofold', executable: '/tmp/x\nExec=evil' })).toThrow(/line break/);
  });
});
