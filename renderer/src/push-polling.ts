/**
 * Keeps push accounts and requests fresh while the window is visible. The calls are passive (they
 * don't keep the vault awake) and cheap; events do the real work, polling catches what they miss.
 */
import { useEffect, useRef } from 'react';

/** How often push state is re-read while the window is visible. */
export const PUSH_POLL_MS = 5000;

/** Calls `refresh` every PUSH_POLL_MS while the page is visible, and at once when it becomes visible. */
export function usePushPolling(refresh: () => void, intervalMs = PUSH_POLL_MS): void {
  const latest = useRef(refresh);
  latest.current = refresh;
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') latest.current();
    }, intervalMs);
    const onVisibility = (): void => {
      if (document.visibilityState === 'visible') latest.current();
    };
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [intervalMs]);
}
