/**
 * The push-listener against a fake push server on 127.0.0.1 (test-push-server.ts): enrollment,
 * verification of every request, reconnection and polling, and decisions signed and sent.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventEmitter } from 'node:events';
import { generateSigningKey, randomId } from '../../../common/push-jws';
import { MAX_MESSAGE_BYTES, PUSH_PATHS } from '../../../common/push-protocol';
import type { PendingRequestView } from '../../../common/api-contract';
import { TwofoldError } from '../../../common/errors';
import { EMPTY_PUSH_STATE, PushManager, PushVaultStateSchema, type PushVaultState } from './push-manager';
import { TestPushServer } from './test-push-server';

class TestClock {
  t = Date.now();
  now(): number {
    return this.t;
  }
}

interface Harness {
  clock: TestClock;
  server: TestPushServer;
  manager: PushManager;
  deviceId: string;
  accountId: string;
  shown: PendingRequestView[];
  logs: string[];
  saved: PushVaultState[];
  bus: EventEmitter;
  /** Resolves on the next log line matching `pattern`. */
  logged(pattern: RegExp): Promise<string>;
  /** Resolves on the next request shown. */
  nextShown(): Promise<PendingRequestView>;
  newManager(state: PushVaultState, extra?: { heartbeatTimeoutMs?: number; allowServer?: (origin: string) => string | null }): PushManager;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(options: { heartbeatTimeoutMs?: number; enroll?: boolean } = {}): Promise<Harness> {
  const clock = new TestClock();
  const server = await TestPushServer.start({ clock });
  cleanups.push(() => server.close());
  const shown: PendingRequestView[] = [];
  const logs: string[] = [];
  const saved: PushVaultState[] = [];
  const bus = new EventEmitter();
  const h = {
    clock,
    server,
    shown,
    logs,
    saved,
    bus,
    deviceId: '',
    accountId: '',
    logged: (pattern: RegExp) =>
      new Promise<string>((resolve) => {
        const listener = (line: string) => {
          if (pattern.test(line)) {
            bus.off('log', listener);
            resolve(line);
          }
        };
        bus.on('log', listener);
      }),
    nextShown: () => new Promise<PendingRequestView>((resolve) => bus.once('request', resolve)),
    newManager(state: PushVaultState, extra: { heartbeatTimeoutMs?: number; allowServer?: (origin: string) => string | null } = {}) {
      const manager = new PushManager(state, {
        clock,
        deviceName: 'Test laptop',
        log: (line) => {
          logs.push(line);
          bus.emit('log', line);
        },
        persist: async (s) => {
          // What the core does: the state goes into the vault as JSON and must parse back.
          saved.push(PushVaultStateSchema.parse(JSON.parse(JSON.stringify(s))) as PushVaultState);
        },
        onRequest: (view) => {
          shown.push(view);
          bus.emit('request', view);
        },
        onChanged: () => bus.emit('changed'),
        backoff: { initialMs: 10, maxMs: 80 },
        ...(extra.heartbeatTimeoutMs ?? options.heartbeatTimeoutMs ? { heartbeatTimeoutMs: extra.heartbeatTimeoutMs ?? options.heartbeatTimeoutMs } : {}),
        ...(extra.allowServer ? { allowServer: extra.allowServer } : {}),
      });
      cleanups.push(() => manager.stop());
      return manager;
    },
  } as Harness;
  h.manager = h.newManager(EMPTY_PUSH_STATE);
  h.manager.start();
  if (options.enroll !== false) {
    const view = await h.manager.enroll(server.enrollmentUri());
    await h.manager.synced();
    h.accountId = view.id;
    h.deviceId = h.manager.state().accounts[0]!.deviceId;
  }
  return h;
}

async function expectError(promise: Promise<unknown>, code: string, field?: string): Promise<TwofoldError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TwofoldError);
  expect((error as TwofoldError).code).toBe(code);
  if (field !== undefined) expect((error as TwofoldError).field).toBe(field);
  return error as TwofoldError;
}

describe('enrollment', () => {
  it('registers a device key, pins the server key and connects', async () => {
    const h = await setup();
    const [account] = h.manager.accounts();
    expect(account).toMatchObject({ issuer: 'Example', account: 'alice@example.com', server: h.server.origin, status: 'connected', pending: 0 });
    expect(account!.lastContact).toBe(h.clock.now());
    const stored = h.saved.at(-1)!.accounts[0]!;
    expect(stored.serverKey).toEqual(h.server.key.publicJwk);
    expect(stored.devicePrivateJwk.d).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The server holds the public half of the stored key, and the device connected and polled with it.
    expect(h.server.devices.get(stored.deviceId)!.publicJwk.x).toBe(stored.devicePrivateJwk.x);
    expect(h.server.counts).toEqual({ auth: 1, poll: 1 });
    // No secret in the log.
    expect(h.logs.join('\n')).not.toContain(stored.devicePrivateJwk.d);
  });

  it('keeps an account whose server the managed policy no longer allows, but does not connect to it', async () => {
    const h = await setup();
    await h.manager.stop();
    const before = { ...h.server.counts };
    const asked: string[] = [];
    const manager = h.newManager(h.saved.at(-1)!, {
      allowServer: (origin) => {
        asked.push(origin);
        return 'Your organisation allows push sign-in only with https://idp.example.';
      },
    });
    manager.start();
    await manager.synced();
    expect(asked).toEqual([h.server.origin]);
    expect(manager.accounts()).toMatchObject([{ id: h.accountId, status: 'offline' }]);
    expect(h.server.counts).toEqual(before);
    expect(h.logs.at(-1)).toMatch(/not connecting, the server is not allowed by the managed policy/);
  });

  it('refuses a server whose key does not match the link, and stores nothing', async () => {
    const h = await setup({ enroll: false });
    h.server.registrationKeyOverride = (await generateSigningKey()).pair.publicJwk;
    const error = await expectError(h.manager.enroll(h.server.enrollmentUri()), 'SERVER_KEY_MISMATCH');
    expect(error.message).toContain('does not match');
    expect(h.manager.accounts()).toEqual([]);
    expect(h.saved).toEqual([]);
  });

  it('refuses a link whose fingerprint is not the server key', async () => {
    const h = await setup({ enroll: false });
    const other = (await generateSigningKey()).pair.thumbprint;
    await expectError(h.manager.enroll(h.server.enrollmentUri({ fingerprint: other })), 'SERVER_KEY_MISMATCH');
    expect(h.manager.state().accounts).toEqual([]);
  });

  it('names the field at fault in a bad link', async () => {
    const h = await setup({ enroll: false });
    const good = new URL(h.server.enrollmentUri().replace('twofold://enroll', 'https://x/enroll'));
    const link = (change: (q: URLSearchParams) => void) => {
      const q = new URLSearchParams(good.search);
      change(q);
      return `twofold://enroll?${q.toString()}`;
    };
    await expectError(h.manager.enroll('otpauth://totp/x?secret=AAAA'), 'ENROLL_URI_INVALID', 'scheme');
    await expectError(h.manager.enroll(link((q) => q.set('v', '2'))), 'ENROLL_URI_INVALID', 'v');
    await expectError(h.manager.enroll(link((q) => q.set('server', 'http://idp.example.com'))), 'ENROLL_URI_INVALID', 'server');
    await expectError(h.manager.enroll(link((q) => q.set('server', 'ftp://127.0.0.1'))), 'ENROLL_URI_INVALID', 'server');
    await expectError(h.manager.enroll(link((q) => q.set('code', 'short'))), 'ENROLL_URI_INVALID', 'code');
    await expectError(h.manager.enroll(link((q) => q.set('fp', 'abc'))), 'ENROLL_URI_INVALID', 'fp');
    await expectError(h.manager.enroll(link((q) => q.delete('fp'))), 'ENROLL_URI_INVALID', 'fp');
    expect(h.saved).toEqual([]);
    expect(h.server.devices.size).toBe(0);
  });

  it("passes on the server's refusal of a used code", async () => {
    const h = await setup();
    const uri = h.server.enrollmentUri();
    await h.manager.enroll(uri);
    const error = await expectError(h.manager.enroll(uri), 'ENROLL_FAILED');
    expect(error.message).toContain('This enrollment code is unknown, used or expired.');
    expect(h.manager.accounts()).toHaveLength(2);
  });

  it('says so when the server cannot be reached', async () => {
    const h = await setup({ enroll: false });
    const uri = h.server.enrollmentUri();
    await h.server.close();
    await expectError(h.manager.enroll(uri), 'PUSH_SERVER_UNREACHABLE');
    expect(h.saved).toEqual([]);
  });
});

describe('requests', () => {
  it('shows a verified request with where it comes from', async () => {
    const h = await setup();
    const { jws, claims } = await h.server.signRequest(h.deviceId);
    const shown = h.nextShown();
    h.server.send(h.deviceId, { type: 'request', jws });
    const view = await shown;
    expect(view).toEqual({
      id: claims.jti,
      accountId: h.accountId,
      issuer: 'Example',
      account: 'alice@example.com',
      server: h.server.origin,
      application: 'Example Mail',
      browser: 'Firefox 140',
      os: 'Linux',
      ip: '203.0.113.7',
      location: 'Lyon, France',
      createdAt: claims.iat * 1000,
      expiresAt: claims.exp * 1000,
      numberMatching: true,
    });
    expect(h.manager.pending()).toEqual([view]);
    expect(h.manager.accounts()[0]!.pending).toBe(1);
    // The log names the request id only, never where the sign-in came from.
    expect(h.logs.join('\n')).not.toMatch(/Lyon|203\.0\.113|Firefox/);
  });

  it('queues requests oldest first', async () => {
    const h = await setup();
    const later = await h.server.signRequest(h.deviceId, { iat: Math.floor(h.clock.now() / 1000) - 5 });
    const earlier = await h.server.signRequest(h.deviceId, { iat: Math.floor(h.clock.now() / 1000) - 20 });
    for (const r of [later, earlier]) {
      const shown = h.nextShown();
      h.server.send(h.deviceId, { type: 'request', jws: r.jws });
      await shown;
    }
    expect(h.manager.pending().map((p) => p.id)).toEqual([earlier.claims.jti, later.claims.jti]);
  });

  const refusals: Array<[string, string, (h: Harness) => Promise<string>]> = [
    [
      'a tampered signature',
      'invalid_signature',
      async (h) => {
        const { jws } = await h.server.signRequest(h.deviceId);
        const [head, body, sig] = jws.split('.');
        const flipped = sig![0] === 'A' ? 'B' + sig!.slice(1) : 'A' + sig!.slice(1);
        return `${head}.${body}.${flipped}`;
      },
    ],
    [
      'a tampered payload',
      'invalid_signature',
      async (h) => {
        const { jws, claims } = await h.server.signRequest(h.deviceId);
        const [head, , sig] = jws.split('.');
        const body = Buffer.from(JSON.stringify({ ...claims, context: { ...claims.context, location: 'Home' } })).toString('base64url');
        return `${head}.${body}.${sig}`;
      },
    ],
    ['a request signed by another key', 'invalid_signature', async (h) => (await h.server.signRequest(h.deviceId, {}, (await generateSigningKey()).pair.privateKey)).jws],
    [
      'an expired request',
      'request_expired',
      async (h) => (await h.server.signRequest(h.deviceId, { iat: Math.floor(h.clock.now() / 1000) - 120, exp: Math.floor(h.clock.now() / 1000) - 60 })).jws,
    ],
    [
      'a request dated in the future',
      'stale_timestamp',
      async (h) => (await h.server.signRequest(h.deviceId, { iat: Math.floor(h.clock.now() / 1000) + 120, exp: Math.floor(h.clock.now() / 1000) + 180 })).jws,
    ],
    ['a request for another device', 'wrong_audience', async (h) => (await h.server.signRequest(randomId())).jws],
    ['a request from another issuer', 'wrong_audience', async (h) => (await h.server.signRequest(h.deviceId, { iss: 'https://evil.example' })).jws],
    ['a message of another kind', 'wrong_type', async (h) => h.server.key && (await signOther(h))],
  ];

  async function signOther(h: Harness): Promise<string> {
    const { signMessage } = await import('../../../common/push-jws');
    const { claims } = await h.server.signRequest(h.deviceId);
    return signMessage('decision', claims, h.server.key.privateKey);
  }

  for (const [what, code, make] of refusals) {
    it(`drops ${what} (${code}) from the socket and from a poll`, async () => {
      const h = await setup();
      const jws = await make(h);
      const dropped = h.logged(new RegExp(`dropped a request from the socket \\(${code}\\)`));
      h.server.send(h.deviceId, { type: 'request', jws });
      await dropped;
      h.server.queue(h.deviceId, jws);
      const droppedPoll = h.logged(new RegExp(`dropped a request from the poll \\(${code}\\)`));
      // A fresh manager over the same state polls on connect.
      const again = h.newManager(h.manager.state());
      again.start();
      await droppedPoll;
      await again.synced();
      expect(h.shown).toEqual([]);
      expect(h.manager.pending()).toEqual([]);
      expect(again.pending()).toEqual([]);
    });
  }

  it('drops an oversized request in a poll and shows the others', async () => {
    const h = await setup();
    const good = await h.server.signRequest(h.deviceId);
    h.server.queue(h.deviceId, 'a'.repeat(MAX_MESSAGE_BYTES + 1));
    h.server.queue(h.deviceId, good.jws);
    const again = h.newManager(h.manager.state());
    const dropped = h.logged(/dropped a request from the poll \(too_large\)/);
    const shown = h.nextShown();
    again.start();
    await dropped;
    expect((await shown).id).toBe(good.claims.jti);
  });

  it('closes an oversized frame without showing it, then reconnects', async () => {
    const h = await setup();
    const { jws } = await h.server.signRequest(h.deviceId);
    const reconnected = h.server.next('auth');
    h.server.send(h.deviceId, { type: 'request', jws, padding: 'x'.repeat(MAX_MESSAGE_BYTES) });
    const refused = h.logged(/connection error \(WS_ERR_UNSUPPORTED_MESSAGE_LENGTH\)/);
    await refused;
    await reconnected;
    expect(h.shown).toEqual([]);
  });

  it('shows a request once when it is replayed over the socket and in polls', async () => {
    const h = await setup();
    const { jws } = await h.server.signRequest(h.deviceId);
    const shown = h.nextShown();
    h.server.send(h.deviceId, { type: 'request', jws });
    await shown;
    const replay = h.logged(/already known/);
    h.server.send(h.deviceId, { type: 'request', jws });
    await replay;
    // The same request in the poll after a reconnect.
    h.server.queue(h.deviceId, jws);
    const polled = h.logged(/from the poll already known/);
    h.server.sockets.get(h.deviceId)!.terminate();
    await polled;
    expect(h.shown).toHaveLength(1);
    expect(h.manager.pending()).toHaveLength(1);
  });

  it('refuses a reused nonce under a new request id', async () => {
    const h = await setup();
    const first = await h.server.signRequest(h.deviceId);
    const shown = h.nextShown();
    h.server.send(h.deviceId, { type: 'request', jws: first.jws });
    await shown;
    const second = await h.server.signRequest(h.deviceId, { nonce: first.claims.nonce });
    const replay = h.logged(/already known/);
    h.server.send(h.deviceId, { type: 'request', jws: second.jws });
    await replay;
    expect(h.shown).toHaveLength(1);
  });

  it('stops showing a request the server closed, and never shows it again', async () => {
    const h = await setup();
    const { jws, claims } = await h.server.signRequest(h.deviceId);
    const shown = h.nextShown();
    h.server.send(h.deviceId, { type: 'request', jws });
    await shown;
    const changed = new Promise((resolve) => h.bus.once('changed', resolve));
    h.server.send(h.deviceId, { type: 'closed', requestId: claims.jti, outcome: 'approved' });
    await changed;
    expect(h.manager.pending()).toEqual([]);
    expect(h.manager.history()[0]).toMatchObject({ id: claims.jti, outcome: 'answered-elsewhere', application: 'Example Mail' });
    await vi.waitFor(() => expect(h.saved.at(-1)!.history).toHaveLength(1));
    // After a restart from the vault, the same request in a poll stays hidden.
    h.server.queue(h.deviceId, jws);
    const restarted = h.newManager(h.saved.at(-1)!);
    const known = h.logged(/already known/);
    restarted.start();
    await known;
    await restarted.synced();
    expect(restarted.pending()).toEqual([]);
    expect(h.shown).toHaveLength(1);
  });

  it('a closed frame for an expired request records it as expired', async () => {
    const h = await setup();
    const { jws, claims } = await h.server.signRequest(h.deviceId);
    const shown = h.nextShown();
    h.server.send(h.deviceId, { type: 'request', jws });
    await shown;
    h.server.send(h.deviceId, { type: 'closed', requestId: claims.jti, outcome: 'expired' });
    await vi.waitFor(() => expect(h.manager.history()[0]?.outcome).toBe('expired'));
  });

  it('moves an expired request to the history', async () => {
    const h = await setup();
    const { jws, claims } = await h.server.signRequest(h.deviceId);
    const shown = h.nextShown();
    h.server.send(h.deviceId, { type: 'request', jws });
    await shown;
    h.clock.t = claims.exp * 1000;
    expect(h.manager.pending()).toEqual([]);
    expect(h.manager.history()[0]).toMatchObject({ id: claims.jti, outcome: 'expired' });
    await expectError(h.manager.decide({ requestId: claims.jti, decision: 'approve', number: 42 }), 'PUSH_REQUEST_EXPIRED');
    expect(h.server.decisions).toEqual([]);
  });
});

describe('connection', () => {
  it('shows a request queued while offline once the device is back, exactly once', async () => {
    const h = await setup();
    const port = h.server.port;
    const devices = h.server.devices;
    const key = h.server.key;
    await h.server.close();
    await vi.waitFor(() => expect(h.manager.accounts()[0]!.status).not.toBe('connected'));
    // The server comes back on the same port with its key and devices, holding a request.
    const back = await TestPushServer.start({ clock: h.clock, port, key, devices });
    cleanups.push(() => back.close());
    const { jws, claims } = await back.signRequest(h.deviceId);
    back.queue(h.deviceId, jws);
    const shown = h.nextShown();
    const polled = back.next('poll');
    expect((await shown).id).toBe(claims.jti);
    await polled;
    expect(h.manager.accounts()[0]!.status).toBe('connected');
    // The server also pushes it on the socket: still shown once.
    const known = h.logged(/already known/);
    back.send(h.deviceId, { type: 'request', jws });
    await known;
    expect(h.shown.map((v) => v.id)).toEqual([claims.jti]);
  });

  it('reconnects with backoff after a server restart and polls again', async () => {
    const h = await setup();
    const { port, devices, key } = h.server;
    await h.server.close();
    // Several refused attempts while the server is down mark the account offline.
    await vi.waitFor(() => expect(h.manager.accounts()[0]!.status).toBe('offline'));
    const back = await TestPushServer.start({ clock: h.clock, port, key, devices });
    cleanups.push(() => back.close());
    await back.next('poll');
    expect(back.counts).toEqual({ auth: 1, poll: 1 });
    await vi.waitFor(() => expect(h.manager.accounts()[0]!.status).toBe('connected'));
  });

  it('reconnects when the heartbeat stops', async () => {
    const h = await setup({ heartbeatTimeoutMs: 300 });
    // The fake server never pings: the device must notice the silence and reconnect, then poll.
    await h.logged(/no heartbeat for 300 ms/);
    await h.server.next('poll');
    expect(h.server.counts.auth).toBeGreaterThanOrEqual(2);
    expect(h.server.counts.poll).toBeGreaterThanOrEqual(2);
  });

  it('keeps a connection that hears pings', async () => {
    const h = await setup({ heartbeatTimeoutMs: 300 });
    const socket = h.server.sockets.get(h.deviceId)!;
    // Pings every 100 ms for 700 ms: more than twice the silence that would end the connection.
    const timer = setInterval(() => socket.ping(), 100);
    cleanups.push(() => clearInterval(timer));
    await new Promise<void>((resolve) => {
      let pongs = 0;
      socket.on('pong', () => ++pongs === 7 && resolve());
    });
    expect(h.server.counts.auth).toBe(1);
    expect(h.logs.join('\n')).not.toContain('no heartbeat');
    expect(h.manager.accounts()[0]!.status).toBe('connected');
  });

  it('shows a refused device as offline with a reason', async () => {
    const h = await setup();
    h.server.refuseAuth = true;
    const refused = h.logged(/refused this device \(revoked\)/);
    h.server.sockets.get(h.deviceId)!.terminate();
    await refused;
    expect(h.manager.accounts()[0]!.status).toBe('offline');
  });

  it('stop closes the socket and forgets the keys', async () => {
    const h = await setup();
    const socket = h.server.sockets.get(h.deviceId)!;
    const closed = new Promise((resolve) => socket.once('close', resolve));
    await h.manager.stop();
    await closed;
    expect(h.manager.state().accounts).toEqual([]);
    await expectError(h.manager.decide({ requestId: 'nothing-here', decision: 'deny', reason: 'cancelled' }), 'VAULT_LOCKED');
  });
});

describe('decisions', () => {
  async function withRequest(h: Harness, numberMatching = true) {
    const r = await h.server.signRequest(h.deviceId, { numberMatching });
    const shown = h.nextShown();
    h.server.send(h.deviceId, { type: 'request', jws: r.jws });
    await shown;
    return r.claims;
  }

  it('approves with the number, signed by the device key', async () => {
    const h = await setup();
    const request = await withRequest(h);
    expect(await h.manager.decide({ requestId: request.jti, decision: 'approve', number: 42 })).toEqual({ status: 'approved' });
    // The fake server verified it with the device's registered public key; check what it said.
    expect(h.server.decisions).toEqual([
      {
        v: 1,
        decision: 'approve',
        number: 42,
        requestId: request.jti,
        sub: h.deviceId,
        aud: h.server.origin + PUSH_PATHS.decisions,
        iat: Math.floor(h.clock.now() / 1000),
        jti: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      },
    ]);
    expect(h.manager.pending()).toEqual([]);
    expect(h.manager.history()[0]).toMatchObject({ id: request.jti, outcome: 'approved' });
    expect(h.saved.at(-1)!.history[0]).toMatchObject({ id: request.jti, outcome: 'approved' });
    // Our own decision echoed back as 'closed' changes nothing.
    h.server.send(h.deviceId, { type: 'closed', requestId: request.jti, outcome: 'approved' });
    await h.manager.decide({ requestId: request.jti, decision: 'approve', number: 42 }).catch(() => undefined);
    expect(h.manager.history()).toHaveLength(1);
  });

  it('denies, and records "this wasn\'t me" as fraud', async () => {
    const h = await setup();
    const cancelled = await withRequest(h);
    const notMe = await withRequest(h);
    expect(await h.manager.decide({ requestId: cancelled.jti, decision: 'deny', reason: 'cancelled' })).toEqual({ status: 'denied' });
    expect(await h.manager.decide({ requestId: notMe.jti, decision: 'deny', reason: 'not-me' })).toEqual({ status: 'denied' });
    expect(h.server.decisions.map((d) => d.decision === 'deny' && d.reason)).toEqual(['cancelled', 'not-me']);
    expect(h.manager.history().map((e) => [e.id, e.outcome])).toEqual([
      [notMe.jti, 'fraud'],
      [cancelled.jti, 'denied'],
    ]);
  });

  it('keeps a request pending after a wrong number', async () => {
    const h = await setup();
    const request = await withRequest(h);
    h.server.decisionReply = () => ({ status: 400, body: { error: 'wrong_number', message: 'Wrong number.' } });
    const error = await expectError(h.manager.decide({ requestId: request.jti, decision: 'approve', number: 7 }), 'PUSH_WRONG_NUMBER', 'number');
    expect(error.message).toBe("That number doesn't match the one on the sign-in page.");
    expect(h.manager.pending().map((p) => p.id)).toEqual([request.jti]);
    // After the third wrong number the server denies it and says so.
    h.server.send(h.deviceId, { type: 'closed', requestId: request.jti, outcome: 'denied' });
    await vi.waitFor(() => expect(h.manager.pending()).toEqual([]));
    expect(h.manager.history()[0]).toMatchObject({ id: request.jti, outcome: 'answered-elsewhere' });
  });

  it('moves a request the server calls expired or answered to the history', async () => {
    const h = await setup();
    const late = await withRequest(h);
    const elsewhere = await withRequest(h);
    h.server.decisionReply = (c) =>
      c.requestId === late.jti
        ? { status: 409, body: { error: 'request_expired', message: 'Expired.' } }
        : { status: 409, body: { error: 'already_answered', message: 'Answered.' } };
    await expectError(h.manager.decide({ requestId: late.jti, decision: 'approve', number: 1 }), 'PUSH_REQUEST_EXPIRED');
    await expectError(h.manager.decide({ requestId: elsewhere.jti, decision: 'approve', number: 1 }), 'PUSH_DECISION_REFUSED');
    expect(h.manager.pending()).toEqual([]);
    expect(h.manager.history().map((e) => e.outcome)).toEqual(['answered-elsewhere', 'expired']);
  });

  it("passes on the server's other refusals and keeps the request", async () => {
    const h = await setup();
    const request = await withRequest(h);
    h.server.decisionReply = () => ({ status: 429, body: { error: 'muted', message: 'Push is muted for this account' } });
    const error = await expectError(h.manager.decide({ requestId: request.jti, decision: 'approve', number: 1 }), 'PUSH_DECISION_REFUSED');
    expect(error.message).toContain('Push is muted for this account.');
    expect(h.manager.pending()).toHaveLength(1);
  });

  it('refuses an unknown request id without sending anything', async () => {
    const h = await setup();
    await expectError(h.manager.decide({ requestId: 'no-such-request', decision: 'approve', number: 1 }), 'PUSH_REQUEST_NOT_FOUND');
    expect(h.server.decisions).toEqual([]);
  });

  it('keeps the request when the server cannot be reached', async () => {
    const h = await setup();
    const request = await withRequest(h);
    await h.server.close();
    await expectError(h.manager.decide({ requestId: request.jti, decision: 'approve', number: 1 }), 'PUSH_SERVER_UNREACHABLE');
    expect(h.manager.pending()).toHaveLength(1);
  });

  it('removing an account forgets its requests and key', async () => {
    const h = await setup();
    await withRequest(h);
    await h.manager.remove(h.accountId);
    expect(h.manager.accounts()).toEqual([]);
    expect(h.manager.pending()).toEqual([]);
    expect(h.saved.at(-1)!.accounts).toEqual([]);
    await expectError(h.manager.remove(h.accountId), 'ACCOUNT_NOT_FOUND');
  });
});
