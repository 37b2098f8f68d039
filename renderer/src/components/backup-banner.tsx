/**
 * The banner on the code list while automatic backups are failing: a failed backup is never
 * silent. It stays until a backup succeeds (or backups are turned off).
 */
import type { ReactElement } from 'react';
import { useActions, useApp } from '../app-context';

/** "Automatic backup failed: <why>" with a way to the backup settings; absent while backups work. */
export function BackupFailureBanner(): ReactElement | null {
  const actions = useActions();
  const failure = useApp((state) => (state.backup.status?.enabled ? state.backup.status.lastError : null));
  if (!failure) return null;
  return (
    <div className="backup-banner" role="alert" data-testid="backup-failure-banner">
      <p>Automatic backup failed: {failure.message}</p>
      <button type="button" className="small" onClick={() => actions.openDialog({ kind: 'settings', section: 'backups' })}>
        Open backup settings
      </button>
    </div>
  );
}
