import { describe, expect, it } from 'vitest';
import { escapeHtml, html } from './html';
import { PROFILE_MESSAGES, validateProfile, validEmail, validName, validPassword } from './profile-validation';
import { REMEMBER_TTL_MS, rememberCookieValid, signRememberCookie } from './remember-cookie';
import { describeLocation, describeSignIn, parseBrowser, parseOs } from './user-agent';
import { hashPassword, verifyPassword } from './users';

describe('html', () => {
  it('escapes interpolated text but keeps nested templates as markup', () => {
    const name = `<script>alert("x")</script>' & \``;
    const out = html`<p title="${name}">${name}${html`<b>ok</b>`}</p>`.value;
    expect(out).toBe(`<p title="${escapeHtml(name)}">${escapeHtml(name)}<b>ok</b></p>`);
    expect(out).not.toContain('<script>');
    expect(escapeHtml(`<>&"'\``)).toBe('&lt;&gt;&amp;&quot;&#39;&#96;');
  });

  it('renders arrays and drops null, undefined and false', () => {
    expect(html`<ul>${['a', html`<li>b</li>`]}${null}${undefined}${false}</ul>`.value).toBe('<ul>a<li>b</li></ul>');
  });
});

describe('profile validation', () => {
  it('accepts letter names joined by single spaces, hyphens or apostrophes', () => {
    for (const ok of ['Jo', 'Anne-Marie', "O'Brien", 'Mary Ann', 'Zoë', 'José', 'Łukasz', '李雷']) expect(validName(ok, 2), ok).toBe(true);
    expect(validName('X', 1)).toBe(true);
  });

  it('refuses short names, digits, symbols and doubled or trailing joiners', () => {
    for (const bad of ['J', '', 'Jo3', 'Jo!', 'Anne--Marie', 'Anne  Marie', '-Jo', "Jo'", 'Jo_', '<b>']) expect(validName(bad, 2), bad).toBe(false);
    expect(validName('', 1)).toBe(false);
    expect(validName('A'.repeat(101), 1)).toBe(false);
  });

  it('checks emails sensibly', () => {
    for (const ok of ['a@b.co', 'first.last+tag@sub.example.org', 'demo@twofold.test']) expect(validEmail(ok), ok).toBe(true);
    for (const bad of ['', 'a', 'a@', '@b.co', 'a@b', 'a@@b.co', 'a b@c.de', 'a@b..co', 'a..b@c.de', `${'a'.repeat(65)}@b.co`, `a@${'b'.repeat(250)}.co`]) {
      expect(validEmail(bad), bad).toBe(false);
    }
  });

  it('wants 10 to 128 characters with a letter and a digit in a password', () => {
    expect(validPassword('abcdefghi1')).toBe(true);
    expect(validPassword('abcdefgh1')).toBe(false);
    expect(validPassword('abcdefghij')).toBe(false);
    expect(validPassword('1234567890')).toBe(false);
    expect(validPassword(`a1${'x'.repeat(126)}`)).toBe(true);
    expect(validPassword(`a1${'x'.repeat(127)}`)).toBe(false);
  });

  it('reports every invalid field with its exact message and keeps an empty password', () => {
    expect(validateProfile({ firstName: 'J', lastName: '', email: 'nope', password: 'short' }).errors).toEqual({
      firstName: PROFILE_MESSAGES.firstName,
      lastName: PROFILE_MESSAGES.lastName,
      email: PROFILE_MESSAGES.email,
      password: PROFILE_MESSAGES.password,
    });
    const ok = validateProfile({ firstName: ' Jo ', lastName: 'X', email: ' a@b.co ', password: '' });
    expect(ok.errors).toEqual({});
    expect(ok.value).toEqual({ firstName: 'Jo', lastName: 'X', email: 'a@b.co', password: '' });
  });
});

describe('remember cookie', () => {
  const secret = Buffer.alloc(32, 7);
  const user = { id: 'user-1', passwordVersion: 3 };
  const t = 1_750_000_000_000;
  const cookie = signRememberCookie(secret, { userId: user.id, passwordVersion: 3, issuedAt: t });

  it('is valid for its user and password version for 30 days', () => {
    expect(rememberCookieValid(secret, cookie, user, t)).toBe(true);
    expect(rememberCookieValid(secret, cookie, user, t + REMEMBER_TTL_MS - 1)).toBe(true);
    expect(rememberCookieValid(secret, cookie, user, t + REMEMBER_TTL_MS)).toBe(false);
  });

  it('is refused for another user, another password version, another secret, or when tampered', () => {
    expect(rememberCookieValid(secret, cookie, { id: 'user-2', passwordVersion: 3 }, t)).toBe(false);
    expect(rememberCookieValid(secret, cookie, { id: 'user-1', passwordVersion: 4 }, t)).toBe(false);
    expect(rememberCookieValid(Buffer.alloc(32, 8), cookie, user, t)).toBe(false);
    const [payload, mac] = cookie.split('.');
    const forged = Buffer.from(JSON.stringify({ u: 'user-1', v: 3, t: t + 1000 })).toString('base64url');
    expect(rememberCookieValid(secret, `${forged}.${mac}`, user, t)).toBe(false);
    expect(rememberCookieValid(secret, `${payload}.${mac}x`, user, t)).toBe(false);
    expect(rememberCookieValid(secret, `${payload}`, user, t)).toBe(false);
    expect(rememberCookieValid(secret, undefined, user, t)).toBe(false);
  });

  it('is refused when issued in the future', () => {
    const future = signRememberCookie(secret, { userId: user.id, passwordVersion: 3, issuedAt: t + 120_000 });
    expect(rememberCookieValid(secret, future, user, t)).toBe(false);
  });
});

describe('user agent and location', () => {
  it('names common browsers and systems', () => {
    const chrome = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
    expect([parseBrowser(chrome), parseOs(chrome)]).toEqual(['Chrome 156', 'Linux']);
    const edge = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91';
    expect([parseBrowser(edge), parseOs(edge)]).toEqual(['Edge 120', 'Windows']);
    const firefox = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.1; rv:121.0) Gecko/20100101 Firefox/121.0';
    expect([parseBrowser(firefox), parseOs(firefox)]).toEqual(['Firefox 121', 'macOS']);
    const safari = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1';
    expect([parseBrowser(safari), parseOs(safari)]).toEqual(['Safari 17', 'iOS']);
    expect([parseBrowser(undefined), parseOs('')]).toEqual(['Unknown browser', 'Unknown OS']);
  });

  it('names loopback and private addresses only', () => {
    expect(describeLocation('127.0.0.1')).toBe('Loopback (this computer)');
    expect(describeLocation('::1')).toBe('Loopback (this computer)');
    expect(describeLocation('::ffff:127.0.0.1')).toBe('Loopback (this computer)');
    expect(describeLocation('192.168.1.4')).toBe('Local network');
    expect(describeLocation('203.0.113.9')).toBe('Unknown location');
    expect(describeSignIn(undefined, '127.0.0.1')).toEqual({
      application: 'Twofold IdP',
      browser: 'Unknown browser',
      os: 'Unknown OS',
      ip: '127.0.0.1',
      location: 'Loopback (this computer)',
    });
  });
});

describe('password hashing', () => {
  it('stores scrypt N=2^15 r=8 p=1 with a 16-byte salt and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse 1');
    const [scheme, n, r, p, salt, key] = hash.split('$');
    expect([scheme, n, r, p]).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
    expect(Buffer.from(key!, 'base64')).toHaveLength(32);
    expect(await verifyPassword('correct horse 1', hash)).toBe(true);
    expect(await verifyPassword('correct horse 2', hash)).toBe(false);
    expect(await hashPassword('correct horse 1')).not.toBe(hash);
  });

  it('never matches a malformed or weakened hash', async () => {
    const hash = await hashPassword('pw');
    expect(await verifyPassword('pw', hash.replace('scrypt$32768', 'scrypt$1024'))).toBe(false);
    expect(await verifyPassword('pw', 'plain')).toBe(false);
    expect(await verifyPassword('pw', hash.replace('scrypt', 'bcrypt'))).toBe(false);
  });
});
