/**
 * Builds the reference identity provider: sign-in pages (server/web) and the push service
 * (server/push) on one Fastify server.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import websocket from '@fastify/websocket';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_MESSAGE_BYTES } from '../common/push-protocol';
import type { ServerClock, ServerContext } from './context';
import { openDatabase } from './db';
import { createPushService, type PushServiceHandle, type PushServiceOptions } from './push/push-service';
import { loadServerSecrets } from './server-secrets';
import { registerWebRoutes } from './web/routes';

/** Options for one identity provider instance. */
export interface IdpOptions {
  /** Data folder (SQLite file and secrets); null keeps everything in memory (tests). */
  dataDir: string | null;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  clock?: ServerClock;
  /** Seconds a push waits for an answer; default 60. */
  pushTimeoutSeconds?: number;
  logger?: boolean;
  /** Push-service tuning (heartbeat, auth timeout), for tests. */
  pushOptions?: PushServiceOptions;
}

/** A running identity provider. */
export interface Idp {
  app: FastifyInstance;
  ctx: ServerContext;
  /** The push service, with its server-side extras (connected device count). */
  push: PushServiceHandle;
  /** The origin it listens on, e.g. http://127.0.0.1:8787. */
  origin: string;
  close(): Promise<void>;
}

/** Starts an identity provider and resolves once it listens. */
export async function startIdp(options: IdpOptions): Promise<Idp> {
  const host = options.host ?? '127.0.0.1';
  const clock = options.clock ?? { now: () => Date.now() };
  // A first start creates the data folder, owner-only: it holds the server's signing key.
  if (options.dataDir !== null) mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const db = openDatabase(options.dataDir === null ? ':memory:' : join(options.dataDir, 'idp.sqlite'));
  const secrets = await loadServerSecrets(options.dataDir);
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 64 * 1024, trustProxy: false });
  await app.register(cookie);
  await app.register(formbody);
  await app.register(websocket, { options: { maxPayload: MAX_MESSAGE_BYTES } });

  // The origin is known only once listening (port 0 picks one), so the context is filled in then.
  const config = { origin: '', secureCookies: false, pushTimeoutSeconds: options.pushTimeoutSeconds ?? 60, cookieSecret: secrets.cookieSecret };
  const audit = db.prepare('INSERT INTO audit_log (user_id, at, event, detail) VALUES (?, ?, ?, ?)');
  const ctx: ServerContext = {
    config,
    db,
    clock,
    serverKey: secrets.serverKey,
    push: undefined as unknown as ServerContext['push'],
    audit: (userId, event, detail = {}) => {
      audit.run(userId, clock.now(), event, JSON.stringify(detail));
    },
  };
  const push = createPushService(ctx, options.pushOptions);
  ctx.push = push;
  await push.registerRoutes(app);
  await registerWebRoutes(app, ctx);

  await app.listen({ host, port: options.port ?? 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the server has no address');
  const origin = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  config.origin = origin;
  config.secureCookies = origin.startsWith('https:');
  return {
    app,
    ctx,
    push,
    origin,
    async close() {
      await push.close();
      await app.close();
      db.close();
    },
  };
}
