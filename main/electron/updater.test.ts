import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { NO_POLICY, type ManagedPolicy } from '../core/policy/policy-schema';
import { CHECK_INTERVAL_MS, createUpdater, FIRST_CHECK_DELAY_MS, parseAppUpdateFile, planUpdates, UPDATES_OFF, type AutoUpdaterLike, type BuiltInFeed, type UpdateEnvironment } from './updater';

const FEED: BuiltInFeed = { url: 'https://updates.twofold.dev/', publisherNames: ['Twofold Contributors'] };
const MAC: UpdateEnvironment = { packaged: true, platform: 'darwin', appImage: false, msi: false };
const withUpdates = (updates: Partial<ManagedPolicy['updates']>): ManagedPolicy => ({ ...NO_POLICY, updates: { ...NO_POLICY.updates, ...updates } });

/** electron-updater's autoUpdater as far as the adapter uses it: it records calls, and the test emits its events. */
class FakeAutoUpdater extends EventEmitter implements AutoUpdaterLike {
  logger: AutoUpdaterLike['logger'] = console;
  autoDownload = false;
  autoInstallOnAppQuit = true;
  allowDowngrade = true;
  allowPrerelease = false;
  feed: { provider: 'generic'; url: string; channel: string } | null = null;
  checks = 0;
  installs: Array<[boolean | undefined, boolean | undefined]> = [];
  failCheck: Error | null = null;
  setFeedURL(options: { provider: 'generic'; url: string; channel: string }): void {
    this.feed = options;
  }
  checkForUpdates(): Promise<unknown> {
    this.checks += 1;
    return this.failCheck ? Promise.reject(this.failCheck) : Promise.resolve(null);
  }
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
    this.installs.push([isSilent, isForceRunAfter]);
  }
}

function manualTimers() {
  const timeouts: Array<{ ms: number; run: () => void }> = [];
  const intervals: Array<{ ms: number; run: () => void }> = [];
  return {
    timeouts,
    intervals,
    setTimeout: (run: () => void, ms: number) => timeouts.push({ ms, run }),
    setInterval: (run: () => void, ms: number) => intervals.push({ ms, run }),
  };
}

describe('parseAppUpdateFile', () => {
  it('reads the generic feed and the publisher names electron-builder writes', () => {
    const text = 'provider: generic\nurl: https://updates.twofold.dev/\npublisherName:\n  - Twofold Contributors\nupdaterCacheDirName: twofold-updater\n';
    expect(parseAppUpdateFile(text)).toEqual(FEED);
    expect(parseAppUpdateFile('provider: generic\nurl: https://u.example/\npublisherName: Example Ltd\n').publisherNames).toEqual(['Example Ltd']);
  });

  it('gives no feed for a broken file or another provider', () => {
    expect(parseAppUpdateFile('provider: [').url).toBeNull();
    expect(parseAppUpdateFile('provider: github\nowner: someone\n').url).toBeNull();
  });
});

describe('planUpdates', () => {
  it('uses the built-in feed on the stable channel on an unmanaged machine', () => {
    expect(planUpdates(NO_POLICY, FEED, MAC)).toEqual({ enabled: true, url: FEED.url, channel: 'stable', managed: false });
  });

  it('takes the channel and the feed from the policy, and says they are managed', () => {
    const plan = planUpdates(withUpdates({ channel: 'beta', url: 'https://mirror.example.com/twofold/' }), FEED, MAC);
    expect(plan).toEqual({ enabled: true, url: 'https://mirror.example.com/twofold/', channel: 'beta', managed: true });
  });

  it('is off, saying why, when the policy turns updates off', () => {
    expect(planUpdates(withUpdates({ disabled: true, url: 'https://mirror.example.com/' }), FEED, MAC)).toEqual({
      enabled: false,
      message: UPDATES_OFF.policy,
      channel: 'stable',
      managed: true,
    });
  });

  it('is off in a development run', () => {
    const plan = planUpdates(NO_POLICY, FEED, { ...MAC, packaged: false });
    expect(plan).toMatchObject({ enabled: false, message: 'Updates are not available in a development build.' });
  });

  it('is off on Windows when the build names no publisher to check signatures against', () => {
    expect(planUpdates(NO_POLICY, { ...FEED, publisherNames: [] }, { ...MAC, platform: 'win32' })).toMatchObject({ enabled: false, message: UPDATES_OFF.unsigned });
    expect(planUpdates(NO_POLICY, FEED, { ...MAC, platform: 'win32' })).toMatchObject({ enabled: true });
  });

  it('leaves an MSI install to the deployment tool that installed it', () => {
    expect(planUpdates(NO_POLICY, FEED, { ...MAC, platform: 'win32', msi: true })).toMatchObject({ enabled: false, message: UPDATES_OFF.msi });
  });

  it('leaves deb and rpm installs to the package manager, and updates an AppImage', () => {
    expect(planUpdates(NO_POLICY, FEED, { ...MAC, platform: 'linux' })).toMatchObject({ enabled: false, message: UPDATES_OFF.packageManager });
    expect(planUpdates(NO_POLICY, FEED, { ...MAC, platform: 'linux', appImage: true })).toMatchObject({ enabled: true });
  });

  it('is off without a feed, or with a built-in feed that is not https', () => {
    expect(planUpdates(NO_POLICY, null, MAC)).toMatchObject({ enabled: false, message: UPDATES_OFF.noFeed });
    expect(planUpdates(NO_POLICY, { ...FEED, url: 'http://updates.example.com/' }, MAC)).toMatchObject({ enabled: false, message: UPDATES_OFF.insecureFeed });
  });
});

describe('createUpdater', () => {
  const enabled = planUpdates(NO_POLICY, FEED, MAC);

  it('configures electron-updater: background download, no install on quit, no downgrade, the feed and channel', () => {
    const auto = new FakeAutoUpdater();
    createUpdater({ autoUpdater: () => auto, plan: planUpdates(withUpdates({ channel: 'beta' }), FEED, MAC), timers: manualTimers(), log: () => {} });
    expect(auto).toMatchObject({ logger: null, autoDownload: true, autoInstallOnAppQuit: false, allowDowngrade: false, allowPrerelease: true });
    expect(auto.feed).toEqual({ provider: 'generic', url: FEED.url, channel: 'beta' });

    const stable = new FakeAutoUpdater();
    createUpdater({ autoUpdater: () => stable, plan: enabled, timers: manualTimers(), log: () => {} });
    expect(stable.feed?.channel).toBe('latest');
    expect(stable.allowPrerelease).toBe(false);
  });

  it('follows electron-updater from checking to ready, telling listeners, and restarts only when asked', async () => {
    const auto = new FakeAutoUpdater();
    const updater = createUpdater({ autoUpdater: () => auto, plan: enabled, timers: manualTimers(), log: () => {} });
    const seen: string[] = [];
    updater.onChange(() => seen.push(updater.status().state));
    expect(updater.status()).toEqual({ state: 'idle', message: null, version: null, channel: 'stable', managed: false });

    await updater.check();
    expect(auto.checks).toBe(1);
    auto.emit('checking-for-update');
    auto.emit('update-available', { version: '1.3.0' });
    auto.emit('download-progress', { percent: 10 });
    auto.emit('download-progress', { percent: 50 });
    expect(auto.installs).toEqual([]);
    auto.emit('update-downloaded', { version: '1.3.0' });
    expect(seen).toEqual(['checking', 'available', 'downloading', 'ready']);
    expect(updater.status()).toMatchObject({ state: 'ready', version: '1.3.0' });

    // A downloaded update waits for the user: a further check does not replace it.
    await updater.check();
    expect(auto.checks).toBe(1);
    updater.restart();
    expect(auto.installs).toEqual([[false, true]]);
  });

  it('refuses to restart before an update is ready', () => {
    const updater = createUpdater({ autoUpdater: () => new FakeAutoUpdater(), plan: enabled, timers: manualTimers(), log: () => {} });
    expect(() => updater.restart()).toThrow('No update has been downloaded yet.');
  });

  it('reports a failed check or download with the first line of the reason', async () => {
    const auto = new FakeAutoUpdater();
    const logged: string[] = [];
    const updater = createUpdater({ autoUpdater: () => auto, plan: enabled, timers: manualTimers(), log: (line) => logged.push(line) });
    auto.emit('update-available', { version: '1.3.0' });
    auto.emit('error', new Error('sha512 checksum mismatch, expected abc\n<html>long body</html>'));
    expect(updater.status()).toMatchObject({ state: 'error', message: 'Twofold could not download the update: sha512 checksum mismatch, expected abc' });
    expect(logged).toEqual(['update: download the update failed (Error)']);

    auto.failCheck = new Error('net::ERR_NAME_NOT_RESOLVED');
    await updater.check();
    expect(updater.status()).toMatchObject({ state: 'error', message: 'Twofold could not check for updates: net::ERR_NAME_NOT_RESOLVED' });
  });

  it('checks 30 s after start and every 4 hours, and never when updates are off', () => {
    const auto = new FakeAutoUpdater();
    const timers = manualTimers();
    createUpdater({ autoUpdater: () => auto, plan: enabled, timers, log: () => {} }).start();
    expect(timers.timeouts.map((t) => t.ms)).toEqual([FIRST_CHECK_DELAY_MS]);
    expect(timers.intervals.map((t) => t.ms)).toEqual([CHECK_INTERVAL_MS]);
    timers.timeouts[0]!.run();
    expect(auto.checks).toBe(1);

    const offAuto = new FakeAutoUpdater();
    const offTimers = manualTimers();
    const off = createUpdater({ autoUpdater: () => offAuto, plan: planUpdates(withUpdates({ disabled: true }), FEED, MAC), timers: offTimers, log: () => {} });
    off.start();
    expect(offTimers.timeouts).toEqual([]);
    expect(offAuto.feed).toBeNull();
    expect(off.status()).toMatchObject({ state: 'disabled', message: UPDATES_OFF.policy, managed: true });
  });
});
