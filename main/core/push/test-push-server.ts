/**
 * A small stand-in for a push server, for tests only: it speaks protocol v1 over node:http and a
 * `ws` WebSocketServer on 127.0.0.1, signing requests with its own Ed25519 key through
 * common/push-jws, and records what devices send so tests can check it. Never use outside tests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventEmitter } from 'node:events';
import { WebSocketServer, WebSocket } from 'ws';
import type { CryptoKey } from 'jose';
import { generateSigningKey, importVerifyKey, randomId, signMessage, verifyMessage, PushVerifyError, type SigningKeyPair } from '../../../common/push-jws';
import {
  DecisionClaimsSchema,
  DeviceAuthClaimsSchema,
  PUSH_PATHS,
  REQUEST_TTL_SECONDS,
  RegistrationBodySchema,
  RegistrationClaimsSchema,
  SignedBodySchema,
  formatEnrollmentUri,
  type DecisionClaims,
  type PublicJwk,
  type SignInRequestClaims,
} from '../../../common/push-protocol';
import type { Clock } from '../ports';

/** A device registered at the test server. */
export interface TestDevice {
  deviceId: string;
  publicJwk: PublicJwk;
  key: CryptoKey;
}

/** What the test server answers to a decision; by default it accepts with the matching status. */
export type DecisionReply = (claims: DecisionClaims) => { status: number; body: unknown };

/** Options of a test server. */
export interface TestPushServerOptions {
  clock: Clock;
  /** Listen on this port (to restart "the same server"); 0 picks a free one. */
  port?: number;
  /** Reuse a server key (a restarted server keeps its key). */
  key?: SigningKeyPair;
  /** Devices known from a previous run. */
  devices?: Map<string, TestDevice>;
}

/** A fake push server for tests. Events: 'auth' (deviceId), 'poll' (deviceId), 'decision' (claims), 'refused' (code). */
export class TestPushServer extends EventEmitter {
  readonly devices: Map<string, TestDevice>;
  /** Requests each device will receive when it polls (the server's pending queue). */
  readonly queued = new Map<string, string[]>();
  readonly decisions: DecisionClaims[] = [];
  readonly sockets = new Map<string, WebSocket>();
  readonly enrollments = new Map<string, { account: string; issuer: string }>();
  /** Answers decisions; tests replace it to refuse. */
  decisionReply: DecisionReply = (claims) => ({ status: 200, body: { v: 1, status: claims.decision === 'approve' ? 'approved' : 'denied' } });
  /** Serve a different key at registration (a man in the middle). */
  registrationKeyOverride: PublicJwk | null = null;
  /** Refuse every connection with 4401. */
  refuseAuth = false;
  /** Count of auth frames and polls, per device. */
  readonly counts = { auth: 0, poll: 0 };

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    readonly key: SigningKeyPair,
    readonly origin: string,
    readonly port: number,
    private readonly clock: Clock,
    devices: Map<string, TestDevice>,
  ) {
    super();
    this.devices = devices;
  }

  /** Starts a server on 127.0.0.1. */
  static async start(options: TestPushServerOptions): Promise<TestPushServer> {
    const key = options.key ?? (await generateSigningKey()).pair;
    const http = createServer();
    const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const port = (http.address() as AddressInfo).port;
    const server = new TestPushServer(http, wss, key, `http://127.0.0.1:${port}`, port, options.clock, options.devices ?? new Map());
    http.on('request', (req, res) => void server.handle(req, res));
    http.on('upgrade', (req, socket, head) => {
      if (req.url !== PUSH_PATHS.stream) return socket.destroy();
      wss.handleUpgrade(req, socket, head, (ws) => server.accept(ws));
    });
    return server;
  }

  /** A fresh enrollment link for this server. */
  enrollmentUri(overrides: { fingerprint?: string; server?: string; account?: string } = {}): string {
    const code = randomId() + randomId();
    const account = overrides.account ?? 'alice@example.com';
    this.enrollments.set(code, { account, issuer: 'Example' });
    return formatEnrollmentUri({
      server: overrides.server ?? this.origin,
      code,
      fingerprint: overrides.fingerprint ?? this.key.thumbprint,
      account,
      issuer: 'Example',
    });
  }

  /** Signs a sign-in request for a device, with any claim overridden. */
  async signRequest(deviceId: string, overrides: Partial<SignInRequestClaims> = {}, key: CryptoKey = this.key.privateKey): Promise<{ jws: string; claims: SignInRequestClaims }> {
    const iat = Math.floor(this.clock.now() / 1000);
    const claims: SignInRequestClaims = {
      v: 1,
      jti: randomId(),
      nonce: randomId(),
      iss: this.origin,
      aud: deviceId,
      sub: 'alice@example.com',
      context: { application: 'Example Mail', browser: 'Firefox 140', os: 'Linux', ip: '203.0.113.7', location: 'Lyon, France' },
      numberMatching: true,
      iat,
      exp: iat + REQUEST_TTL_SECONDS,
      ...overrides,
    };
    return { jws: await signMessage('request', claims, key), claims };
  }

  /** Sends a frame to the device's socket, if it is connected. Returns whether it was sent. */
  send(deviceId: string, frame: unknown): boolean {
    const ws = this.sockets.get(deviceId);
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
    return true;
  }

  /** Queues a request for the device's next poll. */
  queue(deviceId: string, jws: string): void {
    this.queued.set(deviceId, [...(this.queued.get(deviceId) ?? []), jws]);
  }

  /** Drops a request from a device's poll queue. */
  unqueue(deviceId: string, requestId: string): void {
    const jti = (jws: string) => (JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString()) as { jti?: string }).jti;
    this.queued.set(deviceId, (this.queued.get(deviceId) ?? []).filter((jws) => jti(jws) !== requestId));
  }

  /** Waits for the next event of a kind. */
  next<T = unknown>(event: string): Promise<T> {
    return new Promise((resolve) => this.once(event, resolve));
  }

  /** Stops listening and drops every connection abruptly (a crash or restart). */
  async close(): Promise<void> {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
    this.http.closeAllConnections();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  private accept(ws: WebSocket): void {
    ws.once('message', (data) => void this.authenticate(ws, data.toString()));
  }

  private async authenticate(ws: WebSocket, text: string): Promise<void> {
    this.counts.auth += 1;
    try {
      const hello = JSON.parse(text) as { type?: string; jws?: string };
      if (hello.type !== 'auth' || typeof hello.jws !== 'string') throw new PushVerifyError('bad_request', 'no auth');
      const deviceId = JSON.parse(Buffer.from(hello.jws.split('.')[1] ?? '', 'base64url').toString()).sub as string;
      const device = this.devices.get(deviceId);
      if (!device || this.refuseAuth) throw new PushVerifyError('revoked', 'refused');
      await verifyMessage('auth', hello.jws, device.key, DeviceAuthClaimsSchema, {
        now: this.clock.now(),
        checkIssuedAt: true,
        audience: this.origin + PUSH_PATHS.stream,
      });
      this.sockets.set(deviceId, ws);
      ws.on('close', () => {
        if (this.sockets.get(deviceId) === ws) this.sockets.delete(deviceId);
      });
      ws.send(JSON.stringify({ type: 'ready', v: 1 }));
      this.emit('auth', deviceId);
    } catch (error) {
      const code = error instanceof PushVerifyError ? error.code : 'bad_request';
      this.emit('refused', code);
      ws.close(4401, code);
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const refuse = (status: number, error: string, message: string) => reply(status, { error, message });
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const json: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (req.method !== 'POST') return refuse(405, 'bad_request', 'POST only.');
      if (req.url === PUSH_PATHS.devices) return await this.register(json, reply, refuse);
      const { jws } = SignedBodySchema.parse(json);
      const deviceId = JSON.parse(Buffer.from(jws.split('.')[1] ?? '', 'base64url').toString()).sub as string;
      const device = this.devices.get(deviceId);
      if (!device) return refuse(401, 'unknown_device', 'Unknown device.');
      if (req.url === PUSH_PATHS.poll) {
        await verifyMessage('poll', jws, device.key, DeviceAuthClaimsSchema, { now: this.clock.now(), checkIssuedAt: true, audience: this.origin + PUSH_PATHS.poll });
        this.counts.poll += 1;
        reply(200, { v: 1, requests: this.queued.get(deviceId) ?? [] });
        this.emit('poll', deviceId);
        return;
      }
      if (req.url === PUSH_PATHS.decisions) {
        const claims = await verifyMessage('decision', jws, device.key, DecisionClaimsSchema, {
          now: this.clock.now(),
          checkIssuedAt: true,
          audience: this.origin + PUSH_PATHS.decisions,
        });
        this.decisions.push(claims);
        const answer = this.decisionReply(claims);
        // Like a real server: an answered request never comes back in a poll.
        if (answer.status === 200) this.unqueue(deviceId, claims.requestId);
        reply(answer.status, answer.body);
        this.emit('decision', claims);
        return;
      }
      refuse(404, 'bad_request', 'No such endpoint.');
    } catch (error) {
      if (error instanceof PushVerifyError) return refuse(400, error.code, error.message);
      refuse(400, 'bad_request', 'Bad request.');
    }
  }

  private async register(json: unknown, reply: (s: number, b: unknown) => void, refuse: (s: number, e: string, m: string) => void): Promise<void> {
    const body = RegistrationBodySchema.parse(json);
    const enrollment = this.enrollments.get(body.code);
    if (!enrollment) return refuse(400, 'enrollment_invalid', 'This enrollment code is unknown, used or expired');
    const key = await importVerifyKey(body.publicKey);
    await verifyMessage('registration', body.proof, key, RegistrationClaimsSchema, {
      now: this.clock.now(),
      checkIssuedAt: true,
      audience: this.origin + PUSH_PATHS.devices,
    });
    this.enrollments.delete(body.code);
    const deviceId = randomId();
    this.devices.set(deviceId, { deviceId, publicJwk: body.publicKey, key });
    reply(200, { v: 1, deviceId, account: enrollment.account, issuer: enrollment.issuer, serverKey: this.registrationKeyOverride ?? this.key.publicJwk });
  }
}
