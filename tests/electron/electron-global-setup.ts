/**
 * Runs once before the Electron spec files: where the Electron binary is absent, says so in one
 * line for all of them (each file then skips itself quietly).
 */
import { locateElectron } from './electron-binary';

/** Prints the one "skipped" line when there is no Electron binary. */
export default function setup(): void {
  const electron = locateElectron();
  if ('reason' in electron) console.log(`skipped: no Electron binary (${electron.reason})`);
}
