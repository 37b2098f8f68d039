/**
 * Signing and verification of push messages: every check verifyMessage makes, in the order the
 * protocol gives, with the error code a receiver reports.
 */
import { describe, expect, it } from 'vitest';
import { CompactSign } from 'jose';
import {
  PushVerifyError,
  generateSigningKey,
  importSigningKey,
  importVerifyKey,
  randomId,
  signMessage,
  thumbprintOf,
  verifyMessage,
  type MessageKind,
} from './push-jws';
import { DeviceAuthClaimsSchema, JWS_TYPES, MAX_MESSAGE_BYTES, SignInRequestClaimsSchema, type SignInRequestClaims } from './push-protocol';

const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);
const NOW_S = NOW / 1000;

const server = await generateSigningKey();
const serverVerify = await importVerifyKey(server.pair.publicJwk);

function requestClaims(overrides: Partial<SignInRequestClaims> = {}): SignInRequestClaims {
  return {
    v: 1,
    jti: 'request-0001',
    nonce: 'nonce-00000001',
    iss: 'https://idp.example',
    aud: 'device-0001',
    sub: 'alice@example.com',
    context: { application: 'Mail', browser: 'Firefox', os: 'Linux', ip: '203.0.113.7', location: 'Lyon' },
    numberMatching: true,
    iat: NOW_S,
    exp: NOW_S + 60,
    ...overrides,
  };
}

const verifyRequest = (jws: string, options: { now?: number; audience?: string } = {}) =>
  verifyMessage('request', jws, serverVerify, SignInRequestClaimsSchema, { now: NOW, checkExpiry: true, audience: 'device-0001', ...options });

async function failure(promise: Promise<unknown>): Promise<PushVerifyError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PushVerifyError);
  return error as PushVerifyError;
}

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe('keys', () => {
  it('stores a generated key as a JWK that imports back to the same key', async () => {
    const { pair, privateJwk } = await generateSigningKey();
    const again = await importSigningKey(privateJwk);
    expect(again.thumbprint).toBe(pair.thumbprint);
    expect(again.publicJwk).toEqual(pair.publicJwk);
    const jws = await signMessage('poll', { v: 1 }, again.privateKey);
    await expect(verifyMessage('poll', jws, await importVerifyKey(pair.publicJwk), DeviceAuthClaimsSchema.pick({ v: true }), { now: NOW })).resolves.toEqual({ v: 1 });
  });

  it('fingerprints a key as a 43-character RFC 7638 thumbprint', async () => {
    expect(server.pair.thumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await thumbprintOf(server.pair.publicJwk)).toBe(server.pair.thumbprint);
    // RFC 8037 appendix A.3: the thumbprint of its Ed25519 example key.
    expect(await thumbprintOf({ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' })).toBe('kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k');
  });

  it('makes random ids of 128 bits in base64url', () => {
    const ids = new Set(Array.from({ length: 100 }, () => randomId()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});

describe('verifyMessage', () => {
  it('returns the claims of a good request', async () => {
    const jws = await signMessage('request', requestClaims(), server.pair.privateKey);
    expect(await verifyRequest(jws)).toEqual(requestClaims());
  });

  it('refuses a payload with any one field changed under the old signature', async () => {
    const jws = await signMessage('request', requestClaims(), server.pair.privateKey);
    const [header, , signature] = jws.split('.');
    const changes: Array<Partial<SignInRequestClaims>> = [
      { jti: 'request-0002' },
      { nonce: 'nonce-00000002' },
      { iss: 'https://evil.example' },
      { aud: 'device-0002' },
      { sub: 'bob@example.com' },
      { context: { ...requestClaims().context, location: 'Home' } },
      { context: { ...requestClaims().context, ip: '198.51.100.1' } },
      { numberMatching: false },
      { iat: NOW_S - 1 },
      { exp: NOW_S + 3600 },
    ];
    for (const change of changes) {
      const tampered = `${header}.${b64(requestClaims(change))}.${signature}`;
      expect((await failure(verifyRequest(tampered))).code, JSON.stringify(change)).toBe('invalid_signature');
    }
  });

  it('refuses a changed protected header under the old signature', async () => {
    const jws = await signMessage('decision', requestClaims(), server.pair.privateKey);
    const [, payload, signature] = jws.split('.');
    const forged = `${b64({ alg: 'Ed25519', typ: JWS_TYPES.request })}.${payload}.${signature}`;
    expect((await failure(verifyRequest(forged))).code).toBe('invalid_signature');
  });

  it('refuses a message signed by another key', async () => {
    const other = await generateSigningKey();
    const jws = await signMessage('request', requestClaims(), other.pair.privateKey);
    expect((await failure(verifyRequest(jws))).code).toBe('invalid_signature');
  });

  it('refuses a message of another kind', async () => {
    const kinds: MessageKind[] = ['registration', 'auth', 'poll', 'decision'];
    for (const kind of kinds) {
      const jws = await signMessage(kind, requestClaims(), server.pair.privateKey);
      const error = await failure(verifyRequest(jws));
      expect(error.code).toBe('wrong_type');
      expect(error.message).toContain(JWS_TYPES[kind]);
    }
  });

  it('refuses another algorithm', async () => {
    const hs = `${b64({ alg: 'HS256', typ: JWS_TYPES.request })}.${b64(requestClaims())}.${b64('sig')}`;
    expect((await failure(verifyRequest(hs))).code).toBe('bad_request');
    const none = `${b64({ alg: 'none', typ: JWS_TYPES.request })}.${b64(requestClaims())}.`;
    expect((await failure(verifyRequest(none))).code).toBe('bad_request');
  });

  it('refuses an expired request, and one dated too far ahead', async () => {
    const expired = await signMessage('request', requestClaims({ iat: NOW_S - 60, exp: NOW_S }), server.pair.privateKey);
    expect((await failure(verifyRequest(expired))).code).toBe('request_expired');
    const good = await signMessage('request', requestClaims(), server.pair.privateKey);
    expect((await failure(verifyRequest(good, { now: NOW + 60_000 }))).code).toBe('request_expired');
    expect(await verifyRequest(good, { now: NOW + 59_999 })).toBeTruthy();
    const future = await signMessage('request', requestClaims({ iat: NOW_S + 61, exp: NOW_S + 121 }), server.pair.privateKey);
    expect((await failure(verifyRequest(future))).code).toBe('stale_timestamp');
    const slightlyAhead = await signMessage('request', requestClaims({ iat: NOW_S + 59, exp: NOW_S + 119 }), server.pair.privateKey);
    expect(await verifyRequest(slightlyAhead)).toBeTruthy();
  });

  it('accepts device timestamps within ±60 s and refuses them beyond', async () => {
    const device = await generateSigningKey();
    const key = await importVerifyKey(device.pair.publicJwk);
    const at = async (offset: number) =>
      verifyMessage(
        'auth',
        await signMessage('auth', { v: 1, sub: 'device-0001', aud: 'https://idp.example/push/v1/stream', iat: NOW_S + offset, jti: randomId() }, device.pair.privateKey),
        key,
        DeviceAuthClaimsSchema,
        { now: NOW, checkIssuedAt: true, audience: 'https://idp.example/push/v1/stream' },
      );
    for (const offset of [-59, 0, 59]) await expect(at(offset)).resolves.toMatchObject({ iat: NOW_S + offset });
    for (const offset of [-61, 61, -3600]) expect((await failure(at(offset))).code).toBe('stale_timestamp');
  });

  it('refuses a message addressed to someone else', async () => {
    const jws = await signMessage('request', requestClaims(), server.pair.privateKey);
    expect((await failure(verifyRequest(jws, { audience: 'device-0002' }))).code).toBe('wrong_audience');
  });

  it('refuses malformed messages', async () => {
    const jws = await signMessage('request', requestClaims(), server.pair.privateKey);
    const [header, payload, signature] = jws.split('.');
    const malformed = ['', 'not a jws', `${header}.${payload}`, `${header}.${payload}.${signature}.extra`, `!!!.${payload}.${signature}`, `${b64('{not json')}.${payload}.${signature}`];
    for (const text of malformed) expect((await failure(verifyRequest(text))).code, text).toBe('bad_request');
    expect((await failure(verifyRequest(`${header}.${payload}.%%%`))).code).toBe('bad_request');
    // Bad base64 in the payload: the signature over it cannot verify, and that is checked first.
    expect((await failure(verifyRequest(`${header}.%%%.${signature}`))).code).toBe('invalid_signature');
  });

  it('refuses a correctly signed message whose payload is not base64url', async () => {
    const header = b64({ alg: 'Ed25519', typ: JWS_TYPES.request });
    const input = `${header}.%%%`;
    const signature = new Uint8Array(await crypto.subtle.sign('Ed25519', server.pair.privateKey, new TextEncoder().encode(input)));
    const error = await failure(verifyRequest(`${input}.${Buffer.from(signature).toString('base64url')}`));
    expect(error.code).toBe('bad_request');
  });

  it('refuses a payload that is not JSON', async () => {
    const jws = await new CompactSign(new TextEncoder().encode('hello, not json'))
      .setProtectedHeader({ alg: 'Ed25519', typ: JWS_TYPES.request })
      .sign(server.pair.privateKey);
    const error = await failure(verifyRequest(jws));
    expect(error.code).toBe('bad_request');
    expect(error.message).toContain('not JSON');
  });

  it('names the field that breaks the schema', async () => {
    const cases: Array<[object, string]> = [
      [{ ...requestClaims(), context: { ...requestClaims().context, ip: undefined } }, 'context.ip'],
      [{ ...requestClaims(), jti: 'short' }, 'jti'],
      [{ ...requestClaims(), numberMatching: 'yes' }, 'numberMatching'],
      [{ ...requestClaims(), iat: 1.5 }, 'iat'],
      [{ ...requestClaims(), context: { ...requestClaims().context, location: 'x'.repeat(101) } }, 'context.location'],
    ];
    for (const [claims, field] of cases) {
      const error = await failure(verifyRequest(await signMessage('request', claims, server.pair.privateKey)));
      expect(error.code).toBe('bad_request');
      expect(error.message).toContain(`field ${field} is invalid`);
    }
  });

  it('refuses a message over the size limit before looking at it', async () => {
    const padded = await signMessage('request', { ...requestClaims(), padding: 'x'.repeat(MAX_MESSAGE_BYTES) }, server.pair.privateKey);
    expect(padded.length).toBeGreaterThan(MAX_MESSAGE_BYTES);
    expect((await failure(verifyRequest(padded))).code).toBe('too_large');
    expect((await failure(verifyRequest('a'.repeat(MAX_MESSAGE_BYTES + 1)))).code).toBe('too_large');
  });

  it('refuses an unsupported protocol version', async () => {
    for (const v of [2, 0, '1']) {
      const jws = await signMessage('request', { ...requestClaims(), v }, server.pair.privateKey);
      expect((await failure(verifyRequest(jws))).code).toBe('unsupported_version');
    }
  });

  it('is stateless: replay detection is the receiver\'s job', async () => {
    // The device refuses a seen (jti, nonce) in main/core/push (push-manager.test.ts) and the server
    // refuses a reused device jti; the signature layer alone accepts the same message twice.
    const jws = await signMessage('request', requestClaims(), server.pair.privateKey);
    expect(await verifyRequest(jws)).toEqual(await verifyRequest(jws));
  });
});
