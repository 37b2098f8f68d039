/**
 * The "Updates" section of Settings: where updates stand, the channel, whether IT manages them,
 * and "Check for updates". A downloaded update installs only when the user chooses to restart.
 */
import { useState, type ReactElement } from 'react';
import type { UpdateStatus } from '../../../common/api-contract';
import { useActions, useApp } from '../app-context';
import { FormMessage } from './field';

/** One line saying where updates stand. */
export function updateStateText(status: UpdateStatus): string {
  const version = status.version ? `Twofold ${status.version}` : 'An update';
  switch (status.state) {
    case 'disabled':
      return status.message ?? 'Updates are turned off.';
    case 'idle':
      return 'Twofold is up to date.';
    case 'checking':
      return 'Checking for updates…';
    case 'available':
      return `${version} is available.`;
    case 'downloading':
      return `Downloading ${version}…`;
    case 'ready':
      return `${version} is ready. Restart Twofold to install it.`;
    case 'error':
      return `The last check failed: ${status.message ?? 'no reason given'}.`;
  }
}

/** The updates section. */
export function UpdateSettings(): ReactElement {
  const actions = useActions();
  const updates = useApp((state) => state.updates);
  const updatesError = useApp((state) => state.updatesError);
  const [busy, setBusy] = useState(false);

  const check = async (): Promise<void> => {
    setBusy(true);
    try {
      await actions.checkForUpdates();
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="section" aria-labelledby="updates-heading">
      <h3 id="updates-heading">Updates</h3>
      {updates ? (
        <>
          <p role="status">{updateStateText(updates)}</p>
          <p className="field-hint">
            Channel: {updates.channel === 'beta' ? 'Beta' : 'Stable'}.
            {updates.managed ? ' Managed by your organisation.' : ''}
          </p>
        </>
      ) : null}
      <FormMessage error={updatesError} />
      <div className="button-row">
        <button
          type="button"
          disabled={busy || !updates || updates.state === 'disabled' || updates.state === 'checking'}
          onClick={() => void check()}
        >
          Check for updates
        </button>
        {updates?.state === 'ready' ? (
          <button type="button" className="primary" onClick={() => void actions.restartToUpdate()}>
            Restart now
          </button>
        ) : null}
      </div>
    </section>
  );
}
