/**
 * The root component: picks the screen from the vault's state, wires main's events (commands from
 * the menu, tray and global shortcut, links that opened Twofold, update status), and reports activity.
 */
import { useEffect, type ReactElement } from 'react';
import { useActions, useApi, useApp } from '../app-context';
import type { LockReason } from '../app-store';
import { useActivityReporter } from '../use-activity-reporter';
import { AddAccountDialog } from './add-account-dialog';
import { CodeListScreen } from './code-list-screen';
import { DamagedScreen } from './damaged-screen';
import { EditAccountDialog } from './edit-account-dialog';
import { ExportDialog } from './export-dialog';
import { ImportDialog } from './import-dialog';
import { FirstRunScreen } from './first-run-screen';
import { PushApprovalDialog } from './push-approval-dialog';
import { PushHistoryDialog } from './push-history-dialog';
import { PushRemoveDialog } from './push-remove-dialog';
import { QuickSearchDialog } from './quick-search-dialog';
import { SettingsDialog } from './settings-dialog';
import { ToastRegion } from './toast-region';
import { UnlockScreen } from './unlock-screen';

const LOCK_REASONS: readonly LockReason[] = ['manual', 'idle', 'suspend', 'screen-lock'];

function Dialogs(): ReactElement | null {
  const dialog = useApp((state) => state.dialog);
  if (dialog === null) return null;
  if (dialog.kind === 'add') return <AddAccountDialog />;
  if (dialog.kind === 'edit') return <EditAccountDialog key={dialog.id} id={dialog.id} />;
  if (dialog.kind === 'push-history') return <PushHistoryDialog />;
  if (dialog.kind === 'push-remove') return <PushRemoveDialog key={dialog.id} id={dialog.id} />;
  if (dialog.kind === 'import') return <ImportDialog request={dialog.request} />;
  if (dialog.kind === 'export') return <ExportDialog />;
  if (dialog.kind === 'quick-search') return <QuickSearchDialog />;
  return <SettingsDialog section={dialog.section ?? null} />;
}

function Screen(): ReactElement {
  const status = useApp((state) => state.status);
  const fatalError = useApp((state) => state.fatalError);
  if (fatalError) {
    return (
      <main className="centered">
        <div className="card">
          <h1>Twofold can’t start</h1>
          <p role="alert">{fatalError}</p>
        </div>
      </main>
    );
  }
  if (!status) {
    return (
      <main className="centered" aria-busy="true">
        <p>Opening Twofold…</p>
      </main>
    );
  }
  switch (status.state) {
    case 'absent':
      return <FirstRunScreen status={status} />;
    case 'locked':
      return <UnlockScreen status={status} />;
    case 'damaged':
      return <DamagedScreen status={status} />;
    case 'unlocked':
      return (
        <>
          <CodeListScreen />
          <Dialogs />
          {/* After the other dialogs, so a request that arrives while one is open shows on top of it. */}
          <PushApprovalDialog />
        </>
      );
  }
}

/** The whole app. */
export function App(): ReactElement {
  const api = useApi();
  const actions = useActions();
  const pushActions = useApp((state) => state.pushActions);
  const backupActions = useApp((state) => state.backupActions);
  const unlocked = useApp((state) => state.status?.state === 'unlocked');

  useEffect(() => {
    void actions.loadStatus();
    void actions.loadPolicy();
    void actions.loadUpdates();
    const unsubscribe = [
      api.events.vaultLocked((payload) => {
        const reason = LOCK_REASONS.find((r) => r === (payload as { reason?: unknown } | null)?.reason);
        actions.handleLocked(reason ?? 'manual');
      }),
      api.events.clipboardCleared(() => actions.clipboardCleared()),
      api.events.accountsChanged(() => {
        void actions.loadAccounts();
      }),
      api.events.pushRequest((request) => pushActions.requestArrived(request)),
      api.events.pushChanged(() => {
        void pushActions.refresh();
      }),
      api.events.backupChanged(() => {
        void backupActions.load();
      }),
      api.events.command(({ name }) => actions.runCommand(name)),
      api.events.linkOpened((payload) => actions.linkOpened(payload)),
      api.events.updateChanged(() => {
        void actions.loadUpdates();
      }),
    ];
    return () => unsubscribe.forEach((off) => off());
  }, [api, actions, pushActions, backupActions]);

  useActivityReporter(api, unlocked);

  return (
    <>
      <Screen />
      <ToastRegion />
    </>
  );
}
