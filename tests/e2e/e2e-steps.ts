/**
 * Steps shared by the end-to-end specs: what a user does in the UI (create a vault, add an
 * account), what they see (a row's code), and the independent checks (oathtool, axe-core).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { repoRoot } from '../harness/bridge';

/** The passphrase the specs create vaults with. */
export const PASSPHRASE = 'correct horse battery staple';

/** A clock start 3 s into a 30 s TOTP period (1_700_000_010 is a period boundary), so no test starts near a code change. */
export const START_TIME = 1_700_000_013_000;

/** Sample accounts the specs add: their links, secrets and names as the list shows them. */
export const GITHUB_SECRET = 'JBSWY3DPEHPK3PXP';
export const GITHUB_URI = `otpauth://totp/GitHub:alice@example.com?secret=${GITHUB_SECRET}&issuer=GitHub`;
export const GITHUB = 'GitHub (alice@example.com)';
export const GITLAB_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
export const GITLAB_URI = `otpauth://totp/GitLab:bob@example.org?secret=${GITLAB_SECRET}&issuer=GitLab`;
export const GITLAB = 'GitLab (bob@example.org)';
export const BANK_URI = 'otpauth://totp/Bank:carol?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ&issuer=Bank';
export const BANK = 'Bank (carol)';

/** Creates a vault through the first-run screen and waits for the (empty) code list. */
export async function createVault(page: Page, passphrase = PASSPHRASE): Promise<void> {
  await page.getByRole('heading', { name: 'Welcome to Twofold' }).waitFor();
  await page.getByLabel('Passphrase', { exact: true }).fill(passphrase);
  await page.getByLabel('Confirm passphrase').fill(passphrase);
  await page.getByRole('button', { name: 'Create vault' }).click();
  await page.getByRole('searchbox', { name: 'Search accounts' }).waitFor();
}

/** Opens the add-account dialog on the given tab and returns the dialog. */
export async function openAddDialog(page: Page, tab: 'URI' | 'QR image' | 'Manual' = 'URI'): Promise<Locator> {
  await page.getByRole('banner').getByRole('button', { name: 'Add account' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add account' });
  await dialog.waitFor();
  if (tab !== 'URI') await dialog.getByRole('tab', { name: tab }).click();
  return dialog;
}

/** Adds an account by pasting its otpauth URI, and waits until its row shows a code. */
export async function addByUri(page: Page, uri: string, rowName: string): Promise<void> {
  const dialog = await openAddDialog(page);
  await dialog.getByLabel('otpauth URI').fill(uri);
  await dialog.getByRole('button', { name: 'Add account' }).click();
  await dialog.waitFor({ state: 'detached' });
  await waitForCode(page, rowName);
}

/** The list row of an account, by the name it announces ("GitHub (alice@example.com)"). */
export function row(page: Page, name: string): Locator {
  return page.getByRole('listitem', { name, exact: true });
}

/** The copy button of a row (named "Copy code: <names> <code>" by its content). */
export function copyButton(page: Page, name: string): Locator {
  return row(page, name).getByRole('button', { name: /^Copy code/ });
}

/** The code a row shows, digits only ("" while it is still a placeholder). */
export async function shownCode(page: Page, name: string): Promise<string> {
  const text = (await row(page, name).getByTestId(/^code-/).textContent()) ?? '';
  return /\d/.test(text) ? text.replace(/\s/g, '') : '';
}

/** Waits until a row shows a code (not the placeholder) and returns it. */
export async function waitForCode(page: Page, name: string): Promise<string> {
  await row(page, name).getByTestId(/^code-/).filter({ hasText: /\d/ }).waitFor();
  return shownCode(page, name);
}

/** The names of the rows, top to bottom. */
export async function rowNames(page: Page): Promise<string[]> {
  const rows = await page.getByRole('list', { name: 'Accounts' }).getByRole('listitem').evaluateAll((items) =>
    items.map((item) => ({ name: item.getAttribute('aria-label') ?? '', at: Number(item.getAttribute('aria-posinset')) })),
  );
  return rows.sort((a, b) => a.at - b.at).map((r) => r.name);
}

/** What Debian's oathtool (an independent implementation) says the TOTP code is at `clockMs`. */
export function oathtoolTotp(
  secret: string,
  clockMs: number,
  options: { algorithm?: 'sha1' | 'sha256' | 'sha512'; digits?: number; period?: number } = {},
): string {
  const args = [
    `--totp=${options.algorithm ?? 'sha1'}`,
    '-b',
    secret,
    '-d',
    String(options.digits ?? 6),
    '-s',
    `${options.period ?? 30}s`,
    '-N',
    `@${Math.floor(clockMs / 1000)}`,
  ];
  return execFileSync('oathtool', args, { encoding: 'utf8' }).trim();
}

/** What oathtool says the HOTP code is for `counter`. */
export function oathtoolHotp(secret: string, counter: number, digits = 6): string {
  return execFileSync('oathtool', ['--hotp', '-b', secret, '-d', String(digits), '-c', String(counter)], {
    encoding: 'utf8',
  }).trim();
}

/** Writes a QR code PNG of `text` with Debian's qrencode into a fresh temp folder; returns its path and a cleanup. */
export function qrencodePng(text: string): { path: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'twofold-qr-'));
  const path = join(dir, 'account.png');
  execFileSync('qrencode', ['-o', path, '-s', '6', text]);
  return { path, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

let axeSource: string | undefined;

/**
 * Runs axe-core on the page and returns its serious and critical violations, one line each.
 * The page's CSP refuses inline scripts, so axe is evaluated through the DevTools protocol
 * (page.evaluate), which the CSP does not govern, rather than injected as a <script>.
 */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  axeSource ??= readFileSync(join(repoRoot, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => 'axe' in window))) {
    await page.evaluate(`${axeSource}\n;window.axe = axe; undefined`);
  }
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<AxeResults> } }).axe;
    interface AxeResults {
      violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
    }
    const results = await axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => JSON.stringify(n.target)),
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.targets.join(', ')}`);
}
