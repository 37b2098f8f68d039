/**
 * The edit dialog of one account: names, colour, pin, order, "show secret" (after a warning), delete.
 */
import { useState, type FormEvent, type ReactElement } from 'react';
import type { AccountView } from '../../../common/api-contract';
import { useActions, useApi, useApp } from '../app-context';
import { colourChoice, colourHex, colourOptions } from '../colours';
import { errorMessage, toFormError, type FormError } from '../form-error';
import { CheckboxField, FieldShell, FormMessage, SelectField, TextField } from './field';
import { ModalDialog } from './modal-dialog';

/**
 * Shows the secret only after an explicit confirmation. The secret lives in this component's state
 * and is gone when the dialog closes.
 */
function RevealSecret({ id }: { id: string }): ReactElement {
  const api = useApi();
  const [step, setStep] = useState<'hidden' | 'confirm' | 'shown'>('hidden');
  const [revealed, setRevealed] = useState<{ secret: string; uri: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const forbidden = useApp((state) => state.policy?.disablePlainExport ?? false);

  const reveal = async (): Promise<void> => {
    setError(null);
    try {
      setRevealed(await api.accounts.revealSecret({ id, confirm: true }));
      setStep('shown');
    } catch (caught) {
      setError(errorMessage(caught));
    }
  };

  if (forbidden) {
    return (
      <section className="section" aria-label="Secret">
        <p className="managed-note">Managed by your organisation: secrets can’t be shown on this computer.</p>
      </section>
    );
  }

  return (
    <section className="section" aria-label="Secret">
      {step === 'hidden' ? (
        <button type="button" onClick={() => setStep('confirm')}>
          Show secret…
        </button>
      ) : null}
      {step === 'confirm' ? (
        <div className="warning-box">
          <p>Anyone who sees the secret can make your codes. Show it?</p>
          <div className="button-row">
            <button type="button" className="danger" onClick={() => void reveal()}>
              Show secret
            </button>
            <button type="button" onClick={() => setStep('hidden')}>
              Cancel
            </button>
          </div>
        </div>
      ) : null}
      {step === 'shown' && revealed ? (
        <div className="secret-box">
          <FieldShell label="Secret key" error={null}>
            {({ id: fieldId }) => <input id={fieldId} readOnly value={revealed.secret} spellCheck={false} />}
          </FieldShell>
          <FieldShell label="otpauth URI" error={null}>
            {({ id: fieldId }) => <textarea id={fieldId} readOnly rows={3} value={revealed.uri} spellCheck={false} />}
          </FieldShell>
          <button
            type="button"
            onClick={() => {
              setRevealed(null);
              setStep('hidden');
            }}
          >
            Hide secret
          </button>
        </div>
      ) : null}
      <FormMessage error={error} />
    </section>
  );
}

function EditForm({ account }: { account: AccountView }): ReactElement {
  const api = useApi();
  const actions = useActions();
  const accounts = useApp((state) => state.accounts);
  const index = accounts.findIndex((a) => a.id === account.id);
  const [issuer, setIssuer] = useState(account.issuer);
  const [label, setLabel] = useState(account.label);
  const [colour, setColour] = useState(colourChoice(account.color));
  const [pinned, setPinned] = useState(account.pinned);
  const [error, setError] = useState<FormError | null>(null);
  const [busy, setBusy] = useState(false);
  const fieldError = (field: string): string | null => (error?.field === field ? error.message : null);

  const save = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.accounts.update({
        id: account.id,
        issuer: issuer.trim(),
        label: label.trim(),
        color: colourHex(colour),
        pinned,
      });
      actions.closeDialog();
      actions.notify('account', `Saved ${issuer.trim() || label.trim()}`);
      void actions.loadAccounts();
    } catch (caught) {
      setError(toFormError(caught, { issuer: 'issuer', label: 'label', color: 'colour', pinned: 'pinned' }));
      setBusy(false);
    }
  };

  return (
    <>
      <form onSubmit={(event) => void save(event)} noValidate>
        <div className="grid-2">
          <TextField label="Issuer" value={issuer} onChange={setIssuer} error={fieldError('issuer')} autoFocus />
          <TextField label="Account name" value={label} onChange={setLabel} error={fieldError('label')} />
        </div>
        <SelectField
          label="Colour"
          value={colour}
          onChange={setColour}
          error={fieldError('colour')}
          options={colourOptions(colour)}
        />
        <CheckboxField label="Pin to the top of the list" checked={pinned} onChange={setPinned} />
        <FormMessage error={error && error.field === null ? error.message : null} />
        <div className="button-row">
          <button type="submit" className="primary" disabled={busy}>
            Save
          </button>
          <button type="button" onClick={actions.closeDialog}>
            Cancel
          </button>
        </div>
      </form>
      <section className="section" aria-label="Order">
        <div className="button-row">
          <button type="button" disabled={index <= 0} onClick={() => void actions.move(account.id, -1)}>
            Move up
          </button>
          <button
            type="button"
            disabled={index < 0 || index >= accounts.length - 1}
            onClick={() => void actions.move(account.id, 1)}
          >
            Move down
          </button>
        </div>
        <p className="field-hint">In the list, Alt+↑ and Alt+↓ move the focused account.</p>
      </section>
      <RevealSecret id={account.id} />
      <section className="section danger-zone" aria-label="Delete">
        <button type="button" className="danger" onClick={() => void actions.removeAccount(account.id)}>
          Delete
        </button>
        <p className="field-hint">You can undo a delete for a few seconds.</p>
      </section>
    </>
  );
}

/** The edit dialog for account `id`; if a reload drops the account from the list, it keeps showing it as opened. */
export function EditAccountDialog({ id }: { id: string }): ReactElement | null {
  const actions = useActions();
  const account = useApp((state) => state.accounts.find((a) => a.id === id));
  const [initial] = useState(account);
  const shown = account ?? initial;
  if (!shown) return null;
  const name = shown.issuer || shown.label;
  return (
    <ModalDialog title={`Edit ${name}`} onClose={actions.closeDialog}>
      <EditForm account={shown} />
    </ModalDialog>
  );
}
