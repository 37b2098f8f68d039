/**
 * Settings: auto-lock, lock on suspend, clipboard clearing, time offset, the tray, start at login,
 * the quick search shortcut; passphrase change; automatic backups; updates; import and export; lock
 * now; and the managed policy. Settings the policy decides say "Managed by your organisation".
 */
import { useEffect, useState, type FormEvent, type ReactElement } from 'react';
import type { DesktopProblems, PolicyView, Settings } from '../../../common/api-contract';
import { useActions, useApi, useApp } from '../app-context';
import { errorCode, errorMessage, toFormError, type FormError } from '../form-error';
import { BackupSettings } from './backup-settings';
import { CheckboxField, FormMessage, TextField } from './field';
import { newPassphraseError } from '../passphrase-rules';
import { ManagedPolicySection } from './managed-policy-section';
import { ModalDialog } from './modal-dialog';
import { UpdateSettings } from './update-settings';

type NumericKey = 'autoLockMinutes' | 'clipboardClearSeconds' | 'timeOffsetSeconds';
type BooleanKey = 'lockOnSuspend' | 'closeToTray' | 'startAtLogin';
type SettingKey = keyof Settings;

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

/** Every setting this form shows, by the API's field name; errors naming one land at its field. */
const FIELD_MAP: Readonly<Record<SettingKey, SettingKey>> = {
  autoLockMinutes: 'autoLockMinutes',
  lockOnSuspend: 'lockOnSuspend',
  clipboardClearSeconds: 'clipboardClearSeconds',
  timeOffsetSeconds: 'timeOffsetSeconds',
  closeToTray: 'closeToTray',
  startAtLogin: 'startAtLogin',
  quickSearchShortcut: 'quickSearchShortcut',
};

/** What "Managed by your organisation" says under a setting the policy decides. */
export const MANAGED_TEXT = 'Managed by your organisation.';

type Draft = Record<NumericKey, string> & Record<BooleanKey, boolean> & { quickSearchShortcut: string };

function toDraft(settings: Settings): Draft {
  return {
    autoLockMinutes: String(settings.autoLockMinutes),
    clipboardClearSeconds: String(settings.clipboardClearSeconds),
    timeOffsetSeconds: String(settings.timeOffsetSeconds),
    lockOnSuspend: settings.lockOnSuspend,
    closeToTray: settings.closeToTray,
    startAtLogin: settings.startAtLogin,
    quickSearchShortcut: settings.quickSearchShortcut,
  };
}

/** What the OS refused (a shortcut another app holds, a login item), shown at the setting's field. */
function problemErrors(problems: DesktopProblems): Partial<Record<SettingKey, string>> {
  const errors: Partial<Record<SettingKey, string>> = {};
  if (problems.quickSearchShortcut !== null) errors.quickSearchShortcut = problems.quickSearchShortcut;
  if (problems.startAtLogin !== null) errors.startAtLogin = problems.startAtLogin;
  return errors;
}

/** How the policy bends one setting: not at all, capped (auto-lock's maximum), or fixed. */
type Managed = { kind: 'free' } | { kind: 'capped'; max: number } | { kind: 'fixed' };

function managedState(policy: PolicyView | null, key: SettingKey): Managed {
  if (!policy?.managedSettings.includes(key)) return { kind: 'free' };
  if (key === 'autoLockMinutes' && policy.maxAutoLockMinutes !== null) return { kind: 'capped', max: policy.maxAutoLockMinutes };
  return { kind: 'fixed' };
}

function GeneralSettings({ autoFocus }: { autoFocus: boolean }): ReactElement {
  const api = useApi();
  const policy = useApp((state) => state.policy);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [errors, setErrors] = useState<Partial<Record<SettingKey, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    Promise.all([api.settings.get({}), api.settings.desktopProblems({})])
      .then(([settings, problems]) => {
        if (!live) return;
        setDraft(toDraft(settings));
        setErrors(problemErrors(problems));
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

  const managed = (key: SettingKey): Managed => managedState(policy, key);
  const autoLock = managed('autoLockMinutes');
  /** The policy sets this one: the field is disabled and says so. */
  const fixed = (key: SettingKey): boolean => managed(key).kind === 'fixed';

  const update = <K extends keyof Draft>(key: K, value: Draft[K]): void => {
    setSaved(false);
    setDraft({ ...draft, [key]: value });
  };

  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const nextErrors: Partial<Record<SettingKey, string>> = {};
    const patch: Partial<Settings> = {};
    for (const key of Object.keys(NUMERIC) as NumericKey[]) {
      const state = managed(key);
      if (state.kind === 'fixed') continue;
      const { min, message } = NUMERIC[key];
      const max = state.kind === 'capped' ? Math.min(state.max, NUMERIC[key].max) : NUMERIC[key].max;
      const text = draft[key].trim();
      const value = Number(text);
      if (text === '' || !Number.isInteger(value) || value < min || value > max) {
        nextErrors[key] =
          state.kind === 'capped'
            ? `Your organisation allows at most ${max} minutes. Enter a whole number from ${min} to ${max}.`
            : message;
      } else patch[key] = value;
    }
    for (const key of ['lockOnSuspend', 'closeToTray', 'startAtLogin'] as const) {
      if (!fixed(key)) patch[key] = draft[key];
    }
    if (!fixed('quickSearchShortcut')) patch.quickSearchShortcut = draft.quickSearchShortcut.trim();
    setErrors(nextErrors);
    setFormError(null);
    setSaved(false);
    if (Object.keys(nextErrors).length > 0) return;
    setBusy(true);
    try {
      const settings = await api.settings.update(patch);
      setDraft(toDraft(settings));
      setSaved(true);
      // Saved, but the system may still have refused a login item (or a shortcut it took earlier).
      setErrors(problemErrors(await api.settings.desktopProblems({})));
    } catch (caught) {
      const mapped = toFormError(caught, FIELD_MAP);
      if (mapped.field) setErrors({ [mapped.field]: mapped.message });
      else setFormError(mapped.message);
    } finally {
      setBusy(false);
    }
  };

  const numberHint = (key: NumericKey, hint?: string): string | undefined => {
    const state = managed(key);
    if (state.kind === 'capped') return `${MANAGED_TEXT} At most ${state.max} minutes.`;
    if (state.kind === 'fixed') return MANAGED_TEXT;
    return hint;
  };

  return (
    <form className="section" aria-label="General" onSubmit={(event) => void save(event)} noValidate>
      <TextField
        label="Lock after this many idle minutes"
        type="number"
        inputMode="numeric"
        value={draft.autoLockMinutes}
        onChange={(value) => update('autoLockMinutes', value)}
        error={errors.autoLockMinutes}
        hint={numberHint('autoLockMinutes')}
        disabled={autoLock.kind === 'fixed'}
        autoFocus={autoFocus}
      />
      <CheckboxField
        label="Lock when the computer sleeps or the screen locks"
        checked={draft.lockOnSuspend}
        hint={fixed('lockOnSuspend') ? MANAGED_TEXT : undefined}
        disabled={fixed('lockOnSuspend')}
        error={errors.lockOnSuspend}
        onChange={(checked) => update('lockOnSuspend', checked)}
      />
      <TextField
        label="Clear the clipboard after (seconds)"
        type="number"
        inputMode="numeric"
        value={draft.clipboardClearSeconds}
        onChange={(value) => update('clipboardClearSeconds', value)}
        error={errors.clipboardClearSeconds}
        hint={numberHint(
          'clipboardClearSeconds',
          '0 never clears it. Twofold clears it only if it still holds the code it copied.',
        )}
        disabled={fixed('clipboardClearSeconds')}
      />
      <TextField
        label="Time offset (seconds)"
        type="number"
        inputMode="numeric"
        value={draft.timeOffsetSeconds}
        onChange={(value) => update('timeOffsetSeconds', value)}
        error={errors.timeOffsetSeconds}
        hint={numberHint('timeOffsetSeconds', 'Only if this computer’s clock is wrong and codes are refused: seconds to add to it.')}
        disabled={fixed('timeOffsetSeconds')}
      />
      <CheckboxField
        label="Keep running in the tray when the window is closed"
        checked={draft.closeToTray}
        hint={fixed('closeToTray') ? MANAGED_TEXT : undefined}
        disabled={fixed('closeToTray')}
        error={errors.closeToTray}
        onChange={(checked) => update('closeToTray', checked)}
      />
      <CheckboxField
        label="Start Twofold when you log in"
        checked={draft.startAtLogin}
        hint={fixed('startAtLogin') ? MANAGED_TEXT : undefined}
        disabled={fixed('startAtLogin')}
        error={errors.startAtLogin}
        onChange={(checked) => update('startAtLogin', checked)}
      />
      <TextField
        label="Quick search shortcut"
        value={draft.quickSearchShortcut}
        onChange={(value) => update('quickSearchShortcut', value)}
        error={errors.quickSearchShortcut}
        hint={
          fixed('quickSearchShortcut')
            ? MANAGED_TEXT
            : 'Opens quick search from any app, for example CommandOrControl+Shift+2. Leave it empty to turn it off.'
        }
        disabled={fixed('quickSearchShortcut')}
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
      <UpdateSettings />
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
      <ManagedPolicySection />
    </ModalDialog>
  );
}
