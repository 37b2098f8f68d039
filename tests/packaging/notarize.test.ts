// The notarization hooks (scripts/notarize.cjs): which Apple credentials they take from the
// environment, the one line they log when they skip, and when skipping must stop a release instead.
import { describe, expect, it } from 'vitest';
import type { AfterPackContext, BuildResult } from 'electron-builder';
import { afterAllArtifactBuild, afterSign, notarizeCredentials, notarizeOptionsOrSkip } from '../../scripts/notarize.cjs';

const apiKey = { APPLE_API_KEY: '/secrets/AuthKey_ABC.p8', APPLE_API_KEY_ID: 'ABC123', APPLE_API_ISSUER: 'issuer-uuid' };
const appleId = { APPLE_ID: 'release@example.com', APPLE_APP_SPECIFIC_PASSWORD: 'abcd-efgh-ijkl-mnop', APPLE_TEAM_ID: 'TEAM123' };

describe('Apple credentials from the environment', () => {
  it('takes an App Store Connect API key as @electron/notarize options', () => {
    expect(notarizeCredentials(apiKey)).toEqual({
      kind: 'App Store Connect API key',
      options: { appleApiKey: '/secrets/AuthKey_ABC.p8', appleApiKeyId: 'ABC123', appleApiIssuer: 'issuer-uuid' },
    });
  });

  it('takes an Apple ID with its app-specific password and team', () => {
    expect(notarizeCredentials(appleId)).toEqual({
      kind: 'Apple ID',
      options: { appleId: 'release@example.com', appleIdPassword: 'abcd-efgh-ijkl-mnop', teamId: 'TEAM123' },
    });
  });

  it('takes a notarytool keychain profile, with its keychain when given', () => {
    expect(notarizeCredentials({ APPLE_KEYCHAIN_PROFILE: 'twofold', APPLE_KEYCHAIN: '/k/build.keychain' })).toEqual({
      kind: 'keychain profile',
      options: { keychainProfile: 'twofold', keychain: '/k/build.keychain' },
    });
  });

  it('prefers the API key when both kinds are set', () => {
    expect(notarizeCredentials({ ...appleId, ...apiKey }).kind).toBe('App Store Connect API key');
  });

  it('reports nothing to use when no variable is set, or only blank ones', () => {
    expect(notarizeCredentials({}).kind).toBe('none');
    expect(notarizeCredentials({ APPLE_ID: '  ', APPLE_API_KEY: '' }).kind).toBe('none');
  });

  it('names the missing variables of an incomplete set, and never a value', () => {
    const found = notarizeCredentials({ APPLE_ID: 'release@example.com', APPLE_APP_SPECIFIC_PASSWORD: 'abcd-efgh-ijkl-mnop' });
    expect(found).toMatchObject({ kind: 'incomplete' });
    const reason = 'reason' in found ? found.reason : '';
    expect(reason).toContain('set APPLE_TEAM_ID');
    expect(reason).not.toContain('abcd-efgh-ijkl-mnop');
    expect(reason).not.toContain('release@example.com');
  });
});

describe('deciding whether to notarize', () => {
  it('skips with one log line naming the variables when there are no credentials', () => {
    const lines: string[] = [];
    expect(notarizeOptionsOrSkip({}, 'darwin', (line) => lines.push(line))).toBeNull();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^notarize: skipped, no Apple credentials.*APPLE_API_KEY.*APPLE_ID/);
  });

  it('skips off macOS, where notarytool does not exist', () => {
    const lines: string[] = [];
    expect(notarizeOptionsOrSkip(apiKey, 'linux', (line) => lines.push(line))).toBeNull();
    expect(lines).toEqual(['notarize: skipped, notarytool runs only on macOS.']);
  });

  it('stops a release build that must be notarized but has no credentials', () => {
    expect(() => notarizeOptionsOrSkip({ TWOFOLD_REQUIRE_NOTARIZATION: 'true' }, 'darwin', () => {})).toThrow(
      /no Apple credentials.*TWOFOLD_REQUIRE_NOTARIZATION is true/,
    );
  });

  it('stops on an incomplete set instead of shipping an unnotarized app', () => {
    expect(() => notarizeOptionsOrSkip({ APPLE_API_KEY: '/k.p8' }, 'darwin', () => {})).toThrow(/set APPLE_API_KEY_ID, APPLE_API_ISSUER/);
  });

  it('returns the credentials on macOS when they are complete', () => {
    expect(notarizeOptionsOrSkip(appleId, 'darwin', () => {})?.kind).toBe('Apple ID');
  });
});

describe('the hooks outside macOS builds', () => {
  it('afterSign does nothing for a Windows or Linux app', async () => {
    const context = { electronPlatformName: 'win32', appOutDir: 'nowhere' } as unknown as AfterPackContext;
    await expect(afterSign(context)).resolves.toBeUndefined();
  });

  it('afterAllArtifactBuild adds no files when the build made no .pkg', async () => {
    const result = { artifactPaths: ['release/Twofold-0.1.0-win-x64.msi', 'release/Twofold-0.1.0-linux-amd64.deb'] } as unknown as BuildResult;
    await expect(afterAllArtifactBuild(result)).resolves.toEqual([]);
  });
});
