/**
 * otpauth:// Key URIs (Google Authenticator "Key Uri Format") and the rules every OTP account obeys,
 * whether it arrives as a URI, a QR code or a manual form.
 *
 * Rules chosen where the format is loose:
 * - Secret: base32 (RFC 4648). Lowercase, spaces, hyphens and trailing `=` padding are accepted and
 *   removed. At least 80 bits (16 characters) are required: RFC 4226's minimum, which Google
 *   Authenticator enforces too. Leftover bits of a final partial character are accepted, because
 *   many services generate random base32 strings of any length and every authenticator ignores them.
 * - Issuer: the `issuer` parameter wins over the label prefix. When both are present and differ, the
 *   prefix is dropped and the parameter is kept (the spec says they should match; services get it wrong).
 * - Query values are decoded like HTML forms (`+` is a space), because many generators encode spaces
 *   that way; `formatOtpauthUri` writes `%20` and `%2B`, so its output round-trips either way.
 * - Period: a whole number of seconds from 5 to 3600. Shorter periods would leave no time to type a
 *   code (the app shows the next code during the last 5 seconds); longer ones are not OTP anymore.
 * - HOTP URIs must carry `counter` (the spec makes it required for hotp).
 *
 * No message ever contains the secret, or any character of it.
 */
import type { Algorithm, OtpType } from './api-contract';
import { TwofoldError, type ErrorCode } from './errors';

/** Everything needed to generate an account's codes. */
export interface OtpParams {
  type: OtpType;
  /** The service, for example `GitHub`; may be empty. */
  issuer: string;
  /** The account name, without the `Issuer:` prefix. Never empty. */
  label: string;
  /** Canonical base32: uppercase, no spaces, no padding. */
  secret: string;
  algorithm: Algorithm;
  digits: number;
  /** TOTP step in seconds (30 for HOTP accounts, where it is unused). */
  period: number;
  /** HOTP counter (0 for TOTP accounts, where it is unused). */
  counter: number;
}

/** The fields of the manual add-account form, as validateOtpParams takes them. */
export interface OtpParamsInput {
  issuer: string;
  label: string;
  secret: string;
  type: OtpType;
  algorithm: Algorithm;
  digits: number;
  period: number;
  counter: number;
}

/** Fewest secret bits accepted (RFC 4226 section 4, R6). */
export const SECRET_MIN_BITS = 80;
/** Most base32 characters accepted in a secret (640 bytes of key; real secrets are 16–128 characters). */
export const SECRET_MAX_CHARS = 1024;
/** Longest issuer or account name. */
export const NAME_MAX_CHARS = 200;
/** Shortest TOTP period in seconds. */
export const PERIOD_MIN_SECONDS = 5;
/** Longest TOTP period in seconds. */
export const PERIOD_MAX_SECONDS = 3600;
/** Fewest code digits. */
export const DIGITS_MIN = 6;
/** Most code digits. */
export const DIGITS_MAX = 8;

const ALGORITHMS: readonly Algorithm[] = ['SHA1', 'SHA256', 'SHA512'];
const DEFAULT_ALGORITHM: Algorithm = 'SHA1';
const DEFAULT_DIGITS = 6;
const DEFAULT_PERIOD = 30;
// ASCII only: toUpperCase would turn some non-ASCII letters (ı, ſ) into base32 letters.
const BASE32_CHAR = /^[A-Za-z2-7]$/;
// C0/C1 controls, plus bidi overrides/isolates: these could make an issuer display as a different one.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const CONTROL_CHARS_ALL = new RegExp(CONTROL_CHARS.source, 'gu');

function fail(code: ErrorCode, message: string, field: string): never {
  throw new TwofoldError(code, message, field);
}

/** Shortens a non-secret value before quoting it in a message. */
function quote(value: string): string {
  const short = value.length > 24 ? `${value.slice(0, 24)}…` : value;
  return `'${short.replace(CONTROL_CHARS_ALL, '?')}'`;
}

function normalizeSecretWith(input: string, code: ErrorCode): string {
  if (input.length > SECRET_MAX_CHARS * 2) {
    fail(code, `The secret key is longer than ${SECRET_MAX_CHARS} characters. Check that you pasted the right text.`, 'secret');
  }
  let out = '';
  let paddingFrom = -1;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i] as string;
    // Spaces and hyphens are how services print secrets for humans to type.
    if (ch === ' ' || ch === '-' || ch === '\t' || ch === '\n' || ch === '\r') continue;
    if (ch === '=') {
      if (paddingFrom < 0) paddingFrom = i;
      continue;
    }
    const valid = BASE32_CHAR.test(ch);
    // Position only: echoing the character would reveal part of the secret.
    if (paddingFrom >= 0 || !valid) {
      const position = valid ? paddingFrom + 1 : i + 1;
      const what = valid ? "is a '=' padding sign in the middle" : 'is not valid base32';
      fail(
        code,
        `Character ${position} of the secret key ${what}. Secret keys use only the letters A–Z and the digits 2–7 (never 0, 1, 8 or 9).`,
        'secret',
      );
    }
    out += ch.toUpperCase();
  }
  if (out.length === 0) {
    fail(code, 'The secret key is missing. Enter the key the service showed you (letters A–Z and digits 2–7).', 'secret');
  }
  if (out.length > SECRET_MAX_CHARS) {
    fail(code, `The secret key is longer than ${SECRET_MAX_CHARS} characters. Check that you pasted the right text.`, 'secret');
  }
  const bits = out.length * 5;
  if (bits < SECRET_MIN_BITS) {
    fail(
      code,
      `The secret key is too short: ${out.length} characters, at least ${SECRET_MIN_BITS / 5} are needed (${SECRET_MIN_BITS} bits). Check that you copied all of it.`,
      'secret',
    );
  }
  return out;
}

/**
 * Canonicalises a base32 secret: uppercase, without spaces, hyphens or trailing `=` padding.
 *
 * Throws TwofoldError('ACCOUNT_INVALID', …, 'secret') when the key is empty, shorter than 80 bits
 * (16 characters), longer than 1024 characters, or holds a character outside A–Z and 2–7 (the
 * message gives its position, never the character).
 */
export function normalizeBase32Secret(input: string): string {
  return normalizeSecretWith(input, 'ACCOUNT_INVALID');
}

function normalizeName(value: string, code: ErrorCode, field: 'issuer' | 'label'): string {
  const noun = field === 'issuer' ? 'The issuer' : 'The account name';
  if (CONTROL_CHARS.test(value)) {
    fail(code, `${noun} contains control or text-direction characters. Remove them and try again.`, field);
  }
  // NFC so that the same name typed on different systems compares equal (duplicates, search).
  const out = value.trim().normalize('NFC');
  if (out.length > NAME_MAX_CHARS) {
    fail(code, `${noun} is longer than ${NAME_MAX_CHARS} characters. Shorten it.`, field);
  }
  if (field === 'label' && out.length === 0) {
    fail(code, 'The account name is missing. Enter the name you sign in with, such as your email address.', field);
  }
  return out;
}

/** Trims and checks an issuer: at most 200 characters, no control characters; may be empty. */
export function normalizeIssuer(value: string, code: ErrorCode = 'ACCOUNT_INVALID'): string {
  return normalizeName(value, code, 'issuer');
}

/** Trims and checks an account name: 1 to 200 characters, no control characters. */
export function normalizeLabel(value: string, code: ErrorCode = 'ACCOUNT_INVALID'): string {
  return normalizeName(value, code, 'label');
}

function checkDigits(digits: number, code: ErrorCode): number {
  if (!Number.isInteger(digits) || digits < DIGITS_MIN || digits > DIGITS_MAX) {
    fail(code, `Codes must have ${DIGITS_MIN}, 7 or ${DIGITS_MAX} digits.`, 'digits');
  }
  return digits;
}

function checkPeriod(period: number, code: ErrorCode): number {
  if (!Number.isInteger(period) || period < PERIOD_MIN_SECONDS || period > PERIOD_MAX_SECONDS) {
    fail(
      code,
      `The period must be a whole number of seconds from ${PERIOD_MIN_SECONDS} to ${PERIOD_MAX_SECONDS} (usually 30).`,
      'period',
    );
  }
  return period;
}

function checkCounter(counter: number, code: ErrorCode): number {
  if (!Number.isSafeInteger(counter) || counter < 0) {
    fail(code, `The counter must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER}.`, 'counter');
  }
  return counter;
}

function checkParams(input: OtpParamsInput, code: ErrorCode): OtpParams {
  const type = input.type;
  if (type !== 'totp' && type !== 'hotp') fail(code, 'The type must be totp (time-based) or hotp (counter-based).', 'type');
  if (!ALGORITHMS.includes(input.algorithm)) {
    fail(code, 'The algorithm must be SHA1, SHA256 or SHA512.', 'algorithm');
  }
  return {
    type,
    issuer: normalizeIssuer(input.issuer, code),
    label: normalizeLabel(input.label, code),
    secret: normalizeSecretWith(input.secret, code),
    algorithm: input.algorithm,
    digits: checkDigits(input.digits, code),
    // The unused one of period/counter gets a fixed value, so equal accounts compare equal.
    period: type === 'totp' ? checkPeriod(input.period, code) : DEFAULT_PERIOD,
    counter: type === 'hotp' ? checkCounter(input.counter, code) : 0,
  };
}

/**
 * Checks and canonicalises an account typed into the manual form.
 *
 * Throws TwofoldError('ACCOUNT_INVALID', message, field) naming the first wrong field: `label`,
 * `issuer`, `secret`, `digits`, `period`, `counter`, `type` or `algorithm`.
 */
export function validateOtpParams(input: OtpParamsInput): OtpParams {
  return checkParams(input, 'ACCOUNT_INVALID');
}

function decodeComponent(text: string, field: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return fail('URI_INVALID', `The ${field} in the URI has a broken %-escape. Copy the link again from the service.`, field);
  }
}

/** Splits the query into lower-cased keys, refusing a parameter given twice. */
function parseQuery(query: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawKey = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    const key = decodeComponent(rawKey.replace(/\+/g, ' '), 'parameters').toLowerCase();
    const field = ['secret', 'issuer', 'algorithm', 'digits', 'period', 'counter'].includes(key) ? key : 'parameters';
    const value = decodeComponent(rawValue.replace(/\+/g, ' '), field);
    if (params.has(key)) {
      fail('URI_INVALID', `The URI gives the ${quote(key)} parameter twice. Copy the link again from the service.`, field);
    }
    params.set(key, value);
  }
  return params;
}

function parseInteger(value: string | undefined, fallback: number, field: string, rule: string): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,16}$/.test(value.trim())) fail('URI_INVALID', `The URI's ${field} parameter is ${quote(value)}: ${rule}`, field);
  return Number(value.trim());
}

function parseAlgorithm(value: string | undefined): Algorithm {
  if (value === undefined || value.trim() === '') return DEFAULT_ALGORITHM;
  const name = value.trim().toUpperCase().replace('-', '');
  const found = ALGORITHMS.find((a) => a === name);
  if (found === undefined) {
    fail('URI_INVALID', `Unsupported algorithm ${quote(value)}: use SHA1, SHA256 or SHA512.`, 'algorithm');
  }
  return found;
}

/** Splits a decoded label into issuer and account, preferring the `issuer` parameter. */
function splitLabel(label: string, issuerParam: string | undefined): { issuer: string; account: string } {
  const param = issuerParam?.trim() ?? '';
  // An exact `issuer:` prefix is removed first, so issuers that contain a colon still work.
  if (param !== '' && label[param.length] === ':' && label.slice(0, param.length).toLowerCase() === param.toLowerCase()) {
    return { issuer: param, account: label.slice(param.length + 1) };
  }
  const colon = label.indexOf(':');
  if (colon < 0) return { issuer: param, account: label };
  const prefix = label.slice(0, colon).trim();
  const account = label.slice(colon + 1);
  return { issuer: param !== '' ? param : prefix, account };
}

/**
 * Parses an `otpauth://totp/...` or `otpauth://hotp/...` Key URI.
 *
 * Defaults: SHA1, 6 digits, 30-second period. Throws TwofoldError('URI_INVALID', message, field)
 * naming the wrong part: `scheme`, `type`, `label`, `issuer`, `secret`, `algorithm`, `digits`,
 * `period`, `counter` or `parameters`.
 */
export function parseOtpauthUri(uri: string): OtpParams {
  const text = uri.trim();
  const schemeMatch = /^otpauth:\/\//i.exec(text);
  if (schemeMatch === null) {
    fail('URI_INVALID', 'This is not an otpauth:// link. Scan the QR code the service shows, or enter the key by hand.', 'scheme');
  }
  const rest = text.slice(schemeMatch[0].length);
  const hash = rest.indexOf('#');
  // A raw '#' starts a fragment, which carries nothing for OTP.
  const body = hash < 0 ? rest : rest.slice(0, hash);
  const slash = body.indexOf('/');
  const question = body.indexOf('?');
  const typeEnd = slash >= 0 && (question < 0 || slash < question) ? slash : question >= 0 ? question : body.length;
  const rawType = body.slice(0, typeEnd);
  const type = rawType.toLowerCase();
  if (type !== 'totp' && type !== 'hotp') {
    fail('URI_INVALID', `Unknown OTP type ${quote(rawType)}: use totp or hotp.`, 'type');
  }
  const labelStart = typeEnd === slash ? slash + 1 : typeEnd;
  const labelEnd = question >= labelStart ? question : body.length;
  const label = decodeComponent(body.slice(labelStart, labelEnd), 'label');
  const params = parseQuery(labelEnd < body.length ? body.slice(labelEnd + 1) : '');

  if (CONTROL_CHARS.test(label)) {
    fail('URI_INVALID', 'The account name contains control or text-direction characters. Remove them and try again.', 'label');
  }
  const { issuer, account } = splitLabel(label, params.get('issuer'));
  if (account.trim() === '') {
    fail('URI_INVALID', `The URI has no account name (the label after otpauth://${type}/). Copy the link again from the service.`, 'label');
  }
  const secret = params.get('secret');
  if (secret === undefined || secret.trim() === '') {
    fail('URI_INVALID', 'The URI has no secret parameter, so no codes can be made. Copy the link again from the service.', 'secret');
  }
  const digits = parseInteger(params.get('digits'), DEFAULT_DIGITS, 'digits', 'use 6, 7 or 8.');
  let period = DEFAULT_PERIOD;
  let counter = 0;
  if (type === 'totp') {
    period = parseInteger(
      params.get('period'),
      DEFAULT_PERIOD,
      'period',
      `use a whole number of seconds from ${PERIOD_MIN_SECONDS} to ${PERIOD_MAX_SECONDS}.`,
    );
  } else {
    const rawCounter = params.get('counter');
    if (rawCounter === undefined || rawCounter.trim() === '') {
      fail('URI_INVALID', 'HOTP links must carry a counter parameter (counter=0 for a new account). Copy the link again from the service.', 'counter');
    }
    counter = parseInteger(rawCounter, 0, 'counter', 'use a whole number from 0 upwards.');
  }
  return checkParams(
    { type, issuer, label: account, secret, algorithm: parseAlgorithm(params.get('algorithm')), digits, period, counter },
    'URI_INVALID',
  );
}

/**
 * Writes the Key URI of an account. `parseOtpauthUri(formatOtpauthUri(p))` gives `p` back for every
 * valid, canonical `p`.
 */
export function formatOtpauthUri(p: OtpParams): string {
  // With no issuer, a leading ':' keeps a colon inside the account name from being read as a prefix.
  const label =
    p.issuer === ''
      ? `${p.label.includes(':') ? ':' : ''}${encodeURIComponent(p.label)}`
      : `${encodeURIComponent(p.issuer)}:${encodeURIComponent(p.label)}`;
  const query = [`secret=${p.secret}`];
  if (p.issuer !== '') query.push(`issuer=${encodeURIComponent(p.issuer)}`);
  query.push(`algorithm=${p.algorithm}`, `digits=${p.digits}`);
  query.push(p.type === 'totp' ? `period=${p.period}` : `counter=${p.counter}`);
  return `otpauth://${p.type}/${label}?${query.join('&')}`;
}
