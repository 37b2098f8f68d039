/**
 * The SettingsStore port over electron-store: settings.json in the vault folder, written atomically.
 * Settings are not secret, and nothing here is encrypted: electron-store's `encryptionKey` would be
 * obfuscation (the key ships inside the app), not protection, so it is deliberately not used.
 */
import Store from 'electron-store';
import type { SettingsStore } from '../core/ports';

/** The channel electron-store listens on for renderer-side stores; Twofold has none, so ipc.ts closes it. */
export const ELECTRON_STORE_CHANNEL = 'electron-store-get-data';

/**
 * Opens `<dir>/settings.json`. A corrupt file throws (clearInvalidConfig off) rather than being
 * silently reset; the composition root reports it.
 */
export function createSettingsStore(dir: string): SettingsStore & { path: string } {
  const store = new Store<Record<string, unknown>>({
    name: 'settings',
    cwd: dir,
    clearInvalidConfig: false,
    // Keys like "a.b" are stored as written; the core owns the shape.
    accessPropertiesByDotNotation: false,
  });
  return {
    path: store.path,
    read: () => store.store,
    write(value) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new TypeError('Settings must be a plain object.');
      }
      store.store = value as Record<string, unknown>;
    },
  };
}
