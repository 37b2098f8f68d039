/**
 * The renderer's one door to main: the typed API unwrapped from `window.twofold`.
 * Nothing in the renderer imports Node, Electron or main/*; everything goes through here.
 */
import { unwrapApi } from '../../common/api-bridge';
import type { TwofoldApi } from '../../common/api-contract';

/** Builds the typed API over `window.twofold`: values out, TwofoldErrors thrown. Called once at start-up. */
export function connectWindowApi(): TwofoldApi {
  if (typeof window.twofold !== 'object' || window.twofold === null) {
    throw new Error('window.twofold is missing: the page was not loaded by Twofold.');
  }
  return unwrapApi(window.twofold);
}
