import { describe, expect, it } from 'vitest';
import { whenAllWindowsClosed } from './close-behaviour';

describe('whenAllWindowsClosed', () => {
  it('keeps running on macOS, as Mac apps do', () => {
    expect(whenAllWindowsClosed({ platform: 'darwin', closeToTray: false, trayShown: false })).toBe('keep-running');
  });

  it('keeps running in the tray on Windows and Linux when the user chose it', () => {
    expect(whenAllWindowsClosed({ platform: 'win32', closeToTray: true, trayShown: true })).toBe('keep-running');
    expect(whenAllWindowsClosed({ platform: 'linux', closeToTray: false, trayShown: true })).toBe('quit');
  });

  it('quits when there is no tray icon to come back through', () => {
    expect(whenAllWindowsClosed({ platform: 'linux', closeToTray: true, trayShown: false })).toBe('quit');
  });
});
