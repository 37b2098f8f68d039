/**
 * Settings: auto-lock, lock on suspend, clipboard clearing, time offset; passphrase change;
 * automatic backups; import and export; lock now.
 */
import { useEffect, useState, type FormEvent, type ReactElement } from 'react';
import type { Settings } from '../../../common/api-contract';
import { useActions, useApi, useApp } from '../app-context';
import { errorCode, errorMessage, toFormError, type FormError } from '../form-error';
import { BackupSettings } from './backup-settings';
import { FormMessage, TextField } from './field';
import { newPassphraseError } from '../passphrase-rules';
import { ModalDialog } from './modal-dialog';

type NumericKey = 'autoLockMinutes' | 'clipboardClearSeconds' | 'timeOffsetSeconds';

/** Bounds and messages of the numeric settings; the contract enforces the same bounds. */
const NUMERIC: Record<NumericKey, { min: number; max: number; message: string }> = {
  autoLockMinutes: { min: 1, max: 1440, message: 'Auto-lock takes a whole number of minutes from 1 to 1440 (one day).' },
  clipboardClearSeconds: {
    min: 0,
    max: 600,
    message: 'Clipboard clearing takes a whole number of seconds from 0 (never) to 600.',
  },
  timeOffsetSeconds: {
    min: -86_400,
    max: 86_400,
    message: 'The time offset is a whole number of seconds between -86400 and 86400 (one day either way).',
  },
};

type Draft = Record<NumericKey, string> & { lockOnSuspend: boolean };

function toDraft(settings: Settings): Draft {
  return {
    autoLockMinutes: String(settings.autoLockMinutes),
    clipboardClearSeconds: String(settings.clipboardClearSeconds),
    timeOffsetSeconds: String(settings.timeOffsetSeconds),
    lockOnSuspend: settings.lockOnSuspend,
  };
}

function GeneralSettings({ autoFocus }: { autoFocus: boolean }): ReactElement {
  const api = useApi();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Partial<Record<NumericKey | 'lockOnSuspend', string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    api.settings
      .get({})
      .then((settings) => {
        if (live) setDraft(toDraft(settings));
      })
      .catch((caught: unknown) => {
        if (live) setFormError(errorMessage(caught));
      });
    return () => {
      live = false;
    };
  }, [api]);

  if (!draft) {
    return (
      <section className="section" aria-label="General">
        {formError ? <FormMessage error={formError} /> : <p>Loading settings…</p>}
      </section>
    );
  }

  const setNumber = (key: NumericKey) => (value: string) => {
    setSaved(false);
    setDraft({ ...draft, [key]: value });
  };

  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const nextErrors: Partial<Record<NumericKey, string>> = {};
    const values: Partial<Record<NumericKey, number>> = {};
    for (const key of Object.keys(NUMERIC) as NumericKey[]) {
      const { min, max, message } = NUMERIC[key];
      const text = draft[key].trim();
      const value = Number(text);
      if (text === '' || !Number.isInteger(value) || value < min || value > max) nextErrors[key] = message;
      else values[key] = value;
    }
    setErrors(nextErrors);
    setFormError(null);
    setSaved(false);
    if (Object.keys(nextErrors).length > 0) return;
    setBusy(true);
    try {
      const settings = await api.settings.update({ ...values, lockOnSuspend: draft.lockOnSuspend });
      setDraft(toDraft(settings));
      setSaved(true);
    } catch (caught) {
      const mapped = toFormError(caught, {
        autoLockMinutes: 'autoLockMinutes',
        clipboardClearSeconds: 'clipboardClearSeconds',
        timeOffsetSeconds: 'timeOffsetSeconds',
        lockOnSuspend: 'lockOnSuspend',
      });
      if (mapped.field) setErrors({ [mapped.field]: mapped.message });
      else setFormError(mapped.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="section" aria-label="General" onSubmit={(event) => void save(event)} noValidate>
      <TextField
        label="Lock after this many idle minutes"
        type="number"
        inputMode="numeric"
        value={draft.autoLockMinutes}
        onChange={setNumber('autoLockMinutes')}
        error={errors.autoLockMinutes}
        autoFocus={autoFocus}
      />
      <div className="checkbox-row">
        <input
          id="settings-lock-on-suspend"
          type="checkbox"
          checked={draft.lockOnSuspend}
          onChange={(event) => {
            setSaved(false);
            setDraft({ ...draft, lockOnSuspend: event.target.checked });
          }}
        />
        <label htmlFor="settings-lock-on-suspend">Lock when the computer sleeps or the screen locks</label>
      </div>
      <TextField
        label="Clear the clipboard after (seconds)"
        type="number"
        inputMode="numeric"
        value={draft.clipboardClearSeconds}
        onChange={setNumber('clipboardClearSeconds')}
        error={errors.clipboardClearSeconds}
        hint="0 never clears it. Twofold clears it only if it still holds the code it copied."
      />
      <TextField
        label="Time offset (seconds)"
        type="number"
        inputMode="numeric"
        value={draft.timeOffsetSeconds}
        onChange={setNumber('timeOffsetSeconds')}
        error={errors.timeOffsetSeconds}
        hint="Only if this computer’s clock is wrong and codes are refused: seconds to add to it."
      />
      <FormMessage error={formError} />
      <div className="button-row">
        <button type="submit" className="primary" disabled={busy}>
          Save settings
        </button>
        {saved ? <span role="status">Settings saved.</span> : null}
      </div>
    </form>
  );
}

function ChangePassphrase(): ReactElement {
  const api = useApi();
  const actions = useActions();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<FormError | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const fieldError = (field: string): string | null => (error?.field === field ? error.message : null);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setDone(false);
    if (current === '') {
      setError({ field: 'current', message: 'Enter your current passphrase.' });
      return;
    }
    const problem = newPassphraseError(next, confirm, 'next');
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      actions.applyStatus(await api.vault.changePassphrase({ current, next }));
      setCurrent('');
      setNext('');
      setConfirm('');
      setDone(true);
    } catch (caught) {
      const mapped = toFormError(caught, { current: 'current', next: 'next' });
      setError(errorCode(caught) === 'VAULT_WRONG_PASSPHRASE' ? { field: 'current', message: mapped.message } : mapped);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="section" aria-labelledby="change-passphrase-heading" onSubmit={(event) => void submit(event)} noValidate>
      <h3 id="change-passphrase-heading">Change passphrase</h3>
      <TextField
        label="Current passphrase"
        type="password"
        autoComplete="current-password"
        value={current}
        onChange={setCurrent}
        error={fieldError('current')}
      />
      <TextField
        label="New passphrase"
        type="password"
        autoComplete="new-password"
        value={next}
        onChange={setNext}
        error={fieldError('next')}
      />
      <TextField
        label="Confirm new passphrase"
        type="password"
        autoComplete="new-password"
        value={confirm}
        onChange={setConfirm}
        error={fieldError('confirm')}
      />
      <FormMessage error={error && error.field === null ? error.message : null} />
      <div className="button-row">
        <button type="submit" disabled={busy}>
          {busy ? 'Changing…' : 'Change passphrase'}
        </button>
        {done ? <span role="status">Passphrase changed.</span> : null}
      </div>
    </form>
  );
}

/** The settings dialog; `section` scrolls to one section and focuses it. */
export function SettingsDialog({ section = null }: { section?: 'backups' | null }): ReactElement {
  const actions = useActions();
  const hasPassphrase = useApp((state) => state.status?.slots.includes('passphrase') ?? false);
  return (
    <ModalDialog title="Settings" onClose={actions.closeDialog}>
      <GeneralSettings autoFocus={section === null} />
      {hasPassphrase ? <ChangePassphrase /> : null}
      <BackupSettings focus={section === 'backups'} />
      <section className="section" aria-labelledby="move-accounts-heading">
        <h3 id="move-accounts-heading">Move accounts</h3>
        <p className="field-hint">Bring accounts from another authenticator, or take them to another app or phone.</p>
        <div className="button-row">
          <button type="button" onClick={() => actions.startImport()}>
            Import…
          </button>
          <button type="button" onClick={() => actions.openDialog({ kind: 'export' })}>
            Export…
          </button>
        </div>
      </section>
      <section className="section" aria-label="Lock">
        <button type="button" className="with-icon" onClick={() => void actions.lock()}>
          Lock now
        </button>
      </section>
    </ModalDialog>
  );
}
