/**
 * Start at login, per OS: macOS and Windows through Electron's app.setLoginItemSettings, Linux
 * through an XDG autostart entry (~/.config/autostart/<id>.desktop), which Electron does not write.
 * A login start opens Twofold hidden in the tray, so the user isn't met by a window at every login.
 */
import path from 'node:path';

/** The flag a login start passes on Windows and Linux (macOS reports it through wasOpenedAtLogin instead). */
export const START_HIDDEN_FLAG = '--hidden';

/** The parts of Electron's login-item Settings this feature sets. */
export interface LoginItemRequest {
  openAtLogin: boolean;
  /** Windows: the command-line arguments of the login start. */
  args?: string[];
  /** Windows: the executable (the Squirrel/NSIS stub differs from execPath in some installs). */
  path?: string;
}

/** What setLoginItemSettings needs on macOS and Windows, or null on Linux (use the autostart file). */
export function loginItemRequest(enabled: boolean, platform: string, executable: string): LoginItemRequest | null {
  if (platform === 'darwin') return { openAtLogin: enabled };
  if (platform === 'win32') return { openAtLogin: enabled, path: executable, args: [START_HIDDEN_FLAG] };
  return null;
}

/** True when this run was a login start, so the window stays hidden and only the tray appears. */
export function startedHidden(argv: readonly string[], platform: string, wasOpenedAtLogin: boolean): boolean {
  if (platform === 'darwin') return wasOpenedAtLogin;
  return argv.slice(1).includes(START_HIDDEN_FLAG);
}

/** Where the Linux autostart entry lives: $XDG_CONFIG_HOME/autostart, else ~/.config/autostart. */
export function autostartFile(appId: string, env: Readonly<Record<string, string | undefined>>, homeDir: string): string {
  const configHome = env['XDG_CONFIG_HOME'] && path.isAbsolute(env['XDG_CONFIG_HOME']) ? env['XDG_CONFIG_HOME'] : path.join(homeDir, '.config');
  return path.join(configHome, 'autostart', `${appId}.desktop`);
}

// Desktop Entry spec, "The Exec key": an argument with a reserved character is quoted, and inside
// quotes ", `, $ and \ are escaped with a backslash; a literal % is written %%.
const RESERVED = /[\s"'\\><~|&;$*?#()`%]/;

/** One Exec argument, quoted as the Desktop Entry spec asks. */
export function quoteExecArg(arg: string): string {
  const percent = arg.replaceAll('%', '%%');
  if (!RESERVED.test(arg)) return percent;
  return `"${percent.replace(/["`$\\]/g, (c) => `\\${c}`)}"`;
}

/**
 * The text of the Linux autostart entry for `executable` (the AppImage path when run as one).
 * Refuses names and paths with line breaks, which would let them add keys of their own.
 */
export function autostartDesktopEntry(options: { name: string; executable: string; args?: readonly string[] }): string {
  const all = [options.name, options.executable, ...(options.args ?? [])];
  if (all.some((value) => /[\r\n]/.test(value))) throw new Error('An autostart entry value contains a line break.');
  const exec = [options.executable, ...(options.args ?? [START_HIDDEN_FLAG])].map(quoteExecArg).join(' ');
  return ['[Desktop Entry]', 'Type=Application', `Name=${options.name}`, `Exec=${exec}`, 'X-GNOME-Autostart-enabled=true', 'NoDisplay=false', 'Terminal=false', ''].join('\n');
}
