/**
 * The tray icon (menubar item on macOS) over Electron's Tray, Menu and nativeImage, built from the
 * pure model in core/desktop/tray-model.ts. The Electron modules are passed in, so this file has no
 * runtime import of electron and its template building is unit-tested in Node.
 */
import type { Menu as ElectronMenu, MenuItemConstructorOptions, NativeImage, Tray as ElectronTray, nativeImage as ElectronNativeImage } from 'electron';
import { buildTrayModel, escapeMenuLabel, parseTrayAction, type TrayAction, type TrayModel, type TrayState } from '../core/desktop/tray-model';
import { drawTrayIcon } from '../core/desktop/tray-icon';

/** What the tray needs from Electron and from the composition root. */
export interface TrayDeps {
  Tray: new (image: NativeImage) => ElectronTray;
  Menu: Pick<typeof ElectronMenu, 'buildFromTemplate'>;
  nativeImage: Pick<typeof ElectronNativeImage, 'createFromBuffer'>;
  platform: NodeJS.Platform;
  /** Called with the item the user clicked (copy a code, review requests, lock, open, quit). */
  onAction: (action: TrayAction) => void;
}

/** The running tray: feed it state whenever it may have changed (every tick is fine). */
export interface TrayController {
  update(state: TrayState): void;
  destroy(): void;
}

/** Electron menu items for a tray model. User text is escaped so an "&" in an issuer shows as typed. */
export function trayMenuTemplate(model: TrayModel, onAction: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return model.items.map((item): MenuItemConstructorOptions => {
    if (item.type === 'separator') return { type: 'separator' };
    const action = item.action === null ? null : parseTrayAction(item.action);
    return {
      label: escapeMenuLabel(item.label),
      enabled: item.enabled,
      ...(item.action === null ? {} : { id: item.action }),
      ...(action === null ? {} : { click: () => onAction(action) }),
    };
  });
}

/** The tray icon image for `platform`, drawn at 1x and 2x. */
export function trayIcon(nativeImage: TrayDeps['nativeImage'], platform: NodeJS.Platform, attention: boolean): NativeImage {
  const template = platform === 'darwin';
  const image = nativeImage.createFromBuffer(drawTrayIcon({ size: 32, template, attention }), { scaleFactor: 2 });
  // "Template" images are tinted by macOS for light and dark menu bars.
  if (template) image.setTemplateImage(true);
  return image;
}

/** Creates the tray icon and returns a controller that keeps its menu, tooltip and badge current. */
export function createTray(deps: TrayDeps, initial: TrayState): TrayController {
  const tray = new deps.Tray(trayIcon(deps.nativeImage, deps.platform, false));
  let shown = '';
  let attention = false;
  // Windows opens the app on a left click and keeps the menu for a right click, as its tray apps do;
  // macOS and Linux show the menu on click by themselves.
  if (deps.platform === 'win32') tray.on('click', () => deps.onAction({ kind: 'open' }));

  const update = (state: TrayState): void => {
    const model = buildTrayModel(state);
    // Rebuilding a native menu every second would flicker an open one; rebuild only on change.
    const key = JSON.stringify(model);
    if (key === shown) return;
    shown = key;
    tray.setContextMenu(deps.Menu.buildFromTemplate(trayMenuTemplate(model, deps.onAction)));
    tray.setToolTip(model.tooltip);
    if (deps.platform === 'darwin') tray.setTitle(model.title);
    const wantAttention = model.title !== '';
    if (wantAttention !== attention && deps.platform !== 'darwin') {
      attention = wantAttention;
      tray.setImage(trayIcon(deps.nativeImage, deps.platform, attention));
    }
  };
  update(initial);
  return { update, destroy: () => tray.destroy() };
}
