/**
 * The encrypted vault file: creating it, inspecting it without a key, unlocking it through a key
 * slot, saving it atomically with the previous good copy kept, and restoring that copy.
 * Format and rationale: docs/vault-format.md.
 */
import { timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { TwofoldError } from '../../../common/errors';
import { systemClock, type Clock, type Keychain } from '../ports';
import {
  createFileExclusive,
  ensurePrivateDir,
  exists,
  preserveCopy,
  removeStaleTemps,
  replaceFiles,
  syncDirectory,
} from './atomic-write';
import { deriveKek, KEY_BYTES, newVaultKey, open, randomBytesOf, SALT_BYTES, seal } from './vault-crypto';
import {
  checkKdf,
  headerAad,
  MIN_SCRYPT_N,
  parseVault,
  passphraseSlotAad,
  serializeVault,
  type PassphraseSlot,
  type VaultDocument,
  type VaultSlot,
} from './vault-format';

export { MIN_SCRYPT_N };

/** The kinds of key slot a vault can have. */
export type SlotKind = 'passphrase' | 'os';

/** scrypt cost parameters for a passphrase slot. */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/**
 * The scrypt cost for new passphrase slots: N = 2^17 (128 MiB), r = 8, p = 1.
 * Measured at about 0.5 s per unlock on the 2-core build machine (2^16 took 0.25 s); this is
 * OWASP's recommended scrypt floor. Node needs maxmem raised above 128 MiB for it (see scryptMaxmem).
 */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 17, r: 8, p: 1 };

/** The largest vault file Twofold will read or write: checked before reading, so a huge file can't exhaust memory. */
export const MAX_VAULT_FILE_BYTES = 64 * 1024 * 1024;

/** The shortest passphrase accepted, in characters (Unicode code points after NFC). */
export const MIN_PASSPHRASE_LENGTH = 8;

/** What inspect() found on disk, without unlocking anything. */
export type VaultInspection =
  | { state: 'absent' }
  | { state: 'present'; slots: SlotKind[] }
  | { state: 'damaged'; error: TwofoldError; previousCopyAvailable: boolean };

/** An unlocked vault: its payload, and the means to save it again. */
export interface OpenVault {
  /** The decrypted payload as it was at unlock (or create) time. */
  readonly payload: Uint8Array;
  /** The kinds of key slot the vault has. */
  readonly slots: SlotKind[];
  /**
   * Encrypts and writes `payload` atomically, keeping the previous good copy. Saves queue and
   * run in call order; the promise resolves once the data is durable on disk.
   */
  save(payload: Uint8Array): Promise<void>;
  /** Checks `current` (VAULT_WRONG_PASSPHRASE), then rewraps the vault key under `next` with a fresh salt. */
  changePassphrase(current: string, next: string): Promise<void>;
  /** Forgets the vault key (zero-filled); queued saves that have not started fail with VAULT_LOCKED. */
  close(): void;
}

/** Options for a VaultFile. */
export interface VaultFileOptions {
  /** Folder holding vault.json and its previous copy; created owner-only when missing. */
  dir: string;
  /** The OS secret store behind the OS slot. */
  keychain: Keychain;
  /** scrypt cost for new passphrase slots; defaults to DEFAULT_SCRYPT and may not be weaker than the minimum. */
  kdf?: ScryptParams;
  /** Clock used to name set-aside damaged files; defaults to the system clock. */
  clock?: Clock;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

function slotKinds(slots: readonly VaultSlot[]): SlotKind[] {
  return slots.map((slot) => slot.kind);
}

function checkPassphrase(passphrase: string, field: string): void {
  if ([...passphrase.normalize('NFC')].length < MIN_PASSPHRASE_LENGTH) {
    throw new TwofoldError(
      'PASSPHRASE_TOO_SHORT',
      `The passphrase is too short: use at least ${MIN_PASSPHRASE_LENGTH} characters.`,
      field,
    );
  }
}

function checkFileSize(bytes: number): void {
  if (bytes > MAX_VAULT_FILE_BYTES) {
    throw new TwofoldError(
      'INPUT_INVALID',
      `The vault is too large to save (${bytes} bytes; the limit is 64 MiB). Nothing was changed.`,
    );
  }
}

async function makePassphraseSlot(passphrase: string, cost: ScryptParams, vaultKey: Buffer): Promise<PassphraseSlot> {
  const kdf = { name: 'scrypt' as const, N: cost.N, r: cost.r, p: cost.p, salt: randomBytesOf(SALT_BYTES) };
  const kek = await deriveKek(passphrase, kdf.salt, kdf);
  try {
    const wrapped = seal(kek, vaultKey, passphraseSlotAad(kdf));
    return { kind: 'passphrase', kdf, iv: wrapped.iv, key: wrapped.data };
  } finally {
    kek.fill(0);
  }
}

/** Unwraps a passphrase slot; null when the passphrase is wrong or the slot was altered. */
async function unwrapPassphraseSlot(slot: PassphraseSlot, passphrase: string): Promise<Buffer | null> {
  const kek = await deriveKek(passphrase, slot.kdf.salt, slot.kdf);
  try {
    return open(kek, slot.iv, slot.key, passphraseSlotAad(slot.kdf));
  } finally {
    kek.fill(0);
  }
}

/** Encrypts a payload under the vault key, bound to the header, and returns the file bytes. */
function encodeVault(vaultKey: Buffer, slots: VaultSlot[], payload: Uint8Array): Buffer {
  const sealed = seal(vaultKey, payload, headerAad(slots));
  const bytes = serializeVault({ slots, payload: sealed });
  checkFileSize(bytes.length);
  return bytes;
}

/** The vault file in one folder: `vault.json`, plus `vault.previous.json`, the previous good copy. */
export class VaultFile {
  /** `<dir>/vault.json`. */
  readonly path: string;
  /** `<dir>/vault.previous.json`: the previous good copy. */
  readonly previousPath: string;
  private readonly dir: string;
  private readonly keychain: Keychain;
  private readonly kdf: ScryptParams;
  private readonly clock: Clock;

  constructor(opts: VaultFileOptions) {
    this.dir = opts.dir;
    this.keychain = opts.keychain;
    this.kdf = { ...(opts.kdf ?? DEFAULT_SCRYPT) };
    this.clock = opts.clock ?? systemClock;
    this.path = join(opts.dir, 'vault.json');
    this.previousPath = join(opts.dir, 'vault.previous.json');
  }

  /** Reads and structurally validates the vault file without any key. */
  async inspect(): Promise<VaultInspection> {
    let bytes: Buffer | null;
    try {
      bytes = await this.readLimited(this.path);
    } catch (error) {
      if (!(error instanceof TwofoldError)) throw error;
      return this.damaged(error);
    }
    if (bytes === null) {
      if (!(await exists(this.previousPath))) return { state: 'absent' };
      return this.damaged(
        new TwofoldError('VAULT_NOT_FOUND', `The vault file ${this.path} is missing, but a previous copy exists.`),
      );
    }
    try {
      return { state: 'present', slots: slotKinds(parseVault(bytes).slots) };
    } catch (error) {
      if (!(error instanceof TwofoldError)) throw error;
      return this.damaged(error);
    }
  }

  /** Creates a new vault holding `payload`, protected by a passphrase slot, an OS slot, or both. */
  async create(payload: Uint8Array, opts: { passphrase: string | null; useOsSlot: boolean }): Promise<OpenVault> {
    if (await exists(this.path)) {
      throw new TwofoldError('VAULT_EXISTS', `A vault already exists at ${this.path}. Unlock it instead.`);
    }
    if (opts.passphrase === null && !opts.useOsSlot) {
      throw new TwofoldError('INPUT_INVALID', 'Choose a passphrase, the OS keychain, or both to protect the vault.', 'passphrase');
    }
    if (opts.passphrase !== null) {
      checkPassphrase(opts.passphrase, 'passphrase');
      const problem = checkKdf(this.kdf, SALT_BYTES, 'create');
      if (problem) throw problem;
    }
    if (opts.useOsSlot) this.requireKeychain('Choose a passphrase instead.');

    const vaultKey = newVaultKey();
    try {
      const slots: VaultSlot[] = [];
      if (opts.passphrase !== null) slots.push(await makePassphraseSlot(opts.passphrase, this.kdf, vaultKey));
      if (opts.useOsSlot) slots.push({ kind: 'os', sealed: await this.sealWithKeychain(vaultKey) });
      const bytes = encodeVault(vaultKey, slots, payload);
      await ensurePrivateDir(this.dir);
      await this.setAsideOrphanedPrevious();
      if (!(await createFileExclusive(this.path, bytes))) {
        throw new TwofoldError('VAULT_EXISTS', `A vault already exists at ${this.path}. Unlock it instead.`);
      }
      return new UnlockedVault(this.place(), Buffer.from(vaultKey), slots, bytes, payload);
    } finally {
      vaultKey.fill(0);
    }
  }

  /** Unlocks through the passphrase slot. */
  async unlockWithPassphrase(passphrase: string): Promise<OpenVault> {
    const { bytes, document } = await this.load();
    const slot = document.slots.find((candidate): candidate is PassphraseSlot => candidate.kind === 'passphrase');
    if (!slot) {
      throw new TwofoldError('VAULT_SLOT_UNAVAILABLE', 'This vault has no passphrase. Unlock it with the OS keychain.');
    }
    const vaultKey = await unwrapPassphraseSlot(slot, passphrase);
    if (!vaultKey) {
      throw new TwofoldError('VAULT_WRONG_PASSPHRASE', 'The passphrase is wrong, or the vault file was altered.', 'passphrase');
    }
    return this.openPayload(vaultKey, document, bytes);
  }

  /** Unlocks through the OS slot. */
  async unlockWithOs(): Promise<OpenVault> {
    const { bytes, document } = await this.load();
    const slot = document.slots.find((candidate) => candidate.kind === 'os');
    if (!slot) {
      throw new TwofoldError('VAULT_SLOT_UNAVAILABLE', 'This vault is not protected by the OS keychain. Unlock it with your passphrase.');
    }
    const hasPassphrase = document.slots.some((candidate) => candidate.kind === 'passphrase');
    const fallback = hasPassphrase ? 'Unlock with your passphrase instead.' : 'Try again once the keychain is available.';
    this.requireKeychain(fallback);
    let vaultKey: Uint8Array;
    try {
      vaultKey = await this.keychain.decrypt(slot.sealed);
    } catch {
      throw this.keychainCannotOpen(hasPassphrase);
    }
    if (vaultKey.length !== KEY_BYTES) {
      vaultKey.fill(0);
      throw this.keychainCannotOpen(hasPassphrase);
    }
    const key = Buffer.from(vaultKey);
    vaultKey.fill(0);
    return this.openPayload(key, document, bytes);
  }

  /**
   * Makes the previous good copy the current file again. The current file, damaged or not, is
   * kept as `vault.damaged-<timestamp>.json`; nothing is deleted.
   */
  async restorePrevious(): Promise<void> {
    let previous: Buffer | null;
    try {
      previous = await this.readLimited(this.previousPath);
      if (previous !== null) parseVault(previous);
    } catch (error) {
      if (!(error instanceof TwofoldError)) throw error;
      throw new TwofoldError(
        'VAULT_NO_PREVIOUS_COPY',
        `The previous copy can't be restored because it is damaged too (${error.message}) Both files were left as they are.`,
      );
    }
    if (previous === null) {
      throw new TwofoldError('VAULT_NO_PREVIOUS_COPY', 'There is no previous copy of the vault to restore.');
    }
    if (await exists(this.path)) await this.setAside(this.path, 'vault.damaged');
    await replaceFiles([{ path: this.path, data: previous }]);
  }

  /**
   * For a damaged vault with no usable previous copy: keeps the damaged file (and any previous
   * copy) under timestamped names and clears the way for a new vault. Nothing is deleted.
   * Returns the paths the files were kept under.
   */
  async setAsideDamaged(): Promise<string[]> {
    const inspection = await this.inspect();
    if (inspection.state !== 'damaged') {
      throw new TwofoldError('INPUT_INVALID', 'Only a damaged vault can be set aside; this one opens normally.');
    }
    const kept: string[] = [];
    for (const [path, prefix] of [
      [this.path, 'vault.damaged'],
      [this.previousPath, 'vault.previous'],
    ] as const) {
      if (!(await exists(path))) continue;
      kept.push(await this.setAside(path, prefix));
      await fs.unlink(path);
    }
    await syncDirectory(this.dir);
    return kept;
  }

  private place(): VaultPlace {
    return { path: this.path, previousPath: this.previousPath, kdf: this.kdf };
  }

  private async openPayload(vaultKey: Buffer, document: VaultDocument, bytes: Buffer): Promise<OpenVault> {
    try {
      const payload = open(vaultKey, document.payload.iv, document.payload.data, headerAad(document.slots));
      if (!payload) {
        throw await this.withPreviousNote(
          new TwofoldError('VAULT_TAMPERED', 'The vault file was altered: its contents fail their integrity check.'),
        );
      }
      // Writers killed mid-save leave temp files behind; tidying them is housekeeping, so a failure here must not block unlocking.
      await removeStaleTemps([this.path, this.previousPath]).catch(() => 0);
      const unlocked = new UnlockedVault(this.place(), Buffer.from(vaultKey), document.slots, bytes, payload);
      payload.fill(0);
      return unlocked;
    } finally {
      vaultKey.fill(0);
    }
  }

  /** Reads and parses the current file, adding the previous-copy note to any damage error. */
  private async load(): Promise<{ bytes: Buffer; document: VaultDocument }> {
    let bytes: Buffer | null;
    try {
      bytes = await this.readLimited(this.path);
      if (bytes === null) {
        throw new TwofoldError('VAULT_NOT_FOUND', `There is no vault at ${this.path}. Create one first.`);
      }
      return { bytes, document: parseVault(bytes) };
    } catch (error) {
      if (!(error instanceof TwofoldError)) throw error;
      throw await this.withPreviousNote(error);
    }
  }

  /** The file's bytes, or null when it does not exist. Refuses files over MAX_VAULT_FILE_BYTES before reading them. */
  private async readLimited(path: string): Promise<Buffer | null> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(path, 'r');
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return null;
      throw error;
    }
    try {
      const { size } = await handle.stat();
      if (size > MAX_VAULT_FILE_BYTES) {
        throw new TwofoldError('VAULT_CORRUPT', `The vault file is damaged: it is ${size} bytes, more than the 64 MiB limit.`);
      }
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  /** True when the previous copy exists and passes structural validation. */
  private async previousCopyAvailable(): Promise<boolean> {
    try {
      const bytes = await this.readLimited(this.previousPath);
      if (bytes === null) return false;
      parseVault(bytes);
      return true;
    } catch (error) {
      if (error instanceof TwofoldError) return false;
      throw error;
    }
  }

  private async withPreviousNote(error: TwofoldError): Promise<TwofoldError> {
    const available = await this.previousCopyAvailable();
    const note = available
      ? 'A previous good copy is available: restore it to go back to the vault as it was before the last save.'
      : 'No previous good copy is available.';
    return new TwofoldError(error.code, `${error.message} ${note}`, error.field);
  }

  private async damaged(error: TwofoldError): Promise<VaultInspection> {
    const previousCopyAvailable = await this.previousCopyAvailable();
    return { state: 'damaged', error: await this.withPreviousNote(error), previousCopyAvailable };
  }

  private requireKeychain(fallback: string): void {
    const status = this.keychain.status();
    if (!status.available) {
      // Adapters give whole sentences; add the way forward only where the reason doesn't already say it.
      const reason = status.reason.trim();
      const message = /passphrase/i.test(reason) ? reason : `${reason} ${fallback}`;
      throw new TwofoldError('KEYCHAIN_UNAVAILABLE', message);
    }
  }

  private keychainCannotOpen(hasPassphrase: boolean): TwofoldError {
    const next = hasPassphrase
      ? 'Unlock with your passphrase instead.'
      : 'If the file was altered, restoring the previous copy may help.';
    return new TwofoldError(
      'VAULT_SLOT_UNAVAILABLE',
      `The OS keychain could not open this vault's key: the vault was made under another user account or computer, or the file was altered. ${next}`,
    );
  }

  private async sealWithKeychain(vaultKey: Buffer): Promise<Buffer> {
    try {
      return Buffer.from(await this.keychain.encrypt(vaultKey));
    } catch {
      throw new TwofoldError('KEYCHAIN_UNAVAILABLE', 'The OS keychain refused to protect the vault key. Choose a passphrase instead.');
    }
  }

  /** Keeps `path` under `<prefix>-<timestamp>.json` (never overwriting an earlier one). */
  private async setAside(path: string, prefix: string): Promise<string> {
    const stamp = new Date(this.clock.now()).toISOString().replace(/[:.]/g, '-');
    for (let attempt = 0; ; attempt += 1) {
      const target = join(this.dir, `${prefix}-${stamp}${attempt === 0 ? '' : `-${attempt}`}.json`);
      if (await preserveCopy(path, target)) return target;
    }
  }

  /** A previous copy with no current file belongs to an earlier vault; keep it aside so the new vault's saves can't overwrite it. */
  private async setAsideOrphanedPrevious(): Promise<void> {
    if (!(await exists(this.previousPath))) return;
    await this.setAside(this.previousPath, 'vault.previous');
    await fs.unlink(this.previousPath);
  }
}

/** Where an unlocked vault writes, and the scrypt cost for a new passphrase slot. */
interface VaultPlace {
  path: string;
  previousPath: string;
  kdf: ScryptParams;
}

/** The OpenVault implementation: holds the vault key and the last bytes known good on disk. */
class UnlockedVault implements OpenVault {
  readonly payload: Uint8Array;
  private key: Buffer;
  private header: VaultSlot[];
  private lastBytes: Buffer;
  private lastPayload: Buffer;
  private closed = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly place: VaultPlace,
    key: Buffer,
    slots: VaultSlot[],
    bytes: Buffer,
    payload: Uint8Array,
  ) {
    this.key = key;
    this.header = slots;
    this.lastBytes = bytes;
    this.payload = new Uint8Array(payload);
    this.lastPayload = Buffer.from(payload);
  }

  get slots(): SlotKind[] {
    return slotKinds(this.header);
  }

  save(payload: Uint8Array): Promise<void> {
    const copy = Buffer.from(payload);
    return this.enqueue(async () => {
      this.requireOpen();
      const bytes = encodeVault(this.key, this.header, copy);
      // The previous copy is written from the bytes this vault last read or wrote and authenticated,
      // not copied from disk, so a file damaged behind our back never replaces the good copy.
      await replaceFiles([
        { path: this.place.previousPath, data: this.lastBytes },
        { path: this.place.path, data: bytes },
      ]);
      this.lastBytes = bytes;
      this.lastPayload.fill(0);
      this.lastPayload = copy;
      // close() may have run while the write was in flight; it must not leave this copy behind.
      if (this.closed) copy.fill(0);
    });
  }

  changePassphrase(current: string, next: string): Promise<void> {
    return this.enqueue(async () => {
      this.requireOpen();
      const index = this.header.findIndex((slot) => slot.kind === 'passphrase');
      const slot = this.header[index];
      if (!slot || slot.kind !== 'passphrase') {
        throw new TwofoldError('VAULT_SLOT_UNAVAILABLE', 'This vault has no passphrase to change.');
      }
      checkPassphrase(next, 'next');
      const cost = this.place.kdf;
      const problem = checkKdf(cost, SALT_BYTES, 'create');
      if (problem) throw problem;
      const unwrapped = await unwrapPassphraseSlot(slot, current);
      const matches = unwrapped !== null && unwrapped.length === this.key.length && timingSafeEqual(unwrapped, this.key);
      unwrapped?.fill(0);
      if (!matches) throw new TwofoldError('VAULT_WRONG_PASSPHRASE', 'The current passphrase is wrong.', 'current');
      this.requireOpen();
      const header = [...this.header];
      header[index] = await makePassphraseSlot(next, cost, this.key);
      this.requireOpen();
      const bytes = encodeVault(this.key, header, this.lastPayload);
      // The previous copy is overwritten too, so the old passphrase opens no file Twofold keeps.
      await replaceFiles([
        { path: this.place.path, data: bytes },
        { path: this.place.previousPath, data: bytes },
      ]);
      this.header = header;
      this.lastBytes = bytes;
    });
  }

  close(): void {
    this.closed = true;
    this.key.fill(0);
    this.lastPayload.fill(0);
  }

  private requireOpen(): void {
    if (this.closed) throw new TwofoldError('VAULT_LOCKED', 'The vault is locked. Unlock it first.');
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task);
    // The queue continues after a failed task; the failure is reported to that task's caller.
    this.queue = run.catch(() => undefined);
    return run;
  }
}
