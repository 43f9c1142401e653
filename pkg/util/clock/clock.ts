/**
 * The injectable clock: everything that reads the time or waits for it takes a Clock, so
 * unit tests drive time with a FakeClock instead of sleeping (client-go's k8s.io/utils/clock).
 */

/**
 * A pending timer made by Clock.setTimeout. Only the clock that made it can cancel it;
 * `pending` is true until the timer fires or is cleared.
 */
export interface TimerHandle {
  readonly pending: boolean;
}

/** Time in milliseconds and one-shot timers; the only time source of clock-aware code. */
export interface Clock {
  /** Current time in milliseconds since the Unix epoch (never decreases on a FakeClock unless told). */
  now(): number;
  /**
   * Calls `fn` once, asynchronously, no earlier than `ms` milliseconds from now (a negative
   * `ms` counts as 0). `fn` is never called from inside setTimeout itself.
   */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a pending timer of this clock; a fired, cleared or foreign handle is ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/** Node's setTimeout stores delays in a signed 32-bit int; longer waits are chained. */
const MAX_NODE_DELAY_MS = 2 ** 31 - 1;

class RealTimer implements TimerHandle {
  pending = true;
  private timeout: NodeJS.Timeout | undefined;

  constructor(
    private readonly fn: () => void,
    private readonly dueAt: number,
  ) {
    this.arm();
  }

  private arm(): void {
    const remaining = Math.max(0, this.dueAt - Date.now());
    if (remaining > MAX_NODE_DELAY_MS) {
      this.timeout = setTimeout(() => this.arm(), MAX_NODE_DELAY_MS);
      return;
    }
    this.timeout = setTimeout(() => {
      this.pending = false;
      this.timeout = undefined;
      this.fn();
    }, remaining);
  }

  cancel(): void {
    if (this.timeout !== undefined) clearTimeout(this.timeout);
    this.timeout = undefined;
    this.pending = false;
  }
}

/**
 * The wall clock: `now()` is Date.now(); timers are Node timers (delays beyond Node's
 * ~24.8-day limit are honoured by re-arming, not fired early).
 */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => new RealTimer(fn, Date.now() + Math.max(0, ms)),
  clearTimeout: (handle) => {
    if (handle instanceof RealTimer) handle.cancel();
  },
};
