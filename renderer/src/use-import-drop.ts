/**
 * Files dropped anywhere on the window, and images pasted while no text field has focus, go to the
 * import dialog. Dropped files never open as a page: every file drag is taken, wanted or not.
 */
import { useEffect, useRef, useState } from 'react';
import type { ImportHandover } from './app-store';

/** True when the drag carries files (not text or a link dragged from the page). */
function carriesFiles(data: DataTransfer | null): boolean {
  return data !== null && Array.from(data.types).includes('Files');
}

/** True when the focused element takes typed or pasted text, so a paste belongs to it. */
export function takesText(element: Element | null): boolean {
  if (!element) return false;
  if (element instanceof HTMLTextAreaElement) return true;
  if (element instanceof HTMLInputElement) {
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'file', 'image', 'color', 'range'].includes(element.type);
  }
  return element instanceof HTMLElement && element.isContentEditable;
}

/** Text that reads as links an import understands, pasted straight onto the window. */
const LINK_TEXT = /^\s*(otpauth|otpauth-migration|twofold):\/\//i;

/**
 * Listens for file drops and image pastes on the window. `accepting()` says whether the app can
 * take an import now (no other dialog in the way); `onImport` receives what was dropped or pasted.
 * Returns whether files are being dragged over the window, to show the drop overlay.
 */
export function useImportDrop(accepting: () => boolean, onImport: (handover: ImportHandover) => void): boolean {
  const [dragging, setDragging] = useState(false);
  const latest = useRef({ accepting, onImport });
  latest.current = { accepting, onImport };

  useEffect(() => {
    // dragenter and dragleave fire for every element crossed; the window is left when they balance.
    let depth = 0;
    const onDragEnter = (event: DragEvent): void => {
      if (!carriesFiles(event.dataTransfer)) return;
      event.preventDefault();
      depth += 1;
      setDragging(latest.current.accepting());
    };
    const onDragOver = (event: DragEvent): void => {
      if (!carriesFiles(event.dataTransfer)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = latest.current.accepting() ? 'copy' : 'none';
    };
    const onDragLeave = (event: DragEvent): void => {
      if (!carriesFiles(event.dataTransfer)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onDrop = (event: DragEvent): void => {
      if (!carriesFiles(event.dataTransfer)) return;
      event.preventDefault();
      depth = 0;
      setDragging(false);
      const files = Array.from(event.dataTransfer?.files ?? []);
      if (files.length > 0 && latest.current.accepting()) latest.current.onImport({ kind: 'files', files });
    };
    const onPaste = (event: ClipboardEvent): void => {
      if (takesText(document.activeElement) || !latest.current.accepting()) return;
      const data = event.clipboardData;
      if (!data) return;
      const files = Array.from(data.files);
      if (files.length > 0) {
        event.preventDefault();
        latest.current.onImport({ kind: 'files', files });
        return;
      }
      const text = data.getData('text/plain');
      if (LINK_TEXT.test(text)) {
        event.preventDefault();
        latest.current.onImport({ kind: 'source', source: { kind: 'text', text } });
      }
    };
    window.addEventListener('dragenter', onDragEnter);
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('dragleave', onDragLeave);
    window.addEventListener('drop', onDrop);
    window.addEventListener('paste', onPaste);
    return () => {
      window.removeEventListener('dragenter', onDragEnter);
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('dragleave', onDragLeave);
      window.removeEventListener('drop', onDrop);
      window.removeEventListener('paste', onPaste);
    };
  }, []);

  return dragging;
}
