/**
 * A SettingsStore over one small JSON file, written atomically (temporary file, fsync, rename).
 * For state that is not a setting and must not share settings.json: the core rewrites that file
 * from its own schema and would drop any key it doesn't know (the window's bounds, for one).
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { SettingsStore } from '../ports';

/**
 * A store in `file`. A missing, unreadable or broken file reads as `undefined` (callers fall back to
 * defaults; nothing here is user data worth stopping for), and is replaced on the next write.
 */
export function createJsonFileStore(file: string): SettingsStore {
  return {
    read() {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as unknown;
      } catch {
        return undefined;
      }
    },
    write(value) {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      const tmp = `${file}.tmp-${process.pid}`;
      const fd = openSync(tmp, 'w', 0o600);
      try {
        writeSync(fd, `${JSON.stringify(value, null, 2)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      try {
        renameSync(tmp, file);
      } catch (error) {
        rmSync(tmp, { force: true });
        throw error;
      }
    },
  };
}
