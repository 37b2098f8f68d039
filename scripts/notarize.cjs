// electron-builder hooks for Apple notarization (electron-builder.yml: afterSign and
// afterAllArtifactBuild). Notarization is Apple's malware scan of a Developer ID signed build;
// Gatekeeper refuses to open a downloaded app or installer package that has no ticket.
//
// - afterSign notarizes the signed Twofold.app and staples the ticket into it, so the app inside
//   the dmg, the zip (auto-update) and the pkg opens offline.
// - afterAllArtifactBuild notarizes and staples each .pkg: Gatekeeper checks an installer package
//   itself, not just the app inside. The dmg is not submitted: stapling would change it after
//   electron-builder has written its checksum into latest-mac.yml, and the app inside carries its
//   own ticket.
//
// Credentials come only from the environment (never from the config file), in one of three forms,
// the same variables electron-builder's own integration reads:
//   APPLE_API_KEY (path to the .p8 file), APPLE_API_KEY_ID, APPLE_API_ISSUER   App Store Connect API key
//   APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD, APPLE_TEAM_ID                       Apple ID
//   APPLE_KEYCHAIN_PROFILE (and optionally APPLE_KEYCHAIN)                     `notarytool store-credentials`
// With none of them set, the hooks log one line and skip, so that local and unsigned builds work.
// TWOFOLD_REQUIRE_NOTARIZATION=true (the release pipeline sets it) turns that skip into a failure.
'use strict';

const path = require('node:path');

const credentialSets = [
  { kind: 'App Store Connect API key', vars: { appleApiKey: 'APPLE_API_KEY', appleApiKeyId: 'APPLE_API_KEY_ID', appleApiIssuer: 'APPLE_API_ISSUER' } },
  { kind: 'Apple ID', vars: { appleId: 'APPLE_ID', appleIdPassword: 'APPLE_APP_SPECIFIC_PASSWORD', teamId: 'APPLE_TEAM_ID' } },
  { kind: 'keychain profile', vars: { keychainProfile: 'APPLE_KEYCHAIN_PROFILE' }, optional: { keychain: 'APPLE_KEYCHAIN' } },
];

/**
 * Which notarytool credentials the environment holds. Never returns a reason that contains a value.
 * @param {Record<string, string | undefined>} env usually process.env.
 * @returns {{ kind: string, options: Record<string, string> } | { kind: 'none', reason: string } | { kind: 'incomplete', reason: string }}
 */
function notarizeCredentials(env) {
  const present = (name) => typeof env[name] === 'string' && env[name].trim() !== '';
  for (const set of credentialSets) {
    const names = Object.values(set.vars);
    if (names.every(present)) {
      const options = {};
      for (const [option, name] of Object.entries({ ...set.vars, ...set.optional })) {
        if (present(name)) options[option] = env[name].trim();
      }
      return { kind: set.kind, options };
    }
  }
  // Some but not all variables of a set: a pipeline that meant to notarize and is misconfigured.
  for (const set of credentialSets) {
    const names = Object.values(set.vars);
    const missing = names.filter((name) => !present(name));
    if (missing.length < names.length) {
      return { kind: 'incomplete', reason: `notarize: ${set.kind} credentials are incomplete: set ${missing.join(', ')} as well (or unset ${names.filter(present).join(', ')}).` };
    }
  }
  return {
    kind: 'none',
    reason: 'notarize: skipped, no Apple credentials in the environment (set APPLE_API_KEY, APPLE_API_KEY_ID and APPLE_API_ISSUER, or APPLE_ID, APPLE_APP_SPECIFIC_PASSWORD and APPLE_TEAM_ID).',
  };
}

/**
 * Decides whether to notarize on this machine with this environment: the credentials, or null after
 * logging why not. Throws where skipping would ship an unnotarized release.
 * @param {Record<string, string | undefined>} env
 * @param {string} hostPlatform process.platform: notarytool runs only on macOS.
 * @param {(line: string) => void} log
 */
function notarizeOptionsOrSkip(env, hostPlatform, log) {
  const required = env.TWOFOLD_REQUIRE_NOTARIZATION === 'true';
  const found = notarizeCredentials(env);
  if (found.kind === 'incomplete') throw new Error(found.reason);
  const reason = found.kind === 'none' ? found.reason : hostPlatform !== 'darwin' ? 'notarize: skipped, notarytool runs only on macOS.' : null;
  if (reason === null) return found;
  if (required) throw new Error(`${reason} TWOFOLD_REQUIRE_NOTARIZATION is true, so the build stops here.`);
  log(reason);
  return null;
}

/** Sends one file to Apple and staples the ticket; @electron/notarize does both. */
async function notarizeFile(filePath, found) {
  const { notarize } = require('@electron/notarize');
  console.log(`notarize: submitting ${path.basename(filePath)} with ${found.kind} credentials (this takes minutes)`);
  await notarize({ appPath: filePath, ...found.options });
  console.log(`notarize: ${path.basename(filePath)} is notarized and stapled`);
}

/**
 * afterSign: notarizes the signed macOS app. electron-builder calls it only after it signed the app.
 * @param {import('electron-builder').AfterPackContext} context
 */
async function afterSign(context) {
  if (context.electronPlatformName !== 'darwin') return;
  const found = notarizeOptionsOrSkip(process.env, process.platform, console.log);
  if (found === null) return;
  await notarizeFile(path.join(context.appOutDir, `${context.packager.appInfo.productFilename}.app`), found);
}

/**
 * afterAllArtifactBuild: notarizes each macOS installer package. Returns no extra files.
 * @param {import('electron-builder').BuildResult} buildResult
 */
async function afterAllArtifactBuild(buildResult) {
  const packages = buildResult.artifactPaths.filter((file) => file.endsWith('.pkg'));
  if (packages.length === 0) return [];
  const found = notarizeOptionsOrSkip(process.env, process.platform, console.log);
  if (found === null) return [];
  for (const file of packages) await notarizeFile(file, found);
  return [];
}

module.exports = { afterSign, afterAllArtifactBuild, notarizeCredentials, notarizeOptionsOrSkip };
