/**
 * Signing and verifying push-protocol messages: compact JWS with Ed25519, through jose.
 * Both the identity provider and the device use these, so both check the same things in the
 * same order: size, type, algorithm, signature, schema, time, audience.
 */
import { CompactSign, compactVerify, importJWK, calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import type { z } from 'zod';
import { JWS_TYPES, MAX_MESSAGE_BYTES, MAX_SKEW_SECONDS, PUSH_ALG, PublicJwkSchema, type PublicJwk, type PushErrorCode } from './push-protocol';

/** A kind of signed message. */
export type MessageKind = keyof typeof JWS_TYPES;

/** A message failed verification; `code` is the protocol's error code. Messages never quote key material. */
export class PushVerifyError extends Error {
  constructor(
    readonly code: PushErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'PushVerifyError';
  }
}

/** An Ed25519 key pair with its public JWK and thumbprint. */
export interface SigningKeyPair {
  privateKey: CryptoKey;
  publicJwk: PublicJwk;
  /** RFC 7638 SHA-256 thumbprint of the public key, base64url: what enrollment links pin. */
  thumbprint: string;
}

/** Generates a new Ed25519 key pair, extractable so it can be stored (encrypted) by its owner. */
export async function generateSigningKey(): Promise<{ pair: SigningKeyPair; privateJwk: JWK }> {
  const { privateKey } = await generateKeyPair(PUSH_ALG, { extractable: true });
  const privateJwk = await exportJWK(privateKey);
  return { pair: await importSigningKey(privateJwk), privateJwk };
}

/** Imports a stored private JWK as a signing key pair. */
export async function importSigningKey(privateJwk: JWK): Promise<SigningKeyPair> {
  const publicJwk = PublicJwkSchema.parse({ kty: privateJwk.kty, crv: privateJwk.crv, x: privateJwk.x });
  const privateKey = (await importJWK(privateJwk, PUSH_ALG)) as CryptoKey;
  return { privateKey, publicJwk, thumbprint: await thumbprintOf(publicJwk) };
}

/** Imports a public JWK for verification. */
export async function importVerifyKey(publicJwk: PublicJwk): Promise<CryptoKey> {
  return (await importJWK(PublicJwkSchema.parse(publicJwk), PUSH_ALG)) as CryptoKey;
}

/** The RFC 7638 SHA-256 thumbprint of a public key. */
export function thumbprintOf(publicJwk: PublicJwk): Promise<string> {
  return calculateJwkThumbprint({ kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x }, 'sha256');
}

/** Signs claims as a compact JWS of the given kind. */
export async function signMessage(kind: MessageKind, claims: object, key: CryptoKey): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg: PUSH_ALG, typ: JWS_TYPES[kind] })
    .sign(key);
}

/** What to check beyond the signature. */
export interface VerifyOptions {
  /** Now, in milliseconds (injected clock). */
  now: number;
  /** Expected `aud`, when the message carries one that must match. */
  audience?: string;
  /** Check `iat` is within ±MAX_SKEW_SECONDS of now (device-signed messages). */
  checkIssuedAt?: boolean;
  /** Check `exp` is in the future (sign-in requests). */
  checkExpiry?: boolean;
}

/**
 * Verifies a compact JWS of the given kind and returns its parsed claims.
 * Throws PushVerifyError naming what failed.
 */
export async function verifyMessage<S extends z.ZodType>(
  kind: MessageKind,
  jws: string,
  key: CryptoKey,
  schema: S,
  options: VerifyOptions,
): Promise<z.output<S>> {
  if (typeof jws !== 'string' || jws.length === 0) throw new PushVerifyError('bad_request', 'The message is empty.');
  if (jws.length > MAX_MESSAGE_BYTES) throw new PushVerifyError('too_large', `The message is larger than ${MAX_MESSAGE_BYTES} bytes.`);
  let payload: Uint8Array;
  let header: { alg?: string; typ?: string };
  try {
    const result = await compactVerify(jws, key, { algorithms: [PUSH_ALG] });
    payload = result.payload;
    header = result.protectedHeader;
  } catch (error) {
    const name = (error as { code?: string }).code ?? '';
    if (name === 'ERR_JWS_INVALID' || name === 'ERR_JOSE_NOT_SUPPORTED' || name === 'ERR_JOSE_ALG_NOT_ALLOWED') {
      throw new PushVerifyError('bad_request', 'The message is not a valid Ed25519 JWS.');
    }
    throw new PushVerifyError('invalid_signature', 'The message signature does not verify with the expected key.');
  }
  if (header.typ !== JWS_TYPES[kind]) {
    throw new PushVerifyError('wrong_type', `The message is a ${header.typ ?? 'untyped'} message, not a ${JWS_TYPES[kind]}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    throw new PushVerifyError('bad_request', 'The message payload is not JSON.');
  }
  if (json && typeof json === 'object' && 'v' in json && (json as { v: unknown }).v !== 1) {
    throw new PushVerifyError('unsupported_version', `The message is protocol version ${String((json as { v: unknown }).v)}; version 1 is supported.`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PushVerifyError('bad_request', `The message field ${issue?.path.join('.') || '(root)'} is invalid: ${issue?.message ?? 'invalid'}.`);
  }
  const claims = parsed.data as { iat?: number; exp?: number; aud?: string };
  const nowSeconds = options.now / 1000;
  if (options.checkIssuedAt) {
    if (typeof claims.iat !== 'number' || Math.abs(nowSeconds - claims.iat) > MAX_SKEW_SECONDS) {
      throw new PushVerifyError('stale_timestamp', `The message timestamp is more than ${MAX_SKEW_SECONDS} s from the server's clock.`);
    }
  }
  if (options.checkExpiry) {
    if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) throw new PushVerifyError('request_expired', 'The request has expired.');
    if (typeof claims.iat === 'number' && claims.iat > nowSeconds + MAX_SKEW_SECONDS) {
      throw new PushVerifyError('stale_timestamp', 'The request is dated in the future.');
    }
  }
  if (options.audience !== undefined && claims.aud !== options.audience) {
    throw new PushVerifyError('wrong_audience', 'The message is addressed to someone else.');
  }
  return parsed.data;
}

/** Random id for jti/nonce values: 128 bits, base64url. */
export function randomId(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
