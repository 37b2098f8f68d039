/**
 * Electron specs of desktop integration (issue 5 §1): tray, quick-search shortcut, deep links and the
 * single-instance hand-off, window state, close to tray, app menu and start at login. They launch the
 * built app (`npm run build` first) as `electron .`, with a fresh userData folder (TWOFOLD_USER_DATA)
 * and a fresh XDG config folder (so a Linux autostart entry lands in the test's folder, not yours).
 *
 * Where the Electron binary is absent the whole file is skipped and says so in one line. On Linux the
 * app needs a display (e.g. xvfb-run) and a tray host for the tray specs.
 *
 * They rely on, in main/index.ts:
 * - the adapters of main/electron/{tray,global-shortcut,deep-links,window-state-store,app-menu,login-item}.ts;
 * - settings closeToTray, startAtLogin and quickSearchShortcut in the contract's SettingsSchema, applied
 *   by main before settings.update resolves;
 * - when TWOFOLD_TEST_HOOKS=1 in an unpackaged run (and only then), `globalThis.twofoldTest` in the main
 *   process (main/electron/test-hooks.ts, mirrored by TwofoldTestHooks below): the OS offers no way to
 *   read a tray menu or press a global shortcut;
 * - in the renderer: a link's preview in the "Import accounts" dialog (an account to add, or a push
 *   enrollment to set up), a refusal toast (role status), and the quick-search palette (dialog "Quick search").
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as OTPAuth from 'otpauth';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TwofoldApi } from '../../common/api-contract';
import { formatEnrollmentUri } from '../../common/push-protocol';
import { createVault, PASSPHRASE } from '../e2e/e2e-steps';
import { electronExecutable, electronLaunchEnv, mainBundle, repoRoot, rootArgs } from './electron-binary';

// Without a binary the file skips itself; electron-global-setup.ts prints the one line saying so.
const executable = electronExecutable();

const SECRET = 'JBSWY3DPEHPK3PXP';
const PINNED_URI = `otpauth://totp/ACME:alice%40example.com?secret=${SECRET}&issuer=ACME`;
const LINK_SECRET = 'KRSXG5CTMVRXEZLUKN2XAZLSKRSXG5CT';
const LINK = `otpauth://totp/Linked:bob%40example.com?secret=${LINK_SECRET}&issuer=Linked`;
const ENROLL_CODE = 'enrollcode_0123456789abcdef';
const ENROLL_LINK = formatEnrollmentUri({
  server: 'https://idp.example.com',
  code: ENROLL_CODE,
  fingerprint: 'A'.repeat(43),
  account: 'carol@example.com',
  issuer: 'Example IdP',
});

/** The main-process test hooks the wiring round adds when TWOFOLD_TEST_HOOKS=1. */
interface TwofoldTestHooks {
  /** Whether the tray icon exists. */
  trayShown(): boolean;
  /** The tray menu as built: one entry per item, separators with type 'separator'. */
  trayMenu(): { id: string | null; label: string; enabled: boolean; type: string }[];
  /** Clicks the tray item with this id, as a user would. */
  clickTrayItem(id: string): void;
  /** Runs what the quick-search global shortcut runs (the OS can't be made to press it). */
  pressQuickSearch(): void;
}

type HookWindow = typeof globalThis & { twofoldTest?: TwofoldTestHooks };
type ApiWindow = Window & { twofold: TwofoldApi };
/** settings.update with the desktop settings the wiring round adds to the contract. */
type DesktopSettingsPatch = { closeToTray?: boolean; startAtLogin?: boolean; quickSearchShortcut?: string };

describe.skipIf(executable === null)('Twofold on the desktop', () => {
  let userData: string;
  let configHome: string;
  let app: ElectronApplication;
  let page: Page;

  /** The launch environment: ours, plus the test's folders and hooks, minus run-as-node. */
  const launchEnv = (): Record<string, string> =>
    electronLaunchEnv({ TWOFOLD_USER_DATA: userData, XDG_CONFIG_HOME: configHome, TWOFOLD_TEST_HOOKS: '1' });

  const launch = async (): Promise<void> => {
    app = await _electron.launch({ executablePath: executable!, args: [...rootArgs, repoRoot], cwd: repoRoot, env: launchEnv() });
    page = await app.firstWindow();
    await page.waitForURL('app://twofold/index.html');
  };

  /** Starts a second instance with `extra` arguments and waits for it to hand over and exit. */
  const secondInstance = async (...extra: string[]): Promise<number | null> => {
    const second = spawn(executable!, [...rootArgs, repoRoot, ...extra], { cwd: repoRoot, env: launchEnv(), stdio: 'ignore' });
    return new Promise<number | null>((resolve) => second.once('exit', resolve));
  };

  const hooks = {
    trayMenu: () => app.evaluate(() => (globalThis as HookWindow).twofoldTest!.trayMenu()),
    trayLabels: async () => (await hooks.trayMenu()).filter((i) => i.type !== 'separator').map((i) => i.label),
    clickTrayItem: (id: string) => app.evaluate((_electron, itemId) => (globalThis as HookWindow).twofoldTest!.clickTrayItem(itemId), id),
  };

  const updateSettings = (patch: DesktopSettingsPatch): Promise<unknown> =>
    page.evaluate((p) => ((window as unknown as ApiWindow).twofold.settings.update as (input: DesktopSettingsPatch) => Promise<unknown>)(p), patch);

  const unlock = async (): Promise<void> => {
    await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page.getByRole('searchbox', { name: 'Search accounts' }).waitFor();
  };

  beforeAll(async () => {
    if (!fs.existsSync(mainBundle)) throw new Error(`${mainBundle} is missing. Run \`npm run build\` first.`);
    userData = fs.mkdtempSync(path.join(os.tmpdir(), 'twofold-desktop-'));
    configHome = fs.mkdtempSync(path.join(os.tmpdir(), 'twofold-desktop-config-'));
    await launch();
    await createVault(page);
    const added = await page.evaluate((uri) => (window as unknown as ApiWindow).twofold.accounts.addFromUri({ uri }), PINNED_URI);
    if (added.status !== 'added') throw new Error(`could not add the pinned account: ${added.status}`);
    await page.evaluate((id) => (window as unknown as ApiWindow).twofold.accounts.update({ id, pinned: true }), added.account.id);
  });

  afterAll(async () => {
    await app?.close();
    for (const dir of [userData, configHome]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('app menu', () => {
    it('follows the conventions of this OS', async () => {
      const labels = await app.evaluate(({ Menu }) => Menu.getApplicationMenu()?.items.map((item) => item.label) ?? []);
      // Electron strips the "&" of a mnemonic from the label it reports.
      const expected = process.platform === 'darwin' ? ['Twofold', 'File', 'Edit', 'View', 'Window', 'Help'] : ['File', 'Edit', 'View', 'Help'];
      expect(labels.map((l) => l.replace(/&/g, ''))).toEqual(expected);
    });
  });

  describe('tray', () => {
    it('shows the pinned account’s current code, and a click copies it', async () => {
      expect(await app.evaluate(() => (globalThis as HookWindow).twofoldTest!.trayShown())).toBe(true);
      const item = (await hooks.trayMenu()).find((i) => i.id?.startsWith('copy-code:'));
      expect(item?.label).toMatch(/^ACME \(alice@example\.com\) {3}\d{3} \d{3}/);
      await hooks.clickTrayItem(item!.id!);
      const copied = await app.evaluate(({ clipboard }) => clipboard.readText());
      const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(SECRET) });
      const now = Date.now();
      expect([-30_000, 0, 30_000].map((delta) => totp.generate({ timestamp: now + delta }))).toContain(copied);
    });

    it('locks from the tray; then it shows no code and offers to unlock', async () => {
      await hooks.clickTrayItem('lock');
      await page.getByRole('button', { name: 'Unlock', exact: true }).waitFor();
      await expect.poll(hooks.trayLabels).toContain('Unlock Twofold…');
      expect((await hooks.trayLabels()).join('\n')).not.toMatch(/\d{3} \d{3}/);
      await unlock();
      await expect.poll(hooks.trayLabels).toContain('Lock now');
    });
  });

  describe('quick-search shortcut', () => {
    const isRegistered = (accelerator: string) => app.evaluate(({ globalShortcut }, a) => globalShortcut.isRegistered(a), accelerator);

    it('registers the shortcut from the settings at start', async () => {
      expect(await isRegistered('CommandOrControl+Shift+2')).toBe(true);
    });

    it('moves the shortcut when the setting changes, and releases the old one', async () => {
      await updateSettings({ quickSearchShortcut: 'CommandOrControl+Alt+Shift+K' });
      expect(await isRegistered('CommandOrControl+Alt+Shift+K')).toBe(true);
      expect(await isRegistered('CommandOrControl+Shift+2')).toBe(false);
    });

    it('refuses a shortcut that is already registered, at the settings field, and keeps the current one', async () => {
      // Chromium's accelerator listener refuses a second registration of the same keys, as the OS
      // refuses keys another app holds: the spec takes the keys first, from the main process.
      const taken = 'CommandOrControl+Alt+Shift+J';
      expect(await app.evaluate(({ globalShortcut }, a) => globalShortcut.register(a, () => {}), taken)).toBe(true);
      await page.getByRole('button', { name: 'Settings' }).click();
      const dialog = page.getByRole('dialog', { name: 'Settings' });
      await dialog.getByRole('textbox', { name: 'Quick search shortcut' }).fill(taken);
      await dialog.getByRole('button', { name: 'Save settings' }).click();
      await dialog.getByText(`${taken} is already used by another app or by the system. Choose another shortcut.`).waitFor();
      expect(await isRegistered('CommandOrControl+Alt+Shift+K')).toBe(true);
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      await app.evaluate(({ globalShortcut }, a) => globalShortcut.unregister(a), taken);
    });

    it('opens the quick-search palette, where Enter copies the code', async () => {
      await app.evaluate(() => (globalThis as HookWindow).twofoldTest!.pressQuickSearch());
      const palette = page.getByRole('dialog', { name: 'Quick search' });
      await palette.getByRole('combobox').fill('acme');
      await page.keyboard.press('Enter');
      await palette.waitFor({ state: 'detached' });
      expect(await app.evaluate(({ clipboard }) => clipboard.readText())).toMatch(/^\d{6}$/);
    });
  });

  describe('deep links', () => {
    it('hands an otpauth:// link from a second instance to the first, which shows the add preview', async () => {
      expect(await secondInstance(LINK)).toBe(0);
      const preview = page.getByRole('dialog', { name: 'Import accounts' });
      const entry = preview.getByRole('listitem').filter({ hasText: 'Linked' });
      await entry.waitFor();
      expect(await entry.textContent()).toContain('bob@example.com');
      expect(await page.content()).not.toContain(LINK_SECRET);
      await preview.getByRole('button', { name: 'Cancel' }).click();
      await preview.waitFor({ state: 'detached' });
    });

    it('shows the enroll preview for a twofold://enroll link from open-url (macOS)', async () => {
      // open-url fires only on macOS; emitting it exercises the same handler on every OS.
      await app.evaluate(({ app: electronApp }, url) => {
        electronApp.emit('open-url', { preventDefault: () => {} }, url);
      }, ENROLL_LINK);
      const preview = page.getByRole('dialog', { name: 'Import accounts' });
      await preview.getByRole('button', { name: 'Set up push sign-in for Example IdP (carol@example.com)' }).waitFor();
      expect(await page.content()).not.toContain(ENROLL_CODE);
      // Nothing to add, only an enrollment to offer: the dialog closes with Done.
      await preview.getByRole('button', { name: 'Done' }).click();
      await preview.waitFor({ state: 'detached' });
    });

    it('holds a link that arrives while locked, and shows it once unlocked', async () => {
      await page.evaluate(() => (window as unknown as ApiWindow).twofold.vault.lock({}));
      await page.getByRole('button', { name: 'Unlock', exact: true }).waitFor();
      // A different link than before: the same one shown seconds ago would be taken as a double click.
      const other = LINK.replaceAll('Linked', 'Held');
      expect(await secondInstance(other)).toBe(0);
      expect(await page.getByRole('dialog', { name: 'Import accounts' }).count()).toBe(0);
      await unlock();
      const preview = page.getByRole('dialog', { name: 'Import accounts' });
      await preview.getByRole('listitem').filter({ hasText: 'Held' }).waitFor();
      await preview.getByRole('button', { name: 'Cancel' }).click();
      await preview.waitFor({ state: 'detached' });
    });

    it('refuses a twofold:// link that is not an enrollment, and says why', async () => {
      expect(await secondInstance('twofold://settings')).toBe(0);
      await page.getByRole('status').filter({ hasText: 'Twofold opens only otpauth:// links' }).waitFor();
    });
  });

  describe('window', () => {
    it('closing the window keeps Twofold running in the tray; starting it again brings the window back', async () => {
      await updateSettings({ closeToTray: true });
      const closed = app.evaluate(({ BrowserWindow }) => new Promise<void>((resolve) => {
        const window = BrowserWindow.getAllWindows()[0]!;
        window.once('closed', () => resolve());
        window.close();
      }));
      await closed;
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(0);
      const reopened = app.waitForEvent('window');
      expect(await secondInstance()).toBe(0);
      page = await reopened;
      await page.waitForURL('app://twofold/index.html');
    });

    it('remembers its size and position across restarts', async () => {
      const wanted = await app.evaluate(({ BrowserWindow, screen }) => {
        const area = screen.getPrimaryDisplay().workArea;
        const bounds = { x: area.x + 40, y: area.y + 30, width: 500, height: 600 };
        BrowserWindow.getAllWindows()[0]!.setBounds(bounds);
        return BrowserWindow.getAllWindows()[0]!.getNormalBounds();
      });
      await app.close();
      await launch();
      const restored = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.getNormalBounds());
      expect(restored).toEqual(wanted);
      await unlock();
    });
  });

  describe('start at login', () => {
    it('registers Twofold to start at login, hidden, and removes it again', async () => {
      const autostart = path.join(configHome, 'autostart', 'twofold.desktop');
      const registered = async (): Promise<boolean> =>
        process.platform === 'linux' ? fs.existsSync(autostart) : app.evaluate(({ app: electronApp }) => electronApp.getLoginItemSettings().openAtLogin);
      try {
        await updateSettings({ startAtLogin: true });
        expect(await registered()).toBe(true);
        if (process.platform === 'linux') expect(fs.readFileSync(autostart, 'utf8')).toMatch(/^Exec=.* --hidden$/m);
      } finally {
        // Never leave a developer's machine with a login item pointing at a test build.
        await updateSettings({ startAtLogin: false });
      }
      expect(await registered()).toBe(false);
    });
  });
});
