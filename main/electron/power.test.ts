import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, type Settings } from '../../common/api-contract';
import type { LockReason } from '../core/core';
import { lockIfWanted, lockOnPowerEvents, type PowerEvents, type PowerLockTarget } from './power';

/** A core stand-in that records locks and resolves `locked` on the first one. */
function recordingCore(settings: Partial<Settings> = {}): PowerLockTarget & { locks: LockReason[]; locked: Promise<LockReason> } {
  const locks: LockReason[] = [];
  let announce: (reason: LockReason) => void = () => {};
  const locked = new Promise<LockReason>((resolve) => (announce = resolve));
  return {
    locks,
    locked,
    api: { settings: { get: async () => ({ ...DEFAULT_SETTINGS, ...settings }) } },
    async lock(reason) {
      locks.push(reason);
      announce(reason);
    },
  };
}

const powerMonitor = (): EventEmitter & PowerEvents => new EventEmitter() as EventEmitter & PowerEvents;

describe('lockOnPowerEvents', () => {
  it('locks the vault when the machine suspends', async () => {
    const core = recordingCore();
    const monitor = powerMonitor();
    lockOnPowerEvents(monitor, core, () => {});
    monitor.emit('suspend');
    expect(await core.locked).toBe('suspend');
  });

  it('locks the vault when the screen locks', async () => {
    const core = recordingCore();
    const monitor = powerMonitor();
    lockOnPowerEvents(monitor, core, () => {});
    monitor.emit('lock-screen');
    expect(await core.locked).toBe('screen-lock');
  });

  it('stops listening once unsubscribed', () => {
    const monitor = powerMonitor();
    const stop = lockOnPowerEvents(monitor, recordingCore(), () => {});
    stop();
    expect(monitor.listenerCount('suspend')).toBe(0);
    expect(monitor.listenerCount('lock-screen')).toBe(0);
  });

  it('logs a failed lock by error class only', async () => {
    const lines: string[] = [];
    let logged: () => void = () => {};
    const done = new Promise<void>((resolve) => (logged = resolve));
    const core: PowerLockTarget = {
      api: { settings: { get: async () => DEFAULT_SETTINGS } },
      lock: async () => {
        throw new TypeError('detail that must not be logged');
      },
    };
    const monitor = powerMonitor();
    lockOnPowerEvents(monitor, core, (line) => {
      lines.push(line);
      logged();
    });
    monitor.emit('suspend');
    await done;
    expect(lines).toEqual(['lock on suspend failed: TypeError']);
  });
});

describe('lockIfWanted', () => {
  it('leaves the vault open when the user turned lock-on-suspend off', async () => {
    const core = recordingCore({ lockOnSuspend: false });
    expect(await lockIfWanted(core, 'suspend')).toBe(false);
    expect(await lockIfWanted(core, 'screen-lock')).toBe(false);
    expect(core.locks).toEqual([]);
  });

  it('locks when lock-on-suspend is on', async () => {
    const core = recordingCore({ lockOnSuspend: true });
    expect(await lockIfWanted(core, 'screen-lock')).toBe(true);
    expect(core.locks).toEqual(['screen-lock']);
  });
});
