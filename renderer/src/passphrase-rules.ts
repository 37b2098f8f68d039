import type { FormError } from './form-error';

/**
 * What the forms require of a new passphrase before sending it to main (which checks again).
 */

/** The shortest passphrase the form accepts (the core enforces its own minimum too). */
export const MIN_PASSPHRASE_LENGTH = 8;

/** Checks a new passphrase and its confirmation; returns per-field messages. */
export function checkNewPassphrase(
  passphrase: string,
  confirm: string,
): { passphrase: string | null; confirm: string | null } {
  return {
    passphrase:
      passphrase.length < MIN_PASSPHRASE_LENGTH
        ? `Use at least ${MIN_PASSPHRASE_LENGTH} characters. A few unrelated words are easy to remember and hard to guess.`
        : null,
    confirm: confirm !== passphrase ? 'The two passphrases don’t match. Type the same passphrase twice.' : null,
  };
}

/**
 * The first problem with a new passphrase and its confirmation, as a form error on the form's own
 * field names (`passphraseField`, usually "passphrase"; and "confirm"), or null when both are fine.
 */
export function newPassphraseError(passphrase: string, confirm: string, passphraseField = 'passphrase'): FormError | null {
  const checked = checkNewPassphrase(passphrase, confirm);
  if (checked.passphrase) return { field: passphraseField, message: checked.passphrase };
  if (checked.confirm) return { field: 'confirm', message: checked.confirm };
  return null;
}
