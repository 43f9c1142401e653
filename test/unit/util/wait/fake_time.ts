/** Driving async code on a FakeClock: step time in small chunks, letting promise chains settle in between. */
import type { FakeClock } from '../../../../pkg/util/clock/fake';

/** Resolves once every microtask (and promise chain) queued so far has run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Fires timers already due, again and again while woken code keeps arming zero-delay ones. */
async function settle(clock: FakeClock): Promise<void> {
  await flush();
  for (let i = 0; i < 10; i++) {
    clock.step(0);
    await flush();
  }
}

/**
 * Advances `clock` by `ms` in `chunkMs` steps, settling promises after each, so timers created
 * by code woken in one chunk fire in a later one (due times on chunk boundaries are exact).
 */
export async function advance(clock: FakeClock, ms: number, chunkMs = 10): Promise<void> {
  await settle(clock);
  for (let done = 0; done < ms; done += chunkMs) {
    clock.step(Math.min(chunkMs, ms - done));
    await settle(clock);
  }
}

/** A signal whose abort listeners are counted, to prove none is left behind. */
export function countingSignal(): { ac: AbortController; listeners: () => number } {
  const ac = new AbortController();
  const signal = ac.signal;
  let count = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((...args: Parameters<AbortSignal['addEventListener']>) => {
    count++;
    add(...args);
  }) as AbortSignal['addEventListener'];
  signal.removeEventListener = ((...args: Parameters<AbortSignal['removeEventListener']>) => {
    count--;
    remove(...args);
  }) as AbortSignal['removeEventListener'];
  return { ac, listeners: () => count };
}
