/** The application menu over Electron's Menu, built from core/desktop/app-menu-model.ts. */
import type { Menu as ElectronMenu, MenuItemConstructorOptions } from 'electron';
import { buildAppMenu, type AppMenuCommand, type AppMenuItem, type AppMenuState } from '../core/desktop/app-menu-model';

/** Electron menu items for an app menu model; commands call `onCommand`. */
export function appMenuTemplate(items: readonly AppMenuItem[], onCommand: (command: AppMenuCommand) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.type) {
      case 'separator':
        return { type: 'separator' };
      case 'submenu':
        return { label: item.label, ...(item.role ? { role: item.role } : {}), submenu: appMenuTemplate(item.submenu, onCommand) };
      case 'role':
        return item.label === undefined ? { role: item.role } : { role: item.role, label: item.label };
      case 'command':
        return {
          id: item.command,
          label: item.label,
          enabled: item.enabled,
          ...(item.accelerator ? { accelerator: item.accelerator } : {}),
          click: () => onCommand(item.command),
        };
    }
  });
}

/** Builds and installs the app menu for `state`; call again when the vault locks or unlocks. */
export function installAppMenu(Menu: Pick<typeof ElectronMenu, 'buildFromTemplate' | 'setApplicationMenu'>, state: AppMenuState, onCommand: (command: AppMenuCommand) => void): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(buildAppMenu(state), onCommand)));
}
