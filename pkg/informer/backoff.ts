/**
 * The reflector's retry backoff (client-go's exponential backoff manager): waits start at
 * `initialMs` and double up to `maxMs`; each wait is jittered downwards by up to `jitter` of
 * itself so many clients restarting together spread out; after `resetAfterMs` without a failure
 * the next wait starts from `initialMs` again.
 */
import type { Clock } from '../util/clock/clock';

/** Tuning of a Backoff; the defaults are client-go's reflector values. */
export interface BackoffOptions {
  /** First wait (default 800 ms). */
  initialMs: number;
  /** Longest wait (default 30 s). */
  maxMs: number;
  /** Growth per consecutive failure (default 2). */
  factor: number;
  /** Fraction in [0, 1): each wait is in [d·(1−jitter), d] (default 0.2). */
  jitter: number;
  /** A run this long since the last wait ended counts as healthy (default 2 min). */
  resetAfterMs: number;
}

/** client-go's reflector backoff: 0.8 s doubling to 30 s, reset after 2 min healthy. */
export const defaultBackoff: BackoffOptions = {
  initialMs: 800,
  maxMs: 30_000,
  factor: 2,
  jitter: 0.2,
  resetAfterMs: 120_000,
};

/** Consecutive-failure backoff driven by an injected clock. Not shared between loops. */
export class Backoff {
  private readonly opts: BackoffOptions;
  private current: number;
  /** When the last wait ended (or will end); undefined before the first failure. */
  private lastEnd: number | undefined;

  constructor(
    private readonly clock: Clock,
    opts: Partial<BackoffOptions> = {},
    private readonly random: () => number = Math.random,
  ) {
    this.opts = { ...defaultBackoff, ...opts };
    this.current = this.opts.initialMs;
  }

  /** The next wait in ms, advancing the sequence (restarted first if the run was healthy). */
  next(): number {
    const now = this.clock.now();
    if (this.lastEnd !== undefined && now - this.lastEnd >= this.opts.resetAfterMs) this.current = this.opts.initialMs;
    const base = Math.min(this.current, this.opts.maxMs);
    this.current = Math.min(base * this.opts.factor, this.opts.maxMs);
    const wait = Math.round(base * (1 - this.opts.jitter * this.random()));
    this.lastEnd = now + wait;
    return wait;
  }

  /** Sleeps for next() ms on the clock; resolves early (never rejects) when `signal` aborts. */
  wait(signal: AbortSignal): Promise<void> {
    return sleep(this.clock, this.next(), signal);
  }
}

/** Resolves after `ms` on `clock`, or as soon as `signal` aborts. Never rejects. */
export function sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clock.clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
