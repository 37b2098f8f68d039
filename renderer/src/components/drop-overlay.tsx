/**
 * What the window shows while files are dragged over it: where they will go. It sits in the top
 * layer (a popover), so it shows above an open dialog too, and lets every pointer event through.
 */
import { useLayoutEffect, useRef, type ReactElement } from 'react';

/** The "Drop to import" overlay; visual only (dragging is a pointer gesture, and the dialog that opens speaks for itself). */
export function DropOverlay({ visible }: { visible: boolean }): ReactElement {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element) return;
    const open = element.matches(':popover-open');
    if (visible && !open) element.showPopover();
    else if (!visible && open) element.hidePopover();
  }, [visible]);
  return (
    <div ref={ref} popover="manual" className="drop-overlay" aria-hidden="true">
      <p>Drop to import: export files from other authenticators, or pictures of QR codes.</p>
    </div>
  );
}
