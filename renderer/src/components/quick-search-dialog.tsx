/**
 * The quick-search palette: type part of an account's name, move with the arrow keys, and Enter
 * copies that account's code and closes. Opened by Ctrl/Cmd+K, the global shortcut and the menu.
 *
 * It follows the ARIA combobox pattern (an input that owns a listbox, the selection announced
 * through aria-activedescendant), so focus never leaves the search box. It keeps its own results:
 * the main list's search stays as the user left it.
 */
import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactElement } from 'react';
import type { AccountView, CodeView } from '../../../common/api-contract';
import { useActions, useApi } from '../app-context';
import { formatCode, placeholderCode } from '../code-format';
import { errorCode, errorMessage } from '../form-error';
import { useSecondTicker } from '../use-second-ticker';
import { ModalDialog } from './modal-dialog';

/** Results shown at once; with 1,000 accounts the palette stays quick, and typing narrows the rest. */
export const QUICK_SEARCH_LIMIT = 20;

/** The name an account is announced and shown by, as in the code list ("GitHub (alice@example.com)"). */
function accountName(account: AccountView): string {
  const title = account.issuer || account.label;
  return account.issuer && account.label ? `${title} (${account.label})` : title;
}

/** What the status line says about the matches. */
function matchesText(query: string, total: number): string {
  if (total === 0) return query.trim() === '' ? 'No accounts yet.' : `No accounts match “${query.trim()}”.`;
  if (total > QUICK_SEARCH_LIMIT) return `Showing ${QUICK_SEARCH_LIMIT} of ${total} accounts. Type more to narrow them.`;
  return total === 1 ? '1 account. Enter copies its code.' : `${total} accounts. Enter copies the selected code.`;
}

/** The quick-search dialog. */
export function QuickSearchDialog(): ReactElement {
  const api = useApi();
  const actions = useActions();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<{ shown: readonly AccountView[]; total: number } | null>(null);
  const [codes, setCodes] = useState<Readonly<Record<string, CodeView>>>({});
  const [selected, setSelected] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const listId = useId();
  const optionId = (index: number): string => `${listId}-option-${index}`;
  const shownRef = useRef<readonly AccountView[]>([]);
  shownRef.current = results?.shown ?? [];

  const fail = (caught: unknown): void => {
    if (errorCode(caught) === 'VAULT_LOCKED') void actions.loadStatus();
    else setError(errorMessage(caught));
  };

  const loadCodes = async (ids: readonly string[], live: () => boolean): Promise<void> => {
    if (ids.length === 0) return;
    try {
      const { items } = await api.codes.get({ ids: [...ids] });
      // Merged, not replaced: a tick for the previous results may answer after the new ones.
      if (live()) setCodes((previous) => ({ ...previous, ...Object.fromEntries(items.map((item) => [item.id, item])) }));
    } catch (caught) {
      if (live()) fail(caught);
    }
  };

  useEffect(() => {
    let live = true;
    const isLive = (): boolean => live;
    api.accounts
      .list({ query })
      .then((accounts) => {
        if (!live) return;
        const shown = accounts.slice(0, QUICK_SEARCH_LIMIT);
        setResults({ shown, total: accounts.length });
        setSelected(0);
        setError(null);
        void loadCodes(
          shown.map((account) => account.id),
          isLive,
        );
      })
      .catch((caught: unknown) => {
        if (live) fail(caught);
      });
    return () => {
      live = false;
    };
    // `loadCodes` and `fail` read only stable values (api, actions) and state setters.
  }, [api, query]);

  useSecondTicker(
    () =>
      void loadCodes(
        shownRef.current.map((account) => account.id),
        () => true,
      ),
  );

  const shown = results?.shown ?? [];
  const active = shown[selected] ?? null;

  const copy = (account: AccountView): void => {
    actions.closeDialog();
    void actions.copyCode(account.id);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (shown.length === 0) return;
      const delta = event.key === 'ArrowDown' ? 1 : -1;
      setSelected((current) => (current + delta + shown.length) % shown.length);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (active) copy(active);
    }
  };

  // Keeps the selected option in view when the arrows move past the visible part of the list.
  useEffect(() => {
    if (!active) return;
    document.getElementById(optionId(selected))?.scrollIntoView({ block: 'nearest' });
  }, [selected, active]);

  return (
    <ModalDialog title="Quick search" onClose={actions.closeDialog}>
      <div className="quick-search">
        <input
          type="text"
          role="combobox"
          className="quick-search-input"
          aria-label="Search accounts to copy a code"
          aria-expanded={shown.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={active ? optionId(selected) : undefined}
          placeholder="Type an issuer or account name"
          value={query}
          spellCheck={false}
          autoComplete="off"
          data-autofocus=""
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={onKeyDown}
        />
        <ul id={listId} role="listbox" aria-label="Matching accounts" className="quick-search-list">
          {shown.map((account, index) => {
            const view = codes[account.id];
            return (
              <li
                key={account.id}
                id={optionId(index)}
                role="option"
                aria-selected={index === selected}
                className="quick-search-option"
                data-testid="quick-search-option"
                onMouseMove={() => {
                  if (index !== selected) setSelected(index);
                }}
                onClick={() => copy(account)}
              >
                <span className="quick-search-name">{accountName(account) || 'Unnamed account'}</span>
                <span className="quick-search-code" data-testid={`quick-code-${account.id}`}>
                  {view ? formatCode(view.code) : placeholderCode(account.digits)}
                </span>
              </li>
            );
          })}
        </ul>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : (
          <p className="field-hint" role="status">
            {results ? matchesText(query, results.total) : 'Searching…'}
          </p>
        )}
      </div>
    </ModalDialog>
  );
}
