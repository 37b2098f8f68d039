/**
 * Writes build/icon.png, the app icon electron-builder turns into each OS's formats (.ico, .icns,
 * the Linux hicolor sizes). It is the tray icon's design (main/core/desktop/tray-icon.ts) at
 * 1024 px, so the app, the window and the tray look alike. Run after changing that design:
 *   node --import tsx scripts/app-icon.ts
 * tests/packaging/app-icon.test.ts fails while the committed file and the design differ.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_ICON_SIZE, drawAppIcon } from '../main/core/desktop/tray-icon';

const file = join(dirname(fileURLToPath(import.meta.url)), '..', 'build', 'icon.png');
writeFileSync(file, drawAppIcon(APP_ICON_SIZE));
console.log(`app-icon: wrote ${file}`);
