/**
 * Turns errors from the API into what a form shows: a message, next to a field when one is named.
 */
import { isTwofoldError } from '../../common/errors';

/** An error as a form shows it: beside `field`, or at form level when `field` is null. */
export interface FormError {
  field: string | null;
  message: string;
}

/** Shown for errors that are not TwofoldErrors (a bug, or a broken bridge); never leaks internals. */
export const UNEXPECTED_MESSAGE = 'Something went wrong inside Twofold. Nothing was changed; try again.';

/**
 * Maps an error to a form error. `fieldMap` lists the form's fields by the API's field name
 * (e.g. `{ secret: 'secret', next: 'newPassphrase' }`); a field the form doesn't show falls back
 * to the form-level message. `onlyField`, for a form with one input, receives every field error
 * (a URI's bad "secret" is still the URI the user typed).
 */
export function toFormError(
  error: unknown,
  fieldMap: Readonly<Record<string, string>> = {},
  onlyField?: string,
): FormError {
  if (!isTwofoldError(error)) return { field: null, message: UNEXPECTED_MESSAGE };
  if (onlyField !== undefined && error.field) return { field: onlyField, message: error.message };
  const apiField = error.field ?? '';
  // Input errors can name nested paths ("digits" or "settings.digits"); the first segment that the form knows wins.
  const known = apiField
    .split('.')
    .map((part) => fieldMap[part])
    .find((mapped): mapped is string => mapped !== undefined);
  return { field: known ?? null, message: error.message };
}

/** The message of any error, safe to show. */
export function errorMessage(error: unknown): string {
  return isTwofoldError(error) ? error.message : UNEXPECTED_MESSAGE;
}

/** The error code of a TwofoldError, or null. */
export function errorCode(error: unknown): string | null {
  return isTwofoldError(error) ? error.code : null;
}
