/**
 * The tray icon, drawn in code so no binary asset has to ship or be kept in step with a design file:
 * a ring with two dots ("two"-fold). The app icon is the same design (build/icon.png, written by
 * scripts/app-icon.ts and checked against drawAppIcon by a test). On macOS it is a template image (black plus alpha; the menu bar
 * tints it for light and dark). Elsewhere it is a dark disc with a light glyph, legible on both light
 * and dark taskbars, plus a red dot while sign-in requests wait (Windows and Linux trays have no title).
 */
import { PNG } from 'pngjs';

/** How to draw the icon. */
export interface TrayIconOptions {
  /** Pixels per side: 16 for 1x, 32 for 2x (the adapter passes the scale factor to Electron). */
  size: number;
  /** macOS template image: black glyph on transparent. */
  template: boolean;
  /** Adds the red "requests waiting" dot (ignored for template images, which can't hold colour). */
  attention: boolean;
}

type Rgba = readonly [number, number, number, number];

const DISC: Rgba = [0x2b, 0x2f, 0x36, 0xff];
const GLYPH: Rgba = [0xff, 0xff, 0xff, 0xff];
const INK: Rgba = [0, 0, 0, 0xff];
const ALERT: Rgba = [0xe5, 0x48, 0x4d, 0xff];

/** Draws the tray icon as a PNG. */
export function drawTrayIcon(options: TrayIconOptions): Buffer {
  const { size } = options;
  const png = new PNG({ width: size, height: size });
  const c = (size - 1) / 2;
  const r = size / 2;
  // Coverage by 4×4 supersampling, so the edges are smooth at 16 px.
  const coverage = (inside: (x: number, y: number) => boolean, px: number, py: number): number => {
    let hit = 0;
    for (let sy = 0; sy < 4; sy++) for (let sx = 0; sx < 4; sx++) if (inside(px - 0.375 + sx * 0.25, py - 0.375 + sy * 0.25)) hit++;
    return hit / 16;
  };
  const dist = (x: number, y: number, cx: number, cy: number): number => Math.hypot(x - cx, y - cy);
  const ring = (x: number, y: number): boolean => {
    const d = dist(x, y, c, c);
    return d <= r * 0.72 && d >= r * 0.52;
  };
  const dots = (x: number, y: number): boolean => dist(x, y, c - r * 0.2, c) <= r * 0.14 || dist(x, y, c + r * 0.2, c) <= r * 0.14;
  const disc = (x: number, y: number): boolean => dist(x, y, c, c) <= r * 0.98;
  const alert = (x: number, y: number): boolean => dist(x, y, size - 1 - r * 0.3, r * 0.3) <= r * 0.32;

  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const glyph = Math.max(coverage(ring, x, y), coverage(dots, x, y));
      let color: Rgba;
      let alpha: number;
      if (options.template) {
        color = INK;
        alpha = glyph;
      } else {
        const back = coverage(disc, x, y);
        color = glyph > 0 ? mix(DISC, GLYPH, glyph) : DISC;
        alpha = Math.max(back, glyph);
        const dot = options.attention ? coverage(alert, x, y) : 0;
        if (dot > 0) {
          color = mix(color, ALERT, dot);
          alpha = Math.max(alpha, dot);
        }
      }
      const i = (y * size + x) * 4;
      png.data[i] = color[0];
      png.data[i + 1] = color[1];
      png.data[i + 2] = color[2];
      png.data[i + 3] = Math.round(alpha * 255);
    }
  }
  return PNG.sync.write(png);
}

function mix(a: Rgba, b: Rgba, t: number): Rgba {
  const m = (i: 0 | 1 | 2): number => Math.round(a[i] + (b[i] - a[i]) * t);
  return [m(0), m(1), m(2), 0xff];
}

/** The app icon's size in pixels: electron-builder needs at least 512, and 1024 for macOS's largest. */
export const APP_ICON_SIZE = 1024;

/** The app icon (build/icon.png, the Linux window icon): the tray design in colour, with no attention dot. */
export function drawAppIcon(size: number): Buffer {
  return drawTrayIcon({ size, template: false, attention: false });
}
