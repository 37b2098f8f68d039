/**
 * The managed policy document, version 1: its keys, the values each accepts, and how the raw values
 * read from a policy file, the Windows registry or macOS managed preferences become one ManagedPolicy.
 *
 * Keys have the same names on every OS and are matched case-insensitively (the registry is
 * case-insensitive, and one spelling rule for all three is easier for IT). A value Twofold can't use
 * is reported in `problems` and replaced by that key's SAFE fallback, never silently dropped: an
 * organisation that wrote a restriction must not lose it to a typo. docs/deployment.md ("Managed policy")
 * documents every key, its fallback and why.
 */
import { z } from 'zod';
import { SettingsSchema } from '../../../common/api-contract';
import { checkServerOrigin } from '../../../common/push-protocol';

/** The policy document version this Twofold understands. */
export const POLICY_VERSION = 1;

/** The update channels IT can pin. */
export const UPDATE_CHANNELS = ['stable', 'beta'] as const;
/** An update channel. */
export type UpdateChannel = (typeof UPDATE_CHANNELS)[number];

/** Auto-lock minutes used when MaxAutoLockMinutes is present but unusable: the shipped default, which is already conservative. */
export const FALLBACK_MAX_AUTO_LOCK_MINUTES = 5;

/** Most entries read from one allowlist; more is certainly a mistake (or an attempt to exhaust memory). */
export const MAX_LIST_ENTRIES = 1000;

/** Every policy key, in the canonical spelling used in documentation and messages. */
export const POLICY_KEY_NAMES = [
  'PolicyVersion',
  'AllowedPushServers',
  'EnrollmentServerUrl',
  'EnrollmentServerFingerprint',
  'EnrollmentServerName',
  'RequirePassphrase',
  'MaxAutoLockMinutes',
  'DisablePlainExport',
  'AllowedIssuers',
  'UpdateChannel',
  'UpdateUrl',
  'UpdatesDisabled',
  'Telemetry',
] as const;
/** A policy key name. */
export type PolicyKeyName = (typeof POLICY_KEY_NAMES)[number];

/** The keys whose value is a list (a JSON/plist array, a REG_MULTI_SZ or a registry subkey of values). */
export const POLICY_LIST_KEYS: readonly PolicyKeyName[] = ['AllowedPushServers', 'AllowedIssuers'];

/** A raw policy value a reader could not represent (e.g. a REG_BINARY value); always refused with its description. */
export class UnsupportedPolicyValue {
  /** @param description how to name the value in a problem, e.g. "a REG_BINARY value" */
  constructor(readonly description: string) {}
}

/** What one place (file, registry key, managed-preferences plist) held, or why it could not be read. */
export type PolicySource =
  | { location: string; values: Readonly<Record<string, unknown>> }
  | { location: string; unreadable: string };

/** An allowlist from the policy. `invalid` means the key was set but unusable, so nothing new is allowed. */
export interface AllowList {
  /** Allowed entries: push server origins (possibly `https://*.domain`) or issuer names as written. */
  entries: string[];
  /** True when the key's value could not be used at all: Twofold then allows nothing new. */
  invalid: boolean;
}

/** The push server whose enrollment is pre-configured: users enter only the one-time code. */
export interface EnrollmentServer {
  /** The server's origin. */
  url: string;
  /** SHA-256 JWK thumbprint of the server's signing key, pinned at enrollment. */
  fingerprint: string;
  /** Display name, e.g. "Example Corp"; the host name when the policy gives none. */
  name: string;
}

/** The effective machine policy: what Twofold enforces. */
export interface ManagedPolicy {
  /** Where policy was found (file paths, registry key); empty when the machine is unmanaged. */
  sources: string[];
  /** The document version found (1 when not stated). */
  policyVersion: number;
  /** Push servers that may be enrolled and used; null means no restriction. */
  allowedPushServers: AllowList | null;
  /** The pre-configured enrollment server, or null. */
  enrollmentServer: EnrollmentServer | null;
  /** Every vault must have a passphrase slot (an OS-keychain-only vault is refused). */
  requirePassphrase: boolean;
  /** Upper bound for the auto-lock setting, in minutes; null means the user chooses freely. */
  maxAutoLockMinutes: number | null;
  /** Unencrypted exports (otpauth:// link lists, QR codes, showing a secret) are refused. */
  disablePlainExport: boolean;
  /** Issuers for which code accounts may be added (case-insensitive, exact); null means any. */
  allowedIssuers: AllowList | null;
  /** What the policy says about updates; null fields mean the app's own choice. */
  updates: { channel: UpdateChannel | null; url: string | null; disabled: boolean };
}

/** A policy plus every problem met while reading it, each naming the place and the key. */
export interface PolicyResult {
  policy: ManagedPolicy;
  problems: string[];
}

/** The policy of an unmanaged machine: no restriction at all. */
export const NO_POLICY: ManagedPolicy = Object.freeze({
  sources: [],
  policyVersion: POLICY_VERSION,
  allowedPushServers: null,
  enrollmentServer: null,
  requirePassphrase: false,
  maxAutoLockMinutes: null,
  disablePlainExport: false,
  allowedIssuers: null,
  updates: Object.freeze({ channel: null, url: null, disabled: false }),
}) as ManagedPolicy;

// ---------------------------------------------------------------------------------------------
// Value schemas. Readers hand over what the OS gave them (registry DWORDs as numbers, REG_SZ as
// strings, plist booleans or integers), so scalars are accepted in every unambiguous spelling.

const BOOLEAN_WORDS: Record<string, boolean> = { true: true, '1': true, false: false, '0': false };

const PolicyBoolean = z.preprocess((raw) => {
  if (raw === 0 || raw === 1) return raw === 1;
  if (typeof raw === 'string') return BOOLEAN_WORDS[raw.trim().toLowerCase()] ?? raw;
  return raw;
}, z.boolean());

const toInteger = (raw: unknown): unknown => (typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw);

const AutoLockMinutes = z.preprocess(toInteger, SettingsSchema.shape.autoLockMinutes);
const Version = z.preprocess(toInteger, z.number().int().min(1));
const Fingerprint = z.string().trim().regex(/^[A-Za-z0-9_-]{43}$/);
const DisplayName = z.string().trim().min(1).max(100);
const Channel = z.preprocess((raw) => (typeof raw === 'string' ? raw.trim().toLowerCase() : raw), z.enum(UPDATE_CHANNELS));
// Control characters and bidi overrides could make an allowed issuer look like another one.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const IssuerName = z
  .string()
  .transform((s) => s.trim().normalize('NFC'))
  .pipe(z.string().min(1).max(200).refine((s) => !CONTROL_CHARS.test(s)));

type Parsed<T> = { ok: true; value: T; entryProblems: string[] } | { ok: false; reason: string };

/** How a key reads, what it expects (for messages), and what it becomes when unusable. */
interface KeySpec<T> {
  /** Completes "<Key> …" in a problem, e.g. "must be true or false". */
  expects: string;
  parse(raw: unknown): Parsed<T>;
  /** Completes "…; <fallback>." in a problem. */
  fallbackText: string;
}

function scalar<T>(schema: z.ZodType<T>, expects: string, fallbackText: string): KeySpec<T> {
  return {
    expects,
    fallbackText,
    parse(raw) {
      const result = schema.safeParse(raw);
      return result.success ? { ok: true, value: result.data, entryProblems: [] } : { ok: false, reason: `${expects} (found ${describeValue(raw)})` };
    },
  };
}

function list(
  expects: string,
  parseEntry: (raw: unknown) => { ok: true; value: string } | { ok: false; reason: string },
  entryFallback: string,
  fallbackText: string,
): KeySpec<string[]> {
  return {
    expects,
    fallbackText,
    parse(raw) {
      // A single string is an unambiguous one-entry list (a REG_SZ or a JSON string).
      const items = typeof raw === 'string' ? [raw] : raw;
      if (!Array.isArray(items)) return { ok: false, reason: `${expects} (found ${describeValue(raw)})` };
      if (items.length > MAX_LIST_ENTRIES) return { ok: false, reason: `has ${items.length} entries; at most ${MAX_LIST_ENTRIES} are read` };
      const value: string[] = [];
      const entryProblems: string[] = [];
      for (const item of items) {
        const entry = parseEntry(item);
        if (entry.ok) {
          if (!value.includes(entry.value)) value.push(entry.value);
        } else {
          entryProblems.push(`entry ${describeValue(item)} ${entry.reason}; ${entryFallback}`);
        }
      }
      return { ok: true, value, entryProblems };
    },
  };
}

/**
 * Parses one AllowedPushServers entry to its canonical form: an origin (`https://idp.example.com`,
 * or `http://127.0.0.1:port` for development, as push accepts) or a wildcard `https://*.example.com`
 * that matches exactly one extra label, like a TLS wildcard certificate.
 */
export function parsePushServerRule(raw: unknown): { ok: true; value: string } | { ok: false; reason: string } {
  if (typeof raw !== 'string') return { ok: false, reason: 'is not text' };
  const text = raw.trim();
  const wildcard = /^https:\/\/\*\./i.test(text);
  const candidate = wildcard ? `https://${text.slice('https://*.'.length)}` : text;
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return { ok: false, reason: 'is not an address (write it as https://push.example.com)' };
  }
  if (url.username || url.password) return { ok: false, reason: 'must not contain a user name or password' };
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    return { ok: false, reason: 'must be an origin only (https://host or https://host:port), without a path' };
  }
  if (url.hostname.includes('*')) return { ok: false, reason: 'may use * only as its first label, as in https://*.example.com' };
  if (wildcard) {
    if (/^\d+(\.\d+){3}$/.test(url.hostname) || url.hostname.startsWith('[')) {
      return { ok: false, reason: 'puts a wildcard on an IP address; a wildcard needs a domain name' };
    }
    if (url.hostname.split('.').length < 2) {
      return { ok: false, reason: 'is a wildcard over a top-level domain; name a domain of at least two labels, such as https://*.example.com' };
    }
    return { ok: true, value: `https://*.${url.host}` };
  }
  const origin = checkServerOrigin(candidate);
  return origin.ok ? { ok: true, value: origin.origin } : { ok: false, reason: origin.reason };
}

function parseIssuer(raw: unknown): { ok: true; value: string } | { ok: false; reason: string } {
  const result = IssuerName.safeParse(raw);
  return result.success ? { ok: true, value: result.data } : { ok: false, reason: 'must be an issuer name of 1 to 200 characters without control characters' };
}

function parseHttpsUrl(raw: unknown): { ok: true; value: string } | { ok: false; reason: string } {
  if (typeof raw !== 'string') return { ok: false, reason: 'is not text' };
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, reason: 'is not an address' };
  }
  if (url.protocol !== 'https:') return { ok: false, reason: 'must use https' };
  if (url.username || url.password) return { ok: false, reason: 'must not contain a user name or password' };
  if (url.hash) return { ok: false, reason: 'must not contain a #fragment' };
  return { ok: true, value: url.href };
}

function urlSpec(expects: string, check: (raw: unknown) => { ok: true; value: string } | { ok: false; reason: string }, fallbackText: string): KeySpec<string> {
  return {
    expects,
    fallbackText,
    parse(raw) {
      const result = check(raw);
      return result.ok ? { ok: true, value: result.value, entryProblems: [] } : { ok: false, reason: `(${describeValue(raw)}) ${result.reason}` };
    },
  };
}

function pushOrigin(raw: unknown): { ok: true; value: string } | { ok: false; reason: string } {
  const rule = parsePushServerRule(raw);
  if (rule.ok && rule.value.includes('*')) return { ok: false, reason: 'is a wildcard; name one server' };
  return rule;
}

const SPECS = {
  PolicyVersion: scalar(Version, `must be a whole number (this Twofold reads version ${POLICY_VERSION})`, `reading it as version ${POLICY_VERSION}`),
  AllowedPushServers: list(
    'must be a list of push server origins',
    parsePushServerRule,
    'that server is not allowed',
    'no new push server can be enrolled until it is fixed (accounts already enrolled keep working)',
  ),
  EnrollmentServerUrl: urlSpec('must be the push server origin', pushOrigin, 'no enrollment server is pre-configured (users can still enroll with a link)'),
  EnrollmentServerFingerprint: scalar(
    Fingerprint,
    "must be the server key's SHA-256 thumbprint: 43 characters of A-Z, a-z, 0-9, _ and -",
    'no enrollment server is pre-configured (users can still enroll with a link)',
  ),
  EnrollmentServerName: scalar(DisplayName, 'must be a name of 1 to 100 characters', "the server's host name is shown instead"),
  RequirePassphrase: scalar(PolicyBoolean, 'must be true or false (or 1 or 0)', 'a passphrase is required'),
  MaxAutoLockMinutes: scalar(
    AutoLockMinutes,
    'must be a whole number of minutes from 1 to 1440',
    `Twofold locks after at most ${FALLBACK_MAX_AUTO_LOCK_MINUTES} minutes until it is fixed`,
  ),
  DisablePlainExport: scalar(PolicyBoolean, 'must be true or false (or 1 or 0)', 'plain (unencrypted) export is turned off'),
  AllowedIssuers: list(
    'must be a list of issuer names',
    parseIssuer,
    'that entry allows nothing',
    'no new code account can be added until it is fixed (existing accounts keep working)',
  ),
  UpdateChannel: scalar(Channel, `must be one of: ${UPDATE_CHANNELS.join(', ')}`, 'the stable channel is used'),
  UpdateUrl: urlSpec('must be an https address', parseHttpsUrl, 'updates are turned off until it is fixed'),
  UpdatesDisabled: scalar(PolicyBoolean, 'must be true or false (or 1 or 0)', 'updates are turned off'),
  Telemetry: scalar(z.preprocess((raw) => PolicyBoolean.safeParse(raw).data ?? raw, z.literal(false)), 'can only be false: Twofold has no telemetry to turn on', 'the value is ignored'),
} satisfies Record<PolicyKeyName, KeySpec<unknown>>;

type SpecValue<K extends PolicyKeyName> = (typeof SPECS)[K] extends KeySpec<infer T> ? T : never;

/** Short, quoted rendering of a raw value for a problem message (policy holds no secrets). */
export function describeValue(raw: unknown): string {
  if (raw instanceof UnsupportedPolicyValue) return raw.description;
  if (raw === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(raw) ?? String(raw);
  } catch {
    text = String(raw);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

const CANONICAL = new Map<string, PolicyKeyName>(POLICY_KEY_NAMES.map((name) => [name.toLowerCase(), name]));

/** The canonical spelling of a key name, or undefined for a name Twofold does not know. */
export function canonicalKeyName(name: string): PolicyKeyName | undefined {
  return CANONICAL.get(name.trim().toLowerCase());
}

const UNREADABLE_SUMMARY =
  'Until it is fixed, every policy key takes its safe choice: a passphrase is required, auto-lock is at most ' +
  `${FALLBACK_MAX_AUTO_LOCK_MINUTES} minutes, plain export is off, no new push server or code account can be added, and updates are off.`;

/**
 * Resolves the sources (highest precedence first) into the policy Twofold enforces.
 *
 * For each key, the first source that holds it decides; an unreadable source decides every key, with
 * that key's safe fallback. A value that can't be used takes the safe fallback too. Never throws.
 */
export function resolvePolicy(sources: readonly PolicySource[], readerProblems: readonly string[] = []): PolicyResult {
  const problems = [...readerProblems];
  if (sources.length === 0) return { policy: { ...NO_POLICY, updates: { ...NO_POLICY.updates } }, problems };

  const tables: Array<{ location: string; values: Map<PolicyKeyName, unknown> } | { location: string; unreadable: true }> = [];
  for (const source of sources) {
    if ('unreadable' in source) {
      problems.push(`${source.location} could not be read: ${source.unreadable}. ${UNREADABLE_SUMMARY}`);
      tables.push({ location: source.location, unreadable: true });
      continue;
    }
    const values = new Map<PolicyKeyName, unknown>();
    for (const [name, value] of Object.entries(source.values)) {
      const key = canonicalKeyName(name);
      if (key === undefined) {
        problems.push(`${source.location}: the key "${name}" is not a Twofold policy key and is ignored. Check its spelling against the deployment guide.`);
      } else if (values.has(key)) {
        problems.push(`${source.location}: ${key} is set more than once (names are case-insensitive); the first value is used.`);
      } else {
        values.set(key, value);
      }
    }
    tables.push({ location: source.location, values });
  }

  const fellBack = new Set<PolicyKeyName>();
  const read = <K extends PolicyKeyName>(key: K): { value: SpecValue<K> } | 'absent' | 'fallback' => {
    for (const table of tables) {
      if ('unreadable' in table) {
        fellBack.add(key);
        return 'fallback';
      }
      if (!table.values.has(key)) continue;
      const spec = SPECS[key] as KeySpec<SpecValue<K>>;
      const parsed = spec.parse(table.values.get(key));
      if (!parsed.ok) {
        problems.push(`${table.location}: ${key} ${parsed.reason}; ${spec.fallbackText}.`);
        fellBack.add(key);
        return 'fallback';
      }
      for (const entryProblem of parsed.entryProblems) problems.push(`${table.location}: ${key} ${entryProblem}.`);
      return { value: parsed.value };
    }
    return 'absent';
  };
  const value = <K extends PolicyKeyName, A, F>(key: K, absent: A, fallback: F): SpecValue<K> | A | F => {
    const outcome = read(key);
    return outcome === 'absent' ? absent : outcome === 'fallback' ? fallback : outcome.value;
  };

  const policyVersion = value('PolicyVersion', POLICY_VERSION, POLICY_VERSION);
  if (policyVersion > POLICY_VERSION) {
    problems.push(
      `The policy is written for version ${policyVersion}; this Twofold reads version ${POLICY_VERSION}. The keys it knows are applied; update Twofold to apply the rest.`,
    );
  }
  const allowList = (key: 'AllowedPushServers' | 'AllowedIssuers'): AllowList | null => {
    const outcome = read(key);
    if (outcome === 'absent') return null;
    if (outcome === 'fallback') return { entries: [], invalid: true };
    return { entries: outcome.value, invalid: false };
  };

  const policy: ManagedPolicy = {
    sources: sources.map((s) => s.location),
    policyVersion,
    allowedPushServers: allowList('AllowedPushServers'),
    enrollmentServer: resolveEnrollmentServer(read, problems, sources),
    requirePassphrase: value('RequirePassphrase', false, true),
    maxAutoLockMinutes: value('MaxAutoLockMinutes', null, FALLBACK_MAX_AUTO_LOCK_MINUTES),
    disablePlainExport: value('DisablePlainExport', false, true),
    allowedIssuers: allowList('AllowedIssuers'),
    updates: {
      channel: value('UpdateChannel', null, 'stable' as const),
      url: value('UpdateUrl', null, null),
      disabled: value('UpdatesDisabled', false, true),
    },
  };
  value('Telemetry', undefined, undefined);
  // An UpdateUrl IT set but Twofold can't use: the public feed would ship versions IT has not
  // approved, so updates stop instead (and the problem says so).
  if (fellBack.has('UpdateUrl')) policy.updates.disabled = true;
  return { policy, problems };
}

type Reader = <K extends PolicyKeyName>(key: K) => { value: SpecValue<K> } | 'absent' | 'fallback';

function resolveEnrollmentServer(read: Reader, problems: string[], sources: readonly PolicySource[]): EnrollmentServer | null {
  const url = read('EnrollmentServerUrl');
  const fingerprint = read('EnrollmentServerFingerprint');
  const name = read('EnrollmentServerName');
  const where = sources[0]?.location ?? 'The policy';
  if (url === 'fallback' || fingerprint === 'fallback') return null;
  if (url === 'absent' && fingerprint === 'absent') {
    if (name !== 'absent') problems.push(`${where}: EnrollmentServerName is set without EnrollmentServerUrl and is ignored.`);
    return null;
  }
  if (url === 'absent') {
    problems.push(`${where}: EnrollmentServerFingerprint is set without EnrollmentServerUrl; no enrollment server is pre-configured.`);
    return null;
  }
  if (fingerprint === 'absent') {
    problems.push(
      `${where}: EnrollmentServerUrl is set without EnrollmentServerFingerprint, so the server's key can't be pinned; no enrollment server is pre-configured (users can still enroll with a link).`,
    );
    return null;
  }
  return { url: url.value, fingerprint: fingerprint.value, name: typeof name === 'object' ? name.value : new URL(url.value).hostname };
}
