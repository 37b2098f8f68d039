/**
 * A SettingsStore over a JSON file, for the command line and tests. The app itself uses
 * electron-store on the same file name, so the CLI sees the app's settings (e.g. the time offset).
 */
import { readFileSync, writeFileSync, mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { SettingsStore } from './ports';

/** The settings file's name inside the vault folder; electron-store is configured with the same name. */
export const SETTINGS_FILE_NAME = 'settings.json';

/** A JSON-file settings store in `dir`. A missing file reads as empty; an unreadable one is left untouched. */
export function createFileSettingsStore(dir: string): SettingsStore {
  const path = join(dir, SETTINGS_FILE_NAME);
  return {
    read() {
      try {
        return JSON.parse(readFileSync(path, 'utf8')) as unknown;
      } catch {
        // Missing or hand-broken: the core falls back to defaults without overwriting the file.
        return {};
      }
    },
    write(value) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const tmp = `${path}.tmp-${process.pid}`;
      writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
      renameSync(tmp, path);
    },
  };
}

/** An in-memory settings store, for tests and the test bridge. */
export function createMemorySettingsStore(initial: unknown = {}): SettingsStore {
  let value = initial;
  return {
    read: () => value,
    write: (next) => {
      value = next;
    },
  };
}
