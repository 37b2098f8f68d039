import { mkdtempSync, rmSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readLinuxPolicy, LINUX_POLICY_PATH } from './linux-policy';
import { createNodePolicyIo } from './node-policy-io';
import type { PolicyIo } from './policy-io';
import { resolvePolicy } from './policy-schema';

// Real files through the real Node I/O, with root ownership faked: tests can't chown to root.
const io = createNodePolicyIo();
const asRoot: Pick<PolicyIo, 'readTextFile' | 'statFile'> = {
  readTextFile: io.readTextFile,
  statFile: async (path) => ({ ...(await io.statFile(path)), uid: 0 }),
};

describe('readLinuxPolicy', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'twofold-policy-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (text: string, mode = 0o644): string => {
    const path = join(dir, 'policy.json');
    writeFileSync(path, text);
    chmodSync(path, mode);
    return path;
  };

  it('reads /etc/twofold/policy.json by default', async () => {
    const asked: string[] = [];
    await readLinuxPolicy({ readTextFile: async (p) => (asked.push(p), '{}'), statFile: async () => ({ uid: 0, mode: 0o100644 }) });
    expect(asked).toEqual([LINUX_POLICY_PATH]);
  });

  it('reads a policy file into the policy it describes', async () => {
    const path = write(
      JSON.stringify({
        $schema: 'https://twofold.dev/policy-v1.schema.json',
        '// note': 'rolled out by Ansible',
        PolicyVersion: 1,
        RequirePassphrase: true,
        MaxAutoLockMinutes: 10,
        AllowedIssuers: ['GitHub'],
      }),
    );
    const readout = await readLinuxPolicy(asRoot, path);
    expect(readout.problems).toEqual([]);
    const { policy, problems } = resolvePolicy(readout.sources, readout.problems);
    expect(problems).toEqual([]);
    expect(policy).toMatchObject({ sources: [path], requirePassphrase: true, maxAutoLockMinutes: 10, allowedIssuers: { entries: ['GitHub'], invalid: false } });
  });

  it('accepts a UTF-8 byte order mark, as Windows editors write it', async () => {
    const path = write('\uFEFF{"DisablePlainExport": true}');
    expect(resolvePolicy((await readLinuxPolicy(asRoot, path)).sources).policy.disablePlainExport).toBe(true);
  });

  it('treats a missing file as an unmanaged machine', async () => {
    expect(await readLinuxPolicy(asRoot, join(dir, 'missing.json'))).toEqual({ sources: [], problems: [] });
  });

  it('reports a file that is not JSON as unreadable, naming the file', async () => {
    const path = write('{ "RequirePassphrase": true, }');
    const { policy, problems } = resolvePolicy((await readLinuxPolicy(asRoot, path)).sources);
    expect(problems[0]).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} could not be read: it is not valid JSON \\(`));
    expect(policy.requirePassphrase).toBe(true);
    expect(policy.allowedIssuers).toEqual({ entries: [], invalid: true });
  });

  it('reports a file holding a list instead of an object', async () => {
    const path = write('[{"RequirePassphrase": true}]');
    expect((await readLinuxPolicy(asRoot, path)).sources).toEqual([{ location: path, unreadable: 'it must hold one object of keys and values, not a list' }]);
  });

  it('reports a folder in place of the file', async () => {
    const path = join(dir, 'policy.json');
    mkdirSync(path);
    expect((await readLinuxPolicy(asRoot, path)).sources).toEqual([{ location: path, unreadable: 'it is a folder, not a file' }]);
  });

  it('reports a file it may not read as unreadable, not as absent', async () => {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const readout = await readLinuxPolicy({ readTextFile: () => Promise.reject(denied), statFile: asRoot.statFile }, LINUX_POLICY_PATH);
    expect(readout.sources).toEqual([{ location: LINUX_POLICY_PATH, unreadable: 'permission denied' }]);
  });

  it('warns, but still applies the policy, when users other than root could rewrite the file', async () => {
    const path = write('{"RequirePassphrase": true}', 0o666);
    const readout = await readLinuxPolicy(asRoot, path);
    expect(readout.problems).toEqual([
      `${path} can be changed by users other than root (owner uid 0, mode 666), so users could change the policy. Make it owned by root and writable only by root: chown root:root and chmod 644.`,
    ]);
    expect(resolvePolicy(readout.sources).policy.requirePassphrase).toBe(true);
    const owned = await readLinuxPolicy({ readTextFile: io.readTextFile, statFile: async () => ({ uid: 1000, mode: 0o100644 }) }, path);
    expect(owned.problems[0]).toContain('(owner uid 1000, mode 644)');
  });
});
