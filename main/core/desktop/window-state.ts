/**
 * Remembering the main window's size, position and maximized state, and placing it again on the
 * displays there are now: saved bounds are used only if the window's title bar would be on a
 * display the user can reach; otherwise the window is centred on the primary display. Either way
 * its size is clamped to the display's work area, so a window saved on a large monitor fits a laptop.
 */
import { z } from 'zod';
import type { SettingsStore } from '../ports';

/** A rectangle in Electron's device-independent pixels. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** A display as placement needs it: the area not covered by taskbars, docks and menu bars. */
export interface DisplayArea {
  workArea: Rect;
}

/** How big a window may and should be. */
export interface WindowSizeLimits {
  /** The size of a window with nothing saved. */
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
}

/** Where and how to open the window. */
export interface WindowPlacement {
  bounds: Rect;
  maximized: boolean;
}

const Coordinate = z.number().int().min(-1_000_000).max(1_000_000);
const Length = z.number().int().min(1).max(1_000_000);

/** The saved state, as stored (`bounds` are the normal bounds, also while maximized). */
export const WindowStateSchema = z.object({
  bounds: z.object({ x: Coordinate, y: Coordinate, width: Length, height: Length }),
  maximized: z.boolean(),
});

/** The saved state. */
export type WindowState = z.output<typeof WindowStateSchema>;

/** Height of the strip at the top of a window that holds its title bar. */
const TITLE_STRIP = 32;
/** How much of the title strip must be on one display for the user to grab it. */
const MIN_VISIBLE_WIDTH = 100;
const MIN_VISIBLE_HEIGHT = TITLE_STRIP / 2;

function intersection(a: Rect, b: Rect): Rect | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : null;
}

/** The display on which the title bar of `bounds` can be grabbed (the one showing most of the window), or null. */
export function displayShowing(bounds: Rect, displays: readonly DisplayArea[]): DisplayArea | null {
  const strip = { x: bounds.x, y: bounds.y, width: bounds.width, height: Math.min(TITLE_STRIP, bounds.height) };
  let best: DisplayArea | null = null;
  let bestArea = 0;
  for (const display of displays) {
    const visibleStrip = intersection(strip, display.workArea);
    if (!visibleStrip) continue;
    if (visibleStrip.width < Math.min(MIN_VISIBLE_WIDTH, bounds.width) || visibleStrip.height < Math.min(MIN_VISIBLE_HEIGHT, strip.height)) continue;
    const shown = intersection(bounds, display.workArea);
    const area = shown ? shown.width * shown.height : 0;
    if (area > bestArea) {
      best = display;
      bestArea = area;
    }
  }
  return best;
}

function clampSize(width: number, height: number, area: Rect, limits: WindowSizeLimits): { width: number; height: number } {
  // The minimum gives way to a work area smaller than it: a window larger than its screen can't be used at all.
  return {
    width: Math.min(Math.max(width, limits.minWidth), area.width),
    height: Math.min(Math.max(height, limits.minHeight), area.height),
  };
}

function centred(size: { width: number; height: number }, area: Rect): Rect {
  return {
    x: area.x + Math.round((area.width - size.width) / 2),
    y: area.y + Math.round((area.height - size.height) / 2),
    ...size,
  };
}

/**
 * Where to open the window, given what was saved (anything: it is parsed here), the current
 * displays and the primary one.
 */
export function placeWindow(saved: unknown, displays: readonly DisplayArea[], primary: DisplayArea, limits: WindowSizeLimits): WindowPlacement {
  const parsed = WindowStateSchema.safeParse(saved);
  if (!parsed.success) {
    return { bounds: centred(clampSize(limits.width, limits.height, primary.workArea, limits), primary.workArea), maximized: false };
  }
  const { bounds, maximized } = parsed.data;
  const display = displayShowing(bounds, displays);
  if (!display) {
    return { bounds: centred(clampSize(bounds.width, bounds.height, primary.workArea, limits), primary.workArea), maximized };
  }
  const area = display.workArea;
  const size = clampSize(bounds.width, bounds.height, area, limits);
  if (size.width === bounds.width && size.height === bounds.height) return { bounds, maximized };
  // Shrunk to fit this display: keep it where it was as far as it now fits inside the work area.
  const x = Math.min(Math.max(bounds.x, area.x), area.x + area.width - size.width);
  const y = Math.min(Math.max(bounds.y, area.y), area.y + area.height - size.height);
  return { bounds: { x, y, ...size }, maximized };
}

/** The state to save for a window whose normal (not maximized) bounds and maximized flag are given. */
export function windowStateOf(normalBounds: Rect, maximized: boolean): WindowState {
  const r = (n: number): number => Math.round(n);
  return { bounds: { x: r(normalBounds.x), y: r(normalBounds.y), width: Math.max(1, r(normalBounds.width)), height: Math.max(1, r(normalBounds.height)) }, maximized };
}

/** Reads the saved window state from `store`; null when there is none or it is unreadable (the window then opens centred). */
export function loadWindowState(store: SettingsStore): WindowState | null {
  const parsed = WindowStateSchema.safeParse(store.read());
  return parsed.success ? parsed.data : null;
}

/** Saves the window state to `store`. */
export function saveWindowState(store: SettingsStore, state: WindowState): void {
  store.write(WindowStateSchema.parse(state));
}
