/**
 * The "Automatic backups" section of Settings: the folder (picked in main's folder dialog), the
 * backup passphrase, on/off, how many to keep, "Back up now", how the last backup went, and the
 * backups in the folder, each with "Restore…" (which opens the import preview).
 */
import { useEffect, useId, useRef, useState, type FormEvent, type ReactElement } from 'react';
import type { BackupStatus } from '../../../common/api-contract';
import { useActions, useApi, useApp } from '../app-context';
import { formatBytes } from '../import-format';
import { newPassphraseError } from '../passphrase-rules';
import { formatMoment } from '../push-format';
import { useFormCall, type FormCall } from '../use-form-call';
import { CheckboxField, FormMessage, NewPassphraseFields, TextField } from './field';

/** Runs a backup call from a form (useFormCall), and puts the new status into the store. */
function useBackupCall(): Omit<FormCall, 'run'> & {
  run: (call: () => Promise<BackupStatus>, fieldMap?: Record<string, string>) => Promise<boolean>;
} {
  const formCall = useFormCall();
  const backupActions = useApp((state) => state.backupActions);
  return {
    ...formCall,
    run: async (call, fieldMap) => {
      const result = await formCall.run(call, fieldMap);
      if (result.ok) backupActions.apply(result.value);
      // What failed may have changed the status (a failed "Back up now" is recorded there).
      else void backupActions.load();
      return result.ok;
    },
  };
}

function BackupPassphrase({ hasPassphrase }: { hasPassphrase: boolean }): ReactElement {
  const api = useApi();
  const call = useBackupCall();
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [done, setDone] = useState(false);
  const headingId = useId();
  const fieldError = (field: string): string | null => (call.error?.field === field ? call.error.message : null);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setDone(false);
    const problem = newPassphraseError(passphrase, confirm);
    if (problem) {
      call.setError(problem);
      return;
    }
    if (await call.run(() => api.backup.configure({ passphrase }), { passphrase: 'passphrase' })) {
      setPassphrase('');
      setConfirm('');
      setDone(true);
    }
  };

  return (
    <form className="backup-part" aria-labelledby={headingId} onSubmit={(event) => void submit(event)} noValidate>
      <h4 id={headingId}>Backup passphrase</h4>
      <p className="field-hint">
        {hasPassphrase
          ? 'A backup passphrase is set. A new one applies to the backups written from now on.'
          : 'Backups are encrypted with their own passphrase. Keep it somewhere other than this computer: you need it to restore.'}
      </p>
      <NewPassphraseFields
        label="Backup passphrase"
        confirmLabel="Confirm backup passphrase"
        passphrase={passphrase}
        confirm={confirm}
        onPassphraseChange={(value) => {
          setDone(false);
          setPassphrase(value);
        }}
        onConfirmChange={setConfirm}
        passphraseError={fieldError('passphrase')}
        confirmError={fieldError('confirm')}
      />
      <FormMessage error={call.error && call.error.field === null ? call.error.message : null} />
      <div className="button-row">
        <button type="submit" disabled={call.busy}>
          {hasPassphrase ? 'Change backup passphrase' : 'Set backup passphrase'}
        </button>
        {done ? <span role="status">Backup passphrase saved.</span> : null}
      </div>
    </form>
  );
}

function KeepCount({ keep }: { keep: number }): ReactElement {
  const api = useApi();
  const call = useBackupCall();
  const [draft, setDraft] = useState(String(keep));
  const [saved, setSaved] = useState(false);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setSaved(false);
    const value = Number(draft.trim());
    if (draft.trim() === '' || !Number.isInteger(value) || value < 1 || value > 100) {
      call.setError({ field: 'keep', message: 'Keep a whole number of backups from 1 to 100.' });
      return;
    }
    if (await call.run(() => api.backup.configure({ keep: value }), { keep: 'keep' })) setSaved(true);
  };

  return (
    <form className="backup-part backup-keep" onSubmit={(event) => void submit(event)} noValidate>
      <TextField
        label="Backups to keep"
        type="number"
        inputMode="numeric"
        value={draft}
        onChange={(value) => {
          setSaved(false);
          setDraft(value);
        }}
        error={call.error?.field === 'keep' ? call.error.message : null}
        hint="The oldest backups beyond this number are deleted."
      />
      <FormMessage error={call.error && call.error.field === null ? call.error.message : null} />
      <div className="button-row">
        <button type="submit" disabled={call.busy}>
          Save
        </button>
        {saved ? <span role="status">Saved.</span> : null}
      </div>
    </form>
  );
}

function BackupFiles({ status }: { status: BackupStatus }): ReactElement {
  const actions = useActions();
  const headingId = useId();
  if (status.files.length === 0) {
    return (
      <div className="backup-part">
        <h4 id={headingId}>Backups in the folder</h4>
        <p className="field-hint">None yet.</p>
      </div>
    );
  }
  return (
    <div className="backup-part">
      <h4 id={headingId}>Backups in the folder</h4>
      <ul className="backup-files" aria-labelledby={headingId}>
        {status.files.map((file, index) => {
          const nameId = `${headingId}-file-${index}`;
          return (
            <li key={file.name} className="backup-file">
              <span className="backup-file-names">
                <span id={nameId} className="backup-file-name">
                  {file.name}
                </span>{' '}
                <span className="backup-file-detail">
                  {formatMoment(file.createdAt, Date.now())} · {formatBytes(file.bytes)}
                </span>
              </span>
              <button
                type="button"
                className="small"
                aria-describedby={nameId}
                onClick={() => actions.startImport({ kind: 'source', source: { kind: 'backup', name: file.name } })}
              >
                Restore…
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function BackupControls({ status }: { status: BackupStatus }): ReactElement {
  const api = useApi();
  const folderCall = useBackupCall();
  const toggleCall = useBackupCall();
  const runCall = useBackupCall();
  // The box follows the click at once; if main refuses, it goes back and the reason shows below it.
  const [enabling, setEnabling] = useState<boolean | null>(null);

  return (
    <>
      {status.lastError ? (
        <p className="form-error backup-failure" role="alert">
          The last backup failed ({formatMoment(status.lastError.at, Date.now())}): {status.lastError.message}
        </p>
      ) : null}
      <div className="backup-part">
        <p className="backup-folder">
          Folder: <span className="path">{status.folder ?? 'none chosen yet'}</span>
        </p>
        <div className="button-row">
          <button type="button" disabled={folderCall.busy} onClick={() => void folderCall.run(() => api.backup.chooseFolder({}))}>
            Choose folder…
          </button>
        </div>
        <FormMessage error={folderCall.error?.message} />
      </div>
      <BackupPassphrase hasPassphrase={status.hasPassphrase} />
      <div className="backup-part">
        <CheckboxField
          label="Back up automatically"
          checked={enabling ?? status.enabled}
          disabled={toggleCall.busy}
          hint="After every change (a few seconds later) and once a day."
          onChange={(enabled) => {
            setEnabling(enabled);
            void toggleCall.run(() => api.backup.configure({ enabled })).finally(() => setEnabling(null));
          }}
        />
        <FormMessage error={toggleCall.error?.message} />
      </div>
      <KeepCount key={status.keep} keep={status.keep} />
      <div className="backup-part">
        <div className="button-row">
          <button
            type="button"
            disabled={runCall.busy}
            onClick={() => void runCall.run(() => api.backup.runNow({}))}
          >
            {runCall.busy ? 'Backing up…' : 'Back up now'}
          </button>
          <span className="backup-last" role="status">
            {status.lastSuccessAt === null ? 'No backup yet.' : `Last backup: ${formatMoment(status.lastSuccessAt, Date.now())}`}
          </span>
        </div>
        <FormMessage error={runCall.error?.message} />
      </div>
      <BackupFiles status={status} />
    </>
  );
}

/** The Backups section of Settings. With `focus`, it scrolls into view and takes focus (from the failure banner). */
export function BackupSettings({ focus }: { focus: boolean }): ReactElement {
  const backup = useApp((state) => state.backup);
  const backupActions = useApp((state) => state.backupActions);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const headingId = useId();

  useEffect(() => {
    void backupActions.load();
  }, [backupActions]);

  useEffect(() => {
    if (!focus) return;
    headingRef.current?.scrollIntoView({ block: 'start' });
    headingRef.current?.focus();
  }, [focus]);

  return (
    <section className="section" aria-labelledby={headingId}>
      <h3 id={headingId} ref={headingRef} tabIndex={-1}>
        Automatic backups
      </h3>
      <p className="field-hint">
        Encrypted backups in a folder you choose, for example one that your cloud drive or another disk keeps a copy of.
      </p>
      {backup.status ? (
        <BackupControls status={backup.status} />
      ) : backup.loadError ? (
        <FormMessage error={backup.loadError} />
      ) : (
        <p>Loading backup settings…</p>
      )}
    </section>
  );
}
