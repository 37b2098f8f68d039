import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PendingRequestView, PushHistoryEntry, TwofoldApi, VaultStatus } from '../../common/api-contract';
import { TwofoldError } from '../../common/errors';
import { createAppStore, type AppStore } from './app-store';

const UNLOCKED: VaultStatus = { state: 'unlocked', slots: ['passphrase'], osSlot: { available: false, reason: null }, damage: null };

function request(id: string, createdAt: number): PendingRequestView {
  return {
    id,
    accountId: 'acc',
    issuer: 'Example',
    account: 'alice',
    server: 'https://idp.example',
    application: 'Mail',
    browser: 'Firefox',
    os: 'Linux',
    ip: '203.0.113.7',
    location: 'Lyon',
    createdAt,
    expiresAt: Date.now() + 60_000,
    numberMatching: true,
  };
}

/** A core stand-in holding pending requests and history; only the calls the store makes. */
function fakeCore() {
  const core = {
    pending: [] as PendingRequestView[],
    history: [] as PushHistoryEntry[],
    decide: vi.fn(async (_input: unknown): Promise<{ status: 'approved' | 'denied' }> => ({ status: 'approved' })),
  };
  const api = {
    vault: { status: async () => UNLOCKED, lock: async () => ({ ...UNLOCKED, state: 'locked' }) },
    accounts: { list: async () => [] },
    codes: { get: async () => ({ now: Date.now(), items: [] }) },
    push: {
      accounts: async () => [],
      pending: async () => core.pending.map((p) => ({ ...p })),
      history: async () => core.history.map((h) => ({ ...h })),
      decide: (input: unknown) => core.decide(input),
    },
  } as unknown as TwofoldApi;
  return { core, api };
}

function answered(id: string, outcome: PushHistoryEntry['outcome']): PushHistoryEntry {
  return { id, accountId: 'acc', issuer: 'Example', account: 'alice', application: 'Mail', browser: 'Firefox', ip: '', location: '', at: 0, outcome };
}

const toastTexts = (store: AppStore): string[] => store.getState().toasts.map((t) => t.text);

describe('push approval state', () => {
  let store: AppStore | null = null;
  afterEach(() => {
    for (const toast of store?.getState().toasts ?? []) store?.getState().actions.dismissToast(toast.id);
  });

  async function unlocked(api: TwofoldApi): Promise<AppStore> {
    store = createAppStore(api);
    store.getState().actions.applyStatus(UNLOCKED);
    await vi.waitFor(() => expect(store!.getState().accountsLoaded).toBe(true));
    return store;
  }

  it('opens the oldest waiting request at unlock, and the next one after a decision', async () => {
    const { core, api } = fakeCore();
    core.pending = [request('old', 1), request('new', 2)];
    const s = await unlocked(api);
    await vi.waitFor(() => expect(s.getState().push.approval?.request.id).toBe('old'));

    core.pending = [request('new', 2)];
    const result = await s.getState().pushActions.decide({ requestId: 'old', decision: 'approve', number: 42 });
    expect(result).toEqual({ ok: true });
    expect(toastTexts(s)).toContain('Sign-in approved');
    expect(s.getState().push.approval?.request.id).toBe('new');
  });

  it('keeps the dialog open on a wrong number and says why', async () => {
    const { core, api } = fakeCore();
    const s = await unlocked(api);
    core.pending = [request('r1', 1)];
    s.getState().pushActions.requestArrived(request('r1', 1));
    core.decide.mockRejectedValueOnce(new TwofoldError('PUSH_WRONG_NUMBER', "That number doesn't match.", 'number'));
    const result = await s.getState().pushActions.decide({ requestId: 'r1', decision: 'approve', number: 7 });
    expect(result).toEqual({ ok: false, code: 'PUSH_WRONG_NUMBER', message: "That number doesn't match." });
    expect(s.getState().push.approval).toEqual({ request: expect.objectContaining({ id: 'r1' }), ended: null });
  });

  it('closes with "Answered on another device" when the shown request is answered elsewhere', async () => {
    const { core, api } = fakeCore();
    const s = await unlocked(api);
    core.pending = [request('r1', 1)];
    s.getState().pushActions.requestArrived(request('r1', 1));
    core.pending = [];
    core.history = [answered('r1', 'answered-elsewhere')];
    await s.getState().pushActions.refresh();
    expect(s.getState().push.approval).toBeNull();
    expect(toastTexts(s)).toContain('Answered on another device');
  });

  it('says the shown request expired instead of closing it', async () => {
    const { core, api } = fakeCore();
    const s = await unlocked(api);
    s.getState().pushActions.requestArrived(request('r1', 1));
    core.history = [answered('r1', 'expired')];
    await s.getState().pushActions.refresh();
    expect(s.getState().push.approval?.ended).toBe('expired');
    s.getState().pushActions.closeEnded();
    expect(s.getState().push.approval).toBeNull();
  });

  it('leaves a dismissed request waiting, and forgets everything on lock', async () => {
    const { core, api } = fakeCore();
    const s = await unlocked(api);
    core.pending = [request('r1', 1)];
    s.getState().pushActions.requestArrived(request('r1', 1));
    s.getState().pushActions.dismiss();
    await s.getState().pushActions.refresh();
    expect(s.getState().push.approval).toBeNull();
    expect(s.getState().push.pending.map((p) => p.id)).toEqual(['r1']);
    s.getState().pushActions.review();
    expect(s.getState().push.approval?.request.id).toBe('r1');

    s.getState().actions.handleLocked('manual');
    expect(s.getState().push.approval).toBeNull();
    expect(s.getState().push.pending).toEqual([]);
  });
});
