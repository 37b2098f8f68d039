/**
 * First run: no vault yet. The user picks a passphrase, and may also let the OS keychain unlock it.
 */
import { useEffect, useRef, useState, type FormEvent, type ReactElement } from 'react';
import type { VaultStatus } from '../../../common/api-contract';
import { useActions, useApi } from '../app-context';
import { toFormError } from '../form-error';
import { CheckboxField, FormMessage, TextField } from './field';
import { focusAutofocus } from './modal-dialog';
import { checkNewPassphrase, MIN_PASSPHRASE_LENGTH } from '../passphrase-rules';

/** The create-a-vault screen shown while vault.status is 'absent'. */
export function FirstRunScreen({ status }: { status: VaultStatus }): ReactElement {
  const api = useApi();
  const actions = useActions();
  const formRef = useRef<HTMLFormElement>(null);
  const [passphrase, setPassphrase] = useState('');
  const [confirm, setConfirm] = useState('');
  const [useOsSlot, setUseOsSlot] = useState(status.osSlot.available);
  const [errors, setErrors] = useState<{ passphrase: string | null; confirm: string | null; form: string | null }>({
    passphrase: null,
    confirm: null,
    form: null,
  });
  const [busy, setBusy] = useState(false);

  useEffect(() => focusAutofocus(formRef.current), []);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    const checked = checkNewPassphrase(passphrase, confirm);
    if (checked.passphrase || checked.confirm) {
      setErrors({ ...checked, form: null });
      return;
    }
    setBusy(true);
    setErrors({ passphrase: null, confirm: null, form: null });
    try {
      const next = await api.vault.create({ passphrase, useOsSlot: status.osSlot.available && useOsSlot });
      actions.applyStatus(next);
    } catch (error) {
      const mapped = toFormError(error, { passphrase: 'passphrase' });
      setErrors({
        passphrase: mapped.field === 'passphrase' ? mapped.message : null,
        confirm: null,
        form: mapped.field === null ? mapped.message : null,
      });
      setBusy(false);
    }
  };

  return (
    <main className="centered">
      <form ref={formRef} className="card" onSubmit={(event) => void submit(event)} noValidate>
        <h1>Welcome to Twofold</h1>
        {/* Lets password managers file the passphrase under a stable name; never shown. */}
        <input type="text" name="username" autoComplete="username" value="Twofold vault" readOnly hidden />
        <p className="lead">
          Your accounts are kept in an encrypted vault on this computer. Choose a passphrase to protect it.
        </p>
        <TextField
          label="Passphrase"
          type="password"
          autoComplete="new-password"
          value={passphrase}
          onChange={setPassphrase}
          error={errors.passphrase}
          hint={`At least ${MIN_PASSPHRASE_LENGTH} characters.`}
          autoFocus
        />
        <TextField
          label="Confirm passphrase"
          type="password"
          autoComplete="new-password"
          value={confirm}
          onChange={setConfirm}
          error={errors.confirm}
        />
        {status.osSlot.available ? (
          <CheckboxField label="Also unlock with the OS keychain" checked={useOsSlot} onChange={setUseOsSlot} />
        ) : (
          <p className="note">
            {status.osSlot.reason ?? 'The OS keychain is not available.'} Your passphrase is the only way to unlock
            the vault, so keep it somewhere safe.
          </p>
        )}
        <FormMessage error={errors.form} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating vault…' : 'Create vault'}
        </button>
      </form>
    </main>
  );
}
