/**
 * Where the Electron executable is, shared by the Electron spec files. Where it is absent (its
 * postinstall download is blocked on some machines) a spec file skips itself and says so in one line.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';

/** The Electron executable, or why there is none. The electron package throws when its dist/ is missing. */
export function locateElectron(): { executable: string } | { reason: string } {
  try {
    const located: unknown = createRequire(import.meta.url)('electron');
    if (typeof located !== 'string') return { reason: 'the electron package did not return a path' };
    if (!fs.existsSync(located)) return { reason: `${located} does not exist` };
    return { executable: located };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { reason: message.split('\n')[0] ?? 'unknown error' };
  }
}
