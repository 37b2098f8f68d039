import type { UpdateStatus } from '../../common/api-contract';

/**
 * The small interfaces ("ports") through which main/core sees the outside world. main/electron
 * provides the real adapters; tests and the CLI provide their own.
 */

/** Wall-clock time in milliseconds since the epoch. Injected so tests can move time. */
export interface Clock {
  now(): number;
}

/** Whether the OS secret store can protect the vault key, and if not, why. */
export type KeychainStatus = { available: true } | { available: false; reason: string };

/** The OS secret store (Electron safeStorage). Used only for the vault's OS slot. */
export interface Keychain {
  status(): KeychainStatus;
  encrypt(plain: Uint8Array): Promise<Uint8Array>;
  decrypt(sealed: Uint8Array): Promise<Uint8Array>;
}

/** The system clipboard, as main sees it. */
export interface Clipboard {
  readText(): string;
  writeText(text: string): void;
  /** The clipboard's image as PNG bytes, or null when it holds no image. */
  readImagePng(): Uint8Array | null;
}

/** Persistent, non-secret key/value settings (electron-store in the app, a JSON file in the CLI). */
export interface SettingsStore {
  read(): unknown;
  write(value: unknown): void;
}

/** Captures what is on the screen, for finding QR codes there. */
export interface ScreenCapture {
  /** One PNG per display, at the display's full resolution. */
  captureDisplays(): Promise<Uint8Array[]>;
}

/** A file type offered by a save dialog. */
export interface FileFilter {
  name: string;
  extensions: string[];
}

/**
 * Native dialogs that choose where files go. Paths never come from the renderer: the user picks
 * them in a dialog main opens, so a compromised renderer can't write to a path of its choosing.
 */
export interface FileDialogs {
  /** Asks where to save a file; null when the user cancels. */
  chooseSavePath(suggestedName: string, filters: FileFilter[]): Promise<string | null>;
  /** Asks for a folder; null when the user cancels. */
  chooseFolder(title: string): Promise<string | null>;
}

/** The app updater (electron-updater in the app). The core applies the policy; the updater only does what it is told. */
export interface Updater {
  /** Where updates stand right now. */
  status(): UpdateStatus;
  /** Looks for an update now. */
  check(): Promise<void>;
  /** Quits and installs a downloaded update. */
  restart(): void;
  /** Called whenever status() changes. */
  onChange(listener: () => void): void;
}

/** What the OS said to a desktop setting: done, or why not (a sentence for the user, never a secret). */
export type DesktopResult = { ok: true } | { ok: false; message: string };

/**
 * The desktop features that settings switch (main/electron in the app). Absent in the CLI. The OS
 * has the last word on each: a global shortcut can be taken by another app, a login item refused.
 */
export interface DesktopIntegration {
  /** Registers the quick-search shortcut (canonical accelerator; '' for none). A refusal leaves the previous one registered. */
  setQuickSearchShortcut(accelerator: string): DesktopResult;
  /** Adds Twofold to, or removes it from, the apps that start at login. */
  setStartAtLogin(enabled: boolean): DesktopResult;
  /** Whether closing the window keeps Twofold running in the tray. */
  setCloseToTray(enabled: boolean): void;
}

/** A keychain for places with no OS secret store (the CLI, tests): always unavailable, with a reason. */
export function unavailableKeychain(reason: string): Keychain {
  const fail = (): Promise<Uint8Array> => Promise.reject(new Error(reason));
  return { status: () => ({ available: false, reason }), encrypt: fail, decrypt: fail };
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };
