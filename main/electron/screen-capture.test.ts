import { describe, expect, it } from 'vitest';
import { captureSize } from './screen-capture';

describe('captureSize', () => {
  it('covers the largest display at its physical resolution', () => {
    expect(
      captureSize([
        { size: { width: 1440, height: 900 }, scaleFactor: 2 },
        { size: { width: 2560, height: 1440 }, scaleFactor: 1 },
      ]),
    ).toEqual({ width: 2880, height: 1800 });
  });

  it('still asks for a 1×1 image when no display is reported', () => {
    expect(captureSize([])).toEqual({ width: 1, height: 1 });
  });
});
