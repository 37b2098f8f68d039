import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserWindow, Display } from 'electron';
import { afterEach, describe, expect, it } from 'vitest';
import { createWindowStateStore, restoredPlacement, trackWindowState, WINDOW_STATE_FILE } from './window-state-store';

const limits = { width: 420, height: 680, minWidth: 340, minHeight: 420 };
const display = (x: number, y: number, width: number, height: number): Display => ({ workArea: { x, y, width, height } }) as Display;

/** A BrowserWindow stand-in with settable bounds and state. */
class FakeWindow extends EventEmitter {
  bounds = { x: 100, y: 80, width: 500, height: 700 };
  maximized = false;
  minimized = false;
  getNormalBounds = () => this.bounds;
  isMaximized = () => this.maximized;
  isMinimized = () => this.minimized;
  isFullScreen = () => false;
  isDestroyed = () => false;
}
const asWindow = (w: FakeWindow) => w as unknown as Pick<BrowserWindow, 'on' | 'removeListener' | 'getNormalBounds' | 'isMaximized' | 'isMinimized' | 'isFullScreen' | 'isDestroyed'>;

describe('window state in userData', () => {
  const dirs: string[] = [];
  const userData = (): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twofold-window-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('saves where the user left the window and opens it there next time', () => {
    const dir = userData();
    const window = new FakeWindow();
    trackWindowState(asWindow(window), createWindowStateStore(dir), () => {});
    window.bounds = { x: 1700, y: 200, width: 600, height: 800 };
    window.emit('moved');
    window.maximized = true;
    window.emit('close');
    expect(fs.existsSync(path.join(dir, WINDOW_STATE_FILE))).toBe(true);
    const screen = { getAllDisplays: () => [display(0, 0, 1512, 900), display(1512, 0, 2560, 1400)], getPrimaryDisplay: () => display(0, 0, 1512, 900) };
    expect(restoredPlacement(createWindowStateStore(dir), screen, limits)).toEqual({ bounds: { x: 1700, y: 200, width: 600, height: 800 }, maximized: true });
  });

  it('does not save a minimized window’s bounds', () => {
    const dir = userData();
    const window = new FakeWindow();
    trackWindowState(asWindow(window), createWindowStateStore(dir), () => {});
    window.minimized = true;
    window.emit('close');
    expect(fs.existsSync(path.join(dir, WINDOW_STATE_FILE))).toBe(false);
  });

  it('logs a failed save by error class and lets the window close', () => {
    const lines: string[] = [];
    const window = new FakeWindow();
    const failing = { read: () => undefined, write: () => { throw new RangeError('disk full at /secret/path'); } };
    trackWindowState(asWindow(window), failing, (line) => lines.push(line));
    window.emit('close');
    expect(lines).toEqual(['saving the window position failed: RangeError']);
  });

  it('stops saving once untracked', () => {
    const window = new FakeWindow();
    const stop = trackWindowState(asWindow(window), createWindowStateStore(userData()), () => {});
    stop();
    expect(window.eventNames()).toEqual([]);
  });
});
