/**
 * The only place that touches ipcMain. Every contract call gets one handler that drops messages
 * from any frame other than the app's own page, then hands the raw input to the core's dispatch
 * (which parses it with the contract's schema). Events go the other way through forwardEvents.
 */
import { ipcMain, type IpcMainInvokeEvent, type WebContents, type WebFrameMain } from 'electron';
import { eventChannel, listCalls } from '../../common/api-contract';
import type { Envelope } from '../../common/api-bridge';
import type { Dispatch } from '../core/api-dispatch';
import type { Core } from '../core/core';
import { isTrustedSender, type SenderFrameFacts, type TrustedFrameId } from './sender-check';

/** Returns the main frame of the app window, or null when there is no window. */
export type TrustedFrameSource = () => TrustedFrameId | null;

const REFUSED: Envelope = {
  ok: false,
  error: { code: 'INPUT_INVALID', message: 'This call was refused because it did not come from the Twofold window.' },
};

/** The facts sender-check needs about a frame, read from Electron's WebFrameMain. */
export function describeFrame(frame: WebFrameMain | null): SenderFrameFacts | null {
  if (!frame || frame.isDestroyed()) return null;
  return { url: frame.url, processId: frame.processId, routingId: frame.routingId, isTopLevel: frame.parent === null };
}

/** The identity of a window's main frame, for comparison with senders. */
export function frameId(contents: WebContents | null | undefined): TrustedFrameId | null {
  if (!contents || contents.isDestroyed()) return null;
  const frame = contents.mainFrame;
  return { processId: frame.processId, routingId: frame.routingId };
}

/**
 * Registers one ipcMain.handle per contract call. Returns a function that removes them all.
 * Untrusted senders get a refusal envelope and never reach the core.
 */
export function registerApi(dispatch: Dispatch, trustedFrame: TrustedFrameSource, log: (line: string) => void): () => void {
  const channels = listCalls().map((entry) => entry.channel);
  for (const channel of channels) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, input: unknown): Promise<Envelope> => {
      if (!isTrustedSender(describeFrame(event.senderFrame), trustedFrame())) {
        log(`ipc: refused ${channel} from an untrusted frame`);
        return REFUSED;
      }
      return dispatch(channel, input);
    });
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

/**
 * Removes listeners that libraries add to ipcMain on their own (electron-store answers
 * `electron-store-get-data` with the userData path), so the contract stays the only IPC surface.
 */
export function closeForeignChannels(channels: readonly string[]): void {
  for (const channel of channels) ipcMain.removeAllListeners(channel);
}

/** Sends every core event to `contents` on its contract channel. Returns a function that stops it. */
export function forwardEvents(core: Pick<Core, 'onEvent'>, contents: WebContents): () => void {
  const stop = core.onEvent((name, payload) => {
    if (!contents.isDestroyed()) contents.send(eventChannel(name), payload);
  });
  contents.once('destroyed', stop);
  return stop;
}
