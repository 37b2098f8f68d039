import { describe, expect, it } from 'vitest';
import { buildAppMenu, listMenuCommands, type AppMenuItem } from './app-menu-model';

const base = { appName: 'Twofold', unlocked: true, development: false };

/** The menu as a user reads it: top-level labels, each with its entries (roles shown as "(role)"). */
function outline(items: readonly AppMenuItem[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const item of items) {
    if (item.type !== 'submenu') continue;
    out[item.label] = item.submenu.map((entry) =>
      entry.type === 'separator' ? '---' : entry.type === 'role' ? `(${entry.role})${entry.label ? ` ${entry.label}` : ''}` : entry.label,
    );
  }
  return out;
}

describe('buildAppMenu on macOS', () => {
  const menu = buildAppMenu({ ...base, platform: 'darwin' });

  it('starts with the app menu: About, Settings… (Cmd+,), Services, Hide and Quit', () => {
    expect(outline(menu)['Twofold']).toEqual([
      '(about) About Twofold',
      '---',
      'Settings…',
      '---',
      '(services)',
      '---',
      '(hide) Hide Twofold',
      '(hideOthers)',
      '(unhide)',
      '---',
      '(quit) Quit Twofold',
    ]);
    expect(listMenuCommands(menu).find((c) => c.command === 'open-settings')?.accelerator).toBe('Command+,');
  });

  it('has File, Edit with the native copy and paste roles, View, Window and Help, in that order', () => {
    expect(Object.keys(outline(menu))).toEqual(['Twofold', 'File', 'Edit', 'View', 'Window', 'Help']);
    expect(outline(menu)['Edit']).toEqual(['(undo)', '(redo)', '---', '(cut)', '(copy)', '(paste)', '(pasteAndMatchStyle)', '(delete)', '---', '(selectAll)']);
    expect(outline(menu)['Window']).toEqual(['(minimize)', '(zoom)', '---', '(front)']);
    expect(menu.find((m) => m.type === 'submenu' && m.label === 'Window')).toMatchObject({ role: 'window' });
    expect(menu.find((m) => m.type === 'submenu' && m.label === 'Help')).toMatchObject({ role: 'help' });
  });

  it('uses no mnemonics, which macOS does not have', () => {
    expect(JSON.stringify(menu)).not.toContain('&');
  });
});

describe.each(['win32', 'linux'])('buildAppMenu on %s', (platform) => {
  const menu = buildAppMenu({ ...base, platform });

  it('has File, Edit, View and Help with Alt-key mnemonics', () => {
    expect(Object.keys(outline(menu))).toEqual(['&File', '&Edit', '&View', '&Help']);
  });

  it('puts Import, Export, Lock, Settings and the way out in File, with Control accelerators', () => {
    const file = outline(menu)['&File'];
    expect(file?.slice(0, 7)).toEqual(['&Import…', '&Export…', '---', '&Lock', '---', '&Settings', '---']);
    expect(listMenuCommands(menu).map((c) => [c.command, c.accelerator])).toEqual([
      ['import', 'Control+O'],
      ['export', 'Control+Shift+E'],
      ['lock', 'Control+L'],
      ['open-settings', 'Control+,'],
      ['quick-search', 'CommandOrControl+K'],
    ]);
  });

  it('has About in Help', () => {
    expect(outline(menu)['&Help']).toEqual(['(about) &About Twofold']);
  });
});

describe('buildAppMenu, per platform and state', () => {
  it('says Exit on Windows and Quit on Linux', () => {
    expect(outline(buildAppMenu({ ...base, platform: 'win32' }))['&File']?.at(-1)).toBe('(quit) E&xit');
    expect(outline(buildAppMenu({ ...base, platform: 'linux' }))['&File']?.at(-1)).toBe('(quit) &Quit');
  });

  it('disables what needs an unlocked vault while it is locked, and keeps Settings', () => {
    for (const platform of ['darwin', 'win32', 'linux']) {
      const commands = listMenuCommands(buildAppMenu({ ...base, platform, unlocked: false }));
      const enabled = Object.fromEntries(commands.map((c) => [c.command, c.enabled]));
      expect(enabled).toEqual({ import: false, export: false, lock: false, 'open-settings': true, 'quick-search': false });
    }
  });

  it('offers reload and developer tools only in development', () => {
    for (const platform of ['darwin', 'win32']) {
      const label = platform === 'darwin' ? 'View' : '&View';
      expect(outline(buildAppMenu({ ...base, platform }))[label]).not.toContain('(toggleDevTools)');
      expect(outline(buildAppMenu({ ...base, platform, development: true }))[label]).toContain('(toggleDevTools)');
    }
  });

  it('gives every command a distinct accelerator on each platform', () => {
    for (const platform of ['darwin', 'win32', 'linux']) {
      const accelerators = listMenuCommands(buildAppMenu({ ...base, platform })).flatMap((c) => (c.accelerator ? [c.accelerator] : []));
      expect(new Set(accelerators).size).toBe(accelerators.length);
    }
  });
});
