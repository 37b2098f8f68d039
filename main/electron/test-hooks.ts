/**
 * Main-process test hooks for the Electron specs (tests/electron/desktop.electron.test.ts): the OS
 * offers no way to read a tray menu or press a global shortcut, so the specs call these instead.
 * They exist only in an unpackaged run started with TWOFOLD_TEST_HOOKS=1; a packaged app never has them.
 */
import type { TrayModel } from '../core/desktop/tray-model';

/** One tray menu entry as the specs see it. */
export interface TestMenuItem {
  id: string | null;
  label: string;
  enabled: boolean;
  type: 'item' | 'separator';
}

/** What `globalThis.twofoldTest` offers. */
export interface TwofoldTestHooks {
  /** Whether the tray icon exists. */
  trayShown(): boolean;
  /** The tray menu as built: one entry per item, separators with type 'separator'. */
  trayMenu(): TestMenuItem[];
  /** Clicks the tray item with this id, as a user would. */
  clickTrayItem(id: string): void;
  /** Runs what the quick-search global shortcut runs. */
  pressQuickSearch(): void;
}

/** The tray model as the specs read it (labels unescaped, ids the item's action). */
export function testMenuItems(model: TrayModel): TestMenuItem[] {
  return model.items.map((item) =>
    item.type === 'separator' ? { id: null, label: '', enabled: true, type: 'separator' } : { id: item.action, label: item.label, enabled: item.enabled, type: 'item' },
  );
}

/** True when hooks may be installed: an unpackaged run with TWOFOLD_TEST_HOOKS=1. */
export function testHooksWanted(env: Readonly<Record<string, string | undefined>>, packaged: boolean): boolean {
  return !packaged && env['TWOFOLD_TEST_HOOKS'] === '1';
}

/** Puts `hooks` on `target` (globalThis) as `twofoldTest`. */
export function installTestHooks(target: object, hooks: TwofoldTestHooks): void {
  Object.defineProperty(target, 'twofoldTest', { value: Object.freeze({ ...hooks }), configurable: true, enumerable: false, writable: false });
}
