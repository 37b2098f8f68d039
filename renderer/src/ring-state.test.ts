import { describe, expect, it } from 'vitest';
import type { CodeView } from '../../common/api-contract';
import { RING_CIRCUMFERENCE, ringState } from './ring-state';

const totp = (secondsLeft: number, period = 30): CodeView => ({
  id: 'a',
  code: '123456',
  nextCode: null,
  secondsLeft,
  period,
  counter: null,
});

describe('ringState', () => {
  it('draws a full ring with the whole period left', () => {
    expect(ringState(totp(30))).toEqual({ dashOffset: '0', seconds: '30', low: false });
  });
  it('draws the part of the period left and its seconds', () => {
    const ring = ringState(totp(15));
    expect(Number(ring?.dashOffset)).toBeCloseTo(RING_CIRCUMFERENCE / 2);
    expect(ring?.seconds).toBe('15');
  });
  it('turns to the warning colour in the last 5 seconds', () => {
    expect(ringState(totp(6))?.low).toBe(false);
    expect(ringState(totp(5))?.low).toBe(true);
  });
  it('shows no ring for HOTP codes or codes not yet loaded', () => {
    expect(ringState(undefined)).toBeNull();
    expect(ringState({ id: 'h', code: '123456', nextCode: null, secondsLeft: null, period: null, counter: 3 })).toBeNull();
  });
});
