/**
 * The import preview: what an import would add, shown before anything is written. Counts, whole-
 * import warnings (with "Add another QR code"), push enrollments found, the duplicates choice, the
 * entries (each can be left out; the list is virtual, so 10,000 entries stay quick), the entries
 * that can't be imported and why, and one confirm button.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useCallback, useId, useLayoutEffect, useRef, useState, type ReactElement } from 'react';
import type { ImportEntryView, ImportPreview } from '../../../common/api-contract';
import {
  confirmCount,
  confirmLabel,
  entryDetail,
  entryName,
  isDuplicateEntry,
  previewSummary,
  type DuplicateChoice,
} from '../import-format';
import { FieldShell, FormMessage } from './field';
import { focusAutofocus } from './modal-dialog';

/** Height of one entry row; the virtual list relies on it. */
const ENTRY_HEIGHT = 52;
/** Rows visible at once before the list scrolls. */
const VISIBLE_ROWS = 5.5;
/** Errors listed one by one; past this the rest are counted. A broken 10,000-line file must not flood the dialog. */
const MAX_ERRORS_SHOWN = 100;

const DUPLICATE_CHOICES: readonly { value: DuplicateChoice; label: string }[] = [
  { value: 'skip', label: 'Skip them' },
  { value: 'add-anyway', label: 'Add them anyway' },
  { value: 'replace', label: 'Replace the ones in Twofold' },
];

/** What the preview hands back up: a confirm, a QR image or scan to add, an enrollment, start over. */
export interface ImportPreviewProps {
  preview: ImportPreview;
  /** A call is running (confirm, adding a QR code, enrolling); buttons wait. */
  busy: string | null;
  error: string | null;
  onConfirm(duplicates: DuplicateChoice, exclude: number[]): void;
  /** Adds QR code images (files) to this preview. */
  onAddImages(files: File[]): void;
  onAddScan(): void;
  onAddClipboardImage(): void;
  /** Enrolls the push sign-in code at `index`; resolves to an error message, or null when done. */
  onEnroll(index: number): Promise<string | null>;
  onStartOver(): void;
  onCancel(): void;
}

const EntryRow = memo(function EntryRow({
  entry,
  position,
  count,
  top,
  included,
  onToggle,
  idPrefix,
}: {
  entry: ImportEntryView;
  position: number;
  count: number;
  top: number;
  included: boolean;
  onToggle: (index: number, included: boolean) => void;
  idPrefix: string;
}): ReactElement {
  const id = `${idPrefix}-${entry.index}`;
  return (
    <div
      className="import-entry"
      role="listitem"
      aria-setsize={count}
      aria-posinset={position + 1}
      data-testid="import-entry"
      style={{ transform: `translateY(${top}px)`, height: ENTRY_HEIGHT }}
    >
      <input id={id} type="checkbox" checked={included} onChange={(event) => onToggle(entry.index, event.target.checked)} />
      <label htmlFor={id} className="import-entry-names">
        <span className="import-entry-name">{entryName(entry)}</span>{' '}
        <span className="import-entry-detail">{entryDetail(entry)}</span>
      </label>
      {entry.duplicateOf !== null ? (
        <span className="import-flag">Already in Twofold</span>
      ) : entry.repeated ? (
        <span className="import-flag">Repeated in this import</span>
      ) : null}
    </div>
  );
});

function EntryList({
  entries,
  excluded,
  onToggle,
}: {
  entries: readonly ImportEntryView[];
  excluded: ReadonlySet<number>;
  onToggle: (index: number, included: boolean) => void;
}): ReactElement {
  const scrollRef = useRef<HTMLDivElement>(null);
  const idPrefix = useId();
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ENTRY_HEIGHT,
    overscan: 6,
    getItemKey: (position) => entries[position]?.index ?? position,
    // The first frame renders rows before the box is measured; the box's size is known from CSS.
    initialRect: { width: 520, height: Math.min(entries.length, VISIBLE_ROWS) * ENTRY_HEIGHT },
  });
  return (
    <div ref={scrollRef} className="import-entries" style={{ height: Math.min(entries.length, VISIBLE_ROWS) * ENTRY_HEIGHT }}>
      <div role="list" aria-label="Accounts in this import" className="list-sizer" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const entry = entries[item.index];
          if (!entry) return null;
          return (
            <EntryRow
              key={entry.index}
              entry={entry}
              position={item.index}
              count={entries.length}
              top={item.start}
              included={!excluded.has(entry.index)}
              onToggle={onToggle}
              idPrefix={idPrefix}
            />
          );
        })}
      </div>
    </div>
  );
}

/** The "Add another QR code" choices: an image file, a screen scan, or the clipboard's image. */
function AddQrCode({
  busy,
  onAddImages,
  onAddScan,
  onAddClipboardImage,
}: Pick<ImportPreviewProps, 'onAddImages' | 'onAddScan' | 'onAddClipboardImage'> & { busy: boolean }): ReactElement {
  const headingId = useId();
  const ref = useRef<HTMLDivElement>(null);
  // It replaces the button that opened it: focus moves into it rather than falling out of the dialog.
  useLayoutEffect(() => focusAutofocus(ref.current), []);
  return (
    <div ref={ref} className="import-add-qr" role="group" aria-labelledby={headingId}>
      <h4 id={headingId}>Add another QR code</h4>
      <FieldShell label="QR code image (PNG or JPEG)" error={null} hint="Or drop the image anywhere on this window.">
        {({ id, describedBy }) => (
          <input
            id={id}
            type="file"
            accept="image/png,image/jpeg"
            multiple
            disabled={busy}
            aria-describedby={describedBy}
            data-autofocus=""
            onChange={(event) => {
              const files = Array.from(event.target.files ?? []);
              // Let the user pick the same file again after fixing whatever was wrong.
              event.target.value = '';
              if (files.length > 0) onAddImages(files);
            }}
          />
        )}
      </FieldShell>
      <div className="button-row">
        <button type="button" disabled={busy} onClick={onAddScan}>
          Scan screen
        </button>
        <button type="button" disabled={busy} onClick={onAddClipboardImage}>
          Paste image
        </button>
      </div>
    </div>
  );
}

/** Push enrollments found by a scan, each offered as a button (never enrolled without a click). */
function Enrollments({
  preview,
  busy,
  onEnroll,
}: Pick<ImportPreviewProps, 'preview' | 'onEnroll'> & { busy: boolean }): ReactElement | null {
  const headingId = useId();
  const [done, setDone] = useState<ReadonlySet<number>>(new Set());
  const [running, setRunning] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const justDone = useRef<number | null>(null);

  // The button of a finished enrollment gives way to a note: focus moves to that note, not out of the dialog.
  useLayoutEffect(() => {
    if (justDone.current === null) return;
    listRef.current?.querySelector<HTMLElement>(`[data-enrollment="${justDone.current}"]`)?.focus();
    justDone.current = null;
  }, [done]);

  if (preview.enrollments.length === 0) return null;

  const enroll = async (index: number): Promise<void> => {
    setRunning(index);
    setError(null);
    const failed = await onEnroll(index);
    setRunning(null);
    if (failed) {
      setError(failed);
      return;
    }
    justDone.current = index;
    setDone((previous) => new Set(previous).add(index));
  };

  return (
    <section className="import-section" aria-labelledby={headingId}>
      <h4 id={headingId}>Push sign-in</h4>
      <ul ref={listRef} className="import-enrollments">
        {preview.enrollments.map((enrollment) => {
          const who = enrollment.account ? `${enrollment.issuer || enrollment.server} (${enrollment.account})` : enrollment.issuer || enrollment.server;
          return (
            <li key={enrollment.index}>
              {done.has(enrollment.index) ? (
                <p role="status" tabIndex={-1} data-enrollment={enrollment.index}>
                  Push sign-in is set up for {who}.
                </p>
              ) : (
                <button type="button" disabled={busy || running !== null} onClick={() => void enroll(enrollment.index)}>
                  {running === enrollment.index ? `Setting up push sign-in for ${who}…` : `Set up push sign-in for ${who}`}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      <FormMessage error={error} />
    </section>
  );
}

/** The preview screen of the import dialog. */
export function ImportPreviewView(props: ImportPreviewProps): ReactElement {
  const { preview, busy, error, onConfirm, onStartOver, onCancel } = props;
  const [excluded, setExcluded] = useState<ReadonlySet<number>>(() => new Set());
  const [duplicates, setDuplicates] = useState<DuplicateChoice>('skip');
  const [addingQr, setAddingQr] = useState(false);
  const baseId = useId();

  const toggle = useCallback((index: number, included: boolean): void => {
    setExcluded((previous) => {
      const next = new Set(previous);
      if (included) next.delete(index);
      else next.add(index);
      return next;
    });
  }, []);

  // Entries that left the preview (a QR code added since) must not stay excluded by number.
  const known = new Set(preview.entries.map((entry) => entry.index));
  const exclude = [...excluded].filter((index) => known.has(index));
  const count = confirmCount(preview.entries, excluded, duplicates);
  const hasDuplicates = preview.entries.some(isDuplicateEntry);
  const shownErrors = preview.errors.slice(0, MAX_ERRORS_SHOWN);

  return (
    <div className="import-preview">
      <h3 tabIndex={-1} data-autofocus="" className="import-format">
        From {preview.formatName}
      </h3>
      <p className="import-summary" data-testid="import-summary">
        {previewSummary(preview)}
      </p>

      {preview.warnings.length > 0 ? (
        <div className="warning-box import-warnings" data-testid="import-warnings">
          <ul>
            {preview.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
          {addingQr ? (
            <AddQrCode
              busy={busy !== null}
              onAddImages={props.onAddImages}
              onAddScan={props.onAddScan}
              onAddClipboardImage={props.onAddClipboardImage}
            />
          ) : (
            <button type="button" onClick={() => setAddingQr(true)}>
              Add another QR code
            </button>
          )}
        </div>
      ) : null}

      <Enrollments preview={preview} busy={busy !== null} onEnroll={props.onEnroll} />

      {preview.entries.length > 0 ? (
        <section className="import-section" aria-labelledby={`${baseId}-entries`}>
          <div className="import-section-head">
            <h4 id={`${baseId}-entries`}>Accounts</h4>
            <div className="button-row">
              <button type="button" className="small" disabled={excluded.size === 0} onClick={() => setExcluded(new Set())}>
                Include all
              </button>
              <button
                type="button"
                className="small"
                disabled={exclude.length === preview.entries.length}
                onClick={() => setExcluded(new Set(known))}
              >
                Leave all out
              </button>
            </div>
          </div>
          <p className="field-hint">Clear the box of an account to leave it out.</p>
          <EntryList entries={preview.entries} excluded={excluded} onToggle={toggle} />
        </section>
      ) : null}

      {hasDuplicates ? (
        <fieldset className="import-section import-duplicates">
          <legend>Accounts already in Twofold, or repeated in this import</legend>
          {DUPLICATE_CHOICES.map((choice) => (
            <div key={choice.value} className="checkbox-row">
              <input
                id={`${baseId}-dup-${choice.value}`}
                type="radio"
                name={`${baseId}-duplicates`}
                value={choice.value}
                checked={duplicates === choice.value}
                onChange={() => setDuplicates(choice.value)}
              />
              <label htmlFor={`${baseId}-dup-${choice.value}`}>{choice.label}</label>
            </div>
          ))}
        </fieldset>
      ) : null}

      {preview.errors.length > 0 ? (
        <section className="import-section" aria-labelledby={`${baseId}-errors`}>
          <h4 id={`${baseId}-errors`}>Can’t be imported</h4>
          <ul className="import-errors" data-testid="import-errors">
            {shownErrors.map((entryError) => (
              <li key={entryError.index}>
                <strong>{entryError.name}</strong>: {entryError.message}
              </li>
            ))}
          </ul>
          {preview.errors.length > shownErrors.length ? (
            <p className="field-hint">
              …and {(preview.errors.length - shownErrors.length).toLocaleString('en-US')} more that can’t be imported.
            </p>
          ) : null}
        </section>
      ) : null}

      <FormMessage error={error} />
      {busy ? <p role="status">{busy}</p> : null}
      <div className="button-row import-actions">
        {preview.entries.length > 0 ? (
          <button
            type="button"
            className="primary"
            disabled={busy !== null || count === 0}
            onClick={() => onConfirm(duplicates, exclude)}
          >
            {confirmLabel(count)}
          </button>
        ) : null}
        <button type="button" disabled={busy !== null} onClick={onStartOver}>
          Back
        </button>
        <button type="button" onClick={onCancel}>
          {preview.entries.length > 0 ? 'Cancel' : 'Done'}
        </button>
      </div>
    </div>
  );
}
