/**
 * Shown when the vault file is tampered, truncated or corrupt. It explains the problem and offers
 * the previous good copy; it never offers to reset, because that would destroy the user's accounts.
 */
import { useState, type ReactElement } from 'react';
import type { VaultStatus } from '../../../common/api-contract';
import { useActions, useApi } from '../app-context';
import { errorMessage } from '../form-error';
import { FormMessage } from './field';

/** The damaged-vault screen. */
export function DamagedScreen({ status }: { status: VaultStatus }): ReactElement {
  const api = useApi();
  const actions = useActions();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const damage = status.damage;

  const restore = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      actions.applyStatus(await api.vault.restorePrevious({}));
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  };

  return (
    <main className="centered">
      <div className="card">
        <h1>The vault can’t be opened</h1>
        <p className="damage-message" role="alert">
          {damage?.message ?? 'The vault file is damaged.'}
        </p>
        {damage?.previousCopyAvailable ? (
          <>
            <p>
              Twofold kept the previous good copy of your vault. Restoring it brings back your accounts as they were
              when that copy was saved.
            </p>
            <FormMessage error={error} />
            <button type="button" className="primary" disabled={busy} onClick={() => void restore()}>
              {busy ? 'Restoring…' : 'Restore previous copy'}
            </button>
          </>
        ) : (
          <p>
            No previous copy is available. Twofold has left the file untouched, so you can restore it from a backup
            and start Twofold again.
          </p>
        )}
      </div>
    </main>
  );
}
