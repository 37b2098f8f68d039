/**
 * `twofold push ...`: push sign-in from the terminal, through the same core as the app.
 *
 *   push enroll <uri>               enroll this vault for push sign-in from a twofold://enroll link
 *   push pending                    list the sign-in requests waiting for an answer
 *   push approve <id> --number NN   approve one (NN: the number shown on the sign-in page)
 *   push deny <id> [--not-me]       deny one; --not-me reports it as fraud
 *   push listen                     print each request as it arrives, until Ctrl+C
 *
 * A request id may be shortened to any unique prefix of at least 4 characters.
 */
import { TwofoldError } from '../../common/errors';
import type { PendingRequestView } from '../../common/api-contract';
import type { Core } from '../core/core';

/** Usage lines for the push commands, for the CLI's help text. */
export const PUSH_USAGE = `  push enroll <uri>     Enroll for push sign-in from a twofold://enroll?... link
  push pending          List sign-in requests waiting for an answer
  push approve <id> --number NN
                        Approve a request (NN: the number shown on the sign-in page)
  push deny <id> [--not-me]
                        Deny a request; --not-me reports it as an attempt that wasn't you
  push listen           Print each sign-in request as it arrives, until Ctrl+C`;

/** What a push command needs from the CLI. */
export interface PushCommandContext {
  core: Core;
  out(line: string): void;
  err(line: string): void;
  /** Unlocks the vault (asking for the passphrase if needed). */
  unlock(): Promise<void>;
  /** Resolves when the user interrupts (SIGINT); ends `push listen`. */
  untilInterrupted(): Promise<void>;
  /** Now in ms, for "expires in". */
  now(): number;
}

/** The push command's own options. */
export interface PushOptions {
  number?: string | undefined;
  notMe?: boolean | undefined;
}

/** A usage mistake: the CLI prints it with the help text and exits 2. */
export class PushUsageError extends Error {}

/** Runs `twofold push <subcommand> ...` and returns the exit code. */
export async function runPushCommand(args: string[], options: PushOptions, ctx: PushCommandContext): Promise<number> {
  const [sub, ...rest] = args;
  const expect = (count: number, what: string) => {
    if (rest.length !== count) throw new PushUsageError(what);
  };
  if (options.number !== undefined && sub !== 'approve') throw new PushUsageError('--number applies only to push approve.');
  if (options.notMe && sub !== 'deny') throw new PushUsageError('--not-me applies only to push deny.');
  switch (sub) {
    case 'enroll':
      expect(1, 'push enroll takes exactly one twofold://enroll link (quote it in the shell).');
      return enroll(ctx, rest[0]!);
    case 'pending':
      expect(0, 'push pending takes no arguments.');
      return pending(ctx);
    case 'approve':
      expect(1, 'push approve takes exactly one request id.');
      return approve(ctx, rest[0]!, options.number);
    case 'deny':
      expect(1, 'push deny takes exactly one request id.');
      return deny(ctx, rest[0]!, options.notMe ?? false);
    case 'listen':
      expect(0, 'push listen takes no arguments.');
      return listen(ctx);
    case undefined:
      throw new PushUsageError('push needs a subcommand: enroll, pending, approve, deny or listen.');
    default:
      throw new PushUsageError(`unknown push subcommand '${sub}'.`);
  }
}

async function enroll(ctx: PushCommandContext, uri: string): Promise<number> {
  await ctx.unlock();
  const account = await ctx.core.api.push.enroll({ uri: uri.trim() });
  ctx.out(`Enrolled for push sign-in: ${account.issuer ? `${account.issuer} ` : ''}(${account.account}) at ${account.server}`);
  return 0;
}

/** Unlocks, waits for every account's first connect and poll, and warns about the ones that failed. */
async function sync(ctx: PushCommandContext): Promise<number> {
  await ctx.unlock();
  await ctx.core.pushSynced();
  const accounts = await ctx.core.api.push.accounts({});
  for (const a of accounts) {
    if (a.status !== 'connected') ctx.err(`twofold: ${a.issuer || a.server} (${a.account}) is ${a.status}; requests shown may be incomplete.`);
  }
  return accounts.length;
}

async function pending(ctx: PushCommandContext): Promise<number> {
  const accounts = await sync(ctx);
  if (accounts === 0) {
    ctx.err('No push accounts are enrolled. Enroll one with `twofold push enroll <uri>`.');
    return 0;
  }
  const requests = await ctx.core.api.push.pending({});
  for (const r of requests) ctx.out(formatRequest(r, ctx.now()));
  if (requests.length === 0) ctx.err('No sign-in requests are waiting.');
  return 0;
}

async function approve(ctx: PushCommandContext, id: string, numberText: string | undefined): Promise<number> {
  let number: number | null = null;
  if (numberText !== undefined) {
    if (!/^\d{1,2}$/.test(numberText.trim())) throw new PushUsageError('--number takes the 2-digit number shown on the sign-in page, e.g. --number 42.');
    number = Number(numberText.trim());
  }
  await sync(ctx);
  const request = pickRequest(await ctx.core.api.push.pending({}), id);
  if (request.numberMatching && number === null) {
    throw new TwofoldError('INPUT_INVALID', 'This sign-in asks for the number shown on the sign-in page. Run again with --number NN.', 'number');
  }
  await ctx.core.api.push.decide({ requestId: request.id, decision: 'approve', number });
  ctx.out(`Approved the sign-in to ${describe(request)}.`);
  return 0;
}

async function deny(ctx: PushCommandContext, id: string, notMe: boolean): Promise<number> {
  await sync(ctx);
  const request = pickRequest(await ctx.core.api.push.pending({}), id);
  await ctx.core.api.push.decide({ requestId: request.id, decision: 'deny', reason: notMe ? 'not-me' : 'cancelled' });
  ctx.out(notMe ? `Denied the sign-in to ${describe(request)} and reported it as not you.` : `Denied the sign-in to ${describe(request)}.`);
  return 0;
}

async function listen(ctx: PushCommandContext): Promise<number> {
  const printed = new Set<string>();
  const print = (r: PendingRequestView) => {
    if (printed.has(r.id)) return;
    printed.add(r.id);
    ctx.out(formatRequest(r, ctx.now()));
  };
  // Subscribed before unlocking, so a request arriving during the first poll is not missed.
  let live = false;
  const early: PendingRequestView[] = [];
  const unsubscribe = ctx.core.onEvent((name, payload) => {
    if (name !== 'pushRequest') return;
    const request = payload as PendingRequestView;
    if (live) print(request);
    else early.push(request);
  });
  try {
    const accounts = await sync(ctx);
    if (accounts === 0) throw new TwofoldError('INPUT_INVALID', 'No push accounts are enrolled. Enroll one with `twofold push enroll <uri>`.');
    for (const r of await ctx.core.api.push.pending({})) print(r);
    for (const r of early) print(r);
    live = true;
    ctx.err(`Listening for sign-in requests on ${accounts} account${accounts === 1 ? '' : 's'}. Press Ctrl+C to stop.`);
    await ctx.untilInterrupted();
    return 0;
  } finally {
    unsubscribe();
  }
}

/** One request on one line, tab-separated: id, account, application, browser, ip, location, expires in. */
export function formatRequest(r: PendingRequestView, now: number): string {
  const seconds = Math.max(0, Math.ceil((r.expiresAt - now) / 1000));
  return [r.id, describe(r), r.application, `${r.browser} on ${r.os}`, r.ip, r.location, `expires in ${seconds}s`].map(oneLine).join('\t');
}

/** Finds a pending request by id or unique prefix (4+ characters). */
export function pickRequest(requests: PendingRequestView[], id: string): PendingRequestView {
  const exact = requests.find((r) => r.id === id);
  if (exact) return exact;
  const matches = id.length >= 4 ? requests.filter((r) => r.id.startsWith(id)) : [];
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) throw new TwofoldError('INPUT_INVALID', `'${oneLine(id)}' matches ${matches.length} requests. Give more of the id.`);
  throw new TwofoldError(
    'PUSH_REQUEST_NOT_FOUND',
    `No sign-in request '${oneLine(id)}' is waiting. It may have been answered or expired; see \`twofold push pending\`.`,
  );
}

function describe(r: Pick<PendingRequestView, 'issuer' | 'account'>): string {
  return r.issuer ? `${r.issuer}:${r.account}` : r.account;
}

// Server-supplied text must not move the cursor, clear the screen or forge extra columns and lines.
function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\u202a-\u202e\u2066-\u2069]+/gu, ' ');
}
