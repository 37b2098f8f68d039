/**
 * Runs inside the page (bundled by the bridge with esbuild): builds window.twofold from the
 * contract exactly as the preload does, but over one Playwright binding per contract channel.
 */
import { buildExposedApi, type Envelope } from '../../common/api-bridge';
import { bindingName, EMIT_FUNCTION } from './bridge-names';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();
const w = window as unknown as Record<string, unknown>;

// Events from the core arrive through this hook, called by the bridge with page.evaluate.
Object.defineProperty(window, EMIT_FUNCTION, {
  value: (channel: string, payload: unknown) => {
    for (const listener of listeners.get(channel) ?? []) listener(payload);
  },
});

const exposed = buildExposedApi({
  invoke: async (channel, input) => JSON.parse(await (w[bindingName(channel)] as (input: unknown) => Promise<string>)(input)) as Envelope,
  subscribe: (channel, listener) => {
    let set = listeners.get(channel);
    if (!set) listeners.set(channel, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  },
});
Object.defineProperty(window, 'twofold', { value: exposed, enumerable: true });
