/**
 * The one abortable sleep. Every wait of the codebase goes through it (directly or through
 * the backoff and period helpers beside it), on an injected Clock so unit tests drive it with
 * a FakeClock.
 */
import { type Clock, realClock } from '../clock/clock';

/**
 * Resolves after `ms` on `clock`, or as soon as `signal` aborts; never rejects. Resolves true
 * when the whole time elapsed, false when the signal cut it short (at once, with no timer, if
 * it was already aborted). Leaves no timer and no listener behind either way.
 */
export function sleep(ms: number, signal?: AbortSignal, clock: Clock = realClock): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const finish = (elapsed: boolean): void => {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(elapsed);
    };
    const onAbort = (): void => finish(false);
    const timer = clock.setTimeout(() => finish(true), ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
