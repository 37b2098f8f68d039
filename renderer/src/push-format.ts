/**
 * How push sign-in data reads on screen: connection status, counts, times and outcomes.
 */
import type { PendingRequestView, PushAccountView, PushOutcome } from '../../common/api-contract';

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** A local time as HH:MM (24-hour), the same on every locale so it can be read and tested. */
export function formatHourMinute(ms: number): string {
  const date = new Date(ms);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A local time as HH:MM:SS, prefixed with the date (YYYY-MM-DD) unless it falls on the day of `todayMs`. */
export function formatMoment(ms: number, todayMs: number): string {
  const date = new Date(ms);
  const today = new Date(todayMs);
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  const sameDay =
    date.getFullYear() === today.getFullYear() && date.getMonth() === today.getMonth() && date.getDate() === today.getDate();
  return sameDay ? time : `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`;
}

/** The status line of a push account: "Connected", "Reconnecting…", "Offline · last contact 14:05" or "Offline". */
export function pushStatusText(account: Pick<PushAccountView, 'status' | 'lastContact'>): string {
  switch (account.status) {
    case 'connected':
      return 'Connected';
    case 'reconnecting':
      return 'Reconnecting…';
    case 'offline':
      return account.lastContact === null ? 'Offline' : `Offline · last contact ${formatHourMinute(account.lastContact)}`;
  }
}

/** "1 request waiting", "3 requests waiting". */
export function pendingBadgeText(count: number): string {
  return count === 1 ? '1 request waiting' : `${count} requests waiting`;
}

/** "1 sign-in request waiting", "2 sign-in requests waiting". */
export function waitingBannerText(count: number): string {
  return count === 1 ? '1 sign-in request waiting' : `${count} sign-in requests waiting`;
}

/** A history outcome in words. */
export function outcomeText(outcome: PushOutcome): string {
  switch (outcome) {
    case 'approved':
      return 'Approved';
    case 'denied':
      return 'Denied';
    case 'fraud':
      return 'Reported as not me';
    case 'expired':
      return 'Expired';
    case 'answered-elsewhere':
      return 'Answered elsewhere';
  }
}

/** "Issuer (account)", the name push rows and requests go by; either part alone when the other is empty. */
export function pushAccountName(item: Pick<PushAccountView, 'issuer' | 'account'>): string {
  if (item.issuer && item.account) return `${item.issuer} (${item.account})`;
  return item.issuer || item.account || 'Push account';
}

/** "Firefox on Linux", or whichever part is known. */
export function browserText(request: Pick<PendingRequestView, 'browser' | 'os'>): string {
  if (request.browser && request.os) return `${request.browser} on ${request.os}`;
  return request.browser || request.os || 'Unknown';
}

/** Whole seconds left before `expiresAt`, never negative; rounds up so "0 s" means expired. */
export function secondsLeft(expiresAt: number, nowMs: number): number {
  return Math.max(0, Math.ceil((expiresAt - nowMs) / 1000));
}
