/**
 * The delaying layer (client-go DelayingInterface): addAfter(key, ms) adds the key once `ms`
 * have passed on the injected Clock. Each key has at most one pending delay; a later
 * addAfter that would be ready sooner replaces it, one that would be ready later is dropped
 * (the earliest ready time wins). Shutting down cancels every pending delay.
 */
import { realClock, type Clock, type TimerHandle } from '../clock/clock';
import { Queue, type QueueOptions } from './queue';

/** Options of a DelayingQueue. */
export interface DelayingQueueOptions extends QueueOptions {
  /** Time source for delays; defaults to the real clock. */
  clock?: Clock;
}

interface Pending {
  readyAt: number;
  timer: TimerHandle;
}

/** A Queue whose keys can also be added after a delay; see the file comment for its contract. */
export class DelayingQueue extends Queue {
  /** The clock delays are measured on, shared with subclasses. */
  protected readonly clock: Clock;
  private readonly pending = new Map<string, Pending>();

  constructor(options: DelayingQueueOptions = {}) {
    super(options);
    this.clock = options.clock ?? realClock;
  }

  /**
   * Adds `item` once `ms` milliseconds have passed (`ms <= 0` adds it now, leaving any pending
   * delay in place). If a delay for `item` is already pending, the earlier ready time wins.
   * Ignored after shutdown.
   */
  addAfter(item: string, ms: number): void {
    if (this.shuttingDown()) return;
    if (ms <= 0) {
      this.add(item);
      return;
    }
    const readyAt = this.clock.now() + ms;
    const existing = this.pending.get(item);
    if (existing) {
      if (existing.readyAt <= readyAt) return;
      this.clock.clearTimeout(existing.timer);
    }
    const timer = this.clock.setTimeout(() => {
      this.pending.delete(item);
      this.add(item);
    }, ms);
    this.pending.set(item, { readyAt, timer });
  }

  /** Number of keys with a pending delay (not yet added). */
  delayedLen(): number {
    return this.pending.size;
  }

  /** Cancels every pending delay, then shuts down as Queue.shutDown(). */
  override shutDown(): void {
    this.cancelDelays();
    super.shutDown();
  }

  /** Cancels every pending delay, then shuts down as Queue.shutDownWithDrain(). */
  override shutDownWithDrain(): Promise<void> {
    this.cancelDelays();
    return super.shutDownWithDrain();
  }

  private cancelDelays(): void {
    for (const { timer } of this.pending.values()) this.clock.clearTimeout(timer);
    this.pending.clear();
  }
}
