/**
 * What the ring beside a TOTP code shows for a code: the arc left, the seconds, the warning colour.
 */
import type { CodeView } from '../../common/api-contract';

/** Radius of the ring's circle in its 24×24 view box. */
export const RING_RADIUS = 10;
/** Length of the ring's circle; the arc is drawn with a dash of this length. */
export const RING_CIRCUMFERENCE = 2 * Math.PI * RING_RADIUS;
/** From this many seconds left the ring shows the warning colour. */
const LOW_SECONDS = 5;

/** What a ring shows, as the strings written to the DOM. */
export interface RingState {
  /** stroke-dashoffset of the arc: 0 is a full ring, the circumference an empty one. */
  dashOffset: string;
  /** The whole seconds left, as shown in the middle. */
  seconds: string;
  /** Whether the warning colour is on. */
  low: boolean;
}

/** Whether a code has a ring: TOTP codes do, HOTP codes and codes not yet loaded don't. */
export function hasRing(code: CodeView | undefined): boolean {
  return code !== undefined && code.secondsLeft !== null && code.period !== null;
}

/** The ring for a code, or null when there is none to show (HOTP, or the code has not arrived). */
export function ringState(code: CodeView | undefined): RingState | null {
  if (!code || code.secondsLeft === null || code.period === null) return null;
  const { secondsLeft, period } = code;
  const fraction = period > 0 ? Math.min(1, Math.max(0, secondsLeft / period)) : 0;
  return {
    dashOffset: String(RING_CIRCUMFERENCE * (1 - fraction)),
    seconds: String(Math.ceil(secondsLeft)),
    low: secondsLeft <= LOW_SECONDS,
  };
}
