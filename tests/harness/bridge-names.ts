/** Names shared by the bridge (Node side) and the page script it injects. */

/** The Playwright binding that carries one contract channel. */
export function bindingName(channel: string): string {
  return `__twofold_${channel.replace(/[^A-Za-z0-9]/g, '_')}`;
}

/** The page function through which the bridge delivers core events. */
export const EMIT_FUNCTION = '__twofoldEmit';
