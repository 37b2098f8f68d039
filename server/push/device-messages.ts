/**
 * Verifying what devices sign (connection authentication, polls, decisions): the device named in
 * the message is looked up, its registered key checks the signature, then time, audience, revocation
 * and the one-use nonce.
 */
import type { CryptoKey } from 'jose';
import type { z } from 'zod';
import { MAX_MESSAGE_BYTES, PublicJwkSchema, type PushErrorCode } from '../../common/push-protocol';
import { importVerifyKey, PushVerifyError, verifyMessage, type MessageKind } from '../../common/push-jws';
import type { ServerContext } from '../context';

/** How long the server remembers a device nonce (`jti`), in milliseconds: longer than the ±60 s `iat` window. */
export const NONCE_MEMORY_MS = 10 * 60 * 1000;

/** A registered device, as the verifier found it. */
export interface VerifiedDevice {
  id: string;
  userId: string;
}

/** What verifies device-signed messages. */
export interface DeviceVerifier {
  /**
   * Verifies a device-signed JWS of `kind` addressed to `path` on this server and consumes its
   * `jti`. Throws PushVerifyError with the protocol's error code.
   */
  verify<S extends z.ZodType<{ sub: string; jti: string }>>(kind: MessageKind, jws: string, schema: S, path: string): Promise<{ device: VerifiedDevice; claims: z.output<S> }>;
  /** Forgets the cached key of a device (it was revoked). */
  forget(deviceId: string): void;
}

interface DeviceRow {
  id: string;
  user_id: string;
  public_jwk: string;
  revoked_at: number | null;
}

/** Throws the protocol error `code`. */
export function refuse(code: PushErrorCode, message: string): never {
  throw new PushVerifyError(code, message);
}

/** Reads `sub` from a JWS payload before verification: only to find which key to verify with. */
function unverifiedSubject(jws: string): string {
  const parts = jws.split('.');
  if (parts.length !== 3 || !parts[1]) refuse('bad_request', 'The message is not a compact JWS.');
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    refuse('bad_request', 'The message payload is not JSON.');
  }
  const sub = payload && typeof payload === 'object' ? (payload as { sub?: unknown }).sub : undefined;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 64) refuse('bad_request', 'The message field sub (the device id) is missing or invalid.');
  return sub;
}

/** Creates the verifier over the context's database and clock. */
export function createDeviceVerifier(ctx: ServerContext): DeviceVerifier {
  const selectDevice = ctx.db.prepare<[string], DeviceRow>('SELECT id, user_id, public_jwk, revoked_at FROM devices WHERE id = ?');
  const insertNonce = ctx.db.prepare('INSERT OR IGNORE INTO device_nonces (nonce, expires_at) VALUES (?, ?)');
  // Imported keys are cached: importing a JWK on every decision would cost more than the signature check.
  const keys = new Map<string, CryptoKey>();

  async function keyOf(row: DeviceRow): Promise<CryptoKey> {
    const cached = keys.get(row.id);
    if (cached) return cached;
    const key = await importVerifyKey(PublicJwkSchema.parse(JSON.parse(row.public_jwk)));
    keys.set(row.id, key);
    return key;
  }

  return {
    async verify(kind, jws, schema, path) {
      if (typeof jws !== 'string' || jws.length === 0) refuse('bad_request', 'The field jws is missing.');
      if (jws.length > MAX_MESSAGE_BYTES) refuse('too_large', `The message is larger than ${MAX_MESSAGE_BYTES} bytes.`);
      const deviceId = unverifiedSubject(jws);
      const row = selectDevice.get(deviceId);
      if (!row) refuse('unknown_device', 'This device is not registered with this server. Enroll it again.');
      const claims = await verifyMessage(kind, jws, await keyOf(row), schema, {
        now: ctx.clock.now(),
        audience: ctx.config.origin + path,
        checkIssuedAt: true,
      });
      // Checked after the signature, so only the device itself learns it was revoked.
      if (row.revoked_at !== null) refuse('revoked', 'This device was removed from the account. Enroll it again.');
      const now = ctx.clock.now();
      // Scoped by device so one device can never burn another's nonces.
      if (insertNonce.run(`${row.id}:${claims.jti}`, now + NONCE_MEMORY_MS).changes === 0) {
        refuse('replayed', 'This message was already used. Sign a new one.');
      }
      return { device: { id: row.id, userId: row.user_id }, claims };
    },
    forget(deviceId) {
      keys.delete(deviceId);
    },
  };
}
