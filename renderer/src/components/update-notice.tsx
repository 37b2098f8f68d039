/**
 * The notice of a downloaded update: "Twofold <version> is ready." Twofold restarts to install it
 * only when the user clicks Restart now; Later puts the notice away until another version is ready.
 */
import type { ReactElement } from 'react';
import { useActions, useApp } from '../app-context';

/** Shown above the code list while an update waits for a restart. */
export function UpdateNotice(): ReactElement | null {
  const actions = useActions();
  const version = useApp((state) =>
    state.updates?.state === 'ready' && (state.updates.version ?? '') !== state.updateDismissed
      ? (state.updates.version ?? '')
      : null,
  );
  if (version === null) return null;
  return (
    <section className="update-notice" aria-label="Update ready">
      <p>{version ? `Twofold ${version} is ready.` : 'A Twofold update is ready.'} Restart Twofold to install it.</p>
      <div className="button-row">
        <button type="button" className="primary" onClick={() => void actions.restartToUpdate()}>
          Restart now
        </button>
        <button type="button" onClick={actions.dismissUpdate}>
          Later
        </button>
      </div>
    </section>
  );
}
