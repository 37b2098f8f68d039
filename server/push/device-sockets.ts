/**
 * The authenticated WebSocket connections of devices, keyed by device id, with one shared
 * heartbeat. Built to hold many idle connections: no timer and no closure per socket, and sending
 * to a device is one Map lookup.
 */
import { WebSocket } from 'ws';

/** The connected devices' sockets. */
export interface DeviceSockets {
  /** Adds an authenticated socket for `deviceId`; it leaves the registry when it closes. */
  add(deviceId: string, socket: WebSocket): void;
  /** Sends one text frame to every open socket of the device; returns how many got it. */
  send(deviceId: string, frame: string): number;
  /** Whether the device has at least one open socket. */
  connected(deviceId: string): boolean;
  /** Closes every socket of the device with `code` and `reason`. */
  closeDevice(deviceId: string, code: number, reason: string): void;
  /** Number of devices with at least one socket. */
  deviceCount(): number;
  /** Stops the heartbeat and closes every socket (server shutting down). */
  close(): void;
}

/** Options of the registry. */
export interface DeviceSocketsOptions {
  /** Milliseconds between pings; a socket that did not answer the previous ping is terminated. */
  heartbeatMs: number;
  /** Called when a device's last socket closes (to record when it was last seen). */
  onDisconnect?: (deviceId: string) => void;
}

/** Creates the registry and starts its heartbeat. */
export function createDeviceSockets(options: DeviceSocketsOptions): DeviceSockets {
  const byDevice = new Map<string, Set<WebSocket>>();
  const owner = new Map<WebSocket, string>();
  // Sockets pinged and not yet answered: at the next beat they are dead (half-open TCP, sleeping laptop).
  const awaitingPong = new Set<WebSocket>();

  // Shared listeners: `this` is the socket, so no closure is allocated per connection.
  function onPong(this: WebSocket): void {
    awaitingPong.delete(this);
  }
  function onClose(this: WebSocket): void {
    awaitingPong.delete(this);
    const deviceId = owner.get(this);
    if (deviceId === undefined) return;
    owner.delete(this);
    const set = byDevice.get(deviceId);
    if (!set) return;
    set.delete(this);
    if (set.size === 0) {
      byDevice.delete(deviceId);
      options.onDisconnect?.(deviceId);
    }
  }

  const heartbeat = setInterval(() => {
    for (const socket of owner.keys()) {
      if (awaitingPong.has(socket)) {
        socket.terminate();
        continue;
      }
      if (socket.readyState !== WebSocket.OPEN) continue;
      awaitingPong.add(socket);
      socket.ping();
    }
  }, options.heartbeatMs);
  heartbeat.unref();

  return {
    add(deviceId, socket) {
      owner.set(socket, deviceId);
      let set = byDevice.get(deviceId);
      if (!set) {
        set = new Set();
        byDevice.set(deviceId, set);
      }
      set.add(socket);
      socket.on('pong', onPong);
      socket.on('close', onClose);
    },
    send(deviceId, frame) {
      const set = byDevice.get(deviceId);
      if (!set) return 0;
      let sent = 0;
      for (const socket of set) {
        if (socket.readyState !== WebSocket.OPEN) continue;
        socket.send(frame);
        sent += 1;
      }
      return sent;
    },
    connected(deviceId) {
      return byDevice.has(deviceId);
    },
    closeDevice(deviceId, code, reason) {
      const set = byDevice.get(deviceId);
      if (!set) return;
      for (const socket of [...set]) socket.close(code, reason);
    },
    deviceCount() {
      return byDevice.size;
    },
    close() {
      clearInterval(heartbeat);
      for (const socket of [...owner.keys()]) socket.close(1001, 'server shutting down');
    },
  };
}
