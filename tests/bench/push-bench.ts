/**
 * The push figures of `npm run bench` (issue 3, section 7; DESIGN.md "Performance budgets"):
 *  - push latency, server emitting a sign-in request → the real core having verified it, with 1,
 *    1,000 and 10,000 idle devices connected to one server process;
 *  - server capacity: idle connections held per GiB of server memory;
 *  - decisions verified per second, in-process and end to end over HTTP;
 *  - push against polling at a 2-second interval, side by side, as a ratio.
 *
 * The identity provider runs in its own process (push-server-child.ts) so its memory is its own;
 * idle devices live in worker processes (push-device-worker.ts) and follow the protocol; the
 * measured device is the real core (createCore) in this process. Everything is on 127.0.0.1,
 * bounded in time, and every child is stopped at the end, also on failure.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { PendingRequestView } from '../../common/api-contract';
import { generateSigningKey, importVerifyKey, randomId, signMessage, verifyMessage } from '../../common/push-jws';
import { DecisionClaimsSchema, PUSH_PATHS, type PublicJwk } from '../../common/push-protocol';
import { createCore, type Core } from '../../main/core/core';
import { systemClock, type Clipboard } from '../../main/core/ports';
import { createMemorySettingsStore } from '../../main/core/settings-file';
import { createTestKeychain } from '../../main/core/vault/test-keychain';
import { IpcChild, preciseNow } from './push-ipc';
import { describe, poll, postDecision, registerDevice, signDeny, verifyRequest, type SimDevice } from './push-sim-device';
import { formatRow, quantile } from './stats';

/** Tuning of the push bench; the defaults are the figures DESIGN.md asks for. */
export interface PushBenchOptions {
  /** Idle devices connected in each stage (ascending). */
  idleCounts: number[];
  /** Kept samples per stage (the fatigue guard allows 5 per user per 15 minutes, so users = ⌈(samples + warm-up) / 5⌉). */
  samples: number;
  /** Samples discarded at the start of each stage (JIT warm-up). */
  warmup: number;
  /** With ≥ 1,000 idle devices, the samples are spread at random over about this many ms (one heartbeat is 20 s). */
  spreadMs: number;
  /** Worker processes holding the idle devices. */
  workers: number;
  /** Polling devices in the push-against-polling comparison (5 samples each). */
  pollingDevices: number;
  /** Poll interval of the polling device, ms. */
  pollIntervalMs: number;
  /** Pending requests answered in the end-to-end decisions run. */
  httpDecisions: number;
  /** Concurrent HTTP decisions (spread across the workers). */
  httpConcurrency: number;
}

/** What `npm run bench` runs. */
export const DEFAULT_PUSH_BENCH: PushBenchOptions = {
  idleCounts: [1, 1000, 10_000],
  // 100 rather than 50: with nearest-rank quantiles, p99 of 50 samples is simply the maximum.
  samples: 100,
  warmup: 5,
  spreadMs: 22_000,
  workers: 4,
  pollingDevices: 10,
  pollIntervalMs: 2000,
  httpDecisions: 4000,
  httpConcurrency: 16,
};

/** Requests one user may receive per window (server/push/push-service.ts RATE_LIMIT_COUNT). */
const PER_USER = 5;
const GIB = 1024 ** 3;
const here = fileURLToPath(new URL('.', import.meta.url));

interface MemoryReport {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  websockets: number;
  gc: boolean;
}

interface WorkerStatus {
  connected: number;
  dropped: number;
  dropCodes: Record<string, number>;
  requestsReceived: number;
}

type SignInAnswer = { callAt: number; result: { ok: true; requestId: string } | { ok: false; reason: string; until?: number } };

/** Runs the push bench and prints its figures; a failure prints "push bench failed: …" and sets a non-zero exit code. */
export async function benchPush(options: Partial<PushBenchOptions> = {}): Promise<void> {
  const o = { ...DEFAULT_PUSH_BENCH, ...options };
  const t0 = performance.now();
  try {
    await runPushBench(o);
    console.log(`push bench done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  } catch (error) {
    console.log(`push bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  }
}

const row = (name: string, samples: number[], unit = 'ms', budget = ''): void => console.log(formatRow(name, samples, unit, budget));
const line = (name: string, text: string): void => console.log(`${name.padEnd(58)} ${text}`);
const thousands = (n: number): string => Math.round(n).toLocaleString('en-US');
const mib = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;

/** The soft limit on open files of this process (children inherit it), from /proc; null where unknown. */
function openFileLimit(): number | null {
  try {
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (!match) return null;
    return match[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match[1]);
  } catch {
    return null;
  }
}

function ephemeralPorts(): number | null {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return low !== undefined && high !== undefined ? high - low + 1 : null;
  } catch {
    return null;
  }
}

/** The offset (child clock − our clock) from the IPC round trip with the smallest delay, and that delay. */
async function clockOffset(child: IpcChild): Promise<{ offset: number; rtt: number }> {
  let best = { offset: 0, rtt: Number.POSITIVE_INFINITY };
  for (let i = 0; i < 40; i++) {
    const sent = preciseNow();
    const theirs = await child.call<number>('clock');
    const back = preciseNow();
    if (back - sent < best.rtt) best = { offset: theirs - (sent + back) / 2, rtt: back - sent };
  }
  return best;
}

async function runPushBench(o: PushBenchOptions): Promise<void> {
  const limit = openFileLimit();
  const ports = ephemeralPorts();
  let maxIdle = Math.max(...o.idleCounts);
  // Each connection holds one descriptor in the server and one in a worker; the server's limit binds first.
  const headroom = 256;
  const notes: string[] = [];
  if (limit !== null && limit - headroom < maxIdle) {
    notes.push(`open-file limit (ulimit -n) is ${limit}: the server can hold at most ${limit - headroom} devices, not ${thousands(maxIdle)}; raise it with ulimit -n`);
    maxIdle = limit - headroom;
  }
  if (ports !== null && ports - headroom < maxIdle) {
    notes.push(`only ${ports} ephemeral ports on loopback: at most ${ports - headroom} devices`);
    maxIdle = ports - headroom;
  }
  const idleCounts = [...new Set(o.idleCounts.map((n) => Math.min(n, maxIdle)))];
  const workerCount = Math.max(1, Math.min(o.workers, maxIdle));
  console.log(
    `push: open-file limit ${limit ?? 'unknown'} per process (server needs ~${thousands(maxIdle + headroom)}, each of ${workerCount} workers ~${thousands(Math.ceil(maxIdle / workerCount) + headroom)}); ${ports ?? '?'} ephemeral ports`,
  );
  for (const note of notes) console.log(`push: NOTE ${note}`);

  await benchVerifyInProcess();

  const children: IpcChild[] = [];
  const killAll = (): void => children.forEach((c) => c.kill());
  process.once('exit', killAll);
  const vaultRoot = mkdtempSync(join(tmpdir(), 'twofold-bench-push-'));
  const coreLog: string[] = [];
  let core: Core | null = null;
  try {
    const server = await IpcChild.start('push server', join(here, 'push-server-child.ts'), ['--expose-gc']);
    children.push(server);
    const workers = await Promise.all(
      Array.from({ length: workerCount }, (_, i) => IpcChild.start(`device worker ${i}`, join(here, 'push-device-worker.ts'))),
    );
    children.push(...workers);
    const origin = await server.call<string>('origin');
    const clock = await clockOffset(server);
    // Child times are converted to ours with t − offset; the error is at most half the round trip.
    const toLocal = (childTime: number): number => childTime - clock.offset;
    console.log(`push: server ${origin}, ${workerCount} device workers; clock offset to server ${clock.offset.toFixed(3)} ms (±${(clock.rtt / 2).toFixed(3)} ms)`);

    const memEmpty = await server.call<MemoryReport>('memory', { gc: true });

    // Idle devices: users with enrollment links, registered by the workers in parallel.
    let t = performance.now();
    const idleUsers = await server.call<Array<{ userId: string; uri: string }>>('users', { prefix: 'idle', count: maxIdle });
    const shares = workers.map((_, w) => idleUsers.filter((_u, i) => i % workerCount === w));
    const registered = await Promise.all(
      workers.map((worker, w) => worker.call<{ registered: number; failed: number; error: string | null }>('register', { uris: shares[w]!.map((u) => u.uri) }, 600_000)),
    );
    const regFailed = registered.reduce((n, r) => n + r.failed, 0);
    console.log(
      `push: registered ${thousands(registered.reduce((n, r) => n + r.registered, 0))} idle devices in ${((performance.now() - t) / 1000).toFixed(1)} s` +
        (regFailed ? ` (${regFailed} failed: ${registered.find((r) => r.error)?.error})` : ''),
    );
    const memRegistered = await server.call<MemoryReport>('memory', { gc: true });

    core = createBenchCore(vaultRoot, coreLog);
    await core.api.vault.create({ passphrase: null, useOsSlot: true });
    const arrivals = new Map<string, number>();
    const waiters = new Map<string, (at: number) => void>();
    core.onEvent((name, payload) => {
      if (name !== 'pushRequest') return;
      const at = preciseNow(); // first thing: the core has verified the request and tells the UI now
      const id = (payload as PendingRequestView).id;
      const waiter = waiters.get(id);
      if (waiter) waiter(at);
      else arrivals.set(id, at);
    });
    const verifiedAt = (requestId: string, timeoutMs = 15_000): Promise<number> => {
      const early = arrivals.get(requestId);
      if (early !== undefined) {
        arrivals.delete(requestId);
        return Promise.resolve(early);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(requestId);
          reject(new Error(`the core did not show request ${requestId} within ${timeoutMs / 1000} s`));
        }, timeoutMs);
        waiters.set(requestId, (at) => {
          clearTimeout(timer);
          waiters.delete(requestId);
          resolve(at);
        });
      });
    };

    const pushByStage = new Map<number, { send: number[]; call: number[] }>();
    let enrolledIds: string[] = [];
    let memAtMax: MemoryReport | null = null;
    let connectedAtMax = 0;
    for (const [stageIndex, idle] of idleCounts.entries()) {
      // Connect idle devices up to `idle`, spread evenly over the workers.
      t = performance.now();
      const before = await Promise.all(workers.map((w) => w.call<WorkerStatus>('status')));
      const results = await Promise.all(
        workers.map((worker, w) => {
          const target = Math.floor(idle / workerCount) + (w < idle % workerCount ? 1 : 0);
          return worker.call<{ connected: number; failed: number; error: string | null }>('connect', { count: Math.max(0, target - before[w]!.connected) }, 600_000);
        }),
      );
      const failed = results.reduce((n, r) => n + r.failed, 0);
      const status = await Promise.all(workers.map((w) => w.call<WorkerStatus>('status')));
      const connected = status.reduce((n, s) => n + s.connected, 0);
      console.log(
        `push: ${thousands(connected)} idle device${connected === 1 ? '' : 's'} connected (stage took ${((performance.now() - t) / 1000).toFixed(1)} s)` +
          (failed ? `; ${failed} could not connect: ${results.find((r) => r.error)?.error}` : ''),
      );
      if (connected < idle) console.log(`push: NOTE only ${thousands(connected)} of ${thousands(idle)} idle devices are connected; figures below are for ${thousands(connected)}`);
      if (stageIndex === idleCounts.length - 1) {
        memAtMax = await server.call<MemoryReport>('memory', { gc: true });
        connectedAtMax = connected;
      }

      // Measured accounts: fresh users enrolled in the real core (the fatigue guard allows 5 requests each).
      const users = await server.call<Array<{ userId: string; uri: string }>>('users', { prefix: `measured${stageIndex}`, count: Math.ceil((o.samples + o.warmup) / PER_USER) });
      for (const id of enrolledIds) await core.api.push.remove({ id });
      enrolledIds = [];
      for (const user of users) enrolledIds.push((await core.api.push.enroll({ uri: user.uri })).id);
      await core.pushSynced();
      const offline = (await core.api.push.accounts({})).filter((a) => a.status !== 'connected').length;
      if (offline) throw new Error(`${offline} of the core's ${users.length} push accounts did not connect`);

      const send: number[] = [];
      const call: number[] = [];
      // With many devices, the server's heartbeat (a ping to every socket every 20 s, and as many
      // pongs back) is a periodic burst of work; samples are spread over a little more than one
      // heartbeat at random moments so some land in it, as a real sign-in might.
      const spread = connected >= 1000 ? o.spreadMs : 0;
      for (let k = 0; k < o.samples + o.warmup; k++) {
        if (spread && k >= o.warmup) await new Promise((resolve) => setTimeout(resolve, (Math.random() * 2 * spread) / o.samples));
        const user = users[k % users.length]!;
        const answer = await server.call<SignInAnswer>('signIn', { userId: user.userId });
        if (!answer.result.ok) throw new Error(`the server refused a measured sign-in (${answer.result.reason})`);
        const requestId = answer.result.requestId;
        const at = await verifiedAt(requestId);
        const emits = await server.call<Array<{ deviceId: string; at: number }>>('emitTimes', { requestId });
        if (emits.length !== 1) throw new Error(`expected one request frame sent for ${requestId}, the server sent ${emits.length}`);
        // Deny (not "this wasn't me", which would mute the user), so the next sign-in is not the same outstanding request.
        await core.api.push.decide({ requestId, decision: 'deny', reason: 'cancelled' });
        if (k < o.warmup) continue;
        send.push(at - toLocal(emits[0]!.at));
        call.push(at - toLocal(answer.callAt));
      }
      pushByStage.set(idle, { send, call });
      const label = `${thousands(connected)} idle`;
      const isBudgetStage = idle >= 10_000;
      row(`push: server send → core verified, ${label}`, send, 'ms', isBudgetStage ? '≤ 50 ms p99' : '');
      row(`push: startSignIn → core verified, ${label}`, call, 'ms');
      const after = await Promise.all(workers.map((w) => w.call<WorkerStatus>('status')));
      const dropped = after.reduce((n, s) => n + s.dropped, 0);
      if (dropped) console.log(`push: NOTE ${dropped} idle connections dropped so far (close codes ${JSON.stringify(Object.assign({}, ...after.map((s) => s.dropCodes)))})`);
    }

    // Server capacity, at the largest stage.
    if (memAtMax) {
      const perConn = memAtMax.rss - memRegistered.rss;
      const heapPerConn = memAtMax.heapUsed + memAtMax.external - (memRegistered.heapUsed + memRegistered.external);
      line(
        `server: idle connections per GiB (RSS, ${thousands(connectedAtMax)} conns)`,
        `${thousands(connectedAtMax / (perConn / GIB))} per GiB  (RSS ${mib(memRegistered.rss)} → ${mib(memAtMax.rss)}: ${(perConn / connectedAtMax / 1024).toFixed(1)} KiB each; JS heap+external ${(heapPerConn / connectedAtMax / 1024).toFixed(1)} KiB each)${memAtMax.gc ? '' : ' [no GC before measuring]'}`,
      );
      const withRows = memAtMax.rss - memEmpty.rss;
      line(
        '  … including the users and device records',
        `${thousands(connectedAtMax / (withRows / GIB))} per GiB  (RSS of an empty server ${mib(memEmpty.rss)}; ${(withRows / connectedAtMax / 1024).toFixed(1)} KiB per connected user)`,
      );
    }

    // Push against polling, at the largest stage (the idle devices stay connected).
    const pollLatency = await benchPolling(server, toLocal, o);
    const pushAtMax = pushByStage.get(idleCounts[idleCounts.length - 1]!)!;
    row(`polling every ${o.pollIntervalMs / 1000} s: startSignIn → verified, ${thousands(connectedAtMax)} idle`, pollLatency, 'ms');
    const ratio = (q: number): string => (quantile(pollLatency, q) / quantile(pushAtMax.call, q)).toFixed(0);
    line('push against polling (startSignIn → verified)', `polling/push: p50 ×${ratio(0.5)}, p99 ×${ratio(0.99)}  (push p50 ${quantile(pushAtMax.call, 0.5).toFixed(1)} ms vs polling p50 ${quantile(pollLatency, 0.5).toFixed(0)} ms)`);

    await benchHttpDecisions(server, workers, idleUsers, o);

    const final = await Promise.all(workers.map((w) => w.call<WorkerStatus>('status')));
    const dropped = final.reduce((n, s) => n + s.dropped, 0);
    console.log(`push: idle connections dropped during the run: ${dropped}`);
  } catch (error) {
    if (coreLog.length) console.log(`push: last core log lines:\n  ${coreLog.slice(-8).join('\n  ')}`);
    throw error;
  } finally {
    if (core) await core.close().catch(() => undefined);
    await Promise.all(children.map((c) => c.stop(c === children[0] ? 10_000 : 3000)));
    process.removeListener('exit', killAll);
    rmSync(vaultRoot, { recursive: true, force: true });
  }
}

function createBenchCore(vaultRoot: string, log: string[]): Core {
  let text = '';
  const clipboard: Clipboard = { readText: () => text, writeText: (v) => (text = v), readImagePng: () => null };
  return createCore({
    vaultDir: join(vaultRoot, 'vault'),
    keychain: createTestKeychain(),
    clock: systemClock,
    clipboard,
    settings: createMemorySettingsStore(),
    deviceName: 'Bench core',
    log: (l) => {
      log.push(l);
      if (log.length > 200) log.splice(0, 100);
    },
  });
}

/**
 * The polling fallback: devices that POST /push/v1/poll every interval (each at its own random
 * phase) and verify what comes back. Sign-ins start at random moments, so the wait for the next
 * poll is uniform over the interval, as it would be for a real user.
 */
async function benchPolling(server: IpcChild, toLocal: (t: number) => number, o: PushBenchOptions): Promise<number[]> {
  const users = await server.call<Array<{ userId: string; uri: string }>>('users', { prefix: 'polling', count: o.pollingDevices });
  const devices: SimDevice[] = await Promise.all(users.map((u, i) => registerDevice(u.uri, `Polling device ${i}`)));
  const waiting = new Map<string, (at: number) => void>();
  const early = new Map<string, number>();
  let stopped = false;
  const timers = new Set<NodeJS.Timeout>();
  const errors: string[] = [];
  for (const device of devices) {
    const seen = new Set<string>();
    const start = performance.now() + Math.random() * o.pollIntervalMs;
    let round = 0;
    const tick = async (): Promise<void> => {
      try {
        for (const jws of await poll(device)) {
          const claims = await verifyRequest(device, jws, seen);
          if (!claims) continue;
          const at = preciseNow();
          const waiter = waiting.get(claims.jti);
          if (waiter) waiter(at);
          else early.set(claims.jti, at);
        }
      } catch (error) {
        errors.push(describe(error));
      }
      // Fixed rate: the next poll is due one interval after this one was due, not after it ended.
      round += 1;
      if (!stopped) schedule(start + round * o.pollIntervalMs - performance.now());
    };
    const schedule = (delay: number): void => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        void tick();
      }, Math.max(0, delay));
      timers.add(timer);
    };
    schedule(start - performance.now());
  }
  const latencies: number[] = [];
  try {
    for (let round = 0; round < PER_USER; round++) {
      await Promise.all(
        devices.map(async (device, i) => {
          // Bench pacing: start the sign-in at a random moment of the poll cycle.
          await new Promise((resolve) => setTimeout(resolve, Math.random() * o.pollIntervalMs));
          const answer = await server.call<SignInAnswer>('signIn', { userId: users[i]!.userId });
          if (!answer.result.ok) throw new Error(`the server refused a polling sign-in (${answer.result.reason})`);
          const requestId = answer.result.requestId;
          const at = await new Promise<number>((resolve, reject) => {
            const got = early.get(requestId);
            if (got !== undefined) return resolve(got);
            const timer = setTimeout(() => reject(new Error(`polling device never saw request ${requestId}${errors.length ? ` (${errors[0]})` : ''}`)), o.pollIntervalMs * 3 + 5000);
            waiting.set(requestId, (t) => {
              clearTimeout(timer);
              resolve(t);
            });
          });
          waiting.delete(requestId);
          early.delete(requestId);
          latencies.push(at - toLocal(answer.callAt));
          const decided = await postDecision(device, await signDeny(device, requestId));
          if (decided.status !== 200) throw new Error(`polling device's decision answered HTTP ${decided.status}: ${JSON.stringify(decided.body)}`);
        }),
      );
    }
  } finally {
    stopped = true;
    for (const timer of timers) clearTimeout(timer);
  }
  return latencies;
}

/**
 * Decisions end to end: one pending request for each of `httpDecisions` idle users, then every
 * worker POSTs signed denials (signed beforehand, so client signing is not timed) with the
 * concurrency split between them.
 */
async function benchHttpDecisions(server: IpcChild, workers: IpcChild[], idleUsers: Array<{ userId: string }>, o: PushBenchOptions): Promise<void> {
  const count = Math.min(o.httpDecisions, idleUsers.length);
  const before = (await Promise.all(workers.map((w) => w.call<WorkerStatus>('status')))).reduce((n, s) => n + s.requestsReceived, 0);
  const sent = await server.call<{ sent: number; refused: Record<string, number> }>('signInMany', { userIds: idleUsers.slice(0, count).map((u) => u.userId) });
  // Wait (bounded) until the idle devices have the requests on their streams.
  const deadline = performance.now() + 30_000;
  let received = 0;
  while (performance.now() < deadline) {
    received = (await Promise.all(workers.map((w) => w.call<WorkerStatus>('status')))).reduce((n, s) => n + s.requestsReceived, 0) - before;
    if (received >= sent.sent) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const prepared = (await Promise.all(workers.map((w) => w.call<number>('prepareDecisions')))).reduce((n, c) => n + c, 0);
  const perWorker = Math.max(1, Math.round(o.httpConcurrency / workers.length));
  const cpuBefore = await server.call<{ cpuMs: number; at: number }>('cpu');
  const results = await Promise.all(
    workers.map((w) => w.call<{ startAt: number; endAt: number; latencies: number[]; statuses: Record<string, number> }>('postDecisions', { concurrency: perWorker }, 300_000)),
  );
  const cpuAfter = await server.call<{ cpuMs: number; at: number }>('cpu');
  const span = Math.max(...results.map((r) => r.endAt)) - Math.min(...results.map((r) => r.startAt));
  const statuses: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.statuses)) statuses[k] = (statuses[k] ?? 0) + v;
  const ok = statuses['200'] ?? 0;
  const latencies = results.flatMap((r) => r.latencies);
  row(`decisions over HTTP: one POST, concurrency ${perWorker * workers.length}`, latencies, 'ms');
  line(
    `decisions over HTTP: verified and applied per second`,
    `${thousands(ok / (span / 1000))} /s  (${ok} of ${prepared} accepted in ${(span / 1000).toFixed(2)} s; ${sent.sent} requests sent, ${received} received${Object.keys(statuses).length > 1 ? `; answers ${JSON.stringify(statuses)}` : ''})`,
  );
  // The workers' HTTP clients share the 2 cores with the server, so also: the server's own CPU per decision.
  const cpuMs = cpuAfter.cpuMs - cpuBefore.cpuMs;
  const busy = cpuMs / (cpuAfter.at - cpuBefore.at);
  line(
    `decisions over HTTP: server CPU per decision`,
    `${((cpuMs / Math.max(1, ok)) * 1000).toFixed(0)} µs  (server process busy ${(busy * 100).toFixed(0)}% of one core; ≈ ${thousands(ok / (cpuMs / 1000))} /s per fully used core)`,
  );
}

/**
 * The server's verification cost of a decision, in this process: verifyMessage('decision', …) on
 * pre-signed JWSs from 64 device keys, with the device key already imported and with
 * importVerifyKey from its stored JWK first (as a server does that keeps no keys in memory).
 */
async function benchVerifyInProcess(): Promise<void> {
  const origin = 'http://127.0.0.1:1';
  const aud = `${origin}${PUSH_PATHS.decisions}`;
  const devices: Array<{ deviceId: string; jwk: PublicJwk; key: Awaited<ReturnType<typeof importVerifyKey>> }> = [];
  const signed: Array<{ jws: string; device: number }> = [];
  for (let d = 0; d < 64; d++) {
    const { pair } = await generateSigningKey();
    devices.push({ deviceId: `device-${randomId()}`, jwk: pair.publicJwk, key: await importVerifyKey(pair.publicJwk) });
    for (let i = 0; i < 50; i++) {
      const claims = { v: 1, decision: 'approve', number: 42, requestId: randomId(), sub: devices[d]!.deviceId, aud, iat: Math.floor(Date.now() / 1000), jti: randomId() };
      signed.push({ jws: await signMessage('decision', claims, pair.privateKey), device: d });
    }
  }
  for (const importEach of [false, true]) {
    const perDecision: number[] = [];
    let total = 0;
    let count = 0;
    const batch = 100;
    for (let pass = 0; pass < 3; pass++) {
      for (let start = 0; start < signed.length; start += batch) {
        const t0 = performance.now();
        for (const { jws, device } of signed.slice(start, start + batch)) {
          const d = devices[device]!;
          const key = importEach ? await importVerifyKey(d.jwk) : d.key;
          await verifyMessage('decision', jws, key, DecisionClaimsSchema, { now: Date.now(), audience: aud, checkIssuedAt: true });
        }
        const ms = performance.now() - t0;
        if (pass === 0) continue; // warm-up pass
        perDecision.push((ms * 1000) / batch);
        total += ms;
        count += batch;
      }
    }
    const name = importEach ? 'decisions in-process: importVerifyKey + verifyMessage' : 'decisions in-process: verifyMessage, key cached';
    row(name, perDecision, 'µs');
    line(`  → verified per second (one core; rows are 100-decision means)`, `${thousands(count / (total / 1000))} /s`);
  }
}
