import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Secret, TOTP } from 'otpauth';
import { parseEnrollmentUri } from '../../common/push-protocol';
import { TestDevice } from '../push/test-device';
import { TEST_PASSWORD, TestBrowser, addUser, startTestIdp } from './test-browser';

type TestIdp = Awaited<ReturnType<typeof startTestIdp>>;
let idp: TestIdp;

beforeEach(async () => {
  idp = await startTestIdp();
  await addUser(idp, { email: 'alice@example.com' });
});
afterEach(async () => idp.close());

const unescape = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

function byId(page: string, id: string, attribute = 'value'): string | null {
  const tag = new RegExp(`<[^>]*\\bid="${id}"[^>]*>`).exec(page)?.[0];
  if (!tag) return null;
  const value = new RegExp(`\\b${attribute}="([^"]*)"`).exec(tag)?.[1];
  return value === undefined ? null : unescape(value);
}

/** Enrolls a device through the security page, as a user would with Twofold. */
async function enrollDevice(browser: TestBrowser): Promise<TestDevice> {
  await browser.get('/security');
  const page = await browser.post('/security/enroll');
  expect(page.status).toBe(200);
  const uri = byId(page.text, 'enroll-uri')!;
  expect(uri.startsWith('twofold://enroll?')).toBe(true);
  expect(byId(page.text, 'enroll-link', 'href')).toBe(uri);
  expect(byId(page.text, 'enroll-qr', 'alt')).toBe('Enrollment QR code');
  expect(byId(page.text, 'enroll-qr', 'src')).toMatch(/^data:image\/png;base64,/);
  expect(page.text).toContain('valid for 10 minutes');
  const parsed = parseEnrollmentUri(uri);
  if (!parsed.ok) throw new Error(parsed.problem.message);
  expect(parsed.value.server).toBe(idp.origin);
  expect(parsed.value.account).toBe('alice@example.com');
  return TestDevice.enroll(idp.origin, parsed.value.code, () => idp.clock.now());
}

/** The pending request id the device sees. */
async function pendingRequestId(device: TestDevice): Promise<string> {
  const answer = await device.poll();
  const [jws] = answer.body.requests as string[];
  const payload = JSON.parse(Buffer.from(jws!.split('.')[1]!, 'base64url').toString()) as { jti: string };
  return payload.jti;
}

/** Reads the live-status stream until it ends; returns the states it sent. */
async function readEvents(browser: TestBrowser, onFirst?: () => Promise<void>): Promise<string[]> {
  const res = await fetch(`${idp.origin}/2fa/push/events`, { headers: { cookie: `sid=${browser.cookies.get('sid')!.value}` } });
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const reader = res.body!.getReader();
  const states: string[] = [];
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return states;
    buffer += Buffer.from(value).toString();
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = /^event: state\ndata: (\w+)$/m.exec(block);
      if (data) {
        states.push(data[1]!);
        if (states.length === 1 && onFirst) await onFirst();
      }
    }
  }
}

async function setUp(): Promise<{ device: TestDevice }> {
  const browser = new TestBrowser(idp.origin);
  expect((await browser.signIn('alice@example.com', TEST_PASSWORD)).path).toBe('/account');
  const device = await enrollDevice(browser);
  const security = await browser.get('/security');
  expect(security.text).toContain('Test laptop');
  expect(security.text).toContain('Twofold device enrolled');
  return { device };
}

async function atPushPage(): Promise<{ browser: TestBrowser; number: number; text: string }> {
  const browser = new TestBrowser(idp.origin);
  const page = await browser.signIn('alice@example.com', TEST_PASSWORD);
  expect(page.path).toBe('/2fa/push');
  expect(page.text).toContain('<h1>We sent a request to your Twofold app</h1>');
  const number = /id="push-number" aria-label="Number to enter in Twofold">(\d{2})</.exec(page.text)?.[1];
  expect(number).toBeDefined();
  return { browser, number: Number(number), text: page.text };
}

describe('push sign-in', () => {
  it('approving with the number signs in (live status, then the server-checked completion)', async () => {
    const { device } = await setUp();
    const { browser, number, text } = await atPushPage();
    expect(text).toContain('Remember this device for 30 days');
    expect(text).toContain('Check status');
    const requestId = await pendingRequestId(device);

    // Completing before approval grants nothing.
    expect((await browser.post('/2fa/push/complete')).path).toBe('/2fa/push');

    const states = await readEvents(browser, async () => {
      const answer = await device.decide(await device.decision(requestId, { decision: 'approve', number }));
      expect(answer.body).toMatchObject({ status: 'approved' });
    });
    expect(states).toEqual(['pending', 'approved']);
    const before = browser.cookies.get('sid')!.value;
    const done = await browser.post('/2fa/push/complete', { remember: 'yes' });
    expect(done.path).toBe('/account');
    expect(browser.cookies.get('sid')!.value).not.toBe(before);
    expect(browser.cookies.has('remember')).toBe(true);

    const security = await browser.get('/security');
    expect(security.text).toContain('Push request approved');
  });

  it('without script, "Check status" shows the approval and Continue completes it', async () => {
    const { device } = await setUp();
    const { browser, number } = await atPushPage();
    const requestId = await pendingRequestId(device);
    await device.decide(await device.decision(requestId, { decision: 'approve', number }));
    const approved = await browser.post('/2fa/push/complete');
    expect(approved.path).toBe('/account');
  });

  it('a denied request offers "Try another way"', async () => {
    const { device } = await setUp();
    const { browser } = await atPushPage();
    const csrf = browser.csrf();
    const requestId = await pendingRequestId(device);
    await device.decide(await device.decision(requestId, { decision: 'deny', reason: 'cancelled' }));
    const page = await browser.get('/2fa/push');
    expect(page.text).toContain('<h1>Request denied</h1>');
    expect(page.text).toContain('<a href="/2fa/other" id="try-another-way">Try another way</a>');
    expect((await browser.post('/2fa/push/complete', {}, { csrf })).text).toContain('<h1>Request denied</h1>');
    const other = await browser.get('/2fa/other');
    expect(other.text).toContain('Send a push to Twofold');
  });

  it('"this wasn\'t me" pauses pushes for the account', async () => {
    const { device } = await setUp();
    const { browser } = await atPushPage();
    await device.decide(await device.decision(await pendingRequestId(device), { decision: 'deny', reason: 'not-me' }));
    expect((await browser.get('/2fa/push')).text).toContain('Push requests to this account are now paused for 20 minutes.');
    const next = new TestBrowser(idp.origin);
    const paused = await next.signIn('alice@example.com', TEST_PASSWORD);
    expect(paused.status).toBe(429);
    expect(paused.text).toContain('<h1>Push requests are paused</h1>');
    expect(paused.text).toContain('for about 20 minutes');
    expect(paused.text).toContain('Try another way');
  });

  it('a timed-out request offers "Try push again", which sends a new one', async () => {
    const { device } = await setUp();
    const { browser } = await atPushPage();
    const first = await pendingRequestId(device);
    idp.clock.advance(61_000);
    const expired = await browser.get('/2fa/push');
    expect(expired.text).toContain('<h1>The request timed out</h1>');
    expect(expired.text).toContain('Try push again');
    expect(expired.text).toContain('Try another way');
    const again = await browser.post('/2fa/push/retry');
    expect(again.text).toContain('<h1>We sent a request to your Twofold app</h1>');
    expect(await pendingRequestId(device)).not.toBe(first);
  });

  it('a second browser does not share the first one\'s pending request', async () => {
    await setUp();
    await atPushPage();
    const second = new TestBrowser(idp.origin);
    const page = await second.signIn('alice@example.com', TEST_PASSWORD);
    expect(page.status).toBe(409);
    expect(page.text).toContain('Another sign-in is waiting');
  });

  it('the live-status stream sends nothing without a pending request', async () => {
    const browser = new TestBrowser(idp.origin);
    await browser.get('/signin');
    const res = await fetch(`${idp.origin}/2fa/push/events`, { headers: { cookie: `sid=${browser.cookies.get('sid')!.value}` } });
    expect(res.status).toBe(204);
  });
});

describe('security page', () => {
  it('revokes a device', async () => {
    const browser = new TestBrowser(idp.origin);
    await browser.signIn('alice@example.com', TEST_PASSWORD);
    const device = await enrollDevice(browser);
    await browser.get('/security');
    const page = await browser.post('/security/devices/revoke', { deviceId: device.id });
    expect(page.text).toContain('The device was revoked.');
    expect(page.text).toMatch(/Revoked \d{4}-/);
    expect((await browser.post('/security/devices/revoke', { deviceId: 'someone-elses' })).text).toContain('That device was not found.');
  });

  it('sets up an authenticator app confirmed with a code, then offers codes at sign-in', async () => {
    const browser = new TestBrowser(idp.origin);
    await browser.signIn('alice@example.com', TEST_PASSWORD);
    await browser.get('/security');
    const started = await browser.post('/security/totp/start');
    const uri = byId(started.text, 'totp-uri')!;
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    expect(byId(started.text, 'totp-qr', 'alt')).toBe('Authenticator QR code');
    const secret = /id="totp-secret">([A-Z2-7]+)</.exec(started.text)![1]!;
    const totp = new TOTP({ secret: Secret.fromBase32(secret) });

    const wrong = await browser.post('/security/totp/confirm', { code: String((Number(totp.generate({ timestamp: idp.clock.now() })) + 1) % 1e6).padStart(6, '0') });
    expect(wrong.status).toBe(400);
    expect(wrong.text).toContain('That code is not right.');
    const confirmed = await browser.post('/security/totp/confirm', { code: totp.generate({ timestamp: idp.clock.now() }) });
    expect(confirmed.text).toContain('Your authenticator app is set up.');
    expect(confirmed.text).toContain('Authenticator app set up');

    const saved = await browser.post('/security/default-method', { method: 'code' });
    expect(saved.text).toContain('Your default sign-in method is saved.');
    await browser.post('/signout');
    idp.clock.advance(30_000);
    const next = await browser.signIn('alice@example.com', TEST_PASSWORD);
    expect(next.path).toBe('/2fa/code');
    expect((await browser.post('/2fa/code', { code: totp.generate({ timestamp: idp.clock.now() }) })).path).toBe('/account');
  });
});
