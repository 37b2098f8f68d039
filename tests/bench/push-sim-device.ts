/**
 * A simulated Twofold device for the push bench: it speaks docs/push-protocol.md with the same
 * signing code the app uses (common/push-jws.ts), but holds no vault and shows nothing. The bench's
 * idle devices (push-device-worker.ts) and its polling device (push-bench.ts) are built from it.
 */
import { WebSocket } from 'ws';
import type { CryptoKey } from 'jose';
import { generateSigningKey, importVerifyKey, randomId, signMessage, thumbprintOf, verifyMessage } from '../../common/push-jws';
import {
  PUSH_PATHS,
  PollResultSchema,
  RegistrationResultSchema,
  ServerMessageSchema,
  SignInRequestClaimsSchema,
  parseEnrollmentUri,
  type SignInRequestClaims,
} from '../../common/push-protocol';

/** A device registered at a push server. */
export interface SimDevice {
  origin: string;
  deviceId: string;
  key: CryptoKey;
  /** The pinned server key. */
  serverKey: CryptoKey;
}

/** The current time in seconds, as the protocol's `iat` carries it. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** POSTs JSON and returns the status and parsed body; throws only when the server can't be reached. */
export async function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = text.slice(0, 200);
  }
  return { status: response.status, body: json };
}

/** Enrolls a new device from a `twofold://enroll?...` link: new key, signed proof, pinned server key. */
export async function registerDevice(uri: string, deviceName: string): Promise<SimDevice> {
  const parsed = parseEnrollmentUri(uri);
  if (!parsed.ok) throw new Error(`enrollment link refused: ${parsed.problem.message}`);
  const { server: origin, code, fingerprint } = parsed.value;
  const { pair } = await generateSigningKey();
  const aud = `${origin}${PUSH_PATHS.devices}`;
  const proof = await signMessage('registration', { v: 1, code, iat: nowSeconds(), aud }, pair.privateKey);
  const answer = await postJson(aud, { v: 1, code, deviceName, publicKey: pair.publicJwk, proof });
  if (answer.status !== 200) throw new Error(`registration answered HTTP ${answer.status}: ${JSON.stringify(answer.body)}`);
  const result = RegistrationResultSchema.parse(answer.body);
  if ((await thumbprintOf(result.serverKey)) !== fingerprint) throw new Error("the server's key does not match the enrollment link");
  return { origin, deviceId: result.deviceId, key: pair.privateKey, serverKey: await importVerifyKey(result.serverKey) };
}

/** A device-signed authentication token (connection or poll) for `path`. */
export function signDeviceAuth(device: SimDevice, kind: 'auth' | 'poll', path: string): Promise<string> {
  return signMessage(kind, { v: 1, sub: device.deviceId, aud: `${device.origin}${path}`, iat: nowSeconds(), jti: randomId() }, device.key);
}

/** Signs a "deny (cancelled)" decision on a request. */
export function signDeny(device: SimDevice, requestId: string): Promise<string> {
  const claims = {
    v: 1,
    decision: 'deny',
    reason: 'cancelled',
    requestId,
    sub: device.deviceId,
    aud: `${device.origin}${PUSH_PATHS.decisions}`,
    iat: nowSeconds(),
    jti: randomId(),
  };
  return signMessage('decision', claims, device.key);
}

/** POSTs a signed decision; returns the HTTP status. */
export async function postDecision(device: SimDevice, jws: string): Promise<{ status: number; body: unknown }> {
  return postJson(`${device.origin}${PUSH_PATHS.decisions}`, { jws });
}

/** A signed poll: the JWS texts of every pending request for the device. */
export async function poll(device: SimDevice): Promise<string[]> {
  const jws = await signDeviceAuth(device, 'poll', PUSH_PATHS.poll);
  const answer = await postJson(`${device.origin}${PUSH_PATHS.poll}`, { jws });
  if (answer.status !== 200) throw new Error(`poll answered HTTP ${answer.status}: ${JSON.stringify(answer.body)}`);
  return PollResultSchema.parse(answer.body).requests;
}

/**
 * Verifies a sign-in request as the device must: pinned key, type, expiry, issuer, audience, and a
 * (jti, nonce) pair not seen before (`seen` is updated). Returns null for a replay.
 */
export async function verifyRequest(device: SimDevice, jws: string, seen: Set<string>): Promise<SignInRequestClaims | null> {
  const claims = await verifyMessage('request', jws, device.serverKey, SignInRequestClaimsSchema, {
    now: Date.now(),
    audience: device.deviceId,
    checkExpiry: true,
  });
  if (claims.iss !== device.origin) throw new Error('request from another issuer');
  const pair = `${claims.jti} ${claims.nonce}`;
  if (seen.has(pair)) return null;
  seen.add(pair);
  return claims;
}

/** The request id (`jti`) of a request JWS, read without verifying (idle devices don't need more). */
export function requestIdOf(jws: string): string | null {
  const payload = jws.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { jti?: unknown };
    return typeof claims.jti === 'string' ? claims.jti : null;
  } catch {
    return null;
  }
}

/** What an open stream reports to its owner. */
export interface StreamHandlers {
  onRequest(jws: string): void;
  /** The socket closed after it was ready. */
  onClose(code: number): void;
}

/**
 * Opens the device's WebSocket stream and authenticates it per protocol (first frame `auth`, wait
 * for `ready`). Resolves with the open socket; rejects on any failure within `timeoutMs`.
 */
export function openStream(device: SimDevice, handlers: StreamHandlers, timeoutMs = 15_000): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const url = `${device.origin.replace(/^http/, 'ws')}${PUSH_PATHS.stream}`;
    // No compression: idle devices should cost the server as little memory as the protocol allows.
    const socket = new WebSocket(url, { perMessageDeflate: false });
    let ready = false;
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error('no "ready" from the server in time'));
    }, timeoutMs);
    socket.on('open', () => {
      signDeviceAuth(device, 'auth', PUSH_PATHS.stream).then(
        (jws) => socket.send(JSON.stringify({ type: 'auth', jws })),
        (error: unknown) => socket.emit('error', error),
      );
    });
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      let message;
      try {
        message = ServerMessageSchema.parse(JSON.parse(String(data)));
      } catch {
        return;
      }
      if (message.type === 'ready' && !ready) {
        ready = true;
        clearTimeout(timer);
        resolve(socket);
      } else if (message.type === 'request') {
        handlers.onRequest(message.jws);
      }
    });
    socket.on('error', (error) => {
      if (ready) return;
      clearTimeout(timer);
      reject(error instanceof Error ? error : new Error(String(error)));
    });
    socket.on('close', (code, reason) => {
      if (ready) {
        handlers.onClose(code);
        return;
      }
      clearTimeout(timer);
      reject(new Error(`the server closed the stream before "ready" (${code} ${String(reason)})`));
    });
  });
}

/** Runs `work` over `items` with at most `limit` in flight; returns the per-item outcomes in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  async function lane(): Promise<void> {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await work(items[i]!, i) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** A short description of a rejection, for the bench's output. */
export function describe(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}
