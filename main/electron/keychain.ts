/**
 * The Keychain port over Electron safeStorage, applying the rule from DESIGN.md: on Linux the
 * basic_text backend (a hard-coded key) is not protection, so the OS slot is reported unavailable.
 */
import type { Keychain, KeychainStatus } from '../core/ports';
import { TwofoldError } from '../../common/errors';

/** The part of Electron's safeStorage this adapter uses (a type, so tests can pass a fake). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend(): string;
}

/** Shown when Linux has no real secret store behind safeStorage. */
export const BASIC_TEXT_REASON =
  'No OS secret store is running (Linux basic_text backend): the OS slot would not protect your vault key. Use a passphrase.';
/** Shown when safeStorage can't encrypt at all. */
export const NO_ENCRYPTION_REASON =
  'The OS secret store is not available on this system right now. Use a passphrase.';

// basic_text encrypts with a fixed, public key; unknown means we can't tell (called before ready).
const UNPROTECTED_LINUX_BACKENDS = new Set(['basic_text', 'unknown']);

/** Builds the keychain over `safeStorage`. `platform` is process.platform; injected for tests. */
export function createSafeStorageKeychain(safeStorage: SafeStorageLike, platform: NodeJS.Platform): Keychain {
  function status(): KeychainStatus {
    if (!safeStorage.isEncryptionAvailable()) return { available: false, reason: NO_ENCRYPTION_REASON };
    if (platform === 'linux' && UNPROTECTED_LINUX_BACKENDS.has(safeStorage.getSelectedStorageBackend())) {
      return { available: false, reason: BASIC_TEXT_REASON };
    }
    return { available: true };
  }

  function requireAvailable(): void {
    const current = status();
    if (!current.available) throw new TwofoldError('KEYCHAIN_UNAVAILABLE', current.reason);
  }

  return {
    status,
    async encrypt(plain) {
      requireAvailable();
      // safeStorage takes strings; base64 carries arbitrary key bytes through it losslessly.
      const sealed = safeStorage.encryptString(Buffer.from(plain).toString('base64'));
      return new Uint8Array(sealed);
    },
    async decrypt(sealed) {
      requireAvailable();
      let encoded: string;
      try {
        encoded = safeStorage.decryptString(Buffer.from(sealed));
      } catch {
        // The OS error text is dropped on purpose: it is not actionable and must not carry key material.
        throw new TwofoldError(
          'KEYCHAIN_UNAVAILABLE',
          'The OS secret store could not open the vault key (it may belong to another user or machine). Unlock with your passphrase.',
        );
      }
      return new Uint8Array(Buffer.from(encoded, 'base64'));
    },
  };
}
