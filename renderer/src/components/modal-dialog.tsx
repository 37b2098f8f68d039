/**
 * A modal dialog on the native <dialog> element: showModal() makes the rest of the page inert
 * (so focus stays inside), and Escape closes it.
 */
import { useId, useLayoutEffect, useRef, type ReactElement, type ReactNode } from 'react';
import { CloseIcon } from './icons';

/** Moves focus to the element marked data-autofocus inside `root`, or leaves the browser's choice. */
export function focusAutofocus(root: HTMLElement | null): void {
  const target = root?.querySelector<HTMLElement>('[data-autofocus]');
  target?.focus();
}

/** A modal dialog with a title and a close button; `onClose` runs on Escape, the close button or a native close. */
export function ModalDialog({
  title,
  onClose,
  children,
  wide = false,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
}): ReactElement {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;

  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    focusAutofocus(dialog);
    // A close event still queued from an earlier close() (React's dev double-mount) must not close a reopened dialog.
    const onNativeClose = (): void => {
      if (!dialog.open) onCloseRef.current();
    };
    dialog.addEventListener('close', onNativeClose);
    return () => {
      dialog.removeEventListener('close', onNativeClose);
      if (dialog.open) dialog.close();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={wide ? 'dialog dialog-wide' : 'dialog'}
      aria-labelledby={titleId}
      onCancel={(event) => {
        // Escape: let React decide (it unmounts the dialog) rather than the browser closing it under us.
        event.preventDefault();
        onCloseRef.current();
      }}
    >
      <div className="dialog-header">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={() => onCloseRef.current()}>
          <CloseIcon />
        </button>
      </div>
      <div className="dialog-body">{children}</div>
    </dialog>
  );
}
