/**
 * Shows an OS notification for each new sign-in request and brings the window to the front.
 * Clicking the notification opens the approval; on macOS it also offers Approve and Deny actions
 * (Approve opens the approval, because the number must be typed there; Deny denies at once).
 */
import { Notification, type BrowserWindow } from 'electron';
import type { PendingRequestView } from '../../common/api-contract';
import type { Core } from '../core/core';
import { describeRequestNotification } from './push-notification-text';

/** Subscribes to the core's push requests; returns the unsubscriber. */
export function notifyPushRequests(core: Pick<Core, 'onEvent' | 'api'>, window: () => BrowserWindow | null, log: (line: string) => void): () => void {
  const bringToFront = (): void => {
    const w = window();
    if (!w) return;
    if (w.isMinimized()) w.restore();
    w.show();
    w.focus();
    // Where the window manager refuses focus stealing, at least ask for attention.
    w.flashFrame(true);
  };
  return core.onEvent((name, payload) => {
    if (name !== 'pushRequest') return;
    const view = payload as PendingRequestView;
    bringToFront();
    if (!Notification.isSupported()) return;
    const text = describeRequestNotification(view);
    const notification = new Notification({
      title: text.title,
      body: text.body,
      urgency: 'critical',
      timeoutType: 'never',
      // Actions exist on macOS only; elsewhere the click opens the approval.
      actions: process.platform === 'darwin' ? [{ type: 'button', text: 'Approve…' }, { type: 'button', text: 'Deny' }] : [],
    });
    notification.on('click', bringToFront);
    notification.on('action', (_event, index) => {
      if (index === 0) {
        bringToFront();
        return;
      }
      core.api.push.decide({ requestId: view.id, decision: 'deny', reason: 'cancelled' }).catch((error: unknown) => {
        log(`deny from notification failed: ${error instanceof Error ? error.name : 'unknown'}`);
      });
    });
    notification.show();
  });
}
