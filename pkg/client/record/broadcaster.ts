/**
 * The event broadcaster: every recorder of a process hands its events here. Per occurrence,
 * synchronously and without I/O:
 *
 *   correlate (aggregate floods, count repeats) → a write of this series already waiting?
 *   it carries the new count: done → a repeat within `repeatIntervalMs` of the series' last
 *   write? held back, one timer per series sends the latest count when the interval is over
 *   (the series refresh of k8s.io/client-go/tools/events) → spam filter (per object) →
 *   the bounded sink (concurrent writers, one lane per object, first occurrences first). When
 *   the sink's queue is full the write is dropped from it and counted
 *   (event_recorder_dropped_total); the series stays marked unsent in a set bounded by the
 *   correlator's LRU cache and is offered again, first occurrences first, as soon as the queue
 *   has room (a series forgotten by the cache meanwhile is lost).
 *
 * So a level-based controller that re-reports the same problem on every sync costs one create
 * and then at most one count update per series per interval, however often it resyncs.
 * Nothing here throws into the caller or makes it wait.
 */
import type { Logger } from 'pino';
import type { Event } from '../../api/core/v1';
import type { Registry } from '../../metrics/registry';
import { realClock, type Clock, type TimerHandle } from '../../util/clock/clock';
import { EventCorrelator, type SeriesEntry } from './correlator';
import { EventMetrics } from './metrics';
import type { EventRecorder } from './recorder';
import { EventSink, type EventWriteClient } from './sink';
import { BroadcastRecorder, type EventAction } from './source_recorder';
import { SpamFilter } from './spam_filter';

/** Dependencies and tuning of a broadcaster (defaults follow client-go). */
export interface EventBroadcasterOptions {
  events: EventWriteClient;
  logger: Logger;
  clock?: Clock;
  /** Where the recorder's metrics are registered (the component's /metrics). */
  registry?: Registry;
  /** Writes that may wait before new ones are dropped (default 1000). */
  maxQueued?: number;
  /** Concurrent writers (default 4). */
  workers?: number;
  /** Least time between two writes of one series (default 300,000 ms) … */
  repeatIntervalMs?: number;
  /**
   * … stretched per series by up to this fraction (default 0.2, fixed per series by its name's
   * hash), so thousands of series created together are not all refreshed in the same second.
   */
  repeatJitter?: number;
  /** Series, aggregation and spam-filter records remembered (default 16,384 each). */
  cacheSize?: number;
  /** Spam filter: writes per object at once (default 25) … */
  spamBurst?: number;
  /** … and one more per `spamRefillMs` (default 300,000 ms). */
  spamRefillMs?: number;
  /** Transient-error retries: attempts (default 3) and first delay (default 1000 ms). */
  maxAttempts?: number;
  retryDelayMs?: number;
}

/** Correlates, filters and writes the events of every recorder made from it. */
export class EventBroadcaster implements EventAction {
  readonly metrics: EventMetrics;
  private readonly clock: Clock;
  private readonly correlator: EventCorrelator;
  private readonly filter: SpamFilter;
  private readonly sink: EventSink;
  private readonly repeatIntervalMs: number;
  /** Series whose write found the queue full, by kind; insertion-ordered (oldest first). */
  private readonly overflowFirst = new Set<SeriesEntry>();
  private readonly overflowRepeat = new Set<SeriesEntry>();
  private draining = false;
  private readonly repeatJitter: number;
  private readonly timers = new Map<SeriesEntry, TimerHandle>();

  constructor(private readonly o: EventBroadcasterOptions) {
    this.clock = o.clock ?? realClock;
    this.repeatIntervalMs = o.repeatIntervalMs ?? 300_000;
    this.repeatJitter = o.repeatJitter ?? 0.2;
    this.metrics = new EventMetrics(o.registry, () => this.sink.depth);
    this.correlator = new EventCorrelator({
      clock: this.clock,
      ...(o.cacheSize ? { cacheSize: o.cacheSize } : {}),
      onEvict: (entry) => {
        this.cancelTimer(entry);
        this.overflowFirst.delete(entry);
        this.overflowRepeat.delete(entry);
      },
    });
    this.filter = new SpamFilter({
      clock: this.clock,
      ...(o.spamBurst ? { burst: o.spamBurst } : {}),
      ...(o.spamRefillMs ? { refillMs: o.spamRefillMs } : {}),
      ...(o.cacheSize ? { cacheSize: o.cacheSize } : {}),
    });
    this.sink = new EventSink({
      client: o.events,
      clock: this.clock,
      logger: o.logger,
      metrics: this.metrics,
      onRoom: () => this.drainOverflow(),
      ...(o.maxQueued !== undefined ? { maxQueued: o.maxQueued } : {}),
      ...(o.workers ? { workers: o.workers } : {}),
      ...(o.maxAttempts ? { maxAttempts: o.maxAttempts } : {}),
      ...(o.retryDelayMs !== undefined ? { retryDelayMs: o.retryDelayMs } : {}),
    });
  }

  /** Makes a recorder whose events carry `component` (and `host`) as their source. */
  newRecorder(component: string, host = ''): EventRecorder {
    return new BroadcastRecorder(this, { component, host, clock: this.clock });
  }

  /** Takes one occurrence of an Event (built by a recorder); never throws, never waits. */
  action(ev: Event): void {
    try {
      const { entry, first } = this.correlator.observe(ev);
      if (this.sink.isWaiting(entry) || this.overflowFirst.has(entry) || this.overflowRepeat.has(entry)) {
        this.metrics.coalesced.inc();
        return;
      }
      const dueAt = entry.lastSentMs + this.refreshIntervalOf(entry);
      if (!first && (this.sink.isInFlight(entry) || this.clock.now() < dueAt)) {
        this.metrics.deferred.inc();
        this.armTimer(entry, dueAt);
        return;
      }
      this.send(entry);
    } catch (err) {
      this.failed(err, ev.reason ?? '');
    }
  }

  /** Logs an occurrence that could not be recorded. */
  failed(err: unknown, reason: string): void {
    this.o.logger.warn({ err: err instanceof Error ? err.message : String(err), reason }, 'could not record event');
  }

  /**
   * Sends every held-back count now and resolves when nothing is waiting or in flight (tests,
   * and a component shutting down). The spam filter still applies.
   */
  async flush(): Promise<void> {
    for (let round = 0; round < 3; round++) {
      await this.sink.idle();
      const due = [...this.timers.keys()];
      if (due.length === 0) return;
      for (const entry of due) {
        this.cancelTimer(entry);
        if (entry.count > entry.sentCount) this.send(entry);
      }
    }
    await this.sink.idle();
  }

  /** Stops the refresh timers (writes in flight still finish). */
  shutdown(): void {
    for (const entry of [...this.timers.keys()]) this.cancelTimer(entry);
  }

  /** Queue full → dropped (counted) and remembered for when there is room; else the spam filter decides. */
  private send(entry: SeriesEntry): void {
    if (!this.sink.hasRoom()) {
      const overflow = entry.onServer ? this.overflowRepeat : this.overflowFirst;
      if (!overflow.has(entry)) {
        overflow.add(entry);
        this.metrics.dropped.inc();
      }
      return;
    }
    if (!this.filter.allow(entry.event)) {
      this.metrics.filtered.inc();
      this.armTimer(entry, this.clock.now() + this.repeatIntervalMs);
      return;
    }
    this.sink.enqueue(entry);
  }

  /** Offers remembered series to the sink while it has room, first occurrences first. */
  private drainOverflow(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (const overflow of [this.overflowFirst, this.overflowRepeat]) {
        for (const entry of overflow) {
          if (!this.sink.hasRoom()) return;
          overflow.delete(entry);
          if (entry.count <= entry.sentCount || this.sink.isWaiting(entry)) continue;
          if (this.sink.isInFlight(entry)) this.armTimer(entry, this.clock.now() + this.refreshIntervalOf(entry));
          else this.send(entry);
        }
      }
    } finally {
      this.draining = false;
    }
  }

  /** Series remembered because the queue was full (tests, metrics). */
  get overflowSize(): number {
    return this.overflowFirst.size + this.overflowRepeat.size;
  }

  /** The series' refresh interval: repeatIntervalMs stretched by its fixed share of the jitter. */
  private refreshIntervalOf(entry: SeriesEntry): number {
    const spread = parseInt(entry.name.slice(-6), 16) / 0xffffff;
    return this.repeatIntervalMs * (1 + this.repeatJitter * (Number.isFinite(spread) ? spread : 0));
  }

  private armTimer(entry: SeriesEntry, at: number): void {
    if (this.timers.has(entry)) return;
    const handle = this.clock.setTimeout(() => {
      this.timers.delete(entry);
      if (entry.count <= entry.sentCount || this.sink.isWaiting(entry)) return;
      if (this.sink.isInFlight(entry)) {
        this.armTimer(entry, this.clock.now() + this.refreshIntervalOf(entry));
        return;
      }
      this.send(entry);
    }, at - this.clock.now());
    this.timers.set(entry, handle);
  }

  private cancelTimer(entry: SeriesEntry): void {
    const handle = this.timers.get(entry);
    if (!handle) return;
    this.clock.clearTimeout(handle);
    this.timers.delete(entry);
  }
}
