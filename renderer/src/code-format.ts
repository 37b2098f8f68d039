/**
 * How codes are shown: split into two groups so they are easy to read and type.
 */

/** Splits a code into its display groups: 3+3 for 6 digits, 3+4 for 7, 4+4 for 8; other lengths halve. */
export function groupCode(code: string): [string, string] {
  const head = Math.floor(code.length / 2);
  return [code.slice(0, head), code.slice(head)];
}

/** A code as displayed, with one space between its groups ("123 456"). */
export function formatCode(code: string): string {
  return groupCode(code).filter((part) => part.length > 0).join(' ');
}

/** Placeholder shown while a row's code has not arrived yet, shaped like a code of `digits` digits. */
export function placeholderCode(digits: number): string {
  return formatCode('•'.repeat(Math.max(1, Math.min(digits, 10))));
}
