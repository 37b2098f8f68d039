import type { Menu, MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { buildAppMenu, type AppMenuCommand } from '../core/desktop/app-menu-model';
import { parseAccelerator } from '../core/desktop/accelerator';
import { appMenuTemplate, installAppMenu } from './app-menu';

const state = { appName: 'Twofold', unlocked: true, development: false };

/** Every item of a template, depth first. */
function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])]);
}

describe('appMenuTemplate', () => {
  it('keeps roles for native items and routes commands to the app', () => {
    const commands: AppMenuCommand[] = [];
    const items = flatten(appMenuTemplate(buildAppMenu({ ...state, platform: 'darwin' }), (c) => commands.push(c)));
    expect(items.filter((i) => i.role === 'copy' || i.role === 'paste')).toHaveLength(2);
    const settings = items.find((i) => i.id === 'open-settings');
    expect(settings).toMatchObject({ label: 'Settings…', accelerator: 'Command+,', enabled: true });
    (settings?.click as () => void)();
    expect(commands).toEqual(['open-settings']);
  });

  it('uses only accelerators Electron can parse', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const accelerators = flatten(appMenuTemplate(buildAppMenu({ ...state, platform }), () => {})).flatMap((i) => (typeof i.accelerator === 'string' ? [i.accelerator] : []));
      expect(accelerators.length).toBeGreaterThan(0);
      for (const accelerator of accelerators) expect(parseAccelerator(accelerator, platform)).toMatchObject({ ok: true });
    }
  });
});

describe('installAppMenu', () => {
  it('sets the built menu as the application menu', () => {
    let installed: unknown = null;
    const Menu = {
      buildFromTemplate: (template: MenuItemConstructorOptions[]) => ({ template }) as unknown as Menu,
      setApplicationMenu: (menu: Menu | null) => {
        installed = menu;
      },
    };
    installAppMenu(Menu, { ...state, platform: 'linux' }, () => {});
    expect((installed as { template: MenuItemConstructorOptions[] }).template.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Help']);
  });
});
