/** Locks the vault when the machine sleeps or the screen locks, as the user's settings ask. */
import type { PowerMonitor } from 'electron';
import type { Core, LockReason } from '../core/core';

/** The part of the core this adapter needs: the lockOnSuspend setting, and lock. */
export type PowerLockTarget = Pick<Core, 'lock'> & { api: { settings: Pick<Core['api']['settings'], 'get'> } };

/** The powerMonitor events this adapter listens to (an EventEmitter; typed so tests can pass one). */
export type PowerEvents = Pick<PowerMonitor, 'on' | 'removeListener'>;

/** Locks for `reason` when settings.lockOnSuspend is on. Resolves to whether it locked. */
export async function lockIfWanted(core: PowerLockTarget, reason: Extract<LockReason, 'suspend' | 'screen-lock'>): Promise<boolean> {
  const settings = await core.api.settings.get({});
  if (!settings.lockOnSuspend) return false;
  await core.lock(reason);
  return true;
}

/** Subscribes to `powerMonitor` 'suspend' and 'lock-screen'; returns a function that unsubscribes. */
export function lockOnPowerEvents(powerMonitor: PowerEvents, core: PowerLockTarget, log: (line: string) => void): () => void {
  const onSuspend = (): void => {
    lockIfWanted(core, 'suspend').catch((error: unknown) => log(`lock on suspend failed: ${errorName(error)}`));
  };
  // 'lock-screen' fires on macOS and Windows only; on Linux the idle auto-lock covers it.
  const onLockScreen = (): void => {
    lockIfWanted(core, 'screen-lock').catch((error: unknown) => log(`lock on screen lock failed: ${errorName(error)}`));
  };
  powerMonitor.on('suspend', onSuspend);
  powerMonitor.on('lock-screen', onLockScreen);
  return () => {
    powerMonitor.removeListener('suspend', onSuspend);
    powerMonitor.removeListener('lock-screen', onLockScreen);
  };
}

// Only the error's class name is logged: messages from deep inside could, in principle, carry data.
function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
