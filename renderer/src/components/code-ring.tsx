/**
 * The ring beside a TOTP code: the arc left shows the time left in the current period, with the
 * seconds in its middle.
 *
 * The ring changes every second, so it does not go through React on a tick: React renders it once,
 * and a store subscription writes the arc, the seconds and the warning colour straight to the DOM
 * (zustand's "transient updates"). A tick costs a few DOM writes per visible ring and no React work.
 */
import { memo, useLayoutEffect, useRef, type ReactElement } from 'react';
import type { CodeView } from '../../../common/api-contract';
import { useApp, useAppStore } from '../app-context';
import { hasRing, RING_CIRCUMFERENCE, RING_RADIUS, ringState, type RingState } from '../ring-state';

/** A TOTP row's ring, or a spacer of the same size until its code arrives. */
export const CodeRing = memo(function CodeRing({ id }: { id: string }): ReactElement {
  const store = useAppStore();
  // Re-renders only when the ring appears or goes; the per-second changes bypass React (see above).
  const shown = useApp((state) => hasRing(state.codes[id]));
  const ringRef = useRef<HTMLSpanElement>(null);
  const fillRef = useRef<SVGCircleElement>(null);
  const secondsRef = useRef<HTMLSpanElement>(null);

  // A layout effect, so the first values are in place before the ring is first painted.
  useLayoutEffect(() => {
    const ring = ringRef.current;
    const fill = fillRef.current;
    const seconds = secondsRef.current;
    if (!shown || !ring || !fill || !seconds) return;
    let drawnCode: CodeView | undefined;
    let drawn: RingState | null = null;
    const draw = (code: CodeView | undefined): void => {
      // mergeCodes keeps the same object while nothing changed, so most calls stop here.
      if (code === drawnCode) return;
      drawnCode = code;
      const next = ringState(code);
      if (!next) return;
      // Only what changed is written: each write invalidates style, layout or paint.
      if (next.dashOffset !== drawn?.dashOffset) fill.setAttribute('stroke-dashoffset', next.dashOffset);
      if (next.seconds !== drawn?.seconds) seconds.textContent = next.seconds;
      if (next.low !== drawn?.low) ring.classList.toggle('ring-low', next.low);
      drawn = next;
    };
    draw(store.getState().codes[id]);
    return store.subscribe((state) => draw(state.codes[id]));
  }, [shown, id, store]);

  if (!shown) return <span className="ring-spacer" aria-hidden="true" />;
  return (
    <span ref={ringRef} className="ring">
      <span className="ring-face">
        <svg width="34" height="34" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <circle className="ring-track" cx="12" cy="12" r={RING_RADIUS} />
          <circle
            ref={fillRef}
            className="ring-fill"
            cx="12"
            cy="12"
            r={RING_RADIUS}
            strokeDasharray={`${RING_CIRCUMFERENCE} ${RING_CIRCUMFERENCE}`}
            transform="rotate(-90 12 12)"
          />
        </svg>
        <span ref={secondsRef} className="ring-seconds" aria-hidden="true" />
      </span>
    </span>
  );
});
