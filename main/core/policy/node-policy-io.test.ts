import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodePolicyIo, runCommand } from './node-policy-io';

describe('createNodePolicyIo', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'twofold-policy-io-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads files, tells a missing file by ENOENT and reports existence', async () => {
    const io = createNodePolicyIo();
    const path = join(dir, 'policy.json');
    writeFileSync(path, '{"a":1}');
    expect(await io.readTextFile(path)).toBe('{"a":1}');
    expect(await io.pathExists(path)).toBe(true);
    expect(await io.pathExists(join(dir, 'missing'))).toBe(false);
    await expect(io.readTextFile(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await io.statFile(path)).mode & 0o777).toBeGreaterThan(0);
  });
});

describe('runCommand', () => {
  it('resolves with output and exit code, also when the program fails', async () => {
    expect(await runCommand(process.execPath, ['-e', 'process.stdout.write("out"); process.stderr.write("err")'])).toEqual({ exitCode: 0, stdout: 'out', stderr: 'err' });
    expect(await runCommand(process.execPath, ['-e', 'process.exit(3)'])).toEqual({ exitCode: 3, stdout: '', stderr: '' });
  });

  it('passes arguments without a shell', async () => {
    const result = await runCommand(process.execPath, ['-e', 'process.stdout.write(process.argv[1])', '$(echo hi) & echo no']);
    expect(result.stdout).toBe('$(echo hi) & echo no');
  });

  it('rejects when the program cannot be started', async () => {
    await expect(runCommand(join(tmpdir(), 'no-such-program-twofold'), [])).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
