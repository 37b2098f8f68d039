/**
 * The import dialog: choose what to import (an export file, QR images, a screen scan, the
 * clipboard's image, pasted links), give the file's passphrase if it is encrypted, then check the
 * preview and confirm once. Dropped files, pasted images and backups to restore arrive through
 * the store's startImport and are previewed at once; so does the preview of a link that opened Twofold.
 *
 * Nothing is written before the confirm. A preview the user walks away from is cancelled, so main
 * forgets the secrets it holds.
 */
import { useEffect, useLayoutEffect, useRef, useState, type FormEvent, type ReactElement } from 'react';
import type { ImportFormat, ImportPreview, ImportSource } from '../../../common/api-contract';
import { useActions, useApi, useApp } from '../app-context';
import type { ImportHandover } from '../app-store';
import { errorCode, errorMessage } from '../form-error';
import type { DuplicateChoice } from '../import-format';
import { IMPORT_FILE_ACCEPT, readImportFiles, type PickedFile } from '../qr-image-file';
import { FieldShell, FormMessage, TextField } from './field';
import { ImportPreviewView } from './import-preview';
import { focusAutofocus, ModalDialog } from './modal-dialog';

type Step =
  | { kind: 'choose' }
  /** `failures` counts wrong passphrases, so each one clears the field again. */
  | { kind: 'passphrase'; source: ImportSource; addTo: string | null; prompt: string; error: string | null; failures: number }
  | { kind: 'preview'; preview: ImportPreview };

/** Previews that more QR codes can join: the ones made of links. */
const LINK_FORMATS: ReadonlySet<ImportFormat> = new Set<ImportFormat>(['google-migration', 'uri-list']);

/** What the dialog says while main reads a source. */
function busyText(source: ImportSource): string {
  switch (source.kind) {
    case 'screen':
      return 'Looking for QR codes on the screen…';
    case 'clipboard-image':
    case 'images':
      return 'Reading the QR codes…';
    case 'backup':
      return 'Reading the backup…';
    case 'file':
      return `Reading ${source.name}…`;
    case 'text':
      return 'Reading the links…';
  }
}

/** The key that pastes on this computer, for the hint. */
function pasteShortcut(): string {
  return /Mac|iPhone|iPad/.test(navigator.userAgent) ? '⌘V' : 'Ctrl+V';
}

/** The first step: every way to bring accounts in. */
function ChooseSource({
  busy,
  error,
  onFiles,
  onSource,
}: {
  busy: string | null;
  error: string | null;
  onFiles: (files: File[]) => void;
  onSource: (source: ImportSource) => void;
}): ReactElement {
  const [links, setLinks] = useState('');
  const [linksError, setLinksError] = useState<string | null>(null);

  const previewLinks = (event: FormEvent): void => {
    event.preventDefault();
    if (links.trim() === '') {
      setLinksError('Paste otpauth://, otpauth-migration:// or twofold://enroll links, one per line.');
      return;
    }
    setLinksError(null);
    onSource({ kind: 'text', text: links });
  };

  return (
    <div>
      <p className="lead">
        Bring your accounts from Google Authenticator, Aegis, 2FAS, Ente Auth, Bitwarden, andOTP or a Twofold backup.
        You see everything Twofold found before anything is added.
      </p>
      <FieldShell
        label="Export file or QR code images"
        error={null}
        hint="Aegis or Bitwarden .json, 2FAS .2fas, Ente Auth .txt, andOTP .json, Twofold .twofold, or PNG and JPEG pictures of QR codes (several at once)."
      >
        {({ id, describedBy }) => (
          <input
            id={id}
            type="file"
            multiple
            accept={IMPORT_FILE_ACCEPT}
            disabled={busy !== null}
            aria-describedby={describedBy}
            data-autofocus=""
            onChange={(event) => {
              const files = Array.from(event.target.files ?? []);
              // Let the user pick the same file again after fixing whatever was wrong.
              event.target.value = '';
              if (files.length > 0) onFiles(files);
            }}
          />
        )}
      </FieldShell>
      <div className="button-row">
        <button type="button" disabled={busy !== null} onClick={() => onSource({ kind: 'screen' })}>
          Scan screen
        </button>
        <button type="button" disabled={busy !== null} onClick={() => onSource({ kind: 'clipboard-image' })}>
          Paste image
        </button>
      </div>
      <p className="field-hint import-hint">
        Scan screen finds every QR code on your displays: open the page or app that shows the codes first. You can also
        drop files or pictures anywhere on this window, or press {pasteShortcut()} to paste a picture.
      </p>
      <form onSubmit={previewLinks} noValidate className="import-links">
        <FieldShell
          label="Links"
          error={linksError}
          hint="otpauth://, otpauth-migration:// (Google Authenticator export) or twofold://enroll links, one per line."
        >
          {({ id, describedBy, invalid }) => (
            <textarea
              id={id}
              rows={3}
              value={links}
              spellCheck={false}
              autoComplete="off"
              aria-invalid={invalid || undefined}
              aria-describedby={describedBy}
              onChange={(event) => setLinks(event.target.value)}
            />
          )}
        </FieldShell>
        <div className="button-row">
          <button type="submit" disabled={busy !== null}>
            Preview links
          </button>
        </div>
      </form>
      <FormMessage error={error} />
      {busy ? <p role="status">{busy}</p> : null}
    </div>
  );
}

/** An encrypted file: ask for its passphrase. The passphrase lives in this component only. */
function AskPassphrase({
  prompt,
  fieldError,
  failures,
  error,
  busy,
  onSubmit,
  onBack,
}: {
  prompt: string;
  fieldError: string | null;
  failures: number;
  error: string | null;
  busy: string | null;
  onSubmit: (passphrase: string) => void;
  onBack: () => void;
}): ReactElement {
  const [passphrase, setPassphrase] = useState('');
  const [missing, setMissing] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  // After a wrong passphrase, the field is cleared and focused for the next try.
  useEffect(() => {
    if (failures > 0) {
      setPassphrase('');
      focusAutofocus(formRef.current);
    }
  }, [failures]);

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (passphrase === '') {
      setMissing(true);
      return;
    }
    setMissing(false);
    onSubmit(passphrase);
  };

  return (
    <form ref={formRef} onSubmit={submit} noValidate>
      <p>{prompt}</p>
      <TextField
        label="Passphrase"
        type="password"
        autoComplete="off"
        value={passphrase}
        onChange={setPassphrase}
        error={missing ? 'Enter the passphrase the file was exported with.' : fieldError}
        autoFocus
      />
      <FormMessage error={error} />
      {busy ? <p role="status">{busy}</p> : null}
      <div className="button-row">
        <button type="submit" className="primary" disabled={busy !== null}>
          Open file
        </button>
        <button type="button" onClick={onBack}>
          Back
        </button>
      </div>
    </form>
  );
}

/** The import dialog. `request` numbers a handover from startImport (0: open empty). */
export function ImportDialog({ request }: { request: number }): ReactElement {
  const api = useApi();
  const actions = useActions();
  const pushActions = useApp((state) => state.pushActions);
  const [step, setStep] = useState<Step>({ kind: 'choose' });
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const stepRef = useRef(step);
  stepRef.current = step;
  // The preview main holds for this dialog; cancelled when replaced or when the dialog goes.
  const previewId = useRef<string | null>(null);
  const mounted = useRef(true);
  const bodyRef = useRef<HTMLDivElement>(null);
  const shownStep = useRef(step.kind);

  const forget = (id: string | null): void => {
    if (!id) return;
    // Best effort: main also drops previews when the vault locks, and a failed cancel has nothing to tell the user.
    api.import.cancel({ previewId: id }).catch(() => undefined);
  };

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
      forget(previewId.current);
      previewId.current = null;
    };
    // `forget` reads only refs and the stable api.
  }, [api]);

  // A new step takes focus to its first control (or the preview's heading), like a new dialog would.
  useLayoutEffect(() => {
    if (shownStep.current === step.kind) return;
    shownStep.current = step.kind;
    focusAutofocus(bodyRef.current);
  }, [step.kind]);

  const runPreview = async (source: ImportSource, passphrase: string | null, addTo: string | null): Promise<void> => {
    setBusy(busyText(source));
    setError(null);
    try {
      const preview = await api.import.preview({ source, passphrase, addTo });
      if (!mounted.current) {
        forget(preview.previewId);
        return;
      }
      if (previewId.current !== preview.previewId) forget(previewId.current);
      previewId.current = preview.previewId;
      setStep({ kind: 'preview', preview });
    } catch (caught) {
      if (!mounted.current) return;
      const code = errorCode(caught);
      const message = errorMessage(caught);
      const current = stepRef.current;
      if (code === 'VAULT_LOCKED') {
        void actions.loadStatus();
      } else if (code === 'IMPORT_PASSPHRASE_REQUIRED') {
        setStep({ kind: 'passphrase', source, addTo, prompt: message, error: null, failures: 0 });
      } else if (code === 'IMPORT_WRONG_PASSPHRASE') {
        setStep({
          kind: 'passphrase',
          source,
          addTo,
          prompt: current.kind === 'passphrase' ? current.prompt : 'This file is encrypted. Enter the passphrase it was exported with.',
          error: message,
          failures: current.kind === 'passphrase' ? current.failures + 1 : 1,
        });
      } else if (code === 'IMPORT_PREVIEW_EXPIRED') {
        previewId.current = null;
        setStep({ kind: 'choose' });
        setError(message);
      } else {
        setError(message);
      }
    } finally {
      if (mounted.current) setBusy(null);
    }
  };

  /**
   * Previews a source. More QR codes while a preview of QR codes or links is shown join it (the next
   * part of a Google Authenticator batch); anything else starts a new preview.
   */
  const receiveSource = (source: ImportSource): Promise<void> => {
    const current = stepRef.current;
    const addsQr = source.kind === 'images' || source.kind === 'screen' || source.kind === 'clipboard-image';
    const joinable = current.kind === 'preview' && LINK_FORMATS.has(current.preview.format);
    return runPreview(source, null, joinable && addsQr ? current.preview.previewId : null);
  };

  const receiveFiles = async (files: readonly PickedFile[]): Promise<void> => {
    setError(null);
    setBusy('Reading the files…');
    const read = await readImportFiles(files);
    if (!mounted.current) return;
    if (!read.ok) {
      setBusy(null);
      setError(read.message);
      return;
    }
    await receiveSource(read.source);
  };

  /** A preview main already made (a link opened Twofold): show it as if this dialog had asked for it. */
  const receivePreview = (preview: ImportPreview): void => {
    if (previewId.current !== preview.previewId) forget(previewId.current);
    previewId.current = preview.previewId;
    setBusy(null);
    setError(null);
    setStep({ kind: 'preview', preview });
  };

  const receive = (handover: ImportHandover): void => {
    if (handover.kind === 'files') void receiveFiles(handover.files);
    else if (handover.kind === 'source') void receiveSource(handover.source);
    else receivePreview(handover.preview);
  };

  // Something dropped, pasted or picked for restore: preview it now.
  useEffect(() => {
    if (request === 0) return;
    const handover = actions.takeImportHandover(request);
    // Runs once per handover (taking it empties the mailbox); `receive` reads the current step through a ref.
    if (handover) receive(handover);
  }, [request, actions]);

  const confirm = async (duplicates: DuplicateChoice, exclude: number[]): Promise<void> => {
    const current = stepRef.current;
    if (current.kind !== 'preview') return;
    setBusy('Adding the accounts…');
    setError(null);
    try {
      const result = await api.import.confirm({ previewId: current.preview.previewId, duplicates, exclude });
      // The preview is used up: nothing left to cancel.
      previewId.current = null;
      actions.importDone(result);
    } catch (caught) {
      if (!mounted.current) return;
      const code = errorCode(caught);
      if (code === 'VAULT_LOCKED') {
        void actions.loadStatus();
        return;
      }
      if (code === 'IMPORT_PREVIEW_EXPIRED') {
        previewId.current = null;
        setStep({ kind: 'choose' });
      }
      setError(errorMessage(caught));
      setBusy(null);
    }
  };

  const enroll = async (index: number): Promise<string | null> => {
    const current = stepRef.current;
    if (current.kind !== 'preview') return 'This preview is closed. Scan the code again.';
    try {
      const account = await api.import.enrollFound({ previewId: current.preview.previewId, index });
      actions.notify('push', `Enrolled with ${account.issuer || account.server}`);
      void pushActions.refresh();
      return null;
    } catch (caught) {
      if (errorCode(caught) === 'VAULT_LOCKED') void actions.loadStatus();
      return errorMessage(caught);
    }
  };

  const startOver = (): void => {
    forget(previewId.current);
    previewId.current = null;
    setError(null);
    setStep({ kind: 'choose' });
  };

  return (
    <ModalDialog title="Import accounts" onClose={actions.closeDialog} wide>
      <div ref={bodyRef}>
        {step.kind === 'choose' ? (
          <ChooseSource busy={busy} error={error} onFiles={(files) => void receiveFiles(files)} onSource={(s) => void receiveSource(s)} />
        ) : step.kind === 'passphrase' ? (
          <AskPassphrase
            prompt={step.prompt}
            fieldError={step.error}
            failures={step.failures}
            error={error}
            busy={busy}
            onSubmit={(passphrase) => void runPreview(step.source, passphrase, step.addTo)}
            onBack={startOver}
          />
        ) : (
          <ImportPreviewView
            key={step.preview.previewId}
            preview={step.preview}
            busy={busy}
            error={error}
            onConfirm={(duplicates, exclude) => void confirm(duplicates, exclude)}
            onAddImages={(files) => void receiveFiles(files)}
            onAddScan={() => void receiveSource({ kind: 'screen' })}
            onAddClipboardImage={() => void receiveSource({ kind: 'clipboard-image' })}
            onEnroll={enroll}
            onStartOver={startOver}
            onCancel={actions.closeDialog}
          />
        )}
      </div>
    </ModalDialog>
  );
}
