/**
 * Decides whether an IPC message comes from the app's own page. Pure (no Electron import), so
 * the rule is unit-tested in Node; ipc.ts feeds it the facts about the sending frame.
 */
import { APP_HOST, APP_SCHEME } from './app-request';

/** What we know about the frame that sent a message. */
export interface SenderFrameFacts {
  url: string;
  processId: number;
  routingId: number;
  /** True when the frame has no parent (it is a top-level frame, not an iframe). */
  isTopLevel: boolean;
}

/** The main frame of the app's window: the only frame allowed to call the API. */
export interface TrustedFrameId {
  processId: number;
  routingId: number;
}

/** True when `url` is a page of the app itself (app://twofold/...), with no port or credentials. */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/**
 * True only when the sender is the main window's top-level frame and shows an app:// page.
 * A missing frame (navigated away or destroyed) or a missing window is never trusted.
 */
export function isTrustedSender(sender: SenderFrameFacts | null, trusted: TrustedFrameId | null): boolean {
  if (!sender || !trusted) return false;
  if (!sender.isTopLevel) return false;
  if (sender.processId !== trusted.processId || sender.routingId !== trusted.routingId) return false;
  return isAppUrl(sender.url);
}
