/**
 * A periodic loop (apimachinery's wait.JitterUntil): run `fn`, wait a (jittered) period, run it
 * again, until the signal aborts. Sliding (the default, as wait.Until): the period counts from
 * when `fn` finished, so runs never overlap and a slow run delays the next one. Non-sliding:
 * it counts from when `fn` started, so a run that took longer than a period is followed at
 * once. `fn` should handle its own errors: one it throws ends the loop with that error.
 */
import { type Clock, realClock } from '../clock/clock';
import { jitter } from './jitter';
import { sleep } from './sleep';

/** The period of a jitterUntil loop. */
export interface JitterUntilOptions {
  /** The period, in ms. */
  periodMs: number;
  /** Each period is stretched by up to this fraction of itself (default 0: exact periods). */
  jitter?: number;
  /** Count the period from the end of each run (default true) instead of its start. */
  sliding?: boolean;
  /** Run `fn` at once (default true); false waits one period first. */
  immediate?: boolean;
  signal: AbortSignal;
  clock?: Clock;
  /** Draws the jitter (default Math.random). */
  random?: () => number;
}

/** Runs `fn` every period until `signal` aborts; resolves then (at once when it already has). */
export async function jitterUntil(fn: () => unknown, opts: JitterUntilOptions): Promise<void> {
  const { signal, clock = realClock, sliding = true, immediate = true } = opts;
  const period = (): number => jitter(opts.periodMs, opts.jitter ?? 0, opts.random);
  if (!immediate && !(await sleep(period(), signal, clock))) return;
  while (!signal.aborted) {
    const startedAt = clock.now();
    const wait = sliding ? 0 : period();
    await fn();
    if (signal.aborted) return;
    const delay = sliding ? period() : Math.max(0, startedAt + wait - clock.now());
    await sleep(delay, signal, clock);
  }
}
