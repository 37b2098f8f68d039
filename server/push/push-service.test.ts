import { afterEach, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES, PUSH_PATHS, SignInRequestClaimsSchema, parseEnrollmentUri, type SignInContext } from '../../common/push-protocol';
import { thumbprintOf, verifyMessage } from '../../common/push-jws';
import { startIdp, type Idp } from '../app';
import type { PushRequestState } from '../context';
import { TestDevice, newDeviceKey, postJson, registrationBody } from './test-device';

const CONTEXT: SignInContext = { application: 'Example Mail', browser: 'Firefox 140', os: 'Linux', ip: '203.0.113.9', location: 'Lyon, France' };

/** A clock the test moves by hand. */
function manualClock(start = Date.now()) {
  let t = start;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

let running: Idp[] = [];
afterEach(async () => {
  await Promise.all(running.map((idp) => idp.close()));
  running = [];
});

async function setup(options: { clock?: { now(): number }; pushTimeoutSeconds?: number } = {}) {
  const idp = await startIdp({ dataDir: null, port: 0, ...options });
  running.push(idp);
  const addUser = (email: string): string => {
    const id = `user-${email}`;
    idp.ctx.db
      .prepare('INSERT INTO users (id, email, first_name, last_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, email, 'Test', 'User', 'not-a-real-hash', idp.ctx.clock.now());
    return id;
  };
  const userId = addUser('alice@example.com');
  const now = () => idp.ctx.clock.now();
  const newCode = (user = userId): string => {
    const parsed = parseEnrollmentUri(idp.ctx.push.createEnrollment(user, 'alice@example.com').uri);
    if (!parsed.ok) throw new Error(parsed.problem.message);
    return parsed.value.code;
  };
  const enroll = async (user = userId): Promise<TestDevice> => TestDevice.enroll(idp.origin, newCode(user), now);
  const audit = (user = userId): Array<{ event: string; detail: Record<string, unknown> }> =>
    idp.ctx.db
      .prepare<[string], { event: string; detail: string }>('SELECT event, detail FROM audit_log WHERE user_id = ? ORDER BY id')
      .all(user)
      .map((r) => ({ event: r.event, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  const start = async (user = userId) => {
    const result = await idp.ctx.push.startSignIn(user, CONTEXT);
    if (!result.ok) throw new Error(`startSignIn refused: ${result.reason}`);
    return result;
  };
  return { idp, userId, addUser, now, newCode, enroll, audit, start };
}

/** Waits until `listener` has seen `state`. */
function watchFor(idp: Idp, requestId: string, state: PushRequestState): Promise<PushRequestState[]> {
  const seen: PushRequestState[] = [];
  return new Promise((resolve) => {
    const stop = idp.ctx.push.watch(requestId, (s) => {
      seen.push(s);
      if (s === state) {
        stop();
        resolve(seen);
      }
    });
  });
}

describe('device registration', () => {
  it('registers a device with a one-time code and returns the server key the link pins', async () => {
    const { idp, userId, now, audit } = await setup();
    const { uri } = idp.ctx.push.createEnrollment(userId, 'alice@example.com');
    const link = parseEnrollmentUri(uri);
    if (!link.ok) throw new Error('bad link');
    expect(link.value.server).toBe(idp.origin);
    expect(link.value.code.length).toBeGreaterThanOrEqual(16);
    expect(link.value.issuer).toBe('Twofold IdP');

    const key = await newDeviceKey();
    const answer = await postJson(idp.origin + PUSH_PATHS.devices, await registrationBody(idp.origin, link.value.code, key, now()));
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ v: 1, account: 'alice@example.com', issuer: 'Twofold IdP' });
    expect(await thumbprintOf(answer.body.serverKey as never)).toBe(link.value.fingerprint);

    expect(idp.ctx.push.hasDevice(userId)).toBe(true);
    expect(idp.ctx.push.devices(userId)).toEqual([expect.objectContaining({ id: answer.body.deviceId, name: 'Test laptop', revokedAt: null, connected: false })]);
    expect(audit().map((a) => a.event)).toContain('device.enrolled');
    // The code itself is never stored.
    const stored = idp.ctx.db.prepare('SELECT code_hash FROM enrollments').all() as Array<{ code_hash: string }>;
    expect(stored.map((r) => r.code_hash)).not.toContain(link.value.code);
  });

  it('refuses a code that was already used', async () => {
    const { idp, now, newCode } = await setup();
    const code = newCode();
    await TestDevice.enroll(idp.origin, code, now);
    const again = await postJson(idp.origin + PUSH_PATHS.devices, await registrationBody(idp.origin, code, await newDeviceKey(), now()));
    expect(again).toMatchObject({ status: 400, body: { error: 'enrollment_invalid' } });
  });

  it('refuses a code older than 10 minutes', async () => {
    const clock = manualClock();
    const { idp, now, newCode } = await setup({ clock });
    const code = newCode();
    clock.advance(10 * 60 * 1000 + 1);
    const answer = await postJson(idp.origin + PUSH_PATHS.devices, await registrationBody(idp.origin, code, await newDeviceKey(), now()));
    expect(answer).toMatchObject({ status: 400, body: { error: 'enrollment_invalid' } });
  });

  it('refuses an unknown code', async () => {
    const { idp, now } = await setup();
    const answer = await postJson(idp.origin + PUSH_PATHS.devices, await registrationBody(idp.origin, 'A'.repeat(22), await newDeviceKey(), now()));
    expect(answer).toMatchObject({ status: 400, body: { error: 'enrollment_invalid' } });
  });

  it('refuses a proof with a tampered signature, and leaves the code usable', async () => {
    const { idp, now, newCode } = await setup();
    const code = newCode();
    const body = await registrationBody(idp.origin, code, await newDeviceKey(), now());
    const proof = body.proof as string;
    const flipped = proof.slice(0, -4) + (proof.slice(-4, -3) === 'A' ? 'B' : 'A') + proof.slice(-3);
    const answer = await postJson(idp.origin + PUSH_PATHS.devices, { ...body, proof: flipped });
    expect(answer).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
    await expect(TestDevice.enroll(idp.origin, code, now)).resolves.toBeInstanceOf(TestDevice);
  });

  it('refuses a proof signed by a key other than the one submitted', async () => {
    const { idp, now, newCode } = await setup();
    const body = await registrationBody(idp.origin, newCode(), await newDeviceKey(), now(), { signWith: await newDeviceKey() });
    const answer = await postJson(idp.origin + PUSH_PATHS.devices, body);
    expect(answer).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
  });

  it('refuses a proof made for another code', async () => {
    const { idp, now, newCode } = await setup();
    const body = await registrationBody(idp.origin, newCode(), await newDeviceKey(), now(), { proofCode: newCode() });
    expect(await postJson(idp.origin + PUSH_PATHS.devices, body)).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
  });

  it('refuses a proof whose iat is more than 60 s off', async () => {
    const { idp, now, newCode } = await setup();
    const body = await registrationBody(idp.origin, newCode(), await newDeviceKey(), now(), { iat: Math.floor(now() / 1000) - 61 });
    expect(await postJson(idp.origin + PUSH_PATHS.devices, body)).toMatchObject({ status: 401, body: { error: 'stale_timestamp' } });
  });

  it('answers malformed JSON, a missing field and an unknown version with the field at fault', async () => {
    const { idp, now, newCode } = await setup();
    const url = idp.origin + PUSH_PATHS.devices;
    expect(await postJson(url, '{"v":1,')).toMatchObject({ status: 400, body: { error: 'bad_request', message: expect.stringContaining('JSON') } });
    const { deviceName: _omitted, ...noName } = await registrationBody(idp.origin, newCode(), await newDeviceKey(), now());
    const missing = await postJson(url, noName);
    expect(missing).toMatchObject({ status: 400, body: { error: 'bad_request', message: expect.stringContaining('deviceName') } });
    expect(await postJson(url, { ...noName, v: 2 })).toMatchObject({ status: 400, body: { error: 'unsupported_version' } });
    expect(await postJson(url, '[1,2]')).toMatchObject({ status: 400, body: { error: 'bad_request' } });
  });

  it('answers a body larger than the message limit with 413 too_large', async () => {
    const { idp } = await setup();
    for (const path of [PUSH_PATHS.devices, PUSH_PATHS.poll, PUSH_PATHS.decisions]) {
      const answer = await postJson(idp.origin + path, { jws: 'x'.repeat(MAX_MESSAGE_BYTES + 1) });
      expect(answer).toMatchObject({ status: 413, body: { error: 'too_large' } });
    }
  });
});

describe('device connection', () => {
  it('authenticates a signed first frame and answers ready', async () => {
    const { idp, userId, enroll } = await setup();
    const device = await enroll();
    const connection = await device.connect();
    expect(await connection.next('ready')).toEqual({ type: 'ready', v: 1 });
    expect(idp.ctx.push.devices(userId)[0]).toMatchObject({ connected: true, lastSeenAt: expect.any(Number) });
    await connection.close();
  });

  it('closes with 4401 and the error code for a wrong key, a replayed nonce, a stale iat, a revoked or unknown device', async () => {
    const { idp, userId, enroll, now } = await setup();
    const device = await enroll();
    const other = await newDeviceKey();
    const hello = (jws: string) => JSON.stringify({ type: 'auth', jws });

    const wrongKey = await device.connect(hello(await device.token('auth', PUSH_PATHS.stream, { signWith: other })));
    expect(await wrongKey.closed).toEqual({ code: 4401, reason: 'invalid_signature' });

    const token = await device.token('auth', PUSH_PATHS.stream);
    const first = await device.connect(hello(token));
    await first.next('ready');
    const replay = await device.connect(hello(token));
    expect(await replay.closed).toEqual({ code: 4401, reason: 'replayed' });

    const stale = await device.connect(hello(await device.token('auth', PUSH_PATHS.stream, { iat: Math.floor(now() / 1000) - 61 })));
    expect(await stale.closed).toEqual({ code: 4401, reason: 'stale_timestamp' });

    const pollToken = await device.connect(hello(await device.token('auth', PUSH_PATHS.stream, { kind: 'poll' })));
    expect(await pollToken.closed).toEqual({ code: 4401, reason: 'wrong_type' });

    const wrongAudience = await device.connect(hello(await device.token('auth', PUSH_PATHS.stream, { aud: idp.origin + PUSH_PATHS.poll })));
    expect(await wrongAudience.closed).toEqual({ code: 4401, reason: 'wrong_audience' });

    const unknown = await device.connect(hello(await device.token('auth', PUSH_PATHS.stream, { sub: 'no-such-device' })));
    expect(await unknown.closed).toEqual({ code: 4401, reason: 'unknown_device' });

    const garbage = await device.connect('not json');
    expect(await garbage.closed).toEqual({ code: 4401, reason: 'bad_request' });

    // Revoking closes the open socket, and the device can't come back.
    expect(idp.ctx.push.revokeDevice(userId, device.id)).toBe(true);
    expect(await first.closed).toEqual({ code: 4401, reason: 'revoked' });
    const revoked = await device.connect();
    expect(await revoked.closed).toEqual({ code: 4401, reason: 'revoked' });
    expect(idp.ctx.push.hasDevice(userId)).toBe(false);
  });

  it('closes a connection whose frame is over the size limit with 1009', async () => {
    const { enroll } = await setup();
    const device = await enroll();
    const connection = await device.connect(JSON.stringify({ type: 'auth', jws: 'x'.repeat(MAX_MESSAGE_BYTES + 10) }));
    expect((await connection.closed).code).toBe(1009);
  });

  it('does not let one user revoke another user’s device', async () => {
    const { idp, addUser, enroll } = await setup();
    const bob = addUser('bob@example.com');
    const device = await enroll();
    expect(idp.ctx.push.revokeDevice(bob, device.id)).toBe(false);
    expect(idp.ctx.push.devices(bob)).toEqual([]);
  });
});

describe('sign-in requests', () => {
  it('delivers the request over the socket, signed by the pinned key, without the number', async () => {
    const { idp, enroll, now, start } = await setup();
    const device = await enroll();
    const connection = await device.connect();
    await connection.next('ready');

    const started = await start();
    expect(started.number).toBeGreaterThanOrEqual(10);
    expect(started.number).toBeLessThanOrEqual(99);
    const frame = await connection.next('request');
    const claims = await verifyMessage('request', frame.jws, device.serverKey, SignInRequestClaimsSchema, { now: now(), audience: device.id, checkExpiry: true });
    expect(claims).toMatchObject({ jti: started.requestId, iss: idp.origin, aud: device.id, sub: 'alice@example.com', context: CONTEXT, numberMatching: true });
    expect(claims.exp - claims.iat).toBe(60);
    const payload = JSON.parse(Buffer.from(frame.jws.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(Object.keys(payload)).not.toContain('number');
    await connection.close();
  });

  it('signs one copy per active device of the user', async () => {
    const { enroll, start } = await setup();
    const [laptop, desktop] = [await enroll(), await enroll()];
    const a = await laptop.connect();
    const b = await desktop.connect();
    await Promise.all([a.next('ready'), b.next('ready')]);
    const { requestId } = await start();
    const [fa, fb] = await Promise.all([a.next('request'), b.next('request')]);
    const ca = await verifyMessage('request', fa.jws, laptop.serverKey, SignInRequestClaimsSchema, { now: Date.now(), audience: laptop.id });
    const cb = await verifyMessage('request', fb.jws, desktop.serverKey, SignInRequestClaimsSchema, { now: Date.now(), audience: desktop.id });
    expect([ca.jti, cb.jti]).toEqual([requestId, requestId]);
    expect(ca.nonce).toBe(cb.nonce);
    await Promise.all([a.close(), b.close()]);
  });

  it('refuses to start without an enrolled device', async () => {
    const { idp, userId } = await setup();
    expect(await idp.ctx.push.startSignIn(userId, CONTEXT)).toEqual({ ok: false, reason: 'no_device' });
  });

  it('poll returns pending requests and never answered ones', async () => {
    const { enroll, start, now } = await setup();
    const device = await enroll();
    expect(await device.poll()).toEqual({ status: 200, body: { v: 1, requests: [] } });
    const started = await start();
    const polled = await device.poll();
    expect(polled.status).toBe(200);
    const requests = polled.body.requests as string[];
    expect(requests).toHaveLength(1);
    const claims = await verifyMessage('request', requests[0]!, device.serverKey, SignInRequestClaimsSchema, { now: now(), audience: device.id, checkExpiry: true });
    expect(claims.jti).toBe(started.requestId);

    expect(await device.decide(await device.decision(started.requestId, { decision: 'approve', number: started.number }))).toMatchObject({ status: 200 });
    expect((await device.poll()).body.requests).toEqual([]);
  });

  it('poll refuses a replayed token and another device’s signature', async () => {
    const { idp, enroll } = await setup();
    const device = await enroll();
    const jws = await device.token('poll', PUSH_PATHS.poll);
    expect((await postJson(idp.origin + PUSH_PATHS.poll, { jws })).status).toBe(200);
    expect(await postJson(idp.origin + PUSH_PATHS.poll, { jws })).toMatchObject({ status: 409, body: { error: 'replayed' } });
    expect(await device.poll({ signWith: await newDeviceKey() })).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
    expect(await postJson(idp.origin + PUSH_PATHS.poll, { jws: 42 })).toMatchObject({ status: 400, body: { error: 'bad_request', message: expect.stringContaining('jws') } });
  });

  it('expires an unanswered request by itself, telling watchers and devices', async () => {
    const { idp, enroll, start, audit } = await setup({ pushTimeoutSeconds: 1 });
    const device = await enroll();
    const connection = await device.connect();
    await connection.next('ready');
    const { requestId } = await start();
    expect(await watchFor(idp, requestId, 'expired')).toEqual(['expired']);
    expect(await connection.next('closed')).toEqual({ type: 'closed', requestId, outcome: 'expired' });
    expect(audit().filter((a) => a.event === 'push.expired')).toHaveLength(1);
    await connection.close();
  });
});

describe('decisions', () => {
  it('approves with the right number: watchers and every device hear it', async () => {
    const { idp, userId, enroll, start, audit } = await setup();
    const device = await enroll();
    const other = await enroll();
    const connection = await other.connect();
    await connection.next('ready');
    const started = await start();
    const watched = watchFor(idp, started.requestId, 'approved');

    const answer = await device.decide(await device.decision(started.requestId, { decision: 'approve', number: started.number }));
    expect(answer).toEqual({ status: 200, body: { v: 1, status: 'approved' } });
    expect(await watched).toEqual(['approved']);
    expect(idp.ctx.push.state(userId, started.requestId)).toBe('approved');
    expect(await connection.next('closed')).toEqual({ type: 'closed', requestId: started.requestId, outcome: 'approved' });
    expect(audit().map((a) => a.event)).toEqual(['device.enrollment_created', 'device.enrolled', 'device.enrollment_created', 'device.enrolled', 'push.sent', 'push.approved']);
    await connection.close();
  });

  it('refuses a wrong number and denies the request at the third', async () => {
    const { idp, userId, enroll, start, audit } = await setup();
    const device = await enroll();
    const started = await start();
    const watched = watchFor(idp, started.requestId, 'denied');
    const wrong = started.number === 99 ? 98 : started.number + 1;
    for (let i = 1; i <= 3; i++) {
      const answer = await device.decide(await device.decision(started.requestId, { decision: 'approve', number: wrong }));
      expect(answer).toMatchObject({ status: 422, body: { error: 'wrong_number' } });
      expect(idp.ctx.push.state(userId, started.requestId)).toBe(i < 3 ? 'pending' : 'denied');
    }
    expect(await watched).toEqual(['denied']);
    const late = await device.decide(await device.decision(started.requestId, { decision: 'approve', number: started.number }));
    expect(late).toMatchObject({ status: 409, body: { error: 'already_answered' } });
    const refused = audit().filter((a) => a.event === 'push.decision_refused');
    expect(refused.map((a) => a.detail.error)).toEqual(['wrong_number', 'wrong_number', 'wrong_number', 'already_answered']);
    expect(JSON.stringify(audit())).not.toContain(`"number":${started.number}`);
  });

  it('denies on "cancel"', async () => {
    const { idp, userId, enroll, start } = await setup();
    const device = await enroll();
    const started = await start();
    const answer = await device.decide(await device.decision(started.requestId, { decision: 'deny', reason: 'cancelled' }));
    expect(answer).toEqual({ status: 200, body: { v: 1, status: 'denied' } });
    expect(idp.ctx.push.state(userId, started.requestId)).toBe('denied');
  });

  it('records "this wasn’t me" as fraud and mutes pushes for 20 minutes', async () => {
    const clock = manualClock();
    const { idp, userId, enroll, start, audit } = await setup({ clock });
    const device = await enroll();
    const started = await start();
    const watched = watchFor(idp, started.requestId, 'fraud');
    const answer = await device.decide(await device.decision(started.requestId, { decision: 'deny', reason: 'not-me' }));
    expect(answer).toEqual({ status: 200, body: { v: 1, status: 'denied' } });
    expect(await watched).toEqual(['fraud']);
    expect(idp.ctx.push.state(userId, started.requestId)).toBe('fraud');

    const muted = await idp.ctx.push.startSignIn(userId, CONTEXT);
    expect(muted).toEqual({ ok: false, reason: 'muted', until: clock.now() + 20 * 60 * 1000 });
    expect(audit().map((a) => a.event)).toEqual(expect.arrayContaining(['push.fraud', 'push.muted']));
    clock.advance(20 * 60 * 1000);
    expect(await idp.ctx.push.startSignIn(userId, CONTEXT)).toMatchObject({ ok: true });
  });

  it('refuses a replayed decision and a second decision', async () => {
    const { enroll, start } = await setup();
    const device = await enroll();
    const started = await start();
    const wrong = await device.decision(started.requestId, { decision: 'approve', number: started.number === 10 ? 11 : 10 });
    expect((await device.decide(wrong)).status).toBe(422);
    expect(await device.decide(wrong)).toMatchObject({ status: 409, body: { error: 'replayed' } });

    const approve = await device.decision(started.requestId, { decision: 'approve', number: started.number });
    expect((await device.decide(approve)).status).toBe(200);
    expect(await device.decide(approve)).toMatchObject({ status: 409, body: { error: 'replayed' } });
    const deny = await device.decision(started.requestId, { decision: 'deny', reason: 'cancelled' });
    expect(await device.decide(deny)).toMatchObject({ status: 409, body: { error: 'already_answered' } });
  });

  it('accepts exactly one of two simultaneous decisions', async () => {
    const { enroll, start } = await setup();
    const [a, b] = [await enroll(), await enroll()];
    const started = await start();
    const answers = await Promise.all([
      a.decide(await a.decision(started.requestId, { decision: 'approve', number: started.number })),
      b.decide(await b.decision(started.requestId, { decision: 'deny', reason: 'cancelled' })),
    ]);
    expect(answers.map((x) => x.status).sort()).toEqual([200, 409]);
  });

  it('refuses a decision after expiry and reports the request expired', async () => {
    const clock = manualClock();
    const { idp, userId, enroll, start, audit } = await setup({ clock });
    const device = await enroll();
    const connection = await device.connect();
    await connection.next('ready');
    const started = await start();
    const watched = watchFor(idp, started.requestId, 'expired');
    clock.advance(60 * 1000);
    const answer = await device.decide(await device.decision(started.requestId, { decision: 'approve', number: started.number }));
    expect(answer).toMatchObject({ status: 410, body: { error: 'request_expired' } });
    expect(await watched).toEqual(['expired']);
    expect(idp.ctx.push.state(userId, started.requestId)).toBe('expired');
    expect(await connection.next('closed')).toEqual({ type: 'closed', requestId: started.requestId, outcome: 'expired' });
    expect(audit().filter((a) => a.event === 'push.expired')).toHaveLength(1);
    await connection.close();
  });

  it('state() expires a request lazily under a clock that does not move by itself', async () => {
    const clock = manualClock();
    const { idp, userId, enroll, start } = await setup({ clock });
    await enroll();
    const started = await start();
    expect(idp.ctx.push.state(userId, started.requestId)).toBe('pending');
    expect(started.expiresAt).toBe(clock.now() + 60_000);
    clock.advance(60_000);
    expect(idp.ctx.push.state(userId, started.requestId)).toBe('expired');
    expect(idp.ctx.push.state('someone-else', started.requestId)).toBeNull();
  });

  it('refuses a decision signed by another device, from another user, or from a revoked device', async () => {
    const { idp, userId, addUser, enroll, start } = await setup();
    const device = await enroll();
    const sibling = await enroll();
    const mallory = await enroll(addUser('mallory@example.com'));
    const started = await start();
    const approve = { decision: 'approve' as const, number: started.number };

    expect(await device.decide(await device.decision(started.requestId, approve, { signWith: sibling.key }))).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
    expect(await mallory.decide(await mallory.decision(started.requestId, approve))).toMatchObject({ status: 404, body: { error: 'request_unknown' } });
    expect(await device.decide(await device.decision(started.requestId, approve, { iat: Math.floor(Date.now() / 1000) + 61 }))).toMatchObject({ status: 401, body: { error: 'stale_timestamp' } });
    expect(await device.decide(await device.decision(started.requestId, approve, { kind: 'poll' }))).toMatchObject({ status: 400, body: { error: 'wrong_type' } });
    expect(await device.decide(await device.decision(started.requestId, approve, { aud: idp.origin + PUSH_PATHS.poll }))).toMatchObject({ status: 401, body: { error: 'wrong_audience' } });
    idp.ctx.push.revokeDevice(userId, device.id);
    expect(await device.decide(await device.decision(started.requestId, approve))).toMatchObject({ status: 403, body: { error: 'revoked' } });
    expect(idp.ctx.push.state(userId, started.requestId)).toBe('pending');
    expect((await sibling.decide(await sibling.decision(started.requestId, approve))).status).toBe(200);
  });

  it('answers malformed decision bodies with bad_request', async () => {
    const { idp } = await setup();
    const url = idp.origin + PUSH_PATHS.decisions;
    expect(await postJson(url, 'nope')).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(await postJson(url, {})).toMatchObject({ status: 400, body: { error: 'bad_request', message: expect.stringContaining('jws') } });
    expect(await postJson(url, { jws: 'a.b.c' })).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(await postJson(url, { jws: `x.${Buffer.from('{"sub":"nobody-here"}').toString('base64url')}.y` })).toMatchObject({ status: 401, body: { error: 'unknown_device' } });
  });
});

describe('fatigue guard', () => {
  it('re-shows the outstanding request instead of sending a second one', async () => {
    const { enroll, start, audit } = await setup();
    await enroll();
    const first = await start();
    const second = await start();
    expect(second).toEqual(first);
    expect(audit().filter((a) => a.event === 'push.sent')).toHaveLength(1);
  });

  it('refuses a sixth request within 15 minutes', async () => {
    const clock = manualClock();
    const { idp, userId, enroll, start, audit } = await setup({ clock });
    await enroll();
    const firstAt = clock.now();
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const { requestId } = await start();
      ids.add(requestId);
      clock.advance(61_000);
      expect(idp.ctx.push.state(userId, requestId)).toBe('expired');
    }
    expect(ids.size).toBe(5);
    expect(await idp.ctx.push.startSignIn(userId, CONTEXT)).toEqual({ ok: false, reason: 'rate_limited', until: firstAt + 15 * 60 * 1000 });
    expect(audit().map((a) => a.event)).toContain('push.rate_limited');
    clock.advance(firstAt + 15 * 60 * 1000 - clock.now());
    expect(await idp.ctx.push.startSignIn(userId, CONTEXT)).toMatchObject({ ok: true });
  });

  it('keeps users apart', async () => {
    const { idp, addUser, enroll, start } = await setup();
    const bob = addUser('bob@example.com');
    await enroll();
    await enroll(bob);
    const alice = await start();
    const bobs = await start(bob);
    expect(bobs.requestId).not.toBe(alice.requestId);
    expect(idp.ctx.push.state(bob, alice.requestId)).toBeNull();
  });
});

describe('audit log', () => {
  it('records the whole story without secrets', async () => {
    const { idp, userId, enroll, start, audit } = await setup();
    const device = await enroll();
    const started = await start();
    await device.decide(await device.decision(started.requestId, { decision: 'deny', reason: 'not-me' }));
    await idp.ctx.push.startSignIn(userId, CONTEXT);
    idp.ctx.push.revokeDevice(userId, device.id);
    const events = audit();
    expect(events.map((a) => a.event)).toEqual(['device.enrollment_created', 'device.enrolled', 'push.sent', 'push.fraud', 'push.muted', 'device.revoked']);
    expect(events[2]!.detail).toMatchObject({ requestId: started.requestId, application: 'Example Mail', ip: '203.0.113.9' });
    const text = JSON.stringify(events);
    expect(text).not.toContain(device.key.publicJwk.x);
    expect(text).not.toContain('"number"');
  });
});

