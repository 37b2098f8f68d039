/**
 * The tray (menubar on macOS) menu as data: what it shows for a vault state, pinned accounts' codes
 * and the number of sign-in requests waiting. main/electron/tray.ts turns it into a native menu.
 *
 * Codes appear only while the vault is unlocked. A click on a code asks the core to copy the code
 * current at that moment, so a label a few seconds old never puts a stale code on the clipboard.
 */

/** A pinned account as the tray needs it. */
export interface TrayAccount {
  id: string;
  issuer: string;
  label: string;
  /** The current code, digits only. */
  code: string;
  /** TOTP: seconds until the code changes; null for HOTP. */
  secondsLeft: number | null;
}

/** Where the vault stands (the contract's VaultStatus state). Codes show only when 'unlocked'. */
export type TrayVaultState = 'absent' | 'locked' | 'unlocked' | 'damaged';

/** Everything the tray shows. */
export interface TrayState {
  vault: TrayVaultState;
  /** Pinned accounts in the user's order (ignored unless unlocked). */
  pinned: readonly TrayAccount[];
  /** Sign-in requests waiting for an answer. */
  pendingRequests: number;
}

/** What a tray item does when clicked. */
export type TrayActionId = `copy-code:${string}` | 'review-requests' | 'lock' | 'open' | 'quit';

/** A parsed TrayActionId. */
export type TrayAction =
  | { kind: 'copy-code'; accountId: string }
  | { kind: 'review-requests' }
  | { kind: 'lock' }
  | { kind: 'open' }
  | { kind: 'quit' };

/** One entry of the tray menu. Labels are plain text; the adapter escapes them for Electron. */
export type TrayMenuItem =
  | { type: 'item'; label: string; enabled: boolean; action: TrayActionId | null }
  | { type: 'separator' };

/** The tray's menu, its tooltip, and a short title (shown next to the icon on macOS only). */
export interface TrayModel {
  items: TrayMenuItem[];
  tooltip: string;
  /** The number of requests waiting, or '' when none. */
  title: string;
}

/** Most pinned accounts listed; a tray menu taller than the screen helps nobody. */
export const TRAY_MAX_ACCOUNTS = 10;
/** From this many seconds left, a code's label says it is about to change. */
export const TRAY_EXPIRING_SECONDS = 5;

/** "123 456" for 6 digits, "123 4567" for 7, "1234 5678" for 8: the grouping of the main window (renderer/src/code-format.ts). */
export function groupCode(code: string): string {
  const split = Math.floor(code.length / 2);
  return [code.slice(0, split), code.slice(split)].filter((part) => part.length > 0).join(' ');
}

/** "2 sign-in requests waiting". */
export function pendingRequestsText(count: number): string {
  return `${count} sign-in ${count === 1 ? 'request' : 'requests'} waiting`;
}

// What the tray says, and offers, while there are no codes to show.
const CLOSED_VAULT: Record<Exclude<TrayVaultState, 'unlocked'>, [note: string, open: string]> = {
  locked: ['Twofold is locked', 'Unlock Twofold…'],
  absent: ['Twofold is not set up yet', 'Set up Twofold…'],
  damaged: ["Twofold's vault can't be opened", 'Open Twofold to repair…'],
};

const TOOLTIP_STATUS: Record<TrayVaultState, string> = { locked: 'locked', unlocked: 'unlocked', absent: 'not set up', damaged: 'vault damaged' };

/** Longest account name in the menu; names can be 200 characters, and a menu that wide hides the codes. */
export const TRAY_NAME_MAX_CHARS = 40;

function accountName(account: TrayAccount): string {
  const issuer = account.issuer.trim();
  const label = account.label.trim();
  const name = issuer === '' ? label : label === '' ? issuer : `${issuer} (${label})`;
  const chars = [...name];
  return chars.length > TRAY_NAME_MAX_CHARS ? `${chars.slice(0, TRAY_NAME_MAX_CHARS - 1).join('')}…` : name;
}

function codeItem(account: TrayAccount): TrayMenuItem {
  const expiring = account.secondsLeft !== null && account.secondsLeft <= TRAY_EXPIRING_SECONDS;
  const suffix = expiring ? ` · ${account.secondsLeft} s` : '';
  return { type: 'item', label: `${accountName(account)}   ${groupCode(account.code)}${suffix}`, enabled: true, action: `copy-code:${account.id}` };
}

/** Builds the tray menu for `state`. */
export function buildTrayModel(state: TrayState): TrayModel {
  const pending = Math.max(0, Math.floor(state.pendingRequests));
  const items: TrayMenuItem[] = [];
  if (pending > 0) {
    items.push({ type: 'item', label: pendingRequestsText(pending), enabled: true, action: 'review-requests' }, { type: 'separator' });
  }
  if (state.vault !== 'unlocked') {
    const [note, open] = CLOSED_VAULT[state.vault];
    items.push({ type: 'item', label: note, enabled: false, action: null });
    items.push({ type: 'item', label: open, enabled: true, action: 'open' });
  } else {
    const shown = state.pinned.slice(0, TRAY_MAX_ACCOUNTS);
    if (shown.length === 0) {
      items.push({ type: 'item', label: 'No pinned accounts. Pin one to see its code here.', enabled: false, action: null });
    } else {
      items.push({ type: 'item', label: 'Click a code to copy it', enabled: false, action: null });
      items.push(...shown.map(codeItem));
      const hidden = state.pinned.length - shown.length;
      if (hidden > 0) items.push({ type: 'item', label: `${hidden} more pinned ${hidden === 1 ? 'account' : 'accounts'}: open Twofold`, enabled: true, action: 'open' });
    }
    items.push({ type: 'separator' }, { type: 'item', label: 'Open Twofold', enabled: true, action: 'open' });
    items.push({ type: 'item', label: 'Lock now', enabled: true, action: 'lock' });
  }
  items.push({ type: 'separator' }, { type: 'item', label: 'Quit Twofold', enabled: true, action: 'quit' });
  const status = TOOLTIP_STATUS[state.vault];
  const tooltip = pending > 0 ? `Twofold (${status}): ${pendingRequestsText(pending)}` : `Twofold (${status})`;
  return { items, tooltip, title: pending > 0 ? String(pending) : '' };
}

/** Reads a TrayActionId back; null for anything else (menu ids come back from native code as strings). */
export function parseTrayAction(id: string): TrayAction | null {
  if (id === 'review-requests' || id === 'lock' || id === 'open' || id === 'quit') return { kind: id };
  if (id.startsWith('copy-code:') && id.length > 'copy-code:'.length) return { kind: 'copy-code', accountId: id.slice('copy-code:'.length) };
  return null;
}

/** Escapes text for an Electron menu label: a single `&` marks a mnemonic and would vanish, `&&` shows one. */
export function escapeMenuLabel(text: string): string {
  return text.replaceAll('&', '&&');
}
