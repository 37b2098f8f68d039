/**
 * End to end, in real Chromium with the real core: adding accounts (URI, QR image, manual),
 * the codes shown (checked against oathtool), copying, search, edit, delete and undo, keyboard use.
 */
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTwofold, repoRoot, type TwofoldPage } from '../harness/bridge';
import {
  addByUri,
  BANK,
  BANK_URI,
  copyButton,
  createVault,
  GITHUB,
  GITHUB_SECRET,
  GITHUB_URI,
  GITLAB,
  GITLAB_SECRET,
  GITLAB_URI,
  oathtoolHotp,
  oathtoolTotp,
  openAddDialog,
  qrencodePng,
  row,
  rowNames,
  seriousA11yViolations,
  shownCode,
  START_TIME,
  waitForCode,
} from './e2e-steps';
import { useChromium } from './use-chromium';

const browser = useChromium();
let tf: TwofoldPage;

beforeEach(async () => {
  tf = await openTwofold(browser(), { startTime: START_TIME });
  await createVault(tf.page);
});
afterEach(async () => {
  await tf?.close();
});

describe('adding accounts', () => {
  it('adds an account by URI and shows the code oathtool computes, then the next one', async () => {
    const { page } = tf;
    await addByUri(page, GITHUB_URI, GITHUB);
    expect(await shownCode(page, GITHUB)).toBe(oathtoolTotp(GITHUB_SECRET, tf.clock.now()));
    // Grouped 3+3 on screen.
    expect(await row(page, GITHUB).getByTestId(/^code-/).textContent()).toMatch(/^\d{3} \d{3}$/);

    // In the last 5 s of the period the row also shows the next code.
    tf.advance(23_000);
    const nextLine = row(page, GITHUB).getByTestId(/^next-code-/);
    await nextLine.waitFor();
    expect((await nextLine.textContent())?.replace(/\s/g, '')).toBe(
      `next:${oathtoolTotp(GITHUB_SECRET, tf.clock.now() + 30_000)}`,
    );

    // Once the period turns, the code is the new one.
    tf.advance(30_000);
    const expected = oathtoolTotp(GITHUB_SECRET, tf.clock.now());
    await expect.poll(() => shownCode(page, GITHUB), { timeout: 5_000 }).toBe(expected);
  });

  it('adds an account from a QR image made by qrencode', async () => {
    const { page } = tf;
    const qr = qrencodePng(GITLAB_URI);
    try {
      const dialog = await openAddDialog(page, 'QR image');
      await dialog.getByLabel('QR code image (PNG or JPEG)').setInputFiles(qr.path);
      await dialog.waitFor({ state: 'detached' });
    } finally {
      qr.cleanup();
    }
    expect(await waitForCode(page, GITLAB)).toBe(oathtoolTotp(GITLAB_SECRET, tf.clock.now()));
  });

  it('adds an 8-digit SHA-256 account by hand and shows the code oathtool computes', async () => {
    const { page } = tf;
    const dialog = await openAddDialog(page, 'Manual');
    await dialog.getByLabel('Issuer').fill('Cloud');
    await dialog.getByLabel('Account name').fill('ops@example.net');
    // Lower case with spaces, as sites often show it.
    await dialog.getByLabel('Secret key').fill('mzxw 6ytb oi4d gmzu');
    await dialog.getByLabel('Algorithm').selectOption('SHA256');
    await dialog.getByLabel('Digits').selectOption('8');
    await dialog.getByLabel('Period (seconds)').fill('60');
    await dialog.getByLabel('Colour').selectOption({ label: 'Green' });
    await dialog.getByRole('button', { name: 'Add account' }).click();
    await dialog.waitFor({ state: 'detached' });

    const code = await waitForCode(page, 'Cloud (ops@example.net)');
    expect(code).toBe(oathtoolTotp('MZXW6YTBOI4DGMZU', tf.clock.now(), { algorithm: 'sha256', digits: 8, period: 60 }));
    expect(await row(page, 'Cloud (ops@example.net)').getByTestId(/^code-/).textContent()).toMatch(/^\d{4} \d{4}$/);
  });

  it('shows what is wrong next to the field, without adding anything', async () => {
    const { page } = tf;
    const dialog = await openAddDialog(page);
    await dialog.getByLabel('otpauth URI').fill('otpauth://totp/Example:alice?issuer=Example');
    await dialog.getByRole('button', { name: 'Add account' }).click();
    const uriError = dialog.getByRole('alert');
    await uriError.waitFor();
    expect(await uriError.textContent()).toMatch(/secret/i);
    expect(await dialog.getByLabel('otpauth URI').getAttribute('aria-invalid')).toBe('true');

    await dialog.getByRole('tab', { name: 'Manual' }).click();
    await dialog.getByLabel('Issuer').fill('Example');
    await dialog.getByLabel('Account name').fill('alice');
    await dialog.getByLabel('Secret key').fill('not base32!');
    await dialog.getByRole('button', { name: 'Add account' }).click();
    await dialog.getByRole('alert').waitFor();
    expect(await dialog.getByLabel('Secret key').getAttribute('aria-invalid')).toBe('true');

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByTestId('account-row').count()).toBe(0);
  });

  it('asks what to do with a duplicate: cancel, replace, or add anyway', async () => {
    const { page } = tf;
    await addByUri(page, GITHUB_URI, GITHUB);

    const addAgain = async (): Promise<Locator> => {
      const dialog = await openAddDialog(page);
      await dialog.getByLabel('otpauth URI').fill(GITHUB_URI);
      await dialog.getByRole('button', { name: 'Add account' }).click();
      await dialog.getByRole('heading', { name: 'This account already exists' }).waitFor();
      return dialog;
    };

    // Cancel: back to the form, nothing added.
    let dialog = await addAgain();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.getByLabel('otpauth URI').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await rowNames(page)).toEqual([GITHUB]);

    // Replace: still one account.
    dialog = await addAgain();
    await dialog.getByRole('button', { name: 'Replace existing' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('status').getByText('Replaced GitHub').waitFor();
    expect(await rowNames(page)).toEqual([GITHUB]);

    // Add anyway: two rows with the same code.
    dialog = await addAgain();
    await dialog.getByRole('button', { name: 'Add anyway' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => rowNames(page)).toEqual([GITHUB, GITHUB]);
  });
});

describe('using codes', () => {
  it('copies a code on click, then main clears the clipboard after 30 s', async () => {
    const { page } = tf;
    await addByUri(page, GITHUB_URI, GITHUB);
    const code = await shownCode(page, GITHUB);

    await copyButton(page, GITHUB).click();
    await page.getByRole('status').getByText('Copied').waitFor();
    expect(tf.clipboard.text).toBe(code);

    tf.advance(30_000);
    expect(tf.clipboard.text).toBe('');
    await page.getByRole('status').getByText('Clipboard cleared').waitFor();
  });

  it('moves between rows with the arrow keys, copies with Enter and reorders with Alt+arrows', async () => {
    const { page } = tf;
    await addByUri(page, GITHUB_URI, GITHUB);
    await addByUri(page, GITLAB_URI, GITLAB);
    await addByUri(page, BANK_URI, BANK);
    expect(await rowNames(page)).toEqual([GITHUB, GITLAB, BANK]);

    await copyButton(page, GITHUB).focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByRole('status').getByText('Copied').waitFor();
    expect(tf.clipboard.text).toBe(oathtoolTotp(GITLAB_SECRET, tf.clock.now()));

    const focusedRow = (): Promise<string | null | undefined> =>
      page.evaluate(() => document.activeElement?.closest('[role="listitem"]')?.getAttribute('aria-label'));
    await page.keyboard.press('End');
    expect(await focusedRow()).toBe(BANK);
    await page.keyboard.press('Home');
    expect(await focusedRow()).toBe(GITHUB);
    await page.keyboard.press('End');
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(() => rowNames(page)).toEqual([GITHUB, BANK, GITLAB]);
    expect((await tf.core.api.accounts.list({ query: '' })).map((a) => a.issuer)).toEqual(['GitHub', 'Bank', 'GitLab']);
    // Focus follows the moved account.
    await expect.poll(focusedRow).toBe(BANK);
  });

  it('applies the time offset from Settings to the codes', async () => {
    const { page } = tf;
    await addByUri(page, GITHUB_URI, GITHUB);
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await dialog.getByLabel('Time offset (seconds)').fill('90');
    await dialog.getByRole('button', { name: 'Save settings' }).click();
    await dialog.getByText('Settings saved.').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });

    const expected = oathtoolTotp(GITHUB_SECRET, tf.clock.now() + 90_000);
    expect(expected).not.toBe(oathtoolTotp(GITHUB_SECRET, tf.clock.now()));
    await expect.poll(() => shownCode(page, GITHUB), { timeout: 5_000 }).toBe(expected);
  });

  it('gives an HOTP account its next code only when asked', async () => {
    const { page } = tf;
    const secret = 'GEZDGNBVGY3TQOJQ';
    await addByUri(page, `otpauth://hotp/Vpn:dave?secret=${secret}&issuer=Vpn&counter=5`, 'Vpn (dave)');
    expect(await shownCode(page, 'Vpn (dave)')).toBe(oathtoolHotp(secret, 5));

    await page.getByRole('button', { name: 'Next code for Vpn (dave)' }).click();
    await expect.poll(() => shownCode(page, 'Vpn (dave)')).toBe(oathtoolHotp(secret, 6));
  });
});

describe('managing accounts', () => {
  it('searches across issuer and label; Ctrl+F focuses the field and Escape clears it', async () => {
    const { page } = tf;
    await addByUri(page, GITHUB_URI, GITHUB);
    await addByUri(page, GITLAB_URI, GITLAB);
    await addByUri(page, BANK_URI, BANK);

    await copyButton(page, GITHUB).focus();
    await page.keyboard.press('Control+f');
    const search = page.getByRole('searchbox', { name: 'Search accounts' });
    expect(await search.evaluate((el) => el === document.activeElement)).toBe(true);

    await page.keyboard.type('git');
    await expect.poll(() => rowNames(page)).toEqual([GITHUB, GITLAB]);
    await search.fill('bob');
    await expect.poll(() => rowNames(page)).toEqual([GITLAB]);
    await search.fill('nothing like this');
    await page.getByText('No accounts match').waitFor();

    await page.keyboard.press('Escape');
    expect(await search.inputValue()).toBe('');
    await expect.poll(() => rowNames(page)).toEqual([GITHUB, GITLAB, BANK]);
  });

  it('edits issuer, label, colour and pin', async () => {
    const { page } = tf;
    await addByUri(page, GITHUB_URI, GITHUB);
    await addByUri(page, GITLAB_URI, GITLAB);

    await page.getByRole('button', { name: `Edit ${GITLAB}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit GitLab' });
    await dialog.getByLabel('Issuer').fill('GitLab Work');
    await dialog.getByLabel('Account name').fill('bob@work.example');
    await dialog.getByLabel('Colour').selectOption({ label: 'Orange' });
    await dialog.getByLabel('Pin to the top of the list').check();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });

    const renamed = 'GitLab Work (bob@work.example)';
    // Pinned accounts come first and carry a pin mark.
    await expect.poll(() => rowNames(page)).toEqual([renamed, GITHUB]);
    expect(await copyButton(page, renamed).textContent()).toContain('(pinned)');
    const [stored] = await tf.core.api.accounts.list({ query: 'work' });
    expect(stored).toMatchObject({ issuer: 'GitLab Work', label: 'bob@work.example', color: '#e07b1a', pinned: true });
  });

  it('shows the secret only after a warning, and forgets it when the dialog closes', async () => {
    const { page } = tf;
    await addByUri(page, GITHUB_URI, GITHUB);
    await page.getByRole('button', { name: `Edit ${GITHUB}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit GitHub' });
    await dialog.getByRole('button', { name: 'Show secret…' }).click();
    await dialog.getByText('Anyone who sees the secret can make your codes. Show it?').waitFor();
    await dialog.getByRole('button', { name: 'Show secret', exact: true }).click();
    expect(await dialog.getByLabel('Secret key').inputValue()).toBe(GITHUB_SECRET);
    expect(await dialog.getByLabel('otpauth URI').inputValue()).toContain(`secret=${GITHUB_SECRET}`);

    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(GITHUB_SECRET);
  });

  it('deletes an account and brings it back with Undo', async () => {
    const { page } = tf;
    await addByUri(page, GITHUB_URI, GITHUB);
    await addByUri(page, GITLAB_URI, GITLAB);

    await page.getByRole('button', { name: `Edit ${GITHUB}` }).click();
    await page.getByRole('dialog', { name: 'Edit GitHub' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('status').getByText('Deleted GitHub').waitFor();
    await expect.poll(() => rowNames(page)).toEqual([GITLAB]);

    await page.getByRole('status').getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => rowNames(page)).toEqual([GITHUB, GITLAB]);
    expect(await waitForCode(page, GITHUB)).toBe(oathtoolTotp(GITHUB_SECRET, tf.clock.now()));
  });
});

describe('accessibility and looks', () => {
  it('has no serious or critical accessibility violations on the code list and its dialogs', async () => {
    const { page } = tf;
    await page.getByText('No accounts yet.').waitFor();
    expect(await seriousA11yViolations(page)).toEqual([]);

    await addByUri(page, GITHUB_URI, GITHUB);
    await addByUri(page, 'otpauth://hotp/Vpn:dave?secret=GEZDGNBVGY3TQOJQ&issuer=Vpn&counter=0', 'Vpn (dave)');
    expect(await seriousA11yViolations(page)).toEqual([]);

    const dialog = await openAddDialog(page);
    for (const tab of ['URI', 'QR image', 'Manual'] as const) {
      await dialog.getByRole('tab', { name: tab }).click();
      await dialog.getByRole('tab', { name: tab, selected: true }).waitFor();
      expect(await seriousA11yViolations(page), `add dialog, ${tab} tab`).toEqual([]);
    }
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: `Edit ${GITHUB}` }).click();
    const edit = page.getByRole('dialog', { name: 'Edit GitHub' });
    await edit.getByRole('button', { name: 'Show secret…' }).click();
    await edit.getByRole('button', { name: 'Show secret', exact: true }).click();
    await edit.getByLabel('Secret key').waitFor();
    expect(await seriousA11yViolations(page), 'edit dialog').toEqual([]);
    await page.keyboard.press('Escape');
    await edit.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('dialog', { name: 'Settings' }).getByText('Save settings').waitFor();
    expect(await seriousA11yViolations(page), 'settings dialog').toEqual([]);
  });

  it('has no serious or critical violations in dark mode', async () => {
    await tf.page.emulateMedia({ colorScheme: 'dark' });
    await addByUri(tf.page, GITHUB_URI, GITHUB);
    expect(await seriousA11yViolations(tf.page)).toEqual([]);
  });

  it('saves a screenshot of the code list for the README', async () => {
    const { page } = tf;
    await addByUri(page, GITHUB_URI, GITHUB);
    await addByUri(page, GITLAB_URI, GITLAB);
    await addByUri(page, BANK_URI, BANK);
    await addByUri(page, 'otpauth://totp/AWS:admin@acme.example?secret=MFRGGZDFMZTWQ2LK&issuer=AWS', 'AWS (admin@acme.example)');
    await addByUri(page, 'otpauth://hotp/Vpn:dave?secret=GEZDGNBVGY3TQOJQ&issuer=Vpn&counter=0', 'Vpn (dave)');
    const [aws] = await tf.core.api.accounts.list({ query: 'aws' });
    await tf.core.api.accounts.update({ id: aws!.id, color: '#2f6fdf', pinned: true });
    const [bank] = await tf.core.api.accounts.list({ query: 'bank' });
    await tf.core.api.accounts.update({ id: bank!.id, color: '#2e9d5b' });
    await expect.poll(() => rowNames(page)).toEqual(['AWS (admin@acme.example)', GITHUB, GITLAB, BANK, 'Vpn (dave)']);
    await waitForCode(page, 'AWS (admin@acme.example)');
    // Let the "Added" toasts go, so the picture shows the list alone.
    await page.getByTestId(/^toast-/).first().waitFor({ state: 'detached', timeout: 10_000 });
    await page.locator(':focus').evaluateAll((elements) => elements.forEach((el) => (el as HTMLElement).blur()));
    await page.screenshot({ path: join(repoRoot, 'docs', 'screenshot.png') });
  });
});
