/**
 * Typed errors that a user or caller can meet. Each carries a stable code, a message that says
 * what was wrong and what to do, and optionally the field that was wrong.
 *
 * Messages never contain secrets: no seed, passphrase or key material is ever interpolated.
 */

/** Every error code Twofold can report across the API. */
export const ERROR_CODES = [
  // otpauth URIs and account input
  'URI_INVALID',
  'ACCOUNT_INVALID',
  'ACCOUNT_NOT_FOUND',
  'ACCOUNT_DUPLICATE',
  'QR_NOT_FOUND',
  'QR_IMAGE_INVALID',
  // vault
  'VAULT_NOT_FOUND',
  'VAULT_EXISTS',
  'VAULT_LOCKED',
  'VAULT_WRONG_PASSPHRASE',
  'VAULT_TAMPERED',
  'VAULT_CORRUPT',
  'VAULT_TRUNCATED',
  'VAULT_UNSUPPORTED_VERSION',
  'VAULT_WEAK_KDF',
  'VAULT_NO_PREVIOUS_COPY',
  'VAULT_SLOT_UNAVAILABLE',
  'PASSPHRASE_TOO_SHORT',
  'KEYCHAIN_UNAVAILABLE',
  // push sign-in
  'ENROLL_URI_INVALID',
  'ENROLL_FAILED',
  'SERVER_KEY_MISMATCH',
  'PUSH_SERVER_UNREACHABLE',
  'PUSH_REQUEST_NOT_FOUND',
  'PUSH_REQUEST_EXPIRED',
  'PUSH_WRONG_NUMBER',
  'PUSH_DECISION_REFUSED',
  // generic
  'INPUT_INVALID',
  'UNDO_EXPIRED',
  'CONFIRMATION_REQUIRED',
  'INTERNAL',
  // import, export and backups
  'IMPORT_FORMAT_UNKNOWN',
  'IMPORT_INVALID',
  'IMPORT_UNSUPPORTED_VERSION',
  'IMPORT_PASSPHRASE_REQUIRED',
  'IMPORT_WRONG_PASSPHRASE',
  'IMPORT_TOO_LARGE',
  'IMPORT_EMPTY',
  'IMPORT_PREVIEW_EXPIRED',
  'EXPORT_EMPTY',
  'BACKUP_NOT_CONFIGURED',
  'BACKUP_FAILED',
  'DIALOG_UNAVAILABLE',
  'SCREEN_CAPTURE_UNAVAILABLE',
  'EXPORT_FAILED',
  // managed policy: an action the organisation's policy does not allow
  'POLICY_FORBIDDEN',
] as const;

/** A stable machine-readable error code. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The serialisable shape of a TwofoldError, as it crosses the API boundary. */
export interface ErrorInfo {
  code: ErrorCode;
  message: string;
  field?: string;
}

/** An error a user can meet: a code, a message naming the problem, and the field when one is at fault. */
export class TwofoldError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, field?: string) {
    super(message);
    this.name = 'TwofoldError';
    this.code = code;
    this.field = field;
  }

  /** The plain shape used to send this error over IPC or a test binding. */
  toInfo(): ErrorInfo {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field };
  }

  /** Rebuilds an error received from the other side of the API. */
  static fromInfo(info: ErrorInfo): TwofoldError {
    return new TwofoldError(info.code, info.message, info.field);
  }
}

/** True when `value` is a TwofoldError (also across realms, by shape). */
export function isTwofoldError(value: unknown): value is TwofoldError {
  return value instanceof TwofoldError;
}
