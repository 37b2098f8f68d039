import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileExclusive, ensurePrivateDir, preserveCopy, removeStaleTemps, replaceFiles } from './atomic-write';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'twofold-atomic-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const data = (text: string): Uint8Array => Buffer.from(text, 'utf8');

/** A pid that certainly belongs to no running process: a child that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('replaceFiles', () => {
  it('replaces files in order with owner-only permissions and leaves no temp file', async () => {
    writeFileSync(join(dir, 'a'), 'old a');
    await replaceFiles([
      { path: join(dir, 'a'), data: data('new a') },
      { path: join(dir, 'b'), data: data('new b') },
    ]);
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('new a');
    expect(readFileSync(join(dir, 'b'), 'utf8')).toBe('new b');
    expect(readdirSync(dir).sort()).toEqual(['a', 'b']);
    if (process.platform !== 'win32') expect(statSync(join(dir, 'b')).mode & 0o777).toBe(0o600);
  });

  it('keeps the old content and removes its temp file when the rename fails', async () => {
    writeFileSync(join(dir, 'a'), 'old a');
    mkdirSync(join(dir, 'b'));
    await expect(
      replaceFiles([
        { path: join(dir, 'b'), data: data('cannot land') },
        { path: join(dir, 'a'), data: data('never written') },
      ]),
    ).rejects.toThrow();
    expect(readFileSync(join(dir, 'a'), 'utf8')).toBe('old a');
    expect(readdirSync(dir).sort()).toEqual(['a', 'b']);
  });

  it('refuses files in different directories', async () => {
    mkdirSync(join(dir, 'sub'));
    await expect(
      replaceFiles([
        { path: join(dir, 'a'), data: data('a') },
        { path: join(dir, 'sub', 'b'), data: data('b') },
      ]),
    ).rejects.toThrow(/one directory/);
  });
});

describe('createFileExclusive', () => {
  it('creates a missing file and refuses, unchanged, an existing one', async () => {
    expect(await createFileExclusive(join(dir, 'f'), data('first'))).toBe(true);
    expect(await createFileExclusive(join(dir, 'f'), data('second'))).toBe(false);
    expect(readFileSync(join(dir, 'f'), 'utf8')).toBe('first');
    expect(readdirSync(dir)).toEqual(['f']);
  });
});

describe('preserveCopy', () => {
  it('keeps the content under a new name and never overwrites an existing one', async () => {
    writeFileSync(join(dir, 'src'), 'one');
    expect(await preserveCopy(join(dir, 'src'), join(dir, 'kept'))).toBe(true);
    writeFileSync(join(dir, 'src2'), 'two');
    expect(await preserveCopy(join(dir, 'src2'), join(dir, 'kept'))).toBe(false);
    // Replacing the source afterwards (as a save does, by rename) leaves the kept copy intact.
    await replaceFiles([{ path: join(dir, 'src'), data: data('changed') }]);
    expect(readFileSync(join(dir, 'kept'), 'utf8')).toBe('one');
  });
});

describe('removeStaleTemps', () => {
  it('removes temp files of dead writers only', async () => {
    const target = join(dir, 'vault.json');
    const dead = `vault.json.tmp-${deadPid()}-abcdef`;
    const live = `vault.json.tmp-${process.pid}-012345`;
    const other = `other.json.tmp-${deadPid()}-abcdef`;
    for (const name of [dead, live, other]) writeFileSync(join(dir, name), '');
    expect(await removeStaleTemps([target])).toBe(1);
    expect(readdirSync(dir).sort()).toEqual([other, live].sort());
  });
});

describe('ensurePrivateDir', () => {
  it('creates nested folders owner-only', async () => {
    await ensurePrivateDir(join(dir, 'x', 'y'));
    expect(existsSync(join(dir, 'x', 'y'))).toBe(true);
    if (process.platform !== 'win32') expect(statSync(join(dir, 'x', 'y')).mode & 0o777).toBe(0o700);
  });
});
