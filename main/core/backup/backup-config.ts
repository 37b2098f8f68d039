/**
 * The automatic-backup settings as the vault keeps them: their type, their defaults and the schema
 * the vault payload reads them with. They live inside the encrypted vault because they hold the
 * backup key, which must never be stored anywhere else.
 */
import { z } from 'zod';
import { decodeStrictBase64 } from '../vault/vault-format';
import type { BackupKey } from './backup-format';

/** How many automatic backups are kept unless the user says otherwise. */
export const DEFAULT_BACKUP_KEEP = 10;

/** The automatic-backup settings kept inside the encrypted vault (the key must never be stored elsewhere). */
export interface BackupConfig {
  enabled: boolean;
  folder: string | null;
  keep: number;
  /** The key derived from the backup passphrase; with it, backups run without asking for the passphrase. */
  key: BackupKey | null;
}

/** The settings of a vault that has never had automatic backups set up. */
export const DEFAULT_BACKUP_CONFIG: BackupConfig = Object.freeze({ enabled: false, folder: null, keep: DEFAULT_BACKUP_KEEP, key: null });

const StoredBackupKeySchema = z
  .object({
    kdf: z.object({
      N: z.number().int().positive(),
      r: z.number().int().positive(),
      p: z.number().int().positive(),
      salt: z.string().max(1024),
    }),
    key: z.string().max(1024),
  })
  .transform((stored, ctx): BackupKey => {
    const key = decodeStrictBase64(stored.key);
    if (!key || key.length !== 32) {
      ctx.addIssue({ code: 'custom', path: ['key'], message: 'is not a 32-byte base64 key' });
      return z.NEVER;
    }
    return { kdf: { ...stored.kdf }, key };
  });

/** The backup settings as the vault payload stores them (the key in base64), read back into a BackupConfig. */
export const StoredBackupConfigSchema = z.object({
  enabled: z.boolean(),
  folder: z.string().min(1).max(4096).nullable(),
  keep: z.number().int().min(1).max(100),
  key: StoredBackupKeySchema.nullable(),
});
