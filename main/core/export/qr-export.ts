/**
 * QR code exports: one otpauth:// code per account, and Google-Authenticator-compatible migration
 * batches, as PNG images (data URLs for the screen, bytes for the CLI's files).
 */
import QRCode from 'qrcode';
import { TwofoldError } from '../../../common/errors';
import { formatOtpauthUri, type OtpParams } from '../../../common/otpauth-uri';
import { entryName } from '../import/import-entry';
import { encodeMigrationLinks } from '../import/google-migration';

/** A QR code image for the screen, with the title shown above it. */
export interface TitledQr {
  title: string;
  dataUrl: string;
}

// Error correction M (15%) is what authenticator apps' own exports use: it survives a glare or a
// smudge on the screen while keeping dense migration batches scannable. 6 px per module and the
// standard 4-module quiet zone scan well from a screen and print cleanly.
const PNG_OPTIONS = { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 6 } as const;

/** PNG bytes of a QR code holding `text`. Throws INPUT_INVALID when the text is too long for one QR code. */
export async function qrPng(text: string): Promise<Uint8Array> {
  try {
    return await QRCode.toBuffer(text, PNG_OPTIONS);
  } catch {
    // The library's message is generic; the text itself may hold a secret, so it is not quoted.
    throw new TwofoldError('INPUT_INVALID', `This is too long for one QR code (${text.length} characters).`);
  }
}

function dataUrl(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}

/** A PNG data URL of the account's otpauth:// link. Throws INPUT_INVALID naming the account if it can't fit a QR code. */
export async function accountQrDataUrl(p: OtpParams): Promise<string> {
  try {
    return dataUrl(await qrPng(formatOtpauthUri(p)));
  } catch (error) {
    if (!(error instanceof TwofoldError)) throw error;
    throw new TwofoldError(
      'INPUT_INVALID',
      `The link of ${entryName(p.issuer, p.label)} is too long for a QR code; export it as a link or a backup instead.`,
    );
  }
}

/**
 * PNG data URLs of Google Authenticator migration codes for `accounts` (a batch of up to 10 per
 * code), titled "Google Authenticator export 1 of 3" and so on. Throws EXPORT_EMPTY for none.
 */
export async function migrationQrDataUrls(accounts: OtpParams[]): Promise<TitledQr[]> {
  if (accounts.length === 0) throw new TwofoldError('EXPORT_EMPTY', 'There are no accounts to export.');
  const links = encodeMigrationLinks(accounts);
  return Promise.all(
    links.map(async (link, i) => ({
      title: `Google Authenticator export ${i + 1} of ${links.length}`,
      dataUrl: dataUrl(await qrPng(link)),
    })),
  );
}
