/**
 * Electron accelerator strings ("CommandOrControl+Shift+2"): parsing, validation and a canonical
 * spelling, for the user-configurable quick-search shortcut.
 *
 * The grammar is Electron's (docs/api/accelerator.md, parsed case-insensitively by
 * shell/common/keyboard_util.cc): modifiers joined by `+`, then exactly one key code. On top of it
 * this module adds the rules a *global* shortcut needs: at least one modifier other than Shift
 * (a bare key or Shift+key would swallow ordinary typing in every other app), except for F13–F24,
 * which no keyboard types text with.
 *
 * Pure TypeScript with no imports, so it can move to common/ when the contract validates the setting.
 */

/** A modifier, in Electron's canonical spelling. */
export type AcceleratorModifier = 'CommandOrControl' | 'Command' | 'Control' | 'Alt' | 'AltGr' | 'Shift' | 'Super';

/** A parsed accelerator: its modifiers (canonical order, no repeats) and its one key. */
export interface Accelerator {
  modifiers: AcceleratorModifier[];
  /** The key code in canonical spelling, e.g. `A`, `2`, `F5`, `Space`, `Plus`, `num0`. */
  key: string;
}

/** The outcome of parsing: the accelerator and its canonical text, or a message saying what to fix. */
export type AcceleratorResult = { ok: true; accelerator: Accelerator; text: string } | { ok: false; message: string };

/** Longest accelerator text accepted (the longest valid one is well under this). */
export const ACCELERATOR_MAX_CHARS = 100;

const MODIFIER_ORDER: readonly AcceleratorModifier[] = ['CommandOrControl', 'Command', 'Control', 'Alt', 'AltGr', 'Shift', 'Super'];

const MODIFIER_ALIASES: Readonly<Record<string, AcceleratorModifier>> = {
  commandorcontrol: 'CommandOrControl',
  cmdorctrl: 'CommandOrControl',
  command: 'Command',
  cmd: 'Command',
  control: 'Control',
  ctrl: 'Control',
  alt: 'Alt',
  // Option is the Mac's name for Alt, and Meta another name for Super; Electron treats them the same.
  option: 'Alt',
  altgr: 'AltGr',
  shift: 'Shift',
  super: 'Super',
  meta: 'Super',
};

const NAMED_KEYS: readonly string[] = [
  'Plus', 'Space', 'Tab', 'Capslock', 'Numlock', 'Scrolllock', 'Backspace', 'Delete', 'Insert', 'Return',
  'Up', 'Down', 'Left', 'Right', 'Home', 'End', 'PageUp', 'PageDown', 'Escape',
  'VolumeUp', 'VolumeDown', 'VolumeMute', 'MediaNextTrack', 'MediaPreviousTrack', 'MediaStop', 'MediaPlayPause', 'PrintScreen',
  'num0', 'num1', 'num2', 'num3', 'num4', 'num5', 'num6', 'num7', 'num8', 'num9', 'numdec', 'numadd', 'numsub', 'nummult', 'numdiv',
];
const NAMED_KEY_BY_LOWER: ReadonlyMap<string, string> = new Map([
  ...NAMED_KEYS.map((k): [string, string] => [k.toLowerCase(), k]),
  // Electron's aliases, stored under one spelling.
  ['enter', 'Return'],
  ['esc', 'Escape'],
]);

// The punctuation Electron maps to a key code (keyboard_util.cc KeyboardCodeFromCharCode); `+` is spelt "Plus".
const PUNCTUATION = new Set([...')!@#$%^&*(:;=<,_->.?/~`{]}[|\\"\'']);


function canonicalKey(token: string): string | null {
  if (token.length === 1) {
    if (/^[a-z0-9]$/i.test(token)) return token.toUpperCase();
    return PUNCTUATION.has(token) ? token : null;
  }
  const f = /^f([1-9]|1[0-9]|2[0-4])$/i.exec(token);
  if (f) return `F${f[1]}`;
  return NAMED_KEY_BY_LOWER.get(token.toLowerCase()) ?? null;
}

function quoteToken(token: string): string {
  const short = token.length > 20 ? `${token.slice(0, 20)}…` : token;
  // eslint-disable-next-line no-control-regex -- control characters must not reach a message
  return `"${short.replace(/[\u0000-\u001f\u007f]/g, '?')}"`;
}

/**
 * Parses `text` as a global-shortcut accelerator for `platform` (a Node platform name).
 * Accepts Electron's spellings in any case, with spaces around `+`; returns the canonical text.
 */
export function parseAccelerator(text: string, platform: string): AcceleratorResult {
  const fail = (message: string): AcceleratorResult => ({ ok: false, message });
  if (text.trim() === '') return fail('The shortcut is empty. Press the keys you want, for example CommandOrControl+Shift+2.');
  if (text.length > ACCELERATOR_MAX_CHARS) return fail(`The shortcut is longer than ${ACCELERATOR_MAX_CHARS} characters. Use modifiers and one key, for example CommandOrControl+Shift+2.`);
  const tokens = text.split('+').map((t) => t.trim());
  if (tokens.some((t) => t === '')) {
    return fail('The shortcut has an empty part between two "+" signs. Write the + key as "Plus", for example CommandOrControl+Plus.');
  }
  const modifiers = new Set<AcceleratorModifier>();
  let key: string | null = null;
  for (const token of tokens) {
    const modifier = MODIFIER_ALIASES[token.toLowerCase()];
    if (modifier) {
      if (key !== null) return fail(`Modifiers come before the key: move ${quoteToken(token)} in front of ${quoteToken(key)}.`);
      if (modifiers.has(modifier)) return fail(`${modifier} appears twice in the shortcut. List each modifier once.`);
      modifiers.add(modifier);
      continue;
    }
    const canonical = canonicalKey(token);
    if (canonical === null) {
      return fail(`${quoteToken(token)} is not a key Electron knows. Use a letter, a digit, F1–F24 or a key name such as Space, Up or PageDown.`);
    }
    if (key !== null) return fail(`The shortcut has two keys (${quoteToken(key)} and ${quoteToken(canonical)}). Use modifiers and exactly one key.`);
    key = canonical;
  }
  if (key === null) return fail('The shortcut has only modifiers. Add one key, for example CommandOrControl+Shift+2.');
  // Elsewhere Electron ignores Command, so the shortcut would fire on the rest alone.
  if (platform !== 'darwin' && modifiers.has('Command')) {
    return fail('Command exists only on a Mac keyboard. Use CommandOrControl, which is Control on Windows and Linux.');
  }
  const strong = [...modifiers].some((m) => m !== 'Shift');
  const spareFunctionKey = /^F(1[3-9]|2[0-4])$/.test(key);
  if (!strong && !spareFunctionKey) {
    return fail('A global shortcut needs CommandOrControl, Alt or Super as well, or it would take over ordinary typing in every other app.');
  }
  const ordered = MODIFIER_ORDER.filter((m) => modifiers.has(m));
  return { ok: true, accelerator: { modifiers: ordered, key }, text: [...ordered, key].join('+') };
}

/** Formats a parsed accelerator in Electron's canonical spelling. */
export function formatAccelerator(accelerator: Accelerator): string {
  return [...MODIFIER_ORDER.filter((m) => accelerator.modifiers.includes(m)), accelerator.key].join('+');
}
