/**
 * Reconnection delays: capped exponential backoff with full jitter, so a fleet of devices that lost
 * the server at the same moment does not come back at the same moment.
 */

/** Backoff bounds in milliseconds. */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/** Default bounds from docs/push-protocol.md: 0.5 s up to 30 s. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

/** Capped exponential backoff with full jitter: attempt n waits uniformly in [0, min(max, initial·2ⁿ)]. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly options: BackoffOptions,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt; each call doubles the cap until maxMs. */
  next(): number {
    const cap = Math.min(this.options.maxMs, this.options.initialMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    return Math.floor(this.random() * cap);
  }

  /** The longest delay, for a server that refused us: retrying sooner would only hammer it. */
  max(): number {
    return this.options.maxMs;
  }

  /** Starts over after a successful connection. */
  reset(): void {
    this.attempt = 0;
  }

  /** Consecutive attempts since the last reset. */
  get failures(): number {
    return this.attempt;
  }
}
