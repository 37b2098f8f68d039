import { EventEmitter } from 'node:events';
import type { Menu, MenuItemConstructorOptions, NativeImage } from 'electron';
import { describe, expect, it } from 'vitest';
import type { TrayAction, TrayState } from '../core/desktop/tray-model';
import { buildTrayModel } from '../core/desktop/tray-model';
import { createTray, trayMenuTemplate, type TrayDeps } from './tray';

const unlocked: TrayState = { vault: 'unlocked', pinned: [{ id: 'a1', issuer: 'AT&T', label: 'bob', code: '123456', secondsLeft: 20 }], pendingRequests: 0 };

/** A stand-in for Electron's Tray that records what it was told. */
class FakeTray extends EventEmitter {
  static last: FakeTray | null = null;
  menus: MenuItemConstructorOptions[][] = [];
  tooltip = '';
  title = '';
  images: string[] = [];
  destroyed = false;
  constructor(image: NativeImage) {
    super();
    this.images.push(String(image));
    FakeTray.last = this;
  }
  setContextMenu(menu: { template: MenuItemConstructorOptions[] }): void {
    this.menus.push(menu.template);
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setTitle(text: string): void {
    this.title = text;
  }
  setImage(image: NativeImage): void {
    this.images.push(String(image));
  }
  destroy(): void {
    this.destroyed = true;
  }
}

function deps(platform: NodeJS.Platform, actions: TrayAction[]): TrayDeps {
  let n = 0;
  return {
    Tray: FakeTray as unknown as TrayDeps['Tray'],
    Menu: { buildFromTemplate: (template) => ({ template }) as unknown as Menu },
    nativeImage: {
      createFromBuffer: () => {
        const name = `image${n++}`;
        return { setTemplateImage: () => {}, toString: () => name } as unknown as NativeImage;
      },
    },
    platform,
    onAction: (action) => actions.push(action),
  };
}

const tray = (): FakeTray => FakeTray.last as FakeTray;

describe('trayMenuTemplate', () => {
  it('escapes ampersands from account names and wires each click to its action', () => {
    const actions: TrayAction[] = [];
    const template = trayMenuTemplate(buildTrayModel(unlocked), (a) => actions.push(a));
    const code = template.find((item) => item.id === 'copy-code:a1');
    expect(code?.label).toBe('AT&&T (bob)   123 456');
    (code?.click as () => void)();
    (template.find((item) => item.id === 'lock')?.click as () => void)();
    expect(actions).toEqual([{ kind: 'copy-code', accountId: 'a1' }, { kind: 'lock' }]);
  });

  it('gives disabled notes no click', () => {
    const template = trayMenuTemplate(buildTrayModel({ ...unlocked, vault: 'locked' }), () => {});
    expect(template[0]).toEqual({ label: 'Twofold is locked', enabled: false });
  });
});

describe('createTray', () => {
  it('rebuilds the menu only when what it shows changes', () => {
    const controller = createTray(deps('linux', []), unlocked);
    controller.update(unlocked);
    controller.update({ ...unlocked });
    expect(tray().menus).toHaveLength(1);
    controller.update({ ...unlocked, pendingRequests: 1 });
    expect(tray().menus).toHaveLength(2);
    expect(tray().tooltip).toBe('Twofold (unlocked): 1 sign-in request waiting');
  });

  it('shows the waiting count as the menubar title on macOS', () => {
    createTray(deps('darwin', []), { ...unlocked, pendingRequests: 2 });
    expect(tray().title).toBe('2');
  });

  it('swaps to the attention icon on Windows and Linux while requests wait, and back', () => {
    const controller = createTray(deps('win32', []), unlocked);
    controller.update({ ...unlocked, pendingRequests: 2 });
    controller.update({ ...unlocked, pendingRequests: 3 });
    controller.update(unlocked);
    expect(tray().images).toEqual(['image0', 'image1', 'image2']);
  });

  it('opens the window on a left click on Windows', () => {
    const actions: TrayAction[] = [];
    createTray(deps('win32', actions), unlocked);
    tray().emit('click');
    expect(actions).toEqual([{ kind: 'open' }]);
  });

  it('removes the icon when destroyed', () => {
    createTray(deps('linux', []), unlocked).destroy();
    expect(tray().destroyed).toBe(true);
  });
});
