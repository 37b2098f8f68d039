/**
 * "Sign-in history": recent push sign-in requests and how each ended, newest first.
 */
import { useEffect, useState, type ReactElement } from 'react';
import type { PushHistoryEntry } from '../../../common/api-contract';
import { useActions, useApi } from '../app-context';
import { errorMessage } from '../form-error';
import { formatMoment, outcomeText, pushAccountName } from '../push-format';
import { FormMessage } from './field';
import { ModalDialog } from './modal-dialog';

function details(entry: PushHistoryEntry): string {
  return [entry.application, entry.browser, entry.ip ? `IP ${entry.ip}` : '', entry.location].filter(Boolean).join(' · ');
}

/** The sign-in history dialog; reloads when push state changes while it is open. */
export function PushHistoryDialog(): ReactElement {
  const api = useApi();
  const actions = useActions();
  const [entries, setEntries] = useState<readonly PushHistoryEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const load = (): void => {
      api.push
        .history({})
        .then((loaded) => {
          if (!live) return;
          setEntries(loaded);
          setError(null);
        })
        .catch((caught: unknown) => {
          if (live) setError(errorMessage(caught));
        });
    };
    load();
    const off = api.events.pushChanged(load);
    return () => {
      live = false;
      off();
    };
  }, [api]);

  const now = Date.now();
  return (
    <ModalDialog title="Sign-in history" onClose={actions.closeDialog} wide>
      <FormMessage error={error} />
      {entries === null ? (
        error ? null : <p>Loading…</p>
      ) : entries.length === 0 ? (
        <p>No sign-in requests yet. Requests you approve or deny appear here.</p>
      ) : (
        <ol className="push-history" aria-label="Recent sign-in requests">
          {entries.map((entry) => (
            <li key={entry.id} className="push-history-entry" data-testid="push-history-entry">
              <div className="push-history-top">
                <span className={`push-outcome push-outcome-${entry.outcome}`} data-testid="push-history-outcome">
                  {outcomeText(entry.outcome)}
                </span>
                <span className="push-history-account">{pushAccountName(entry)}</span>
                <time className="push-history-time" dateTime={new Date(entry.at).toISOString()}>
                  {formatMoment(entry.at, now)}
                </time>
              </div>
              <div className="push-history-details">{details(entry)}</div>
            </li>
          ))}
        </ol>
      )}
    </ModalDialog>
  );
}
