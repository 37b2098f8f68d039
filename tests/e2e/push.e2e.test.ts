/**
 * End to end, in real Chromium, with two pages: the reference identity provider's pages (its own
 * browser context) and Twofold's renderer through the test bridge, whose real core is connected to
 * the real identity provider running in this process. Enrollment, approve, deny, "this wasn't me",
 * timeout, the 6-digit path, remembered devices, password change, offline, and a server restart.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TwofoldPage } from '../harness/bridge';
import { addByUri, PASSPHRASE } from './e2e-steps';
import { useChromium } from './use-chromium';
import {
  approvalDialog,
  approveInTwofold,
  codeRow,
  createEnrollmentLink,
  IDP_ISSUER,
  enrollInTwofold,
  enterNumberAndApprove,
  heading,
  openIdpPage,
  openTwofoldForPush,
  otherNumber,
  passwordStep,
  pushNumber,
  pushRow,
  signInAndEnroll,
  signOut,
  startTestIdp,
  USER_ROW,
  type TestIdp,
} from './push-steps';

const browser = useChromium();
let idp: TestIdp;
let tf: TwofoldPage;
let idpContext: BrowserContext;
let idpPage: Page;

// What this test opened, closed in reverse order after it (only what was opened, if setup failed halfway).
const cleanups: (() => Promise<void>)[] = [];

/** Opens the identity provider, Twofold and the identity provider's page; `options` for a test that needs other server settings. */
async function setUp(options: { pushTimeoutSeconds?: number } = {}): Promise<void> {
  idp = await startTestIdp(options);
  cleanups.push(() => idp.close());
  tf = await openTwofoldForPush(browser());
  cleanups.push(() => tf.close());
  ({ context: idpContext, page: idpPage } = await openIdpPage(browser(), idp.origin));
  cleanups.push(() => idpContext.close());
}

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('enrollment', () => {
  beforeEach(() => setUp());

  it('enroll: an enrollment link from the Security page, pasted into Twofold, gives a connected push account', async () => {
    await passwordStep(idpPage);
    // No 2-step method yet: the password alone signs in, and the page urges enrolling.
    await heading(idpPage, "You're signed in").waitFor();
    await idpPage.locator('#setup-2fa').waitFor();

    const uri = await createEnrollmentLink(idpPage);
    expect(uri.startsWith('twofold://enroll?')).toBe(true);
    await enrollInTwofold(tf.page, uri);

    const row = pushRow(tf.page);
    await row.filter({ hasText: 'Connected' }).waitFor();
    expect(await row.textContent()).toContain(idp.origin.replace(/^https?:\/\//, ''));
    // The identity provider lists the device as connected.
    await idpPage.goto('/security');
    await expect.poll(() => idpPage.locator('#devices tbody tr').textContent()).toContain('Connected');
  });

  it('enroll from a QR image: the enrollment QR code, saved as a PNG by qrencode, picked in the Push sign-in tab', async () => {
    await passwordStep(idpPage);
    await heading(idpPage, "You're signed in").waitFor();
    const uri = await createEnrollmentLink(idpPage);
    const dir = mkdtempSync(join(tmpdir(), 'twofold-enroll-qr-'));
    try {
      const png = join(dir, 'enroll.png');
      execFileSync('qrencode', ['-o', png, '-s', '6', uri]);
      await tf.page.getByRole('banner').getByRole('button', { name: 'Add account' }).click();
      const dialog = tf.page.getByRole('dialog', { name: 'Add account' });
      await dialog.getByRole('tab', { name: 'Push sign-in' }).click();
      await dialog.getByLabel('Enrollment QR image').setInputFiles(png);
      await tf.page.getByRole('status').getByText(`Enrolled with ${IDP_ISSUER}`).waitFor();
      await pushRow(tf.page).filter({ hasText: 'Connected' }).waitFor();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('answering a sign-in request', () => {
  beforeEach(() => setUp());

  it('approve with the right number signs the web page in; a wrong number is refused and the request stays', async () => {
    await signInAndEnroll(idpPage, tf);
    await signOut(idpPage);
    await passwordStep(idpPage);
    const number = await pushNumber(idpPage);

    const dialog = approvalDialog(tf.page);
    await dialog.waitFor();
    // Where the sign-in comes from.
    const shown = (await dialog.textContent()) ?? '';
    expect(shown).toContain('Twofold IdP');
    expect(shown).toMatch(/Chrome \d+/);
    expect(shown).toContain('127.0.0.1');
    expect(shown).toContain('Loopback (this computer)');
    expect(shown).toMatch(/Expires in \d+ s/);

    await enterNumberAndApprove(tf.page, otherNumber(number));
    await dialog.getByRole('alert').getByText("That number doesn't match the one on the sign-in page.").waitFor();
    // The request stays: the dialog is still open and the web page still waits.
    expect(await dialog.isVisible()).toBe(true);
    expect(await idpPage.locator('#push-status').textContent()).toContain('Waiting');
    expect(await heading(idpPage, 'We sent a request to your Twofold app').isVisible()).toBe(true);

    await approveInTwofold(tf.page, number);
    await heading(idpPage, "You're signed in").waitFor();
  });

  it('deny with "Cancel sign-in": the web page says denied, and "Try another way" lists the methods and works', async () => {
    await signInAndEnroll(idpPage, tf);
    await signOut(idpPage);
    await passwordStep(idpPage);
    await pushNumber(idpPage);

    const dialog = approvalDialog(tf.page);
    await dialog.getByRole('button', { name: 'Deny', exact: true }).click();
    await dialog.getByRole('button', { name: /^This wasn.t me$/ }).waitFor();
    await dialog.getByRole('button', { name: 'Back', exact: true }).waitFor();
    await dialog.getByRole('button', { name: 'Cancel sign-in', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });

    await heading(idpPage, 'Request denied').waitFor();
    expect(await idpPage.locator('#push-outcome').textContent()).toBe('The sign-in request was denied in Twofold.');
    await idpPage.locator('#try-another-way').click();
    await heading(idpPage, 'Try another way').waitFor();
    expect(await idpPage.locator('#method-push').textContent()).toBe('Send a push to Twofold');
    // No authenticator app is set up, so codes are not offered.
    expect(await idpPage.locator('#method-code').count()).toBe(0);

    // Choosing push again sends a new request, which can be approved.
    await idpPage.locator('#method-push').click();
    const number = await pushNumber(idpPage);
    await approveInTwofold(tf.page, number);
    await heading(idpPage, "You're signed in").waitFor();

    // Twofold's history shows both outcomes, newest first.
    await tf.page.getByRole('banner').getByRole('button', { name: 'Sign-in history' }).click();
    const history = tf.page.getByRole('dialog', { name: 'Sign-in history' });
    const outcomes = history.getByTestId('push-history-outcome');
    await expect.poll(() => outcomes.allTextContents()).toEqual(['Approved', 'Denied']);
  });

  it('"This wasn\'t me" reports fraud: the web page says pushes are paused, and a new sign-in gets no push', async () => {
    await signInAndEnroll(idpPage, tf);
    await signOut(idpPage);
    await passwordStep(idpPage);
    await pushNumber(idpPage);

    const dialog = approvalDialog(tf.page);
    await dialog.getByRole('button', { name: 'Deny', exact: true }).click();
    await dialog.getByRole('button', { name: /^This wasn.t me$/ }).click();
    await dialog.waitFor({ state: 'detached' });

    await heading(idpPage, 'Request denied').waitFor();
    expect(await idpPage.locator('#push-outcome').textContent()).toContain('Push requests to this account are now paused for 20 minutes.');

    // The next attempt is refused before anything reaches Twofold.
    await passwordStep(idpPage);
    await heading(idpPage, 'Push requests are paused').waitFor();
    expect(await idpPage.locator('#push-outcome').textContent()).toContain('paused for about 20 minutes');
    expect(await tf.core.api.push.pending({})).toEqual([]);
    expect(await approvalDialog(tf.page).count()).toBe(0);
  });

});

describe('a request that times out', () => {
  // Its own identity provider, whose pushes expire after 3 s.
  beforeEach(() => setUp({ pushTimeoutSeconds: 3 }));

  it('timeout: the request expires on both sides, and "Try push again" sends one that can be approved', async () => {
    await signInAndEnroll(idpPage, tf);
    await signOut(idpPage);
    await passwordStep(idpPage);
    await pushNumber(idpPage);

    const dialog = approvalDialog(tf.page);
    await dialog.waitFor();
    await heading(idpPage, 'The request timed out').waitFor({ timeout: 15_000 });
    await dialog.getByText('This request has expired.').waitFor();
    // An expired request can't be approved any more.
    const approve = dialog.getByRole('button', { name: 'Approve', exact: true });
    expect((await approve.count()) === 0 || (await approve.isDisabled())).toBe(true);
    expect(await tf.core.api.push.pending({})).toEqual([]);
    await tf.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    await idpPage.locator('#push-retry').click();
    const second = await pushNumber(idpPage);
    await approveInTwofold(tf.page, second);
    await heading(idpPage, "You're signed in").waitFor();
  });
});

describe('other ways and remembered devices', () => {
  beforeEach(() => setUp());

  it('the 6-digit path: set up with a code copied from Twofold, then sign in with a freshly copied code', async () => {
    await signInAndEnroll(idpPage, tf);
    await idpPage.goto('/security');
    await idpPage.locator('#totp-start').click();
    const otpauth = await idpPage.locator('#totp-uri').inputValue();
    expect(otpauth.startsWith('otpauth://totp/')).toBe(true);

    await addByUri(tf.page, otpauth, USER_ROW);
    await codeRow(tf.page).getByRole('button', { name: /^Copy code/ }).click();
    await tf.page.getByRole('status').getByText('Copied').first().waitFor();
    const setupCode = tf.clipboard.text;
    expect(setupCode).toMatch(/^\d{6}$/);
    await idpPage.locator('#totp-code').fill(setupCode);
    await idpPage.locator('#totp-confirm').click();
    await idpPage.locator('#notice').getByText('Your authenticator app is set up.').waitFor();

    // Codes become the default method, so the next sign-in asks for one.
    await idpPage.locator('#default-method').selectOption('code');
    await idpPage.locator('#default-method-save').click();
    await idpPage.locator('#notice').getByText('Your default sign-in method is saved.').waitFor();
    await signOut(idpPage);
    await passwordStep(idpPage);
    await heading(idpPage, 'Enter your authenticator code').waitFor();

    // The setup code's time step is used up; Twofold's clock moves one step on so it shows the next code.
    tf.advance(30_000);
    tf.clipboard.text = '';
    await codeRow(tf.page).getByRole('button', { name: /^Copy code/ }).click();
    await expect.poll(() => tf.clipboard.text).toMatch(/^\d{6}$/);
    const code = tf.clipboard.text;
    expect(code).not.toBe(setupCode);
    await idpPage.locator('#code').fill(code);
    await idpPage.getByRole('button', { name: 'Verify', exact: true }).click();
    await heading(idpPage, "You're signed in").waitFor();
    // No push was sent on the way.
    expect((await tf.core.api.push.history({})).length).toBe(0);
  });

  it('a remembered device skips 2-step at the next sign-in', async () => {
    await signInAndEnroll(idpPage, tf);
    await signOut(idpPage);
    await passwordStep(idpPage);
    const number = await pushNumber(idpPage);
    await idpPage.getByLabel('Remember this device for 30 days').check();
    await approveInTwofold(tf.page, number);
    await heading(idpPage, "You're signed in").waitFor();

    await signOut(idpPage);
    await passwordStep(idpPage);
    await heading(idpPage, "You're signed in").waitFor();
    expect(await tf.core.api.push.pending({})).toEqual([]);
    expect(await approvalDialog(tf.page).count()).toBe(0);
  });

  it('a password change signs out everywhere and forgets the device', async () => {
    await signInAndEnroll(idpPage, tf);
    await signOut(idpPage);
    await passwordStep(idpPage);
    const number = await pushNumber(idpPage);
    await idpPage.locator('#remember').check();
    await approveInTwofold(tf.page, number);
    await heading(idpPage, "You're signed in").waitFor();
    const before = await idpContext.cookies();
    const oldSession = before.find((c) => c.name === 'sid');
    const remembered = before.find((c) => c.name === 'remember');
    expect(oldSession && remembered).toBeTruthy();

    const newPassword = 'a-new-password-2';
    await idpPage.goto('/profile');
    await idpPage.locator('#password').fill(newPassword);
    await idpPage.locator('#profile-save').click();
    await idpPage.waitForURL(/\/signin\?changed=password$/);
    expect(await idpPage.locator('#notice').textContent()).toBe(
      'Changing your password will log you out immediately. Use the new password to log back in.',
    );

    // The old session cookie no longer opens the account.
    await idpContext.addCookies([oldSession!]);
    await idpPage.goto('/account');
    await heading(idpPage, 'Sign in').waitFor();
    expect(new URL(idpPage.url()).pathname).toBe('/signin');

    // The old password is refused.
    await passwordStep(idpPage);
    expect(await idpPage.locator('#form-error').textContent()).toBe('The email or password is incorrect.');

    // Even with the old remember cookie put back, the new password leads to 2-step again.
    await idpContext.addCookies([remembered!]);
    await passwordStep(idpPage, newPassword);
    const again = await pushNumber(idpPage);
    await approveInTwofold(tf.page, again);
    await heading(idpPage, "You're signed in").waitFor();
  });
});

describe('resilience', () => {
  beforeEach(() => setUp());

  it('a request sent while Twofold was locked is shown once it is unlocked', async () => {
    await signInAndEnroll(idpPage, tf);
    await signOut(idpPage);
    await tf.core.lock('manual');
    await tf.page.getByRole('heading', { name: 'Twofold is locked' }).waitFor();
    // Locked, the listener is stopped: the server has no device connected.
    await expect.poll(() => idp.idp.push.connectedDevices()).toBe(0);

    await passwordStep(idpPage);
    const number = await pushNumber(idpPage);

    await tf.page.getByLabel('Passphrase', { exact: true }).fill(PASSPHRASE);
    await tf.page.getByRole('button', { name: 'Unlock', exact: true }).click();
    const dialog = approvalDialog(tf.page);
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('127.0.0.1');
    await approveInTwofold(tf.page, number);
    await heading(idpPage, "You're signed in").waitFor();
  });

  it('a server restart mid-session: Twofold reconnects and the next request arrives', async () => {
    await signInAndEnroll(idpPage, tf);
    // Records every status text the row shows, so a short-lived "Reconnecting…" is not missed.
    await tf.page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { pushStatuses: string[] }).pushStatuses = seen;
      const record = () => {
        const row = document.querySelector('[data-testid="push-account-row"]');
        const text = row?.textContent ?? '';
        const status = /Connected|Reconnecting…|Offline/.exec(text)?.[0];
        if (status && seen[seen.length - 1] !== status) seen.push(status);
      };
      record();
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    const statuses = () => tf.page.evaluate(() => (window as unknown as { pushStatuses: string[] }).pushStatuses);

    await idp.stop();
    await expect.poll(statuses).toContain('Reconnecting…');
    await pushRow(tf.page).filter({ hasText: /Reconnecting…|Offline/ }).waitFor();
    await idp.start();
    await pushRow(tf.page).filter({ hasText: 'Connected' }).waitFor({ timeout: 10_000 });
    expect((await statuses()).slice(-1)).toEqual(['Connected']);

    // The browser's session is in the data folder: it survives the restart.
    await idpPage.goto('/account');
    await heading(idpPage, "You're signed in").waitFor();
    await signOut(idpPage);
    await passwordStep(idpPage);
    const number = await pushNumber(idpPage);
    await approveInTwofold(tf.page, number);
    await heading(idpPage, "You're signed in").waitFor();
    expect(idp.idp.push.connectedDevices()).toBe(1);
  });
});
