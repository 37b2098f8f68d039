/**
 * The ring around a TOTP code: the arc left shows the time left in the current period.
 */
import { memo, type ReactElement } from 'react';

const RADIUS = 10;
const CIRCUMFERENCE = 2 * Math.PI * RADIUS;

/** Draws the time left as an SVG arc (stroke-dasharray), turning to a warning colour in the last 5 s. */
export const CodeRing = memo(function CodeRing({
  secondsLeft,
  period,
}: {
  secondsLeft: number;
  period: number;
}): ReactElement {
  const fraction = period > 0 ? Math.min(1, Math.max(0, secondsLeft / period)) : 0;
  return (
    <span className={secondsLeft <= 5 ? 'ring ring-low' : 'ring'}>
      <svg width="34" height="34" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
        <circle className="ring-track" cx="12" cy="12" r={RADIUS} />
        <circle
          className="ring-fill"
          cx="12"
          cy="12"
          r={RADIUS}
          strokeDasharray={`${CIRCUMFERENCE} ${CIRCUMFERENCE}`}
          strokeDashoffset={CIRCUMFERENCE * (1 - fraction)}
          transform="rotate(-90 12 12)"
        />
      </svg>
      <span className="ring-seconds" aria-hidden="true">
        {Math.ceil(secondsLeft)}
      </span>
    </span>
  );
});
