/**
 * Crash-safe file replacement: a file is written in full to a temporary sibling, flushed to disk,
 * then renamed over its target, and the directory is flushed so the rename itself survives a
 * power cut. At every instant the target holds either its old or its new content, never a mix.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** One file to write: where, and its full content. */
export interface FileWrite {
  path: string;
  data: Uint8Array;
}

const TEMP_MARKER = '.tmp-';

/** A fresh temporary path next to `path`, named `<name>.tmp-<pid>-<random>` so stale ones can be traced to their writer. */
export function tempPathFor(path: string): string {
  return `${path}${TEMP_MARKER}${process.pid}-${randomBytes(6).toString('hex')}`;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

/** Creates `dir` and its parents, owner-only (0o700), when missing; an existing folder keeps its mode. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  // 0o700: other local users must not list or read the vault folder.
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
}

/** Flushes a directory's entries (renames, links) to disk. */
export async function syncDirectory(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync, and NTFS journals renames itself.
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, constants.O_RDONLY);
  try {
    await handle.sync();
  } catch (error) {
    // Some filesystems (e.g. certain network mounts) do not support fsync on a directory at all.
    if (errorCode(error) !== 'EINVAL') throw error;
  } finally {
    await handle.close();
  }
}

async function removeIfPresent(path: string): Promise<void> {
  try {
    await fs.unlink(path);
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error;
  }
}

/** Writes `data` to a new temporary sibling of `target` (mode 0o600) and fsyncs it; returns the temp path. */
async function writeDurableTemp(target: string, data: Uint8Array): Promise<string> {
  const temp = tempPathFor(target);
  // 'wx': never follow or reuse a file someone planted at the temp name. 0o600: the vault is for its owner only.
  const handle = await fs.open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await removeIfPresent(temp);
    throw error;
  }
  try {
    await handle.close();
  } catch (error) {
    await removeIfPresent(temp);
    throw error;
  }
  return temp;
}

/**
 * Replaces each file atomically, in the given order, then flushes their directory once.
 * All paths must share one directory. On failure the temporary file is removed and the error
 * is rethrown; files already replaced stay replaced, later ones keep their old content.
 */
export async function replaceFiles(writes: readonly FileWrite[]): Promise<void> {
  const first = writes[0];
  if (!first) return;
  const dir = dirname(first.path);
  if (writes.some((write) => dirname(write.path) !== dir)) throw new Error('replaceFiles: all files must share one directory');
  for (const write of writes) {
    const temp = await writeDurableTemp(write.path, write.data);
    try {
      await fs.rename(temp, write.path);
    } catch (error) {
      await removeIfPresent(temp);
      throw error;
    }
  }
  await syncDirectory(dir);
}

/**
 * Durably creates `path` with `data` only if nothing exists there yet. Returns false, writing
 * nothing, when the path already exists — also when another writer wins a race for it.
 */
export async function createFileExclusive(path: string, data: Uint8Array): Promise<boolean> {
  const temp = await writeDurableTemp(path, data);
  try {
    try {
      // link() fails with EEXIST instead of replacing, which rename() would do silently.
      await fs.link(temp, path);
    } catch (error) {
      const code = errorCode(error);
      if (code === 'EEXIST') return false;
      // Filesystems without hard links: fall back to check-then-rename, racy only against another writer.
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
      if (await exists(path)) return false;
      await fs.rename(temp, path);
    }
  } finally {
    await removeIfPresent(temp);
  }
  await syncDirectory(dirname(path));
  return true;
}

/**
 * Durably keeps the current content of `source` under the new name `target` (hard link, or a copy
 * where links are unsupported). Returns false, changing nothing, when `target` already exists.
 */
export async function preserveCopy(source: string, target: string): Promise<boolean> {
  try {
    await fs.link(source, target);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw error;
    const data = await fs.readFile(source);
    return createFileExclusive(target, data);
  }
  await syncDirectory(dirname(target));
  return true;
}

/** True when something exists at `path`. */
export async function exists(path: string): Promise<boolean> {
  try {
    await fs.lstat(path);
    return true;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return false;
    throw error;
  }
}

function processIsAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(error) !== 'ESRCH';
  }
}

/**
 * Removes temporary files next to `targets` left by writers that died mid-write (their pid is gone).
 * Returns how many were removed. A live writer's temp file is never touched.
 */
export async function removeStaleTemps(targets: readonly string[]): Promise<number> {
  const first = targets[0];
  if (!first) return 0;
  const dir = dirname(first);
  const names = new Set(targets.map((target) => basename(target)));
  let removed = 0;
  for (const entry of await fs.readdir(dir)) {
    const at = entry.indexOf(TEMP_MARKER);
    if (at < 0 || !names.has(entry.slice(0, at))) continue;
    const match = /^(\d+)-[0-9a-f]+$/.exec(entry.slice(at + TEMP_MARKER.length));
    if (!match || processIsAlive(Number(match[1]))) continue;
    await removeIfPresent(join(dir, entry));
    removed += 1;
  }
  return removed;
}
