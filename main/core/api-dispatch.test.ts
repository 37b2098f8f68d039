import { describe, expect, it } from 'vitest';
import { callChannel, listCalls, type ApiImplementation } from '../../common/api-contract';
import { TwofoldError } from '../../common/errors';
import { createDispatch, type DispatchOptions } from './api-dispatch';

type Handler = (input: unknown) => Promise<unknown>;

/** A fake core: every contract call is implemented, records its parsed input, and runs `handlers[channel]` if given. */
function fakeCore(handlers: Record<string, Handler> = {}): { impl: ApiImplementation; calls: Array<{ channel: string; input: unknown }> } {
  const calls: Array<{ channel: string; input: unknown }> = [];
  const impl: Record<string, Record<string, Handler>> = {};
  for (const entry of listCalls()) {
    const group = (impl[entry.group] ??= {});
    group[entry.method] = async (input) => {
      calls.push({ channel: entry.channel, input });
      const handler = handlers[entry.channel];
      return handler ? handler(input) : {};
    };
  }
  return { impl: impl as unknown as ApiImplementation, calls };
}

function dispatcher(handlers: Record<string, Handler> = {}, options: DispatchOptions = {}) {
  const fake = fakeCore(handlers);
  let activity = 0;
  const unexpected: Array<{ error: unknown; channel: string }> = [];
  const dispatch = createDispatch(fake.impl, {
    onActivity: () => {
      activity += 1;
      options.onActivity?.();
    },
    onUnexpectedError: (error, channel) => unexpected.push({ error, channel }),
  });
  return { dispatch, calls: fake.calls, unexpected, activity: () => activity };
}

describe('createDispatch', () => {
  it('refuses an unknown channel with INPUT_INVALID and calls nothing', async () => {
    const d = dispatcher();
    for (const channel of ['twofold:vault.nuke', 'vault.status', 'twofold:event:vaultLocked', '', '__proto__', 'twofold:toString']) {
      const envelope = await d.dispatch(channel, {});
      expect(envelope.ok, channel).toBe(false);
      expect(!envelope.ok && envelope.error.code).toBe('INPUT_INVALID');
    }
    expect(d.calls).toEqual([]);
    expect(d.activity()).toBe(0);
  });

  it('refuses input that fails the schema, naming the field, before the core sees it', async () => {
    const d = dispatcher();
    expect(await d.dispatch(callChannel('accounts', 'addFromUri'), { uri: 42 })).toMatchObject({
      ok: false,
      error: { code: 'INPUT_INVALID', field: 'uri' },
    });
    expect(await d.dispatch(callChannel('codes', 'get'), { ids: ['a', 5] })).toMatchObject({
      ok: false,
      error: { code: 'INPUT_INVALID', field: 'ids.1' },
    });
    expect(await d.dispatch(callChannel('accounts', 'revealSecret'), { id: 'a', confirm: false })).toMatchObject({
      ok: false,
      error: { code: 'INPUT_INVALID', field: 'confirm' },
    });
    expect(await d.dispatch(callChannel('accounts', 'addFromUri'), { uri: 'otpauth://x', onDuplicate: 'overwrite' })).toMatchObject({
      ok: false,
      error: { code: 'INPUT_INVALID', field: 'onDuplicate' },
    });
    const notAnObject = await d.dispatch(callChannel('vault', 'status'), 'hello');
    expect(notAnObject).toMatchObject({ ok: false, error: { code: 'INPUT_INVALID' } });
    expect(!notAnObject.ok && notAnObject.error.message).not.toBe('');
    expect(d.calls).toEqual([]);
    // Refused input is not user activity either.
    expect(d.activity()).toBe(0);
  });

  it('hands the core the parsed input: defaults filled in, unknown keys dropped', async () => {
    const d = dispatcher();
    await d.dispatch(callChannel('accounts', 'list'), { extra: 'dropped' });
    await d.dispatch(callChannel('accounts', 'addFromUri'), { uri: 'otpauth://totp/x?secret=A' });
    expect(d.calls).toEqual([
      { channel: callChannel('accounts', 'list'), input: { query: '' } },
      { channel: callChannel('accounts', 'addFromUri'), input: { uri: 'otpauth://totp/x?secret=A', onDuplicate: 'ask' } },
    ]);
  });

  it('wraps a value in an ok envelope', async () => {
    const d = dispatcher({ [callChannel('settings', 'get')]: async () => ({ autoLockMinutes: 5 }) });
    expect(await d.dispatch(callChannel('settings', 'get'), {})).toEqual({ ok: true, value: { autoLockMinutes: 5 } });
  });

  it('passes a TwofoldError through as its code, message and field', async () => {
    const d = dispatcher({
      [callChannel('accounts', 'update')]: async () => {
        throw new TwofoldError('ACCOUNT_INVALID', 'The colour must look like #3366ff.', 'color');
      },
    });
    expect(await d.dispatch(callChannel('accounts', 'update'), { id: 'a' })).toEqual({
      ok: false,
      error: { code: 'ACCOUNT_INVALID', message: 'The colour must look like #3366ff.', field: 'color' },
    });
    expect(d.unexpected).toEqual([]);
  });

  it('turns an unexpected error into a generic INTERNAL error that leaks none of its text', async () => {
    const leaky = new Error('EACCES: open /home/alice/.config/Twofold/vault.json seed JBSWY3DPEHPK3PXP');
    const d = dispatcher({
      [callChannel('codes', 'copy')]: async () => {
        throw leaky;
      },
      [callChannel('vault', 'lock')]: async () => {
        throw 'a bare string with JBSWY3DPEHPK3PXP';
      },
    });

    for (const channel of [callChannel('codes', 'copy'), callChannel('vault', 'lock')]) {
      const envelope = await d.dispatch(channel, { id: 'a' });
      expect(envelope.ok).toBe(false);
      if (envelope.ok) continue;
      expect(envelope.error.code).toBe('INTERNAL');
      expect(envelope.error.field).toBeUndefined();
      expect(envelope.error.message).not.toContain('JBSWY3DPEHPK3PXP');
      expect(envelope.error.message).not.toContain('alice');
      expect(envelope.error.message).not.toContain('EACCES');
    }
    // The real error reaches the diagnostic hook, with the channel, and nowhere else.
    expect(d.unexpected).toEqual([
      { error: leaky, channel: callChannel('codes', 'copy') },
      { error: 'a bare string with JBSWY3DPEHPK3PXP', channel: callChannel('vault', 'lock') },
    ]);
  });

  it('counts only non-passive calls as activity', async () => {
    const d = dispatcher();
    await d.dispatch(callChannel('codes', 'get'), { ids: ['a'] });
    await d.dispatch(callChannel('vault', 'status'), {});
    await d.dispatch(callChannel('settings', 'get'), {});
    expect(d.activity()).toBe(0);

    await d.dispatch(callChannel('app', 'activity'), {});
    expect(d.activity()).toBe(1);
    await d.dispatch(callChannel('vault', 'lock'), {});
    expect(d.activity()).toBe(2);
  });

  it('follows each contract entry’s passive flag', async () => {
    for (const entry of listCalls()) {
      // Entries whose input has required fields are covered by the explicit cases above.
      if (!entry.spec.input.safeParse({}).success) continue;
      const d = dispatcher();
      const envelope = await d.dispatch(entry.channel, {});
      expect(envelope.ok, entry.channel).toBe(true);
      expect(d.activity(), entry.channel).toBe(entry.spec.passive ? 0 : 1);
    }
  });

  it('counts a non-passive call as activity even when the core then fails', async () => {
    const d = dispatcher({
      [callChannel('vault', 'unlock')]: async () => {
        throw new TwofoldError('VAULT_WRONG_PASSPHRASE', 'The passphrase is wrong.', 'passphrase');
      },
    });
    await d.dispatch(callChannel('vault', 'unlock'), { passphrase: 'nope' });
    expect(d.activity()).toBe(1);
  });

  it('answers every contract channel (none is "unknown")', async () => {
    const d = dispatcher();
    for (const entry of listCalls()) {
      const envelope = await d.dispatch(entry.channel, {});
      if (!envelope.ok) expect(envelope.error.message, entry.channel).not.toMatch(/Unknown call/);
    }
  });

  it('refuses to build over an implementation that misses a call', () => {
    const { impl } = fakeCore();
    const partial = { ...impl, codes: { get: impl.codes.get, copy: impl.codes.copy } } as unknown as ApiImplementation;
    expect(() => createDispatch(partial)).toThrow(/twofold:codes\.nextHotp/);
  });
});
