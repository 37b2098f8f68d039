/**
 * The unlocked screen: a header with search and actions, the banners (push requests waiting, a
 * failing backup), and the virtualised list of accounts. Files dropped on the window and images
 * pasted onto it go to the import dialog.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useRef, type KeyboardEvent, type ReactElement } from 'react';
import { useActions, useApp, useAppStore } from '../app-context';
import { usePushPolling } from '../push-polling';
import { useImportDrop } from '../use-import-drop';
import { useSecondTicker } from '../use-second-ticker';
import { AccountRow, ROW_HEIGHT } from './account-row';
import { BackupFailureBanner } from './backup-banner';
import { UpdateNotice } from './update-notice';
import { DropOverlay } from './drop-overlay';
import { MoreMenu } from './more-menu';
import { HistoryIcon, LockIcon, PlusIcon, SearchIcon, SettingsIcon } from './icons';
import { PushAccountSection, PushWaitingBanner } from './push-account-list';

/** Performance mark set once the first screenful of codes is on screen (read by the bench). */
export const CODES_VISIBLE_MARK = 'twofold:codes-visible';

/** The code list screen. */
export function CodeListScreen(): ReactElement {
  const actions = useActions();
  const query = useApp((state) => state.query);
  const dialogOpen = useApp((state) => state.dialog !== null || state.push.approval !== null);
  const pushActions = useApp((state) => state.pushActions);
  const searchRef = useRef<HTMLInputElement>(null);
  const dialogOpenRef = useRef(dialogOpen);
  dialogOpenRef.current = dialogOpen;

  useEffect(() => {
    const onKeyDown = (event: globalThis.KeyboardEvent): void => {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      const key = event.key.toLowerCase();
      if (key === 'f') {
        if (dialogOpenRef.current) return;
        event.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      } else if (key === 'k') {
        // Another dialog in front means the user is busy there; the palette would hide it.
        if (dialogOpenRef.current) return;
        event.preventDefault();
        actions.runCommand('quick-search');
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [actions]);

  usePushPolling(() => void pushActions.refresh());

  const store = useAppStore();
  // Imports come in over the code list, the add dialog and the import dialog itself; another
  // dialog (or a sign-in request) in front means the user is busy with something else.
  const dragging = useImportDrop(
    () => {
      const { dialog, push } = store.getState();
      return push.approval === null && (dialog === null || dialog.kind === 'add' || dialog.kind === 'import');
    },
    (handover) => actions.startImport(handover),
  );

  return (
    <div className="app-shell">
      <header className="toolbar">
        <h1 className="brand">Twofold</h1>
        <div className="search">
          <SearchIcon />
          <input
            ref={searchRef}
            type="search"
            aria-label="Search accounts"
            placeholder="Search (Ctrl+F)"
            value={query}
            spellCheck={false}
            autoComplete="off"
            onChange={(event) => actions.setQuery(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape' && query !== '') {
                event.preventDefault();
                actions.setQuery('');
              }
            }}
          />
        </div>
        <button type="button" className="primary with-icon" onClick={() => actions.openDialog({ kind: 'add' })}>
          <PlusIcon />
          Add account
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label="Sign-in history"
          title="Sign-in history"
          onClick={() => actions.openDialog({ kind: 'push-history' })}
        >
          <HistoryIcon />
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label="Settings"
          onClick={() => actions.openDialog({ kind: 'settings' })}
        >
          <SettingsIcon />
        </button>
        <MoreMenu
          label="More actions"
          items={[
            { label: 'Import…', run: () => actions.startImport() },
            { label: 'Export…', run: () => actions.openDialog({ kind: 'export' }) },
          ]}
        />
        <button type="button" className="with-icon" onClick={() => void actions.lock()}>
          <LockIcon />
          Lock
        </button>
      </header>
      <main className="list-main">
        <UpdateNotice />
        <BackupFailureBanner />
        <PushWaitingBanner />
        <PushAccountSection />
        <CodeList />
      </main>
      <DropOverlay visible={dragging} />
    </div>
  );
}

function CodeList(): ReactElement {
  const actions = useActions();
  const store = useAppStore();
  const accounts = useApp((state) => state.accounts);
  const loaded = useApp((state) => state.accountsLoaded);
  const query = useApp((state) => state.query);
  const hasPushAccounts = useApp((state) => state.push.accounts.length > 0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const pendingFocus = useRef<{ index: number } | { id: string } | null>(null);
  const marked = useRef(false);

  const virtualizer = useVirtualizer({
    count: accounts.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    // One row beyond each edge, enough for arrow-key focus to land at once. Every rendered ring is
    // redrawn each second, so each extra off-screen row costs tick time (the bench: 4 rows more
    // cost about 20% of a steady tick).
    overscan: 1,
    getItemKey: (index) => accounts[index]?.id ?? index,
  });
  const items = virtualizer.getVirtualItems();
  const visibleIds = items.map((item) => accounts[item.index]?.id).filter((id): id is string => id !== undefined);
  const visibleKey = visibleIds.join('\n');
  const visibleRef = useRef<readonly string[]>(visibleIds);
  visibleRef.current = visibleIds;

  // Rows that just scrolled into view get their codes now rather than at the next tick.
  useEffect(() => {
    const { codes } = store.getState();
    const missing = visibleRef.current.filter((id) => !(id in codes));
    if (missing.length > 0) void actions.refreshCodes(missing, false);
  }, [visibleKey, actions, store]);

  // Marks (once) the frame in which the first screenful of codes is shown; the bench reads the mark.
  useEffect(() => {
    if (marked.current) return;
    const check = (): boolean => {
      const { codes, accountsLoaded } = store.getState();
      const ids = visibleRef.current;
      if (marked.current || !accountsLoaded || ids.length === 0 || !ids.every((id) => id in codes)) return false;
      marked.current = true;
      requestAnimationFrame(() => performance.mark(CODES_VISIBLE_MARK));
      return true;
    };
    if (check()) return;
    const unsubscribe = store.subscribe(() => {
      if (check()) unsubscribe();
    });
    return unsubscribe;
  }, [store]);

  useSecondTicker(() => void actions.refreshCodes(visibleRef.current, true));

  const focusRow = useCallback((target: { index: number } | { id: string }): boolean => {
    const root = scrollRef.current;
    if (!root) return false;
    const selector =
      'index' in target
        ? `[data-index="${target.index}"] [data-row-main]`
        : `[data-account-id="${CSS.escape(target.id)}"] [data-row-main]`;
    const element = root.querySelector<HTMLElement>(selector);
    if (!element) return false;
    element.focus();
    return true;
  }, []);

  // Focus requested for a row that was not rendered yet lands once it is.
  useLayoutEffect(() => {
    if (pendingFocus.current && focusRow(pendingFocus.current)) pendingFocus.current = null;
  });

  const onRowKeyDown = useCallback(
    (event: KeyboardEvent<HTMLButtonElement>, index: number, id: string): void => {
      const count = accounts.length;
      if (event.altKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
        event.preventDefault();
        const delta = event.key === 'ArrowUp' ? -1 : 1;
        void actions.move(id, delta).then(() => {
          const moved = accounts.findIndex((a) => a.id === id) + delta;
          if (moved >= 0 && moved < count) virtualizer.scrollToIndex(moved, { align: 'auto' });
          pendingFocus.current = { id };
          if (focusRow({ id })) pendingFocus.current = null;
        });
        return;
      }
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      let target: number;
      switch (event.key) {
        case 'ArrowDown':
          target = Math.min(count - 1, index + 1);
          break;
        case 'ArrowUp':
          target = Math.max(0, index - 1);
          break;
        case 'Home':
          target = 0;
          break;
        case 'End':
          target = count - 1;
          break;
        default:
          return;
      }
      event.preventDefault();
      virtualizer.scrollToIndex(target, { align: 'auto' });
      if (!focusRow({ index: target })) pendingFocus.current = { index: target };
    },
    [accounts, actions, focusRow, virtualizer],
  );

  if (loaded && accounts.length === 0) {
    return (
      <div className="empty">
        {query ? (
          <p>No accounts match “{query}”. Press Escape in the search field to see them all.</p>
        ) : (
          <>
            <p>
              {hasPushAccounts ? 'No code accounts yet.' : 'No accounts yet.'} Add one from a QR code, an otpauth link
              or its secret, or import them all from another authenticator.
            </p>
            <div className="button-row empty-actions">
              <button type="button" className="primary" onClick={() => actions.openDialog({ kind: 'add' })}>
                Add your first account
              </button>
              <button type="button" onClick={() => actions.startImport()}>
                Import…
              </button>
            </div>
          </>
        )}
      </div>
    );
  }

  return (
    <div ref={scrollRef} className="list-scroll">
      <div role="list" aria-label="Accounts" className="list-sizer" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const account = accounts[item.index];
          if (!account) return null;
          return (
            <AccountRow
              key={account.id}
              account={account}
              index={item.index}
              count={accounts.length}
              top={item.start}
              onRowKeyDown={onRowKeyDown}
            />
          );
        })}
      </div>
    </div>
  );
}
