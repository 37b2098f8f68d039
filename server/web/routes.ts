/**
 * The identity provider's web pages: sign-in (password, then push or code, or "Try another way"),
 * the signed-in account, security and profile pages, and the two static files they use.
 *
 * Security rules, each closing a named risk:
 * - CSRF: every POST carries the session's token in `_csrf`, compared in constant time
 *   (cross-site form posts); SameSite=Lax is the second layer.
 * - The session id is rotated at the password step and at the end of 2-step (session fixation).
 * - Sign-in failures never say whether the email exists, and an unknown email costs a full
 *   scrypt verification (user enumeration by message or by timing).
 * - A strict CSP, no inline script or style (injected markup can't run script).
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import type { PushRequestState, ServerContext } from '../context';
import { accountPage, securityPage, type AuditEntry, type EnrollmentView, type SecurityView } from './account-pages';
import { messagePage } from './page-layout';
import { profilePage } from './account-pages';
import { PROFILE_MESSAGES, validateProfile, type ProfileErrors } from './profile-validation';
import { REMEMBER_COOKIE, REMEMBER_TTL_MS, rememberCookieValid, signRememberCookie } from './remember-cookie';
import { SESSION_COOKIE, createSessionStore, secretsEqual, type Session, type SessionStage } from './sessions';
import { codePage, otherWaysPage, pushApprovedPage, pushEndedPage, pushRefusedPage, pushWaitingPage, signInPage } from './sign-in-pages';
import { CODE_MESSAGES, checkSignInCode, matchCode, newTotpSecret, normaliseCode, totpUri } from './totp-check';
import { describeSignIn } from './user-agent';
import { createPasswordChecker, findUserByEmail, findUserById, hashPassword, type UserRow } from './users';

/** The Content-Security-Policy of every page. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/** The message for any failed password step, whatever failed. */
export const SIGN_IN_FAILED = 'The email or password is incorrect.';

const FINAL_STATES: readonly PushRequestState[] = ['approved', 'denied', 'fraud', 'expired'];
// How often the live-status stream re-reads the request: catches expiry, keeps proxies from idling it out.
const EVENTS_CHECK_MS = 5_000;

/** Reads form fields as single strings; anything else (missing, arrays of non-strings, objects) reads as ''. */
function formOf(body: unknown): (name: string) => string {
  const record = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  return (name) => {
    const value = Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === 'string' ? first : '';
  };
}

/** Registers the pages on `app`, in their own encapsulated scope (their headers don't touch the push API). */
export async function registerWebRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  await app.register(async (web) => webRoutes(web, ctx));
}

async function webRoutes(web: FastifyInstance, ctx: ServerContext): Promise<void> {
  const now = () => ctx.clock.now();
  const sessions = createSessionStore(ctx.db, now);
  const passwords = createPasswordChecker(ctx.db);
  const staticFiles = {
    '/static/idp.css': { type: 'text/css; charset=utf-8', body: readFileSync(new URL('./static/idp.css', import.meta.url)) },
    '/static/idp.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(new URL('./static/idp.js', import.meta.url)) },
  };
  const streams = new Set<ServerResponse>();

  web.addHook('onRequest', async (_request, reply) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    // Pages carry CSRF tokens and personal data: never cached.
    reply.header('cache-control', 'no-store');
  });
  // Live-status streams would otherwise hold the server open at shutdown.
  web.addHook('onClose', async () => {
    for (const stream of streams) stream.end();
  });

  const cookieBase = () => ({ httpOnly: true, sameSite: 'lax' as const, path: '/', secure: ctx.config.secureCookies });

  function setSessionCookie(reply: FastifyReply, session: Session): void {
    reply.setCookie(SESSION_COOKIE, session.id, cookieBase());
  }

  function loadSession(request: FastifyRequest): Session | null {
    return sessions.load(request.cookies[SESSION_COOKIE]);
  }

  /** The session, creating an anonymous one so the page's forms can carry a CSRF token. */
  function ensureSession(request: FastifyRequest, reply: FastifyReply): Session {
    const existing = loadSession(request);
    if (existing) return existing;
    const created = sessions.createAnonymous();
    setSessionCookie(reply, created);
    return created;
  }

  function page(reply: FastifyReply, body: string, status = 200): FastifyReply {
    return reply.code(status).type('text/html; charset=utf-8').send(body);
  }

  function forbidden(reply: FastifyReply): FastifyReply {
    return page(
      reply,
      messagePage(
        'This form has expired',
        'The form was sent without a valid security token, so nothing was changed. This happens when a page stays open too long or a form comes from another site. Reload the page and try again.',
        { href: '/signin', text: 'Go to the sign-in page' },
      ),
      403,
    );
  }

  /** The session when the POST carries its CSRF token; otherwise answers 403 and returns null. */
  function postSession(request: FastifyRequest, reply: FastifyReply): { session: Session; field: (name: string) => string } | null {
    const session = loadSession(request);
    const field = formOf(request.body);
    if (!session || !secretsEqual(field('_csrf'), session.csrf)) {
      void forbidden(reply);
      return null;
    }
    return { session, field };
  }

  /** The session and user at `stage`; otherwise redirects to the right place and returns null. */
  function atStage(session: Session | null, stage: SessionStage, reply: FastifyReply): { session: Session; user: UserRow } | null {
    const user = session?.userId ? findUserById(ctx.db, session.userId) : undefined;
    if (session && user && session.stage === stage) return { session, user };
    const target = session && user ? (session.stage === 'full' ? '/account' : '/2fa') : '/signin';
    void reply.redirect(target, 303);
    return null;
  }

  function takeFlash(session: Session): { notice?: string; error?: string } {
    const { notice, error } = session.data;
    if (notice === undefined && error === undefined) return {};
    delete session.data.notice;
    delete session.data.error;
    sessions.saveData(session);
    return { notice, error };
  }

  function flash(session: Session, message: { notice?: string; error?: string }): void {
    session.data = { ...session.data, ...message };
    sessions.saveData(session);
  }

  function methodsOf(user: UserRow): { push: boolean; code: boolean } {
    return { push: ctx.push.hasDevice(user.id), code: user.totp_secret !== null };
  }

  /** Grants a full session (new id) and, if asked, remembers this browser for 30 days. */
  function grantFull(reply: FastifyReply, old: Session, user: UserRow, how: string, remember: boolean): FastifyReply {
    const next = sessions.rotate(old, { userId: user.id, stage: 'full', passwordVersion: user.password_version });
    setSessionCookie(reply, next);
    if (remember) {
      const value = signRememberCookie(ctx.config.cookieSecret, { userId: user.id, passwordVersion: user.password_version, issuedAt: now() });
      reply.setCookie(REMEMBER_COOKIE, value, { ...cookieBase(), maxAge: REMEMBER_TTL_MS / 1000 });
    }
    ctx.audit(user.id, how === 'remembered' ? 'signin.remembered' : 'signin.completed', how === 'remembered' ? {} : { method: how });
    return reply.redirect('/account', 303);
  }

  // ---- static files and the root ----

  for (const [path, file] of Object.entries(staticFiles)) {
    web.get(path, async (_request, reply) => reply.header('cache-control', 'no-cache').type(file.type).send(file.body));
  }

  // Browsers ask for it on every page; an empty answer keeps their consoles free of 404s.
  web.get('/favicon.ico', async (_request, reply) => reply.header('cache-control', 'public, max-age=86400').code(204).send());

  web.get('/', async (request, reply) => reply.redirect(loadSession(request)?.stage === 'full' ? '/account' : '/signin', 303));

  // ---- password step ----

  web.get('/signin', async (request, reply) => {
    const session = ensureSession(request, reply);
    if (session.stage === 'full') return reply.redirect('/account', 303);
    const query = formOf(request.query);
    const notice = query('changed') === 'password' ? PROFILE_MESSAGES.passwordChange : undefined;
    return page(reply, signInPage({ csrf: session.csrf, notice }));
  });

  web.post('/signin', async (request, reply) => {
    const posted = postSession(request, reply);
    if (!posted) return reply;
    const email = posted.field('email').trim().slice(0, 254);
    const password = posted.field('password').slice(0, 1024);
    const user = await passwords.authenticate(email, password);
    if (!user) {
      // One message and one status for an unknown email and a wrong password.
      return page(reply, signInPage({ csrf: posted.session.csrf, email, error: SIGN_IN_FAILED }), 401);
    }
    ctx.audit(user.id, 'signin.password');
    const methods = methodsOf(user);
    if (rememberCookieValid(ctx.config.cookieSecret, request.cookies[REMEMBER_COOKIE], { id: user.id, passwordVersion: user.password_version }, now())) {
      return grantFull(reply, posted.session, user, 'remembered', false);
    }
    if (!methods.push && !methods.code) {
      // Nothing to ask for yet: the account page urges enrolling (otherwise no one could ever enroll).
      return grantFull(reply, posted.session, user, 'password', false);
    }
    const next = sessions.rotate(posted.session, { userId: user.id, stage: 'second-factor', passwordVersion: user.password_version });
    setSessionCookie(reply, next);
    return reply.redirect('/2fa', 303);
  });

  // ---- second step ----

  web.get('/2fa', async (request, reply) => {
    const at = atStage(loadSession(request), 'second-factor', reply);
    if (!at) return reply;
    const methods = methodsOf(at.user);
    if (methods.push && (at.user.default_method === 'push' || !methods.code)) return reply.redirect('/2fa/push', 303);
    if (methods.code) return reply.redirect('/2fa/code', 303);
    return reply.redirect('/2fa/other', 303);
  });

  web.get('/2fa/other', async (request, reply) => {
    const at = atStage(loadSession(request), 'second-factor', reply);
    if (!at) return reply;
    return page(reply, otherWaysPage({ csrf: at.session.csrf, ...methodsOf(at.user) }));
  });

  // Push: the waiting page, its outcomes, and starting a request when none is in progress.
  web.get('/2fa/push', async (request, reply) => {
    const at = atStage(loadSession(request), 'second-factor', reply);
    if (!at) return reply;
    const { session, user } = at;
    const remember = session.data.remember ?? false;
    const requestId = session.data.pushRequestId;
    if (requestId) {
      const state = ctx.push.state(user.id, requestId);
      if (state === 'pending' && session.data.pushNumber !== undefined) {
        return page(reply, pushWaitingPage({ csrf: session.csrf, number: session.data.pushNumber, remember }));
      }
      if (state === 'approved') return page(reply, pushApprovedPage({ csrf: session.csrf, remember }));
      if (state === 'denied' || state === 'fraud' || state === 'expired') return page(reply, pushEndedPage({ csrf: session.csrf, state }));
    }
    if (!ctx.push.hasDevice(user.id)) return reply.redirect('/2fa/other', 303);
    const started = await ctx.push.startSignIn(user.id, describeSignIn(request.headers['user-agent'], request.ip));
    if (!started.ok) {
      if (started.reason === 'no_device') return reply.redirect('/2fa/other', 303);
      const minutesLeft = started.until === undefined ? null : Math.max(1, Math.ceil((started.until - now()) / 60_000));
      return page(reply, pushRefusedPage({ reason: started.reason, minutesLeft }), 429);
    }
    // The push service re-shows a user's outstanding request. If another browser's session holds it,
    // sharing it would let one approval sign in both, so this browser waits its turn.
    const held = ctx.db
      .prepare("SELECT 1 FROM sessions WHERE id_hash != ? AND expires_at > ? AND json_extract(data, '$.pushRequestId') = ?")
      .get(session.idHash, now(), started.requestId);
    if (held) {
      return page(
        reply,
        messagePage('Another sign-in is waiting', 'Another sign-in to this account is waiting for approval in Twofold. Wait a minute and try again, or sign in another way.', {
          href: '/2fa/other',
          text: 'Try another way',
        }),
        409,
      );
    }
    session.data = { ...session.data, pushRequestId: started.requestId, pushNumber: started.number, pushExpiresAt: started.expiresAt };
    sessions.saveData(session);
    return page(reply, pushWaitingPage({ csrf: session.csrf, number: started.number, remember }));
  });

  web.post('/2fa/push/retry', async (request, reply) => {
    const posted = postSession(request, reply);
    if (!posted) return reply;
    const at = atStage(posted.session, 'second-factor', reply);
    if (!at) return reply;
    const { pushRequestId: _id, pushNumber: _n, pushExpiresAt: _e, ...rest } = at.session.data;
    at.session.data = rest;
    sessions.saveData(at.session);
    return reply.redirect('/2fa/push', 303);
  });

  web.post('/2fa/push/complete', async (request, reply) => {
    const posted = postSession(request, reply);
    if (!posted) return reply;
    const at = atStage(posted.session, 'second-factor', reply);
    if (!at) return reply;
    const remember = posted.field('remember') !== '';
    const requestId = at.session.data.pushRequestId;
    // The page's script only asks; the approval is checked here, on the server.
    if (requestId && ctx.push.state(at.user.id, requestId) === 'approved') return grantFull(reply, at.session, at.user, 'push', remember);
    at.session.data = { ...at.session.data, remember };
    sessions.saveData(at.session);
    return reply.redirect('/2fa/push', 303);
  });

  // Live status: Server-Sent Events `event: state` with the request's state; ends once final.
  web.get('/2fa/push/events', async (request, reply) => {
    const session = loadSession(request);
    const requestId = session?.stage === 'second-factor' ? session.data.pushRequestId : undefined;
    const userId = session?.userId;
    const initial = requestId && userId ? ctx.push.state(userId, requestId) : null;
    // 204 tells EventSource to stop reconnecting.
    if (!requestId || !userId || initial === null) return reply.code(204).send();
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      connection: 'keep-alive',
    });
    streams.add(raw);
    let last: PushRequestState | null = null;
    let finished = false;
    let unsubscribe: () => void = () => {};
    // Started first so `finish` can always clear it; its first tick comes long after the setup below.
    const timer = setInterval(() => {
      const state = ctx.push.state(userId, requestId);
      if (state === null) return finish();
      if (state === last) raw.write(': still waiting\n\n');
      else send(state);
    }, EVENTS_CHECK_MS);
    const finish = () => {
      if (finished) return;
      finished = true;
      unsubscribe();
      clearInterval(timer);
      streams.delete(raw);
      raw.end();
    };
    const send = (state: PushRequestState) => {
      if (finished || state === last) return;
      last = state;
      raw.write(`event: state\ndata: ${state}\n\n`);
      if (FINAL_STATES.includes(state)) finish();
    };
    raw.write('retry: 3000\n\n');
    send(initial);
    if (finished) return;
    unsubscribe = ctx.push.watch(requestId, send);
    if (finished) {
      unsubscribe();
      return;
    }
    // A change between the first read and subscribing would otherwise be missed.
    send(ctx.push.state(userId, requestId) ?? initial);
    if (finished) return;
    raw.on('close', finish);
  });

  // Authenticator code.
  web.get('/2fa/code', async (request, reply) => {
    const at = atStage(loadSession(request), 'second-factor', reply);
    if (!at) return reply;
    if (!at.user.totp_secret) return reply.redirect('/2fa/other', 303);
    return page(reply, codePage({ csrf: at.session.csrf, remember: at.session.data.remember ?? false }));
  });

  web.post('/2fa/code', async (request, reply) => {
    const posted = postSession(request, reply);
    if (!posted) return reply;
    const at = atStage(posted.session, 'second-factor', reply);
    if (!at) return reply;
    if (!at.user.totp_secret) return reply.redirect('/2fa/other', 303);
    const remember = posted.field('remember') !== '';
    const outcome = checkSignInCode(ctx.db, at.user, posted.field('code'), now());
    if (outcome.ok) {
      ctx.audit(at.user.id, 'code.accepted');
      return grantFull(reply, at.session, at.user, 'code', remember);
    }
    if (outcome.reason === 'wrong') ctx.audit(at.user.id, 'code.failed');
    if (outcome.reason === 'locked' && outcome.justLocked) ctx.audit(at.user.id, 'code.locked');
    const status = outcome.reason === 'locked' ? 429 : outcome.reason === 'format' ? 400 : 401;
    return page(reply, codePage({ csrf: at.session.csrf, error: outcome.message, remember }), status);
  });

  // ---- signed in ----

  web.get('/account', async (request, reply) => {
    const at = atStage(loadSession(request), 'full', reply);
    if (!at) return reply;
    const { user, session } = at;
    const methods = methodsOf(user);
    return page(
      reply,
      accountPage({
        csrf: session.csrf,
        name: `${user.first_name} ${user.last_name}`,
        email: user.email,
        notice: takeFlash(session).notice,
        hasSecondFactor: methods.push || methods.code,
      }),
    );
  });

  web.post('/signout', async (request, reply) => {
    const posted = postSession(request, reply);
    if (!posted) return reply;
    sessions.remove(posted.session);
    // The remember cookie stays: signing out is not forgetting this device.
    reply.clearCookie(SESSION_COOKIE, cookieBase());
    return reply.redirect('/signin', 303);
  });

  function securityView(session: Session, user: UserRow, extra: Partial<SecurityView> = {}): SecurityView {
    const rows = ctx.db.prepare('SELECT at, event, detail FROM audit_log WHERE user_id = ? ORDER BY at DESC, id DESC LIMIT 50').all(user.id) as {
      at: number;
      event: string;
      detail: string;
    }[];
    const audit: AuditEntry[] = rows.map((r) => {
      let detail: Record<string, unknown> = {};
      try {
        const parsed: unknown = JSON.parse(r.detail);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) detail = parsed as Record<string, unknown>;
      } catch {
        // A malformed detail is shown as none rather than breaking the page.
      }
      return { at: r.at, event: r.event, detail };
    });
    return {
      csrf: session.csrf,
      ...takeFlash(session),
      devices: ctx.push.devices(user.id),
      totpEnrolled: user.totp_secret !== null,
      defaultMethod: user.default_method,
      audit,
      ...extra,
    };
  }

  const qrOf = (text: string) => QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, width: 240 });

  async function pendingTotpView(user: UserRow, secret: string, error?: string): Promise<SecurityView['totpPending']> {
    const uri = totpUri(secret, user.email);
    return { uri, qr: await qrOf(uri), secret, error };
  }

  web.get('/security', async (request, reply) => {
    const at = atStage(loadSession(request), 'full', reply);
    if (!at) return reply;
    return page(reply, securityPage(securityView(at.session, at.user)));
  });

  web.post('/security/enroll', async (request, reply) => {
    const posted = postSession(request, reply);
    if (!posted) return reply;
    const at = atStage(posted.session, 'full', reply);
    if (!at) return reply;
    const created = ctx.push.createEnrollment(at.user.id, at.user.email);
    const enrollment: EnrollmentView = { uri: created.uri, qr: await qrOf(created.uri), expiresAt: created.expiresAt };
    // Shown in this response only: the one-time link is never stored in the session.
    return page(reply, securityPage(securityView(at.session, at.user, { enrollment })));
  });

  web.post('/security/devices/revoke', async (request, reply) => {
    const posted = postSession(request, reply);
    if (!posted) return reply;
    const at = atStage(posted.session, 'full', reply);
    if (!at) return reply;
    const revoked = ctx.push.revokeDevice(at.user.id, posted.field('deviceId'));
    flash(at.session, revoked ? { notice: 'The device was revoked. It can no longer approve sign-ins.' } : { error: 'That device was not found. Reload the page and try again.' });
    return reply.redirect('/security', 303);
  });

  web.post('/security/totp/start', async (request, reply) => {
    const posted = postSession(request, reply);
    if (!posted) return reply;
    const at = atStage(posted.session, 'full', reply);
    if (!at) return reply;
    const secret = newTotpSecret();
    ctx.db.prepare('UPDATE users SET totp_pending_secret = ? WHERE id = ?').run(secret, at.user.id);
    return page(reply, securityPage(securityView(at.session, at.user, { totpPending: await pendingTotpView(at.user, secret) })));
  });

  web.post('/security/totp/confirm', async (request, reply) => {
    const posted = postSession(request, reply);
    if (!posted) return reply;
    const at = atStage(posted.session, 'full', reply);
    if (!at) return reply;
    const pending = at.user.totp_pending_secret;
    if (!pending) {
      flash(at.session, { error: 'No authenticator setup is in progress. Choose "Set up an authenticator app" to start.' });
      return reply.redirect('/security', 303);
    }
    const code = normaliseCode(posted.field('code'));
    const counter = code === null ? null : matchCode(pending, code, now());
    if (counter === null) {
      const error = code === null ? CODE_MESSAGES.format : CODE_MESSAGES.wrong;
      return page(reply, securityPage(securityView(at.session, at.user, { totpPending: await pendingTotpView(at.user, pending, error) })), 400);
    }
    // The confirming code's step counts as used, so it can't also sign in.
    ctx.db
      .prepare('UPDATE users SET totp_secret = ?, totp_pending_secret = NULL, totp_last_counter = ? WHERE id = ?')
      .run(pending, counter, at.user.id);
    ctx.audit(at.user.id, 'totp.enrolled');
    flash(at.session, { notice: 'Your authenticator app is set up.' });
    return reply.redirect('/security', 303);
  });

  web.post('/security/default-method', async (request, reply) => {
    const posted = postSession(request, reply);
    if (!posted) return reply;
    const at = atStage(posted.session, 'full', reply);
    if (!at) return reply;
    const method = posted.field('method');
    if (method !== 'push' && method !== 'code') {
      flash(at.session, { error: 'Choose Twofold push or Authenticator code.' });
    } else if (method === 'code' && at.user.totp_secret === null) {
      flash(at.session, { error: 'Set up an authenticator app before making codes the default.' });
    } else {
      ctx.db.prepare('UPDATE users SET default_method = ? WHERE id = ?').run(method, at.user.id);
      flash(at.session, { notice: 'Your default sign-in method is saved.' });
    }
    return reply.redirect('/security', 303);
  });

  // ---- profile ----

  web.get('/profile', async (request, reply) => {
    const at = atStage(loadSession(request), 'full', reply);
    if (!at) return reply;
    const { user, session } = at;
    const values = { firstName: user.first_name, lastName: user.last_name, email: user.email };
    return page(reply, profilePage({ csrf: session.csrf, values, errors: {}, notice: takeFlash(session).notice }));
  });

  web.post('/profile', async (request, reply) => {
    const posted = postSession(request, reply);
    if (!posted) return reply;
    const at = atStage(posted.session, 'full', reply);
    if (!at) return reply;
    const { user, session } = at;
    const field = posted.field;
    const { value, errors } = validateProfile({ firstName: field('firstName'), lastName: field('lastName'), email: field('email'), password: field('password') });
    const emailTaken = () => {
      const owner = findUserByEmail(ctx.db, value.email);
      return owner !== undefined && owner.id !== user.id;
    };
    if (!errors.email && emailTaken()) errors.email = PROFILE_MESSAGES.emailTaken;
    const invalid = (e: ProfileErrors) =>
      page(reply, profilePage({ csrf: session.csrf, values: { firstName: value.firstName, lastName: value.lastName, email: value.email }, errors: e }), 400);
    if (Object.keys(errors).length > 0) return invalid(errors);

    const changingPassword = value.password !== '';
    const hash = changingPassword ? await hashPassword(value.password) : null;
    try {
      ctx.db.transaction(() => {
        ctx.db.prepare('UPDATE users SET first_name = ?, last_name = ?, email = ? WHERE id = ?').run(value.firstName, value.lastName, value.email, user.id);
        if (hash !== null) {
          ctx.db.prepare('UPDATE users SET password_hash = ?, password_version = password_version + 1 WHERE id = ?').run(hash, user.id);
          // Every session of the user ends; remembered devices fail the version check from now on.
          sessions.removeAllForUser(user.id);
        }
      })();
    } catch (error) {
      // Another account took the email between the check and the update.
      if (error instanceof Error && /UNIQUE/.test(error.message)) return invalid({ email: PROFILE_MESSAGES.emailTaken });
      throw error;
    }
    if (hash !== null) {
      ctx.audit(user.id, 'password.changed');
      reply.clearCookie(SESSION_COOKIE, cookieBase());
      reply.clearCookie(REMEMBER_COOKIE, cookieBase());
      return reply.redirect('/signin?changed=password', 303);
    }
    ctx.audit(user.id, 'profile.updated');
    flash(session, { notice: PROFILE_MESSAGES.success });
    return reply.redirect('/profile', 303);
  });
}
