/**
 * Windows policy: HKLM\Software\Policies\Twofold, as written by Group Policy (ADMX), Intune or a
 * .reg file, read through `reg.exe query … /s` so the core needs no native registry module.
 *
 * Layout: each scalar key is a value under the key (REG_DWORD for booleans and numbers, REG_SZ for
 * text). A list key is either a subkey of that name holding one REG_SZ per entry (value names 1, 2,
 * 3…, which is what an ADMX <list> element and Chrome-style policies write) or a REG_MULTI_SZ value.
 */
import { canonicalKeyName, POLICY_LIST_KEYS, UnsupportedPolicyValue } from './policy-schema';
import { describeIoError, MAX_POLICY_CHARS, type CommandRunner, type PolicyReadout } from './policy-io';

/** The registry key IT writes policy under. */
export const WINDOWS_POLICY_KEY = 'HKLM\\Software\\Policies\\Twofold';
const POLICIES_PARENT = 'HKLM\\Software\\Policies';
/** reg.exe by full path: a reg.exe planted next to the app or on PATH must not be able to answer for the registry. */
export const REG_EXE = 'C:\\Windows\\System32\\reg.exe';

/** One value line of `reg query` output. */
interface RegValue {
  name: string;
  type: string;
  data: string;
}

/** The result of parsing `reg query <root> /s`: policy values by name, plus what was ignored. */
export interface RegistryPolicy {
  /** False when the output held no header line for `root` (so it was not the output we asked for). */
  found: boolean;
  values: Record<string, unknown>;
  problems: string[];
}

const ROOT_NAMES: Record<string, string> = { HKLM: 'HKEY_LOCAL_MACHINE', HKCU: 'HKEY_CURRENT_USER' };

function expandRoot(path: string): string {
  const [hive, ...rest] = path.split('\\');
  return [ROOT_NAMES[hive!.toUpperCase()] ?? hive!, ...rest].join('\\');
}

// "    <name>    <REG_TYPE>    <data>": reg.exe separates columns with four spaces; data may be empty.
const VALUE_LINE = /^ {4}(.*?) {4}(REG_[A-Z_]+)(?: {4}(.*))?$/;

/** Converts one registry value to the raw policy value the schema reads. */
function convert(value: RegValue): unknown {
  switch (value.type) {
    case 'REG_SZ':
    case 'REG_EXPAND_SZ':
      return value.data;
    case 'REG_DWORD':
    case 'REG_QWORD':
      return /^0x[0-9a-f]+$/i.test(value.data) ? Number(BigInt(value.data)) : new UnsupportedPolicyValue(`a ${value.type} value reg.exe printed as "${value.data}"`);
    case 'REG_MULTI_SZ':
      // reg.exe prints the NUL separators as the two characters "\0".
      return value.data.split('\\0').filter((item) => item !== '');
    default:
      return new UnsupportedPolicyValue(`a ${value.type} value`);
  }
}

/** Orders list values the way IT numbered them (1, 2, …, 10), names that aren't numbers after. */
function byListOrder(a: RegValue, b: RegValue): number {
  const na = /^\d+$/.test(a.name) ? Number(a.name) : Number.POSITIVE_INFINITY;
  const nb = /^\d+$/.test(b.name) ? Number(b.name) : Number.POSITIVE_INFINITY;
  return na !== nb ? na - nb : a.name.localeCompare(b.name);
}

/** Parses the output of `reg query <root> /s` (CRLF or LF) into policy values named as in the registry. */
export function parseRegQueryOutput(output: string, root: string = WINDOWS_POLICY_KEY): RegistryPolicy {
  const rootPath = expandRoot(root).toLowerCase();
  const keys = new Map<string, RegValue[]>();
  let current: RegValue[] | null = null;
  for (const line of output.split(/\r?\n/)) {
    if (line.startsWith('HKEY_')) {
      const path = line.trimEnd();
      const lower = path.toLowerCase();
      if (lower === rootPath || lower.startsWith(`${rootPath}\\`)) {
        current = [];
        keys.set(path.slice(rootPath.length + 1), current);
      } else {
        current = null;
      }
      continue;
    }
    const match = VALUE_LINE.exec(line);
    if (match && current) current.push({ name: match[1]!, type: match[2]!, data: match[3] ?? '' });
  }

  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  const rootValues = keys.get('');
  for (const value of rootValues ?? []) values[value.name] = convert(value);

  for (const [subkey, entries] of keys) {
    if (subkey === '') continue;
    const location = `${root}\\${subkey}`;
    const key = canonicalKeyName(subkey);
    if (subkey.includes('\\')) {
      problems.push(`${location}: nested subkeys are not read and are ignored.`);
      continue;
    }
    if (key === undefined || !POLICY_LIST_KEYS.includes(key)) {
      problems.push(`${location}: this subkey is not a Twofold list key and is ignored. Only ${POLICY_LIST_KEYS.join(' and ')} may be subkeys.`);
      continue;
    }
    const items = entries.filter((entry) => !(entry.type === 'REG_SZ' && entry.data === '')).sort(byListOrder).map(convert);
    const existingName = Object.keys(values).find((name) => canonicalKeyName(name) === key);
    if (items.length === 0) {
      // Group Policy empties a list's subkey, and leaves it, when the policy is set to Disabled:
      // that means "no restriction", not "allow nothing".
      if (existingName === undefined) {
        problems.push(`${location}: this subkey holds no entries and is ignored, so ${key} does not restrict anything. To allow nothing, write an empty REG_MULTI_SZ value named ${key} instead.`);
      }
      continue;
    }
    // The same list as a value and a subkey: both were written by IT, so both count.
    if (existingName === undefined) {
      values[subkey] = items;
    } else {
      const existing = values[existingName];
      values[existingName] = existing instanceof UnsupportedPolicyValue ? existing : [...(Array.isArray(existing) ? existing : [existing]), ...items];
    }
  }
  return { found: rootValues !== undefined, values, problems };
}

/**
 * Reads Windows policy by running `reg.exe query HKLM\Software\Policies\Twofold /s`.
 *
 * reg.exe fails the same way (exit 1, a localised message) for a missing key and for a denied one,
 * so on failure the parent key is listed: only a Twofold key that exists but can't be read is an
 * unreadable source; a key that isn't there is an unmanaged machine. `regExe` is a full path
 * (REG_EXE unless Windows lives elsewhere).
 */
export async function readWindowsPolicy(run: CommandRunner, regExe: string = REG_EXE): Promise<PolicyReadout> {
  const unreadable = (reason: string): PolicyReadout => ({ sources: [{ location: WINDOWS_POLICY_KEY, unreadable: reason }], problems: [] });
  let result;
  try {
    result = await run(regExe, ['query', WINDOWS_POLICY_KEY, '/s']);
  } catch (error) {
    return unreadable(`reg.exe could not be run (${describeIoError(error)})`);
  }
  if (result.exitCode === 0) {
    if (result.stdout.length > MAX_POLICY_CHARS) return unreadable(`reg.exe printed more than ${MAX_POLICY_CHARS / 1024 / 1024} MiB`);
    const parsed = parseRegQueryOutput(result.stdout);
    if (!parsed.found) return unreadable('reg.exe printed something other than the key that was asked for');
    return { sources: [{ location: WINDOWS_POLICY_KEY, values: parsed.values }], problems: parsed.problems };
  }
  const failure = result.stderr.trim().split(/\r?\n/)[0] || `reg.exe exited with code ${result.exitCode}`;
  let parent;
  try {
    parent = await run(regExe, ['query', POLICIES_PARENT]);
  } catch (error) {
    return unreadable(`${failure}; reg.exe could not be run again to check whether the key exists (${describeIoError(error)})`);
  }
  if (parent.exitCode !== 0) return unreadable(`${failure}; ${POLICIES_PARENT} could not be listed either`);
  const ourKey = expandRoot(WINDOWS_POLICY_KEY).toLowerCase();
  const exists = parent.stdout.split(/\r?\n/).some((line) => line.trimEnd().toLowerCase() === ourKey);
  return exists ? unreadable(failure) : { sources: [], problems: [] };
}
