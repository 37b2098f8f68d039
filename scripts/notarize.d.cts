// Types for scripts/notarize.cjs, so that tests/packaging can import its pure parts type-checked.
import type { AfterPackContext, BuildResult } from 'electron-builder';

/** Credentials found in the environment, as @electron/notarize options. */
export interface FoundCredentials {
  kind: string;
  options: Record<string, string>;
}

/** No credentials at all, or an incomplete set; the reason names variables, never values. */
export interface MissingCredentials {
  kind: 'none' | 'incomplete';
  reason: string;
}

/** Which notarytool credentials the environment holds. */
export declare function notarizeCredentials(env: Record<string, string | undefined>): FoundCredentials | MissingCredentials;
/** The credentials to notarize with, or null after logging why not; throws where skipping would ship an unnotarized release. */
export declare function notarizeOptionsOrSkip(env: Record<string, string | undefined>, hostPlatform: string, log: (line: string) => void): FoundCredentials | null;
/** afterSign hook: notarizes and staples the signed macOS app. */
export declare function afterSign(context: AfterPackContext): Promise<void>;
/** afterAllArtifactBuild hook: notarizes and staples each .pkg. */
export declare function afterAllArtifactBuild(buildResult: BuildResult): Promise<string[]>;
