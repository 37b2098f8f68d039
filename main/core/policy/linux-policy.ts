/**
 * Linux (and other Unix) policy: one JSON file, /etc/twofold/policy.json, written by root (e.g. by
 * Ansible, Puppet or a package's postinst).
 */
import { describeIoError, isNotFound, jsonObjectSource, type PolicyIo, type PolicyReadout } from './policy-io';

/** Where Linux policy lives. */
export const LINUX_POLICY_PATH = '/etc/twofold/policy.json';

/**
 * Reads the policy file at `path`. A missing file means an unmanaged machine; a file that exists but
 * can't be read or parsed is an unreadable source (every key takes its safe fallback).
 */
export async function readLinuxPolicy(io: Pick<PolicyIo, 'readTextFile' | 'statFile'>, path: string = LINUX_POLICY_PATH): Promise<PolicyReadout> {
  let text: string;
  try {
    text = await io.readTextFile(path);
  } catch (error) {
    if (isNotFound(error)) return { sources: [], problems: [] };
    return { sources: [{ location: path, unreadable: describeIoError(error) }], problems: [] };
  }
  const source = jsonObjectSource(path, text, 'JSON');
  if ('values' in source) {
    // "$schema" and "//…" keys are comments an editor or IT template may add: not policy keys.
    source.values = Object.fromEntries(Object.entries(source.values).filter(([key]) => !key.startsWith('$') && !key.startsWith('//')));
  }
  return { sources: [source], problems: await ownershipProblems(io, path) };
}

async function ownershipProblems(io: Pick<PolicyIo, 'statFile'>, path: string): Promise<string[]> {
  let info;
  try {
    info = await io.statFile(path);
  } catch {
    return []; // the read succeeded; not knowing the owner is no reason to refuse the policy
  }
  // A policy any user can rewrite is no policy: say so, but still apply it (it is all IT gave us).
  if (info.uid === 0 && (info.mode & 0o022) === 0) return [];
  const mode = (info.mode & 0o777).toString(8).padStart(3, '0');
  return [
    `${path} can be changed by users other than root (owner uid ${info.uid}, mode ${mode}), so users could change the policy. ` +
      'Make it owned by root and writable only by root: chown root:root and chmod 644.',
  ];
}
