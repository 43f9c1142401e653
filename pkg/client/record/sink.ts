/**
 * The event sink: sends series writes to the apiserver with several writers at once, in
 * bounded memory.
 *
 * - Bounded: at most `maxQueued` writes wait (client-go's broadcaster queue of 1000); a write
 *   beyond that is dropped and counted (event_recorder_dropped_total).
 * - One lane per involved object: that object's writes go out one at a time, in order; lanes
 *   of different objects run concurrently on `workers` writers, so one object's writes never
 *   wait behind another's.
 * - First occurrences before repeats: a lane whose next write creates an Event is served before
 *   lanes whose next write only refreshes a count, so a new object's first event is not stuck
 *   behind a backlog of other objects' count updates.
 * - Coalesced: a series has at most one waiting write, and it reads the series' count when it
 *   is sent, so every occurrence observed meanwhile rides on it.
 * - Transient failures (network, 429, 5xx) are retried with backoff on the injected clock;
 *   anything else is logged (a namespace being deleted at debug, as client-go does) and dropped.
 */
import type { Logger } from 'pino';
import { NamespaceTerminatingCause, type Event } from '../../api/core/v1';
import { StatusError, hasStatusCause, isAlreadyExists, isNotFound } from '../../api/errors';
import type { Clock } from '../../util/clock/clock';
import { Backoff } from '../../util/wait';
import { PatchType } from '../resource_client';
import type { SeriesEntry } from './correlator';
import { Fifo } from './fifo';
import { EventWriteResult, EventWriteVerb, type EventMetrics } from './metrics';

/** The Event requests the sink makes (a ResourceClient<Event> is one; unit tests pass a fake). */
export interface EventWriteClient {
  create(ev: Event): Promise<Event>;
  get(name: string, namespace?: string): Promise<Event>;
  patch(name: string, namespace: string | undefined, type: PatchType, patch: unknown): Promise<Event>;
}

/** Dependencies and limits of the sink. */
export interface EventSinkOptions {
  client: EventWriteClient;
  clock: Clock;
  logger: Logger;
  metrics: EventMetrics;
  /** Called when writes left the queue and there is room again. */
  onRoom?: () => void;
  /** Writes that may wait (default 1000). */
  maxQueued?: number;
  /** Concurrent writers (default 4). */
  workers?: number;
  /** Tries per write on transient errors (default 3). */
  maxAttempts?: number;
  /** Delay before the first retry, doubled per retry (default 1000 ms). */
  retryDelayMs?: number;
}

interface Lane {
  readonly key: string;
  readonly writes: Fifo<SeriesEntry>;
  /** A write of this lane is in flight or waiting for a retry. */
  busy: boolean;
  /** Sits in a ready queue. */
  queued: boolean;
}

function laneKey(entry: SeriesEntry): string {
  const o = entry.event.involvedObject;
  return o.uid ?? `${o.kind ?? ''}/${o.namespace ?? ''}/${o.name ?? ''}`;
}

function transient(err: unknown): boolean {
  return !(err instanceof StatusError) || err.code === 429 || err.code >= 500;
}

/** Sends series writes; see the file comment for the guarantees. */
export class EventSink {
  private readonly lanes = new Map<string, Lane>();
  private readonly waiting = new Set<SeriesEntry>();
  private readonly inFlight = new Set<SeriesEntry>();
  private readonly readyFirst = new Fifo<Lane>();
  private readonly readyRepeat = new Fifo<Lane>();
  private readonly maxQueued: number;
  private readonly workers: number;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: number;
  private active = 0;
  private retrying = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly o: EventSinkOptions) {
    this.maxQueued = o.maxQueued ?? 1000;
    this.workers = Math.max(1, o.workers ?? 4);
    this.maxAttempts = Math.max(1, o.maxAttempts ?? 3);
    this.retryDelayMs = o.retryDelayMs ?? 1000;
  }

  /** Writes waiting to be sent (in-flight ones excluded). */
  get depth(): number {
    return this.waiting.size;
  }

  /** True when a write of `entry` waits: it will carry whatever the series counts when sent. */
  isWaiting(entry: SeriesEntry): boolean {
    return this.waiting.has(entry);
  }

  /** True while a write of `entry` is being sent (or waits for its retry). */
  isInFlight(entry: SeriesEntry): boolean {
    return this.inFlight.has(entry);
  }

  /** True when one more write may wait. */
  hasRoom(): boolean {
    return this.waiting.size < this.maxQueued;
  }

  /** Queues a write of the series; false (and counted) when the queue is full. */
  enqueue(entry: SeriesEntry): boolean {
    if (this.waiting.has(entry)) return true;
    if (this.waiting.size >= this.maxQueued) {
      this.o.metrics.dropped.inc();
      return false;
    }
    this.waiting.add(entry);
    const key = laneKey(entry);
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { key, writes: new Fifo(), busy: false, queued: false };
      this.lanes.set(key, lane);
    }
    lane.writes.push(entry);
    this.place(lane);
    this.pump();
    return true;
  }

  /** Resolves once nothing waits, is in flight or waits for a retry. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.waiting.size === 0 && this.active === 0 && this.retrying === 0;
  }

  private place(lane: Lane): void {
    if (lane.busy || lane.queued) return;
    const head = lane.writes.peekFirst();
    if (!head) {
      this.lanes.delete(lane.key);
      return;
    }
    lane.queued = true;
    (head.onServer ? this.readyRepeat : this.readyFirst).push(lane);
  }

  private pump(): void {
    let taken = 0;
    while (this.active < this.workers) {
      const lane = this.readyFirst.shift() ?? this.readyRepeat.shift();
      if (!lane) break;
      lane.queued = false;
      const entry = lane.writes.shift();
      if (!entry) {
        this.place(lane);
        continue;
      }
      this.waiting.delete(entry);
      taken++;
      this.inFlight.add(entry);
      lane.busy = true;
      this.active++;
      void this.run(lane, entry, this.retryBackoff());
    }
    if (taken > 0 && this.hasRoom()) this.o.onRoom?.();
    if (this.isIdle()) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** One write's retry delays: retryDelayMs doubling, maxAttempts tries in all. */
  private retryBackoff(): Backoff {
    return new Backoff({ durationMs: this.retryDelayMs, factor: 2, steps: this.maxAttempts - 1 });
  }

  private async run(lane: Lane, entry: SeriesEntry, retries: Backoff): Promise<void> {
    let retryIn: number | undefined;
    try {
      await this.write(entry);
    } catch (err) {
      retryIn = transient(err) ? retries.step() : undefined;
      if (retryIn === undefined) {
        // An object in a namespace being deleted cannot get new events: expected, as in client-go.
        const level = hasStatusCause(err, NamespaceTerminatingCause) ? 'debug' : 'warn';
        this.o.logger[level](
          { err: (err as Error).message, reason: entry.event.reason, object: lane.key },
          'could not record event',
        );
      }
    }
    this.active--;
    if (retryIn === undefined) {
      this.inFlight.delete(entry);
      lane.busy = false;
      this.place(lane);
    } else {
      this.retrying++;
      this.o.clock.setTimeout(() => {
        this.retrying--;
        this.active++;
        void this.run(lane, entry, retries);
      }, retryIn);
    }
    this.pump();
  }

  /** One series write: create the Event, or refresh its count; falls back both ways. */
  private async write(entry: SeriesEntry): Promise<void> {
    entry.lastSentMs = this.o.clock.now();
    const count = entry.count;
    if (entry.onServer) {
      try {
        await this.request(EventWriteVerb.Patch, () => this.patch(entry, count));
      } catch (err) {
        if (!isNotFound(err)) throw err;
        entry.onServer = false; // deleted meanwhile (or expired): recreate, the count continuing
      }
    }
    if (!entry.onServer) {
      try {
        await this.request(EventWriteVerb.Create, () => this.o.client.create(this.eventOf(entry, count)));
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        // Written by an earlier process (or an evicted series): continue its count.
        const existing = await this.request(EventWriteVerb.Get, () => this.o.client.get(entry.name, entry.namespace));
        entry.base = existing.count ?? 1;
        await this.request(EventWriteVerb.Patch, () => this.patch(entry, count));
      }
      entry.onServer = true;
    }
    entry.sentCount = Math.max(entry.sentCount, count);
  }

  private patch(entry: SeriesEntry, count: number): Promise<Event> {
    return this.o.client.patch(entry.name, entry.namespace, PatchType.Merge, {
      count: entry.base + count,
      lastTimestamp: entry.lastTimestamp,
      message: entry.message,
    });
  }

  private eventOf(entry: SeriesEntry, count: number): Event {
    return {
      ...entry.event,
      metadata: { name: entry.name, namespace: entry.namespace },
      message: entry.message,
      firstTimestamp: entry.firstTimestamp,
      lastTimestamp: entry.lastTimestamp,
      count: entry.base + count,
    };
  }

  private async request<T>(verb: EventWriteVerb, fn: () => Promise<T>): Promise<T> {
    try {
      const out = await fn();
      this.o.metrics.request(verb, EventWriteResult.Success);
      return out;
    } catch (err) {
      this.o.metrics.request(verb, EventWriteResult.Error);
      throw err;
    }
  }
}
