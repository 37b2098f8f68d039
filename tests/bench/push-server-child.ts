/**
 * The push bench's identity provider, in its own process so its memory can be measured alone.
 * Started by push-bench.ts with fork (and --expose-gc); it answers commands over process IPC:
 *  - users {prefix, count} → [{ userId, uri }]: users, each with a one-time enrollment link;
 *  - signIn {userId} → the time startSignIn was called and its result;
 *  - signInMany {userIds} → how many were sent and refused;
 *  - emitTimes {requestId} → when the request's frames were handed to the socket, per device;
 *  - memory {gc} → process.memoryUsage() and the number of open WebSockets;
 *  - clock → this process's precise time (the bench estimates the offset between the processes);
 *  - cpu → the CPU time this process has used so far, in ms.
 */
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { startIdp } from '../../server/app';
import type { SignInContext } from '../../common/push-protocol';
import { preciseNow, serveCommands } from './push-ipc';

/** The sign-in context every bench request carries. */
const CONTEXT: SignInContext = { application: 'Bench', browser: 'Firefox 140', os: 'Linux', ip: '127.0.0.1', location: 'Loopback' };

// The emit timestamp: the moment a request frame is handed to the socket, taken in ws's own send
// (the push service sends through it), so it excludes everything before — signing, database work.
const emitTimes = new Map<string, Array<{ deviceId: string; at: number }>>();
const originalSend = WebSocket.prototype.send;
WebSocket.prototype.send = function patchedSend(this: WebSocket, ...args: unknown[]): void {
  const at = performance.timeOrigin + performance.now();
  (originalSend as (...a: unknown[]) => void).apply(this, args);
  const data = args[0];
  if (typeof data === 'string' && data.includes('"request"')) recordEmit(data, at);
};

function recordEmit(frame: string, at: number): void {
  try {
    const message = JSON.parse(frame) as { type?: unknown; jws?: unknown };
    if (message.type !== 'request' || typeof message.jws !== 'string') return;
    const claims = JSON.parse(Buffer.from(message.jws.split('.')[1] ?? '', 'base64url').toString('utf8')) as { jti: string; aud: string };
    if (emitTimes.size > 50_000) emitTimes.clear(); // bounded: only the measured requests are ever asked for
    const list = emitTimes.get(claims.jti) ?? [];
    list.push({ deviceId: claims.aud, at });
    emitTimes.set(claims.jti, list);
  } catch {
    // Not a frame of ours; nothing to record.
  }
}

const idp = await startIdp({ dataDir: null, port: 0 });
const insertUser = idp.ctx.db.prepare(
  'INSERT INTO users (id, email, first_name, last_name, password_hash, default_method, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
);

function websocketCount(): number {
  const server = (idp.app as unknown as { websocketServer?: { clients: Set<unknown> } }).websocketServer;
  return server ? server.clients.size : -1;
}

serveCommands(
  async (cmd, raw) => {
    switch (cmd) {
      case 'origin':
        return idp.origin;
      case 'users': {
        const { prefix, count } = raw as { prefix: string; count: number };
        // Bench users never sign in with a password, so no scrypt hash (10,000 of them would take minutes).
        const create = idp.ctx.db.transaction(() => {
          const out: Array<{ userId: string; uri: string }> = [];
          for (let i = 0; i < count; i++) {
            const userId = `bench-${prefix}-${i}`;
            const email = `${userId}@bench.invalid`;
            insertUser.run(userId, email, 'Bench', String(i), 'bench-no-password', 'push', Date.now());
            out.push({ userId, uri: idp.ctx.push.createEnrollment(userId, email).uri });
          }
          return out;
        });
        return create();
      }
      case 'signIn': {
        const { userId } = raw as { userId: string };
        const callAt = preciseNow();
        const result = await idp.ctx.push.startSignIn(userId, CONTEXT);
        return { callAt, result };
      }
      case 'signInMany': {
        const { userIds } = raw as { userIds: string[] };
        let sent = 0;
        const refused: Record<string, number> = {};
        for (const userId of userIds) {
          const result = await idp.ctx.push.startSignIn(userId, CONTEXT);
          if (result.ok) sent += 1;
          else refused[result.reason] = (refused[result.reason] ?? 0) + 1;
        }
        return { sent, refused };
      }
      case 'emitTimes': {
        const { requestId } = raw as { requestId: string };
        const list = emitTimes.get(requestId) ?? [];
        emitTimes.delete(requestId);
        return list;
      }
      case 'forgetEmitTimes':
        emitTimes.clear();
        return null;
      case 'memory': {
        const { gc } = raw as { gc: boolean };
        const collect = (globalThis as { gc?: () => void }).gc;
        if (gc && collect) {
          // Two passes: the first can leave garbage reachable only from finalisers of the first.
          collect();
          await new Promise((resolve) => setImmediate(resolve));
          collect();
        }
        return { ...process.memoryUsage(), websockets: websocketCount(), gc: Boolean(gc && collect) };
      }
      case 'clock':
        return preciseNow();
      case 'cpu': {
        const { user, system } = process.cpuUsage();
        return { cpuMs: (user + system) / 1000, at: preciseNow() };
      }
      default:
        throw new Error(`unknown command '${cmd}'`);
    }
  },
  () => idp.close(),
);
