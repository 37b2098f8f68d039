/**
 * A minimal device for testing the push service over real sockets: it builds device-signed
 * messages with common/push-jws.ts directly, so tests control every claim. Test code only.
 */
import type { CryptoKey } from 'jose';
import { WebSocket } from 'ws';
import { PUSH_PATHS, RegistrationResultSchema, ServerMessageSchema, type ServerMessage } from '../../common/push-protocol';
import { generateSigningKey, importVerifyKey, randomId, signMessage, type MessageKind, type SigningKeyPair } from '../../common/push-jws';

/** An HTTP answer: status and parsed JSON body. */
export interface JsonAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** POSTs `body` (an object, or raw text sent as is) as JSON to `url`. */
export async function postJson(url: string, body: unknown): Promise<JsonAnswer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** A fresh device key pair. */
export async function newDeviceKey(): Promise<SigningKeyPair> {
  return (await generateSigningKey()).pair;
}

/** Overrides for building a registration body. */
export interface RegistrationOverrides {
  /** Key that signs the proof (default: the submitted key). */
  signWith?: SigningKeyPair;
  /** `iat` in seconds (default: now). */
  iat?: number;
  /** Code in the proof (default: the submitted code). */
  proofCode?: string;
}

/** Builds the body of POST {devices}. */
export async function registrationBody(origin: string, code: string, key: SigningKeyPair, nowMs: number, overrides: RegistrationOverrides = {}): Promise<Record<string, unknown>> {
  const proof = await signMessage(
    'registration',
    { v: 1, code: overrides.proofCode ?? code, iat: overrides.iat ?? Math.floor(nowMs / 1000), aud: origin + PUSH_PATHS.devices },
    (overrides.signWith ?? key).privateKey,
  );
  return { v: 1, code, deviceName: 'Test laptop', publicKey: key.publicJwk, proof };
}

/** Overrides for device-signed claims. */
export interface ClaimOverrides {
  iat?: number;
  jti?: string;
  aud?: string;
  sub?: string;
  /** Sign with this key instead of the device's. */
  signWith?: SigningKeyPair;
  /** Sign as this kind instead of the expected one. */
  kind?: MessageKind;
}

/** An enrolled test device. */
export class TestDevice {
  private constructor(
    readonly origin: string,
    readonly id: string,
    readonly key: SigningKeyPair,
    /** The pinned server key. */
    readonly serverKey: CryptoKey,
    private readonly now: () => number,
  ) {}

  /** Enrolls a new device with `code`; throws if the server refuses. */
  static async enroll(origin: string, code: string, now: () => number): Promise<TestDevice> {
    const key = await newDeviceKey();
    const answer = await postJson(origin + PUSH_PATHS.devices, await registrationBody(origin, code, key, now()));
    if (answer.status !== 200) throw new Error(`enrollment refused: ${answer.status} ${JSON.stringify(answer.body)}`);
    const result = RegistrationResultSchema.parse(answer.body);
    return new TestDevice(origin, result.deviceId, key, await importVerifyKey(result.serverKey), now);
  }

  /** Signs an auth or poll token for `path`. */
  token(kind: 'auth' | 'poll', path: string, o: ClaimOverrides = {}): Promise<string> {
    const claims = { v: 1, sub: o.sub ?? this.id, aud: o.aud ?? this.origin + path, iat: o.iat ?? Math.floor(this.now() / 1000), jti: o.jti ?? randomId() };
    return signMessage(o.kind ?? kind, claims, (o.signWith ?? this.key).privateKey);
  }

  /** Signs a decision. */
  decision(requestId: string, decision: { decision: 'approve'; number: number | null } | { decision: 'deny'; reason: 'not-me' | 'cancelled' }, o: ClaimOverrides = {}): Promise<string> {
    const claims = {
      v: 1,
      ...decision,
      requestId,
      sub: o.sub ?? this.id,
      aud: o.aud ?? this.origin + PUSH_PATHS.decisions,
      iat: o.iat ?? Math.floor(this.now() / 1000),
      jti: o.jti ?? randomId(),
    };
    return signMessage(o.kind ?? 'decision', claims, (o.signWith ?? this.key).privateKey);
  }

  /** Sends a decision JWS to the server. */
  decide(jws: string): Promise<JsonAnswer> {
    return postJson(this.origin + PUSH_PATHS.decisions, { jws });
  }

  /** Polls with a fresh token. */
  async poll(o: ClaimOverrides = {}): Promise<JsonAnswer> {
    return postJson(this.origin + PUSH_PATHS.poll, { jws: await this.token('poll', PUSH_PATHS.poll, o) });
  }

  /** Opens a WebSocket and sends `hello` (default: a valid auth frame) as its first frame. */
  async connect(hello?: string): Promise<TestConnection> {
    const frame = hello ?? JSON.stringify({ type: 'auth', jws: await this.token('auth', PUSH_PATHS.stream) });
    return TestConnection.open(this.origin.replace(/^http/, 'ws') + PUSH_PATHS.stream, frame);
  }
}

/** A device WebSocket that records what the server sends. */
export class TestConnection {
  /** Frames received so far, parsed. */
  readonly frames: ServerMessage[] = [];
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.frames.push(ServerMessageSchema.parse(JSON.parse(String(data))));
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const wake of this.waiters.splice(0)) wake();
      });
    });
  }

  /** Opens the socket and sends the first frame once open. */
  static open(url: string, firstFrame: string): Promise<TestConnection> {
    const socket = new WebSocket(url);
    const connection = new TestConnection(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => {
        socket.send(firstFrame);
        resolve(connection);
      });
      socket.once('error', reject);
    });
  }

  /** Waits for the first received frame matching `match` (already received ones count). */
  async next<T extends ServerMessage['type']>(type: T, match: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true): Promise<Extract<ServerMessage, { type: T }>> {
    for (;;) {
      const found = this.frames.find((m): m is Extract<ServerMessage, { type: T }> => m.type === type && match(m as Extract<ServerMessage, { type: T }>));
      if (found) return found;
      if (this.socket.readyState === WebSocket.CLOSED) throw new Error(`the socket closed before a '${type}' frame arrived`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  /** Closes the socket and waits until it is closed. */
  async close(): Promise<void> {
    if (this.socket.readyState !== WebSocket.CLOSED) this.socket.close();
    await this.closed;
  }
}
