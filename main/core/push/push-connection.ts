/**
 * One device's connection to one push server: a WebSocket authenticated with a device-signed JWS,
 * a heartbeat watchdog, reconnection with backoff, and a signed poll after every (re)connect.
 */
import WebSocket, { type RawData } from 'ws';
import { z } from 'zod';
import { randomId, signMessage, type SigningKeyPair } from '../../../common/push-jws';
import { MAX_MESSAGE_BYTES, PUSH_PATHS, ServerMessageSchema } from '../../../common/push-protocol';
import type { PushStatus } from '../../../common/api-contract';
import type { Clock } from '../ports';
import { Backoff, type BackoffOptions } from './backoff';
import { postJson } from './push-http';

/** WebSocket close code a push server uses when it refuses the connection's authentication. */
export const AUTH_REFUSED_CLOSE_CODE = 4401;
/** After this many failed attempts in a row an account shows as offline rather than reconnecting. */
export const OFFLINE_AFTER_FAILURES = 3;
const HANDSHAKE_TIMEOUT_MS = 10_000;

// Lenient on purpose: each request is verified one by one, so one bad entry cannot hide the others.
const PollAnswerSchema = z.object({ v: z.literal(1), requests: z.array(z.string()).max(100) });

/** Where a request JWS came from. */
export type RequestSource = 'socket' | 'poll';

/** What a connection needs and reports. */
export interface PushConnectionOptions {
  /** Short label for log lines (the account id). */
  label: string;
  origin: string;
  deviceId: string;
  key: SigningKeyPair;
  clock: Clock;
  log: (line: string) => void;
  backoff: BackoffOptions;
  heartbeatTimeoutMs: number;
  /** Verifies and queues a request; the poll waits for these so `firstAttempt` means "all shown". */
  onRequest(jws: string, source: RequestSource): Promise<void>;
  onClosed(requestId: string, outcome: 'approved' | 'denied' | 'expired' | 'fraud'): void;
  onStatus(): void;
}

/** A self-healing connection to one push server. */
export class PushConnection {
  private socket: WebSocket | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly backoff: Backoff;
  private readonly pollBackoff: Backoff;
  private firstAttemptDone!: () => void;
  /** Resolves once the first connect (and its poll) has succeeded or failed. */
  readonly firstAttempt: Promise<void>;
  /** connected, reconnecting or offline. */
  status: PushStatus = 'reconnecting';
  /** Why the account is offline, when it is. */
  offlineReason: string | null = null;
  /** When the server was last heard from (ms). */
  lastContact: number | null = null;

  constructor(private readonly options: PushConnectionOptions) {
    this.backoff = new Backoff(options.backoff);
    this.pollBackoff = new Backoff(options.backoff);
    this.firstAttempt = new Promise((resolve) => (this.firstAttemptDone = resolve));
  }

  /** Opens the first connection. */
  start(): void {
    this.connect();
  }

  /** Closes the socket and every timer; the connection never reopens. */
  stop(): void {
    this.stopped = true;
    this.clearTimers();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.terminate();
    }
    this.firstAttemptDone();
  }

  private url(path: string): string {
    return this.options.origin + path;
  }

  private connect(): void {
    if (this.stopped) return;
    const wsUrl = this.url(PUSH_PATHS.stream).replace(/^http/, 'ws');
    let socket: WebSocket;
    try {
      socket = new WebSocket(wsUrl, {
        // A frame larger than any protocol message closes the socket (1009) before it is buffered.
        maxPayload: MAX_MESSAGE_BYTES,
        handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
        followRedirects: false,
        perMessageDeflate: false,
      });
    } catch {
      this.scheduleReconnect(false, 'the address could not be opened');
      return;
    }
    this.socket = socket;
    let ready = false;
    socket.on('open', () => {
      this.armHeartbeat();
      void this.authenticate(socket);
    });
    socket.on('ping', () => this.heard());
    socket.on('pong', () => this.heard());
    socket.on('message', (data: RawData, isBinary: boolean) => {
      this.heard();
      if (isBinary) return this.options.log(`push ${this.options.label}: binary frame ignored`);
      const message = parseFrame(data);
      if (!message) return this.options.log(`push ${this.options.label}: unreadable frame ignored`);
      switch (message.type) {
        case 'ready':
          ready = true;
          this.backoff.reset();
          this.offlineReason = null;
          this.setStatus('connected');
          void this.poll(socket).finally(() => this.firstAttemptDone());
          return;
        case 'request':
          void this.options.onRequest(message.jws, 'socket');
          return;
        case 'closed':
          this.options.onClosed(message.requestId, message.outcome);
          return;
      }
    });
    socket.on('error', (error) => {
      this.options.log(`push ${this.options.label}: connection error (${(error as { code?: string }).code ?? error.name})`);
    });
    socket.on('close', (code: number, reason: Buffer) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.clearTimers();
      if (this.stopped) return;
      if (!ready) this.firstAttemptDone();
      if (code === AUTH_REFUSED_CLOSE_CODE) {
        const why = reason.toString('utf8').replace(/[^A-Za-z0-9_ -]/g, '').slice(0, 64) || 'refused';
        this.options.log(`push ${this.options.label}: the server refused this device (${why})`);
        this.scheduleReconnect(true, `The server refused this device (${why}). It may have been revoked; enroll again if it was.`);
        return;
      }
      this.options.log(`push ${this.options.label}: connection closed (${code})`);
      this.scheduleReconnect(false, 'The server cannot be reached.');
    });
  }

  private async authenticate(socket: WebSocket): Promise<void> {
    try {
      const jws = await this.signDeviceAuth('auth', PUSH_PATHS.stream);
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: 'auth', jws }));
    } catch (error) {
      this.options.log(`push ${this.options.label}: could not sign the connection (${error instanceof Error ? error.name : 'error'})`);
      socket.terminate();
    }
  }

  private signDeviceAuth(kind: 'auth' | 'poll', path: string): Promise<string> {
    const claims = { v: 1, sub: this.options.deviceId, aud: this.url(path), iat: Math.floor(this.options.clock.now() / 1000), jti: randomId() };
    return signMessage(kind, claims, this.options.key.privateKey);
  }

  /** Fetches every pending request with a signed poll; retried with backoff while the socket lives. */
  private async poll(socket: WebSocket): Promise<void> {
    const jws = await this.signDeviceAuth('poll', PUSH_PATHS.poll);
    const result = await postJson(this.url(PUSH_PATHS.poll), { jws });
    if (this.stopped || this.socket !== socket) return;
    if (result.kind === 'ok') {
      const parsed = PollAnswerSchema.safeParse(result.body);
      if (!parsed.success) return this.options.log(`push ${this.options.label}: poll answer not understood`);
      this.lastContact = this.options.clock.now();
      this.pollBackoff.reset();
      await Promise.all(parsed.data.requests.map((request) => this.options.onRequest(request, 'poll')));
      return;
    }
    this.options.log(`push ${this.options.label}: poll failed (${result.kind === 'refused' ? (result.error ?? result.status) : result.reason})`);
    // The socket is up but the poll failed: try again later so nothing queued while offline is lost.
    this.clearRetry();
    this.retry = setTimeout(() => {
      this.retry = null;
      if (this.socket === socket) void this.poll(socket);
    }, Math.max(this.pollBackoff.next(), 50));
  }

  private heard(): void {
    this.lastContact = this.options.clock.now();
    this.heartbeat?.refresh();
  }

  private armHeartbeat(): void {
    if (this.heartbeat) clearTimeout(this.heartbeat);
    this.heartbeat = setTimeout(() => {
      this.options.log(`push ${this.options.label}: no heartbeat for ${this.options.heartbeatTimeoutMs} ms; reconnecting`);
      // terminate(), not close(): a dead peer would never complete a closing handshake.
      this.socket?.terminate();
    }, this.options.heartbeatTimeoutMs);
  }

  private scheduleReconnect(refused: boolean, reason: string): void {
    const delay = refused ? this.backoff.max() : this.backoff.next();
    if (refused || this.backoff.failures >= OFFLINE_AFTER_FAILURES) {
      this.offlineReason = reason;
      this.setStatus('offline');
    } else {
      this.setStatus('reconnecting');
    }
    this.clearRetry();
    this.retry = setTimeout(() => {
      this.retry = null;
      this.connect();
    }, delay);
  }

  private setStatus(status: PushStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.options.onStatus();
  }

  private clearRetry(): void {
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
  }

  private clearTimers(): void {
    this.clearRetry();
    if (this.heartbeat) clearTimeout(this.heartbeat);
    this.heartbeat = null;
  }
}

function parseFrame(data: RawData): z.output<typeof ServerMessageSchema> | null {
  const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = ServerMessageSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
