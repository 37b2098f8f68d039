/**
 * Where the app keeps its vault by default: Electron's userData folder for productName "Twofold".
 * The CLI uses this so that `twofold` and the app open the same file.
 */
import { join } from 'node:path';

/** The default vault folder for a platform, mirroring Electron's app.getPath('userData'). */
export function defaultVaultDir(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string {
  if (platform === 'win32') return join(env['APPDATA'] ?? join(home, 'AppData', 'Roaming'), 'Twofold');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Twofold');
  return join(env['XDG_CONFIG_HOME'] || join(home, '.config'), 'Twofold');
}
