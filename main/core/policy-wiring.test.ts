import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SETTINGS,
  type AccountView,
  type AddResult,
  type CodeView,
  type EventName,
  type EventPayload,
  type ImportPreview,
  type PolicyView,
  type Settings,
  type UpdateStatus,
} from '../../common/api-contract';
import { formatEnrollmentUri } from '../../common/push-protocol';
import { dispatchError as fails, dispatchOk as ok, manualClock, useTempDir, type ManualClock } from '../../tests/fixtures/import-test-kit';
import { createCore, type Core, type CoreDeps } from './core';
import { parseAccelerator } from './desktop/accelerator';
import { resolvePolicy } from './policy/policy-schema';
import type { Clipboard, SettingsStore, Updater } from './ports';
import { createMemorySettingsStore } from './settings-file';
import { createTestKeychain } from './vault/test-keychain';
import { MIN_SCRYPT_N } from './vault/vault-file';

const T0 = Date.UTC(2025, 0, 1, 0, 0, 0);
const SECRET_A = 'JBSWY3DPEHPK3PXP';
const SECRET_B = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const URI_EXAMPLE = `otpauth://totp/Example:alice@example.com?secret=${SECRET_A}&issuer=Example`;
const URI_GITHUB = `otpauth://totp/GitHub:bob?secret=${SECRET_B}&issuer=GitHub`;
const FINGERPRINT = 'A'.repeat(43);
const ENROLL_CODE = 'abcdefghijklmnop1234';
const enrollUri = (server: string): string =>
  formatEnrollmentUri({ server, code: ENROLL_CODE, fingerprint: FINGERPRINT, account: 'alice', issuer: 'Corp' });
const POLICY_FILE = '/etc/twofold/policy.json';

interface Harness {
  core: Core;
  clock: ManualClock;
  clipboard: Clipboard & { text: string };
  settings: SettingsStore;
  events: Array<{ name: EventName; payload: unknown }>;
  logs: string[];
}

const temp = useTempDir('twofold-policy-wiring-');

/** A core under the machine policy made of `values`, as if read from the Linux policy file. */
function harness(values: Record<string, unknown> | null, extra: Partial<CoreDeps> = {}): Harness {
  const clock = manualClock(T0);
  const clipboard = {
    text: '',
    readText: () => clipboard.text,
    writeText(next: string) {
      clipboard.text = next;
    },
    readImagePng: () => null,
  };
  const settings = extra.settings ?? createMemorySettingsStore();
  const logs: string[] = [];
  const core = createCore({
    vaultDir: join(temp.path, 'vault'),
    keychain: createTestKeychain(),
    clock,
    clipboard,
    settings,
    kdf: { N: MIN_SCRYPT_N, r: 8, p: 1 },
    log: (line) => logs.push(line),
    policy: values === null ? undefined : resolvePolicy([{ location: POLICY_FILE, values }]),
    platform: 'linux',
    ...extra,
  });
  temp.defer(() => core.close());
  const events: Harness['events'] = [];
  core.onEvent((name, payload) => events.push({ name, payload }));
  return { core, clock, clipboard, settings, events, logs };
}

async function unlocked(values: Record<string, unknown> | null, extra: Partial<CoreDeps> = {}): Promise<Harness> {
  const h = harness(values, extra);
  await ok(h, 'vault', 'create', { passphrase: null, useOsSlot: true });
  return h;
}

async function addAccount(h: Harness, uri: string): Promise<AccountView> {
  const result = await ok<AddResult>(h, 'accounts', 'addFromUri', { uri });
  if (result.status !== 'added') throw new Error(`expected added, got ${result.status}`);
  return result.account;
}

const payloads = <E extends EventName>(h: Harness, name: E): Array<EventPayload<E>> =>
  h.events.filter((e) => e.name === name).map((e) => e.payload as EventPayload<E>);

describe('settings under a policy', () => {
  it('shows the capped value, keeps the user own value stored and names the managed setting', async () => {
    const settings = createMemorySettingsStore({ ...DEFAULT_SETTINGS, autoLockMinutes: 30 });
    const h = harness({ MaxAutoLockMinutes: 10 }, { settings });
    expect(await ok<Settings>(h, 'settings', 'get')).toEqual({ ...DEFAULT_SETTINGS, autoLockMinutes: 10 });
    expect((await ok<PolicyView>(h, 'app', 'policy')).managedSettings).toEqual(['autoLockMinutes']);

    // The settings form sends back what it showed: the policy's bound must not become the user's choice.
    expect(await ok<Settings>(h, 'settings', 'update', { autoLockMinutes: 10, clipboardClearSeconds: 5 })).toMatchObject({
      autoLockMinutes: 10,
      clipboardClearSeconds: 5,
    });
    expect(settings.read()).toMatchObject({ autoLockMinutes: 30, clipboardClearSeconds: 5 });

    const refused = await fails(h, 'settings', 'update', { autoLockMinutes: 60 });
    expect(refused).toMatchObject({ code: 'POLICY_FORBIDDEN', field: 'autoLockMinutes' });
    expect(refused.message).toContain('at most 10 minutes');
    expect(settings.read()).toMatchObject({ autoLockMinutes: 30 });

    expect(await ok<Settings>(h, 'settings', 'update', { autoLockMinutes: 3 })).toMatchObject({ autoLockMinutes: 3 });
    expect(settings.read()).toMatchObject({ autoLockMinutes: 3 });
  });

  it('locks after the policy maximum, not the longer time the user chose', async () => {
    const settings = createMemorySettingsStore({ ...DEFAULT_SETTINGS, autoLockMinutes: 30 });
    const h = await unlocked({ MaxAutoLockMinutes: 2 }, { settings });
    h.clock.t += 2 * 60_000;
    h.core.tick();
    await new Promise<void>((resolve) => {
      if (payloads(h, 'vaultLocked').length > 0) resolve();
      else h.core.onEvent((name) => name === 'vaultLocked' && resolve());
    });
    expect(payloads(h, 'vaultLocked')).toEqual([{ reason: 'idle' }]);
  });

  it('without a policy, nothing is managed and settings are the user own', async () => {
    const h = harness(null);
    expect(await ok<Settings>(h, 'settings', 'update', { autoLockMinutes: 120 })).toMatchObject({ autoLockMinutes: 120 });
    expect(await ok<PolicyView>(h, 'app', 'policy')).toMatchObject({ managed: false, sources: [], problems: [], managedSettings: [] });
  });
});

describe('quick-search shortcut setting', () => {
  it('refuses a shortcut that is not a global accelerator, naming the field and what to fix', async () => {
    const h = harness(null);
    const error = await fails(h, 'settings', 'update', { quickSearchShortcut: 'Shift+A' });
    const expected = parseAccelerator('Shift+A', 'linux');
    expect(expected.ok).toBe(false);
    expect(error).toMatchObject({ code: 'INPUT_INVALID', field: 'quickSearchShortcut', message: expected.ok ? '' : expected.message });
    expect((await ok<Settings>(h, 'settings', 'get')).quickSearchShortcut).toBe(DEFAULT_SETTINGS.quickSearchShortcut);
  });

  it('stores a valid shortcut in its canonical spelling and accepts an empty one (off)', async () => {
    const h = harness(null);
    expect((await ok<Settings>(h, 'settings', 'update', { quickSearchShortcut: 'commandorcontrol + alt + k' })).quickSearchShortcut).toBe(
      'CommandOrControl+Alt+K',
    );
    expect((await ok<Settings>(h, 'settings', 'update', { quickSearchShortcut: '' })).quickSearchShortcut).toBe('');
    expect(h.settings.read()).toMatchObject({ quickSearchShortcut: '' });
  });

  it('checks the shortcut for the platform it runs on', async () => {
    expect((await fails(harness(null), 'settings', 'update', { quickSearchShortcut: 'Command+K' })).field).toBe('quickSearchShortcut');
    const mac = harness(null, { platform: 'darwin' });
    expect((await ok<Settings>(mac, 'settings', 'update', { quickSearchShortcut: 'Command+K' })).quickSearchShortcut).toBe('Command+K');
  });
});

describe('policy enforcement', () => {
  it('refuses a vault without a passphrase when the policy requires one', async () => {
    const h = harness({ RequirePassphrase: true });
    const error = await fails(h, 'vault', 'create', { passphrase: null, useOsSlot: true });
    expect(error).toMatchObject({ code: 'POLICY_FORBIDDEN', field: 'passphrase' });
    expect((await ok<{ state: string }>(h, 'vault', 'status')).state).toBe('absent');
    await ok(h, 'vault', 'create', { passphrase: 'correct horse battery', useOsSlot: true });
    expect((await ok<{ state: string }>(h, 'vault', 'status')).state).toBe('unlocked');
  });

  it('adds code accounts only for allowed issuers, however they are added', async () => {
    const h = await unlocked({ AllowedIssuers: ['Example'] });
    expect((await ok<AddResult>(h, 'accounts', 'addFromUri', { uri: URI_EXAMPLE })).status).toBe('added');
    const fromUri = await fails(h, 'accounts', 'addFromUri', { uri: URI_GITHUB });
    expect(fromUri).toMatchObject({ code: 'POLICY_FORBIDDEN', field: 'issuer' });
    expect(fromUri.message).toContain('"GitHub" is not one of them');
    const manual = await fails(h, 'accounts', 'addManual', { issuer: 'GitHub', label: 'bob', secret: SECRET_B });
    expect(manual.code).toBe('POLICY_FORBIDDEN');
    const [account] = await ok<Array<{ id: string }>>(h, 'accounts', 'list', { query: '' });
    const renamed = await fails(h, 'accounts', 'update', { id: account?.id, issuer: 'GitHub' });
    expect(renamed.code).toBe('POLICY_FORBIDDEN');
    expect(await ok(h, 'accounts', 'update', { id: account?.id, label: 'alice (work)' })).toMatchObject({ issuer: 'Example' });
  });

  it('lists imported accounts of other issuers as errors in the preview, with the reason', async () => {
    const h = await unlocked({ AllowedIssuers: ['example'] });
    const preview = await ok<ImportPreview>(h, 'import', 'preview', { source: { kind: 'text', text: `${URI_EXAMPLE}\n${URI_GITHUB}` } });
    expect(preview.entries.map((e) => e.issuer)).toEqual(['Example']);
    expect(preview.errors).toHaveLength(1);
    expect(preview.errors[0]).toMatchObject({ index: 1, name: 'GitHub (bob)' });
    expect(preview.errors[0]?.message).toContain('"GitHub" is not one of them');
    expect(JSON.stringify(preview)).not.toContain(SECRET_B);
    expect(await ok(h, 'import', 'confirm', { previewId: preview.previewId })).toMatchObject({ added: 1 });
  });

  it('refuses enrolling with a push server outside the allowlist, and lists such enrollments as errors', async () => {
    const h = await unlocked({ AllowedPushServers: ['https://push.corp.example'] });
    const error = await fails(h, 'push', 'enroll', { uri: enrollUri('https://evil.example') });
    expect(error).toMatchObject({ code: 'POLICY_FORBIDDEN', field: 'server' });
    expect(error.message).toContain('https://evil.example is not one of them');

    const text = `${enrollUri('https://evil.example')}\n${enrollUri('https://push.corp.example')}`;
    const preview = await ok<ImportPreview>(h, 'import', 'preview', { source: { kind: 'text', text } });
    expect(preview.enrollments.map((e) => e.server)).toEqual(['https://push.corp.example']);
    expect(preview.errors).toEqual([{ index: 0, name: 'Push sign-in enrollment', message: expect.stringContaining('https://evil.example') as string }]);
    expect(JSON.stringify(preview)).not.toContain(ENROLL_CODE);
  });

  it('refuses plain exports and showing a secret when the policy turns them off', async () => {
    const h = await unlocked({ DisablePlainExport: true });
    const account = await addAccount(h, URI_EXAMPLE);
    for (const [group, method, input] of [
      ['export', 'uris', { confirm: true }],
      ['export', 'qrCodes', { confirm: true, kind: 'account' }],
      ['export', 'qrCodes', { confirm: true, kind: 'migration' }],
      ['accounts', 'revealSecret', { id: account.id, confirm: true }],
    ] as const) {
      const error = await fails(h, group, method, input);
      expect(error.code, `${group}.${method}`).toBe('POLICY_FORBIDDEN');
      expect(error.message).toContain('encrypted Twofold backup');
    }
  });
});

describe('app.policy', () => {
  it('shows what the policy decides, where it came from and its problems, without the server fingerprint', async () => {
    const h = harness({
      MaxAutoLockMinutes: 5,
      RequirePassphrase: true,
      DisablePlainExport: 1,
      AllowedIssuers: ['Example', 'GitHub'],
      AllowedPushServers: 'https://push.corp.example',
      EnrollmentServerUrl: 'https://push.corp.example',
      EnrollmentServerFingerprint: FINGERPRINT,
      EnrollmentServerName: 'Corp',
      Colour: 'blue',
    });
    const view = await ok<PolicyView>(h, 'app', 'policy');
    expect(view).toEqual({
      managed: true,
      sources: [POLICY_FILE],
      problems: [expect.stringContaining('"Colour" is not a Twofold policy key') as string],
      managedSettings: ['autoLockMinutes'],
      maxAutoLockMinutes: 5,
      requirePassphrase: true,
      disablePlainExport: true,
      allowedIssuers: ['Example', 'GitHub'],
      allowedPushServers: ['https://push.corp.example'],
      enrollmentServer: { name: 'Corp', url: 'https://push.corp.example' },
    });
    expect(JSON.stringify(view)).not.toContain(FINGERPRINT);
  });

  it('shows an allowlist that could not be read as allowing nothing', async () => {
    const view = await ok<PolicyView>(harness({ AllowedIssuers: 42 }), 'app', 'policy');
    expect(view.allowedIssuers).toEqual([]);
    expect(view.problems.join('\n')).toContain('AllowedIssuers');
  });
});

describe('openLink', () => {
  it('answers VAULT_LOCKED while locked, so main keeps the link until unlock', async () => {
    const h = harness(null);
    await expect(h.core.openLink(URI_EXAMPLE)).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
    expect(payloads(h, 'linkOpened')).toEqual([]);
  });

  it('announces a link Twofold does not open as refused, locked or not', async () => {
    const h = harness(null);
    await h.core.openLink('https://example.com/login');
    expect(payloads(h, 'linkOpened')).toEqual([{ status: 'refused', message: expect.stringContaining('otpauth://') as string }]);
  });

  it('opens an otpauth link as an import preview the user confirms', async () => {
    const h = await unlocked(null);
    await h.core.openLink(URI_EXAMPLE);
    const [opened] = payloads(h, 'linkOpened');
    if (opened?.status !== 'preview') throw new Error('expected a preview');
    expect(opened.preview.entries.map((e) => `${e.issuer}:${e.label}`)).toEqual(['Example:alice@example.com']);
    expect(await ok(h, 'import', 'confirm', { previewId: opened.preview.previewId })).toMatchObject({ added: 1 });
    expect(h.logs.join('\n')).not.toContain(SECRET_A);
  });

  it('opens an enrollment link as an enrollment to confirm, and shows a disallowed issuer as an error', async () => {
    const h = await unlocked({ AllowedIssuers: ['Example'] });
    await h.core.openLink(enrollUri('https://push.corp.example'));
    await h.core.openLink(URI_GITHUB);
    const [enroll, github] = payloads(h, 'linkOpened');
    expect(enroll).toMatchObject({ status: 'preview', preview: { entries: [], enrollments: [{ server: 'https://push.corp.example', account: 'alice' }] } });
    expect(github).toMatchObject({ status: 'preview', preview: { entries: [], errors: [{ name: 'GitHub (bob)' }] } });
    expect(h.logs.join('\n')).not.toContain(ENROLL_CODE);
  });

  it('announces a refusal main made itself', () => {
    const h = harness(null);
    h.core.refuseLink('Too many links at once.');
    expect(payloads(h, 'linkOpened')).toEqual([{ status: 'refused', message: 'Too many links at once.' }]);
  });
});

describe('tray state', () => {
  it('shows no codes while locked, and pinned accounts with their current codes while unlocked', async () => {
    const h = harness(null);
    await ok(h, 'vault', 'status');
    expect(h.core.trayState()).toEqual({ vault: 'absent', pinned: [], pendingRequests: 0 });

    await ok(h, 'vault', 'create', { passphrase: null, useOsSlot: true });
    const pinnedOne = await addAccount(h, URI_EXAMPLE);
    await ok(h, 'accounts', 'addFromUri', { uri: URI_GITHUB });
    expect(h.core.trayState()).toEqual({ vault: 'unlocked', pinned: [], pendingRequests: 0 });

    await ok(h, 'accounts', 'update', { id: pinnedOne.id, pinned: true });
    const { items } = await ok<{ items: CodeView[] }>(h, 'codes', 'get', { ids: [pinnedOne.id] });
    expect(h.core.trayState()).toEqual({
      vault: 'unlocked',
      pinned: [{ id: pinnedOne.id, issuer: 'Example', label: 'alice@example.com', code: items[0]?.code, secondsLeft: 30 }],
      pendingRequests: 0,
    });

    expect(await h.core.trayCopy(pinnedOne.id)).toEqual({ clearAfterSeconds: DEFAULT_SETTINGS.clipboardClearSeconds });
    expect(h.clipboard.text).toBe(items[0]?.code);

    await ok(h, 'vault', 'lock');
    expect(h.core.trayState()).toEqual({ vault: 'locked', pinned: [], pendingRequests: 0 });
    await expect(h.core.trayCopy(pinnedOne.id)).rejects.toMatchObject({ code: 'VAULT_LOCKED' });
  });
});

/** An updater whose state the test sets, recording what the core asked of it. */
function fakeUpdater(initial: Partial<UpdateStatus> = {}): Updater & { current: UpdateStatus; checks: number; restarts: number; changed(): void } {
  const listeners: Array<() => void> = [];
  const fake = {
    current: { state: 'idle', message: null, version: null, channel: 'stable', managed: false, ...initial } as UpdateStatus,
    checks: 0,
    restarts: 0,
    status: () => fake.current,
    check: async () => {
      fake.checks += 1;
    },
    restart: () => {
      fake.restarts += 1;
    },
    onChange: (listener: () => void) => listeners.push(listener),
    changed: () => listeners.forEach((listener) => listener()),
  };
  return fake;
}

describe('updates', () => {
  it('are off, saying why, when the build has no updater', async () => {
    const h = harness(null);
    const off = { state: 'disabled', message: 'Updates are not available in this build.', version: null, channel: 'stable', managed: false };
    expect(await ok(h, 'updates', 'status')).toEqual(off);
    expect(await ok(h, 'updates', 'check')).toEqual(off);
    expect((await fails(h, 'updates', 'restart', { confirm: true })).code).toBe('INPUT_INVALID');
  });

  it('checks, reports changes and restarts only once an update is ready', async () => {
    const updater = fakeUpdater();
    const h = harness(null, { updater });
    expect(await ok(h, 'updates', 'status')).toMatchObject({ state: 'idle', managed: false });
    await ok(h, 'updates', 'check');
    expect(updater.checks).toBe(1);

    const early = await fails(h, 'updates', 'restart', { confirm: true });
    expect(early.message).toContain('No update is ready');
    expect(updater.restarts).toBe(0);

    updater.current = { ...updater.current, state: 'ready', version: '1.2.0' };
    updater.changed();
    expect(payloads(h, 'updateChanged')).toEqual([{}]);
    expect(await ok(h, 'updates', 'status')).toMatchObject({ state: 'ready', version: '1.2.0' });
    await ok(h, 'updates', 'restart', { confirm: true });
    expect(updater.restarts).toBe(1);
  });

  it('are off, and checks refused, when the policy turns them off', async () => {
    const updater = fakeUpdater({ state: 'ready', version: '1.2.0' });
    const h = harness({ UpdatesDisabled: true }, { updater });
    const status = await ok<UpdateStatus>(h, 'updates', 'status');
    expect(status).toMatchObject({ state: 'disabled', managed: true, version: null });
    expect(status.message).toContain('Your organisation has turned updates off');
    expect((await fails(h, 'updates', 'check')).code).toBe('POLICY_FORBIDDEN');
    expect((await fails(h, 'updates', 'restart', { confirm: true })).code).toBe('POLICY_FORBIDDEN');
    expect(updater.checks + updater.restarts).toBe(0);
  });

  it('show the channel the policy sets as managed', async () => {
    const h = harness({ UpdateChannel: 'beta' }, { updater: fakeUpdater() });
    expect(await ok(h, 'updates', 'status')).toMatchObject({ state: 'idle', channel: 'beta', managed: true });
  });
});
