/**
 * A tiny cookie-keeping HTTP client for testing the web pages over real sockets, plus an identity
 * provider fixture with a movable clock. Test code only.
 */
import { startIdp, type Idp } from '../app';
import { createUser, type NewUser, type UserRow } from './users';

/** A cookie as the server set it: value plus its attributes, for assertions. */
export interface StoredCookie {
  value: string;
  /** The raw Set-Cookie header that set it. */
  header: string;
}

/** A page answer: status, headers, body text, and where a redirect points. */
export interface PageAnswer {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
}

/** Keeps cookies like a browser (one origin, no expiry bookkeeping beyond deletion) and never follows redirects by itself. */
export class TestBrowser {
  readonly cookies = new Map<string, StoredCookie>();
  /** The last HTML page received, for reading CSRF tokens. */
  lastPage = '';

  constructor(
    readonly origin: string,
    readonly userAgent = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36',
  ) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([name, c]) => `${name}=${c.value}`).join('; ');
  }

  private store(headers: Headers): void {
    for (const header of headers.getSetCookie()) {
      const [pair = ''] = header.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = /max-age=0\b/i.test(header) || /expires=Thu, 01 Jan 1970/i.test(header) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, { value, header });
    }
  }

  /** One request, no redirect following. */
  async request(method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<PageAnswer> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent };
    const cookie = this.cookieHeader();
    if (cookie) headers.cookie = cookie;
    let body: string | undefined;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    const res = await fetch(this.origin + path, { method, headers, body, redirect: 'manual' });
    this.store(res.headers);
    const text = await res.text();
    if ((res.headers.get('content-type') ?? '').startsWith('text/html')) this.lastPage = text;
    return { status: res.status, headers: res.headers, text, location: res.headers.get('location') };
  }

  /** GET, following redirects (up to 10); the answer is the final page. */
  async get(path: string): Promise<PageAnswer & { path: string }> {
    let current = path;
    for (let i = 0; i < 10; i++) {
      const answer = await this.request('GET', current);
      if (answer.status < 300 || answer.status >= 400 || !answer.location) return { ...answer, path: current };
      current = answer.location;
    }
    throw new Error(`too many redirects from ${path}`);
  }

  /** POST a form; `_csrf` defaults to the token on the last page. Follows the redirect, if any, with GETs. */
  async post(path: string, form: Record<string, string> = {}, options: { csrf?: string | null } = {}): Promise<PageAnswer & { path: string }> {
    const fields = { ...form };
    const csrf = options.csrf === undefined ? this.csrf() : options.csrf;
    if (csrf !== null) fields._csrf = csrf;
    const answer = await this.request('POST', path, fields);
    if (answer.status >= 300 && answer.status < 400 && answer.location) return this.get(answer.location);
    return { ...answer, path };
  }

  /** The CSRF token in the last page. */
  csrf(): string {
    const match = /name="_csrf" value="([^"]+)"/.exec(this.lastPage);
    if (!match) throw new Error('the last page has no CSRF field');
    return match[1]!;
  }

  /** Signs in with a password (loads the sign-in page first); the answer is where it lands. */
  async signIn(email: string, password: string): Promise<PageAnswer & { path: string }> {
    await this.get('/signin');
    return this.post('/signin', { email, password });
  }
}

/** A clock tests can move. */
export interface TestClock {
  now(): number;
  advance(ms: number): void;
  set(ms: number): void;
}

/** A clock starting at `start` (default: now). */
export function testClock(start = Date.now()): TestClock {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms), set: (ms) => (t = ms) };
}

/** The password every test user gets unless told otherwise. */
export const TEST_PASSWORD = 'correct horse 1';

/** An identity provider in memory with a movable clock. */
export async function startTestIdp(clock: TestClock = testClock(), pushTimeoutSeconds?: number): Promise<Idp & { clock: TestClock }> {
  const idp = await startIdp({ dataDir: null, port: 0, clock, pushTimeoutSeconds });
  return Object.assign(idp, { clock });
}

/** Creates a user directly in the database. */
export function addUser(idp: Idp, user: Partial<NewUser> & { totpSecret?: string } = {}): Promise<UserRow> {
  return createUser(idp.ctx.db, idp.ctx.clock.now(), {
    email: user.email ?? 'alice@example.com',
    firstName: user.firstName ?? 'Alice',
    lastName: user.lastName ?? 'Example',
    password: user.password ?? TEST_PASSWORD,
    defaultMethod: user.defaultMethod,
  }).then((row) => {
    if (user.totpSecret) idp.ctx.db.prepare('UPDATE users SET totp_secret = ? WHERE id = ?').run(user.totpSecret, row.id);
    return { ...row, totp_secret: user.totpSecret ?? null };
  });
}
