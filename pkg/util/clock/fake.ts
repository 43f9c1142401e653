/**
 * A manually driven Clock for tests. Time moves only through step()/setTime(); timers that
 * fall due fire synchronously inside those calls, in order of due time (ties: creation order),
 * with now() reading each timer's due time while it runs.
 */
import type { Clock, TimerHandle } from './clock';

class FakeTimer implements TimerHandle {
  pending = true;
  constructor(
    readonly dueAt: number,
    readonly seq: number,
    readonly fn: () => void,
  ) {}
}

/**
 * A Clock whose time is set by the test. It lives in pkg (not test/) so every package's
 * unit tests can inject it.
 */
export class FakeClock implements Clock {
  private time: number;
  private seq = 0;
  private timers: FakeTimer[] = [];

  /** Starts at `startMs` (default 0) with no timers. */
  constructor(startMs = 0) {
    this.time = startMs;
  }

  /** The fake current time in ms. */
  now(): number {
    return this.time;
  }

  /** Registers `fn` to fire when time reaches now + max(0, ms); never fires it synchronously. */
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = new FakeTimer(this.time + Math.max(0, ms), this.seq++, fn);
    this.timers.push(timer);
    return timer;
  }

  /** Cancels a pending timer of this clock; anything else is ignored. */
  clearTimeout(handle: TimerHandle): void {
    if (!(handle instanceof FakeTimer) || !handle.pending) return;
    handle.pending = false;
    this.timers = this.timers.filter((t) => t !== handle);
  }

  /**
   * Advances time by `ms` (must be >= 0), firing every timer due at or before the new time,
   * including timers that fired callbacks schedule inside the window. `step(0)` fires timers
   * that are already due. An exception from a callback propagates; later timers stay pending.
   */
  step(ms: number): void {
    if (ms < 0) throw new RangeError(`FakeClock.step: negative step ${ms}`);
    this.advanceTo(this.time + ms);
  }

  /**
   * Sets the time. Moving forward behaves like step(); moving backward only changes now()
   * (timers keep their absolute due times and fire no earlier).
   */
  setTime(ms: number): void {
    if (ms < this.time) {
      this.time = ms;
      return;
    }
    this.advanceTo(ms);
  }

  /** Number of timers that have neither fired nor been cleared. */
  pendingTimers(): number {
    return this.timers.length;
  }

  private advanceTo(target: number): void {
    for (;;) {
      const next = this.earliestDue(target);
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      next.pending = false;
      this.time = Math.max(this.time, next.dueAt);
      next.fn();
    }
    this.time = target;
  }

  private earliestDue(target: number): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.timers) {
      if (t.dueAt > target) continue;
      if (!best || t.dueAt < best.dueAt || (t.dueAt === best.dueAt && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
