/**
 * The device-facing HTTP and WebSocket routes of the push service (PUSH_PATHS). Bodies are parsed
 * here with the protocol's zod schemas; every refusal is `{ error, message }` with a PushErrorCode.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { WebSocket, type RawData } from 'ws';
import type { z } from 'zod';
import {
  DeviceHelloSchema,
  MAX_MESSAGE_BYTES,
  PUSH_PATHS,
  RegistrationBodySchema,
  SignedBodySchema,
  type PushErrorCode,
} from '../../common/push-protocol';
import { PushVerifyError } from '../../common/push-jws';
import { refuse } from './device-messages';
import type { DeviceSockets } from './device-sockets';
import type { PushEndpoints } from './push-service';

/** The HTTP status of each refusal. */
export const PUSH_ERROR_STATUS: Record<PushErrorCode, number> = {
  bad_request: 400,
  too_large: 413,
  invalid_signature: 401,
  wrong_type: 400,
  stale_timestamp: 401,
  replayed: 409,
  unknown_device: 401,
  revoked: 403,
  enrollment_invalid: 400,
  request_unknown: 404,
  request_expired: 410,
  already_answered: 409,
  wrong_number: 422,
  unsupported_version: 400,
  wrong_audience: 401,
  muted: 429,
  rate_limited: 429,
};

/** The WebSocket close code for a refused connection. */
export const WS_REFUSED = 4401;

/** What the routes need from the service. */
export interface PushRouteDeps {
  endpoints: PushEndpoints;
  sockets: DeviceSockets;
  /** Sockets that have not authenticated yet, with their deadline timer. */
  handshakes: Map<WebSocket, NodeJS.Timeout>;
  authTimeoutMs: number;
}

/** Parses a JSON body with `schema`, refusing with a message that names the field at fault. */
function parseBody<S extends z.ZodType>(raw: unknown, schema: S): z.output<S> {
  if (typeof raw !== 'string' || raw.trim() === '') refuse('bad_request', 'The request body must be a JSON object.');
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    refuse('bad_request', 'The request body is not valid JSON.');
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) refuse('bad_request', 'The request body must be a JSON object.');
  if ('v' in json && json.v !== 1) refuse('unsupported_version', `The request is protocol version ${JSON.stringify(json.v)}; this server speaks version 1.`);
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'body';
    refuse('bad_request', `The field ${field} is invalid: ${issue?.message ?? 'invalid'}.`);
  }
  return parsed.data;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

/** Registers the push routes in their own scope (own body parser and error format). */
export async function registerPushRoutes(app: FastifyInstance, deps: PushRouteDeps): Promise<void> {
  const { endpoints, sockets, handshakes, authTimeoutMs } = deps;

  // Shared socket listeners (`this` is the socket): no closure per connection.
  function ignoreError(): void {
    // ws closes the socket itself after an error (e.g. 1009 for an oversized frame); nothing to add.
  }
  function endHandshake(socket: WebSocket): void {
    const timer = handshakes.get(socket);
    if (timer) clearTimeout(timer);
    handshakes.delete(socket);
    socket.off('close', onHandshakeClose);
  }
  function onHandshakeClose(this: WebSocket): void {
    endHandshake(this);
  }
  function onHandshakeTimeout(socket: WebSocket): void {
    endHandshake(socket);
    socket.close(WS_REFUSED, 'bad_request');
  }
  function onHello(this: WebSocket, data: RawData, isBinary: boolean): void {
    void authenticate(this, data, isBinary);
  }

  async function authenticate(socket: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    try {
      if (isBinary) refuse('bad_request', 'The first frame must be a text frame {"type":"auth","jws":...}.');
      const hello = parseBody(rawText(data), DeviceHelloSchema);
      const device = await endpoints.authenticate(hello.jws);
      // Timed out or hung up while the signature was being checked.
      if (!handshakes.has(socket) || socket.readyState !== WebSocket.OPEN) return;
      endHandshake(socket);
      sockets.add(device.id, socket);
      socket.send(JSON.stringify({ type: 'ready', v: 1 }));
      endpoints.touch(device.id);
    } catch (error) {
      endHandshake(socket);
      if (!(error instanceof PushVerifyError)) app.log.error(error, 'push: connection authentication failed');
      if (socket.readyState === WebSocket.OPEN) socket.close(WS_REFUSED, error instanceof PushVerifyError ? error.code : 'bad_request');
    }
  }

  await app.register(async (scope) => {
    // Device bodies are small JSON; the text is parsed by the handlers so every failure has the protocol's shape.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: MAX_MESSAGE_BYTES }, (_request, body, done) => done(null, body));

    scope.setErrorHandler((error: FastifyError | PushVerifyError, request, reply) => {
      if (error instanceof PushVerifyError) {
        return reply.code(PUSH_ERROR_STATUS[error.code]).send({ error: error.code, message: error.message });
      }
      if (error.statusCode === 413) {
        return reply.code(413).send({ error: 'too_large', message: `The request body is larger than ${MAX_MESSAGE_BYTES} bytes.` });
      }
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
        return reply.code(400).send({ error: 'bad_request', message: 'The request could not be read; send one JSON object.' });
      }
      request.log.error(error, 'push: request failed');
      return reply.code(500).send({ error: 'internal', message: 'The server failed to handle the request; try again later.' });
    });

    scope.post(PUSH_PATHS.devices, { bodyLimit: MAX_MESSAGE_BYTES }, async (request) => {
      return endpoints.register(parseBody(request.body, RegistrationBodySchema));
    });

    scope.post(PUSH_PATHS.poll, { bodyLimit: MAX_MESSAGE_BYTES }, async (request) => {
      const { jws } = parseBody(request.body, SignedBodySchema);
      return { v: 1, requests: await endpoints.poll(jws) };
    });

    scope.post(PUSH_PATHS.decisions, { bodyLimit: MAX_MESSAGE_BYTES }, async (request) => {
      const { jws } = parseBody(request.body, SignedBodySchema);
      return { v: 1, status: await endpoints.decide(jws) };
    });

    scope.get(PUSH_PATHS.stream, { websocket: true }, (socket) => {
      socket.on('error', ignoreError);
      // Only the first frame is read: later frames have no listener and are dropped.
      socket.once('message', onHello);
      socket.on('close', onHandshakeClose);
      const timer = setTimeout(onHandshakeTimeout, authTimeoutMs, socket);
      timer.unref();
      handshakes.set(socket, timer);
    });
  });
}
