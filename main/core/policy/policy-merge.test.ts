import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../common/api-contract';
import { TwofoldError } from '../../../common/errors';
import { parseEnrollmentUri } from '../../../common/push-protocol';
import {
  applyPolicyToSettings,
  checkIssuerAllowed,
  checkPlainExportAllowed,
  checkPushServer,
  checkSettingsUpdate,
  checkUpdatesAllowed,
  checkVaultSlots,
  effectiveUpdateConfig,
  managedEnrollmentUri,
} from './policy-merge';
import { NO_POLICY, resolvePolicy, type ManagedPolicy } from './policy-schema';

const FP = 'N6kRcWlqtwjPgT8W2VZ1sMjGZ0y8sQ1yJx2b3c4d5e6';

/** A policy as IT would write it, resolved the way the app resolves it. */
function policyOf(values: Record<string, unknown>): ManagedPolicy {
  const { policy, problems } = resolvePolicy([{ location: 'test', values }]);
  expect(problems).toEqual([]);
  return policy;
}

const LOCKED_DOWN = resolvePolicy([{ location: 'test', unreadable: 'broken' }]).policy;

/** The error `fn` throws, asserting it is a TwofoldError. */
function errorOf(fn: () => void): TwofoldError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TwofoldError);
    return error as TwofoldError;
  }
  throw new Error('expected a TwofoldError, nothing was thrown');
}

describe('applyPolicyToSettings', () => {
  const user = { ...DEFAULT_SETTINGS, autoLockMinutes: 60 };

  it('leaves settings alone and marks nothing managed on an unmanaged machine', () => {
    expect(applyPolicyToSettings(user, NO_POLICY)).toEqual({ settings: user, managed: [], limits: {} });
  });

  it('caps auto-lock at the policy maximum and marks it managed', () => {
    expect(applyPolicyToSettings(user, policyOf({ MaxAutoLockMinutes: 15 }))).toEqual({
      settings: { ...user, autoLockMinutes: 15 },
      managed: ['autoLockMinutes'],
      limits: { autoLockMinutes: { max: 15 } },
    });
  });

  it('keeps a stricter user choice, still shown as managed', () => {
    const result = applyPolicyToSettings({ ...user, autoLockMinutes: 2 }, policyOf({ MaxAutoLockMinutes: 15 }));
    expect(result.settings.autoLockMinutes).toBe(2);
    expect(result.managed).toEqual(['autoLockMinutes']);
  });
});

describe('checkSettingsUpdate', () => {
  it('refuses an auto-lock above the maximum, naming it', () => {
    const error = errorOf(() => checkSettingsUpdate(policyOf({ MaxAutoLockMinutes: 1 }), { autoLockMinutes: 5 }));
    expect(error.toInfo()).toEqual({ code: 'POLICY_FORBIDDEN', message: 'Your organisation allows auto-lock after at most 1 minute. Choose 1 minute or fewer.', field: 'autoLockMinutes' });
  });

  it('allows changes within the policy', () => {
    expect(() => checkSettingsUpdate(policyOf({ MaxAutoLockMinutes: 15 }), { autoLockMinutes: 15, lockOnSuspend: false })).not.toThrow();
    expect(() => checkSettingsUpdate(NO_POLICY, { autoLockMinutes: 1440 })).not.toThrow();
  });
});

describe('checkPushServer', () => {
  const policy = policyOf({ AllowedPushServers: ['https://idp.example.com', 'https://*.push.example.com'] });

  it('allows any server without an allowlist', () => {
    expect(() => checkPushServer(NO_POLICY, 'https://anything.example.org')).not.toThrow();
  });

  it('allows listed origins and one-label matches of a wildcard', () => {
    for (const origin of ['https://idp.example.com', 'https://IDP.example.com:443/', 'https://eu.push.example.com', 'https://us.push.example.com']) {
      expect(() => checkPushServer(policy, origin), origin).not.toThrow();
    }
  });

  it('refuses everything else, saying what is allowed', () => {
    for (const origin of ['https://evil.example.com', 'https://push.example.com', 'https://a.b.push.example.com', 'https://eu.push.example.com:8443', 'https://idp.example.com.evil.test', 'not a url']) {
      const error = errorOf(() => checkPushServer(policy, origin));
      expect(error.code, origin).toBe('POLICY_FORBIDDEN');
      expect(error.field).toBe('server');
      expect(error.message).toMatch(/^Your organisation allows push sign-in only with https:\/\/idp\.example\.com, https:\/\/\*\.push\.example\.com\. .* is not one of them; ask your IT department if you need it\.$/);
    }
    expect(errorOf(() => checkPushServer(policy, 'https://evil.example.com/x')).message).toContain('https://evil.example.com is not one of them');
  });

  it('applies a readable allowlist to already-enrolled servers too', () => {
    expect(() => checkPushServer(policy, 'https://old.example.org', 'connect')).toThrow(TwofoldError);
  });

  it('an unreadable allowlist stops new servers but leaves enrolled ones connected', () => {
    const error = errorOf(() => checkPushServer(LOCKED_DOWN, 'https://idp.example.com'));
    expect(error.message).toBe(
      "Your organisation's list of allowed push servers could not be read, so no new push server can be added on this computer until your IT department fixes the policy.",
    );
    expect(() => checkPushServer(LOCKED_DOWN, 'https://idp.example.com', 'connect')).not.toThrow();
  });

  it('an empty allowlist means no push sign-in', () => {
    expect(errorOf(() => checkPushServer(policyOf({ AllowedPushServers: [] }), 'https://idp.example.com')).message).toBe(
      "Your organisation does not allow push sign-in on this computer, so https://idp.example.com can't be used. Ask your IT department if you need it.",
    );
  });

  it('always allows the pre-configured enrollment server', () => {
    const withServer = policyOf({ AllowedPushServers: [], EnrollmentServerUrl: 'https://idp.example.com', EnrollmentServerFingerprint: FP });
    expect(() => checkPushServer(withServer, 'https://idp.example.com')).not.toThrow();
    expect(() => checkPushServer(withServer, 'https://other.example.com')).toThrow(TwofoldError);
  });
});

describe('checkIssuerAllowed', () => {
  const policy = policyOf({ AllowedIssuers: ['GitHub', 'Example Corp'] });

  it('allows any issuer without an allowlist', () => {
    expect(() => checkIssuerAllowed(NO_POLICY, '')).not.toThrow();
  });

  it('matches issuer names exactly, in any case', () => {
    for (const issuer of ['GitHub', 'github', ' GITHUB ', 'example corp']) expect(() => checkIssuerAllowed(policy, issuer), issuer).not.toThrow();
  });

  it('refuses other issuers, prefixes and a missing issuer, saying what is allowed', () => {
    expect(errorOf(() => checkIssuerAllowed(policy, 'GitHub Enterprise')).toInfo()).toEqual({
      code: 'POLICY_FORBIDDEN',
      field: 'issuer',
      message: 'Your organisation allows code accounts only for these issuers: GitHub, Example Corp. "GitHub Enterprise" is not one of them; ask your IT department if you need it.',
    });
    expect(errorOf(() => checkIssuerAllowed(policy, '  ')).message).toBe(
      'Your organisation allows code accounts only for these issuers: GitHub, Example Corp. This account names no issuer; enter one of them as its issuer, or ask your IT department.',
    );
  });

  it('shortens a long allowlist in the message', () => {
    const many = policyOf({ AllowedIssuers: ['A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7'] });
    expect(errorOf(() => checkIssuerAllowed(many, 'B')).message).toContain('only for these issuers: A1, A2, A3, A4, A5 and 2 more.');
  });

  it('an unreadable allowlist allows no new account; an empty one allows none at all', () => {
    expect(errorOf(() => checkIssuerAllowed(LOCKED_DOWN, 'GitHub')).message).toBe(
      "Your organisation's list of allowed issuers could not be read, so no code account can be added on this computer until your IT department fixes the policy.",
    );
    expect(errorOf(() => checkIssuerAllowed(policyOf({ AllowedIssuers: [] }), 'GitHub')).message).toBe('Your organisation does not allow adding code accounts on this computer.');
  });
});

describe('checkPlainExportAllowed', () => {
  it('refuses plain exports when the policy turns them off, pointing to encrypted backups', () => {
    expect(() => checkPlainExportAllowed(NO_POLICY)).not.toThrow();
    expect(errorOf(() => checkPlainExportAllowed(policyOf({ DisablePlainExport: true }))).toInfo()).toEqual({
      code: 'POLICY_FORBIDDEN',
      message: 'Your organisation has turned off unencrypted exports (plain otpauth:// links, QR codes and showing secrets). Use an encrypted Twofold backup instead.',
    });
    expect(() => checkPlainExportAllowed(LOCKED_DOWN)).toThrow(TwofoldError);
  });
});

describe('checkVaultSlots', () => {
  const required = policyOf({ RequirePassphrase: true });

  it('refuses a keychain-only vault when a passphrase is required', () => {
    expect(errorOf(() => checkVaultSlots(required, { passphrase: null, useOsSlot: true })).toInfo()).toEqual({
      code: 'POLICY_FORBIDDEN',
      field: 'passphrase',
      message:
        'Your organisation requires a passphrase for the vault, so unlocking with the system keychain alone is not allowed. Choose a passphrase; the keychain can still unlock it day to day.',
    });
  });

  it('allows a passphrase, with or without the keychain, and never repeats the passphrase', () => {
    expect(() => checkVaultSlots(required, { passphrase: 'correct horse battery', useOsSlot: true })).not.toThrow();
    expect(() => checkVaultSlots(required, { passphrase: 'correct horse battery', useOsSlot: false })).not.toThrow();
    expect(() => checkVaultSlots(NO_POLICY, { passphrase: null, useOsSlot: true })).not.toThrow();
  });
});

describe('effectiveUpdateConfig', () => {
  const defaults = { enabled: true, channel: 'stable' as const, url: 'https://updates.twofold.dev/' };

  it('keeps the app defaults without a policy', () => {
    expect(effectiveUpdateConfig(NO_POLICY, defaults)).toEqual({ ...defaults, managed: [] });
  });

  it('takes the channel and feed from the policy', () => {
    expect(effectiveUpdateConfig(policyOf({ UpdateChannel: 'BETA', UpdateUrl: 'https://updates.example.com/twofold/' }), defaults)).toEqual({
      enabled: true,
      channel: 'beta',
      url: 'https://updates.example.com/twofold/',
      managed: ['channel', 'url'],
    });
  });

  it('turns updates off when the policy says so, or when its feed address is unusable', () => {
    expect(effectiveUpdateConfig(policyOf({ UpdatesDisabled: 1 }), defaults)).toMatchObject({ enabled: false, managed: ['enabled'] });
    const badUrl = resolvePolicy([{ location: 'test', values: { UpdateUrl: 'ftp://updates.example.com' } }]).policy;
    expect(effectiveUpdateConfig(badUrl, defaults)).toMatchObject({ enabled: false, url: defaults.url });
    expect(errorOf(() => checkUpdatesAllowed(badUrl)).code).toBe('POLICY_FORBIDDEN');
    expect(() => checkUpdatesAllowed(NO_POLICY)).not.toThrow();
  });
});

describe('managedEnrollmentUri', () => {
  it('builds the enrollment link for the pre-configured server, pinning its fingerprint', () => {
    const policy = policyOf({ EnrollmentServerUrl: 'https://idp.example.com', EnrollmentServerFingerprint: FP, EnrollmentServerName: 'Example Corp' });
    const parsed = parseEnrollmentUri(managedEnrollmentUri(policy, '  abcdefghijklmnop1234  '));
    expect(parsed).toEqual({ ok: true, value: { server: 'https://idp.example.com', code: 'abcdefghijklmnop1234', fingerprint: FP, account: '', issuer: 'Example Corp' } });
  });

  it('says how to enroll when no server is pre-configured', () => {
    expect(errorOf(() => managedEnrollmentUri(NO_POLICY, 'abcdefghijklmnop1234')).code).toBe('ENROLL_URI_INVALID');
  });
});
