import { describe, expect, it } from 'vitest';
import type { ImportPreview, TwofoldApi, UpdateStatus, VaultStatus } from '../../common/api-contract';
import { TwofoldError } from '../../common/errors';
import { createAppStore } from './app-store';

const UNLOCKED: VaultStatus = { state: 'unlocked', slots: ['passphrase'], osSlot: { available: false, reason: null }, damage: null };
const READY: UpdateStatus = { state: 'ready', message: null, version: '2.1.0', channel: 'stable', managed: false };

/** A core stand-in with just the calls these behaviours make; `vault.locked` and `updates` are set by the test. */
function fakeApi(world: { locked: boolean; updates: UpdateStatus | Error; restarts: number }): TwofoldApi {
  return {
    vault: { status: async () => (world.locked ? { ...UNLOCKED, state: 'locked' } : UNLOCKED) },
    accounts: { list: async () => [] },
    codes: { get: async () => ({ now: Date.now(), items: [] }) },
    push: { accounts: async () => [], pending: async () => [], history: async () => [] },
    backup: { status: async () => ({ enabled: false, folder: null, keep: 10, hasPassphrase: false, lastSuccessAt: null, lastError: null, files: [] }) },
    app: { policy: async () => Promise.reject(new TwofoldError('INTERNAL', 'Not available yet.')) },
    updates: {
      status: async () => {
        if (world.updates instanceof Error) throw world.updates;
        return world.updates;
      },
      restart: async () => {
        world.restarts += 1;
        return {};
      },
    },
  } as unknown as TwofoldApi;
}

function world(locked = false): { locked: boolean; updates: UpdateStatus | Error; restarts: number } {
  return { locked, updates: READY, restarts: 0 };
}

describe('commands from the menu, tray and global shortcut', () => {
  it('opens the matching dialog when the vault is unlocked', async () => {
    const store = createAppStore(fakeApi(world()));
    await store.getState().actions.loadStatus();
    const { actions } = store.getState();
    actions.runCommand('quick-search');
    expect(store.getState().dialog).toEqual({ kind: 'quick-search' });
    actions.runCommand('settings');
    expect(store.getState().dialog).toEqual({ kind: 'settings' });
    actions.runCommand('import');
    expect(store.getState().dialog?.kind).toBe('import');
  });

  it('waits for the unlock when the vault is locked, then opens', async () => {
    const w = world(true);
    const store = createAppStore(fakeApi(w));
    await store.getState().actions.loadStatus();
    store.getState().actions.runCommand('export');
    expect(store.getState().dialog).toBeNull();
    expect(store.getState().status?.state).toBe('locked');

    store.getState().actions.applyStatus(UNLOCKED);
    expect(store.getState().dialog).toEqual({ kind: 'export' });
    expect(store.getState().pendingCommand).toBeNull();
  });

  it('says so when asked to review sign-in requests and none is waiting', async () => {
    const store = createAppStore(fakeApi(world()), { toastMs: 50 });
    await store.getState().actions.loadStatus();
    store.getState().actions.runCommand('review-requests');
    expect(store.getState().toasts.map((t) => t.text)).toEqual(['No sign-in requests are waiting.']);
  });
});

describe('links that open Twofold', () => {
  it('hands a preview to the import dialog, and shows why a link was refused', async () => {
    const store = createAppStore(fakeApi(world()), { toastMs: 50 });
    await store.getState().actions.loadStatus();
    const preview = { previewId: 'p1' } as unknown as ImportPreview;
    store.getState().actions.linkOpened({ status: 'preview', preview });
    const dialog = store.getState().dialog;
    expect(dialog?.kind).toBe('import');
    expect(store.getState().actions.takeImportHandover(dialog?.kind === 'import' ? dialog.request : 0)).toEqual({
      kind: 'preview',
      preview,
    });

    store.getState().actions.linkOpened({ status: 'refused', message: 'This link has no secret.' });
    expect(store.getState().toasts.map((t) => t.text)).toContain('This link has no secret.');
  });
});

describe('updates', () => {
  it('restarts only when asked, and "Later" hides the notice until another version', async () => {
    const w = world();
    const store = createAppStore(fakeApi(w));
    await store.getState().actions.loadUpdates();
    expect(store.getState().updates?.state).toBe('ready');
    expect(w.restarts).toBe(0);

    store.getState().actions.dismissUpdate();
    expect(store.getState().updateDismissed).toBe('2.1.0');
    await store.getState().actions.restartToUpdate();
    expect(w.restarts).toBe(1);
  });

  it('keeps the reason when the status can’t be read, and a policy that can’t be read leaves none in force', async () => {
    const w = world();
    w.updates = new TwofoldError('INTERNAL', 'Not available yet.');
    const store = createAppStore(fakeApi(w));
    await store.getState().actions.loadUpdates();
    await store.getState().actions.loadPolicy();
    expect(store.getState().updates).toBeNull();
    expect(store.getState().updatesError).toBe('Not available yet.');
    expect(store.getState().policy).toBeNull();
    expect(store.getState().policyError).toBe('Not available yet.');
  });
});
