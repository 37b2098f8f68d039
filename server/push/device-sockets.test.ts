import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { createDeviceSockets, type DeviceSockets } from './device-sockets';

let cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.reverse()) await step();
  cleanup = [];
});

/** A ws server whose accepted sockets go into a registry with a fast heartbeat. */
async function serve(heartbeatMs: number, onDisconnect?: (deviceId: string) => void): Promise<{ url: string; registry: DeviceSockets; accepted: Promise<WebSocket>[] }> {
  const registry = createDeviceSockets({ heartbeatMs, onDisconnect });
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  const queue: Array<(s: WebSocket) => void> = [];
  const accepted: Promise<WebSocket>[] = [];
  for (let i = 0; i < 4; i++) accepted.push(new Promise((resolve) => queue.push(resolve)));
  server.on('connection', (socket) => queue.shift()?.(socket));
  await new Promise<void>((resolve) => server.once('listening', resolve));
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  cleanup.push(() => registry.close());
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return { url: `ws://127.0.0.1:${address.port}`, registry, accepted };
}

function connect(url: string, options: { autoPong?: boolean } = {}): Promise<WebSocket> {
  const client = new WebSocket(url, options);
  cleanup.push(() => client.terminate());
  return new Promise((resolve, reject) => {
    client.once('open', () => resolve(client));
    client.once('error', reject);
  });
}

describe('device sockets', () => {
  it('sends to every socket of one device and to no other', async () => {
    const { url, registry, accepted } = await serve(60_000);
    const a1 = await connect(url);
    const a2 = await connect(url);
    const b = await connect(url);
    registry.add('device-a', await accepted[0]!);
    registry.add('device-a', await accepted[1]!);
    registry.add('device-b', await accepted[2]!);
    const got: string[] = [];
    b.on('message', () => got.push('b'));
    const both = Promise.all([a1, a2].map((s) => new Promise<string>((resolve) => s.once('message', (d) => resolve(String(d))))));
    expect(registry.send('device-a', 'hello')).toBe(2);
    expect(await both).toEqual(['hello', 'hello']);
    expect(got).toEqual([]);
    expect(registry.send('device-c', 'hello')).toBe(0);
    expect(registry.deviceCount()).toBe(2);
  });

  it('pings live sockets and terminates one that stops answering', async () => {
    let gone: (id: string) => void = () => {};
    const disconnected = new Promise<string>((resolve) => (gone = resolve));
    const { url, registry, accepted } = await serve(30, (id) => gone(id));
    const live = await connect(url);
    const silent = await connect(url, { autoPong: false });
    registry.add('live', await accepted[0]!);
    registry.add('silent', await accepted[1]!);
    await new Promise((resolve) => live.once('ping', resolve));
    const code = await new Promise<number>((resolve) => silent.once('close', (c) => resolve(c)));
    expect(code).toBe(1006);
    expect(await disconnected).toBe('silent');
    expect(registry.connected('silent')).toBe(false);
    // The live socket keeps answering and stays.
    await new Promise((resolve) => live.once('ping', resolve));
    expect(registry.connected('live')).toBe(true);
  });

  it('closes a device’s sockets with the given code and reason', async () => {
    const { url, registry, accepted } = await serve(60_000);
    const client = await connect(url);
    registry.add('device-a', await accepted[0]!);
    const closed = new Promise<[number, string]>((resolve) => client.once('close', (c, r) => resolve([c, r.toString()])));
    registry.closeDevice('device-a', 4401, 'revoked');
    expect(await closed).toEqual([4401, 'revoked']);
  });
});
