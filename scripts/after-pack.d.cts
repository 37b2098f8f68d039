// Types for scripts/after-pack.cjs, so that tests/packaging can import its pure parts type-checked.
import type { AfterPackContext } from 'electron-builder';

/** Named fuse values for one platform, plus whether macOS needs an ad-hoc re-sign after flipping. */
export interface FuseSettings {
  runAsNode: boolean;
  enableCookieEncryption: boolean;
  enableNodeOptionsEnvironmentVariable: boolean;
  enableNodeCliInspectArguments: boolean;
  enableEmbeddedAsarIntegrityValidation: boolean;
  onlyLoadAppFromAsar: boolean;
  loadBrowserProcessSpecificV8Snapshot: boolean;
  grantFileProtocolExtraPrivileges: boolean;
  resetAdHocDarwinSignature: boolean;
}

/** Where the packaged app is, as electron-builder's afterPack context describes it. */
export interface PackagedBinary {
  platform: string;
  appOutDir: string;
  productFilename: string;
  executableName: string;
}

/** The fuse values for one platform (darwin, mas, win32 or linux) and architecture name. */
export declare function fuseSettings(platform: string, arch: string): FuseSettings;
/** The path flipFuses takes: the .app bundle on macOS, the .exe on Windows, the executable on Linux. */
export declare function fuseBinaryPath(where: PackagedBinary): string;
/** Named settings as @electron/fuses' config, keyed by each fuse's index in the wire. */
export declare function toFuseConfig(settings: FuseSettings, fuses: typeof import('@electron/fuses')): Record<string | number, unknown>;
/** The names of the fuses whose state in the wire differs from the config. */
export declare function fusesNotSet(config: Record<string | number, unknown>, wire: Record<string | number, unknown>, fuses: typeof import('@electron/fuses')): string[];
/** The afterPack hook: flips the fuses, reads them back, and fails the build if one did not take. */
export declare function afterPack(context: AfterPackContext): Promise<void>;
