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
