/**
 * Push sign-in in the account list: the "requests waiting" banner and the push accounts section,
 * each account with its server, connection status and waiting requests.
 */
import { memo, useId, type ReactElement } from 'react';
import type { PushAccountView } from '../../../common/api-contract';
import { useActions, useApp } from '../app-context';
import { pendingBadgeText, pushAccountName, pushStatusText, waitingBannerText } from '../push-format';

/** "N sign-in requests waiting" with Review, shown while requests wait and the approval is closed. */
export function PushWaitingBanner(): ReactElement | null {
  const count = useApp((state) => state.push.pending.length);
  const approvalOpen = useApp((state) => state.push.approval !== null);
  const pushActions = useApp((state) => state.pushActions);
  if (count === 0 || approvalOpen) return null;
  return (
    <div className="push-banner" data-testid="push-waiting-banner">
      <p>{waitingBannerText(count)}</p>
      <button type="button" className="primary small" onClick={() => pushActions.review()}>
        Review
      </button>
    </div>
  );
}

function matches(account: PushAccountView, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (q === '') return true;
  return [account.issuer, account.account, account.server].some((text) => text.toLowerCase().includes(q));
}

const PushAccountRow = memo(function PushAccountRow({ account }: { account: PushAccountView }): ReactElement {
  const actions = useActions();
  return (
    <li className="push-row" data-testid="push-account-row" data-push-account-id={account.id} aria-label={pushAccountName(account)}>
      <div className="push-row-names">
        <span className="push-row-issuer">{account.issuer || account.account}</span>
        {account.issuer ? <span className="push-row-account">{account.account}</span> : null}
        <span className="push-row-server">{account.server}</span>
      </div>
      <div className="push-row-state">
        <span className={`push-status push-status-${account.status}`} data-testid="push-account-status">
          <span className="push-status-dot" aria-hidden="true" />
          {pushStatusText(account)}
        </span>
        {account.pending > 0 ? (
          <span className="push-badge" data-testid="push-account-pending">
            {pendingBadgeText(account.pending)}
          </span>
        ) : null}
      </div>
      <button type="button" className="small" onClick={() => actions.openDialog({ kind: 'push-remove', id: account.id })}>
        Remove
      </button>
    </li>
  );
});

/** The "Push sign-in" section above the code accounts; absent when no push account is enrolled. */
export function PushAccountSection(): ReactElement | null {
  const accounts = useApp((state) => state.push.accounts);
  const query = useApp((state) => state.query);
  const headingId = useId();
  const shown = accounts.filter((account) => matches(account, query));
  if (shown.length === 0) return null;
  return (
    <section className="push-section" aria-labelledby={headingId}>
      <h2 id={headingId} className="push-section-heading">
        Push sign-in
      </h2>
      <ul role="list" className="push-list" aria-labelledby={headingId}>
        {shown.map((account) => (
          <PushAccountRow key={account.id} account={account} />
        ))}
      </ul>
    </section>
  );
}
