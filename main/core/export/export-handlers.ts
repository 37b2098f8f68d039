/**
 * The `export` contract group: an encrypted Twofold backup file, a plain list of otpauth:// links,
 * and QR codes to show (one per account, or Google Authenticator migration batches). Files are
 * written where the user chose, atomically and owner-only; plain exports pass the managed policy
 * first, and no log line ever holds what was exported.
 */
import { basename, isAbsolute } from 'node:path';
import type { ApiImplementation, ExportResult } from '../../../common/api-contract';
import { TwofoldError } from '../../../common/errors';
import type { StoredAccount } from '../accounts';
import { deriveBackupKey, encodeBackup, toBackupAccount } from '../backup/backup-format';
import type { CoreContext } from '../core-context';
import { accountTitle, describeIoError } from '../core-messages';
import { migrationIncompatibility } from '../import/google-migration';
import { checkPlainExportAllowed } from '../policy/policy-merge';
import type { FileFilter } from '../ports';
import { replaceFiles } from '../vault/atomic-write';
import { accountQrDataUrl, migrationQrDataUrls } from './qr-export';
import { formatUriList } from './uri-list-export';

/** What the export handlers use of the core. */
export type ExportHandlersContext = Pick<CoreContext, 'requireUnlocked' | 'requireDialogs' | 'policy' | 'clock' | 'log' | 'backupKdf'>;

/** Builds the `export` group's handlers. */
export function createExportHandlers(ctx: ExportHandlersContext): ApiImplementation['export'] {
  const { clock, log, policy } = ctx;

  /** The code accounts to export, with their secrets; EXPORT_EMPTY when there are none. */
  function exportAccounts(ids?: readonly string[]): StoredAccount[] {
    const state = ctx.requireUnlocked();
    const accounts = ids === undefined ? state.book.list() : ids.map((id) => state.book.get(id));
    if (accounts.length === 0) {
      throw new TwofoldError('EXPORT_EMPTY', 'There are no accounts to export. Add or import accounts first.');
    }
    return accounts;
  }

  /** Asks where to save, then writes `data()` there atomically, owner-only. */
  async function writeExport(
    suggestedName: string,
    filters: FileFilter[],
    count: number,
    data: () => Uint8Array | Promise<Uint8Array>,
  ): Promise<ExportResult> {
    const path = await ctx.requireDialogs().chooseSavePath(suggestedName, filters);
    if (path === null) return { fileName: null, count: 0 };
    if (!isAbsolute(path)) throw new TwofoldError('INPUT_INVALID', 'The file dialog returned a relative path. Choose the file again.');
    const bytes = await data();
    try {
      // Temporary sibling (0600), fsync, rename: a crash never leaves a half-written export.
      await replaceFiles([{ path, data: bytes }]);
    } catch (error) {
      throw new TwofoldError(
        'EXPORT_FAILED',
        `The file could not be written (${describeIoError(error)}). Choose another folder and try again.`,
      );
    }
    return { fileName: basename(path), count };
  }

  return {
    backup: async ({ passphrase }) => {
      const accounts = exportAccounts();
      // Checked before the dialog, so a short passphrase is refused before the user picks a file.
      checkExportPassphrase(passphrase);
      const result = await writeExport(
        `Twofold backup ${localDate(clock.now())}.twofold`,
        [{ name: 'Twofold backup', extensions: ['twofold'] }],
        accounts.length,
        async () => {
          const key = await deriveBackupKey(passphrase, ctx.backupKdf);
          try {
            return encodeBackup(accounts.map(toBackupAccount), key, clock.now());
          } finally {
            key.key.fill(0);
          }
        },
      );
      if (result.fileName !== null) log(`encrypted backup exported (${accounts.length} accounts)`);
      return result;
    },
    uris: async () => {
      checkPlainExportAllowed(policy);
      const accounts = exportAccounts();
      const result = await writeExport(
        `Twofold accounts ${localDate(clock.now())}.txt`,
        [{ name: 'Text file', extensions: ['txt'] }],
        accounts.length,
        () => new TextEncoder().encode(formatUriList(accounts)),
      );
      // Never the content: it is every secret in plain text.
      if (result.fileName !== null) log(`plain export written (${accounts.length} accounts)`);
      return result;
    },
    qrCodes: async ({ kind, ids }) => {
      checkPlainExportAllowed(policy);
      const accounts = exportAccounts(ids);
      if (kind === 'account') {
        const images = await Promise.all(
          accounts.map(async (account) => ({ title: accountTitle(account), dataUrl: await accountQrDataUrl(account) })),
        );
        log(`QR codes shown after confirmation (${images.length})`);
        return { images, leftOut: [] };
      }
      // Google Authenticator can't hold every account (for example 7-digit codes): the user is told which.
      const fits: StoredAccount[] = [];
      const leftOut: { name: string; reason: string }[] = [];
      for (const account of accounts) {
        const reason = migrationIncompatibility(account);
        if (reason === null) fits.push(account);
        else leftOut.push({ name: accountTitle(account), reason });
      }
      if (fits.length === 0) {
        throw new TwofoldError(
          'EXPORT_EMPTY',
          'None of these accounts can be moved to Google Authenticator (it holds only 6- or 8-digit codes with 30-second periods). Show a QR code per account instead.',
        );
      }
      const images = await migrationQrDataUrls(fits);
      log(`QR codes shown after confirmation (${images.length}; ${leftOut.length} account(s) left out)`);
      return { images, leftOut };
    },
  };
}

/** YYYY-MM-DD in local time, for suggested file names. */
function localDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

const MIN_EXPORT_PASSPHRASE = 8;

function checkExportPassphrase(passphrase: string): void {
  if ([...passphrase.normalize('NFC')].length < MIN_EXPORT_PASSPHRASE) {
    throw new TwofoldError(
      'PASSPHRASE_TOO_SHORT',
      `The backup passphrase is too short: use at least ${MIN_EXPORT_PASSPHRASE} characters.`,
      'passphrase',
    );
  }
}
