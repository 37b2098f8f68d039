import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  callChannel,
  DEFAULT_SETTINGS,
  type AccountView,
  type AddResult,
  type CodeView,
  type EventName,
  type Settings,
  type VaultStatus,
} from '../../common/api-contract';
import {
  dispatchError as fails,
  dispatchOk as ok,
  manualClock,
  useTempDir,
  type ManualClock,
} from '../../tests/fixtures/import-test-kit';
import { createCore, UNDO_SECONDS, type Core } from './core';
import type { Clipboard, Keychain, SettingsStore } from './ports';
import { createMemorySettingsStore } from './settings-file';
import { createTestKeychain } from './vault/test-keychain';
import { MIN_SCRYPT_N, type ScryptParams } from './vault/vault-file';

const FAST_KDF: ScryptParams = { N: MIN_SCRYPT_N, r: 8, p: 1 };
const PASSPHRASE = 'correct horse battery';
/** 2025-01-01T00:00:00Z: the start of a 30-second TOTP step. */
const T0 = Date.UTC(2025, 0, 1, 0, 0, 0);

const SECRET_A = 'JBSWY3DPEHPK3PXP';
const SECRET_B = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const SECRET_C = 'KRUGKIDROVUWG2ZAMJZG653OEBTG66BA';
const URI_A = `otpauth://totp/Example:alice@example.com?secret=${SECRET_A}&issuer=Example`;
const URI_B = `otpauth://totp/GitHub:bob?secret=${SECRET_B}&issuer=GitHub`;
const URI_C = `otpauth://totp/Gitea:carol?secret=${SECRET_C}&issuer=Gitea`;
const URI_HOTP = `otpauth://hotp/Acme:dave?secret=${SECRET_A}&issuer=Acme&counter=5`;

/** A clipboard held in memory, like the system one as main sees it. */
interface MemoryClipboard extends Clipboard {
  image: Uint8Array | null;
}

function memoryClipboard(): MemoryClipboard {
  let text = '';
  return {
    image: null,
    readText: () => text,
    writeText(next) {
      text = next;
    },
    readImagePng() {
      return this.image;
    },
  };
}

interface Harness {
  core: Core;
  dir: string;
  clock: ManualClock;
  clipboard: MemoryClipboard;
  settings: SettingsStore;
  keychain: Keychain;
  events: Array<{ name: EventName; payload: unknown }>;
  logs: string[];
}

const temp = useTempDir('twofold-core-');

function harness(opts: { dir?: string; keychain?: Keychain; settings?: SettingsStore; clipboard?: MemoryClipboard } = {}): Harness {
  const clock = manualClock(T0);
  const clipboard = opts.clipboard ?? memoryClipboard();
  const settings = opts.settings ?? createMemorySettingsStore();
  const keychain = opts.keychain ?? createTestKeychain();
  const dir = opts.dir ?? join(temp.path, 'vault');
  const logs: string[] = [];
  const core = createCore({ vaultDir: dir, keychain, clock, clipboard, settings, kdf: FAST_KDF, log: (line) => logs.push(line) });
  temp.defer(() => core.close());
  const events: Harness['events'] = [];
  core.onEvent((name, payload) => events.push({ name, payload }));
  return { core, dir, clock, clipboard, settings, keychain, events, logs };
}

const status = (h: Harness): Promise<VaultStatus> => ok<VaultStatus>(h, 'vault', 'status');
const list = (h: Harness, query = ''): Promise<AccountView[]> => ok<AccountView[]>(h, 'accounts', 'list', { query });
const names = (accounts: AccountView[]): string[] => accounts.map((a) => `${a.issuer}:${a.label}`);

async function addUri(h: Harness, uri: string, onDuplicate?: string): Promise<AddResult> {
  return ok<AddResult>(h, 'accounts', 'addFromUri', onDuplicate === undefined ? { uri } : { uri, onDuplicate });
}

async function added(h: Harness, uri: string): Promise<AccountView> {
  const result = await addUri(h, uri);
  if (result.status !== 'added') throw new Error(`expected added, got ${result.status}`);
  return result.account;
}

/** A vault protected by the (test) OS slot only: no scrypt, so fast. */
async function osVault(opts: Parameters<typeof harness>[0] = {}): Promise<Harness> {
  const h = harness(opts);
  await ok(h, 'vault', 'create', { passphrase: null, useOsSlot: true });
  return h;
}

/** Resolves with the payload of the next `name` event. */
function nextEvent(h: Harness, name: EventName): Promise<unknown> {
  return new Promise((resolve) => {
    const off = h.core.onEvent((event, payload) => {
      if (event !== name) return;
      off();
      resolve(payload);
    });
  });
}

/** Lets queued promise work (such as a lock the tick started) run to completion. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function oathTotp(secret: string, ms: number): string {
  return execFileSync('oathtool', ['--totp', '-b', secret, '-N', `@${Math.floor(ms / 1000)}`], { encoding: 'utf8' }).trim();
}

function oathHotp(secret: string, counter: number): string {
  return execFileSync('oathtool', ['-b', secret, '-c', String(counter)], { encoding: 'utf8' }).trim();
}

describe('vault lifecycle', () => {
  it('goes absent → unlocked on create → locked on lock, with a manual vaultLocked event', async () => {
    const h = harness();
    expect(await status(h)).toMatchObject({ state: 'absent', slots: [], damage: null });

    const created = await ok<VaultStatus>(h, 'vault', 'create', { passphrase: PASSPHRASE, useOsSlot: false });
    expect(created).toMatchObject({ state: 'unlocked', slots: ['passphrase'], damage: null });

    const locked = await ok<VaultStatus>(h, 'vault', 'lock');
    expect(locked).toMatchObject({ state: 'locked', slots: ['passphrase'] });
    expect(h.events).toContainEqual({ name: 'vaultLocked', payload: { reason: 'manual' } });
  });

  it('refuses a wrong passphrase with VAULT_WRONG_PASSPHRASE and opens with the right one', async () => {
    const h = harness();
    await ok(h, 'vault', 'create', { passphrase: PASSPHRASE, useOsSlot: false });
    await added(h, URI_A);
    await ok(h, 'vault', 'lock');

    const error = await fails(h, 'vault', 'unlock', { passphrase: 'not the passphrase' });
    expect(error.code).toBe('VAULT_WRONG_PASSPHRASE');
    expect((await status(h)).state).toBe('locked');

    expect((await ok<VaultStatus>(h, 'vault', 'unlock', { passphrase: PASSPHRASE })).state).toBe('unlocked');
    expect(names(await list(h))).toEqual(['Example:alice@example.com']);
  });

  it('unlocks with the OS slot', async () => {
    const h = await osVault();
    expect((await status(h)).slots).toEqual(['os']);
    await ok(h, 'vault', 'lock');
    expect((await ok<VaultStatus>(h, 'vault', 'unlockWithOs')).state).toBe('unlocked');
  });

  it('answers VAULT_LOCKED to account and code calls while locked', async () => {
    const h = await osVault();
    const { id } = await added(h, URI_A);
    await ok(h, 'vault', 'lock');
    for (const [method, input] of [
      ['list', {}],
      ['addFromUri', { uri: URI_B }],
      ['update', { id, label: 'x' }],
      ['remove', { id }],
      ['revealSecret', { id, confirm: true }],
    ] as const) {
      expect((await fails(h, 'accounts', method, input)).code, method).toBe('VAULT_LOCKED');
    }
    expect((await fails(h, 'codes', 'get', { ids: [id] })).code).toBe('VAULT_LOCKED');
    expect((await fails(h, 'codes', 'copy', { id })).code).toBe('VAULT_LOCKED');
  });

  it('changes the passphrase: the old one stops working, the new one opens the same accounts', async () => {
    const h = harness();
    await ok(h, 'vault', 'create', { passphrase: PASSPHRASE, useOsSlot: false });
    await added(h, URI_A);

    const wrong = await fails(h, 'vault', 'changePassphrase', { current: 'wrong passphrase', next: 'a new passphrase' });
    expect(wrong).toMatchObject({ code: 'VAULT_WRONG_PASSPHRASE', field: 'current' });

    expect((await ok<VaultStatus>(h, 'vault', 'changePassphrase', { current: PASSPHRASE, next: 'a new passphrase' })).state).toBe(
      'unlocked',
    );
    await ok(h, 'vault', 'lock');
    expect((await fails(h, 'vault', 'unlock', { passphrase: PASSPHRASE })).code).toBe('VAULT_WRONG_PASSPHRASE');
    await ok(h, 'vault', 'unlock', { passphrase: 'a new passphrase' });
    expect(names(await list(h))).toEqual(['Example:alice@example.com']);
  });
});

describe('damaged vault', () => {
  it('reports damage with a previous copy, restores it, and unlocks to the accounts before the last save', async () => {
    const h = await osVault();
    await added(h, URI_A);
    await added(h, URI_B);
    await ok(h, 'vault', 'lock');
    writeFileSync(join(h.dir, 'vault.json'), 'this is not a vault {');

    const damaged = await status(h);
    expect(damaged.state).toBe('damaged');
    expect(damaged.damage).toMatchObject({ previousCopyAvailable: true });
    expect(damaged.damage?.code).toMatch(/^VAULT_/);
    expect(damaged.damage?.message).not.toBe('');
    // Unlocking a damaged file is refused with the same kind of typed error, never a reset.
    expect((await fails(h, 'vault', 'unlockWithOs')).code).toBe(damaged.damage?.code);

    expect((await ok<VaultStatus>(h, 'vault', 'restorePrevious')).state).toBe('locked');
    await ok(h, 'vault', 'unlockWithOs');
    expect(names(await list(h))).toEqual(['Example:alice@example.com']);
    // The damaged file was kept, not deleted.
    expect(readdirSync(h.dir).some((f) => /^vault\.damaged-.*\.json$/.test(f))).toBe(true);
  });

  it('sets a damaged vault with no previous copy aside, keeping the file, so a new one can be created', async () => {
    const h = await osVault();
    await ok(h, 'vault', 'lock');
    writeFileSync(join(h.dir, 'vault.json'), 'garbage');

    const damaged = await status(h);
    expect(damaged.state).toBe('damaged');
    expect(damaged.damage?.previousCopyAvailable).toBe(false);
    expect((await fails(h, 'vault', 'restorePrevious')).code).toBe('VAULT_NO_PREVIOUS_COPY');
    expect((await fails(h, 'vault', 'setAsideDamaged', { confirm: false })).code).toBe('INPUT_INVALID');

    expect((await ok<VaultStatus>(h, 'vault', 'setAsideDamaged', { confirm: true })).state).toBe('absent');
    const kept = readdirSync(h.dir).filter((f) => /^vault\.damaged-.*\.json$/.test(f));
    expect(kept).toHaveLength(1);
    expect(readFileSync(join(h.dir, kept[0] as string), 'utf8')).toBe('garbage');

    expect((await ok<VaultStatus>(h, 'vault', 'create', { passphrase: null, useOsSlot: true })).state).toBe('unlocked');
  });

  it('names the set-aside file after the injected clock, not the system clock', async () => {
    const h = await osVault();
    await ok(h, 'vault', 'lock');
    writeFileSync(join(h.dir, 'vault.json'), 'garbage');
    await ok(h, 'vault', 'setAsideDamaged', { confirm: true });
    const stamp = new Date(T0).toISOString().replace(/[:.]/g, '-');
    expect(readdirSync(h.dir)).toContain(`vault.damaged-${stamp}.json`);
  });
});

describe('accounts', () => {
  it('adds from a URI and lists it without the secret anywhere in what the caller gets', async () => {
    const h = await osVault();
    const result = await addUri(h, URI_A);
    expect(result).toMatchObject({
      status: 'added',
      account: { type: 'totp', issuer: 'Example', label: 'alice@example.com', algorithm: 'SHA1', digits: 6, period: 30, pinned: false },
    });
    expect(JSON.stringify(result)).not.toContain(SECRET_A);
    expect(result.status === 'added' && 'secret' in result.account).toBe(false);

    const accounts = await list(h);
    expect(names(accounts)).toEqual(['Example:alice@example.com']);
    expect(JSON.stringify(accounts)).not.toContain(SECRET_A);
    expect(accounts.every((a) => !('secret' in a))).toBe(true);

    const codes = await ok<unknown>(h, 'codes', 'get', { ids: accounts.map((a) => a.id) });
    expect(JSON.stringify(codes)).not.toContain(SECRET_A);
    expect(h.events.map((e) => e.name)).toContain('accountsChanged');
  });

  it('reports a duplicate and saves nothing; add-anyway, replace and skip do what they say', async () => {
    const h = await osVault();
    const first = await added(h, URI_A);
    const vaultPath = join(h.dir, 'vault.json');
    const before = readFileSync(vaultPath);
    const changes = h.events.filter((e) => e.name === 'accountsChanged').length;

    const dup = await addUri(h, URI_A);
    expect(dup).toEqual({ status: 'duplicate', existing: first });
    expect(readFileSync(vaultPath).equals(before)).toBe(true);
    expect(h.events.filter((e) => e.name === 'accountsChanged')).toHaveLength(changes);
    expect(await list(h)).toHaveLength(1);

    const skipped = await addUri(h, URI_A, 'skip');
    expect(skipped).toEqual({ status: 'skipped', existing: first });
    expect(readFileSync(vaultPath).equals(before)).toBe(true);
    expect(await list(h)).toHaveLength(1);

    // Same issuer, label and secret, but 8 digits: 'replace' keeps the id and takes the new fields.
    const replaced = await addUri(h, `${URI_A}&digits=8`, 'replace');
    expect(replaced).toMatchObject({ status: 'replaced', account: { id: first.id, digits: 8 } });
    expect(await list(h)).toEqual([{ ...first, digits: 8 }]);

    const second = await addUri(h, URI_A, 'add-anyway');
    expect(second.status).toBe('added');
    expect(second.status === 'added' && second.account.id).not.toBe(first.id);
    expect(await list(h)).toHaveLength(2);
  });

  it('names the bad field of a manual entry', async () => {
    const h = await osVault();
    const badSecret = await fails(h, 'accounts', 'addManual', { issuer: 'Acme', label: 'me', secret: 'not base32 at all!' });
    expect(badSecret).toMatchObject({ code: 'ACCOUNT_INVALID', field: 'secret' });
    const badDigits = await fails(h, 'accounts', 'addManual', { issuer: 'Acme', label: 'me', secret: SECRET_A, digits: 12 });
    expect(badDigits).toMatchObject({ code: 'ACCOUNT_INVALID', field: 'digits' });
    const badColor = await fails(h, 'accounts', 'addManual', { issuer: 'Acme', label: 'me', secret: SECRET_A, color: 'red' });
    expect(badColor).toMatchObject({ code: 'INPUT_INVALID', field: 'color' });
    expect(await list(h)).toEqual([]);

    const good = await ok<AddResult>(h, 'accounts', 'addManual', {
      issuer: 'Acme',
      label: 'me',
      secret: SECRET_A.toLowerCase(),
      digits: 8,
      algorithm: 'SHA256',
      color: '#3366ff',
    });
    expect(good).toMatchObject({ status: 'added', account: { issuer: 'Acme', label: 'me', digits: 8, algorithm: 'SHA256', color: '#3366ff' } });
  });

  it('adds from a PNG made by qrencode, and refuses an empty clipboard with QR_IMAGE_INVALID', async () => {
    const h = await osVault();
    const png = join(temp.path, 'qr.png');
    execFileSync('qrencode', ['-o', png, URI_B]);
    const imageBase64 = readFileSync(png).toString('base64');

    const result = await ok<AddResult>(h, 'accounts', 'addFromImage', { imageBase64 });
    expect(result).toMatchObject({ status: 'added', account: { issuer: 'GitHub', label: 'bob' } });

    expect((await fails(h, 'accounts', 'addFromClipboardImage')).code).toBe('QR_IMAGE_INVALID');

    h.clipboard.image = new Uint8Array(readFileSync(png));
    expect(await ok<AddResult>(h, 'accounts', 'addFromClipboardImage')).toMatchObject({ status: 'duplicate' });
    expect(await list(h)).toHaveLength(1);
  });

  it('updates, pins (pinned first), reorders and searches', async () => {
    const h = await osVault();
    const a = await added(h, URI_A);
    const b = await added(h, URI_B);
    const c = await added(h, URI_C);

    const renamed = await ok<AccountView>(h, 'accounts', 'update', { id: a.id, issuer: 'Example Corp', label: 'alice', color: '#112233' });
    expect(renamed).toMatchObject({ id: a.id, issuer: 'Example Corp', label: 'alice', color: '#112233' });

    await ok(h, 'accounts', 'update', { id: c.id, pinned: true });
    expect((await list(h)).map((x) => x.id)).toEqual([c.id, a.id, b.id]);

    const reordered = await ok<AccountView[]>(h, 'accounts', 'reorder', { ids: [b.id, a.id, c.id] });
    expect(reordered.map((x) => x.id)).toEqual([c.id, b.id, a.id]); // pinned still first
    expect((await fails(h, 'accounts', 'reorder', { ids: [b.id, a.id] })).field).toBe('ids');

    expect(names(await list(h, 'git'))).toEqual(['Gitea:carol', 'GitHub:bob']);
    expect(names(await list(h, 'ALICE corp'))).toEqual(['Example Corp:alice']);
    expect(await list(h, 'nobody')).toEqual([]);

    expect((await fails(h, 'accounts', 'update', { id: 'no-such-id', label: 'x' })).code).toBe('ACCOUNT_NOT_FOUND');
  });

  it('brings a removed account back at its position with undoRemove', async () => {
    const h = await osVault();
    const a = await added(h, URI_A);
    const b = await added(h, URI_B);
    const c = await added(h, URI_C);

    const removed = await ok<{ undoToken: string; undoSeconds: number }>(h, 'accounts', 'remove', { id: b.id });
    expect(removed.undoSeconds).toBe(UNDO_SECONDS);
    expect((await list(h)).map((x) => x.id)).toEqual([a.id, c.id]);

    h.clock.t += (UNDO_SECONDS - 1) * 1000;
    h.core.tick();
    expect(await ok<AccountView>(h, 'accounts', 'undoRemove', { undoToken: removed.undoToken })).toEqual(b);
    expect((await list(h)).map((x) => x.id)).toEqual([a.id, b.id, c.id]);
    // A token works once.
    expect((await fails(h, 'accounts', 'undoRemove', { undoToken: removed.undoToken })).code).toBe('UNDO_EXPIRED');
  });

  it('answers UNDO_EXPIRED once UNDO_SECONDS have passed', async () => {
    const h = await osVault();
    const a = await added(h, URI_A);
    const { undoToken } = await ok<{ undoToken: string }>(h, 'accounts', 'remove', { id: a.id });
    h.clock.t += UNDO_SECONDS * 1000;
    h.core.tick();
    expect((await fails(h, 'accounts', 'undoRemove', { undoToken })).code).toBe('UNDO_EXPIRED');
    expect(await list(h)).toEqual([]);
  });

  it('reveals the secret only with confirm: true', async () => {
    const h = await osVault();
    const a = await added(h, URI_A);
    const refused = await fails(h, 'accounts', 'revealSecret', { id: a.id, confirm: false });
    expect(refused).toMatchObject({ code: 'INPUT_INVALID', field: 'confirm' });
    expect((await fails(h, 'accounts', 'revealSecret', { id: a.id })).code).toBe('INPUT_INVALID');

    const shown = await ok<{ secret: string; uri: string }>(h, 'accounts', 'revealSecret', { id: a.id, confirm: true });
    expect(shown.secret).toBe(SECRET_A);
    expect(shown.uri).toMatch(/^otpauth:\/\/totp\//);
    expect(shown.uri).toContain(`secret=${SECRET_A}`);
    expect(h.logs.join('\n')).not.toContain(SECRET_A);
  });
});

describe('persistence', () => {
  it('keeps accounts across lock and unlock, and in a new core over the same folder', async () => {
    const keychain = createTestKeychain();
    const h = harness({ keychain });
    await ok(h, 'vault', 'create', { passphrase: PASSPHRASE, useOsSlot: true });
    const a = await added(h, URI_A);
    const b = await added(h, URI_B);
    await ok(h, 'accounts', 'update', { id: b.id, pinned: true });
    await ok(h, 'vault', 'lock');
    await ok(h, 'vault', 'unlockWithOs');
    const expected = await list(h);
    expect(expected.map((x) => x.id)).toEqual([b.id, a.id]);
    await h.core.close();

    const again = harness({ dir: h.dir, keychain });
    expect(await status(again)).toMatchObject({ state: 'locked', slots: ['passphrase', 'os'] });
    await ok(again, 'vault', 'unlock', { passphrase: PASSPHRASE });
    expect(await list(again)).toEqual(expected);

    const viaOs = harness({ dir: h.dir, keychain });
    await ok(viaOs, 'vault', 'unlockWithOs');
    expect(await list(viaOs)).toEqual(expected);
  });
});

describe('codes', () => {
  it('gives the code oathtool gives at the clock time, and the next code only in the last 5 seconds', async () => {
    const h = await osVault();
    const a = await added(h, URI_A);
    const get = async (): Promise<{ now: number; item: CodeView }> => {
      const result = await ok<{ now: number; items: CodeView[] }>(h, 'codes', 'get', { ids: [a.id] });
      expect(result.items).toHaveLength(1);
      return { now: result.now, item: result.items[0] as CodeView };
    };

    h.clock.t = T0 + 7_000;
    const start = await get();
    expect(start.now).toBe(T0 + 7_000);
    expect(start.item).toEqual({ id: a.id, code: oathTotp(SECRET_A, T0 + 7_000), nextCode: null, secondsLeft: 23, period: 30, counter: null });

    h.clock.t = T0 + 24_999;
    expect((await get()).item.nextCode).toBeNull();

    for (const offset of [25_000, 29_999]) {
      h.clock.t = T0 + offset;
      const { item } = await get();
      expect(item.code).toBe(oathTotp(SECRET_A, T0));
      expect(item.nextCode).toBe(oathTotp(SECRET_A, T0 + 30_000));
    }

    h.clock.t = T0 + 30_000;
    expect((await get()).item).toMatchObject({ code: oathTotp(SECRET_A, T0 + 30_000), nextCode: null, secondsLeft: 30 });
  });

  it('shifts codes by the time offset setting', async () => {
    const h = await osVault();
    const a = await added(h, URI_A);
    h.clock.t = T0 + 10_000;
    expect(await ok<Settings>(h, 'settings', 'update', { timeOffsetSeconds: 30 })).toMatchObject({ timeOffsetSeconds: 30 });
    const result = await ok<{ now: number; items: CodeView[] }>(h, 'codes', 'get', { ids: [a.id] });
    expect(result.now).toBe(T0 + 40_000);
    expect(result.items[0]?.code).toBe(oathTotp(SECRET_A, T0 + 40_000));
    expect(result.items[0]?.code).not.toBe(oathTotp(SECRET_A, T0 + 10_000));
  });

  it('advances an HOTP counter only on nextHotp, and keeps it across a lock', async () => {
    const h = await osVault();
    const account = await added(h, URI_HOTP);
    const get = async (): Promise<CodeView | undefined> =>
      (await ok<{ items: CodeView[] }>(h, 'codes', 'get', { ids: [account.id] })).items[0];

    expect(await get()).toEqual({ id: account.id, code: oathHotp(SECRET_A, 5), nextCode: null, secondsLeft: null, period: null, counter: 5 });
    expect((await get())?.counter).toBe(5);

    const next = await ok<CodeView>(h, 'codes', 'nextHotp', { id: account.id });
    expect(next).toMatchObject({ code: oathHotp(SECRET_A, 6), counter: 6 });
    expect((await list(h))[0]?.counter).toBe(6);

    await ok(h, 'vault', 'lock');
    await ok(h, 'vault', 'unlockWithOs');
    expect(await get()).toMatchObject({ code: oathHotp(SECRET_A, 6), counter: 6 });

    const totp = await added(h, URI_A);
    expect((await fails(h, 'codes', 'nextHotp', { id: totp.id })).code).toBe('INPUT_INVALID');
  });
});

describe('clipboard', () => {
  it('copies the code and clears it after clipboardClearSeconds, with a clipboardCleared event', async () => {
    const h = await osVault();
    const a = await added(h, URI_A);
    h.clock.t = T0 + 3_000;
    expect(await ok(h, 'codes', 'copy', { id: a.id })).toEqual({ clearAfterSeconds: DEFAULT_SETTINGS.clipboardClearSeconds });
    const code = oathTotp(SECRET_A, T0 + 3_000);
    expect(h.clipboard.readText()).toBe(code);

    h.clock.t += DEFAULT_SETTINGS.clipboardClearSeconds * 1000 - 1;
    h.core.tick();
    expect(h.clipboard.readText()).toBe(code);
    expect(h.events.map((e) => e.name)).not.toContain('clipboardCleared');

    h.clock.t += 1;
    h.core.tick();
    expect(h.clipboard.readText()).toBe('');
    expect(h.events).toContainEqual({ name: 'clipboardCleared', payload: {} });
  });

  it('leaves the clipboard alone when the user copied something else meanwhile', async () => {
    const h = await osVault();
    const a = await added(h, URI_A);
    await ok(h, 'codes', 'copy', { id: a.id });
    h.clipboard.writeText('other');
    h.clock.t += 60_000;
    h.core.tick();
    expect(h.clipboard.readText()).toBe('other');
    expect(h.events.map((e) => e.name)).not.toContain('clipboardCleared');
  });

  it('never clears when clipboardClearSeconds is 0', async () => {
    const h = await osVault();
    const a = await added(h, URI_A);
    await ok(h, 'settings', 'update', { clipboardClearSeconds: 0 });
    expect(await ok(h, 'codes', 'copy', { id: a.id })).toEqual({ clearAfterSeconds: 0 });
    const code = h.clipboard.readText();
    expect(code).toMatch(/^\d{6}$/);
    h.clock.t += 3_600_000;
    h.core.tick();
    expect(h.clipboard.readText()).toBe(code);
  });

  it('clears our code from the clipboard when the vault locks', async () => {
    const h = await osVault();
    const a = await added(h, URI_A);
    await ok(h, 'codes', 'copy', { id: a.id });
    await ok(h, 'vault', 'lock');
    expect(h.clipboard.readText()).toBe('');
  });
});

describe('auto-lock', () => {
  it('locks after autoLockMinutes without activity, with reason idle', async () => {
    const h = await osVault();
    h.clock.t += DEFAULT_SETTINGS.autoLockMinutes * 60_000 - 1;
    h.core.tick();
    await settle();
    expect((await status(h)).state).toBe('unlocked');

    const locked = nextEvent(h, 'vaultLocked');
    h.clock.t += 1;
    h.core.tick();
    expect(await locked).toEqual({ reason: 'idle' });
    expect((await status(h)).state).toBe('locked');
  });

  it('counts a non-passive call as activity, but not passive ones', async () => {
    const h = await osVault();
    const a = await added(h, URI_A);

    h.clock.t += 4 * 60_000;
    await ok(h, 'app', 'activity');
    h.clock.t += 4 * 60_000;
    h.core.tick();
    await settle();
    expect((await status(h)).state).toBe('unlocked');

    // Polling (codes, status, settings) must not keep the vault open forever.
    await ok(h, 'codes', 'get', { ids: [a.id] });
    await ok(h, 'settings', 'get');
    await status(h);
    const locked = nextEvent(h, 'vaultLocked');
    h.clock.t += 60_000;
    h.core.tick();
    expect(await locked).toEqual({ reason: 'idle' });
    expect((await fails(h, 'codes', 'get', { ids: [a.id] })).code).toBe('VAULT_LOCKED');
  });

  it('follows the autoLockMinutes setting', async () => {
    const h = await osVault();
    await ok(h, 'settings', 'update', { autoLockMinutes: 1 });
    const locked = nextEvent(h, 'vaultLocked');
    h.clock.t += 60_000;
    h.core.tick();
    expect(await locked).toEqual({ reason: 'idle' });
  });
});

describe('settings', () => {
  it('starts from the defaults and validates updates, naming the field', async () => {
    const h = harness();
    expect(await ok(h, 'settings', 'get')).toEqual(DEFAULT_SETTINGS);
    const error = await fails(h, 'settings', 'update', { autoLockMinutes: 0 });
    expect(error).toMatchObject({ code: 'INPUT_INVALID', field: 'autoLockMinutes' });
    expect(await ok(h, 'settings', 'get')).toEqual(DEFAULT_SETTINGS);

    expect(await ok(h, 'settings', 'update', { autoLockMinutes: 15 })).toEqual({ ...DEFAULT_SETTINGS, autoLockMinutes: 15 });
    expect(h.settings.read()).toEqual({ ...DEFAULT_SETTINGS, autoLockMinutes: 15 });
  });

  it('leaves a setting sent as undefined (an empty form field) as it was', async () => {
    const h = harness();
    const result = await h.core.dispatch(callChannel('settings', 'update'), { autoLockMinutes: undefined, timeOffsetSeconds: 5 });
    expect(result).toEqual({ ok: true, value: { ...DEFAULT_SETTINGS, timeOffsetSeconds: 5 } });
  });

  it('falls back to defaults for an invalid stored settings object without overwriting it', async () => {
    const stored = { autoLockMinutes: 0, clipboardClearSeconds: 'soon' };
    const settings = createMemorySettingsStore(stored);
    const h = harness({ settings });
    expect(await ok(h, 'settings', 'get')).toEqual(DEFAULT_SETTINGS);
    await ok(h, 'vault', 'create', { passphrase: null, useOsSlot: true });
    const a = await added(h, URI_A);
    await ok(h, 'codes', 'copy', { id: a.id });
    expect(settings.read()).toBe(stored);
    expect(settings.read()).toEqual({ autoLockMinutes: 0, clipboardClearSeconds: 'soon' });
  });
});

describe('a failed save', () => {
  it('returns an error and leaves the accounts as they were before the change', async () => {
    const h = await osVault();
    const a = await added(h, URI_A);
    // A folder where the previous copy goes makes the atomic rename fail, even for root.
    const previous = join(h.dir, 'vault.previous.json');
    rmSync(previous, { force: true });
    mkdirSync(previous);
    const before = await list(h);

    const addError = await fails(h, 'accounts', 'addFromUri', { uri: URI_B });
    expect(addError.code).toBe('INTERNAL');
    expect(addError.message).not.toContain(h.dir);
    expect(await list(h)).toEqual(before);

    expect((await fails(h, 'accounts', 'remove', { id: a.id })).code).toBe('INTERNAL');
    expect((await fails(h, 'accounts', 'update', { id: a.id, label: 'renamed' })).code).toBe('INTERNAL');
    expect(await list(h)).toEqual(before);

    // Once the obstacle is gone the same change saves, and what is on disk matches what was shown.
    rmSync(previous, { recursive: true });
    await added(h, URI_B);
    await ok(h, 'vault', 'lock');
    await ok(h, 'vault', 'unlockWithOs');
    expect(names(await list(h))).toEqual(['Example:alice@example.com', 'GitHub:bob']);
    expect(statSync(join(h.dir, 'vault.previous.json')).isFile()).toBe(true);
  });
});
