import { describe, expect, it } from 'vitest';
import type { CommandResult, CommandRunner } from './policy-io';
import { resolvePolicy, UnsupportedPolicyValue } from './policy-schema';
import { parseRegQueryOutput, readWindowsPolicy, WINDOWS_POLICY_KEY } from './windows-policy';

const FP = 'N6kRcWlqtwjPgT8W2VZ1sMjGZ0y8sQ1yJx2b3c4d5e6';

/** Builds reg.exe output as it prints it: CRLF line ends, a blank line before each key, 4-space columns. */
function regOutput(lines: string[]): string {
  return lines.map((line) => `${line}\r\n`).join('');
}

// `reg query HKLM\Software\Policies\Twofold /s` on a machine configured through the ADMX template:
// scalars as values, AllowedPushServers as a numbered list subkey, AllowedIssuers as REG_MULTI_SZ.
const GPO_OUTPUT = regOutput([
  '',
  'HKEY_LOCAL_MACHINE\\Software\\Policies\\Twofold',
  '    PolicyVersion    REG_DWORD    0x1',
  '    RequirePassphrase    REG_DWORD    0x1',
  '    MaxAutoLockMinutes    REG_DWORD    0xf',
  '    DisablePlainExport    REG_DWORD    0x1',
  '    EnrollmentServerUrl    REG_SZ    https://idp.example.com',
  `    EnrollmentServerFingerprint    REG_SZ    ${FP}`,
  '    EnrollmentServerName    REG_SZ    Example Corp IT',
  '    AllowedIssuers    REG_MULTI_SZ    GitHub\\0Example Corp\\0Microsoft',
  '    UpdateChannel    REG_SZ    stable',
  '    UpdateUrl    REG_SZ    https://updates.example.com/twofold/',
  '    UpdatesDisabled    REG_DWORD    0x0',
  '    Telemetry    REG_DWORD    0x0',
  '',
  'HKEY_LOCAL_MACHINE\\Software\\Policies\\Twofold\\AllowedPushServers',
  '    1    REG_SZ    https://idp.example.com',
  '    10    REG_SZ    https://idp-dr.example.com',
  '    2    REG_SZ    https://*.push.example.com',
  '',
]);

const NOT_FOUND: CommandResult = { exitCode: 1, stdout: '', stderr: 'ERROR: The system was unable to find the specified registry key or value.\r\n' };

/** A fake reg.exe answering by arguments, recording each call. */
function fakeReg(answers: Record<string, CommandResult | Error>): { run: CommandRunner; calls: string[] } {
  const calls: string[] = [];
  const run: CommandRunner = async (file, args) => {
    calls.push([file, ...args].join(' '));
    const answer = answers[args.join(' ')];
    if (answer === undefined) throw new Error(`unexpected command: ${file} ${args.join(' ')}`);
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { run, calls };
}

const policiesListing = (withTwofold: boolean): CommandResult => ({
  exitCode: 0,
  stderr: '',
  stdout: regOutput([
    '',
    'HKEY_LOCAL_MACHINE\\Software\\Policies\\Google',
    'HKEY_LOCAL_MACHINE\\Software\\Policies\\Microsoft',
    ...(withTwofold ? ['HKEY_LOCAL_MACHINE\\Software\\Policies\\Twofold'] : []),
  ]),
});

describe('parseRegQueryOutput', () => {
  it('reads DWORDs as numbers, REG_SZ as text, REG_MULTI_SZ and list subkeys as lists in IT\'s numbering order', () => {
    const parsed = parseRegQueryOutput(GPO_OUTPUT);
    expect(parsed.found).toBe(true);
    expect(parsed.problems).toEqual([]);
    expect(parsed.values).toMatchObject({
      PolicyVersion: 1,
      MaxAutoLockMinutes: 15,
      EnrollmentServerName: 'Example Corp IT',
      AllowedIssuers: ['GitHub', 'Example Corp', 'Microsoft'],
      AllowedPushServers: ['https://idp.example.com', 'https://*.push.example.com', 'https://idp-dr.example.com'],
    });
  });

  it('becomes the policy IT configured', () => {
    const parsed = parseRegQueryOutput(GPO_OUTPUT);
    const { policy, problems } = resolvePolicy([{ location: WINDOWS_POLICY_KEY, values: parsed.values }]);
    expect(problems).toEqual([]);
    expect(policy).toEqual({
      sources: ['HKLM\\Software\\Policies\\Twofold'],
      policyVersion: 1,
      allowedPushServers: { entries: ['https://idp.example.com', 'https://*.push.example.com', 'https://idp-dr.example.com'], invalid: false },
      enrollmentServer: { url: 'https://idp.example.com', fingerprint: FP, name: 'Example Corp IT' },
      requirePassphrase: true,
      maxAutoLockMinutes: 15,
      disablePlainExport: true,
      allowedIssuers: { entries: ['GitHub', 'Example Corp', 'Microsoft'], invalid: false },
      updates: { channel: 'stable', url: 'https://updates.example.com/twofold/', disabled: false },
    });
  });

  it('reads LF-only output, empty data, names with spaces, and the key header in any case', () => {
    const output = [
      'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\TWOFOLD',
      '    UpdateChannel    REG_SZ    ',
      '    Some Value    REG_SZ    a  b',
      '    MaxAutoLockMinutes    REG_QWORD    0x1e',
      '',
    ].join('\n');
    const parsed = parseRegQueryOutput(output);
    expect(parsed.values).toEqual({ UpdateChannel: '', 'Some Value': 'a  b', MaxAutoLockMinutes: 30 });
  });

  it('keeps both halves of a list written as a REG_MULTI_SZ value and as a subkey', () => {
    const parsed = parseRegQueryOutput(
      regOutput([
        '',
        'HKEY_LOCAL_MACHINE\\Software\\Policies\\Twofold',
        '    AllowedIssuers    REG_MULTI_SZ    GitHub',
        '',
        'HKEY_LOCAL_MACHINE\\Software\\Policies\\Twofold\\allowedissuers',
        '    1    REG_SZ    GitLab',
        '',
      ]),
    );
    expect(parsed.values).toEqual({ AllowedIssuers: ['GitHub', 'GitLab'] });
  });

  it('passes on a value type policy never uses, so the key falls back and the problem names the type', () => {
    const parsed = parseRegQueryOutput(regOutput(['', 'HKEY_LOCAL_MACHINE\\Software\\Policies\\Twofold', '    DisablePlainExport    REG_BINARY    01000000', '']));
    expect(parsed.values.DisablePlainExport).toEqual(new UnsupportedPolicyValue('a REG_BINARY value'));
    const { policy, problems } = resolvePolicy([{ location: WINDOWS_POLICY_KEY, values: parsed.values }]);
    expect(policy.disablePlainExport).toBe(true);
    expect(problems).toEqual([
      'HKLM\\Software\\Policies\\Twofold: DisablePlainExport must be true or false (or 1 or 0) (found a REG_BINARY value); plain (unencrypted) export is turned off.',
    ]);
  });

  it('reports subkeys that are not list keys, and nested subkeys, instead of reading them', () => {
    const parsed = parseRegQueryOutput(
      regOutput([
        '',
        'HKEY_LOCAL_MACHINE\\Software\\Policies\\Twofold',
        '',
        'HKEY_LOCAL_MACHINE\\Software\\Policies\\Twofold\\Updates',
        '    Channel    REG_SZ    beta',
        '',
        'HKEY_LOCAL_MACHINE\\Software\\Policies\\Twofold\\AllowedIssuers\\Extra',
        '    1    REG_SZ    GitLab',
        '',
      ]),
    );
    expect(parsed.values).toEqual({});
    expect(parsed.problems).toEqual([
      'HKLM\\Software\\Policies\\Twofold\\Updates: this subkey is not a Twofold list key and is ignored. Only AllowedPushServers and AllowedIssuers may be subkeys.',
      'HKLM\\Software\\Policies\\Twofold\\AllowedIssuers\\Extra: nested subkeys are not read and are ignored.',
    ]);
  });

  it('ignores an emptied list subkey (what Group Policy leaves when a list policy is disabled), saying so', () => {
    const parsed = parseRegQueryOutput(regOutput(['', 'HKEY_LOCAL_MACHINE\\Software\\Policies\\Twofold', '', 'HKEY_LOCAL_MACHINE\\Software\\Policies\\Twofold\\AllowedPushServers', '']));
    expect(resolvePolicy([{ location: WINDOWS_POLICY_KEY, values: parsed.values }]).policy.allowedPushServers).toBeNull();
    expect(parsed.problems).toEqual([
      'HKLM\\Software\\Policies\\Twofold\\AllowedPushServers: this subkey holds no entries and is ignored, so AllowedPushServers does not restrict anything. To allow nothing, write an empty REG_MULTI_SZ value named AllowedPushServers instead.',
    ]);
  });

  it('reads an empty REG_MULTI_SZ as a deliberate empty list: nothing allowed', () => {
    const parsed = parseRegQueryOutput(regOutput(['', 'HKEY_LOCAL_MACHINE\\Software\\Policies\\Twofold', '    AllowedPushServers    REG_MULTI_SZ    ', '']));
    expect(resolvePolicy([{ location: WINDOWS_POLICY_KEY, values: parsed.values }]).policy.allowedPushServers).toEqual({ entries: [], invalid: false });
  });
});

describe('readWindowsPolicy', () => {
  it('runs reg.exe query on the policy key, recursively, and returns it as one source', async () => {
    const reg = fakeReg({ 'query HKLM\\Software\\Policies\\Twofold /s': { exitCode: 0, stdout: GPO_OUTPUT, stderr: '' } });
    const readout = await readWindowsPolicy(reg.run);
    expect(reg.calls).toEqual(['C:\\Windows\\System32\\reg.exe query HKLM\\Software\\Policies\\Twofold /s']);
    expect(readout.sources).toHaveLength(1);
    expect(readout.sources[0]).toMatchObject({ location: WINDOWS_POLICY_KEY, values: { MaxAutoLockMinutes: 15 } });
  });

  it('treats a missing key as an unmanaged machine', async () => {
    const reg = fakeReg({ 'query HKLM\\Software\\Policies\\Twofold /s': NOT_FOUND, 'query HKLM\\Software\\Policies': policiesListing(false) });
    expect(await readWindowsPolicy(reg.run)).toEqual({ sources: [], problems: [] });
  });

  it('treats a key that exists but fails to read as unreadable (whatever language reg.exe speaks)', async () => {
    const reg = fakeReg({
      'query HKLM\\Software\\Policies\\Twofold /s': { exitCode: 1, stdout: '', stderr: 'FEHLER: Zugriff verweigert\r\n' },
      'query HKLM\\Software\\Policies': policiesListing(true),
    });
    const readout = await readWindowsPolicy(reg.run);
    expect(readout.sources).toEqual([{ location: WINDOWS_POLICY_KEY, unreadable: 'FEHLER: Zugriff verweigert' }]);
    expect(resolvePolicy(readout.sources).policy.requirePassphrase).toBe(true);
  });

  it('is unreadable, not unmanaged, when reg.exe cannot run at all', async () => {
    const reg = fakeReg({ 'query HKLM\\Software\\Policies\\Twofold /s': Object.assign(new Error('spawn reg.exe ENOENT'), { code: 'ENOENT' }) });
    const readout = await readWindowsPolicy(reg.run);
    expect(readout.sources).toEqual([{ location: WINDOWS_POLICY_KEY, unreadable: 'reg.exe could not be run (spawn reg.exe ENOENT)' }]);
  });

  it('is unreadable when even the parent key cannot be listed', async () => {
    const reg = fakeReg({ 'query HKLM\\Software\\Policies\\Twofold /s': NOT_FOUND, 'query HKLM\\Software\\Policies': { exitCode: 1, stdout: '', stderr: 'ERROR: Access is denied.' } });
    const readout = await readWindowsPolicy(reg.run);
    expect(readout.sources).toEqual([
      { location: WINDOWS_POLICY_KEY, unreadable: 'ERROR: The system was unable to find the specified registry key or value.; HKLM\\Software\\Policies could not be listed either' },
    ]);
  });

  it('is unreadable when reg.exe succeeds but prints some other key', async () => {
    const reg = fakeReg({ 'query HKLM\\Software\\Policies\\Twofold /s': { exitCode: 0, stdout: regOutput(['', 'HKEY_LOCAL_MACHINE\\Software\\Other', '']), stderr: '' } });
    const readout = await readWindowsPolicy(reg.run);
    expect(readout.sources).toEqual([{ location: WINDOWS_POLICY_KEY, unreadable: 'reg.exe printed something other than the key that was asked for' }]);
  });
});
