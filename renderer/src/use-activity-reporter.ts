/**
 * Tells main that the user is active, so the idle auto-lock doesn't fire while they work.
 */
import { useEffect } from 'react';
import type { TwofoldApi } from '../../common/api-contract';

/** At most one app.activity call per this many milliseconds. */
export const ACTIVITY_THROTTLE_MS = 20_000;

/** While `enabled`, reports pointer and key activity to main, throttled to one call per 20 s. */
export function useActivityReporter(api: TwofoldApi, enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return;
    let last = -Infinity;
    const report = (): void => {
      const now = performance.now();
      if (now - last < ACTIVITY_THROTTLE_MS) return;
      last = now;
      // Activity reports are best effort; a failure (e.g. the vault just locked) changes nothing for the user.
      api.app.activity({}).catch(() => undefined);
    };
    window.addEventListener('pointerdown', report, { capture: true, passive: true });
    window.addEventListener('keydown', report, { capture: true, passive: true });
    return () => {
      window.removeEventListener('pointerdown', report, { capture: true });
      window.removeEventListener('keydown', report, { capture: true });
    };
  }, [api, enabled]);
}
