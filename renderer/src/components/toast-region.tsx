/**
 * Toasts at the bottom of the window ("Copied", "Clipboard cleared", "Deleted … Undo"), announced politely.
 */
import type { ReactElement } from 'react';
import { useActions, useApp } from '../app-context';

/** The live region that shows toasts. Always rendered, so screen readers pick up each new message. */
export function ToastRegion(): ReactElement {
  const toasts = useApp((state) => state.toasts);
  const actions = useActions();
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((toast) => (
        <div key={toast.id} className="toast" data-testid={`toast-${toast.key}`}>
          <span>{toast.text}</span>
          {toast.action ? (
            <button
              type="button"
              className="toast-action"
              onClick={() => {
                toast.action?.run();
                actions.dismissToast(toast.id);
              }}
            >
              {toast.action.label}
            </button>
          ) : null}
        </div>
      ))}
    </div>
  );
}
