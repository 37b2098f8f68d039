/**
 * The Updater port over electron-updater: a generic HTTPS feed, the managed policy's channel, feed
 * or "off", downloads in the background, and a restart only when the user asks for it.
 *
 * Signature checks: electron-updater always verifies the SHA-512 that the feed's latest*.yml gives
 * for the file it downloads. On Windows it also checks that the new installer is Authenticode-signed
 * by the publisher named in the installed app's app-update.yml (`publisherName`, written by
 * electron-builder from the signing certificate); a build without that name could not check it, so
 * it does not update at all. On macOS Squirrel.Mac refuses an update not signed with the installed
 * app's Developer ID. docs/deployment.md ("Updates") explains all of it to IT.
 *
 * The electron-updater object is passed in (autoUpdater in main/index.ts, a fake in tests), so this
 * file has no runtime import of electron or electron-updater.
 */
import type { Logger } from 'electron-updater';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { UpdateStatus } from '../../common/api-contract';
import { TwofoldError } from '../../common/errors';
import { effectiveUpdateConfig, type UpdateConfig } from '../core/policy/policy-merge';
import type { ManagedPolicy, UpdateChannel } from '../core/policy/policy-schema';
import type { Updater } from '../core/ports';

/** The first automatic check waits this long after start, so it never slows start-up. */
export const FIRST_CHECK_DELAY_MS = 30_000;
/** Automatic checks repeat this often while updates are on. */
export const CHECK_INTERVAL_MS = 4 * 60 * 60 * 1000;
/** Longest error text shown; electron-updater can include a whole HTTP response body. */
const MAX_MESSAGE_CHARS = 300;

/** What the packaged app's resources/app-update.yml (written by electron-builder from `publish:`) tells the updater. */
export interface BuiltInFeed {
  /** The generic feed's URL, or null when the file names none. */
  url: string | null;
  /** The Authenticode publisher names updates must be signed by (Windows); empty when none is set. */
  publisherNames: string[];
}

const AppUpdateFileSchema = z.object({
  provider: z.string().optional(),
  url: z.string().optional(),
  publisherName: z.union([z.string(), z.array(z.string())]).optional(),
});

/** Reads app-update.yml's text; anything unreadable gives a feed with no URL (updates then stay off, with a reason). */
export function parseAppUpdateFile(text: string): BuiltInFeed {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch {
    return { url: null, publisherNames: [] };
  }
  const parsed = AppUpdateFileSchema.safeParse(raw);
  if (!parsed.success || (parsed.data.provider !== undefined && parsed.data.provider !== 'generic')) return { url: null, publisherNames: [] };
  const names = parsed.data.publisherName;
  const publisherNames = (names === undefined ? [] : Array.isArray(names) ? names : [names]).map((n) => n.trim()).filter((n) => n !== '');
  return { url: parsed.data.url?.trim() || null, publisherNames };
}

/** How this copy of Twofold runs, as far as updating it goes. */
export interface UpdateEnvironment {
  /** app.isPackaged: a development run (`electron .`) never updates. */
  packaged: boolean;
  platform: NodeJS.Platform;
  /** Linux: running as an AppImage (process.env.APPIMAGE set); deb and rpm installs update with the package manager. */
  appImage: boolean;
  /** Windows: installed from the MSI (no NSIS uninstaller beside the app); electron-updater can only run NSIS installers. */
  msi: boolean;
}

/** What the updater will do: check a feed on a channel, or nothing, and why. */
export type UpdatePlan =
  | { enabled: true; url: string; channel: UpdateChannel; managed: boolean }
  | { enabled: false; message: string; channel: UpdateChannel; managed: boolean };

/** Messages shown in settings when updates are off. */
export const UPDATES_OFF = {
  development: 'Updates are not available in a development build.',
  policy: 'Your organisation manages updates for Twofold and has turned them off on this computer. Ask your IT department for the latest version.',
  noFeed: 'This build of Twofold has no update feed. Install new versions by hand.',
  insecureFeed: 'The update feed of this build is not an https:// address, so Twofold does not use it. Install new versions by hand.',
  unsigned: "This build of Twofold is not code-signed, so it can't check that an update comes from the same publisher. Install new versions by hand.",
  packageManager: 'Twofold was installed with your package manager (deb or rpm); it is updated with the other packages of this computer.',
  msi: 'Twofold was installed with Windows Installer (MSI); new versions are installed the same way, by your IT department.',
} as const;

/** Decides how updates run from the policy, the built-in feed (null when app-update.yml is missing) and the environment. */
export function planUpdates(policy: ManagedPolicy, builtIn: BuiltInFeed | null, env: UpdateEnvironment): UpdatePlan {
  const defaults: UpdateConfig = { enabled: true, channel: 'stable', url: builtIn?.url ?? '' };
  const config = effectiveUpdateConfig(policy, defaults);
  const managed = config.managed.length > 0;
  const off = (message: string): UpdatePlan => ({ enabled: false, message, channel: config.channel, managed });
  if (!env.packaged) return off(UPDATES_OFF.development);
  if (!config.enabled) return off(UPDATES_OFF.policy);
  if (env.platform === 'linux' && !env.appImage) return off(UPDATES_OFF.packageManager);
  if (env.platform === 'win32' && env.msi) return off(UPDATES_OFF.msi);
  // The signature check on Windows compares against the built-in publisher name, whatever the feed.
  if (env.platform === 'win32' && (builtIn?.publisherNames.length ?? 0) === 0) return off(UPDATES_OFF.unsigned);
  if (config.url === '') return off(UPDATES_OFF.noFeed);
  // The policy's UpdateUrl is checked for https by the policy schema; the built-in one is checked here.
  if (!isHttps(config.url)) return off(UPDATES_OFF.insecureFeed);
  return { enabled: true, url: config.url, channel: config.channel, managed };
}

function isHttps(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/** The feed file name electron-updater looks for: latest*.yml on stable (what electron-builder writes), beta*.yml on beta. */
export function feedChannel(channel: UpdateChannel): string {
  return channel === 'stable' ? 'latest' : channel;
}

/** The parts of electron-updater's AppUpdater this adapter uses (typed so tests pass an EventEmitter). */
export interface AutoUpdaterLike {
  /** electron-updater logs to the console by default, feed URLs included; Twofold logs its own fixed lines instead. */
  logger: Logger | null;
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  allowDowngrade: boolean;
  allowPrerelease: boolean;
  setFeedURL(options: { provider: 'generic'; url: string; channel: string }): void;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'checking-for-update' | 'update-not-available' | 'update-cancelled', listener: () => void): unknown;
  on(event: 'update-available' | 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'download-progress', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** Timers, injected so tests can run the schedule by hand. */
export interface UpdateTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  setInterval(callback: () => void, ms: number): unknown;
}

/** What createUpdater needs. */
export interface UpdaterDeps {
  /** electron-updater's autoUpdater, fetched only when updates are on (creating it sets up the platform's updater). */
  autoUpdater: () => AutoUpdaterLike;
  plan: UpdatePlan;
  timers: UpdateTimers;
  /** Receives non-secret diagnostic lines. */
  log: (line: string) => void;
}

/** The running updater: the core's port, plus starting the automatic schedule. */
export interface ElectronUpdater extends Updater {
  /** Starts the automatic checks (the first after FIRST_CHECK_DELAY_MS, then every CHECK_INTERVAL_MS). No-op when updates are off. */
  start(): void;
}

function shortMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n')[0]!.trim();
  return line.length > MAX_MESSAGE_CHARS ? `${line.slice(0, MAX_MESSAGE_CHARS - 1)}…` : line;
}

/** Creates the updater for `plan`, configuring electron-updater only when updates are on. */
export function createUpdater(deps: UpdaterDeps): ElectronUpdater {
  const { plan, log } = deps;
  // Only touched when updates are on; every use below is behind plan.enabled.
  const autoUpdater = plan.enabled ? deps.autoUpdater() : null;
  let status: UpdateStatus = plan.enabled
    ? { state: 'idle', message: null, version: null, channel: plan.channel, managed: plan.managed }
    : { state: 'disabled', message: plan.message, version: null, channel: plan.channel, managed: plan.managed };
  const listeners: Array<() => void> = [];
  let errorEvents = 0;
  const set = (next: Partial<UpdateStatus>): void => {
    const updated = { ...status, ...next };
    if (JSON.stringify(updated) === JSON.stringify(status)) return;
    status = updated;
    for (const listener of listeners) listener();
  };

  if (autoUpdater && plan.enabled) {
    // A policy's UpdateUrl may carry a token in its query; electron-updater's own log lines would print it.
    autoUpdater.logger = null;
    // Downloads run in the background; installing waits for the user's "Restart now" (restart()).
    autoUpdater.autoDownload = true;
    autoUpdater.autoInstallOnAppQuit = false;
    autoUpdater.allowPrerelease = plan.channel === 'beta';
    autoUpdater.setFeedURL({ provider: 'generic', url: plan.url, channel: feedChannel(plan.channel) });
    // Setting a channel makes electron-updater allow downgrades; an older version may carry fixed vulnerabilities.
    autoUpdater.allowDowngrade = false;
    autoUpdater.on('checking-for-update', () => set({ state: 'checking', message: null }));
    autoUpdater.on('update-not-available', () => set({ state: 'idle', message: null, version: null }));
    autoUpdater.on('update-cancelled', () => set({ state: 'idle', message: null, version: null }));
    autoUpdater.on('update-available', (info) => set({ state: 'available', message: null, version: info.version }));
    autoUpdater.on('download-progress', () => set({ state: 'downloading', message: null }));
    autoUpdater.on('update-downloaded', (info) => set({ state: 'ready', message: null, version: info.version }));
    autoUpdater.on('error', (error) => {
      errorEvents += 1;
      const during = status.state === 'downloading' || status.state === 'available' ? 'download the update' : 'check for updates';
      log(`update: ${during} failed (${error.name})`);
      set({ state: 'error', message: `Twofold could not ${during}: ${shortMessage(error)}` });
    });
  }

  const check = async (): Promise<void> => {
    // Off: status() says why. Ready: the downloaded update waits for the user; a new check would hide it.
    if (!autoUpdater || status.state === 'ready' || status.state === 'checking' || status.state === 'downloading') return;
    const errorsBefore = errorEvents;
    try {
      await autoUpdater.checkForUpdates();
    } catch (error) {
      // electron-updater usually emits 'error' as well, with the same cause; this covers a failure before it could.
      if (errorEvents === errorsBefore) set({ state: 'error', message: `Twofold could not check for updates: ${shortMessage(error)}` });
    }
  };

  const checkInBackground = (): void => {
    check().catch((error: unknown) => log(`update check failed: ${error instanceof Error ? error.name : typeof error}`));
  };

  return {
    status: () => status,
    check,
    restart() {
      if (!autoUpdater || status.state !== 'ready') {
        throw new TwofoldError('INPUT_INVALID', 'No update has been downloaded yet. Check for updates, and restart once Twofold says the update is ready.');
      }
      log('update: restarting to install');
      // Not silent on Windows, so an installer that needs the user (elevation) can ask; Twofold starts again afterwards.
      autoUpdater.quitAndInstall(false, true);
    },
    onChange(listener) {
      listeners.push(listener);
    },
    start() {
      if (!plan.enabled) return;
      deps.timers.setTimeout(checkInBackground, FIRST_CHECK_DELAY_MS);
      deps.timers.setInterval(checkInBackground, CHECK_INTERVAL_MS);
    },
  };
}
