/**
 * Shown when the vault file is tampered, truncated or corrupt. It explains the problem and offers
 * the previous good copy. It never offers to reset: when no copy is left, the damaged file can only
 * be set aside (kept under a new name) so that a new vault can be created beside it.
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
  const [confirmSetAside, setConfirmSetAside] = useState(false);
  const damage = status.damage;

  const setAside = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      actions.applyStatus(await api.vault.setAsideDamaged({ confirm: true }));
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  };

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
          <>
            <p>
              No previous copy is available. Twofold has left the file untouched, so you can restore it from a backup
              and start Twofold again.
            </p>
            <FormMessage error={error} />
            {confirmSetAside ? (
              <div role="group" aria-label="Confirm starting a new vault">
                <p>
                  The damaged file is kept in the Twofold folder under a new name (vault.damaged-…json) and is not
                  deleted. The new vault starts empty. Continue?
                </p>
                <button type="button" className="primary" disabled={busy} onClick={() => void setAside()}>
                  {busy ? 'Setting aside…' : 'Keep the file aside and start a new vault'}
                </button>{' '}
                <button type="button" disabled={busy} onClick={() => setConfirmSetAside(false)}>
                  Cancel
                </button>
              </div>
            ) : (
              <button type="button" onClick={() => setConfirmSetAside(true)}>
                Start a new vault…
              </button>
            )}
          </>
        )}
      </div>
    </main>
  );
}
