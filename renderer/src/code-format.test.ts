import { describe, expect, it } from 'vitest';
import { formatCode, groupCode, placeholderCode } from './code-format';

describe('formatCode', () => {
  it('groups 6-digit codes as 3+3', () => {
    expect(formatCode('123456')).toBe('123 456');
  });
  it('groups 7-digit codes as 3+4', () => {
    expect(groupCode('1234567')).toEqual(['123', '4567']);
  });
  it('groups 8-digit codes as 4+4', () => {
    expect(formatCode('12345678')).toBe('1234 5678');
  });
  it('shows a placeholder shaped like the code', () => {
    expect(placeholderCode(6)).toBe('••• •••');
  });
});
