/**
 * A push-bench worker process holding many idle simulated devices (push-sim-device.ts). Commands
 * over process IPC:
 *  - register {uris} → registers one device per enrollment link (new Ed25519 key, signed proof);
 *  - connect {count} → opens and authenticates the stream of `count` more devices, then polls once
 *    as the protocol asks after every connect; they then stay idle (ws answers the server's pings);
 *  - status → connected and dropped sockets, requests received;
 *  - prepareDecisions → signs a "deny" for every request received and not yet answered;
 *  - postDecisions {concurrency} → POSTs them and reports the time span and per-request latencies.
 */
import { performance } from 'node:perf_hooks';
import type { WebSocket } from 'ws';
import { preciseNow, serveCommands } from './push-ipc';
import { describe, mapLimit, openStream, poll, postDecision, registerDevice, requestIdOf, signDeny, type SimDevice } from './push-sim-device';

interface Idle {
  device: SimDevice;
  socket: WebSocket | null;
  /** Requests received and not yet answered. */
  requests: string[];
}

const devices: Idle[] = [];
let connectedUpTo = 0;
let dropped = 0;
const dropCodes: Record<string, number> = {};
let requestsReceived = 0;
let prepared: Array<{ device: SimDevice; jws: string }> = [];

/** How many registrations / stream openings run at once: enough to be quick, few enough not to overflow the listen backlog. */
const REGISTER_CONCURRENCY = 8;
const CONNECT_CONCURRENCY = 32;

function firstError(results: PromiseSettledResult<unknown>[]): string | null {
  const failed = results.find((r) => r.status === 'rejected');
  return failed ? describe(failed.reason) : null;
}

serveCommands(
  async (cmd, raw) => {
    switch (cmd) {
      case 'register': {
        const { uris } = raw as { uris: string[] };
        const t0 = performance.now();
        const results = await mapLimit(uris, REGISTER_CONCURRENCY, (uri, i) => registerDevice(uri, `Bench device ${i}`));
        for (const r of results) if (r.status === 'fulfilled') devices.push({ device: r.value, socket: null, requests: [] });
        return { registered: results.filter((r) => r.status === 'fulfilled').length, failed: results.filter((r) => r.status === 'rejected').length, error: firstError(results), ms: performance.now() - t0 };
      }
      case 'connect': {
        const { count } = raw as { count: number };
        const batch = devices.slice(connectedUpTo, connectedUpTo + count);
        connectedUpTo += batch.length;
        const t0 = performance.now();
        const results = await mapLimit(batch, CONNECT_CONCURRENCY, async (idle) => {
          idle.socket = await openStream(idle.device, {
            onRequest: (jws) => {
              const id = requestIdOf(jws);
              if (id && !idle.requests.includes(id)) {
                idle.requests.push(id);
                requestsReceived += 1;
              }
            },
            onClose: (code) => {
              idle.socket = null;
              dropped += 1;
              dropCodes[code] = (dropCodes[code] ?? 0) + 1;
            },
          });
          await poll(idle.device);
        });
        return { connected: results.filter((r) => r.status === 'fulfilled').length, failed: results.filter((r) => r.status === 'rejected').length, error: firstError(results), ms: performance.now() - t0 };
      }
      case 'status':
        return { connected: devices.filter((d) => d.socket !== null).length, dropped, dropCodes, requestsReceived };
      case 'prepareDecisions': {
        prepared = [];
        for (const idle of devices) {
          for (const requestId of idle.requests.splice(0)) prepared.push({ device: idle.device, jws: await signDeny(idle.device, requestId) });
        }
        return prepared.length;
      }
      case 'postDecisions': {
        const { concurrency } = raw as { concurrency: number };
        const latencies: number[] = [];
        const statuses: Record<string, number> = {};
        const startAt = preciseNow();
        await mapLimit(prepared, concurrency, async ({ device, jws }) => {
          const t0 = performance.now();
          let key: string;
          try {
            const answer = await postDecision(device, jws);
            key = answer.status === 200 ? '200' : `${answer.status} ${(answer.body as { error?: string } | null)?.error ?? ''}`;
          } catch (error) {
            key = `unreachable: ${describe(error)}`;
          }
          latencies.push(performance.now() - t0);
          statuses[key] = (statuses[key] ?? 0) + 1;
        });
        const endAt = preciseNow();
        prepared = [];
        return { startAt, endAt, latencies, statuses };
      }
      default:
        throw new Error(`unknown command '${cmd}'`);
    }
  },
  async () => {
    for (const idle of devices) idle.socket?.terminate();
  },
);
