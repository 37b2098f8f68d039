/**
 * How the managed policy bends the app: machine policy over user settings, and the pure checks the
 * core calls before an action the policy may forbid. Every refusal is a TwofoldError
 * ('POLICY_FORBIDDEN') whose message says what the organisation allows and what to do.
 */
import type { Settings } from '../../../common/api-contract';
import { TwofoldError } from '../../../common/errors';
import { formatEnrollmentUri } from '../../../common/push-protocol';
import type { AllowList, ManagedPolicy, UpdateChannel } from './policy-schema';

/** A user setting's name. */
export type SettingName = keyof Settings;

/** User settings after policy, with what the UI should show as "managed by your organisation". */
export interface EffectiveSettings {
  /** The settings the app runs with. */
  settings: Settings;
  /** Settings the policy decides or bounds, for the UI's "managed by your organisation". */
  managed: SettingName[];
  /** Upper bounds the policy puts on numeric settings, so the UI can offer only allowed values. */
  limits: Partial<Record<SettingName, { max: number }>>;
}

/** Applies machine policy to the user's settings: a policy bound always wins over the user's choice. */
export function applyPolicyToSettings(user: Settings, policy: ManagedPolicy): EffectiveSettings {
  const settings = { ...user };
  const managed: SettingName[] = [];
  const limits: EffectiveSettings['limits'] = {};
  if (policy.maxAutoLockMinutes !== null) {
    settings.autoLockMinutes = Math.min(user.autoLockMinutes, policy.maxAutoLockMinutes);
    managed.push('autoLockMinutes');
    limits.autoLockMinutes = { max: policy.maxAutoLockMinutes };
  }
  return { settings, managed, limits };
}

/** Refuses a settings change the policy does not allow (the UI should not offer it; this is the backstop). */
export function checkSettingsUpdate(policy: ManagedPolicy, patch: Partial<Settings>): void {
  const max = policy.maxAutoLockMinutes;
  if (max !== null && patch.autoLockMinutes !== undefined && patch.autoLockMinutes > max) {
    throw new TwofoldError(
      'POLICY_FORBIDDEN',
      `Your organisation allows auto-lock after at most ${minutes(max)}. Choose ${minutes(max)} or fewer.`,
      'autoLockMinutes',
    );
  }
}

function minutes(n: number): string {
  return n === 1 ? '1 minute' : `${n} minutes`;
}

/** Lists allowlist entries for a message, shortened when IT listed many. */
function listForMessage(entries: readonly string[]): string {
  const shown = entries.slice(0, 5).join(', ');
  return entries.length > 5 ? `${shown} and ${entries.length - 5} more` : shown;
}

function matchesServerRule(rule: string, url: URL): boolean {
  if (!rule.startsWith('https://*.')) return rule === url.origin;
  // Same shape as a TLS wildcard certificate: exactly one label in place of "*", same scheme and port.
  const base = new URL(`https://${rule.slice('https://*.'.length)}`);
  if (url.protocol !== 'https:' || url.port !== base.port) return false;
  if (!url.hostname.endsWith(`.${base.hostname}`)) return false;
  const label = url.hostname.slice(0, -(base.hostname.length + 1));
  return label !== '' && !label.includes('.');
}

/**
 * Refuses a push server the policy does not allow. `use` is 'enroll' for adding a server and
 * 'connect' for one already enrolled: an allowlist that could not be read stops new enrollments but
 * leaves existing accounts connected, while a readable allowlist applies to both. The pre-configured
 * enrollment server is always allowed.
 */
export function checkPushServer(policy: ManagedPolicy, origin: string, use: 'enroll' | 'connect' = 'enroll'): void {
  const list = policy.allowedPushServers;
  if (list === null) return;
  let url: URL | null;
  try {
    url = new URL(origin);
  } catch {
    url = null;
  }
  if (url && policy.enrollmentServer && url.origin === policy.enrollmentServer.url) return;
  if (list.invalid) {
    if (use === 'connect') return;
    throw new TwofoldError(
      'POLICY_FORBIDDEN',
      "Your organisation's list of allowed push servers could not be read, so no new push server can be added on this computer until your IT department fixes the policy.",
      'server',
    );
  }
  if (url && list.entries.some((rule) => matchesServerRule(rule, url))) return;
  const shown = url?.origin ?? origin.slice(0, 200);
  if (list.entries.length === 0) {
    throw new TwofoldError('POLICY_FORBIDDEN', `Your organisation does not allow push sign-in on this computer, so ${shown} can't be used. Ask your IT department if you need it.`, 'server');
  }
  throw new TwofoldError(
    'POLICY_FORBIDDEN',
    `Your organisation allows push sign-in only with ${listForMessage(list.entries)}. ${shown} is not one of them; ask your IT department if you need it.`,
    'server',
  );
}

/** The form in which issuers are compared: trimmed, NFC, lower case. */
function foldIssuer(issuer: string): string {
  return issuer.trim().normalize('NFC').toLowerCase();
}

function isIssuerListed(list: AllowList, issuer: string): boolean {
  const wanted = foldIssuer(issuer);
  return wanted !== '' && list.entries.some((entry) => foldIssuer(entry) === wanted);
}

/**
 * Refuses adding a code account whose issuer is outside the policy's allowlist (exact name, any case).
 * Accounts already in the vault are not affected; call this for every add, scan and imported entry.
 */
export function checkIssuerAllowed(policy: ManagedPolicy, issuer: string): void {
  const list = policy.allowedIssuers;
  if (list === null || isIssuerListed(list, issuer)) return;
  if (list.invalid) {
    throw new TwofoldError(
      'POLICY_FORBIDDEN',
      "Your organisation's list of allowed issuers could not be read, so no code account can be added on this computer until your IT department fixes the policy.",
      'issuer',
    );
  }
  if (list.entries.length === 0) {
    throw new TwofoldError('POLICY_FORBIDDEN', 'Your organisation does not allow adding code accounts on this computer.', 'issuer');
  }
  const allowed = listForMessage(list.entries);
  const name = issuer.trim();
  throw new TwofoldError(
    'POLICY_FORBIDDEN',
    name === ''
      ? `Your organisation allows code accounts only for these issuers: ${allowed}. This account names no issuer; enter one of them as its issuer, or ask your IT department.`
      : `Your organisation allows code accounts only for these issuers: ${allowed}. "${name.slice(0, 200)}" is not one of them; ask your IT department if you need it.`,
    'issuer',
  );
}

/** Refuses unencrypted exports (otpauth:// link lists, QR codes, showing one account's secret or QR). */
export function checkPlainExportAllowed(policy: ManagedPolicy): void {
  if (!policy.disablePlainExport) return;
  throw new TwofoldError(
    'POLICY_FORBIDDEN',
    'Your organisation has turned off unencrypted exports (plain otpauth:// links, QR codes and showing secrets). Use an encrypted Twofold backup instead.',
  );
}

/**
 * Refuses a vault whose key slots the policy does not allow: with RequirePassphrase, every vault
 * needs a passphrase slot (an OS-keychain slot may be added alongside it). Call it when creating a
 * vault and whenever slots change.
 */
export function checkVaultSlots(policy: ManagedPolicy, slots: { passphrase: string | null; useOsSlot: boolean }): void {
  if (!policy.requirePassphrase || slots.passphrase !== null) return;
  throw new TwofoldError(
    'POLICY_FORBIDDEN',
    slots.useOsSlot
      ? 'Your organisation requires a passphrase for the vault, so unlocking with the system keychain alone is not allowed. Choose a passphrase; the keychain can still unlock it day to day.'
      : 'Your organisation requires a passphrase for the vault. Choose a passphrase.',
    'passphrase',
  );
}

/** The update settings the app would use without a policy. */
export interface UpdateConfig {
  enabled: boolean;
  channel: UpdateChannel;
  /** The generic HTTPS feed. */
  url: string;
}

/** Update settings after policy, with which of them the organisation decides. */
export interface EffectiveUpdateConfig extends UpdateConfig {
  /** The fields the policy set, for "managed by your organisation". */
  managed: Array<keyof UpdateConfig>;
}

/** What the updater runs with: the policy's channel, feed or "off" over the app's defaults. */
export function effectiveUpdateConfig(policy: ManagedPolicy, defaults: UpdateConfig): EffectiveUpdateConfig {
  const managed: Array<keyof UpdateConfig> = [];
  const config: EffectiveUpdateConfig = { ...defaults, managed };
  if (policy.updates.disabled) {
    config.enabled = false;
    managed.push('enabled');
  }
  if (policy.updates.channel !== null) {
    config.channel = policy.updates.channel;
    managed.push('channel');
  }
  if (policy.updates.url !== null) {
    config.url = policy.updates.url;
    managed.push('url');
  }
  return config;
}

/** Refuses a manual "check for updates" when the policy turned updates off. */
export function checkUpdatesAllowed(policy: ManagedPolicy): void {
  if (!policy.updates.disabled) return;
  throw new TwofoldError('POLICY_FORBIDDEN', 'Your organisation manages updates for Twofold and has turned them off on this computer. Ask your IT department for the latest version.');
}

/**
 * The enrollment link for the pre-configured server and a one-time code the user typed, so the usual
 * enrollment (with the policy's fingerprint pinned) runs unchanged. The server names the account.
 */
export function managedEnrollmentUri(policy: ManagedPolicy, code: string): string {
  const server = policy.enrollmentServer;
  if (server === null) {
    throw new TwofoldError('ENROLL_URI_INVALID', 'No enrollment server is set up on this computer. Use the enrollment link or QR code from your sign-in page.', 'code');
  }
  return formatEnrollmentUri({ server: server.url, code: code.trim(), fingerprint: server.fingerprint, account: '', issuer: server.name });
}
