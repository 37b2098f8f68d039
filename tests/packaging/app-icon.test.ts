// The app icon electron-builder packages (build/icon.png) is the tray icon's design at 1024 px, and
// the Linux packages name the .desktop file the window belongs to (package.json desktopName), so the
// desktop shows Twofold's icon for its window rather than a generic one.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { APP_ICON_SIZE, drawAppIcon } from '../../main/core/desktop/tray-icon';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('app icon', () => {
  it('is build/icon.png at 1024 px, drawn from the current design (regenerate with scripts/app-icon.ts)', () => {
    const committed = PNG.sync.read(readFileSync(join(root, 'build', 'icon.png')));
    expect([committed.width, committed.height]).toEqual([APP_ICON_SIZE, APP_ICON_SIZE]);
    const drawn = PNG.sync.read(drawAppIcon(APP_ICON_SIZE));
    expect(Buffer.compare(committed.data, drawn.data)).toBe(0);
    // Opaque in the middle, transparent in the corners: a round icon, not a square with a frame.
    const alpha = (x: number, y: number): number | undefined => committed.data[(y * committed.width + x) * 4 + 3];
    expect(alpha(APP_ICON_SIZE / 2, APP_ICON_SIZE / 8)).toBe(255);
    expect(alpha(2, 2)).toBe(0);
  });

  it('names the .desktop file electron-builder writes, so the window is matched to it', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { desktopName?: string };
    const config = readFileSync(join(root, 'electron-builder.yml'), 'utf8');
    const executable = /^\s+executableName:\s*(\S+)\s*$/m.exec(config)?.[1];
    expect(executable).toBe('twofold');
    expect(pkg.desktopName).toBe(`${executable}.desktop`);
  });
});
