/**
 * The vault's cryptography, built only from Node's crypto: scrypt derives a key-encryption key
 * from a passphrase, and AES-256-GCM wraps the vault key and encrypts the payload.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';

/** Length in bytes of the vault key and of every AES-256 key. */
export const KEY_BYTES = 32;
/** Length in bytes of a GCM nonce; 96 bits is the size GCM is specified for. */
export const IV_BYTES = 12;
/** Length in bytes of a GCM authentication tag. */
export const TAG_BYTES = 16;
/** Length in bytes of a passphrase slot's scrypt salt. */
export const SALT_BYTES = 32;

/** scrypt cost parameters as stored in a passphrase slot. */
export interface ScryptCost {
  N: number;
  r: number;
  p: number;
}

/** The memory scrypt needs for these parameters, plus headroom; Node refuses above its 32 MiB default otherwise. */
export function scryptMaxmem(cost: ScryptCost): number {
  return 128 * cost.r * (cost.N + cost.p + 2) + 16 * 1024 * 1024;
}

/** Derives a 32-byte key-encryption key from a passphrase (normalised to NFC, so NFD input unlocks too). */
export function deriveKek(passphrase: string, salt: Uint8Array, cost: ScryptCost): Promise<Buffer> {
  const secret = Buffer.from(passphrase.normalize('NFC'), 'utf8');
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(secret, salt, KEY_BYTES, { N: cost.N, r: cost.r, p: cost.p, maxmem: scryptMaxmem(cost) }, (error, key) => {
      secret.fill(0);
      if (error) reject(error);
      else resolve(key);
    });
  });
}

/** A fresh random vault key. */
export function newVaultKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** Fresh random bytes for a salt or nonce. */
export function randomBytesOf(length: number): Buffer {
  return randomBytes(length);
}

/** The result of sealing: the nonce used and the ciphertext with its 16-byte tag appended. */
export interface Sealed {
  iv: Buffer;
  data: Buffer;
}

/** Encrypts and authenticates `plain` under `key` with a fresh nonce, binding `aad`. */
export function seal(key: Uint8Array, plain: Uint8Array, aad: Uint8Array): Sealed {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const data = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return { iv, data };
}

/** Decrypts `data` (ciphertext + tag) under `key`; returns null when authentication fails. */
export function open(key: Uint8Array, iv: Uint8Array, data: Uint8Array, aad: Uint8Array): Buffer | null {
  if (data.length < TAG_BYTES || iv.length !== IV_BYTES) return null;
  const body = data.subarray(0, data.length - TAG_BYTES);
  const tag = data.subarray(data.length - TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  const plain = decipher.update(body);
  try {
    return Buffer.concat([plain, decipher.final()]);
  } catch {
    // A failed tag means wrong key or altered bytes; the unauthenticated output must not escape.
    plain.fill(0);
    return null;
  }
}
