/**
 * Builds `window.twofold` from the contract over a transport. Used by the preload (over IPC) and
 * by the end-to-end test bridge (over Playwright bindings), so both expose exactly the same object.
 *
 * `window.twofold` returns envelopes rather than throwing, because contextBridge copies only the
 * message of a rejected Error; the renderer turns envelopes back into typed errors with unwrapApi.
 */
import { calls, events, callChannel, eventChannel, type TwofoldApi } from './api-contract';
import { TwofoldError, type ErrorInfo } from './errors';

/** What a call returns across the process boundary: a value, or a typed error. */
export type Envelope = { ok: true; value: unknown } | { ok: false; error: ErrorInfo };

/** The two primitives a transport must offer. They are never exposed to the page themselves. */
export interface Transport {
  invoke(channel: string, input: unknown): Promise<Envelope>;
  subscribe(channel: string, listener: (payload: unknown) => void): () => void;
}

type Listener = (payload: unknown) => void;

/** The object exposed as `window.twofold`: one method per contract call, one subscriber per event. */
export type ExposedApi = {
  [G in Exclude<keyof TwofoldApi, 'events'>]: { [M in keyof TwofoldApi[G]]: (input: unknown) => Promise<Envelope> };
} & { events: { [E in keyof TwofoldApi['events']]: (listener: Listener) => () => void } };

/** Builds the exposed API. Each method is bound to its one contract channel; there is no generic invoke. */
export function buildExposedApi(transport: Transport): ExposedApi {
  const api: Record<string, unknown> = {};
  for (const [group, methods] of Object.entries(calls)) {
    const target: Record<string, (input: unknown) => Promise<Envelope>> = {};
    for (const method of Object.keys(methods)) {
      const channel = callChannel(group, method);
      target[method] = (input: unknown) => transport.invoke(channel, input ?? {});
    }
    api[group] = Object.freeze(target);
  }
  const subscriptions: Record<string, (listener: Listener) => () => void> = {};
  for (const name of Object.keys(events)) {
    const channel = eventChannel(name);
    subscriptions[name] = (listener: Listener) => transport.subscribe(channel, listener);
  }
  api['events'] = Object.freeze(subscriptions);
  return Object.freeze(api) as unknown as ExposedApi;
}

/** Turns the exposed API into the typed one the renderer uses: values out, TwofoldErrors thrown. */
export function unwrapApi(exposed: ExposedApi): TwofoldApi {
  const api: Record<string, unknown> = {};
  for (const [group, methods] of Object.entries(calls)) {
    const source = (exposed as unknown as Record<string, Record<string, (input: unknown) => Promise<Envelope>>>)[group];
    const target: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const method of Object.keys(methods)) {
      target[method] = async (input: unknown) => {
        const envelope = await source![method]!(input);
        if (envelope.ok) return envelope.value;
        throw TwofoldError.fromInfo(envelope.error);
      };
    }
    api[group] = target;
  }
  api['events'] = exposed.events;
  return api as unknown as TwofoldApi;
}
