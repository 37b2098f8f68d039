/**
 * Steps shared by the push end-to-end specs: a real identity provider in this test process (with a
 * data folder, so it can be restarted on the same port), its pages in a browser context of their
 * own, and what a user does in Twofold's push UI (enroll, answer a sign-in request).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { startIdp, type Idp } from '../../server/app';
import { createUser } from '../../server/web/users';
import { openTwofold, type TwofoldPage } from '../harness/bridge';
import { createVault } from './e2e-steps';

/** The issuer name the identity provider gives its enrollment links and authenticator setup. */
export const IDP_ISSUER = 'Twofold IdP';
/** The test user of every push spec. */
export const USER = { email: 'alice@example.com', password: 'alice-password-1', firstName: 'Alice', lastName: 'Liddell' } as const;
/** The name Twofold gives the test user's rows, push or code: "<issuer> (<account>)". */
export const USER_ROW = `${IDP_ISSUER} (${USER.email})`;

/** A running identity provider with its own data folder, restartable on the same port. */
export interface TestIdp {
  /** The running instance (replaced by restart()). */
  idp: Idp;
  dataDir: string;
  origin: string;
  /** Closes the server, as a crash or a deploy would, and starts a new one on the same port and data. */
  restart(): Promise<void>;
  /** Only closes the server (restart() can start it again). */
  stop(): Promise<void>;
  /** Starts it again after stop(), on the same port and data. */
  start(): Promise<void>;
  /** Closes it and removes its data folder. */
  close(): Promise<void>;
}

/** Starts an identity provider on 127.0.0.1 (a free port) over a fresh temp data folder, with the test user. */
export async function startTestIdp(options: { pushTimeoutSeconds?: number } = {}): Promise<TestIdp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'twofold-idp-e2e-'));
  let idp: Idp | null = await startIdp({ dataDir, port: 0, pushTimeoutSeconds: options.pushTimeoutSeconds });
  const origin = idp.origin;
  const port = Number(new URL(origin).port);
  await createUser(idp.ctx.db, Date.now(), { ...USER });
  const handle: TestIdp = {
    get idp(): Idp {
      if (!idp) throw new Error('the identity provider is stopped');
      return idp;
    },
    dataDir,
    origin,
    async stop() {
      const running = idp;
      idp = null;
      await running?.close();
    },
    async start() {
      idp ??= await startIdp({ dataDir, port, pushTimeoutSeconds: options.pushTimeoutSeconds });
    },
    async restart() {
      await handle.stop();
      await handle.start();
    },
    async close() {
      await handle.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** A browser context of its own (its own cookies) with one page on the identity provider. */
export async function openIdpPage(browser: Browser, origin: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: origin, viewport: { width: 900, height: 800 } });
  const page = await context.newPage();
  return { context, page };
}

/** Opens Twofold (running clock, quick reconnection) and creates its vault. */
export async function openTwofoldForPush(browser: Browser): Promise<TwofoldPage> {
  const tf = await openTwofold(browser, { clock: 'running', core: { pushOptions: { backoff: { initialMs: 100, maxMs: 1000 } } } });
  try {
    await createVault(tf.page);
  } catch (error) {
    await tf.close();
    throw error;
  }
  return tf;
}

/** Signs in with the password on the identity provider's sign-in page and waits for the next page to load. */
export async function passwordStep(page: Page, password: string = USER.password, email: string = USER.email): Promise<void> {
  await page.goto('/signin');
  await page.getByRole('heading', { name: 'Sign in', exact: true }).waitFor();
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Sign in', exact: true }).click()]);
}

/** The heading of the identity provider page now shown. */
export function heading(page: Page, name: string): Locator {
  return page.getByRole('heading', { level: 1, name, exact: true });
}

/** Waits for the push waiting page and returns the number it shows. */
export async function pushNumber(page: Page): Promise<number> {
  await heading(page, 'We sent a request to your Twofold app').waitFor();
  const text = (await page.locator('#push-number').textContent())?.trim() ?? '';
  if (!/^\d{2}$/.test(text)) throw new Error(`the push page shows "${text}", not a 2-digit number`);
  return Number(text);
}

/** Signs out from any signed-in page. */
export async function signOut(page: Page): Promise<void> {
  await Promise.all([page.waitForURL(/\/signin$/), page.locator('#signout').click()]);
}

/** Creates an enrollment link on the Security page (signed in) and returns the twofold://enroll URI. */
export async function createEnrollmentLink(page: Page): Promise<string> {
  await page.goto('/security');
  await heading(page, 'Security').waitFor();
  await page.getByRole('button', { name: 'Enroll a Twofold device' }).click();
  const field = page.locator('#enroll-uri');
  await field.waitFor();
  return field.inputValue();
}

/** Twofold's push-account row for an account. */
export function pushRow(page: Page, name: string = USER_ROW): Locator {
  return page.getByTestId('push-account-row').and(page.getByLabel(name, { exact: true }));
}

/** Twofold's code-account row for an account (the push row may carry the same name). */
export function codeRow(page: Page, name: string = USER_ROW): Locator {
  return page.getByTestId('account-row').and(page.getByLabel(name, { exact: true }));
}

/** Pastes an enrollment link into Twofold's "Push sign-in" tab and waits for the toast. */
export async function enrollInTwofold(page: Page, uri: string): Promise<void> {
  await page.getByRole('banner').getByRole('button', { name: 'Add account' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add account' });
  await dialog.waitFor();
  await dialog.getByRole('tab', { name: 'Push sign-in' }).click();
  await dialog.getByLabel('Enrollment link').fill(uri);
  await dialog.getByRole('button', { name: 'Enroll', exact: true }).click();
  await page.getByRole('status').getByText(`Enrolled with ${IDP_ISSUER}`).waitFor();
  await dialog.waitFor({ state: 'detached' });
}

/**
 * The whole enrollment as a user does it: password sign-in (the user has no 2-step method yet),
 * Security → "Enroll a Twofold device", the link pasted into Twofold; waits until the row is connected.
 */
export async function signInAndEnroll(idpPage: Page, tf: TwofoldPage): Promise<void> {
  await passwordStep(idpPage);
  await heading(idpPage, "You're signed in").waitFor();
  const uri = await createEnrollmentLink(idpPage);
  await enrollInTwofold(tf.page, uri);
  await pushRow(tf.page).filter({ hasText: 'Connected' }).waitFor();
}

/** Twofold's approval dialog. */
export function approvalDialog(page: Page): Locator {
  return page.getByRole('dialog', { name: 'Sign-in request' });
}

/** Types the number into the approval dialog and presses Approve. */
export async function enterNumberAndApprove(page: Page, number: number): Promise<void> {
  const dialog = approvalDialog(page);
  await dialog.waitFor();
  await dialog.getByLabel('Number shown on the sign-in page').fill(String(number).padStart(2, '0'));
  await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
}

/** Approves the request with the right number and waits for Twofold's confirmation and the dialog to close. */
export async function approveInTwofold(page: Page, number: number): Promise<void> {
  await enterNumberAndApprove(page, number);
  await page.getByRole('status').getByText('Sign-in approved').waitFor();
  await approvalDialog(page).waitFor({ state: 'detached' });
}

/** A 2-digit number (10–99) that is not `number`. */
export function otherNumber(number: number): number {
  return number === 99 ? 10 : number + 1;
}
