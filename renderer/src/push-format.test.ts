import { describe, expect, it } from 'vitest';
import { formatHourMinute, formatMoment, outcomeText, pendingBadgeText, pushAccountName, pushStatusText, secondsLeft, waitingBannerText } from './push-format';

describe('push-format', () => {
  const at = new Date(2024, 4, 6, 9, 7, 3).getTime();

  it('words each connection status, with the last contact when offline', () => {
    expect(pushStatusText({ status: 'connected', lastContact: at })).toBe('Connected');
    expect(pushStatusText({ status: 'reconnecting', lastContact: null })).toBe('Reconnecting…');
    expect(pushStatusText({ status: 'offline', lastContact: at })).toBe('Offline · last contact 09:07');
    expect(pushStatusText({ status: 'offline', lastContact: null })).toBe('Offline');
  });

  it('counts waiting requests in words', () => {
    expect(pendingBadgeText(1)).toBe('1 request waiting');
    expect(pendingBadgeText(2)).toBe('2 requests waiting');
    expect(waitingBannerText(1)).toBe('1 sign-in request waiting');
    expect(waitingBannerText(3)).toBe('3 sign-in requests waiting');
  });

  it('shows the date only for another day', () => {
    expect(formatHourMinute(at)).toBe('09:07');
    expect(formatMoment(at, at + 60_000)).toBe('09:07:03');
    expect(formatMoment(at, at + 86_400_000)).toBe('2024-05-06 09:07:03');
  });

  it('names outcomes and accounts', () => {
    expect(outcomeText('fraud')).toBe('Reported as not me');
    expect(outcomeText('answered-elsewhere')).toBe('Answered elsewhere');
    expect(pushAccountName({ issuer: 'Example', account: 'alice' })).toBe('Example (alice)');
    expect(pushAccountName({ issuer: '', account: 'alice' })).toBe('alice');
  });

  it('rounds the countdown up and stops at zero', () => {
    expect(secondsLeft(10_000, 0)).toBe(10);
    expect(secondsLeft(10_000, 9_001)).toBe(1);
    expect(secondsLeft(10_000, 10_000)).toBe(0);
    expect(secondsLeft(10_000, 12_000)).toBe(0);
  });
});
