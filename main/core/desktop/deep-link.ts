/**
 * Deep links: `otpauth://totp|hotp/…` (add a code account) and `twofold://enroll?…` (enroll for
 * push sign-in), opened from a browser or another app.
 *
 * - parseDeepLink classifies and validates a link and gives a preview with no secret in it.
 * - linkFromArgv finds the link in a (second) instance's command line on Windows and Linux.
 * - createLinkHandoff is the single-instance hand-off as a pure state machine: links that arrive
 *   before the window is up or while the vault is locked wait in a small queue, are delivered once
 *   the user can act on them, and the same link clicked twice shows once.
 *
 * A link holds a secret (the OTP seed, or a one-time enrollment code), so it travels inside a
 * SecretLink that prints as "[link]": a stray log line or error can't leak it.
 */
import { createHash } from 'node:crypto';
import { parseOtpauthUri } from '../../../common/otpauth-uri';
import { ENROLL_SCHEME, parseEnrollmentUri } from '../../../common/push-protocol';
import { isTwofoldError } from '../../../common/errors';
import type { Algorithm, OtpType } from '../../../common/api-contract';

/** The URI schemes Twofold registers itself for with the OS. */
export const DEEP_LINK_SCHEMES = ['otpauth', ENROLL_SCHEME] as const;

/** Longest link accepted: the limit accounts.addFromUri and push.enroll take. */
export const DEEP_LINK_MAX_CHARS = 4096;

const REDACTED = '[link]';

/** A link's text, kept out of strings, JSON and console output. Only reveal() gives it back. */
export class SecretLink {
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  /** The link itself, for the one call that needs it (adding or enrolling). */
  reveal(): string {
    return this.#text;
  }

  /** A digest that tells two links apart without holding either (for de-duplication). */
  fingerprint(): string {
    return createHash('sha256').update(this.#text).digest('base64url');
  }

  /** Redacted. */
  toString(): string {
    return REDACTED;
  }

  /** Redacted. */
  toJSON(): string {
    return REDACTED;
  }

  /** Redacted in console.log and util.inspect. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return REDACTED;
  }
}

/** What an add link would add: the account, without its secret. */
export interface AddLinkPreview {
  type: OtpType;
  issuer: string;
  label: string;
  algorithm: Algorithm;
  digits: number;
  period: number;
}

/** What an enroll link would enroll with: the server and the account there, without the code. */
export interface EnrollLinkPreview {
  issuer: string;
  account: string;
  server: string;
}

/** A valid deep link. */
export type DeepLink =
  | { kind: 'add'; link: SecretLink; preview: AddLinkPreview }
  | { kind: 'enroll'; link: SecretLink; preview: EnrollLinkPreview };

/** The outcome of parseDeepLink: the link, or a reason to show the user (never containing the link). */
export type DeepLinkResult = { ok: true; value: DeepLink } | { ok: false; reason: string };

const REFUSED_SCHEME = 'Twofold opens only otpauth:// links (to add a code) and twofold://enroll links (to set up sign-in requests).';

/** Parses a link handed over by the OS. Anything but a valid otpauth:// or twofold://enroll link is refused with a reason. */
export function parseDeepLink(raw: string): DeepLinkResult {
  const refuse = (reason: string): DeepLinkResult => ({ ok: false, reason });
  if (raw.length > DEEP_LINK_MAX_CHARS) return refuse(`The link is longer than ${DEEP_LINK_MAX_CHARS} characters, so it can't be a valid Twofold link.`);
  const text = raw.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  if (scheme === 'otpauth') {
    try {
      const p = parseOtpauthUri(text);
      return {
        ok: true,
        value: {
          kind: 'add',
          link: new SecretLink(text),
          preview: { type: p.type, issuer: p.issuer, label: p.label, algorithm: p.algorithm, digits: p.digits, period: p.period },
        },
      };
    } catch (error) {
      // parseOtpauthUri's messages never quote the secret; anything else is not ours to show.
      if (isTwofoldError(error)) return refuse(`This otpauth:// link can't be added: ${error.message}`);
      throw error;
    }
  }
  if (scheme === ENROLL_SCHEME) {
    const parsed = parseEnrollmentUri(text);
    if (!parsed.ok) {
      return refuse(parsed.problem.field === 'scheme' ? REFUSED_SCHEME : `This enrollment link can't be used: ${parsed.problem.message}`);
    }
    const { issuer, account, server } = parsed.value;
    return { ok: true, value: { kind: 'enroll', link: new SecretLink(text), preview: { issuer, account, server } } };
  }
  return refuse(REFUSED_SCHEME);
}

/**
 * The deep link in a command line, or null. Windows and Linux pass the link as an argument when they
 * start Twofold for it, and a second instance's argv reaches the first through 'second-instance'.
 * Flags, the executable and the app path are skipped; only an argument starting with one of our
 * schemes counts. The last one wins, because the OS appends the link after everything else.
 */
export function linkFromArgv(argv: readonly string[], platform: string): string | null {
  // macOS never passes links in argv: they arrive through the 'open-url' event.
  if (platform === 'darwin') return null;
  let found: string | null = null;
  for (const arg of argv.slice(1)) {
    if (arg.startsWith('-')) continue;
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(arg)?.[1]?.toLowerCase();
    if (scheme !== undefined && (DEEP_LINK_SCHEMES as readonly string[]).includes(scheme)) found = arg;
  }
  return found;
}

/** What the adapter must do after a hand-off event. */
export type HandoffEffect =
  /** Bring the window up (create it, restore it, focus it). */
  | { type: 'focus-window' }
  /** Show the add or enroll preview for this link. */
  | { type: 'show-link'; link: DeepLink }
  /** Tell the user a link was not opened, and why. */
  | { type: 'show-refusal'; reason: string };

/** Options of createLinkHandoff. */
export interface LinkHandoffOptions {
  /** Wall-clock milliseconds (injected so tests can move time). */
  now: () => number;
  /** Most items waiting (links and refusals); more are dropped and counted. Default 5. */
  maxQueued?: number;
  /** A link delivered less than this long ago is not shown again. Default 10 s. */
  duplicateWindowMs?: number;
}

/** The single-instance hand-off of deep links, as a state machine. Every method returns what to do. */
export interface LinkHandoff {
  /** A link arrived (open-url, second-instance argv, or this instance's own argv). */
  receive(raw: string): HandoffEffect[];
  /** The user started Twofold again without a link: just bring the window up. */
  activate(): HandoffEffect[];
  /** Electron's app is ready: windows can be created now. */
  appReady(): HandoffEffect[];
  /** The window's page is loaded and listening: refusals can be shown. */
  windowReady(): HandoffEffect[];
  /** The window closed (to the tray): hold links again until it is back. */
  windowClosed(): HandoffEffect[];
  /** The vault was unlocked: links can be shown. */
  unlocked(): HandoffEffect[];
  /** The vault was locked: hold links again. */
  locked(): HandoffEffect[];
  /** How many items are waiting. */
  waiting(): number;
}

type Queued = { type: 'link'; link: DeepLink; key: string } | { type: 'refusal'; reason: string };

/** Creates the hand-off state machine, starting before the app is ready, with no window and a locked vault. */
export function createLinkHandoff(options: LinkHandoffOptions): LinkHandoff {
  const maxQueued = options.maxQueued ?? 5;
  const duplicateWindowMs = options.duplicateWindowMs ?? 10_000;
  let appIsReady = false;
  let windowIsReady = false;
  let vaultIsUnlocked = false;
  let queue: Queued[] = [];
  let dropped = 0;
  // Fingerprints, not links: nothing secret stays behind once a link is delivered.
  const delivered = new Map<string, number>();

  const focus = (): HandoffEffect[] => (appIsReady ? [{ type: 'focus-window' }] : []);

  function recentlyDelivered(key: string): boolean {
    const now = options.now();
    for (const [k, at] of delivered) if (now - at >= duplicateWindowMs) delivered.delete(k);
    return delivered.has(key);
  }

  function enqueue(item: Queued): void {
    if (queue.length >= maxQueued) {
      dropped += 1;
      return;
    }
    queue.push(item);
  }

  function deliver(link: DeepLink, key: string): HandoffEffect {
    delivered.set(key, options.now());
    return { type: 'show-link', link };
  }

  function flush(): HandoffEffect[] {
    if (!windowIsReady) return [];
    const out: HandoffEffect[] = [];
    const kept: Queued[] = [];
    for (const item of queue) {
      if (item.type === 'refusal') out.push({ type: 'show-refusal', reason: item.reason });
      else if (vaultIsUnlocked) out.push(deliver(item.link, item.key));
      else kept.push(item);
    }
    queue = kept;
    if (dropped > 0) {
      const n = dropped;
      dropped = 0;
      out.push({
        type: 'show-refusal',
        reason: `${n} more ${n === 1 ? 'link' : 'links'} arrived while Twofold was busy and ${n === 1 ? 'was' : 'were'} not opened. Open ${n === 1 ? 'it' : 'them'} again.`,
      });
    }
    return out;
  }

  return {
    receive(raw) {
      const parsed = parseDeepLink(raw);
      if (!parsed.ok) {
        enqueue({ type: 'refusal', reason: parsed.reason });
        return [...focus(), ...flush()];
      }
      const key = parsed.value.link.fingerprint();
      // The same link again (a double click, or the OS delivering it twice): bring the window up, show it once.
      if (recentlyDelivered(key) || queue.some((item) => item.type === 'link' && item.key === key)) return focus();
      enqueue({ type: 'link', link: parsed.value, key });
      return [...focus(), ...flush()];
    },
    activate: focus,
    appReady() {
      appIsReady = true;
      return queue.length > 0 || dropped > 0 ? focus() : [];
    },
    windowReady() {
      windowIsReady = true;
      return flush();
    },
    windowClosed() {
      windowIsReady = false;
      return [];
    },
    unlocked() {
      vaultIsUnlocked = true;
      return flush();
    },
    locked() {
      vaultIsUnlocked = false;
      return [];
    },
    waiting: () => queue.length,
  };
}
