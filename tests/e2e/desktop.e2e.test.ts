/**
 * End to end, in real Chromium with the real core: living on the desktop. The quick-search palette
 * (Ctrl+K or main's `command` event; Enter copies the code oathtool computes), commands from the
 * menu, tray and shortcut (waiting for the unlock when the vault is locked), links that open
 * Twofold, the desktop settings, what a managed policy shows, and the "update ready" notice.
 */
import type { Locator, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UpdateStatus } from '../../common/api-contract';
import type { Updater } from '../../main/core/ports';
import { resolvePolicy } from '../../main/core/policy/policy-schema';
import { fakeDesktop, LOGIN_ITEM_REFUSED, takenMessage } from '../fixtures/fake-desktop';
import { openTwofold, type TwofoldPage } from '../harness/bridge';
import {
  addByUri,
  BANK,
  BANK_URI,
  createVault,
  GITHUB,
  GITHUB_SECRET,
  GITHUB_URI,
  GITLAB,
  GITLAB_SECRET,
  GITLAB_URI,
  oathtoolTotp,
  PASSPHRASE,
  row,
  seriousA11yViolations,
  START_TIME,
} from './e2e-steps';
import { useChromium } from './use-chromium';

const browser = useChromium();
let tf: TwofoldPage;

afterEach(async () => {
  await tf?.close();
});

/** The palette dialog. */
function palette(page: Page): Locator {
  return page.getByRole('dialog', { name: 'Quick search' });
}

/** The names of the palette's options, top to bottom. */
async function optionNames(page: Page): Promise<string[]> {
  return palette(page).getByRole('option').evaluateAll((options) =>
    options.map((option) => option.querySelector('.quick-search-name')?.textContent ?? ''),
  );
}

/** The option the palette has selected (aria-selected), by its name. */
async function selectedName(page: Page): Promise<string> {
  return (await palette(page).getByRole('option', { selected: true }).locator('.quick-search-name').textContent()) ?? '';
}

/** Opens Settings once the shortcut field shows the saved (default) shortcut; returns the dialog and that field. */
async function openSettingsAtShortcut(page: Page): Promise<{ dialog: Locator; shortcut: Locator }> {
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  const shortcut = dialog.getByRole('textbox', { name: 'Quick search shortcut' });
  await expect.poll(() => shortcut.inputValue()).toBe('CommandOrControl+Shift+2');
  return { dialog, shortcut };
}

async function addThreeAccounts(page: Page): Promise<void> {
  await addByUri(page, GITHUB_URI, GITHUB);
  await addByUri(page, GITLAB_URI, GITLAB);
  await addByUri(page, BANK_URI, BANK);
}

describe('quick-search palette', () => {
  beforeEach(async () => {
    tf = await openTwofold(browser(), { startTime: START_TIME });
    await createVault(tf.page);
  });

  it('opens with Ctrl+K, filters as the user types, and Enter copies the selected account’s code', async () => {
    const { page } = tf;
    await addThreeAccounts(page);

    await page.keyboard.press('Control+k');
    await palette(page).waitFor();
    const box = palette(page).getByRole('combobox', { name: 'Search accounts to copy a code' });
    await expect.poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
    await expect.poll(() => optionNames(page)).toEqual(['GitHub (alice@example.com)', 'GitLab (bob@example.org)', 'Bank (carol)']);

    await page.keyboard.type('git');
    await expect.poll(() => optionNames(page)).toEqual(['GitHub (alice@example.com)', 'GitLab (bob@example.org)']);
    expect(await selectedName(page)).toBe('GitHub (alice@example.com)');
    // The options show the current codes, as oathtool computes them.
    await expect
      .poll(async () => (await palette(page).getByRole('option', { name: /GitLab/ }).locator('.quick-search-code').textContent())?.replace(/\s/g, ''))
      .toBe(oathtoolTotp(GITLAB_SECRET, tf.clock.now()));

    await page.keyboard.press('ArrowDown');
    await expect.poll(() => selectedName(page)).toBe('GitLab (bob@example.org)');
    // The selection is announced through the combobox.
    const activeId = await box.getAttribute('aria-activedescendant');
    expect(await page.locator(`[id="${activeId}"]`).textContent()).toContain('GitLab');

    await page.keyboard.press('Enter');
    await palette(page).waitFor({ state: 'detached' });
    await page.getByTestId('toast-clipboard').filter({ hasText: 'Copied.' }).waitFor();
    expect(tf.clipboard.text).toBe(oathtoolTotp(GITLAB_SECRET, tf.clock.now()));
    // The main list's search is left as it was.
    expect(await page.getByRole('searchbox', { name: 'Search accounts' }).inputValue()).toBe('');
  });

  it('wraps the selection with the arrows and closes on Escape without copying', async () => {
    const { page } = tf;
    await addThreeAccounts(page);
    await page.keyboard.press('Control+k');
    await expect.poll(() => optionNames(page)).toHaveLength(3);
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => selectedName(page)).toBe('Bank (carol)');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => selectedName(page)).toBe('GitHub (alice@example.com)');

    await page.keyboard.type('nothing like this');
    await palette(page).getByText('No accounts match “nothing like this”.').waitFor();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Escape');
    await palette(page).waitFor({ state: 'detached' });
    expect(tf.clipboard.text).toBe('');
  });

  it('opens from main’s quick-search command (the global shortcut, the tray, the menu)', async () => {
    const { page } = tf;
    await addByUri(page, GITHUB_URI, GITHUB);
    await tf.emitEvent('command', { name: 'quick-search' });
    await palette(page).waitFor();
    await expect.poll(() => optionNames(page)).toEqual([GITHUB]);
    await page.keyboard.press('Enter');
    await palette(page).waitFor({ state: 'detached' });
    expect(tf.clipboard.text).toBe(oathtoolTotp(GITHUB_SECRET, tf.clock.now()));
  });

  it('stays quick with 1,000 accounts: it shows the first 20 and typing narrows them', async () => {
    const { page } = tf;
    const lines = Array.from(
      { length: 1000 },
      (_, i) => `otpauth://totp/Service%20${i}:user${i}@example.com?secret=${GITHUB_SECRET}&issuer=Service%20${i}`,
    );
    const preview = await tf.core.api.import.preview({ source: { kind: 'text', text: lines.join('\n') }, passphrase: null, addTo: null });
    await tf.core.api.import.confirm({ previewId: preview.previewId, duplicates: 'add-anyway', exclude: [] });
    await row(page, 'Service 0 (user0@example.com)').waitFor();

    await page.keyboard.press('Control+k');
    await palette(page).getByText('Showing 20 of 1000 accounts. Type more to narrow them.').waitFor();
    expect(await optionNames(page)).toHaveLength(20);
    await page.keyboard.type('user777@');
    await expect.poll(() => optionNames(page)).toEqual(['Service 777 (user777@example.com)']);
    await page.keyboard.press('Enter');
    await palette(page).waitFor({ state: 'detached' });
    expect(tf.clipboard.text).toBe(oathtoolTotp(GITHUB_SECRET, tf.clock.now()));
  });
});

describe('quick-search palette accessibility', () => {
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`has no serious axe violations (${colorScheme})`, async () => {
      tf = await openTwofold(browser(), { startTime: START_TIME, colorScheme });
      await createVault(tf.page);
      await addByUri(tf.page, GITHUB_URI, GITHUB);
      await addByUri(tf.page, GITLAB_URI, GITLAB);
      await tf.page.keyboard.press('Control+k');
      await expect.poll(() => optionNames(tf.page)).toHaveLength(2);
      await tf.page.keyboard.press('ArrowDown');
      await expect.poll(() => selectedName(tf.page)).toBe(GITLAB);
      expect(await seriousA11yViolations(tf.page)).toEqual([]);
    });
  }
});

describe('commands from the menu, tray and shortcut', () => {
  beforeEach(async () => {
    tf = await openTwofold(browser(), { startTime: START_TIME });
    await createVault(tf.page);
  });

  it('opens the dialog each command names', async () => {
    const { page } = tf;
    const cases = [
      ['add-account', 'Add account'],
      ['import', 'Import accounts'],
      ['export', 'Export accounts'],
      ['settings', 'Settings'],
    ] as const;
    for (const [name, title] of cases) {
      await tf.emitEvent('command', { name });
      const dialog = page.getByRole('dialog', { name: title });
      await dialog.waitFor();
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
    }
    await tf.emitEvent('command', { name: 'review-requests' });
    await page.getByTestId('toast-push').filter({ hasText: 'No sign-in requests are waiting.' }).waitFor();
  });

  it('shows the unlock screen first when the vault is locked, then does what was asked', async () => {
    const { page } = tf;
    await addByUri(page, GITHUB_URI, GITHUB);
    await tf.core.lock('manual');
    await page.getByRole('heading', { name: 'Twofold is locked' }).waitFor();

    await tf.emitEvent('command', { name: 'quick-search' });
    await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await palette(page).waitFor();
    await expect.poll(() => optionNames(page)).toEqual([GITHUB]);
  });
});

describe('desktop settings', () => {
  beforeEach(async () => {
    tf = await openTwofold(browser(), { startTime: START_TIME });
    await createVault(tf.page);
  });

  it('saves the tray, start-at-login and shortcut settings', async () => {
    const { page } = tf;
    const { dialog, shortcut } = await openSettingsAtShortcut(page);
    const tray = dialog.getByRole('checkbox', { name: 'Keep running in the tray when the window is closed' });
    const login = dialog.getByRole('checkbox', { name: 'Start Twofold when you log in' });
    expect(await tray.isChecked()).toBe(true);
    expect(await login.isChecked()).toBe(false);

    await tray.uncheck();
    await login.check();
    await shortcut.fill('CommandOrControl+Alt+K');
    await dialog.getByRole('button', { name: 'Save settings' }).click();
    await dialog.getByText('Settings saved.').waitFor();
    const saved = await tf.core.api.settings.get({});
    expect(saved).toMatchObject({ closeToTray: false, startAtLogin: true, quickSearchShortcut: 'CommandOrControl+Alt+K' });

    // Empty turns the shortcut off.
    await shortcut.fill('');
    await dialog.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(async () => (await tf.core.api.settings.get({})).quickSearchShortcut).toBe('');
  });
});

describe('what the system refuses of the desktop settings', () => {
  it('shows a shortcut another app holds at its field, saves nothing, and a login item the system refused after saving', async () => {
    const { os, desktop } = fakeDesktop();
    tf = await openTwofold(browser(), { startTime: START_TIME, core: { desktop } });
    tf.core.applyDesktopSettings();
    await createVault(tf.page);
    const { page } = tf;
    os.takenByOtherApps.add('CommandOrControl+Alt+K');
    os.refuseLoginItem = true;

    const { dialog, shortcut } = await openSettingsAtShortcut(page);
    await shortcut.fill('CommandOrControl+Alt+K');
    await dialog.getByRole('button', { name: 'Save settings' }).click();
    await dialog.getByText(takenMessage('CommandOrControl+Alt+K')).waitFor();
    expect(await shortcut.getAttribute('aria-invalid')).toBe('true');
    expect((await tf.core.api.settings.get({})).quickSearchShortcut).toBe('CommandOrControl+Shift+2');
    expect(os.registered).toBe('CommandOrControl+Shift+2');

    // A free shortcut and start at login: saved, but the system refused the login item.
    await shortcut.fill('CommandOrControl+Alt+J');
    await dialog.getByRole('checkbox', { name: 'Start Twofold when you log in' }).check();
    await dialog.getByRole('button', { name: 'Save settings' }).click();
    await dialog.getByText('Settings saved.').waitFor();
    await dialog.getByText(LOGIN_ITEM_REFUSED).waitFor();
    expect(await dialog.getByText(takenMessage('CommandOrControl+Alt+K')).count()).toBe(0);
    expect(os.registered).toBe('CommandOrControl+Alt+J');
  });

  it('shows at the field a saved shortcut that another app took before Twofold started', async () => {
    const { os, desktop } = fakeDesktop();
    os.takenByOtherApps.add('CommandOrControl+Shift+2');
    tf = await openTwofold(browser(), { startTime: START_TIME, core: { desktop } });
    tf.core.applyDesktopSettings();
    await createVault(tf.page);
    const { page } = tf;
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    await dialog.getByText(takenMessage('CommandOrControl+Shift+2')).waitFor();
    expect(os.registered).toBeNull();
  });
});

describe('links that open Twofold', () => {
  beforeEach(async () => {
    tf = await openTwofold(browser(), { startTime: START_TIME });
    await createVault(tf.page);
  });

  it('shows an otpauth link’s preview in the import dialog, and confirming adds the account', async () => {
    const { page } = tf;
    await tf.core.openLink(GITHUB_URI);
    const dialog = page.getByRole('dialog', { name: 'Import accounts' });
    await dialog.waitFor();
    await dialog.getByText('GitHub').first().waitFor();
    await dialog.getByRole('button', { name: 'Add 1 account' }).click();
    await dialog.waitFor({ state: 'detached' });
    await row(page, GITHUB).waitFor();
    expect((await tf.core.api.accounts.list({ query: '' })).map((a) => a.issuer)).toEqual(['GitHub']);
  });

  it('says why a link was refused, without adding anything', async () => {
    const { page } = tf;
    await tf.core.openLink('otpauth://totp/Bank:carol?issuer=Bank');
    await page.getByTestId('toast-link').filter({ hasText: 'The URI has no secret parameter' }).waitFor();
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await tf.core.api.accounts.list({ query: '' })).toEqual([]);
  });
});

describe('the quick search shortcut setting', () => {
  it('shows the core’s reason at the field when the shortcut is not one it can register', async () => {
    tf = await openTwofold(browser(), { startTime: START_TIME });
    await createVault(tf.page);
    const { page } = tf;
    const { dialog, shortcut } = await openSettingsAtShortcut(page);
    await shortcut.fill('Ctrl+Banana');
    await dialog.getByRole('button', { name: 'Save settings' }).click();
    await expect.poll(() => shortcut.getAttribute('aria-invalid')).toBe('true');
    const errorId = (await shortcut.getAttribute('aria-describedby'))?.split(' ')[0] ?? '';
    expect(await page.locator(`[id="${errorId}"]`).textContent()).toMatch(/Banana/);
    expect((await tf.core.api.settings.get({})).quickSearchShortcut).toBe('CommandOrControl+Shift+2');
  });
});

describe('a machine with a managed policy', () => {
  beforeEach(async () => {
    const policy = resolvePolicy([
      {
        location: '/etc/twofold/policy.json',
        values: {
          MaxAutoLockMinutes: 10,
          DisablePlainExport: true,
          EnrollmentServerUrl: 'https://idp.example.com',
          EnrollmentServerFingerprint: 'A'.repeat(43),
          EnrollmentServerName: 'Example Corp',
          UpdatesDisabled: true,
          AutoLockMinutes: 3,
        },
      },
    ]);
    tf = await openTwofold(browser(), { startTime: START_TIME, core: { policy } });
    await createVault(tf.page);
  });

  it('marks the managed settings, caps auto-lock, and lists the policy’s problems', async () => {
    const { page } = tf;
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    const autoLock = dialog.getByRole('spinbutton', { name: 'Lock after this many idle minutes' });
    await autoLock.waitFor();
    await dialog.getByText('Managed by your organisation. At most 10 minutes.').waitFor();

    await autoLock.fill('30');
    await dialog.getByRole('button', { name: 'Save settings' }).click();
    await dialog.getByText('Your organisation allows at most 10 minutes. Enter a whole number from 1 to 10.').waitFor();
    await autoLock.fill('8');
    await dialog.getByRole('button', { name: 'Save settings' }).click();
    await dialog.getByText('Settings saved.').waitFor();
    expect((await tf.core.api.settings.get({})).autoLockMinutes).toBe(8);

    const policySection = dialog.getByRole('region', { name: 'Managed policy' });
    await policySection.getByText('Read from /etc/twofold/policy.json.').waitFor();
    expect(await policySection.getByRole('list', { name: 'Policy problems' }).textContent()).toContain('"AutoLockMinutes" is not a Twofold policy key');

    const updates = dialog.getByRole('region', { name: 'Updates' });
    await updates.getByText('Managed by your organisation.', { exact: false }).waitFor();
    expect(await updates.getByRole('button', { name: 'Check for updates' }).isDisabled()).toBe(true);
  });

  it('turns off plain exports and names the organisation’s sign-in server', async () => {
    const { page } = tf;
    await tf.emitEvent('command', { name: 'export' });
    const exportDialog = page.getByRole('dialog', { name: 'Export accounts' });
    await exportDialog.getByText(/unencrypted exports \(plain links and QR codes\) are turned off/).waitFor();
    expect(await exportDialog.getByRole('heading', { name: 'Plain text links (unencrypted)' }).count()).toBe(0);
    expect(await exportDialog.getByRole('heading', { name: 'Encrypted backup file' }).count()).toBe(1);
    await page.keyboard.press('Escape');
    await exportDialog.waitFor({ state: 'detached' });

    await tf.emitEvent('command', { name: 'add-account' });
    const addDialog = page.getByRole('dialog', { name: 'Add account' });
    await addDialog.getByRole('tab', { name: 'Push sign-in' }).click();
    await addDialog.getByText('Your organisation set up sign-in with Example Corp', { exact: false }).waitFor();
    await page.keyboard.press('Escape');
    await addDialog.waitFor({ state: 'detached' });

    // Showing a secret is a plain export too.
    await addByUri(page, GITHUB_URI, GITHUB);
    await page.getByRole('button', { name: `Edit ${GITHUB}` }).click();
    const editDialog = page.getByRole('dialog', { name: 'Edit GitHub' });
    await editDialog.getByText('Managed by your organisation: secrets can’t be shown on this computer.').waitFor();
    expect(await editDialog.getByRole('button', { name: 'Show secret…' }).count()).toBe(0);
  });
});

/** An updater holding a downloaded update, counting restarts: what electron-updater reports through the port. */
function readyUpdater(): Updater & { restarts: number } {
  const status: UpdateStatus = { state: 'ready', message: null, version: '2.0.0', channel: 'stable', managed: false };
  return {
    restarts: 0,
    status: () => status,
    check: async () => undefined,
    restart() {
      this.restarts += 1;
    },
    onChange: () => undefined,
  };
}

describe('a downloaded update', () => {
  it('is announced, and Twofold restarts only when the user clicks Restart now', async () => {
    const updater = readyUpdater();
    tf = await openTwofold(browser(), { startTime: START_TIME, core: { updater } });
    await createVault(tf.page);
    const { page } = tf;
    const notice = page.getByRole('region', { name: 'Update ready' });
    await notice.getByText('Twofold 2.0.0 is ready.', { exact: false }).waitFor();
    expect(updater.restarts).toBe(0);

    await notice.getByRole('button', { name: 'Later' }).click();
    await notice.waitFor({ state: 'detached' });
    expect(updater.restarts).toBe(0);

    await page.getByRole('button', { name: 'Settings' }).click();
    const updates = page.getByRole('dialog', { name: 'Settings' }).getByRole('region', { name: 'Updates' });
    await updates.getByText('Twofold 2.0.0 is ready. Restart Twofold to install it.').waitFor();
    await updates.getByRole('button', { name: 'Restart now' }).click();
    await expect.poll(() => updater.restarts).toBe(1);
  });
});
