/**
 * Waiting for a condition (apimachinery's wait.PollUntilContextTimeout, immediate): check it
 * now, then every `intervalMs`, until it holds, the timeout passes or the signal aborts. For
 * waits on state this process cannot be told about; where a change can be signalled, wait on
 * that instead of polling.
 */
import { type Clock, realClock } from '../clock/clock';
import { sleep } from './sleep';

/** How pollUntil polls. */
export interface PollOptions {
  /** Time between checks, in ms. */
  intervalMs: number;
  /** Give up after this long (default: never). The last check is made at the deadline. */
  timeoutMs?: number;
  signal?: AbortSignal;
  clock?: Clock;
}

/**
 * Resolves true as soon as `condition` holds, false once the timeout passed (or the signal
 * aborted) with it still false. An error from `condition` rejects at once.
 */
export async function pollUntil(condition: () => boolean | Promise<boolean>, opts: PollOptions): Promise<boolean> {
  const { signal, clock = realClock } = opts;
  const deadline = clock.now() + (opts.timeoutMs ?? Number.POSITIVE_INFINITY);
  while (!signal?.aborted) {
    if (await condition()) return true;
    const left = deadline - clock.now();
    if (left <= 0) return false;
    await sleep(Math.min(opts.intervalMs, Math.max(1, left)), signal, clock);
  }
  return false;
}
