/**
 * Confirms removing a push sign-in account before its device key is forgotten.
 */
import { useState, type ReactElement } from 'react';
import { useActions, useApp } from '../app-context';
import { pushAccountName } from '../push-format';
import { FormMessage } from './field';
import { ModalDialog } from './modal-dialog';

/** "Remove push sign-in?" for one account; Cancel has the focus, so Enter alone removes nothing. */
export function PushRemoveDialog({ id }: { id: string }): ReactElement {
  const actions = useActions();
  const pushActions = useApp((state) => state.pushActions);
  const account = useApp((state) => state.push.accounts.find((a) => a.id === id) ?? null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const remove = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    const message = await pushActions.remove(id);
    // On success the store has closed this dialog.
    if (message !== null) {
      setError(message);
      setBusy(false);
    }
  };

  return (
    <ModalDialog title="Remove push sign-in?" onClose={actions.closeDialog}>
      {account ? (
        <p>
          Twofold will stop receiving sign-in requests for <strong>{pushAccountName(account)}</strong> from{' '}
          {account.server}, and forgets this device’s key for it. To use push sign-in there again, enroll again from
          the site’s security page.
        </p>
      ) : (
        <p>This push account is no longer enrolled.</p>
      )}
      <FormMessage error={error} />
      <div className="button-row">
        {account ? (
          <button type="button" className="danger" disabled={busy} onClick={() => void remove()}>
            Remove
          </button>
        ) : null}
        <button type="button" data-autofocus="" onClick={actions.closeDialog}>
          Cancel
        </button>
      </div>
    </ModalDialog>
  );
}
