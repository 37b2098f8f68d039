/**
 * End to end, in real Chromium with the real core: importing (an encrypted Aegis file with its
 * preview, a Google Authenticator batch dropped as QR images, a screen scan), exporting (an
 * encrypted backup imported back into a fresh Twofold, plain links only after confirming), and
 * automatic backups (restore through the preview, and a failure shown on the code list).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseOtpauthUri, type OtpParams } from '../../common/otpauth-uri';
import { formatEnrollmentUri } from '../../common/push-protocol';
import { encodeMigrationLinks } from '../../main/core/import/google-migration';
import { aegisContent, aegisEntry, buildAegisVault } from '../fixtures/aegis-file';
import { openTwofold, tempDirDialogs, type OpenOptions, type TwofoldPage } from '../harness/bridge';
import {
  addByUri,
  BANK,
  BANK_URI,
  createVault,
  GITHUB,
  GITHUB_URI,
  GITLAB,
  GITLAB_URI,
  oathtoolTotp,
  rowNames,
  seriousA11yViolations,
  START_TIME,
  waitForCode,
} from './e2e-steps';
import { useChromium } from './use-chromium';
import { dropFiles, openFromMenu, pasteImage, previewEntry, previewEntryNames, qrencodeFile } from './import-export-steps';

const AWS_URI = 'otpauth://totp/AWS:admin@acme.example?secret=MFRGGZDFMZTWQ2LK&issuer=AWS';
const AWS = 'AWS (admin@acme.example)';

/** Cheap but accepted backup keys (the minimum scrypt cost), and a short debounce the test steps past. */
const CORE: OpenOptions['core'] = { backupKdf: { N: 2 ** 15 }, backupTiming: { debounceMs: 5_000 } };

const browser = useChromium();
const open: TwofoldPage[] = [];
const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'twofold-e2e-io-'));
  dirs.push(dir);
  return dir;
}

async function twofold(options: OpenOptions = {}): Promise<TwofoldPage> {
  const tf = await openTwofold(browser(), { startTime: START_TIME, core: CORE, ...options });
  open.push(tf);
  await createVault(tf.page);
  return tf;
}

function secretOf(uri: string): string {
  return parseOtpauthUri(uri).secret;
}

afterEach(async () => {
  for (const tf of open.splice(0)) await tf.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('importing', () => {
  it('imports an encrypted Aegis file: passphrase, preview with a duplicate and a broken entry, then one confirm', async () => {
    const tf = await twofold();
    const { page } = tf;
    await addByUri(page, GITHUB_URI, GITHUB);

    const dir = tempDir();
    const broken = { ...parseOtpauthUri(BANK_URI), issuer: 'Broken', label: 'eve', secret: 'not base32!' };
    const vault = await buildAegisVault(
      aegisContent([
        aegisEntry(parseOtpauthUri(GITHUB_URI)),
        aegisEntry(parseOtpauthUri(GITLAB_URI)),
        aegisEntry(broken),
        aegisEntry(parseOtpauthUri(BANK_URI)),
      ]),
      { passphrase: 'aegis vault password', scryptN: 2 ** 10 },
    );
    const file = join(dir, 'aegis-export.json');
    writeFileSync(file, vault);

    const dialog = await openFromMenu(page, 'Import…');
    await dialog.getByLabel('Export file or QR code images').setInputFiles(file);

    // Encrypted: the dialog asks for the passphrase, and says so at the field when it is wrong.
    const passphrase = dialog.getByLabel('Passphrase', { exact: true });
    await passphrase.waitFor();
    expect(await passphrase.getAttribute('type')).toBe('password');
    expect(await passphrase.evaluate((el) => el === document.activeElement)).toBe(true);
    await passphrase.fill('not the password');
    await dialog.getByRole('button', { name: 'Open file' }).click();
    await dialog.getByRole('alert').filter({ hasText: /passphrase|password/i }).waitFor();
    expect(await passphrase.getAttribute('aria-invalid')).toBe('true');
    expect(await passphrase.inputValue()).toBe('');

    await passphrase.fill('aegis vault password');
    await dialog.getByRole('button', { name: 'Open file' }).click();
    await dialog.getByRole('heading', { name: 'From Aegis' }).waitFor();
    expect(await dialog.getByTestId('import-summary').textContent()).toBe(
      '2 accounts to add, 1 already in Twofold, 1 can’t be imported',
    );
    expect(await previewEntryNames(dialog)).toEqual([GITHUB, GITLAB, BANK]);
    await previewEntry(dialog, GITHUB).getByText('Already in Twofold').waitFor();
    expect(await previewEntry(dialog, GITLAB).getByText('Already in Twofold').count()).toBe(0);
    const errors = dialog.getByTestId('import-errors');
    expect(await errors.textContent()).toContain('Broken');
    expect(await errors.textContent()).not.toContain('not base32!');
    expect(await seriousA11yViolations(page), 'import preview').toEqual([]);

    await dialog.getByRole('button', { name: 'Add 2 accounts' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('status').getByText('Added 2 accounts, skipped 1').waitFor();
    await expect.poll(() => rowNames(page)).toEqual([GITHUB, GITLAB, BANK]);
    expect(await waitForCode(page, BANK)).toBe(oathtoolTotp(secretOf(BANK_URI), tf.clock.now()));
  });

  it('leaves out unticked entries and adds duplicates when asked', async () => {
    const tf = await twofold();
    const { page } = tf;
    await addByUri(page, GITHUB_URI, GITHUB);

    const dialog = await openFromMenu(page, 'Import…');
    await dialog.getByLabel('Links').fill([GITHUB_URI, GITLAB_URI, BANK_URI].join('\n'));
    await dialog.getByRole('button', { name: 'Preview links' }).click();
    await previewEntry(dialog, GITHUB).getByText('Already in Twofold').waitFor();
    await dialog.getByRole('button', { name: 'Add 2 accounts' }).waitFor();

    await previewEntry(dialog, BANK).getByRole('checkbox').uncheck();
    await dialog.getByRole('radio', { name: 'Add them anyway' }).check();
    await dialog.getByRole('button', { name: 'Add 2 accounts' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('status').getByText('Added 2 accounts').waitFor();
    await expect.poll(() => rowNames(page)).toEqual([GITHUB, GITHUB, GITLAB]);
  });

  it('imports a Google Authenticator batch of two QR images dropped on the window', async () => {
    const tf = await twofold();
    const { page } = tf;
    const accounts: OtpParams[] = [GITHUB_URI, GITLAB_URI, BANK_URI, AWS_URI].map(parseOtpauthUri);
    const links = encodeMigrationLinks(accounts, 2);
    expect(links).toHaveLength(2);
    const dir = tempDir();
    const images = links.map((link, i) => qrencodeFile(dir, `export-${i + 1}.png`, link));

    await dropFiles(page, images);
    const dialog = page.getByRole('dialog', { name: 'Import accounts' });
    await dialog.getByRole('heading', { name: 'From Google Authenticator' }).waitFor();
    expect(await dialog.getByTestId('import-summary').textContent()).toBe('4 accounts to add');
    expect(await dialog.getByTestId('import-warnings').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Add 4 accounts' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => rowNames(page)).toEqual([GITHUB, GITLAB, BANK, AWS]);
    expect(await waitForCode(page, AWS)).toBe(oathtoolTotp(secretOf(AWS_URI), tf.clock.now()));
  });

  it('warns about a missing part of a batch, and takes the next QR code with "Add another QR code"', async () => {
    const tf = await twofold();
    const { page } = tf;
    const links = encodeMigrationLinks([GITHUB_URI, GITLAB_URI, BANK_URI].map(parseOtpauthUri), 2);
    const dir = tempDir();
    const [first, second] = links.map((link, i) => qrencodeFile(dir, `part-${i + 1}.png`, link));

    // Ctrl+V with an image on the clipboard, while no text field has focus, imports it.
    await page.getByRole('button', { name: 'Add your first account' }).focus();
    await pasteImage(page, first!);
    const dialog = page.getByRole('dialog', { name: 'Import accounts' });
    const warnings = dialog.getByTestId('import-warnings');
    await warnings.waitFor();
    expect(await warnings.textContent()).toMatch(/2/);
    expect(await dialog.getByTestId('import-summary').textContent()).toBe('2 accounts to add');

    await warnings.getByRole('button', { name: 'Add another QR code' }).click();
    await dialog.getByLabel('QR code image (PNG or JPEG)').setInputFiles(second!);
    await dialog.getByTestId('import-summary').filter({ hasText: '3 accounts to add' }).waitFor();
    expect(await warnings.count()).toBe(0);
    await dialog.getByRole('button', { name: 'Add 3 accounts' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => rowNames(page)).toEqual([GITHUB, GITLAB, BANK]);
  });

  it('scans the screen for QR codes: previews the account, and offers the push enrollment it finds', async () => {
    const dir = tempDir();
    const qr = qrencodeFile(dir, 'on-screen.png', GITLAB_URI);
    const enrollment = qrencodeFile(
      dir,
      'enroll.png',
      formatEnrollmentUri({
        server: 'https://idp.example.com',
        code: 'k7Qm2xR9vT4wL8nB3cY6',
        fingerprint: 'A'.repeat(43),
        account: 'alice@example.com',
        issuer: 'Example IdP',
      }),
    );
    // The "screen": another page showing the QR code among other things, as a web page would.
    const screenContext = await browser().newContext({ viewport: { width: 1000, height: 700 } });
    try {
      const screenPage = await screenContext.newPage();
      await screenPage.setContent(
        `<body style="font:16px sans-serif;margin:40px"><h1>Set up two-step verification</h1><p>Scan this code with your app.</p>` +
          `<img alt="" src="data:image/png;base64,${readFileSync(qr).toString('base64')}">` +
          `<img alt="" style="margin-left:60px" src="data:image/png;base64,${readFileSync(enrollment).toString('base64')}"></body>`,
      );
      const tf = await twofold({ screen: { captureDisplays: async () => [new Uint8Array(await screenPage.screenshot())] } });
      const { page } = tf;

      const dialog = await openFromMenu(page, 'Import…');
      await dialog.getByRole('button', { name: 'Scan screen' }).click();
      await previewEntry(dialog, GITLAB).waitFor();
      expect(await dialog.getByTestId('import-summary').textContent()).toBe('1 account to add, 1 push sign-in code found');
      // Offered, never enrolled without a click.
      await dialog.getByRole('button', { name: 'Set up push sign-in for Example IdP (alice@example.com)' }).waitFor();
      expect(await tf.core.api.push.accounts({})).toEqual([]);
      await dialog.getByRole('button', { name: 'Add 1 account' }).click();
      await dialog.waitFor({ state: 'detached' });
      expect(await waitForCode(page, GITLAB)).toBe(oathtoolTotp(secretOf(GITLAB_URI), tf.clock.now()));
    } finally {
      await screenContext.close();
    }
  });

  it('previews a 10,000-line file without rendering 10,000 rows, and leaves entries out by their box', async () => {
    const { page } = await twofold();
    const dir = tempDir();
    const file = join(dir, 'links.txt');
    const lines = Array.from({ length: 10_000 }, (_, i) => `otpauth://totp/Bulk:user${i}?secret=JBSWY3DPEHPK3PXP&issuer=Bulk`);
    writeFileSync(file, `${lines.join('\n')}\n`);

    const dialog = await openFromMenu(page, 'Import…');
    await dialog.getByLabel('Export file or QR code images').setInputFiles(file);
    await dialog.getByTestId('import-summary').filter({ hasText: '10,000 accounts to add' }).waitFor();
    await dialog.getByRole('button', { name: 'Add 10,000 accounts' }).waitFor();
    // The list is virtual: a screenful of rows is in the page, and each announces its place in all 10,000.
    const rows = dialog.getByTestId('import-entry');
    expect(await rows.count()).toBeLessThan(40);
    expect(await rows.first().getAttribute('aria-setsize')).toBe('10000');

    await previewEntry(dialog, 'Bulk (user1)').getByRole('checkbox').uncheck();
    await dialog.getByRole('button', { name: 'Add 9,999 accounts' }).waitFor();
    await dialog.getByRole('button', { name: 'Leave all out' }).click();
    expect(await dialog.getByRole('button', { name: 'Add 0 accounts' }).isDisabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  it('shows the core’s message when a file is not an export it knows', async () => {
    const { page } = await twofold();
    const dir = tempDir();
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'shopping list\nmilk\n');
    const dialog = await openFromMenu(page, 'Import…');
    await dialog.getByLabel('Export file or QR code images').setInputFiles(file);
    await dialog.getByRole('alert').filter({ hasText: /notes\.txt|format|recogni/i }).waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByTestId('account-row').count()).toBe(0);
  });
});

describe('exporting', () => {
  it('exports an encrypted backup (owner-only file) that a fresh Twofold imports back', async () => {
    const dir = tempDir();
    const dialogs = tempDirDialogs(dir);
    const tf = await twofold({ dialogs });
    await addByUri(tf.page, GITHUB_URI, GITHUB);
    await addByUri(tf.page, BANK_URI, BANK);

    const dialog = await openFromMenu(tf.page, 'Export…');
    await dialog.getByLabel('File passphrase', { exact: true }).fill('short');
    await dialog.getByLabel('Confirm file passphrase').fill('short');
    await dialog.getByRole('button', { name: 'Save encrypted backup…' }).click();
    await dialog.getByRole('alert').filter({ hasText: 'at least 8 characters' }).waitFor();
    expect(dialogs.savedPaths).toEqual([]);

    await dialog.getByLabel('File passphrase', { exact: true }).fill('backup passphrase 1');
    await dialog.getByLabel('Confirm file passphrase').fill('backup passphrase 1');
    await dialog.getByRole('button', { name: 'Save encrypted backup…' }).click();
    await dialog.getByRole('status').filter({ hasText: /^Saved 2 accounts to .+\.twofold\.$/ }).waitFor();
    expect(dialogs.savedPaths).toHaveLength(1);
    const file = dialogs.savedPaths[0]!;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'latin1')).not.toContain(secretOf(GITHUB_URI));
    expect(await seriousA11yViolations(tf.page), 'export dialog').toEqual([]);

    // A second, fresh Twofold imports the file through the UI with its passphrase.
    const other = await twofold();
    const importDialog = await openFromMenu(other.page, 'Import…');
    await importDialog.getByLabel('Export file or QR code images').setInputFiles(file);
    await importDialog.getByLabel('Passphrase', { exact: true }).fill('backup passphrase 1');
    await importDialog.getByRole('button', { name: 'Open file' }).click();
    await importDialog.getByRole('heading', { name: 'From Twofold backup' }).waitFor();
    await importDialog.getByRole('button', { name: 'Add 2 accounts' }).click();
    await importDialog.waitFor({ state: 'detached' });
    await expect.poll(() => rowNames(other.page)).toEqual([GITHUB, BANK]);
    expect(await waitForCode(other.page, GITHUB)).toBe(oathtoolTotp(secretOf(GITHUB_URI), other.clock.now()));
    expect(await waitForCode(other.page, BANK)).toBe(oathtoolTotp(secretOf(BANK_URI), other.clock.now()));
  });

  it('writes plain links only after the confirmation box is ticked', async () => {
    const dir = tempDir();
    const dialogs = tempDirDialogs(dir);
    const tf = await twofold({ dialogs });
    await addByUri(tf.page, GITLAB_URI, GITLAB);

    const dialog = await openFromMenu(tf.page, 'Export…');
    const section = dialog.getByRole('region', { name: 'Plain text links (unencrypted)' });
    await section.getByText('This file is not encrypted.').waitFor();
    await section.getByRole('button', { name: 'Save plain text links…' }).click();
    await section.getByRole('alert').filter({ hasText: 'Tick the box' }).waitFor();
    const checkbox = section.getByRole('checkbox', { name: 'I understand that this file is not encrypted' });
    expect(await checkbox.getAttribute('aria-invalid')).toBe('true');
    expect(dialogs.savedPaths).toEqual([]);

    await checkbox.check();
    await section.getByRole('button', { name: 'Save plain text links…' }).click();
    await section.getByRole('status').filter({ hasText: 'Saved 1 account to' }).waitFor();
    expect(dialogs.savedPaths).toHaveLength(1);
    expect(readFileSync(dialogs.savedPaths[0]!, 'utf8')).toContain(`secret=${secretOf(GITLAB_URI)}`);
  });

  it('shows QR codes only after a warning, one at a time, and forgets them on close', async () => {
    const tf = await twofold();
    const { page } = tf;
    await addByUri(page, GITHUB_URI, GITHUB);
    await addByUri(page, GITLAB_URI, GITLAB);

    const dialog = await openFromMenu(page, 'Export…');
    const section = dialog.getByRole('region', { name: 'QR codes' });
    await section.getByRole('button', { name: 'Show QR codes…' }).click();
    await section.getByText('Anyone who sees these QR codes').waitFor();
    expect(await section.getByRole('img').count()).toBe(0);
    await section.getByRole('button', { name: 'Show QR codes', exact: true }).click();
    const viewer = section.getByRole('group', { name: 'QR codes' });
    await viewer.getByText('1 of 2').waitFor();
    expect(await viewer.getByRole('img').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await viewer.getByRole('button', { name: 'Next' }).click();
    await viewer.getByText('2 of 2').waitFor();
    expect(await seriousA11yViolations(page), 'QR viewer').toEqual([]);

    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain('data:image/png');
  });

  it('names the accounts a Google Authenticator export leaves out, and why', async () => {
    const tf = await twofold();
    const { page } = tf;
    await addByUri(page, GITHUB_URI, GITHUB);
    await addByUri(page, 'otpauth://totp/Slow:sam?secret=KRSXG5CTMVRXEZLUKRSXG5CT&issuer=Slow&period=60', 'Slow (sam)');

    const dialog = await openFromMenu(page, 'Export…');
    const section = dialog.getByRole('region', { name: 'QR codes' });
    await section.getByRole('radio', { name: 'Google Authenticator export' }).check();
    await section.getByRole('button', { name: 'Show QR codes…' }).click();
    await section.getByRole('button', { name: 'Show QR codes', exact: true }).click();
    await section.getByRole('group', { name: 'QR codes' }).getByText('1 of 1', { exact: true }).waitFor();
    const leftOut = section.getByTestId('qr-left-out');
    expect(await leftOut.textContent()).toMatch(/Slow \(sam\).*30-second/);
    expect(await leftOut.textContent()).not.toContain('GitHub');
  });
});

describe('automatic backups', () => {
  it('restores a deleted account from a backup through the preview, and shows a failing backup on the code list', async () => {
    const dir = tempDir();
    const folder = join(dir, 'backups');
    mkdirSync(folder);
    const tf = await twofold({ dialogs: tempDirDialogs(dir, folder) });
    const { page } = tf;

    // Set up: folder, passphrase, on.
    await page.getByRole('button', { name: 'Settings' }).click();
    let settings = page.getByRole('dialog', { name: 'Settings' });
    const backups = settings.getByRole('region', { name: 'Automatic backups' });
    await backups.getByRole('button', { name: 'Choose folder…' }).click();
    await backups.getByText(folder).waitFor();
    await backups.getByRole('textbox', { name: 'Backup passphrase', exact: true }).fill('backup passphrase 1');
    await backups.getByLabel('Confirm backup passphrase').fill('backup passphrase 1');
    await backups.getByRole('button', { name: 'Set backup passphrase' }).click();
    await backups.getByText('Backup passphrase saved.').waitFor();
    await backups.getByRole('checkbox', { name: 'Back up automatically' }).check();
    await expect.poll(() => backups.getByRole('checkbox', { name: 'Back up automatically' }).isChecked()).toBe(true);
    expect(await seriousA11yViolations(page), 'backup settings').toEqual([]);
    await settings.getByRole('button', { name: 'Close' }).click();

    // Turning backups on writes one at once (there is none yet). Two accounts, then the debounce
    // passes: a backup holding both is written.
    await addByUri(page, GITHUB_URI, GITHUB);
    await addByUri(page, GITLAB_URI, GITLAB);
    tf.advance(6_000);

    // Delete one, then restore it from that backup.
    await page.getByRole('button', { name: `Edit ${GITHUB}` }).click();
    await page.getByRole('dialog', { name: 'Edit GitHub' }).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => rowNames(page)).toEqual([GITLAB]);

    await page.getByRole('button', { name: 'Settings' }).click();
    settings = page.getByRole('dialog', { name: 'Settings' });
    // Newest first: the one after the two adds, then the one written when backups were turned on.
    const files = settings.getByRole('list', { name: 'Backups in the folder' }).getByRole('listitem');
    await expect.poll(() => files.count()).toBe(2);
    await files.first().getByRole('button', { name: 'Restore…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import accounts' });
    await dialog.getByRole('heading', { name: 'From Twofold backup' }).waitFor();
    await previewEntry(dialog, GITLAB).getByText('Already in Twofold').waitFor();
    await dialog.getByRole('button', { name: 'Add 1 account' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('status').getByText('Added 1 account, skipped 1').waitFor();
    await expect.poll(async () => (await rowNames(page)).sort()).toEqual([GITHUB, GITLAB]);

    // The folder goes away; the next change can't be backed up, and the code list says so.
    rmSync(folder, { recursive: true, force: true });
    await addByUri(page, BANK_URI, BANK);
    tf.advance(6_000);
    const banner = page.getByRole('alert').filter({ hasText: 'Automatic backup failed:' });
    await banner.waitFor();
    expect(await seriousA11yViolations(page), 'failure banner').toEqual([]);
    await banner.getByRole('button', { name: 'Open backup settings' }).click();
    settings = page.getByRole('dialog', { name: 'Settings' });
    const heading = settings.getByRole('heading', { name: 'Automatic backups' });
    await expect.poll(() => heading.evaluate((el) => el === document.activeElement)).toBe(true);
    await settings.getByText(/The last backup failed/).waitFor();

    // With the folder back, "Back up now" succeeds and the banner goes.
    mkdirSync(folder);
    await settings.getByRole('button', { name: 'Back up now' }).click();
    await settings.getByText(/^Last backup:/).waitFor();
    await settings.getByRole('button', { name: 'Close' }).click();
    await banner.waitFor({ state: 'detached' });
    expect(existsSync(folder)).toBe(true);
  });
});

describe('looks', () => {
  it('has no serious accessibility violations in the import dialog, light and dark', async () => {
    const { page } = await twofold({ colorScheme: 'dark' });
    const dialog = await openFromMenu(page, 'Import…');
    expect(await seriousA11yViolations(page), 'import dialog, dark').toEqual([]);
    await dialog.getByLabel('Links').fill(`${GITHUB_URI}\nnot a link`);
    await dialog.getByRole('button', { name: 'Preview links' }).click();
    await previewEntry(dialog, GITHUB).waitFor();
    expect(await seriousA11yViolations(page), 'import preview, dark').toEqual([]);
    await page.emulateMedia({ colorScheme: 'light' });
    expect(await seriousA11yViolations(page), 'import preview, light').toEqual([]);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    await page.emulateMedia({ colorScheme: 'dark' });
    const exportDialog = await openFromMenu(page, 'Export…');
    await exportDialog.getByRole('button', { name: 'Show QR codes…' }).click();
    await exportDialog.getByRole('button', { name: 'Show QR codes', exact: true }).waitFor();
    expect(await seriousA11yViolations(page), 'export dialog, dark').toEqual([]);
    await page.keyboard.press('Escape');
    await exportDialog.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('dialog', { name: 'Settings' }).getByRole('button', { name: 'Choose folder…' }).waitFor();
    expect(await seriousA11yViolations(page), 'backup settings, dark').toEqual([]);
  });
});
