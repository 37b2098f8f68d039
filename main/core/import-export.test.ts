/**
 * The core's import, export and automatic-backup calls, end to end through dispatch (as IPC uses
 * them): real temp folders, the test keychain, a manual clock and real QR images from qrencode.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type {
  AccountView,
  BackupStatus,
  EventName,
  ExportResult,
  ImportPreview,
  ImportResult,
  PushAccountView,
  QrImageView,
} from '../../common/api-contract';
import { validateOtpParams } from '../../common/otpauth-uri';
import {
  dispatchError as fails,
  dispatchOk as ok,
  expectNoSecrets,
  manualClock,
  useTempDir,
  type ManualClock,
} from '../../tests/fixtures/import-test-kit';
import { createCore, type Core, type CoreDeps } from './core';
import { PREVIEW_TTL_MS } from './import/import-session';
import { encodeMigrationLinks } from './import/google-migration';
import { parseLinks } from './import/uri-list';
import type { FileDialogs, FileFilter, ScreenCapture } from './ports';
import { TestPushServer } from './push/test-push-server';
import { decodeAllQrCodes } from './qr-image';
import { createMemorySettingsStore } from './settings-file';
import { createTestKeychain } from './vault/test-keychain';
import { MIN_SCRYPT_N, VaultFile, type ScryptParams } from './vault/vault-file';

const FAST_KDF: ScryptParams = { N: MIN_SCRYPT_N, r: 8, p: 1 };
const T0 = Date.UTC(2025, 0, 1, 0, 0, 0);
const DEBOUNCE_MS = 10_000;

const SECRET_A = 'JBSWY3DPEHPK3PXP';
const SECRET_B = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const SECRET_C = 'KRUGKIDROVUWG2ZAMJZG653OEBTG66BA';
const SECRETS = [SECRET_A, SECRET_B, SECRET_C];
const URI_A = `otpauth://totp/Example:alice?secret=${SECRET_A}&issuer=Example`;
const URI_B = `otpauth://totp/GitHub:bob?secret=${SECRET_B}&issuer=GitHub`;
const URI_C = `otpauth://totp/Gitea:carol?secret=${SECRET_C}&issuer=Gitea`;
const BACKUP_PASSPHRASE = 'tulip orbit ladder 42';

/** Dialogs whose answers the test sets, recording what was asked. */
interface FakeDialogs extends FileDialogs {
  savePath: string | null;
  folder: string | null;
  asked: { suggestedName: string; filters: FileFilter[] }[];
}

function fakeDialogs(): FakeDialogs {
  return {
    savePath: null,
    folder: null,
    asked: [],
    async chooseSavePath(suggestedName, filters) {
      this.asked.push({ suggestedName, filters });
      return this.savePath;
    },
    async chooseFolder() {
      return this.folder;
    },
  };
}

interface Harness {
  core: Core;
  dir: string;
  clock: ManualClock;
  dialogs: FakeDialogs;
  clipboardImage: { png: Uint8Array | null };
  events: { name: EventName; payload: unknown }[];
  logs: string[];
}

const temp = useTempDir('twofold-import-export-');

function harness(opts: { dir?: string; screen?: ScreenCapture; noDialogs?: boolean; keychain?: CoreDeps['keychain'] } = {}): Harness {
  const clock = manualClock(T0);
  const dialogs = fakeDialogs();
  const clipboardImage = { png: null as Uint8Array | null };
  let text = '';
  const logs: string[] = [];
  const dir = opts.dir ?? join(temp.path, `vault-${Math.random().toString(36).slice(2)}`);
  const core = createCore({
    vaultDir: dir,
    keychain: opts.keychain ?? createTestKeychain(),
    clock,
    clipboard: {
      readText: () => text,
      writeText: (next) => {
        text = next;
      },
      readImagePng: () => clipboardImage.png,
    },
    settings: createMemorySettingsStore(),
    kdf: FAST_KDF,
    backupKdf: FAST_KDF,
    backupTiming: { debounceMs: DEBOUNCE_MS },
    log: (line) => logs.push(line),
    ...(opts.screen ? { screen: opts.screen } : {}),
    ...(opts.noDialogs ? {} : { dialogs }),
  });
  temp.defer(() => core.close());
  const events: Harness['events'] = [];
  core.onEvent((name, payload) => events.push({ name, payload }));
  return { core, dir, clock, dialogs, clipboardImage, events, logs };
}

async function osVault(opts: Parameters<typeof harness>[0] = {}): Promise<Harness> {
  const h = harness(opts);
  await ok(h, 'vault', 'create', { passphrase: null, useOsSlot: true });
  return h;
}

const list = (h: Harness): Promise<AccountView[]> => ok<AccountView[]>(h, 'accounts', 'list', { query: '' });
const names = (accounts: AccountView[]): string[] => accounts.map((a) => `${a.issuer}:${a.label}`);
const count = (h: Harness, name: EventName): number => h.events.filter((e) => e.name === name).length;

async function addUri(h: Harness, uri: string): Promise<AccountView> {
  const result = await ok<{ status: string; account: AccountView }>(h, 'accounts', 'addFromUri', { uri });
  return result.account;
}

function fileSource(name: string, data: string | Uint8Array) {
  return { kind: 'file', name, dataBase64: Buffer.from(data).toString('base64') };
}

function preview(h: Harness, source: unknown, extra: Record<string, unknown> = {}): Promise<ImportPreview> {
  return ok<ImportPreview>(h, 'import', 'preview', { source, ...extra });
}

function confirm(h: Harness, previewId: string, extra: Record<string, unknown> = {}): Promise<ImportResult> {
  return ok<ImportResult>(h, 'import', 'confirm', { previewId, ...extra });
}

/** The secrets of every account, through the confirmed reveal call. */
async function secretsOf(h: Harness): Promise<string[]> {
  const out: string[] = [];
  for (const a of await list(h)) out.push((await ok<{ secret: string }>(h, 'accounts', 'revealSecret', { id: a.id, confirm: true })).secret);
  return out;
}

function nextEvent(h: Harness, name: EventName): Promise<void> {
  return new Promise((resolve) => {
    const off = h.core.onEvent((event) => {
      if (event !== name) return;
      off();
      resolve();
    });
  });
}

function qrPng(text: string): Uint8Array {
  return new Uint8Array(execFileSync('qrencode', ['-o', '-', '-s', '4', text]));
}

/** No account secret or backup passphrase in the given texts or in anything the core logged. */
function expectNothingLeaked(h: Harness, ...texts: string[]): void {
  expectNoSecrets([...texts, ...h.logs].join('\n'), [...SECRETS, BACKUP_PASSPHRASE]);
}

describe('import preview and confirm', () => {
  it('previews a link file with duplicates and errors, then adds it in one save', async () => {
    const h = await osVault();
    const existing = await addUri(h, URI_A);
    const changes = count(h, 'accountsChanged');
    const file = [URI_A, URI_B, 'not a link', URI_C, 'otpauth://totp/Broken:me?secret=not-base32!'].join('\n');

    const view = await preview(h, fileSource('links.txt', file));
    expect(view).toMatchObject({ format: 'uri-list', warnings: [], enrollments: [] });
    expect(view.entries.map((e) => [e.index, `${e.issuer}:${e.label}`, e.duplicateOf, e.repeated])).toEqual([
      [0, 'Example:alice', existing.id, false],
      [1, 'GitHub:bob', null, false],
      [3, 'Gitea:carol', null, false],
    ]);
    expect(view.errors.map((e) => [e.index, e.name])).toEqual([
      [2, 'Line 3'],
      [4, 'Broken (me)'],
    ]);
    expect(await list(h)).toHaveLength(1);

    expect(await confirm(h, view.previewId)).toEqual({ added: 2, replaced: 0, skipped: 1 });
    expect(names(await list(h))).toEqual(['Example:alice', 'GitHub:bob', 'Gitea:carol']);
    expect(count(h, 'accountsChanged')).toBe(changes + 1);
    // The preview is used up.
    expect((await fails(h, 'import', 'confirm', { previewId: view.previewId })).code).toBe('IMPORT_PREVIEW_EXPIRED');
    expectNothingLeaked(h, JSON.stringify(view));
  });

  it('replaces or adds duplicates anyway as chosen, and leaves out excluded entries', async () => {
    const h = await osVault();
    const existing = await addUri(h, URI_A);
    const text = `${URI_A}&digits=8\n${URI_B}\n${URI_C}`;

    const first = await preview(h, { kind: 'text', text });
    expect(await confirm(h, first.previewId, { duplicates: 'replace', exclude: [2] })).toEqual({ added: 1, replaced: 1, skipped: 0 });
    const after = await list(h);
    expect(names(after)).toEqual(['Example:alice', 'GitHub:bob']);
    expect(after[0]).toMatchObject({ id: existing.id, digits: 8 });

    const second = await preview(h, { kind: 'text', text });
    expect(second.entries.map((e) => e.duplicateOf !== null)).toEqual([true, true, false]);
    expect(await confirm(h, second.previewId, { duplicates: 'add-anyway' })).toEqual({ added: 3, replaced: 0, skipped: 0 });
    expect(await list(h)).toHaveLength(5);
  });

  it('keeps the vault and the preview as they were when the save fails', async () => {
    const h = await osVault();
    await addUri(h, URI_A);
    const before = await list(h);
    const view = await preview(h, { kind: 'text', text: `${URI_B}\n${URI_C}` });
    // A folder where the previous copy goes makes the atomic rename fail, even for root.
    const previous = join(h.dir, 'vault.previous.json');
    rmSync(previous, { force: true });
    mkdirSync(previous);

    expect((await fails(h, 'import', 'confirm', { previewId: view.previewId })).code).toBe('INTERNAL');
    expect(await list(h)).toEqual(before);

    rmSync(previous, { recursive: true });
    expect(await confirm(h, view.previewId)).toEqual({ added: 2, replaced: 0, skipped: 0 });
    await ok(h, 'vault', 'lock');
    await ok(h, 'vault', 'unlockWithOs');
    expect(names(await list(h))).toEqual(['Example:alice', 'GitHub:bob', 'Gitea:carol']);
  });

  it('forgets previews on lock, and refuses to preview while locked', async () => {
    const h = await osVault();
    const view = await preview(h, { kind: 'text', text: URI_A });
    await ok(h, 'vault', 'lock');
    expect((await fails(h, 'import', 'preview', { source: { kind: 'text', text: URI_A } })).code).toBe('VAULT_LOCKED');
    await ok(h, 'vault', 'unlockWithOs');
    const error = await fails(h, 'import', 'confirm', { previewId: view.previewId });
    expect(error.code).toBe('IMPORT_PREVIEW_EXPIRED');
    expect(await list(h)).toEqual([]);
  });

  it('expires a preview after ten minutes, and cancel forgets one at once', async () => {
    const h = await osVault();
    await ok(h, 'settings', 'update', { autoLockMinutes: 60 });
    const view = await preview(h, { kind: 'text', text: URI_A });
    h.clock.t += PREVIEW_TTL_MS;
    h.core.tick();
    expect((await fails(h, 'import', 'confirm', { previewId: view.previewId })).code).toBe('IMPORT_PREVIEW_EXPIRED');

    const other = await preview(h, { kind: 'text', text: URI_A });
    expect(await ok(h, 'import', 'cancel', { previewId: other.previewId })).toEqual({});
    expect((await fails(h, 'import', 'confirm', { previewId: other.previewId })).code).toBe('IMPORT_PREVIEW_EXPIRED');
    expect(await list(h)).toEqual([]);
  });

  it('previews an import whose every entry failed, and refuses to confirm it with IMPORT_EMPTY', async () => {
    const h = await osVault();
    const view = await preview(h, { kind: 'text', text: 'otpauth://totp/A:a?secret=1\notpauth://totp/B:b' });
    expect(view.entries).toEqual([]);
    expect(view.errors).toHaveLength(2);
    expect((await fails(h, 'import', 'confirm', { previewId: view.previewId })).code).toBe('IMPORT_EMPTY');
  });

  it('refuses a file that is not base64, not a known format, or too large, with messages that quote nothing', async () => {
    const h = await osVault();
    expect((await fails(h, 'import', 'preview', { source: { kind: 'file', name: 'x', dataBase64: '***' } })).code).toBe('IMPORT_INVALID');
    const unknown = await fails(h, 'import', 'preview', { source: fileSource('notes.txt', `dear diary ${SECRET_A}`) });
    expect(unknown.code).toBe('IMPORT_FORMAT_UNKNOWN');
    expect(unknown.message).toMatch(/text with no otpauth/);
    expect(unknown.message).toMatch(/Aegis/);
    const binary = await fails(h, 'import', 'preview', { source: fileSource('x.bin', new Uint8Array([0, 0xff, 0xfe, 1])) });
    expect(binary).toMatchObject({ code: 'IMPORT_FORMAT_UNKNOWN', message: expect.stringMatching(/binary/) });
    const pasted = await fails(h, 'import', 'preview', { source: { kind: 'text', text: `just words ${SECRET_B}` } });
    expect(pasted.code).toBe('IMPORT_FORMAT_UNKNOWN');
    expectNothingLeaked(h, unknown.message, binary.message, pasted.message);
  });
});

describe('large imports', () => {
  it('imports 10,000 links in one preview and one save, and refuses more than 50,000 entries', async () => {
    const h = await osVault();
    // Distinct secrets: 10 random-looking base32 characters per account, from the index.
    const secretOf = (i: number): string => `${SECRET_A}${i.toString(32).toUpperCase().replace(/[0189]/g, 'A').padStart(4, 'Q')}`;
    const lines = Array.from({ length: 10_000 }, (_, i) => `otpauth://totp/Bulk:user${i}?secret=${secretOf(i)}&issuer=Bulk`);
    const started = performance.now();
    const view = await preview(h, fileSource('bulk.txt', lines.join('\n')));
    expect(view.entries).toHaveLength(10_000);
    expect(view.errors).toEqual([]);
    expect(await confirm(h, view.previewId)).toEqual({ added: 10_000, replaced: 0, skipped: 0 });
    const seconds = (performance.now() - started) / 1000;
    expect(await list(h)).toHaveLength(10_000);
    // Generous: a regression to quadratic work on every entry would take minutes, not seconds.
    expect(seconds).toBeLessThan(10);

    const huge = `${URI_A}\n`.repeat(50_001);
    const error = await fails(h, 'import', 'preview', { source: { kind: 'text', text: huge } });
    expect(error.code).toBe('IMPORT_TOO_LARGE');
    expectNothingLeaked(h, error.message);
  });
});

describe('QR sources', () => {
  it('finds every code on every display when scanning the screen', async () => {
    const a = join(temp.path, 'a.png');
    const b = join(temp.path, 'b.png');
    const both = join(temp.path, 'both.png');
    writeFileSync(a, qrPng(URI_B));
    writeFileSync(b, qrPng(URI_C));
    execFileSync('convert', [a, b, '+append', both]);
    const blank = new Uint8Array(execFileSync('convert', ['-size', '120x80', 'xc:white', 'png:-']));
    let displays: Uint8Array[] = [blank, new Uint8Array(readFileSync(both))];
    const h = await osVault({ screen: { captureDisplays: async () => displays } });

    const view = await preview(h, { kind: 'screen' });
    expect(view.entries.map((e) => `${e.issuer}:${e.label}`).sort()).toEqual(['GitHub:bob', 'Gitea:carol']);
    expect(await confirm(h, view.previewId)).toEqual({ added: 2, replaced: 0, skipped: 0 });

    displays = [blank];
    expect(await fails(h, 'import', 'preview', { source: { kind: 'screen' } })).toEqual({
      code: 'QR_NOT_FOUND',
      message: 'No QR code was found on your screen. Show the code on screen and try again.',
    });
  });

  it('answers SCREEN_CAPTURE_UNAVAILABLE without a screen, and QR_IMAGE_INVALID for an empty clipboard', async () => {
    const h = await osVault();
    expect((await fails(h, 'import', 'preview', { source: { kind: 'screen' } })).code).toBe('SCREEN_CAPTURE_UNAVAILABLE');
    expect((await fails(h, 'import', 'preview', { source: { kind: 'clipboard-image' } })).code).toBe('QR_IMAGE_INVALID');
    h.clipboardImage.png = qrPng(URI_A);
    const view = await preview(h, { kind: 'clipboard-image' });
    expect(view.entries.map((e) => e.label)).toEqual(['alice']);
  });

  it('joins a Google Authenticator export scanned one image at a time', async () => {
    const h = await osVault();
    const accounts = [URI_A, URI_B, URI_C].map((uri) => parseLinks([uri]).accounts[0]?.params).map((p) => validateOtpParams(p!));
    const links = encodeMigrationLinks(accounts, 1);
    const images = links.map((link) => Buffer.from(qrPng(link)).toString('base64'));

    const first = await preview(h, { kind: 'images', imagesBase64: [images[0]] });
    expect(first.format).toBe('google-migration');
    expect(first.formatName).toBe('Google Authenticator');
    expect(first.entries).toHaveLength(1);
    expect(first.warnings).toHaveLength(1);

    const whole = await preview(h, { kind: 'images', imagesBase64: [images[1], images[2]] }, { addTo: first.previewId });
    expect(whole.previewId).toBe(first.previewId);
    expect(whole.entries).toHaveLength(3);
    expect(whole.warnings).toEqual([]);
    expect(await confirm(h, whole.previewId)).toEqual({ added: 3, replaced: 0, skipped: 0 });
    expect(await secretsOf(h)).toEqual(expect.arrayContaining(SECRETS));

    const noCode = Buffer.from(execFileSync('convert', ['-size', '50x50', 'xc:white', 'png:-'])).toString('base64');
    const none = await fails(h, 'import', 'preview', { source: { kind: 'images', imagesBase64: [noCode] } });
    expect(none).toMatchObject({ code: 'QR_NOT_FOUND', message: expect.stringMatching(/No QR code was found in the image/) });
  });

  it('offers an enrollment link found in the import, and enrolls it only on enrollFound', async () => {
    const h = await osVault();
    const server = await TestPushServer.start({ clock: h.clock });
    temp.defer(() => server.close());
    const view = await preview(h, { kind: 'text', text: `${URI_A}\n${server.enrollmentUri()}` });
    expect(view.enrollments).toEqual([{ index: 1, issuer: 'Example', account: 'alice@example.com', server: server.origin }]);
    expect(await ok<PushAccountView[]>(h, 'push', 'accounts')).toEqual([]);

    expect((await fails(h, 'import', 'enrollFound', { previewId: view.previewId, index: 0 })).code).toBe('INPUT_INVALID');
    const enrolled = await ok<PushAccountView>(h, 'import', 'enrollFound', { previewId: view.previewId, index: 1 });
    expect(enrolled).toMatchObject({ issuer: 'Example', account: 'alice@example.com', server: server.origin });
    expect(await ok<PushAccountView[]>(h, 'push', 'accounts')).toHaveLength(1);
    // The accounts of the same preview can still be imported.
    expect(await confirm(h, view.previewId)).toEqual({ added: 1, replaced: 0, skipped: 0 });
  });
});

describe('exports', () => {
  it('writes an encrypted backup that imports, with its passphrase, into the same accounts', async () => {
    const h = await osVault();
    await addUri(h, URI_A);
    const b = await addUri(h, URI_B);
    await ok(h, 'accounts', 'update', { id: b.id, color: '#112233', pinned: true });
    const original = await list(h);

    const short = await fails(h, 'export', 'backup', { passphrase: 'short' });
    expect(short).toMatchObject({ code: 'PASSPHRASE_TOO_SHORT', field: 'passphrase' });
    expect(h.dialogs.asked).toHaveLength(0);

    expect(await ok<ExportResult>(h, 'export', 'backup', { passphrase: BACKUP_PASSPHRASE })).toEqual({ fileName: null, count: 0 });
    expect(h.dialogs.asked[0]).toEqual({
      suggestedName: 'Twofold backup 2025-01-01.twofold',
      filters: [{ name: 'Twofold backup', extensions: ['twofold'] }],
    });

    const path = join(temp.path, 'exported.twofold');
    h.dialogs.savePath = path;
    expect(await ok<ExportResult>(h, 'export', 'backup', { passphrase: BACKUP_PASSPHRASE })).toEqual({ fileName: 'exported.twofold', count: 2 });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const bytes = readFileSync(path);
    for (const secret of SECRETS) expect(bytes.toString('utf8')).not.toContain(secret);

    const other = await osVault();
    const source = fileSource('exported.twofold', bytes);
    const required = await fails(other, 'import', 'preview', { source });
    expect(required).toMatchObject({ code: 'IMPORT_PASSPHRASE_REQUIRED', field: 'passphrase' });
    const wrong = await fails(other, 'import', 'preview', { source, passphrase: 'not the passphrase' });
    expect(wrong.code).toBe('IMPORT_WRONG_PASSPHRASE');
    expect(wrong.message).not.toContain('not the passphrase');

    const view = await preview(other, source, { passphrase: BACKUP_PASSPHRASE });
    expect(view).toMatchObject({ format: 'twofold-backup', formatName: 'Twofold backup', errors: [] });
    expect(await confirm(other, view.previewId)).toEqual({ added: 2, replaced: 0, skipped: 0 });
    const restored = await list(other);
    const strip = (a: AccountView) => ({ ...a, id: '' });
    expect(restored.map(strip)).toEqual(original.map(strip));
    expect(await secretsOf(other)).toEqual(await secretsOf(h));
    expectNothingLeaked(h, JSON.stringify(view), required.message, wrong.message);
    expectNothingLeaked(other);
  });

  it('writes the plain link list owner-only, logs that it did without the content, and reads back', async () => {
    const h = await osVault();
    expect((await fails(h, 'export', 'uris', { confirm: true })).code).toBe('EXPORT_EMPTY');
    expect((await fails(h, 'export', 'uris', { confirm: false })).code).toBe('INPUT_INVALID');
    await addUri(h, URI_A);
    await addUri(h, URI_C);
    const path = join(temp.path, 'links.txt');
    h.dialogs.savePath = path;

    expect(await ok<ExportResult>(h, 'export', 'uris', { confirm: true })).toEqual({ fileName: 'links.txt', count: 2 });
    expect(h.dialogs.asked[0]?.suggestedName).toBe('Twofold accounts 2025-01-01.txt');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(h.logs).toContain('plain export written (2 accounts)');
    expectNothingLeaked(h);

    const other = await osVault();
    const view = await preview(other, fileSource('links.txt', readFileSync(path)));
    await confirm(other, view.previewId);
    expect(names(await list(other))).toEqual(names(await list(h)));
    expect(await secretsOf(other)).toEqual([SECRET_A, SECRET_C]);
  });

  it('answers DIALOG_UNAVAILABLE where there are no dialogs, and EXPORT_FAILED naming the OS error', async () => {
    const bare = await osVault({ noDialogs: true });
    await addUri(bare, URI_A);
    expect((await fails(bare, 'export', 'uris', { confirm: true })).code).toBe('DIALOG_UNAVAILABLE');
    expect((await fails(bare, 'backup', 'chooseFolder')).code).toBe('DIALOG_UNAVAILABLE');

    const h = await osVault();
    await addUri(h, URI_A);
    h.dialogs.savePath = join(temp.path, 'no-such-folder', 'links.txt');
    const error = await fails(h, 'export', 'uris', { confirm: true });
    expect(error).toMatchObject({ code: 'EXPORT_FAILED', message: expect.stringMatching(/ENOENT/) });
  });

  it('shows a QR code per account, and Google Authenticator batches without the accounts it cannot hold', async () => {
    const h = await osVault();
    await addUri(h, URI_A);
    await addUri(h, URI_B);
    await addUri(h, `otpauth://totp/Slow:sam?secret=${SECRET_C}&issuer=Slow&period=60`);
    // Awaited, so this reads the decoder whether it answers at once or with a promise.
    const decode = async (images: QrImageView[]): Promise<string[]> =>
      (
        await Promise.all(
          images.map((image) => decodeAllQrCodes(new Uint8Array(Buffer.from(image.dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64')))),
        )
      ).flat();

    type Shown = { images: QrImageView[]; leftOut: { name: string; reason: string }[] };
    const perAccount = await ok<Shown>(h, 'export', 'qrCodes', { confirm: true, kind: 'account' });
    expect(perAccount.images.map((i) => i.title)).toEqual(['Example (alice)', 'GitHub (bob)', 'Slow (sam)']);
    expect(perAccount.leftOut).toEqual([]);
    expect(parseLinks(await decode(perAccount.images)).accounts.map((a) => a.params.secret)).toEqual(SECRETS);

    const batches = await ok<Shown>(h, 'export', 'qrCodes', { confirm: true, kind: 'migration' });
    expect(batches.images).toHaveLength(1);
    const moved = parseLinks(await decode(batches.images)).accounts.map((a) => `${a.params.issuer}:${a.params.label}`);
    expect(moved).toEqual(['Example:alice', 'GitHub:bob']);
    // The account Google Authenticator can't hold is named to the user, with the reason.
    expect(batches.leftOut).toEqual([{ name: 'Slow (sam)', reason: expect.stringContaining('30-second') as unknown }]);

    const [first] = await list(h);
    const one = await ok<Shown>(h, 'export', 'qrCodes', { confirm: true, kind: 'account', ids: [first?.id] });
    expect(one.images).toHaveLength(1);
    expectNothingLeaked(h);
  });
});

describe('automatic backups', () => {
  async function configured(): Promise<{ h: Harness; folder: string }> {
    const h = await osVault();
    const folder = join(temp.path, 'backups');
    mkdirSync(folder);
    h.dialogs.folder = folder;
    await ok(h, 'backup', 'chooseFolder');
    await ok(h, 'backup', 'configure', { enabled: true, passphrase: BACKUP_PASSPHRASE });
    return { h, folder };
  }

  it('refuses to turn on without a folder and passphrase, naming what is missing', async () => {
    const h = await osVault();
    expect(await ok<BackupStatus>(h, 'backup', 'status')).toMatchObject({
      enabled: false,
      folder: null,
      keep: 10,
      hasPassphrase: false,
      lastSuccessAt: null,
      lastError: null,
      files: [],
    });
    const both = await fails(h, 'backup', 'configure', { enabled: true });
    expect(both.code).toBe('BACKUP_NOT_CONFIGURED');
    expect(both.message).toMatch(/choose a backup folder and set a backup passphrase/);

    expect((await fails(h, 'backup', 'configure', { passphrase: 'short' })).code).toBe('PASSPHRASE_TOO_SHORT');
    expect(await ok<BackupStatus>(h, 'backup', 'configure', { passphrase: BACKUP_PASSPHRASE, keep: 3 })).toMatchObject({
      hasPassphrase: true,
      keep: 3,
      enabled: false,
    });
    const folderOnly = await fails(h, 'backup', 'configure', { enabled: true });
    expect(folderOnly.message).toMatch(/choose a backup folder first/);
    expect(folderOnly.message).not.toMatch(/passphrase/);
    expect((await fails(h, 'backup', 'runNow')).code).toBe('BACKUP_NOT_CONFIGURED');

    await ok(h, 'vault', 'lock');
    expect((await fails(h, 'backup', 'status')).code).toBe('VAULT_LOCKED');
    expectNothingLeaked(h);
  });

  it('refuses a folder it cannot write to, naming the OS code, and keeps the setting as it was', async () => {
    const h = await osVault();
    const notAFolder = join(temp.path, 'a-file');
    writeFileSync(notAFolder, 'x');
    h.dialogs.folder = notAFolder;
    const error = await fails(h, 'backup', 'chooseFolder');
    expect(error).toMatchObject({ code: 'BACKUP_FAILED', message: expect.stringMatching(/ENOTDIR/) });
    expect((await ok<BackupStatus>(h, 'backup', 'status')).folder).toBeNull();

    h.dialogs.folder = null;
    expect((await ok<BackupStatus>(h, 'backup', 'chooseFolder')).folder).toBeNull();
    const folder = join(temp.path, 'ok');
    mkdirSync(folder);
    h.dialogs.folder = folder;
    expect((await ok<BackupStatus>(h, 'backup', 'chooseFolder')).folder).toBe(folder);
    // The probe file is gone again.
    expect(readdirSync(folder)).toEqual([]);
  });

  it('backs up once enabled, again after a change once the debounce passes, and reports a failure', async () => {
    const { h, folder } = await configured();
    await addUri(h, URI_A);
    let written = nextEvent(h, 'backupChanged');
    h.core.tick();
    await written;
    let status = await ok<BackupStatus>(h, 'backup', 'status');
    expect(status).toMatchObject({ enabled: true, folder, hasPassphrase: true, lastError: null, lastSuccessAt: T0 });
    expect(status.files).toHaveLength(1);

    h.clock.t += 1_000;
    await addUri(h, URI_B);
    h.clock.t += DEBOUNCE_MS - 1;
    h.core.tick();
    await ok(h, 'app', 'activity');
    expect((await ok<BackupStatus>(h, 'backup', 'status')).files).toHaveLength(1);

    h.clock.t += 1;
    written = nextEvent(h, 'backupChanged');
    h.core.tick();
    await written;
    status = await ok<BackupStatus>(h, 'backup', 'status');
    expect(status.files).toHaveLength(2);
    expect(status.lastSuccessAt).toBe(h.clock.t);

    rmSync(folder, { recursive: true });
    await addUri(h, URI_C);
    h.clock.t += DEBOUNCE_MS;
    const failed = nextEvent(h, 'backupChanged');
    h.core.tick();
    await failed;
    status = await ok<BackupStatus>(h, 'backup', 'status');
    expect(status.lastError).toMatchObject({ at: h.clock.t, message: expect.stringMatching(/ENOENT/) });
    expect(status.files).toEqual([]);
    expect((await fails(h, 'backup', 'runNow')).code).toBe('BACKUP_FAILED');
    expectNothingLeaked(h, JSON.stringify(status));
  });

  it('restores from an automatic backup through the preview, without asking for the passphrase', async () => {
    const { h } = await configured();
    await addUri(h, URI_A);
    const gone = await addUri(h, URI_B);
    const status = await ok<BackupStatus>(h, 'backup', 'runNow');
    expect(status.files).toHaveLength(1);
    await ok(h, 'accounts', 'remove', { id: gone.id });

    const view = await preview(h, { kind: 'backup', name: status.files[0]?.name });
    expect(view.format).toBe('twofold-backup');
    expect(view.entries.map((e) => [e.label, e.duplicateOf !== null])).toEqual([
      ['alice', true],
      ['bob', false],
    ]);
    expect(await confirm(h, view.previewId)).toEqual({ added: 1, replaced: 0, skipped: 1 });
    expect(names(await list(h))).toEqual(['Example:alice', 'GitHub:bob']);

    const bad = await fails(h, 'import', 'preview', { source: { kind: 'backup', name: '../vault.json' } });
    expect(bad.code).toBe('INPUT_INVALID');
  });

  it('writes the backup a change is waiting for when the vault locks', async () => {
    const { h, folder } = await configured();
    await ok(h, 'backup', 'runNow');
    h.clock.t += 1_000;
    await addUri(h, URI_A);
    await ok(h, 'vault', 'lock');
    expect(readdirSync(folder)).toHaveLength(2);
  });

  it('keeps the backup settings and key in the vault (payload version 3) across a lock', async () => {
    const keychain = createTestKeychain();
    const { h, folder } = await (async () => {
      const h = await osVault({ keychain });
      const folder = join(temp.path, 'kept');
      mkdirSync(folder);
      h.dialogs.folder = folder;
      await ok(h, 'backup', 'chooseFolder');
      await ok(h, 'backup', 'configure', { enabled: true, keep: 4, passphrase: BACKUP_PASSPHRASE });
      return { h, folder };
    })();
    await ok(h, 'vault', 'lock');

    const vault = await new VaultFile({ dir: h.dir, keychain }).unlockWithOs();
    const payload = JSON.parse(new TextDecoder().decode(vault.payload)) as { version: number; backup: { key: { key: string } } };
    vault.close();
    expect(payload).toMatchObject({ version: 3, backup: { enabled: true, folder, keep: 4, key: { kdf: { N: MIN_SCRYPT_N } } } });
    expect(Buffer.from(payload.backup.key.key, 'base64')).toHaveLength(32);

    await ok(h, 'vault', 'unlockWithOs');
    expect(await ok<BackupStatus>(h, 'backup', 'status')).toMatchObject({ enabled: true, folder, keep: 4, hasPassphrase: true });
  });

  it.each([1, 2])('opens a vault written with payload version %i, with backups off, and saves it as version 3', async (version) => {
    const keychain = createTestKeychain();
    const dir = join(temp.path, `v${version}`);
    const old = {
      version,
      accounts: [
        {
          id: 'a1',
          ...validateOtpParams({ type: 'totp', issuer: 'Old', label: 'one', secret: SECRET_A, algorithm: 'SHA1', digits: 6, period: 30, counter: 0 }),
          color: null,
          icon: null,
          pinned: false,
        },
      ],
      ...(version === 2 ? { push: { accounts: [], history: [] } } : {}),
    };
    const created = await new VaultFile({ dir, keychain, kdf: FAST_KDF }).create(new TextEncoder().encode(JSON.stringify(old)), {
      passphrase: null,
      useOsSlot: true,
    });
    created.close();

    const h = harness({ dir, keychain });
    await ok(h, 'vault', 'unlockWithOs');
    expect(names(await list(h))).toEqual(['Old:one']);
    expect(await ok<BackupStatus>(h, 'backup', 'status')).toMatchObject({ enabled: false, folder: null, keep: 10, hasPassphrase: false });

    await addUri(h, URI_B);
    await ok(h, 'vault', 'lock');
    const reopened = await new VaultFile({ dir, keychain }).unlockWithOs();
    const payload = JSON.parse(new TextDecoder().decode(reopened.payload)) as { version: number; accounts: unknown[] };
    reopened.close();
    expect(payload).toMatchObject({ version: 3, backup: { enabled: false, folder: null, keep: 10, key: null } });
    expect(payload.accounts).toHaveLength(2);
  });
});
