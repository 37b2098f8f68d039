// electron-builder afterPack hook (electron-builder.yml: afterPack): flips Electron's fuses in the
// packaged binary, before electron-builder signs it (afterPack runs before signing, so the signature
// covers the flipped fuses; flipping after signing would break the signature).
//
// Fuses are bits compiled into the Electron binary that switch features on or off for good: unlike
// a command-line switch or an environment variable, nobody who can start the app can turn them back.
// Each one below closes a way to run code other than the app's own bundle inside the signed,
// trusted executable (the one the OS, the firewall and the user's keychain trust).
//
// The pure parts (which binary, which values) are exported for tests/packaging.
'use strict';

const path = require('node:path');

/**
 * The fuse values for one platform, by name. `false` switches a feature off.
 * @param {string} platform electron-builder's electronPlatformName: darwin, mas, win32 or linux.
 * @param {string} arch the architecture's name: x64, arm64, ia32, armv7l or universal.
 */
function fuseSettings(platform, arch) {
  const mac = platform === 'darwin' || platform === 'mas';
  return {
    // ELECTRON_RUN_AS_NODE=1 would turn the signed app into a general-purpose Node interpreter that
    // runs any script with the app's identity and keychain access.
    runAsNode: false,
    // Cookies are encrypted at rest with the OS key store, like Chrome's (the app sets none today;
    // this keeps any future session cookie off the disk in clear).
    enableCookieEncryption: true,
    // NODE_OPTIONS (--require, --import) and NODE_EXTRA_CA_CERTS from the environment could load
    // code into the main process, where the vault key lives, or add trusted roots for push TLS.
    enableNodeOptionsEnvironmentVariable: false,
    // --inspect / --inspect-brk and SIGUSR1 would attach a debugger to the main process and read the
    // unlocked vault from memory.
    enableNodeCliInspectArguments: false,
    // Check app.asar against the header hash that electron-builder embeds in the signed binary
    // (Info.plist on macOS, a resource in the .exe on Windows), so that editing app.asar on disk
    // stops the app instead of running the edit. Electron implements the check on macOS and Windows
    // only, and electron-builder embeds the hash only there; on Linux the fuse stays off (Electron's
    // default) so that a future Electron checking on Linux cannot refuse to start for want of a hash
    // nobody wrote.
    enableEmbeddedAsarIntegrityValidation: mac || platform === 'win32',
    // Load the app only from app.asar: without it, a folder named resources/app next to the asar
    // would be loaded instead, bypassing the integrity check above.
    onlyLoadAppFromAsar: true,
    // A V8 snapshot for the main process alone is an option Twofold does not use; off means one
    // snapshot file fewer to trust.
    loadBrowserProcessSpecificV8Snapshot: false,
    // The renderer is served from app://, so file:// pages need none of their legacy powers
    // (fetching other file:// URLs, for instance /etc/passwd).
    grantFileProtocolExtraPrivileges: false,
    // Flipping fuses edits the binary, which invalidates its ad-hoc signature; Apple silicon refuses
    // to run a binary whose signature does not match, so re-sign ad hoc there (a Developer ID
    // signature replaces it later in the build).
    resetAdHocDarwinSignature: mac && (arch === 'arm64' || arch === 'universal'),
  };
}

/**
 * The path flipFuses takes: the .app bundle on macOS, the .exe on Windows, the executable on Linux.
 * @param {{ platform: string, appOutDir: string, productFilename: string, executableName: string }} where
 */
function fuseBinaryPath(where) {
  switch (where.platform) {
    case 'darwin':
    case 'mas':
      return path.join(where.appOutDir, `${where.productFilename}.app`);
    case 'win32':
      return path.join(where.appOutDir, `${where.productFilename}.exe`);
    case 'linux':
      return path.join(where.appOutDir, where.executableName);
    default:
      throw new Error(`after-pack: unknown platform "${where.platform}"; expected darwin, mas, win32 or linux.`);
  }
}

/**
 * Turns named settings into @electron/fuses' config, keyed by the fuse's index in the wire.
 * @param {ReturnType<typeof fuseSettings>} settings
 * @param {typeof import('@electron/fuses')} fuses the @electron/fuses module (passed in, so tests use the real enum).
 */
function toFuseConfig(settings, fuses) {
  const { FuseV1Options, FuseVersion } = fuses;
  return {
    version: FuseVersion.V1,
    resetAdHocDarwinSignature: settings.resetAdHocDarwinSignature,
    [FuseV1Options.RunAsNode]: settings.runAsNode,
    [FuseV1Options.EnableCookieEncryption]: settings.enableCookieEncryption,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: settings.enableNodeOptionsEnvironmentVariable,
    [FuseV1Options.EnableNodeCliInspectArguments]: settings.enableNodeCliInspectArguments,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: settings.enableEmbeddedAsarIntegrityValidation,
    [FuseV1Options.OnlyLoadAppFromAsar]: settings.onlyLoadAppFromAsar,
    [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: settings.loadBrowserProcessSpecificV8Snapshot,
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: settings.grantFileProtocolExtraPrivileges,
  };
}

/**
 * The fuses whose state in the binary differs from the config; empty when every fuse took.
 * @param {Record<string | number, unknown>} config what toFuseConfig returned.
 * @param {Record<string | number, unknown>} wire what getCurrentFuseWire read back.
 * @param {typeof import('@electron/fuses')} fuses
 */
function fusesNotSet(config, wire, fuses) {
  // The wire holds one byte per fuse: ASCII '0' (48) disabled, '1' (49) enabled, 'r' (114) removed
  // from this Electron. A removed or unknown state counts as not set: someone must look at it.
  const wanted = (on) => (on ? '1' : '0');
  const names = Object.keys(fuses.FuseV1Options).filter((key) => Number.isNaN(Number(key)));
  return names.filter((name) => {
    const index = fuses.FuseV1Options[name];
    if (typeof config[index] !== 'boolean') return false;
    const state = wire[index];
    const text = typeof state === 'number' ? String.fromCharCode(state) : String(state);
    return text !== wanted(config[index]);
  });
}

/**
 * The afterPack hook: flips the fuses, reads them back, and fails the build if one did not take.
 * @param {import('electron-builder').AfterPackContext} context
 */
async function afterPack(context) {
  const fuses = require('@electron/fuses');
  const { Arch } = require('electron-builder');
  const platform = context.electronPlatformName;
  const binary = fuseBinaryPath({
    platform,
    appOutDir: context.appOutDir,
    productFilename: context.packager.appInfo.productFilename,
    executableName: context.packager.executableName,
  });
  const config = toFuseConfig(fuseSettings(platform, Arch[context.arch]), fuses);
  console.log(`after-pack: flipping Electron fuses in ${binary}`);
  await fuses.flipFuses(binary, config);
  const notSet = fusesNotSet(config, await fuses.getCurrentFuseWire(binary), fuses);
  if (notSet.length > 0) {
    throw new Error(`after-pack: these fuses did not take in ${binary}: ${notSet.join(', ')}. Check that @electron/fuses supports this Electron version.`);
  }
}

module.exports = { afterPack, fuseSettings, fuseBinaryPath, toFuseConfig, fusesNotSet };
