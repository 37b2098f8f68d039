/**
 * Specs of the real app in Electron, through Playwright's `_electron`. They launch the built app
 * (`npm run build` first) exactly as `npm start` does (`electron .`), with a fresh userData folder
 * passed through TWOFOLD_USER_DATA.
 *
 * Where the Electron binary is absent (its postinstall download is blocked on some machines) the
 * whole file is skipped and says so in one line. On Linux the app needs a display (e.g. xvfb-run).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as OTPAuth from 'otpauth';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropFiles, openFromMenu, previewEntry } from '../e2e/import-export-steps';
import { electronExecutable, electronLaunchEnv, mainBundle, repoRoot, rootArgs } from './electron-binary';

// Without a binary the file skips itself; electron-global-setup.ts prints the one line saying so.
const executable = electronExecutable();

const SECRET = 'JBSWY3DPEHPK3PXP';
const URI = `otpauth://totp/ACME:alice%40example.com?secret=${SECRET}&issuer=ACME`;
const PASSPHRASE = 'correct horse battery staple';

/** The page's view of window.twofold, as far as these specs look at it. */
type PageWindow = Window & { twofold?: Record<string, unknown>; require?: unknown };

describe.skipIf(executable === null)('Twofold in Electron', () => {
  let userData: string;
  let app: ElectronApplication;
  let page: Page;

  /** The launch environment: ours, plus the test's userData folder, minus run-as-node. */
  const launchEnv = (): Record<string, string> => electronLaunchEnv({ TWOFOLD_USER_DATA: userData });

  beforeAll(async () => {
    if (!fs.existsSync(mainBundle)) throw new Error(`${mainBundle} is missing. Run \`npm run build\` first.`);
    userData = fs.mkdtempSync(path.join(os.tmpdir(), 'twofold-electron-'));
    app = await _electron.launch({
      executablePath: executable!,
      args: [...rootArgs, repoRoot],
      cwd: repoRoot,
      env: launchEnv(),
    });
    page = await app.firstWindow();
    await page.waitForURL('app://twofold/index.html');
  });

  afterAll(async () => {
    await app?.close();
    if (userData) fs.rmSync(userData, { recursive: true, force: true });
  });

  it('loads the renderer from app://twofold/index.html', async () => {
    expect(page.url()).toBe('app://twofold/index.html');
    expect(await page.title()).toBe('Twofold');
  });

  it('runs the window sandboxed and context-isolated, with no Node in the page', async () => {
    const prefs = await app.evaluate(({ BrowserWindow }) => {
      // getLastWebPreferences is Electron's own (used by its specs) but absent from the typings.
      const contents = BrowserWindow.getAllWindows()[0]?.webContents as unknown as
        | { getLastWebPreferences(): Record<string, unknown> | null }
        | undefined;
      const p = contents?.getLastWebPreferences();
      return p
        ? {
            sandbox: p.sandbox,
            contextIsolation: p.contextIsolation,
            nodeIntegration: p.nodeIntegration,
            nodeIntegrationInWorker: p.nodeIntegrationInWorker,
            webSecurity: p.webSecurity,
            webviewTag: p.webviewTag,
          }
        : null;
    });
    expect(prefs).toEqual({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
    });
    expect(await page.evaluate(() => typeof (window as PageWindow).require)).toBe('undefined');
    expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
  });

  it('exposes window.twofold built from the contract, with no generic invoke', async () => {
    const shape = await page.evaluate(() => {
      const api = (window as PageWindow).twofold;
      if (!api) return null;
      return {
        keys: Object.keys(api).sort(),
        vault: Object.keys(api['vault'] as object).sort(),
        hasIpc: ['invoke', 'send', 'on', 'ipcRenderer', 'sendSync'].some((name) => name in api),
      };
    });
    expect(shape).not.toBeNull();
    expect(shape!.keys).toEqual(['accounts', 'app', 'codes', 'events', 'settings', 'vault']);
    expect(shape!.vault).toContain('unlock');
    expect(shape!.hasIpc).toBe(false);
  });

  it('serves app:// with the strict CSP header and refuses paths outside the renderer', async () => {
    const responses = await app.evaluate(async ({ net }) => {
      const index = await net.fetch('app://twofold/index.html');
      const outside = await net.fetch('app://twofold/%2e%2e%2fmain%2findex.cjs');
      const otherHost = await net.fetch('app://elsewhere/index.html');
      return {
        status: index.status,
        csp: index.headers.get('content-security-policy'),
        nosniff: index.headers.get('x-content-type-options'),
        outside: outside.status,
        otherHost: otherHost.status,
      };
    });
    expect(responses.status).toBe(200);
    expect(responses.csp).toContain("default-src 'none'");
    expect(responses.csp).toContain("connect-src 'none'");
    expect(responses.nosniff).toBe('nosniff');
    expect(responses.outside).toBe(404);
    expect(responses.otherHost).toBe(404);
  });

  it('blocks navigation away from the app', async () => {
    // Listen in main first. Our guard was registered earlier, so it has already run when these fire;
    // which of the two events Electron emits first differs between versions, so take either.
    await app.evaluate(({ BrowserWindow }) => {
      const contents = BrowserWindow.getAllWindows()[0]!.webContents;
      (globalThis as Record<string, unknown>)['twofoldNavigation'] = new Promise<{ url: string; prevented: boolean }>(
        (resolve) => {
          const seen = (event: { url: string; defaultPrevented: boolean }): void =>
            resolve({ url: event.url, prevented: event.defaultPrevented });
          contents.once('will-navigate', seen);
          contents.once('will-frame-navigate', seen);
        },
      );
    });
    await page.evaluate(() => {
      window.location.href = 'https://example.com/';
    });
    const seen = await app.evaluate(
      () => (globalThis as Record<string, unknown>)['twofoldNavigation'] as Promise<{ url: string; prevented: boolean }>,
    );
    expect(seen).toEqual({ url: 'https://example.com/', prevented: true });
    expect(await page.evaluate(() => window.location.href)).toBe('app://twofold/index.html');
  });

  it('refuses window.open and permission requests', async () => {
    expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
    expect(await page.evaluate(() => Notification.requestPermission())).toBe('denied');
  });

  it('lets a second instance hand over to the first and exit', async () => {
    const second = spawn(executable!, [...rootArgs, repoRoot], { cwd: repoRoot, env: launchEnv(), stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
    expect(code).toBe(0);
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  });

  it('creates a vault, adds an account from a URI and shows its current code', async () => {
    await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByLabel('Confirm passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Create vault' }).click();

    await page.getByRole('button', { name: 'Add account', exact: true }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('otpauth URI').fill(URI);
    await dialog.getByRole('button', { name: 'Add account', exact: true }).click();

    const code = page.getByTestId('account-row').first().locator('.code');
    await code.filter({ hasText: /^\d{3} \d{3}$/ }).waitFor();
    const shown = (await code.textContent())!.replace(/\s/g, '');

    // Compare with an independent computation; the shown code may belong to the previous or next step.
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(SECRET) });
    const now = Date.now();
    const candidates = [-30_000, 0, 30_000].map((delta) => totp.generate({ timestamp: now + delta }));
    expect(candidates).toContain(shown);
    expect(fs.existsSync(path.join(userData, 'vault.json'))).toBe(true);
    // The seed never reaches the page.
    expect(await page.content()).not.toContain(SECRET);
  });
  it('imports a dropped link list through the preview, with the existing account flagged', async () => {
    const file = path.join(userData, 'links.txt');
    const second = 'otpauth://totp/Example:bob%40example.com?secret=KRSXG5CTMVRXEZLUKN2XAZLSKRSXG5CT&issuer=Example';
    fs.writeFileSync(file, `${URI}\n${second}\n`);
    await dropFiles(page, [file]);
    const dialog = page.getByRole('dialog', { name: 'Import accounts' });
    await previewEntry(dialog, 'ACME (alice@example.com)').getByText('Already in Twofold').waitFor();
    await dialog.getByRole('button', { name: 'Add 1 account' }).click();
    await page.getByTestId('account-row').filter({ hasText: 'bob@example.com' }).waitFor();
    expect(await page.getByTestId('account-row').count()).toBe(2);
    expect(await page.content()).not.toContain('KRSXG5CTMVRXEZLUKN2XAZLSKRSXG5CT');
  });

  it('opens the export dialog from the menu and closes it with Escape', async () => {
    const dialog = await openFromMenu(page, 'Export…');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
  });
});
