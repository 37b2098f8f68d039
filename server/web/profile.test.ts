import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Secret, TOTP } from 'otpauth';
import { escapeHtml } from './html';
import { PROFILE_MESSAGES } from './profile-validation';
import { TEST_PASSWORD, TestBrowser, addUser, startTestIdp } from './test-browser';

type TestIdp = Awaited<ReturnType<typeof startTestIdp>>;
let idp: TestIdp;
const secret = new Secret({ size: 20 }).base32;
const codeAt = (ms: number) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: ms });
const valid = { firstName: 'Alice', lastName: 'Example', email: 'alice@example.com', password: '' };

beforeEach(async () => {
  idp = await startTestIdp();
  idp.clock.set(1_750_000_010_000);
  await addUser(idp, { email: 'alice@example.com', totpSecret: secret, defaultMethod: 'code' });
});
afterEach(async () => idp.close());

async function signedIn(remember = false): Promise<TestBrowser> {
  const browser = new TestBrowser(idp.origin);
  await browser.signIn('alice@example.com', TEST_PASSWORD);
  const landed = await browser.post('/2fa/code', { code: codeAt(idp.clock.now()), ...(remember ? { remember: 'yes' } : {}) });
  expect(landed.path).toBe('/account');
  // Each sign-in uses the next time step (a code is accepted once).
  idp.clock.advance(30_000);
  return browser;
}

describe('profile page', () => {
  it('shows the password-change warning next to the password field', async () => {
    const browser = await signedIn();
    const page = await browser.get('/profile');
    expect(page.text).toContain('<h1>Profile</h1>');
    expect(page.text).toContain(`<p class="warning" id="password-warning">${escapeHtml(PROFILE_MESSAGES.passwordChange)}</p>`);
  });

  it('shows each validation message exactly, and keeps the account unchanged', async () => {
    const browser = await signedIn();
    await browser.get('/profile');
    const cases: [Partial<typeof valid>, string, string][] = [
      [{ firstName: 'A' }, 'first-name-error', PROFILE_MESSAGES.firstName],
      [{ firstName: 'Al1ce' }, 'first-name-error', PROFILE_MESSAGES.firstName],
      [{ lastName: '' }, 'last-name-error', PROFILE_MESSAGES.lastName],
      [{ lastName: 'Ex@mple' }, 'last-name-error', PROFILE_MESSAGES.lastName],
      [{ email: 'alice@' }, 'email-error', PROFILE_MESSAGES.email],
      [{ password: 'short1' }, 'password-error', PROFILE_MESSAGES.password],
      [{ password: 'onlyletters' }, 'password-error', PROFILE_MESSAGES.password],
    ];
    for (const [change, id, message] of cases) {
      const answer = await browser.post('/profile', { ...valid, ...change });
      expect(answer.status, id).toBe(400);
      expect(answer.text, id).toContain(`<p class="field-error" id="${id}">${escapeHtml(message)}</p>`);
    }
    const row = idp.ctx.db.prepare('SELECT first_name, last_name, password_version FROM users').get();
    expect(row).toEqual({ first_name: 'Alice', last_name: 'Example', password_version: 1 });
  });

  it('says when an email belongs to another account', async () => {
    await addUser(idp, { email: 'bob@example.com' });
    const browser = await signedIn();
    await browser.get('/profile');
    const answer = await browser.post('/profile', { ...valid, email: 'BOB@example.com' });
    expect(answer.text).toContain(PROFILE_MESSAGES.emailTaken);
  });

  it('saves valid changes and says so', async () => {
    const browser = await signedIn();
    await browser.get('/profile');
    const saved = await browser.post('/profile', { firstName: 'Anne-Marie', lastName: "O'Brien", email: 'anne@example.com', password: '' });
    expect(saved.path).toBe('/profile');
    expect(saved.text).toContain(`<p class="notice" role="status" id="notice">${PROFILE_MESSAGES.success}</p>`);
    expect(saved.text).toContain('value="Anne-Marie"');
    expect(saved.text).toContain('value="O&#39;Brien"');
    // The notice is shown once.
    expect((await browser.get('/profile')).text).not.toContain(PROFILE_MESSAGES.success);
    // The session survives a change without a new password.
    expect((await browser.get('/account')).text).toContain('Anne-Marie O&#39;Brien');
  });

  it('a password change ends every session and forgets remembered devices', async () => {
    const browser = await signedIn(true);
    const otherBrowser = await signedIn();
    const oldRemember = browser.cookies.get('remember')!.value;
    const oldSid = browser.cookies.get('sid')!.value;
    await browser.get('/profile');
    const changed = await browser.post('/profile', { ...valid, password: 'new password 42' });
    expect(changed.path).toBe('/signin?changed=password');
    expect(changed.text).toContain(escapeHtml(PROFILE_MESSAGES.passwordChange));

    // The old session cookie is dead, in this browser and in the other one.
    const replay = new TestBrowser(idp.origin);
    replay.cookies.set('sid', { value: oldSid, header: '' });
    expect((await replay.request('GET', '/account')).location).toBe('/signin');
    expect((await otherBrowser.request('GET', '/account')).location).toBe('/signin');

    // The old password fails, and the remembered device no longer skips 2-step.
    const again = new TestBrowser(idp.origin);
    again.cookies.set('remember', { value: oldRemember, header: '' });
    expect((await again.signIn('alice@example.com', TEST_PASSWORD)).status).toBe(401);
    expect((await again.signIn('alice@example.com', 'new password 42')).path).toBe('/2fa/code');
  });
});
