/**
 * `window.twofold`: the only way the renderer reaches main. The preload (or the e2e test bridge)
 * exposes it; the renderer unwraps it with unwrapApi in api.ts.
 */
import type { ExposedApi } from '../../common/api-bridge';

declare global {
  interface Window {
    /** The contract-derived API exposed by the preload; returns envelopes, never throws. */
    readonly twofold: ExposedApi;
  }
}

export {};
