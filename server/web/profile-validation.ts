/**
 * The profile form's rules and its exact messages (DESIGN.md, "The sign-in flow Twofold serves").
 *
 * - Names: Unicode letters (with their combining marks), where single spaces, hyphens or
 *   apostrophes may join letters ("Anne-Marie", "O'Brien", "Mary Ann"). First name at least 2
 *   characters, last name at least 1, both at most 100. Surrounding spaces are ignored.
 * - Email: one `@`, a local part of common characters (≤ 64), a domain of dot-separated labels
 *   ending in a letters-only top-level label; at most 254 characters in all.
 * - Password (optional; empty keeps the current one): 10 to 128 characters, with at least one
 *   letter and at least one digit.
 */

/** The messages, word for word. */
export const PROFILE_MESSAGES = {
  firstName: 'First name must have at least 2 characters. Numbers and special characters are not allowed.',
  lastName: 'Last name must have at least 1 character. Numbers and special characters are not allowed.',
  email: 'Enter a valid email',
  emailTaken: 'That email is already in use.',
  password: 'Enter a valid password',
  success: 'Your profile has been successfully updated.',
  passwordChange: 'Changing your password will log you out immediately. Use the new password to log back in.',
} as const;

/** The hint shown under the password field. */
export const PASSWORD_HINT = '10 to 128 characters, with at least one letter and one digit. Leave empty to keep your current password.';
/** The hint shown under the name fields. */
export const NAME_HINT = 'Letters only; single spaces, hyphens or apostrophes may join them.';

const NAME = /^\p{L}\p{M}*(?:[ '’-]?\p{L}\p{M}*)*$/u;
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** True when a name follows the rules and has at least `min` characters. */
export function validName(name: string, min: number): boolean {
  const length = [...name].length;
  return length >= min && length <= 100 && NAME.test(name);
}

/** True for a sensible email address. */
export function validEmail(email: string): boolean {
  return email.length <= 254 && EMAIL.test(email) && !email.includes('..');
}

/** True for an acceptable new password. */
export function validPassword(password: string): boolean {
  const length = [...password].length;
  return length >= 10 && length <= 128 && /\p{L}/u.test(password) && /\p{Nd}/u.test(password);
}

/** The submitted profile form. */
export interface ProfileInput {
  firstName: string;
  lastName: string;
  email: string;
  password: string;
}

/** Errors per field; empty when the input is valid. */
export type ProfileErrors = Partial<Record<keyof ProfileInput, string>>;

/** Normalises the form (trims names and email) and checks every field. */
export function validateProfile(raw: ProfileInput): { value: ProfileInput; errors: ProfileErrors } {
  const value = { firstName: raw.firstName.trim(), lastName: raw.lastName.trim(), email: raw.email.trim(), password: raw.password };
  const errors: ProfileErrors = {};
  if (!validName(value.firstName, 2)) errors.firstName = PROFILE_MESSAGES.firstName;
  if (!validName(value.lastName, 1)) errors.lastName = PROFILE_MESSAGES.lastName;
  if (!validEmail(value.email)) errors.email = PROFILE_MESSAGES.email;
  if (value.password !== '' && !validPassword(value.password)) errors.password = PROFILE_MESSAGES.password;
  return { value, errors };
}
