/**
 * The application menu as data, following each OS's conventions:
 * - macOS: an app menu (About, Settings… ⌘,, Services, Hide, Quit), File, Edit, View, Window and Help;
 * - Windows and Linux: File (Import…, Export…, Lock, Settings, Exit or Quit), Edit, View and Help,
 *   with Alt-key mnemonics.
 * Standard actions use Electron roles (so copy/paste, hide and zoom behave natively); Twofold's own
 * actions carry a command id that main/electron/app-menu.ts routes to the app.
 */

/** Twofold's own menu commands. */
export type AppMenuCommand = 'open-settings' | 'import' | 'export' | 'lock' | 'quick-search';

/** The Electron roles this menu uses. */
export type AppMenuRole =
  | 'about' | 'services' | 'hide' | 'hideOthers' | 'unhide' | 'quit'
  | 'undo' | 'redo' | 'cut' | 'copy' | 'paste' | 'pasteAndMatchStyle' | 'delete' | 'selectAll'
  | 'reload' | 'forceReload' | 'toggleDevTools' | 'resetZoom' | 'zoomIn' | 'zoomOut' | 'togglefullscreen'
  | 'minimize' | 'zoom' | 'close' | 'front' | 'window' | 'help';

/** One entry of the app menu. A submenu item has `submenu`; a leaf has a `role` or a `command`. */
export type AppMenuItem =
  | { type: 'separator' }
  | { type: 'submenu'; label: string; role?: 'window' | 'help'; submenu: AppMenuItem[] }
  | { type: 'role'; role: AppMenuRole; label?: string }
  | { type: 'command'; label: string; command: AppMenuCommand; accelerator?: string; enabled: boolean };

/** What the menu depends on. */
export interface AppMenuState {
  platform: string;
  /** The product name ("Twofold"). */
  appName: string;
  /** Lock and export need an unlocked vault. */
  unlocked: boolean;
  /** Reload and developer tools appear only in development builds. */
  development: boolean;
}

const separator: AppMenuItem = { type: 'separator' };
const role = (r: AppMenuRole, label?: string): AppMenuItem => (label === undefined ? { type: 'role', role: r } : { type: 'role', role: r, label });
const command = (label: string, c: AppMenuCommand, enabled: boolean, accelerator?: string): AppMenuItem =>
  accelerator === undefined ? { type: 'command', label, command: c, enabled } : { type: 'command', label, command: c, enabled, accelerator };

function editMenu(mac: boolean): AppMenuItem {
  const label = mac ? 'Edit' : '&Edit';
  // pasteAndMatchStyle is a macOS convention; Windows and Linux have no such item.
  const paste = mac ? [role('paste'), role('pasteAndMatchStyle'), role('delete')] : [role('paste'), role('delete')];
  return { type: 'submenu', label, submenu: [role('undo'), role('redo'), separator, role('cut'), role('copy'), ...paste, separator, role('selectAll')] };
}

function viewMenu(mac: boolean, state: AppMenuState): AppMenuItem {
  const dev = state.development ? [role('reload'), role('forceReload'), role('toggleDevTools'), separator] : [];
  return {
    type: 'submenu',
    label: mac ? 'View' : '&View',
    submenu: [
      command('Quick Search…', 'quick-search', state.unlocked, 'CommandOrControl+K'),
      separator,
      ...dev,
      role('resetZoom'),
      role('zoomIn'),
      role('zoomOut'),
      separator,
      role('togglefullscreen'),
    ],
  };
}

/** Builds the app menu for `state.platform`. */
export function buildAppMenu(state: AppMenuState): AppMenuItem[] {
  const { unlocked } = state;
  if (state.platform === 'darwin') {
    return [
      {
        type: 'submenu',
        label: state.appName,
        submenu: [
          role('about', `About ${state.appName}`),
          separator,
          command('Settings…', 'open-settings', true, 'Command+,'),
          separator,
          role('services'),
          separator,
          role('hide', `Hide ${state.appName}`),
          role('hideOthers'),
          role('unhide'),
          separator,
          role('quit', `Quit ${state.appName}`),
        ],
      },
      {
        type: 'submenu',
        label: 'File',
        submenu: [
          command('Import…', 'import', unlocked, 'Command+O'),
          command('Export…', 'export', unlocked, 'Command+Shift+E'),
          separator,
          command(`Lock ${state.appName}`, 'lock', unlocked, 'Command+L'),
          separator,
          role('close'),
        ],
      },
      editMenu(true),
      viewMenu(true, state),
      { type: 'submenu', label: 'Window', role: 'window', submenu: [role('minimize'), role('zoom'), separator, role('front')] },
      // macOS adds the Help search field to a menu with the help role.
      { type: 'submenu', label: 'Help', role: 'help', submenu: [] },
    ];
  }
  // Windows says "Exit" (x is its mnemonic); Linux desktops say "Quit". The role adds Ctrl+Q on Linux only, as each expects.
  const exit = state.platform === 'win32' ? role('quit', 'E&xit') : role('quit', '&Quit');
  return [
    {
      type: 'submenu',
      label: '&File',
      submenu: [
        command('&Import…', 'import', unlocked, 'Control+O'),
        command('&Export…', 'export', unlocked, 'Control+Shift+E'),
        separator,
        command('&Lock', 'lock', unlocked, 'Control+L'),
        separator,
        command('&Settings', 'open-settings', true, 'Control+,'),
        separator,
        exit,
      ],
    },
    editMenu(false),
    viewMenu(false, state),
    { type: 'submenu', label: '&Help', role: 'help', submenu: [role('about', `&About ${state.appName}`)] },
  ];
}

/** Every command in `items`, depth first, with its label and accelerator (for tests and for the renderer's key hints). */
export function listMenuCommands(items: readonly AppMenuItem[]): { label: string; command: AppMenuCommand; accelerator: string | null; enabled: boolean }[] {
  const out: { label: string; command: AppMenuCommand; accelerator: string | null; enabled: boolean }[] = [];
  for (const item of items) {
    if (item.type === 'submenu') out.push(...listMenuCommands(item.submenu));
    else if (item.type === 'command') out.push({ label: item.label, command: item.command, accelerator: item.accelerator ?? null, enabled: item.enabled });
  }
  return out;
}
