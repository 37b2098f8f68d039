/**
 * End to end, in real Chromium: the reference identity provider's profile page, its validation
 * messages word for word (DESIGN.md, "The sign-in flow Twofold serves"), and its success messages.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUser } from '../../server/web/users';
import { heading, openIdpPage, passwordStep, startTestIdp, USER, type TestIdp } from './push-steps';
import { useChromium } from './use-chromium';

const MESSAGES = {
  firstName: 'First name must have at least 2 characters. Numbers and special characters are not allowed.',
  lastName: 'Last name must have at least 1 character. Numbers and special characters are not allowed.',
  email: 'Enter a valid email',
  password: 'Enter a valid password',
  success: 'Your profile has been successfully updated.',
  passwordChange: 'Changing your password will log you out immediately. Use the new password to log back in.',
} as const;

const browser = useChromium();
let idp: TestIdp;
let context: BrowserContext;
let page: Page;

beforeEach(async () => {
  idp = await startTestIdp();
  ({ context, page } = await openIdpPage(browser(), idp.origin));
  // The user has no 2-step method yet: the password alone signs in.
  await passwordStep(page);
  await heading(page, "You're signed in").waitFor();
});
afterEach(async () => {
  await context?.close();
  await idp?.close();
});

type Field = 'first-name' | 'last-name' | 'email' | 'password';

/** Fills the profile form (fields left out keep their value) and saves it. */
async function saveProfile(values: Partial<Record<Field, string>>): Promise<void> {
  for (const [id, value] of Object.entries(values)) await page.locator(`#${id}`).fill(value);
  await Promise.all([page.waitForNavigation(), page.locator('#profile-save').click()]);
  await heading(page, 'Profile').or(heading(page, 'Sign in')).waitFor();
}

/** The error under each field ("" when none), and whether the field is marked invalid. */
async function fieldErrors(): Promise<Record<Field, { error: string; invalid: boolean }>> {
  const read = async (id: Field) => {
    const error = page.locator(`#${id}-error`);
    return {
      error: (await error.count()) ? ((await error.textContent()) ?? '') : '',
      invalid: (await page.locator(`#${id}`).getAttribute('aria-invalid')) === 'true',
    };
  };
  return { 'first-name': await read('first-name'), 'last-name': await read('last-name'), email: await read('email'), password: await read('password') };
}

const none = { error: '', invalid: false };

describe('profile page', () => {
  it('shows every validation message next to its field, keeps what was typed, and saves a valid profile', async () => {
    await page.goto('/profile');
    await heading(page, 'Profile').waitFor();
    expect(await page.locator('#first-name').inputValue()).toBe(USER.firstName);
    expect(await page.locator('#password-warning').textContent()).toBe(MESSAGES.passwordChange);

    // Everything wrong at once.
    await saveProfile({ 'first-name': 'J', 'last-name': '', email: 'not-an-email', password: 'short1' });
    expect(await fieldErrors()).toEqual({
      'first-name': { error: MESSAGES.firstName, invalid: true },
      'last-name': { error: MESSAGES.lastName, invalid: true },
      email: { error: MESSAGES.email, invalid: true },
      password: { error: MESSAGES.password, invalid: true },
    });
    expect(await page.locator('#first-name').inputValue()).toBe('J');
    expect(await page.locator('#email').inputValue()).toBe('not-an-email');
    // A rejected password is never sent back into the page.
    expect(await page.locator('#password').inputValue()).toBe('');
    // The error is announced with the field.
    expect(await page.locator('#first-name').getAttribute('aria-describedby')).toContain('first-name-error');

    // Other ways to be wrong: digits and symbols in names, an email without a domain, a password without a digit.
    await saveProfile({ 'first-name': 'Al1ce', 'last-name': 'Lid$ell', email: 'alice@', password: 'onlyletters-here' });
    expect(await fieldErrors()).toEqual({
      'first-name': { error: MESSAGES.firstName, invalid: true },
      'last-name': { error: MESSAGES.lastName, invalid: true },
      email: { error: MESSAGES.email, invalid: true },
      password: { error: MESSAGES.password, invalid: true },
    });

    // One field wrong: only that one is marked.
    await saveProfile({ 'first-name': 'Anne-Marie', 'last-name': "O'Brien", email: 'anne@example.org', password: '123456789012' });
    expect(await fieldErrors()).toEqual({ 'first-name': none, 'last-name': none, email: none, password: { error: MESSAGES.password, invalid: true } });

    // An email another account uses.
    await createUser(idp.idp.ctx.db, Date.now(), { email: 'taken@example.org', firstName: 'Bob', lastName: 'Other', password: 'bob-password-1' });
    await saveProfile({ email: 'taken@example.org', password: '' });
    expect(await fieldErrors()).toEqual({ 'first-name': none, 'last-name': none, email: { error: 'That email is already in use.', invalid: true }, password: none });

    // Valid: saved, with the success message, and the new values shown.
    await saveProfile({ 'first-name': 'Anne-Marie', 'last-name': "O'Brien", email: 'anne@example.org', password: '' });
    expect(await page.locator('#notice').textContent()).toBe(MESSAGES.success);
    expect(await fieldErrors()).toEqual({ 'first-name': none, 'last-name': none, email: none, password: none });
    await page.goto('/account');
    expect(await page.locator('#account-name').textContent()).toBe("Anne-Marie O'Brien");
    expect(await page.locator('#account-email').textContent()).toBe('anne@example.org');
  });

  it('a valid new password signs out with the password-change notice; the new password signs in', async () => {
    await page.goto('/profile');
    await saveProfile({ password: 'brand-new-pass-9' });
    expect(new URL(page.url()).search).toBe('?changed=password');
    expect(await page.locator('#notice').textContent()).toBe(MESSAGES.passwordChange);

    await page.goto('/account');
    await heading(page, 'Sign in').waitFor();
    await passwordStep(page, 'brand-new-pass-9');
    await heading(page, "You're signed in").waitFor();
  });
});
