/**
 * The plain export: every account as an otpauth:// link, one per line, readable by Twofold's own
 * link-list importer and by most authenticators. Unencrypted, so the core asks for confirmation.
 */
import { TwofoldError } from '../../../common/errors';
import { formatOtpauthUri, type OtpParams } from '../../../common/otpauth-uri';

/** The first line of the file: a warning for whoever finds it later. Importers skip `#` lines. */
export const URI_LIST_WARNING =
  '# Twofold export: UNENCRYPTED otpauth:// links. Anyone who reads this file can generate your codes; keep it private and delete it when done.';

/** The text of a plain export: the warning line, then one otpauth:// link per account. Throws EXPORT_EMPTY for none. */
export function formatUriList(accounts: OtpParams[]): string {
  if (accounts.length === 0) throw new TwofoldError('EXPORT_EMPTY', 'There are no accounts to export.');
  return `${[URI_LIST_WARNING, ...accounts.map(formatOtpauthUri)].join('\n')}\n`;
}
