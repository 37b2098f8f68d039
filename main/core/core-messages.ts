/**
 * Pieces of the messages and log lines the core and its group modules write: how an account is
 * named, and what went wrong with an I/O operation, told without paths or data.
 */
import type { StoredAccount } from './accounts';

/** An account's name for the user: "Issuer (label)", or whichever of the two it has. */
export function accountTitle(a: Pick<StoredAccount, 'issuer' | 'label'>): string {
  if (a.issuer && a.label && a.issuer !== a.label) return `${a.issuer} (${a.label})`;
  return a.issuer || a.label || 'Unnamed account';
}

/** An I/O error's code and syscall only: never its message, which may quote paths or data. */
export function describeIoError(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error) return String((error as { code: unknown }).code);
  return error instanceof Error ? error.name : 'unknown error';
}
