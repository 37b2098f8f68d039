/**
 * The unlock screen, shown while the vault is locked.
 */
import { useEffect, useRef, useState, type FormEvent, type ReactElement } from 'react';
import type { VaultStatus } from '../../../common/api-contract';
import { useActions, useApi, useApp } from '../app-context';
import type { LockReason } from '../app-store';
import { errorCode, toFormError } from '../form-error';
import { FormMessage, TextField } from './field';
import { focusAutofocus } from './modal-dialog';

const REASON_TEXT: Record<LockReason, string | null> = {
  manual: null,
  idle: 'Twofold locked itself because it was not used for a while.',
  suspend: 'Twofold locked itself when the computer went to sleep.',
  'screen-lock': 'Twofold locked itself when the screen was locked.',
};

/** Asks for the passphrase (or the OS keychain) and unlocks the vault. */
export function UnlockScreen({ status }: { status: VaultStatus }): ReactElement {
  const api = useApi();
  const actions = useActions();
  const lockReason = useApp((state) => state.lockReason);
  const formRef = useRef<HTMLFormElement>(null);
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const hasPassphrase = status.slots.includes('passphrase');
  const hasOs = status.slots.includes('os');

  useEffect(() => focusAutofocus(formRef.current), []);

  const run = async (call: () => Promise<VaultStatus>): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const next = await call();
      actions.applyStatus(next);
    } catch (caught) {
      const mapped = toFormError(caught, { passphrase: 'passphrase' });
      // A wrong passphrase is about the passphrase field even when the core names no field.
      setError(
        hasPassphrase && errorCode(caught) === 'VAULT_WRONG_PASSPHRASE'
          ? { field: 'passphrase', message: mapped.message }
          : mapped,
      );
      setBusy(false);
    }
  };

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (passphrase.length === 0) {
      setError({ field: 'passphrase', message: 'Enter your passphrase to unlock.' });
      return;
    }
    void run(() => api.vault.unlock({ passphrase }));
  };

  const reason = lockReason ? REASON_TEXT[lockReason] : null;
  return (
    <main className="centered">
      <form ref={formRef} className="card" onSubmit={submit} noValidate>
        <h1>Twofold is locked</h1>
        {/* Lets password managers file the passphrase under a stable name; never shown. */}
        <input type="text" name="username" autoComplete="username" value="Twofold vault" readOnly hidden />
        {reason ? <p className="lead">{reason}</p> : <p className="lead">Unlock to see your codes.</p>}
        {hasPassphrase ? (
          <TextField
            label="Passphrase"
            type="password"
            autoComplete="current-password"
            value={passphrase}
            onChange={setPassphrase}
            error={error?.field === 'passphrase' ? error.message : null}
            autoFocus
          />
        ) : null}
        <FormMessage error={error && error.field !== 'passphrase' ? error.message : null} />
        <div className="button-row">
          {hasPassphrase ? (
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Unlocking…' : 'Unlock'}
            </button>
          ) : null}
          {hasOs ? (
            <button type="button" disabled={busy} onClick={() => void run(() => api.vault.unlockWithOs({}))}>
              Unlock with OS keychain
            </button>
          ) : null}
        </div>
      </form>
    </main>
  );
}
