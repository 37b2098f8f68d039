/**
 * The identity provider's own secrets: its Ed25519 signing key and the cookie-signing secret.
 * Kept in the data folder with owner-only permissions, created on first start.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { generateSigningKey, importSigningKey, type SigningKeyPair } from '../common/push-jws';

/** The server's secrets. */
export interface ServerSecrets {
  serverKey: SigningKeyPair;
  cookieSecret: Buffer;
}

/** Loads the secrets from `dataDir`, creating them on first start; with no folder, makes ephemeral ones. */
export async function loadServerSecrets(dataDir: string | null): Promise<ServerSecrets> {
  if (dataDir === null) {
    return { serverKey: (await generateSigningKey()).pair, cookieSecret: randomBytes(32) };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, 'server-secrets.json');
  if (existsSync(path)) {
    const stored = JSON.parse(readFileSync(path, 'utf8')) as { signingKey: JWK; cookieSecret: string };
    return { serverKey: await importSigningKey(stored.signingKey), cookieSecret: Buffer.from(stored.cookieSecret, 'base64') };
  }
  const { pair, privateJwk } = await generateSigningKey();
  const cookieSecret = randomBytes(32);
  // wx: two servers starting at once must not overwrite each other's key.
  writeFileSync(path, JSON.stringify({ signingKey: privateJwk, cookieSecret: cookieSecret.toString('base64') }), { mode: 0o600, flag: 'wx' });
  return { serverKey: pair, cookieSecret };
}
