/**
 * HTTP calls to a push server: JSON in, JSON out, with the server's error answer parsed at the edge.
 */
import { MAX_MESSAGE_BYTES, PushErrorBodySchema, type PushErrorCode } from '../../../common/push-protocol';

/** How long one HTTP call to a push server may take. */
export const HTTP_TIMEOUT_MS = 10_000;
// A poll answer holds at most 100 requests of 16 KiB; anything larger is not a push server talking.
const MAX_RESPONSE_BYTES = 101 * MAX_MESSAGE_BYTES;

/** The outcome of one call: the server's JSON, a refusal with its error code, or no answer at all. */
export type PushHttpResult =
  | { kind: 'ok'; body: unknown }
  | { kind: 'refused'; status: number; error: PushErrorCode | null; message: string }
  | { kind: 'unreachable'; reason: string };

/** POSTs `body` as JSON to `url` and reads the answer. Never throws. */
export async function postJson(url: string, body: unknown): Promise<PushHttpResult> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      // A redirect could carry a signed message to another origin: the push server never redirects.
      redirect: 'error',
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
  } catch (error) {
    return { kind: 'unreachable', reason: describeFetchError(error) };
  }
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    return { kind: 'unreachable', reason: describeFetchError(error) };
  }
  if (text.length > MAX_RESPONSE_BYTES) return { kind: 'refused', status: response.status, error: null, message: 'The server answered with too much data.' };
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  if (response.ok) {
    if (json === null) return { kind: 'refused', status: response.status, error: null, message: 'The server answered with something that is not JSON.' };
    return { kind: 'ok', body: json };
  }
  const parsed = PushErrorBodySchema.safeParse(json);
  if (parsed.success) return { kind: 'refused', status: response.status, error: parsed.data.error, message: cleanServerText(parsed.data.message) };
  return { kind: 'refused', status: response.status, error: null, message: `The server answered HTTP ${response.status}.` };
}

/** A server's message, made safe to show: one line, printable, bounded. */
export function cleanServerText(text: string): string {
  const flat = text.replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]+/gu, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  // Undici's own refusals ("bad port") carry no code; their message names no data, only the rule.
  if (cause && typeof cause.message === 'string') return cleanServerText(cause.message).slice(0, 60);
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  return error instanceof Error ? error.name : 'unknown error';
}
