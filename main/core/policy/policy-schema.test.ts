import { describe, expect, it } from 'vitest';
import {
  FALLBACK_MAX_AUTO_LOCK_MINUTES,
  NO_POLICY,
  parsePushServerRule,
  resolvePolicy,
  UnsupportedPolicyValue,
  type ManagedPolicy,
  type PolicySource,
} from './policy-schema';

const FP = 'N6kRcWlqtwjPgT8W2VZ1sMjGZ0y8sQ1yJx2b3c4d5e6'; // 43 base64url characters
const FILE = '/etc/twofold/policy.json';
const one = (values: Record<string, unknown>): PolicySource[] => [{ location: FILE, values }];

/** The policy when every key falls back: what an unreadable source must produce. */
const LOCKED_DOWN: Omit<ManagedPolicy, 'sources'> = {
  policyVersion: 1,
  allowedPushServers: { entries: [], invalid: true },
  enrollmentServer: null,
  requirePassphrase: true,
  maxAutoLockMinutes: FALLBACK_MAX_AUTO_LOCK_MINUTES,
  disablePlainExport: true,
  allowedIssuers: { entries: [], invalid: true },
  updates: { channel: 'stable', url: null, disabled: true },
};

describe('resolvePolicy', () => {
  it('gives an unmanaged machine no restriction and no problem', () => {
    expect(resolvePolicy([])).toEqual({ policy: NO_POLICY, problems: [] });
  });

  it('reads every key of a complete, valid policy', () => {
    const { policy, problems } = resolvePolicy(
      one({
        PolicyVersion: 1,
        AllowedPushServers: ['https://idp.example.com', 'https://*.push.example.com'],
        EnrollmentServerUrl: 'https://idp.example.com',
        EnrollmentServerFingerprint: FP,
        EnrollmentServerName: 'Example Corp',
        RequirePassphrase: true,
        MaxAutoLockMinutes: 15,
        DisablePlainExport: true,
        AllowedIssuers: ['GitHub', 'Example Corp'],
        UpdateChannel: 'beta',
        UpdateUrl: 'https://updates.example.com/twofold/',
        UpdatesDisabled: false,
        Telemetry: false,
      }),
    );
    expect(problems).toEqual([]);
    expect(policy).toEqual({
      sources: [FILE],
      policyVersion: 1,
      allowedPushServers: { entries: ['https://idp.example.com', 'https://*.push.example.com'], invalid: false },
      enrollmentServer: { url: 'https://idp.example.com', fingerprint: FP, name: 'Example Corp' },
      requirePassphrase: true,
      maxAutoLockMinutes: 15,
      disablePlainExport: true,
      allowedIssuers: { entries: ['GitHub', 'Example Corp'], invalid: false },
      updates: { channel: 'beta', url: 'https://updates.example.com/twofold/', disabled: false },
    } satisfies ManagedPolicy);
  });

  it('matches key names in any case, as the registry does', () => {
    const { policy, problems } = resolvePolicy(one({ requirepassphrase: 1, MAXAUTOLOCKMINUTES: '10' }));
    expect(problems).toEqual([]);
    expect(policy.requirePassphrase).toBe(true);
    expect(policy.maxAutoLockMinutes).toBe(10);
  });

  it('accepts booleans as true/false, 1/0 and their text forms', () => {
    for (const [raw, expected] of [[true, true], [1, true], ['TRUE', true], ['1', true], [false, false], [0, false], ['false', false], [' 0 ', false]] as const) {
      const { policy, problems } = resolvePolicy(one({ DisablePlainExport: raw }));
      expect(problems, String(raw)).toEqual([]);
      expect(policy.disablePlainExport, String(raw)).toBe(expected);
    }
  });

  it('reports an unknown (misspelled) key by name and ignores it', () => {
    const { policy, problems } = resolvePolicy(one({ RequirePasphrase: true }));
    expect(policy.requirePassphrase).toBe(false);
    expect(problems).toEqual([`${FILE}: the key "RequirePasphrase" is not a Twofold policy key and is ignored. Check its spelling against the deployment guide.`]);
  });

  it('reports a key set twice in different case and uses the first', () => {
    const { policy, problems } = resolvePolicy(one({ MaxAutoLockMinutes: 3, maxautolockminutes: 30 }));
    expect(policy.maxAutoLockMinutes).toBe(3);
    expect(problems).toEqual([`${FILE}: MaxAutoLockMinutes is set more than once (names are case-insensitive); the first value is used.`]);
  });

  describe('a bad value falls back to the safe choice and says so, naming the place and the key', () => {
    const cases: Array<{ key: string; raw: unknown; check: (p: ManagedPolicy) => unknown; expected: unknown; message: string }> = [
      { key: 'RequirePassphrase', raw: 'yes', check: (p) => p.requirePassphrase, expected: true, message: 'RequirePassphrase must be true or false (or 1 or 0) (found "yes"); a passphrase is required.' },
      { key: 'MaxAutoLockMinutes', raw: 'ten', check: (p) => p.maxAutoLockMinutes, expected: 5, message: 'MaxAutoLockMinutes must be a whole number of minutes from 1 to 1440 (found "ten"); Twofold locks after at most 5 minutes until it is fixed.' },
      { key: 'MaxAutoLockMinutes', raw: 0, check: (p) => p.maxAutoLockMinutes, expected: 5, message: 'MaxAutoLockMinutes must be a whole number of minutes from 1 to 1440 (found 0); Twofold locks after at most 5 minutes until it is fixed.' },
      { key: 'MaxAutoLockMinutes', raw: 1441, check: (p) => p.maxAutoLockMinutes, expected: 5, message: 'MaxAutoLockMinutes must be a whole number of minutes from 1 to 1440 (found 1441); Twofold locks after at most 5 minutes until it is fixed.' },
      { key: 'DisablePlainExport', raw: 2, check: (p) => p.disablePlainExport, expected: true, message: 'DisablePlainExport must be true or false (or 1 or 0) (found 2); plain (unencrypted) export is turned off.' },
      { key: 'AllowedPushServers', raw: { url: 'https://a.example' }, check: (p) => p.allowedPushServers, expected: { entries: [], invalid: true }, message: 'AllowedPushServers must be a list of push server origins (found {"url":"https://a.example"}); no new push server can be enrolled until it is fixed (accounts already enrolled keep working).' },
      { key: 'AllowedIssuers', raw: 42, check: (p) => p.allowedIssuers, expected: { entries: [], invalid: true }, message: 'AllowedIssuers must be a list of issuer names (found 42); no new code account can be added until it is fixed (existing accounts keep working).' },
      { key: 'UpdateChannel', raw: 'nightly', check: (p) => p.updates, expected: { channel: 'stable', url: null, disabled: false }, message: 'UpdateChannel must be one of: stable, beta (found "nightly"); the stable channel is used.' },
      { key: 'UpdateUrl', raw: 'http://updates.example.com/', check: (p) => p.updates, expected: { channel: null, url: null, disabled: true }, message: 'UpdateUrl ("http://updates.example.com/") must use https; updates are turned off until it is fixed.' },
      { key: 'UpdatesDisabled', raw: 'off', check: (p) => p.updates.disabled, expected: true, message: 'UpdatesDisabled must be true or false (or 1 or 0) (found "off"); updates are turned off.' },
      { key: 'Telemetry', raw: true, check: (p) => p, expected: { ...NO_POLICY, sources: [FILE] }, message: 'Telemetry can only be false: Twofold has no telemetry to turn on (found true); the value is ignored.' },
    ];
    for (const c of cases) {
      it(`${c.key} = ${JSON.stringify(c.raw)}`, () => {
        const { policy, problems } = resolvePolicy(one({ [c.key]: c.raw }));
        expect(c.check(policy)).toEqual(c.expected);
        expect(problems).toEqual([`${FILE}: ${c.message}`]);
      });
    }

    it('describes a value a reader could not represent', () => {
      const { policy, problems } = resolvePolicy([{ location: 'HKLM\\Software\\Policies\\Twofold', values: { RequirePassphrase: new UnsupportedPolicyValue('a REG_BINARY value') } }]);
      expect(policy.requirePassphrase).toBe(true);
      expect(problems).toEqual(['HKLM\\Software\\Policies\\Twofold: RequirePassphrase must be true or false (or 1 or 0) (found a REG_BINARY value); a passphrase is required.']);
    });
  });

  it('treats an unreadable source as "every key takes its safe choice" and says what that means', () => {
    const { policy, problems } = resolvePolicy([{ location: FILE, unreadable: 'it is not valid JSON (Unexpected token)' }]);
    expect(policy).toEqual({ sources: [FILE], ...LOCKED_DOWN });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${FILE} could not be read: it is not valid JSON (Unexpected token).`);
    expect(problems[0]).toContain('a passphrase is required, auto-lock is at most 5 minutes, plain export is off, no new push server or code account can be added, and updates are off');
  });

  it('lets the first source that sets a key decide it; an unreadable later source decides only the keys left over', () => {
    const { policy } = resolvePolicy([
      { location: 'machine', values: { RequirePassphrase: false, MaxAutoLockMinutes: 30 } },
      { location: 'user', values: { RequirePassphrase: true, MaxAutoLockMinutes: 2, DisablePlainExport: true } },
    ]);
    expect([policy.requirePassphrase, policy.maxAutoLockMinutes, policy.disablePlainExport]).toEqual([false, 30, true]);
    expect(policy.sources).toEqual(['machine', 'user']);

    const withBroken = resolvePolicy([
      { location: 'machine', values: { RequirePassphrase: false, AllowedIssuers: ['GitHub'] } },
      { location: 'user', unreadable: 'permission denied' },
    ]).policy;
    expect(withBroken.requirePassphrase).toBe(false);
    expect(withBroken.allowedIssuers).toEqual({ entries: ['GitHub'], invalid: false });
    expect(withBroken.disablePlainExport).toBe(true);
    expect(withBroken.allowedPushServers).toEqual({ entries: [], invalid: true });
  });

  it('drops bad allowlist entries one by one, so a list of only bad entries allows nothing', () => {
    const { policy, problems } = resolvePolicy(one({ AllowedPushServers: ['http://push.example.com', 'https://ok.example.com', 'push.example.com'] }));
    expect(policy.allowedPushServers).toEqual({ entries: ['https://ok.example.com'], invalid: false });
    expect(problems).toEqual([
      `${FILE}: AllowedPushServers entry "http://push.example.com" must use https (plain http is allowed only on this computer, for development); that server is not allowed.`,
      `${FILE}: AllowedPushServers entry "push.example.com" is not an address (write it as https://push.example.com); that server is not allowed.`,
    ]);
    const allBad = resolvePolicy(one({ AllowedIssuers: ['', '   '] }));
    expect(allBad.policy.allowedIssuers).toEqual({ entries: [], invalid: false });
    expect(allBad.problems).toHaveLength(2);
  });

  it('reads a single string as a one-entry list', () => {
    expect(resolvePolicy(one({ AllowedIssuers: ' GitHub ' })).policy.allowedIssuers).toEqual({ entries: ['GitHub'], invalid: false });
  });

  it('refuses an issuer entry with text-direction characters (it could look like another issuer)', () => {
    const { policy, problems } = resolvePolicy(one({ AllowedIssuers: ['Git\u202eHub', 'GitLab'] }));
    expect(policy.allowedIssuers?.entries).toEqual(['GitLab']);
    expect(problems[0]).toMatch(/AllowedIssuers entry .* must be an issuer name of 1 to 200 characters without control characters; that entry allows nothing\.$/);
  });

  it('reads a newer policy version, applying the keys it knows and saying so', () => {
    const { policy, problems } = resolvePolicy(one({ PolicyVersion: 2, RequirePassphrase: true }));
    expect(policy.policyVersion).toBe(2);
    expect(policy.requirePassphrase).toBe(true);
    expect(problems).toEqual(['The policy is written for version 2; this Twofold reads version 1. The keys it knows are applied; update Twofold to apply the rest.']);
  });

  describe('the pre-configured enrollment server', () => {
    it("shows the server's host name when the policy names none", () => {
      const { policy, problems } = resolvePolicy(one({ EnrollmentServerUrl: 'https://IDP.example.com/', EnrollmentServerFingerprint: FP }));
      expect(problems).toEqual([]);
      expect(policy.enrollmentServer).toEqual({ url: 'https://idp.example.com', fingerprint: FP, name: 'idp.example.com' });
    });

    it('is not set up without a fingerprint to pin, and says why', () => {
      const { policy, problems } = resolvePolicy(one({ EnrollmentServerUrl: 'https://idp.example.com' }));
      expect(policy.enrollmentServer).toBeNull();
      expect(problems).toEqual([
        `${FILE}: EnrollmentServerUrl is set without EnrollmentServerFingerprint, so the server's key can't be pinned; no enrollment server is pre-configured (users can still enroll with a link).`,
      ]);
    });

    it('is not set up with a bad fingerprint or a URL with a path', () => {
      const badFp = resolvePolicy(one({ EnrollmentServerUrl: 'https://idp.example.com', EnrollmentServerFingerprint: 'abc' }));
      expect(badFp.policy.enrollmentServer).toBeNull();
      expect(badFp.problems[0]).toMatch(/^\/etc\/twofold\/policy\.json: EnrollmentServerFingerprint must be the server key's SHA-256 thumbprint/);
      const path = resolvePolicy(one({ EnrollmentServerUrl: 'https://idp.example.com/enroll', EnrollmentServerFingerprint: FP }));
      expect(path.policy.enrollmentServer).toBeNull();
      expect(path.problems).toEqual([
        `${FILE}: EnrollmentServerUrl ("https://idp.example.com/enroll") must be an origin only (https://host or https://host:port), without a path; no enrollment server is pre-configured (users can still enroll with a link).`,
      ]);
    });
  });
});

describe('parsePushServerRule', () => {
  it('canonicalises origins the way push compares them', () => {
    expect(parsePushServerRule('HTTPS://Push.Example.COM:443/')).toEqual({ ok: true, value: 'https://push.example.com' });
    expect(parsePushServerRule('https://push.example.com:8443')).toEqual({ ok: true, value: 'https://push.example.com:8443' });
    expect(parsePushServerRule('https://bücher.example')).toEqual({ ok: true, value: 'https://xn--bcher-kva.example' });
    expect(parsePushServerRule('http://127.0.0.1:8080')).toEqual({ ok: true, value: 'http://127.0.0.1:8080' });
    expect(parsePushServerRule('https://*.Push.Example.com')).toEqual({ ok: true, value: 'https://*.push.example.com' });
  });

  it('refuses what would widen the list beyond what IT meant', () => {
    const reason = (raw: unknown) => {
      const r = parsePushServerRule(raw);
      return r.ok ? `accepted ${r.value}` : r.reason;
    };
    expect(reason('https://*.com')).toMatch(/wildcard over a top-level domain/);
    expect(reason('https://*.10.0.0.1')).toMatch(/wildcard on an IP address/);
    expect(reason('https://push.*.example.com')).toMatch(/only as its first label/);
    expect(reason('https://*')).toMatch(/only as its first label/);
    expect(reason('http://*.example.com')).toMatch(/only as its first label/);
    expect(reason('https://user:pw@push.example.com')).toMatch(/user name or password/);
    expect(reason('https://push.example.com/path')).toMatch(/without a path/);
    expect(reason('http://push.example.com')).toMatch(/must use https/);
    expect(reason(7)).toBe('is not text');
  });
});
