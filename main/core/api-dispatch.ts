/**
 * Turns the core's implementation into one dispatch function over contract channels: look the
 * channel up, parse the input with the contract's schema, call the core, wrap the result.
 * The Electron IPC helper and the test bridge both go through here.
 */
import { listCalls, type ApiImplementation } from '../../common/api-contract';
import type { Envelope } from '../../common/api-bridge';
import { TwofoldError } from '../../common/errors';

/** Dispatches one call by channel; never throws, always resolves to an envelope. */
export type Dispatch = (channel: string, rawInput: unknown) => Promise<Envelope>;

/** Options for building a dispatcher. */
export interface DispatchOptions {
  /** Called before every non-passive call, so user actions count as activity for the auto-lock. */
  onActivity?: () => void;
  /** Receives unexpected (non-Twofold) errors; they reach the caller only as a generic INTERNAL error. */
  onUnexpectedError?: (error: unknown, channel: string) => void;
}

/** Builds the dispatcher. Unknown channels are refused; every input is parsed before the core sees it. */
export function createDispatch(impl: ApiImplementation, options: DispatchOptions = {}): Dispatch {
  const table = new Map<string, { passive: boolean; parse: (raw: unknown) => unknown; run: (input: unknown) => Promise<unknown> }>();
  for (const entry of listCalls()) {
    const group = (impl as unknown as Record<string, Record<string, (input: unknown) => Promise<unknown>>>)[entry.group];
    const fn = group?.[entry.method];
    if (typeof fn !== 'function') throw new Error(`The core does not implement ${entry.channel}`);
    table.set(entry.channel, {
      passive: entry.spec.passive,
      parse: (raw) => entry.spec.input.parse(raw),
      run: (input) => fn.call(group, input),
    });
  }
  return async (channel, rawInput) => {
    const handler = table.get(channel);
    if (!handler) return { ok: false, error: { code: 'INPUT_INVALID', message: `Unknown call ${channel}` } };
    let input: unknown;
    try {
      input = handler.parse(rawInput);
    } catch (error) {
      return { ok: false, error: describeInputError(error) };
    }
    if (!handler.passive) options.onActivity?.();
    try {
      return { ok: true, value: await handler.run(input) };
    } catch (error) {
      if (error instanceof TwofoldError) return { ok: false, error: error.toInfo() };
      options.onUnexpectedError?.(error, channel);
      return { ok: false, error: { code: 'INTERNAL', message: 'Something went wrong inside Twofold. Nothing was changed.' } };
    }
  };
}

function describeInputError(error: unknown): { code: 'INPUT_INVALID'; message: string; field?: string } {
  const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
  const first = issues?.[0];
  if (!first) return { code: 'INPUT_INVALID', message: 'The request was not valid.' };
  const field = first.path.map(String).join('.');
  return field
    ? { code: 'INPUT_INVALID', message: `${field}: ${first.message}`, field }
    : { code: 'INPUT_INVALID', message: first.message };
}
