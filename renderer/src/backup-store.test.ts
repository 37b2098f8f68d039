import { describe, expect, it } from 'vitest';
import type { BackupStatus, TwofoldApi, VaultStatus } from '../../common/api-contract';
import { TwofoldError } from '../../common/errors';
import { createAppStore, type AppStore } from './app-store';

const UNLOCKED: VaultStatus = { state: 'unlocked', slots: ['passphrase'], osSlot: { available: false, reason: null }, damage: null };

function status(patch: Partial<BackupStatus> = {}): BackupStatus {
  return { enabled: true, folder: '/backups', keep: 10, hasPassphrase: true, lastSuccessAt: null, lastError: null, files: [], ...patch };
}

/** A core stand-in: only the calls the store makes on unlock, with a backup status the test sets. */
function fakeApi(backup: { next: BackupStatus | Error | Promise<BackupStatus>; locked?: boolean }): TwofoldApi {
  return {
    vault: { status: async () => (backup.locked ? { ...UNLOCKED, state: 'locked' } : UNLOCKED) },
    accounts: { list: async () => [] },
    codes: { get: async () => ({ now: Date.now(), items: [] }) },
    push: { accounts: async () => [], pending: async () => [], history: async () => [] },
    backup: {
      status: async () => {
        if (backup.next instanceof Error) throw backup.next;
        return await backup.next;
      },
    },
  } as unknown as TwofoldApi;
}

async function unlocked(api: TwofoldApi): Promise<AppStore> {
  const store = createAppStore(api);
  await store.getState().actions.loadStatus();
  return store;
}

describe('backup state', () => {
  it('reads the backup status on unlock and again when asked (backupChanged)', async () => {
    const backup: { next: BackupStatus | Error } = { next: status() };
    const store = await unlocked(fakeApi(backup));
    await expect.poll(() => store.getState().backup.status?.folder).toBe('/backups');

    backup.next = status({ lastError: { at: 5, message: 'The folder is gone.' } });
    await store.getState().backupActions.load();
    expect(store.getState().backup.status?.lastError?.message).toBe('The folder is gone.');
  });

  it('keeps the reason when the status can’t be read, instead of a toast', async () => {
    const backup: { next: BackupStatus | Error } = { next: new TwofoldError('BACKUP_FAILED', 'The backup folder can’t be read.') };
    const store = await unlocked(fakeApi(backup));
    await expect.poll(() => store.getState().backup.loadError).toBe('The backup folder can’t be read.');
    expect(store.getState().toasts).toEqual([]);
  });

  it('forgets the status when the vault locks, and drops an answer that arrives after the lock', async () => {
    let release: (value: BackupStatus) => void = () => undefined;
    const backup: { next: BackupStatus | Promise<BackupStatus>; locked?: boolean } = { next: status() };
    const store = await unlocked(fakeApi(backup));
    await expect.poll(() => store.getState().backup.status).not.toBeNull();

    backup.next = new Promise((resolve) => (release = resolve));
    const late = store.getState().backupActions.load();
    backup.locked = true;
    store.getState().actions.handleLocked('manual');
    release(status({ folder: '/late' }));
    await late;
    expect(store.getState().backup.status).toBeNull();
  });
});

describe('import handover', () => {
  it('gives the import dialog what was dropped once, and never after the dialog closed', async () => {
    const store = await unlocked(fakeApi({ next: status() }));
    const { actions } = store.getState();
    const source = { kind: 'text' as const, text: 'otpauth://totp/A?secret=JBSWY3DPEHPK3PXP' };

    actions.startImport({ kind: 'source', source });
    const dialog = store.getState().dialog;
    expect(dialog?.kind).toBe('import');
    const request = dialog?.kind === 'import' ? dialog.request : 0;
    expect(request).toBeGreaterThan(0);
    // The dropped data stays out of the observable state.
    expect(JSON.stringify(store.getState().dialog)).not.toContain('otpauth');
    expect(actions.takeImportHandover(request)).toEqual({ kind: 'source', source });
    expect(actions.takeImportHandover(request)).toBeNull();

    actions.startImport({ kind: 'source', source });
    const next = store.getState().dialog;
    actions.closeDialog();
    expect(actions.takeImportHandover(next?.kind === 'import' ? next.request : 0)).toBeNull();
  });
});
