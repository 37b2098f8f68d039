import { describe, expect, it } from 'vitest';
import { TwofoldError } from '../../common/errors';
import { BASIC_TEXT_REASON, NO_ENCRYPTION_REASON, createSafeStorageKeychain, type SafeStorageLike } from './keychain';

/** A stand-in for safeStorage: reversible, and visibly not the identity, so round trips prove decoding. */
function fakeSafeStorage(backend: string, available = true): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (text) => Buffer.from(`sealed:${text}`, 'utf8'),
    decryptString: (sealed) => {
      const text = sealed.toString('utf8');
      if (!text.startsWith('sealed:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return text.slice('sealed:'.length);
    },
  };
}

describe('createSafeStorageKeychain', () => {
  it('round-trips arbitrary key bytes through a real OS store', async () => {
    const keychain = createSafeStorageKeychain(fakeSafeStorage('gnome_libsecret'), 'linux');
    expect(keychain.status()).toEqual({ available: true });
    const key = new Uint8Array(32).map((_, i) => (i * 37 + 255) % 256);
    const sealed = await keychain.encrypt(key);
    expect(Buffer.from(sealed).includes(Buffer.from(key))).toBe(false);
    expect(await keychain.decrypt(sealed)).toEqual(key);
  });

  it.each(['basic_text', 'unknown'])('refuses the Linux %s backend with a reason that says to use a passphrase', async (backend) => {
    const keychain = createSafeStorageKeychain(fakeSafeStorage(backend), 'linux');
    expect(keychain.status()).toEqual({ available: false, reason: BASIC_TEXT_REASON });
    await expect(keychain.encrypt(new Uint8Array(32))).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE', message: BASIC_TEXT_REASON });
  });

  it('ignores the Linux backend on other platforms', () => {
    expect(createSafeStorageKeychain(fakeSafeStorage('unknown'), 'darwin').status()).toEqual({ available: true });
    expect(createSafeStorageKeychain(fakeSafeStorage('unknown'), 'win32').status()).toEqual({ available: true });
  });

  it('is unavailable when safeStorage cannot encrypt', () => {
    expect(createSafeStorageKeychain(fakeSafeStorage('kwallet5', false), 'linux').status()).toEqual({
      available: false,
      reason: NO_ENCRYPTION_REASON,
    });
  });

  it('turns a failed decryption into a typed error without the OS text', async () => {
    const keychain = createSafeStorageKeychain(fakeSafeStorage('kwallet6'), 'linux');
    const error = await keychain.decrypt(new Uint8Array([1, 2, 3])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TwofoldError);
    expect(error).toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE' });
    expect((error as Error).message).toMatch(/passphrase/);
    expect((error as Error).message).not.toMatch(/ciphertext/);
  });
});
