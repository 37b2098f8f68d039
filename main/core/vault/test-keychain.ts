/**
 * An in-memory stand-in for the OS secret store, for tests and test harnesses only: it seals with
 * AES-256-GCM under a key the test holds, so "the OS slot" can be exercised without an OS keychain.
 */
import type { Keychain } from '../ports';
import { IV_BYTES, KEY_BYTES, newVaultKey, open, seal } from './vault-crypto';

const NO_AAD = new Uint8Array(0);

/** A working Keychain backed by `key` (32 bytes; random when omitted). Never use outside tests. */
export function createTestKeychain(key: Uint8Array = newVaultKey()): Keychain {
  if (key.length !== KEY_BYTES) throw new Error(`test keychain key must be ${KEY_BYTES} bytes`);
  const secret = Buffer.from(key);
  return {
    status: () => ({ available: true }),
    encrypt: async (plain) => {
      const sealed = seal(secret, plain, NO_AAD);
      return Buffer.concat([sealed.iv, sealed.data]);
    },
    decrypt: async (sealed) => {
      const plain = open(secret, sealed.subarray(0, IV_BYTES), sealed.subarray(IV_BYTES), NO_AAD);
      if (!plain) throw new Error('test keychain: cannot decrypt');
      return plain;
    },
  };
}
