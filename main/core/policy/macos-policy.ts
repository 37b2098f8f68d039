/**
 * macOS policy: managed preferences for the app id dev.twofold.app, installed by an MDM
 * configuration profile, device-wide in /Library/Managed Preferences/dev.twofold.app.plist and per
 * user in /Library/Managed Preferences/<user>/dev.twofold.app.plist. Both folders are writable only
 * by root, so a user can't forge either. The plists are binary or XML; `plutil -convert json` reads both.
 */
import { describeIoError, jsonObjectSource, type PolicyIo, type PolicyReadout } from './policy-io';
import type { PolicySource } from './policy-schema';

/** The app id (bundle identifier) managed preferences are keyed by. */
export const MACOS_APP_ID = 'dev.twofold.app';
/** Where macOS keeps managed preferences. */
export const MANAGED_PREFERENCES_DIR = '/Library/Managed Preferences';
/** Apple's plutil, by absolute path so PATH can't substitute another program. */
export const PLUTIL_PATH = '/usr/bin/plutil';

/**
 * The plists to read, highest precedence first: the device-wide one, then the user's. Machine policy
 * overrides, so where both set a key the device-wide value wins. A user name that could escape the
 * folder yields no per-user path.
 */
export function macosPolicyPaths(userName: string): string[] {
  const machine = `${MANAGED_PREFERENCES_DIR}/${MACOS_APP_ID}.plist`;
  const safeUser = userName !== '' && userName !== '.' && userName !== '..' && !userName.includes('/') && !userName.includes('\0');
  return safeUser ? [machine, `${MANAGED_PREFERENCES_DIR}/${userName}/${MACOS_APP_ID}.plist`] : [machine];
}

// An MDM may leave its own bookkeeping next to the payload's keys; they are not Twofold policy.
const MDM_BOOKKEEPING = /^(Payload|mcx_)/;

/** Reads the device-wide and per-user managed preferences through `plutil -convert json -o - <file>`. */
export async function readMacosPolicy(io: Pick<PolicyIo, 'pathExists' | 'run'>, userName: string, plutil: string = PLUTIL_PATH): Promise<PolicyReadout> {
  const sources: PolicySource[] = [];
  for (const path of macosPolicyPaths(userName)) {
    let exists: boolean;
    try {
      exists = await io.pathExists(path);
    } catch (error) {
      sources.push({ location: path, unreadable: describeIoError(error) });
      continue;
    }
    if (!exists) continue;
    sources.push(await readPlist(io, plutil, path));
  }
  return { sources, problems: [] };
}

async function readPlist(io: Pick<PolicyIo, 'run'>, plutil: string, path: string): Promise<PolicySource> {
  let result;
  try {
    result = await io.run(plutil, ['-convert', 'json', '-o', '-', path]);
  } catch (error) {
    return { location: path, unreadable: `plutil could not be run (${describeIoError(error)})` };
  }
  if (result.exitCode !== 0) {
    const reason = result.stderr.trim().split('\n')[0] || `plutil exited with code ${result.exitCode}`;
    return { location: path, unreadable: `plutil could not convert it (${reason})` };
  }
  const source = jsonObjectSource(path, result.stdout, 'plist');
  if ('values' in source) source.values = Object.fromEntries(Object.entries(source.values).filter(([key]) => !MDM_BOOKKEEPING.test(key)));
  return source;
}
