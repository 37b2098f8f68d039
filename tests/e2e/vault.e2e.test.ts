/**
 * End to end, in real Chromium with the real core: creating, locking, unlocking and auto-locking the vault.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTwofold, type TwofoldPage } from '../harness/bridge';
import {
  addByUri,
  createVault,
  GITHUB,
  GITHUB_URI,
  PASSPHRASE,
  row,
  seriousA11yViolations,
  START_TIME,
  waitForCode,
} from './e2e-steps';
import { useChromium } from './use-chromium';

const browser = useChromium();
let tf: TwofoldPage;

beforeEach(async () => {
  tf = await openTwofold(browser(), { startTime: START_TIME });
});
afterEach(async () => {
  await tf?.close();
});

describe('first run', () => {
  it('refuses a short or mismatched passphrase inline, then creates the vault', async () => {
    const { page } = tf;
    await page.getByRole('heading', { name: 'Welcome to Twofold' }).waitFor();
    // No OS secret store here: the screen says so instead of offering the keychain.
    await page.getByText('No OS secret store is running on this test machine.').waitFor();
    expect(await page.getByLabel('Also unlock with the OS keychain').count()).toBe(0);

    await page.getByLabel('Passphrase', { exact: true }).fill('short');
    await page.getByLabel('Confirm passphrase').fill('short');
    await page.getByRole('button', { name: 'Create vault' }).click();
    await page.getByText('Use at least 8 characters.').waitFor();

    await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByLabel('Confirm passphrase').fill(`${PASSPHRASE}!`);
    await page.getByRole('button', { name: 'Create vault' }).click();
    await page.getByText('The two passphrases don’t match.').waitFor();

    await createVault(page);
    await page.getByText('No accounts yet.').waitFor();
    expect((await tf.core.api.vault.status({})).state).toBe('unlocked');
  });

  it('has no serious or critical accessibility violations', async () => {
    await tf.page.getByRole('heading', { name: 'Welcome to Twofold' }).waitFor();
    expect(await seriousA11yViolations(tf.page)).toEqual([]);
  });
});

describe('lock and unlock', () => {
  it('locks on demand, shows a wrong passphrase inline, and unlocks with the right one', async () => {
    const { page } = tf;
    await createVault(page);
    await addByUri(page, GITHUB_URI, GITHUB);

    await page.getByRole('button', { name: 'Lock', exact: true }).click();
    await page.getByRole('heading', { name: 'Twofold is locked' }).waitFor();
    // Nothing of the unlocked vault stays on screen.
    expect(await page.getByTestId('account-row').count()).toBe(0);
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.getByLabel('Passphrase', { exact: true }).fill('not the passphrase');
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page.getByText('The passphrase is wrong, or the vault file was altered.').waitFor();
    expect(await page.getByLabel('Passphrase', { exact: true }).getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    expect(await waitForCode(page, GITHUB)).toMatch(/^\d{6}$/);
  });

  it('reopens an existing vault at the unlock screen', async () => {
    await createVault(tf.page);
    await addByUri(tf.page, GITHUB_URI, GITHUB);
    await tf.core.lock('manual');
    const second = await openTwofold(browser(), { startTime: START_TIME, vaultDir: tf.vaultDir });
    try {
      await second.page.getByRole('heading', { name: 'Twofold is locked' }).waitFor();
      await second.page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
      await second.page.getByRole('button', { name: 'Unlock', exact: true }).click();
      await row(second.page, GITHUB).waitFor();
    } finally {
      await second.close();
    }
  });

  it('locks itself when the clock moves past the idle timeout', async () => {
    const { page } = tf;
    await createVault(page);
    await addByUri(page, GITHUB_URI, GITHUB);

    // Four minutes idle: still open.
    tf.advance(4 * 60_000);
    expect((await tf.core.api.vault.status({})).state).toBe('unlocked');

    // Past the default five minutes: the core locks and the renderer shows the unlock screen.
    tf.advance(60_000 + 1_000);
    await page.getByRole('heading', { name: 'Twofold is locked' }).waitFor();
    await page.getByText('Twofold locked itself because it was not used for a while.').waitFor();
    expect(await page.getByTestId('account-row').count()).toBe(0);
  });

  it('keeps the vault open while the user works (activity resets the idle timer)', async () => {
    const { page } = tf;
    await createVault(page);
    // Watch the calls that reach the core (a pass-through: the real dispatch still runs).
    const seen: string[] = [];
    const dispatch = tf.core.dispatch;
    tf.core.dispatch = (channel, input) => {
      seen.push(channel);
      return dispatch(channel, input);
    };

    tf.advance(4 * 60_000);
    // A click that calls nothing else: only the activity report tells main the user is there.
    await page.getByRole('searchbox', { name: 'Search accounts' }).click();
    await expect.poll(() => seen.includes('twofold:app.activity')).toBe(true);

    tf.advance(2 * 60_000);
    expect((await tf.core.api.vault.status({})).state).toBe('unlocked');
    tf.advance(3 * 60_000 + 1_000);
    await page.getByRole('heading', { name: 'Twofold is locked' }).waitFor();
  });

  it('uses the auto-lock minutes set in Settings, and shows an out-of-range value inline', async () => {
    const { page } = tf;
    await createVault(page);
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    const minutes = dialog.getByLabel('Lock after this many idle minutes');

    await minutes.fill('0');
    await dialog.getByRole('button', { name: 'Save settings' }).click();
    await dialog.getByText('Auto-lock takes a whole number of minutes from 1 to 1440').waitFor();

    await minutes.fill('1');
    await dialog.getByRole('button', { name: 'Save settings' }).click();
    await dialog.getByText('Settings saved.').waitFor();
    expect((await tf.core.api.settings.get({})).autoLockMinutes).toBe(1);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    tf.advance(61_000);
    await page.getByRole('heading', { name: 'Twofold is locked' }).waitFor();
  });

  it('changes the passphrase from Settings', async () => {
    const { page } = tf;
    await createVault(page);
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    const newPassphrase = 'a brand new passphrase';

    await dialog.getByLabel('Current passphrase').fill('wrong passphrase');
    await dialog.getByLabel('New passphrase', { exact: true }).fill(newPassphrase);
    await dialog.getByLabel('Confirm new passphrase').fill(newPassphrase);
    await dialog.getByRole('button', { name: 'Change passphrase' }).click();
    await dialog.getByText('The current passphrase is wrong.').waitFor();

    await dialog.getByLabel('Current passphrase').fill(PASSPHRASE);
    await dialog.getByRole('button', { name: 'Change passphrase' }).click();
    await dialog.getByText('Passphrase changed.').waitFor();

    await dialog.getByRole('button', { name: 'Lock now' }).click();
    await page.getByRole('heading', { name: 'Twofold is locked' }).waitFor();
    await page.getByLabel('Passphrase', { exact: true }).fill(newPassphrase);
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await page.getByRole('searchbox', { name: 'Search accounts' }).waitFor();
  });
});

describe('a damaged vault', () => {
  it('names the problem and restores the previous copy, never offering a reset', async () => {
    await createVault(tf.page);
    await addByUri(tf.page, GITHUB_URI, GITHUB);
    await tf.core.lock('manual');
    // Cut the file in half, as a crash or a full disk might.
    const file = join(tf.vaultDir, 'vault.json');
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));

    const second = await openTwofold(browser(), { startTime: START_TIME, vaultDir: tf.vaultDir });
    try {
      const { page } = second;
      await page.getByRole('heading', { name: 'The vault can’t be opened' }).waitFor();
      const damage = (await second.core.api.vault.status({})).damage;
      expect(damage?.previousCopyAvailable).toBe(true);
      await page.getByText(damage!.message).waitFor();
      expect(await page.getByRole('button', { name: /reset|delete|new vault/i }).count()).toBe(0);
      expect(await seriousA11yViolations(page)).toEqual([]);

      await page.getByRole('button', { name: 'Restore previous copy' }).click();
      await page.getByRole('heading', { name: 'Twofold is locked' }).waitFor();
      await page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
      await page.getByRole('button', { name: 'Unlock', exact: true }).click();
      await page.getByRole('searchbox', { name: 'Search accounts' }).waitFor();
    } finally {
      await second.close();
    }
  });
});

describe('a damaged vault with no previous copy', () => {
  it('keeps the damaged file aside, after a confirmation, and starts a new vault', async () => {
    await createVault(tf.page);
    await tf.core.lock('manual');
    // Only a just-created vault has no previous copy yet; damage it.
    const file = join(tf.vaultDir, 'vault.json');
    const damaged = readFileSync(file).subarray(0, 40);
    writeFileSync(file, damaged);

    const second = await openTwofold(browser(), { startTime: START_TIME, vaultDir: tf.vaultDir });
    try {
      const { page } = second;
      await page.getByRole('heading', { name: 'The vault can’t be opened' }).waitFor();
      expect(await page.getByRole('button', { name: 'Restore previous copy' }).count()).toBe(0);
      await page.getByRole('button', { name: 'Start a new vault…' }).click();
      await page.getByText('is not deleted').waitFor();
      expect(await seriousA11yViolations(page)).toEqual([]);
      await page.getByRole('button', { name: 'Keep the file aside and start a new vault' }).click();
      await page.getByRole('heading', { name: 'Welcome to Twofold' }).waitFor();

      const kept = readdirSync(tf.vaultDir).filter((name) => name.startsWith('vault.damaged-'));
      expect(kept).toHaveLength(1);
      expect(readFileSync(join(tf.vaultDir, kept[0]!))).toEqual(damaged);
    } finally {
      await second.close();
    }
  });
});
