/** Test helpers: observe whether a promise has settled without waiting on wall-clock time. */

/** Lets every pending promise callback and immediate run (a macrotask turn, not a sleep). */
export function flush(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/** A promise's state, updated as it settles. */
export interface Probe<T> {
  settled: boolean;
  value: T | undefined;
}

/** Starts observing `p`; read the probe after `await flush()`. */
export function probe<T>(p: Promise<T>): Probe<T> {
  const state: Probe<T> = { settled: false, value: undefined };
  void p.then((v) => {
    state.settled = true;
    state.value = v;
  });
  return state;
}
