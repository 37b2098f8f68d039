/**
 * The export dialog: an encrypted Twofold backup file, plain otpauth links (behind a warning and
 * an explicit confirmation), and QR codes on screen (per account, or Google Authenticator export
 * batches) shown only after a confirmation.
 *
 * Files are written where the user picks in main's save dialog; the renderer never names a path.
 * The QR images carry secrets: they live in this dialog's state only and are gone when it closes.
 */
import { useId, useLayoutEffect, useRef, useState, type FormEvent, type ReactElement } from 'react';
import type { ExportResult, QrImageView } from '../../../common/api-contract';
import { useActions, useApi, useApp } from '../app-context';
import { errorCode, errorMessage } from '../form-error';
import { plural } from '../import-format';
import { newPassphraseError } from '../passphrase-rules';
import { useFormCall, type FormCall } from '../use-form-call';
import { CheckboxField, FormMessage, NewPassphraseFields } from './field';
import { focusAutofocus, ModalDialog } from './modal-dialog';

/** "Saved 12 accounts to twofold-backup.twofold.", or null when the user cancelled the save dialog. */
function savedText(result: ExportResult): string | null {
  if (result.fileName === null) return null;
  return `Saved ${plural(result.count, 'account')} to ${result.fileName}.`;
}

/** Runs an export call from a form (useFormCall), and says what was saved. */
function useExportCall(): Omit<FormCall, 'run'> & {
  saved: string | null;
  run: (call: () => Promise<ExportResult>, fieldMap?: Record<string, string>) => Promise<boolean>;
} {
  const formCall = useFormCall();
  const [saved, setSaved] = useState<string | null>(null);
  return {
    ...formCall,
    saved,
    run: async (call, fieldMap) => {
      setSaved(null);
      const result = await formCall.run(call, fieldMap);
      if (!result.ok) return false;
      const text = savedText(result.value);
      setSaved(text ?? 'Nothing was saved.');
      return text !== null;
    },
  };
}

function EncryptedBackupExport(): ReactElement {
  const api = useApi();
  const call = useExportCall();
  const headingId = useId();
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const fieldError = (field: string): string | null => (call.error?.field === field ? call.error.message : null);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const problem = newPassphraseError(passphrase, confirm);
    if (problem) {
      call.setError(problem);
      return;
    }
    if (await call.run(() => api.export.backup({ passphrase }), { passphrase: 'passphrase' })) {
      setPassphrase('');
      setConfirm('');
    }
  };

  return (
    <form className="section" aria-labelledby={headingId} onSubmit={(event) => void submit(event)} noValidate>
      <h3 id={headingId}>Encrypted backup file</h3>
      <p className="field-hint">
        Every code account, encrypted with a passphrase you choose. Twofold imports it again on any computer; keep the
        passphrase somewhere safe, because without it the file can’t be opened.
      </p>
      <NewPassphraseFields
        label="File passphrase"
        confirmLabel="Confirm file passphrase"
        passphrase={passphrase}
        confirm={confirm}
        onPassphraseChange={setPassphrase}
        onConfirmChange={setConfirm}
        passphraseError={fieldError('passphrase')}
        confirmError={fieldError('confirm')}
        autoFocus
      />
      <FormMessage error={call.error && call.error.field === null ? call.error.message : null} />
      <div className="button-row">
        <button type="submit" className="primary" disabled={call.busy}>
          {call.busy ? 'Saving…' : 'Save encrypted backup…'}
        </button>
        {call.saved ? <span role="status">{call.saved}</span> : null}
      </div>
    </form>
  );
}

function PlainLinksExport(): ReactElement {
  const api = useApi();
  const call = useExportCall();
  const headingId = useId();
  const [understood, setUnderstood] = useState(false);
  const [needsConfirm, setNeedsConfirm] = useState(false);

  const save = (): void => {
    if (!understood) {
      setNeedsConfirm(true);
      return;
    }
    setNeedsConfirm(false);
    // Each unencrypted file is its own decision: the box is cleared once one is written.
    void call.run(() => api.export.uris({ confirm: true })).then((saved) => {
      if (saved) setUnderstood(false);
    });
  };

  return (
    <section className="section" aria-labelledby={headingId}>
      <h3 id={headingId}>Plain text links (unencrypted)</h3>
      <div className="warning-box">
        <p>
          This file is not encrypted. Anyone who opens it, or any program that reads it, can make your codes. Save it only
          to move accounts into another app, and delete it right after.
        </p>
        <CheckboxField
          label="I understand that this file is not encrypted"
          checked={understood}
          error={needsConfirm ? 'Tick the box above to confirm that you want an unencrypted file.' : null}
          onChange={(checked) => {
            setUnderstood(checked);
            if (checked) setNeedsConfirm(false);
          }}
        />
      </div>
      <FormMessage error={call.error?.message} />
      <div className="button-row">
        <button type="button" disabled={call.busy} onClick={save}>
          {call.busy ? 'Saving…' : 'Save plain text links…'}
        </button>
        {call.saved ? <span role="status">{call.saved}</span> : null}
      </div>
    </section>
  );
}

type QrKind = 'account' | 'migration';

const QR_KINDS: readonly { value: QrKind; label: string; hint: string }[] = [
  { value: 'account', label: 'A QR code per account', hint: 'Scan them one by one with any authenticator app.' },
  {
    value: 'migration',
    label: 'Google Authenticator export',
    hint: 'Several accounts per code, for “Transfer accounts → Import accounts” in Google Authenticator.',
  },
];

/** Shows the QR images one at a time. They are in this component's state only. */
function QrViewer({ images, onHide }: { images: readonly QrImageView[]; onHide: () => void }): ReactElement {
  const [at, setAt] = useState(0);
  const ref = useRef<HTMLDivElement>(null);
  const previousRef = useRef<HTMLButtonElement>(null);
  const nextRef = useRef<HTMLButtonElement>(null);
  const captionId = useId();
  const image = images[at]!;
  const last = images.length - 1;

  useLayoutEffect(() => focusAutofocus(ref.current), []);

  // A button that becomes disabled under the focus would drop it to the page: hand it to the other one.
  const go = (next: number): void => {
    setAt(next);
    if (next === 0) nextRef.current?.focus();
    else if (next === last) previousRef.current?.focus();
  };

  return (
    <div ref={ref} className="qr-viewer" role="group" aria-label="QR codes">
      <figure className="qr-figure" aria-labelledby={captionId}>
        <img src={image.dataUrl} alt={`QR code: ${image.title}`} width={256} height={256} />
        <figcaption id={captionId}>
          <span className="qr-title">{image.title}</span>
          <span className="qr-position">
            {at + 1} of {images.length}
          </span>
        </figcaption>
      </figure>
      <div className="button-row">
        <button ref={previousRef} type="button" disabled={at === 0} onClick={() => go(at - 1)}>
          Previous
        </button>
        <button
          ref={nextRef}
          type="button"
          data-autofocus={last > 0 ? '' : undefined}
          disabled={at >= last}
          onClick={() => go(at + 1)}
        >
          Next
        </button>
        <button type="button" data-autofocus={last > 0 ? undefined : ''} onClick={onHide}>
          Hide QR codes
        </button>
      </div>
    </div>
  );
}

function QrCodesExport(): ReactElement {
  const api = useApi();
  const actions = useActions();
  const headingId = useId();
  const baseId = useId();
  const [kind, setKind] = useState<QrKind>('account');
  const [step, setStep] = useState<'choose' | 'confirm' | 'shown'>('choose');
  const [images, setImages] = useState<readonly QrImageView[] | null>(null);
  const [leftOut, setLeftOut] = useState<readonly { name: string; reason: string }[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const confirmRef = useRef<HTMLDivElement>(null);
  const showRef = useRef<HTMLButtonElement>(null);
  const returning = useRef(false);

  // Into the warning when it opens; back to "Show QR codes…" when the warning or the codes close.
  useLayoutEffect(() => {
    if (step === 'confirm') focusAutofocus(confirmRef.current);
    else if (step === 'choose' && returning.current) showRef.current?.focus();
    returning.current = false;
  }, [step]);

  const backToChoose = (): void => {
    returning.current = true;
    setStep('choose');
  };

  const show = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const shown = await api.export.qrCodes({ confirm: true, kind });
      setImages(shown.images);
      setLeftOut(shown.leftOut);
      setStep('shown');
    } catch (caught) {
      if (errorCode(caught) === 'VAULT_LOCKED') void actions.loadStatus();
      setError(errorMessage(caught));
      backToChoose();
    } finally {
      setBusy(false);
    }
  };

  const hide = (): void => {
    setImages(null);
    setLeftOut([]);
    backToChoose();
  };

  return (
    <section className="section" aria-labelledby={headingId}>
      <h3 id={headingId}>QR codes</h3>
      {step === 'shown' && images && images.length > 0 ? (
        <>
          {leftOut.length > 0 && (
            <div className="warning-box" data-testid="qr-left-out">
              <p>Google Authenticator can’t hold {leftOut.length === 1 ? 'this account' : `these ${leftOut.length} accounts`}, so they are not in these codes. Move them with an encrypted backup or a QR code per account:</p>
              <ul>
                {leftOut.map((account, i) => (
                  <li key={i}>
                    <strong>{account.name}</strong>: {account.reason}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <QrViewer images={images} onHide={hide} />
        </>
      ) : (
        <>
          <fieldset className="plain-fieldset" disabled={step === 'confirm'}>
            <legend className="visually-hidden">Which QR codes</legend>
            {QR_KINDS.map((option) => (
              <div key={option.value} className="radio-option">
                <input
                  id={`${baseId}-${option.value}`}
                  type="radio"
                  name={`${baseId}-kind`}
                  checked={kind === option.value}
                  aria-describedby={`${baseId}-${option.value}-hint`}
                  onChange={() => setKind(option.value)}
                />
                <label htmlFor={`${baseId}-${option.value}`}>{option.label}</label>
                <p id={`${baseId}-${option.value}-hint`} className="field-hint">
                  {option.hint}
                </p>
              </div>
            ))}
          </fieldset>
          {step === 'confirm' ? (
            <div ref={confirmRef} className="warning-box">
              <p>
                Anyone who sees these QR codes, or a photo or recording of them, can make your codes. Check that no one is
                watching and nothing is recording or sharing your screen.
              </p>
              <div className="button-row">
                <button type="button" className="danger" data-autofocus="" disabled={busy} onClick={() => void show()}>
                  Show QR codes
                </button>
                <button type="button" onClick={backToChoose}>
                  Cancel
                </button>
              </div>
            </div>
          ) : (
            <div className="button-row">
              <button ref={showRef} type="button" onClick={() => setStep('confirm')}>
                Show QR codes…
              </button>
            </div>
          )}
          {step === 'shown' ? <p role="status">There are no accounts to show.</p> : null}
          <FormMessage error={error} />
        </>
      )}
    </section>
  );
}

/** The export dialog. */
export function ExportDialog(): ReactElement {
  const actions = useActions();
  const plainDisabled = useApp((state) => state.policy?.disablePlainExport ?? false);
  return (
    <ModalDialog title="Export accounts" onClose={actions.closeDialog} wide>
      <EncryptedBackupExport />
      {plainDisabled ? (
        <section className="section" aria-labelledby="plain-export-managed-heading">
          <h3 id="plain-export-managed-heading">Plain links and QR codes</h3>
          <p className="managed-note">
            Managed by your organisation: unencrypted exports (plain links and QR codes) are turned off on this
            computer. Use an encrypted backup file to move your accounts.
          </p>
        </section>
      ) : (
        <>
          <PlainLinksExport />
          <QrCodesExport />
        </>
      )}
    </ModalDialog>
  );
}
