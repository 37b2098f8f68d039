import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { drawTrayIcon } from './tray-icon';

function pixel(png: PNG, x: number, y: number): number[] {
  const i = (y * png.width + x) * 4;
  return [...png.data.subarray(i, i + 4)];
}

describe('drawTrayIcon', () => {
  it.each([16, 32])('draws a %i px PNG with transparent corners', (size) => {
    const png = PNG.sync.read(drawTrayIcon({ size, template: false, attention: false }));
    expect([png.width, png.height]).toEqual([size, size]);
    expect(pixel(png, 0, size - 1)[3]).toBe(0);
  });

  it('draws a template image in black and alpha only, as macOS requires', () => {
    const png = PNG.sync.read(drawTrayIcon({ size: 32, template: true, attention: true }));
    const colours = new Set<string>();
    for (let i = 0; i < png.data.length; i += 4) if (png.data[i + 3]! > 0) colours.add(png.data.subarray(i, i + 3).join(','));
    expect([...colours]).toEqual(['0,0,0']);
  });

  it('marks waiting requests with a red dot in the top-right corner', () => {
    const calm = PNG.sync.read(drawTrayIcon({ size: 32, template: false, attention: false }));
    const alert = PNG.sync.read(drawTrayIcon({ size: 32, template: false, attention: true }));
    const [r, g, b, a] = pixel(alert, 28, 3);
    expect(a).toBe(255);
    expect(r).toBeGreaterThan(200);
    expect(g! + b!).toBeLessThan(200);
    expect(pixel(calm, 28, 3)).not.toEqual(pixel(alert, 28, 3));
  });
});
