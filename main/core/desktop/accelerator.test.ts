import { describe, expect, it } from 'vitest';
import { formatAccelerator, parseAccelerator } from './accelerator';

/** The canonical text of a valid accelerator, or the failure message. */
function canonical(text: string, platform = 'linux'): string {
  const result = parseAccelerator(text, platform);
  return result.ok ? result.text : `error: ${result.message}`;
}

describe('parseAccelerator', () => {
  it.each([
    ['CommandOrControl+Shift+2', 'CommandOrControl+Shift+2'],
    ['cmdorctrl+shift+k', 'CommandOrControl+Shift+K'],
    ['Shift + Ctrl + Space', 'Control+Shift+Space'],
    ['Alt+F4', 'Alt+F4'],
    ['Super+PageDown', 'Super+PageDown'],
    ['meta+esc', 'Super+Escape'],
    ['Control+Alt+Enter', 'Control+Alt+Return'],
    ['CmdOrCtrl+Plus', 'CommandOrControl+Plus'],
    ['Ctrl+/', 'Control+/'],
    ['AltGr+numadd', 'AltGr+numadd'],
    ['F13', 'F13'],
    ['Shift+F24', 'Shift+F24'],
  ])('accepts %s as %s', (text, expected) => {
    expect(canonical(text)).toBe(expected);
  });

  it('accepts Command and Option on macOS, with Option spelt Alt', () => {
    expect(canonical('Cmd+Option+T', 'darwin')).toBe('Command+Alt+T');
  });

  it('refuses Command outside macOS, where Electron would ignore it', () => {
    expect(canonical('Command+Shift+T', 'win32')).toMatch(/Command exists only on a Mac keyboard\. Use CommandOrControl/);
  });

  it.each([
    ['', /is empty/],
    ['   ', /is empty/],
    ['Ctrl++', /Write the \+ key as "Plus"/],
    ['+A', /empty part/],
    ['Ctrl+Shift', /only modifiers/],
    ['Ctrl+A+B', /two keys \("A" and "B"\)/],
    ['A+Ctrl', /Modifiers come before the key: move "Ctrl" in front of "A"/],
    ['Ctrl+Hyper+A', /"Hyper" is not a key Electron knows/],
    ['Ctrl+F25', /"F25" is not a key/],
    ['Ctrl+Control+A', /Control appears twice/],
    ['Ctrl+é', /"é" is not a key/],
  ])('refuses %j with a message saying what to fix', (text, message) => {
    const result = parseAccelerator(text, 'linux');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });

  it.each(['A', 'Shift+A', 'Space', 'Shift+2', 'F5'])('refuses %s as a global shortcut: it would take over ordinary typing', (text) => {
    expect(canonical(text)).toMatch(/needs CommandOrControl, Alt or Super/);
  });

  it('refuses overlong text without echoing it whole', () => {
    const result = parseAccelerator(`Ctrl+${'A'.repeat(200)}`, 'linux');
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/longer than 100 characters/) });
  });

  it('does not put control characters into its messages', () => {
    const result = parseAccelerator('Ctrl+\u0007x', 'linux');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).not.toContain('\u0007');
  });
});

describe('formatAccelerator', () => {
  it('writes modifiers in canonical order whatever order they were given in', () => {
    expect(formatAccelerator({ modifiers: ['Shift', 'Alt', 'CommandOrControl'], key: 'K' })).toBe('CommandOrControl+Alt+Shift+K');
  });

  it('round-trips through parseAccelerator', () => {
    const parsed = parseAccelerator('shift+alt+cmdorctrl+k', 'linux');
    expect(parsed.ok && parseAccelerator(formatAccelerator(parsed.accelerator), 'linux')).toMatchObject({ ok: true, text: 'CommandOrControl+Alt+Shift+K' });
  });
});
