/**
 * A once-a-second tick aligned to the wall-clock second, so every row's ring and code flip together
 * just after the second changes.
 */
import { useEffect, useRef } from 'react';

/** Calls `onTick` every second, starting at the next whole second; stops on unmount. */
export function useSecondTicker(onTick: () => void): void {
  const latest = useRef(onTick);
  latest.current = onTick;
  useEffect(() => {
    let interval: ReturnType<typeof setInterval> | undefined;
    const timeout = setTimeout(() => {
      latest.current();
      interval = setInterval(() => latest.current(), 1000);
    }, 1000 - (Date.now() % 1000));
    return () => {
      clearTimeout(timeout);
      if (interval !== undefined) clearInterval(interval);
    };
  }, []);
}
