/**
 * The words of a sign-in request notification. No Electron import, so it is tested in Node.
 */
import type { PendingRequestView } from '../../common/api-contract';

/** Title and body for a request's notification: who is asking, from where. */
export function describeRequestNotification(view: PendingRequestView): { title: string; body: string } {
  const who = view.issuer ? `${view.issuer} (${view.account})` : view.account;
  const from = [view.application, [view.browser, view.os].filter(Boolean).join(' on '), view.location, view.ip]
    .filter((part) => part && part.trim() !== '')
    .join(' · ');
  return {
    title: `Sign-in request: ${who}`,
    body: view.numberMatching ? `${from}\nOpen Twofold and type the number shown on the sign-in page.` : from,
  };
}
