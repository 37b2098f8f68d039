/**
 * Reads the machine's managed policy with the reader for its OS and resolves it. Never throws: a
 * failure anywhere is an unreadable source, which makes every key take its safe fallback.
 */
import { readLinuxPolicy, LINUX_POLICY_PATH } from './linux-policy';
import { readMacosPolicy } from './macos-policy';
import { describeIoError, type PolicyIo, type PolicyReadout } from './policy-io';
import { resolvePolicy, type PolicyResult } from './policy-schema';
import { readWindowsPolicy } from './windows-policy';

/** Where and how to read policy. */
export interface ReadPolicyOptions {
  /** process.platform: 'win32' reads the registry, 'darwin' managed preferences, anything else the Linux file. */
  platform: string;
  io: PolicyIo;
  /** The signed-in user's name, for macOS per-user managed preferences. */
  userName: string;
  /** The Linux policy file; tests and packagers may move it. */
  linuxPath?: string;
  /** The Windows folder (e.g. process.env.SystemRoot); reg.exe is run from its System32 by full path. Default C:\\Windows. */
  windowsDir?: string;
}

/** Reads and resolves the machine policy for `platform`. */
export async function readManagedPolicy(options: ReadPolicyOptions): Promise<PolicyResult> {
  let readout: PolicyReadout;
  try {
    if (options.platform === 'win32') readout = await readWindowsPolicy(options.io.run, `${options.windowsDir ?? 'C:\\Windows'}\\System32\\reg.exe`);
    else if (options.platform === 'darwin') readout = await readMacosPolicy(options.io, options.userName);
    else readout = await readLinuxPolicy(options.io, options.linuxPath ?? LINUX_POLICY_PATH);
  } catch (error) {
    // The readers catch their own I/O errors; this is for a bug, which must still fail closed.
    readout = { sources: [{ location: 'The managed policy', unreadable: `the ${options.platform} reader failed (${describeIoError(error)})` }], problems: [] };
  }
  return resolvePolicy(readout.sources, readout.problems);
}
