import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createJsonFileStore } from './json-file-store';
import { loadWindowState, placeWindow, saveWindowState, windowStateOf, type DisplayArea, type WindowState } from './window-state';

const limits = { width: 420, height: 680, minWidth: 340, minHeight: 420 };
const area = (x: number, y: number, width: number, height: number): DisplayArea => ({ workArea: { x, y, width, height } });

// A MacBook's screen under the menu bar, and a 1440p monitor in several positions around it.
const laptop = area(0, 25, 1512, 857);
const monitorRight = area(1512, 0, 2560, 1400);
const monitorLeft = area(-2560, 0, 2560, 1400);
const monitorAbove = area(-500, -1440, 2560, 1400);
const saved = (x: number, y: number, width = 420, height = 680, maximized = false): WindowState => ({ bounds: { x, y, width, height }, maximized });

describe('placeWindow', () => {
  it('restores a window saved on the one display exactly', () => {
    expect(placeWindow(saved(100, 60), [laptop], laptop, limits)).toEqual({ bounds: { x: 100, y: 60, width: 420, height: 680 }, maximized: false });
  });

  it('restores a window on a second monitor to the right, to the left (negative x) and above (negative y)', () => {
    expect(placeWindow(saved(2000, 200), [laptop, monitorRight], laptop, limits).bounds).toEqual({ x: 2000, y: 200, width: 420, height: 680 });
    expect(placeWindow(saved(-1800, 100), [laptop, monitorLeft], laptop, limits).bounds).toEqual({ x: -1800, y: 100, width: 420, height: 680 });
    expect(placeWindow(saved(300, -1200), [laptop, monitorAbove], laptop, limits).bounds).toEqual({ x: 300, y: -1200, width: 420, height: 680 });
  });

  it('centres the window on the primary display when its monitor is gone', () => {
    const placement = placeWindow(saved(2000, 200), [laptop], laptop, limits);
    expect(placement.bounds).toEqual({ x: Math.round((1512 - 420) / 2), y: 25 + Math.round((857 - 680) / 2), width: 420, height: 680 });
  });

  it('centres it on the primary display even when another display is the first listed', () => {
    const placement = placeWindow(saved(5000, 5000), [monitorRight, laptop], laptop, limits);
    expect(placement.bounds.x).toBe(546);
  });

  it('shrinks a window saved on a big monitor to the laptop it now opens on, keeping it inside the work area', () => {
    const placement = placeWindow(saved(200, 100, 1400, 1300), [laptop], laptop, limits);
    expect(placement.bounds).toEqual({ x: 112, y: 25, width: 1400, height: 857 });
  });

  it('clamps the size when centring too', () => {
    const placement = placeWindow(saved(4000, 100, 2000, 1300), [laptop], laptop, limits);
    expect(placement.bounds).toEqual({ x: 0, y: 25, width: 1512, height: 857 });
  });

  it('restores a window hanging off the right edge while enough of its title bar is on screen to grab', () => {
    expect(placeWindow(saved(1380, 100), [laptop], laptop, limits).bounds).toMatchObject({ x: 1380, y: 100 });
  });

  it('centres a window with only a sliver of its title bar on screen', () => {
    expect(placeWindow(saved(1450, 100), [laptop], laptop, limits).bounds).toMatchObject({ x: 546 });
  });

  it('centres a window whose title bar is above every display, even if its body shows', () => {
    expect(placeWindow(saved(100, -400), [laptop], laptop, limits).bounds).toMatchObject({ x: 546, y: 114 });
  });

  it('centres a window whose title bar sits under the macOS menu bar', () => {
    expect(placeWindow(saved(100, 0), [laptop], laptop, limits).bounds).toMatchObject({ x: 546 });
  });

  it('keeps the maximized state, whether restored or centred', () => {
    expect(placeWindow(saved(100, 60, 420, 680, true), [laptop], laptop, limits).maximized).toBe(true);
    expect(placeWindow(saved(9000, 60, 420, 680, true), [laptop], laptop, limits).maximized).toBe(true);
  });

  it('raises a saved size below the minimum to the minimum', () => {
    expect(placeWindow(saved(100, 60, 100, 100), [laptop], laptop, limits).bounds).toMatchObject({ width: 340, height: 420 });
  });

  it('lets the minimum give way on a display smaller than it', () => {
    const tiny = area(0, 0, 320, 400);
    expect(placeWindow(null, [tiny], tiny, limits).bounds).toEqual({ x: 0, y: 0, width: 320, height: 400 });
  });

  it.each([
    ['nothing saved', undefined],
    ['garbage', 'left side please'],
    ['a fractional coordinate', { bounds: { x: 1.5, y: 0, width: 420, height: 680 }, maximized: false }],
    ['a zero width', { bounds: { x: 0, y: 0, width: 0, height: 680 }, maximized: false }],
    ['a missing flag', { bounds: { x: 0, y: 0, width: 420, height: 680 } }],
  ])('opens at the default size, centred, for %s', (_name, value) => {
    expect(placeWindow(value, [laptop, monitorRight], laptop, limits)).toEqual({ bounds: { x: 546, y: 114, width: 420, height: 680 }, maximized: false });
  });
});

describe('windowStateOf', () => {
  it('rounds fractional bounds (scaled displays report them)', () => {
    expect(windowStateOf({ x: 10.4, y: 20.6, width: 420.5, height: 679.5 }, false)).toEqual(saved(10, 21, 421, 680));
  });
});

describe('window state in a JSON file', () => {
  const dirs: string[] = [];
  const tempFile = (): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'twofold-window-state-'));
    dirs.push(dir);
    return path.join(dir, 'nested', 'window-state.json');
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reads back what it saved, and leaves no temporary file', () => {
    const file = tempFile();
    const store = createJsonFileStore(file);
    saveWindowState(store, saved(-1800, 100, 500, 700, true));
    expect(loadWindowState(createJsonFileStore(file))).toEqual(saved(-1800, 100, 500, 700, true));
    expect(fs.readdirSync(path.dirname(file))).toEqual(['window-state.json']);
  });

  it('reads a missing file as nothing saved', () => {
    expect(loadWindowState(createJsonFileStore(tempFile()))).toBeNull();
  });

  it('reads a broken file as nothing saved, and replaces it on the next save', () => {
    const file = tempFile();
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, '{"bounds": {');
    const store = createJsonFileStore(file);
    expect(loadWindowState(store)).toBeNull();
    saveWindowState(store, saved(1, 2));
    expect(loadWindowState(store)).toEqual(saved(1, 2));
  });

  it('refuses to save a state that would not read back', () => {
    const store = createJsonFileStore(tempFile());
    expect(() => saveWindowState(store, saved(Number.NaN, 0))).toThrow();
    expect(loadWindowState(store)).toBeNull();
  });
});
