/**
 * Retry until success (apimachinery's ExponentialBackoff / client-go's retry.OnError): call
 * `fn`; when it fails with a retryable error, wait the backoff's next delay and call it again.
 * Ends when `fn` succeeds (its value), when the signal aborts (undefined, quietly: a stopping
 * component is not an error), or with `fn`'s last error when that error is not retryable or the
 * backoff's steps are exhausted.
 */
import { type Clock, realClock } from '../clock/clock';
import { Backoff, type BackoffParams } from './backoff';
import { sleep } from './sleep';

/** How backoffUntil retries. */
export interface BackoffUntilOptions {
  /** The delays between tries; a fresh Backoff of these params per call. */
  backoff: Partial<BackoffParams>;
  /** Stops the retries (checked before each try and cuts a wait short). */
  signal?: AbortSignal;
  clock?: Clock;
  /** Draws the backoff's jitter (default Math.random). */
  random?: () => number;
  /** Whether an error is worth another try (default: every error is). */
  retryable?(err: unknown): boolean;
  /** Called for each failure that will be retried, with the wait before the next try (logging, cleanup). */
  onRetry?(err: unknown, retryInMs: number): void;
}

/** With a signal: fn's value, or undefined when the signal aborted first. */
export function backoffUntil<T>(
  fn: () => Promise<T>,
  opts: BackoffUntilOptions & { signal: AbortSignal },
): Promise<T | undefined>;
/** Without a signal: fn's value, or fn's last error. */
export function backoffUntil<T>(fn: () => Promise<T>, opts: BackoffUntilOptions & { signal?: undefined }): Promise<T>;
/** Calls `fn` until it succeeds; see the file comment for how it ends. */
export async function backoffUntil<T>(fn: () => Promise<T>, opts: BackoffUntilOptions): Promise<T | undefined> {
  const { signal, clock = realClock, retryable = () => true } = opts;
  const backoff = new Backoff(opts.backoff, opts.random);
  while (!signal?.aborted) {
    try {
      return await fn();
    } catch (err) {
      if (signal?.aborted) return undefined;
      const delay = retryable(err) ? backoff.step() : undefined;
      if (delay === undefined) throw err;
      opts.onRetry?.(err, delay);
      await sleep(delay, signal, clock);
    }
  }
  return undefined;
}
