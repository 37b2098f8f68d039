import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Secret, TOTP } from 'otpauth';
import { CONTENT_SECURITY_POLICY, SIGN_IN_FAILED } from './routes';
import { CODE_MESSAGES } from './totp-check';
import { TEST_PASSWORD, TestBrowser, addUser, startTestIdp } from './test-browser';

type TestIdp = Awaited<ReturnType<typeof startTestIdp>>;
let idp: TestIdp;
const secret = new Secret({ size: 20 }).base32;
const codeAt = (ms: number) => new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: ms });

beforeEach(async () => {
  // 10 s into a 30 s step, so ±1 step is unambiguous.
  idp = await startTestIdp();
  idp.clock.set(1_750_000_010_000);
  await addUser(idp, { email: 'alice@example.com', totpSecret: secret, defaultMethod: 'code' });
});
afterEach(async () => idp.close());

describe('password step', () => {
  it('gives an unknown email and a wrong password the same message and status', async () => {
    const a = new TestBrowser(idp.origin);
    await a.get('/signin');
    const wrongPassword = await a.post('/signin', { email: 'alice@example.com', password: 'not it at all 9' });
    const b = new TestBrowser(idp.origin);
    await b.get('/signin');
    const unknownUser = await b.post('/signin', { email: 'nobody@example.com', password: 'not it at all 9' });
    expect(wrongPassword.status).toBe(401);
    expect(unknownUser.status).toBe(wrongPassword.status);
    expect(wrongPassword.text).toContain(SIGN_IN_FAILED);
    const strip = (t: string) => t.replace(/value="[^"]*"/g, '');
    expect(strip(unknownUser.text).replace('nobody', 'alice')).toBe(strip(wrongPassword.text));
  });

  it('refuses a POST without or with a wrong CSRF token with 403', async () => {
    const browser = new TestBrowser(idp.origin);
    await browser.get('/signin');
    const missing = await browser.post('/signin', { email: 'alice@example.com', password: TEST_PASSWORD }, { csrf: null });
    expect(missing.status).toBe(403);
    expect(missing.text).toContain('This form has expired');
    const wrong = await browser.post('/signin', { email: 'alice@example.com', password: TEST_PASSWORD }, { csrf: 'x'.repeat(43) });
    expect(wrong.status).toBe(403);
    const noSession = new TestBrowser(idp.origin);
    expect((await noSession.request('POST', '/signin', { email: 'a', password: 'b', _csrf: 'c' })).status).toBe(403);
  });

  it('sets HttpOnly SameSite=Lax cookies and a strict CSP', async () => {
    const browser = new TestBrowser(idp.origin);
    const page = await browser.get('/signin');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const sid = browser.cookies.get('sid')!;
    expect(sid.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sid.header).toMatch(/HttpOnly/i);
    expect(sid.header).toMatch(/SameSite=Lax/i);
    expect(sid.header).toMatch(/Path=\//);
    expect(sid.header).not.toMatch(/Secure/i);
    // Only a hash of the id is stored.
    const rows = idp.ctx.db.prepare('SELECT id_hash FROM sessions').all() as { id_hash: string }[];
    expect(rows.map((r) => r.id_hash)).not.toContain(sid.value);
  });

  it('serves the stylesheet and script the pages use', async () => {
    const browser = new TestBrowser(idp.origin);
    const page = await browser.get('/signin');
    expect(page.text).toContain('<link rel="stylesheet" href="/static/idp.css">');
    expect(page.text).not.toMatch(/<script>|style="/);
    const css = await fetch(`${idp.origin}/static/idp.css`);
    expect(css.headers.get('content-type')).toMatch(/^text\/css/);
    const js = await fetch(`${idp.origin}/static/idp.js`);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await js.text()).toContain("new EventSource");
  });

  it('rotates the session id at the password step and at the end of 2-step', async () => {
    const browser = new TestBrowser(idp.origin);
    await browser.get('/signin');
    const anonymous = browser.cookies.get('sid')!.value;
    const afterPassword = await browser.post('/signin', { email: 'alice@example.com', password: TEST_PASSWORD });
    expect(afterPassword.path).toBe('/2fa/code');
    const secondFactor = browser.cookies.get('sid')!.value;
    expect(secondFactor).not.toBe(anonymous);
    // The old id is gone: a request with it is anonymous again.
    const old = new TestBrowser(idp.origin);
    old.cookies.set('sid', { value: anonymous, header: '' });
    expect((await old.request('GET', '/2fa')).location).toBe('/signin');

    const done = await browser.post('/2fa/code', { code: codeAt(idp.clock.now()) });
    expect(done.path).toBe('/account');
    expect(done.text).toContain("<h1>You're signed in</h1>");
    expect(done.text).toContain('Alice Example');
    expect(browser.cookies.get('sid')!.value).not.toBe(secondFactor);
    old.cookies.set('sid', { value: secondFactor, header: '' });
    expect((await old.request('GET', '/account')).location).toBe('/signin');
  });

  it('keeps pages behind the right stage', async () => {
    const browser = new TestBrowser(idp.origin);
    expect((await browser.request('GET', '/')).location).toBe('/signin');
    for (const path of ['/account', '/security', '/profile', '/2fa', '/2fa/code', '/2fa/push', '/2fa/other']) {
      expect((await browser.request('GET', path)).location, path).toBe('/signin');
    }
    await browser.signIn('alice@example.com', TEST_PASSWORD);
    expect((await browser.request('GET', '/account')).location).toBe('/2fa');
    await browser.post('/2fa/code', { code: codeAt(idp.clock.now()) });
    expect((await browser.request('GET', '/2fa/code')).location).toBe('/account');
    expect((await browser.request('GET', '/signin')).location).toBe('/account');
    expect((await browser.request('GET', '/')).location).toBe('/account');
  });

  it('signs out: the session ends but the device stays remembered', async () => {
    const browser = new TestBrowser(idp.origin);
    await browser.signIn('alice@example.com', TEST_PASSWORD);
    await browser.post('/2fa/code', { code: codeAt(idp.clock.now()), remember: 'yes' });
    const signedOut = await browser.post('/signout');
    expect(signedOut.path).toBe('/signin');
    expect(browser.cookies.has('remember')).toBe(true);
    expect((await browser.request('GET', '/account')).location).toBe('/signin');
  });
});

describe('authenticator code page', () => {
  async function atCodePage(): Promise<TestBrowser> {
    const browser = new TestBrowser(idp.origin);
    const landed = await browser.signIn('alice@example.com', TEST_PASSWORD);
    expect(landed.path).toBe('/2fa/code');
    expect(landed.text).toContain('<h1>Enter your authenticator code</h1>');
    expect(landed.text).toContain('Remember this device for 30 days');
    return browser;
  }

  it('accepts the previous and the next step', async () => {
    const before = await atCodePage();
    expect((await before.post('/2fa/code', { code: codeAt(idp.clock.now() - 30_000) })).path).toBe('/account');
    idp.clock.advance(60_000);
    const after = await atCodePage();
    expect((await after.post('/2fa/code', { code: codeAt(idp.clock.now() + 30_000) })).path).toBe('/account');
  });

  it('refuses a code that was already used', async () => {
    const code = codeAt(idp.clock.now());
    expect((await (await atCodePage()).post('/2fa/code', { code })).path).toBe('/account');
    const again = await (await atCodePage()).post('/2fa/code', { code });
    expect(again.status).toBe(401);
    expect(again.text).toContain(CODE_MESSAGES.reused);
  });

  it('locks out after 5 wrong codes, even for the right code', async () => {
    const browser = await atCodePage();
    const wrong = String((Number(codeAt(idp.clock.now())) + 500_000) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 4; i++) {
      const answer = await browser.post('/2fa/code', { code: wrong });
      expect(answer.text).toContain(CODE_MESSAGES.wrong);
    }
    const fifth = await browser.post('/2fa/code', { code: wrong });
    expect(fifth.status).toBe(429);
    expect(fifth.text).toContain('Too many incorrect codes. Try again in 5 minutes.');
    idp.clock.advance(2 * 60_000);
    // Another browser for the same account is locked out too.
    const other = await atCodePage();
    const right = await other.post('/2fa/code', { code: codeAt(idp.clock.now()) });
    expect(right.status).toBe(429);
    expect(right.text).toContain('Too many incorrect codes. Try again in 3 minutes.');
    idp.clock.advance(3 * 60_000);
    const later = await atCodePage();
    expect((await later.post('/2fa/code', { code: codeAt(idp.clock.now()) })).path).toBe('/account');
  });

  it('lists the enrolled methods under "Try another way"', async () => {
    const browser = await atCodePage();
    const other = await browser.get('/2fa/other');
    expect(other.text).toContain('<h1>Try another way</h1>');
    expect(other.text).toContain('Enter a code from your authenticator app');
    expect(other.text).not.toContain('Send a push to Twofold');
  });
});

describe('remember this device', () => {
  it('skips 2-step for 30 days on this browser only', async () => {
    const browser = new TestBrowser(idp.origin);
    await browser.signIn('alice@example.com', TEST_PASSWORD);
    await browser.post('/2fa/code', { code: codeAt(idp.clock.now()), remember: 'yes' });
    const remember = browser.cookies.get('remember')!;
    expect(remember.header).toMatch(/HttpOnly/i);
    expect(remember.header).toMatch(/SameSite=Lax/i);
    expect(remember.header).toMatch(/Max-Age=2592000/);
    await browser.post('/signout');

    idp.clock.advance(29 * 24 * 60 * 60 * 1000);
    const skipped = await browser.signIn('alice@example.com', TEST_PASSWORD);
    expect(skipped.path).toBe('/account');
    await browser.post('/signout');

    // A tampered cookie, or none, asks for the second step.
    const stranger = new TestBrowser(idp.origin);
    stranger.cookies.set('remember', { value: `${remember.value.split('.')[0]}.AAAA`, header: '' });
    expect((await stranger.signIn('alice@example.com', TEST_PASSWORD)).path).toBe('/2fa/code');

    idp.clock.advance(2 * 24 * 60 * 60 * 1000);
    expect((await browser.signIn('alice@example.com', TEST_PASSWORD)).path).toBe('/2fa/code');
  });

  it('is not set when the box is not ticked', async () => {
    const browser = new TestBrowser(idp.origin);
    await browser.signIn('alice@example.com', TEST_PASSWORD);
    await browser.post('/2fa/code', { code: codeAt(idp.clock.now()) });
    expect(browser.cookies.has('remember')).toBe(false);
  });
});

describe('an account without a second step', () => {
  it('signs in with the password and urges setting one up', async () => {
    await addUser(idp, { email: 'bob@example.com', firstName: 'Bob' });
    const browser = new TestBrowser(idp.origin);
    const landed = await browser.signIn('bob@example.com', TEST_PASSWORD);
    expect(landed.path).toBe('/account');
    expect(landed.text).toContain('2-step verification is not set up yet');
  });
});
