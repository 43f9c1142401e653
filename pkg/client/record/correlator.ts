/**
 * The correlator of client-go's events_cache.go, minus the spam filter (spam_filter.ts):
 *
 * - the aggregator: events about one object from one source with the same type and reason but
 *   more than `maxDistinctMessages` (10) different messages within `aggregateWindowMs` (10 min)
 *   become ONE Event, "(combined from similar events): <latest message>";
 * - the logger: identical events (same source, object, type, reason, message) are one series —
 *   one Event whose `count` and `lastTimestamp` grow — remembered in an LRU cache.
 *
 * observe() is synchronous and in memory; what is written, and when, is the broadcaster's job.
 */
import { createHash } from 'node:crypto';
import type { Event } from '../../api/core/v1';
import { rfc3339 } from '../../api/time';
import type { Clock } from '../../util/clock/clock';
import { LruCache } from './lru';
import { eventNamespace } from '../../api/keys';

/** Prefix of an aggregated Event's message (client-go's wording). */
export const combinedMessagePrefix = '(combined from similar events): ';

/** One series: an Event as this process knows it, and what of it reached the apiserver. */
export interface SeriesEntry {
  /** Correlation key (names the Event). */
  readonly key: string;
  readonly name: string;
  readonly namespace: string;
  /** The Event as first observed (message possibly aggregated). */
  readonly event: Event;
  /** Occurrences observed by this process. */
  count: number;
  /** The count the apiserver already held when this process first wrote (a restart). */
  base: number;
  firstTimestamp: string;
  lastTimestamp: string;
  /** Latest message (an aggregated series shows the newest of its messages). */
  message: string;
  /** The Event exists on the apiserver (as far as this process knows). */
  onServer: boolean;
  /** `count` carried by the last successful write (0: none yet). */
  sentCount: number;
  /** Clock time the last write was started (-Infinity: never). */
  lastSentMs: number;
}

/** Tuning of the correlator (client-go's defaults). */
export interface CorrelatorOptions {
  clock: Clock;
  /** Series and aggregation records remembered (default 16,384). */
  cacheSize?: number;
  /** Distinct messages per (object, type, reason) before they are combined (default 10). */
  maxDistinctMessages?: number;
  /** Window of that count (default 600,000 ms). */
  aggregateWindowMs?: number;
  /** Called when a series is forgotten for room (its pending timers can be cancelled). */
  onEvict?: (entry: SeriesEntry) => void;
}

interface AggregateRecord {
  messages: Set<string>;
  lastMs: number;
}

/** What observe() found: the series the event belongs to, and whether it is new. */
export interface Observation {
  entry: SeriesEntry;
  first: boolean;
}

function aggregateKey(ev: Event): string {
  const o = ev.involvedObject;
  return [
    ev.source?.component ?? '',
    ev.source?.host ?? '',
    o.kind ?? '',
    o.namespace ?? '',
    o.name ?? '',
    o.uid ?? '',
    o.apiVersion ?? '',
    ev.type ?? '',
    ev.reason ?? '',
  ].join('\u0000');
}

/** Longest Event name the apiserver accepts (a DNS subdomain). */
const maxEventNameLength = 253;

/**
 * `<object name>.<hash>`, with the object name cut so the whole stays a valid DNS subdomain:
 * an object may have a name of 253 characters, and its Events must not be refused for it.
 */
export function eventName(objectName: string, hash: string): string {
  const room = maxEventNameLength - hash.length - 1;
  const prefix = objectName.length > room ? objectName.slice(0, room).replace(/[^a-z0-9]+$/, '') : objectName;
  return `${prefix}.${hash}`;
}

/** Counts repeats and combines message floods, in bounded memory. */
export class EventCorrelator {
  private readonly series: LruCache<string, SeriesEntry>;
  private readonly aggregates: LruCache<string, AggregateRecord>;
  private readonly maxDistinct: number;
  private readonly windowMs: number;

  constructor(private readonly o: CorrelatorOptions) {
    const size = o.cacheSize ?? 16_384;
    this.series = new LruCache(size, (_k, entry) => o.onEvict?.(entry));
    this.aggregates = new LruCache(size);
    this.maxDistinct = o.maxDistinctMessages ?? 10;
    this.windowMs = o.aggregateWindowMs ?? 600_000;
  }

  /** Adds one occurrence of `ev` (timestamps are taken from the clock) to its series. */
  observe(ev: Event): Observation {
    const now = this.o.clock.now();
    const stamp = rfc3339(new Date(now));
    const aggKey = aggregateKey(ev);
    let agg = this.aggregates.get(aggKey);
    if (!agg || now - agg.lastMs > this.windowMs) agg = { messages: new Set(), lastMs: now };
    agg.messages.add(ev.message ?? '');
    agg.lastMs = now;
    this.aggregates.set(aggKey, agg);
    const combined = agg.messages.size >= this.maxDistinct;
    const key = combined ? aggKey : `${aggKey}\u0000${ev.message ?? ''}`;

    const message = combined ? `${combinedMessagePrefix}${ev.message ?? ''}` : (ev.message ?? '');
    const seen = this.series.get(key);
    if (seen) {
      seen.count++;
      seen.lastTimestamp = stamp;
      seen.message = message;
      return { entry: seen, first: false };
    }
    const namespace = eventNamespace(ev.metadata.namespace);
    const hash = createHash('sha1').update(key).digest('hex').slice(0, 12);
    const entry: SeriesEntry = {
      key,
      name: eventName(ev.involvedObject.name ?? '', hash),
      namespace,
      event: { ...ev, message, metadata: { ...ev.metadata, namespace } },
      count: 1,
      base: 0,
      firstTimestamp: stamp,
      lastTimestamp: stamp,
      message,
      onServer: false,
      sentCount: 0,
      lastSentMs: -Infinity,
    };
    this.series.set(key, entry);
    return { entry, first: true };
  }

  /** Number of series remembered. */
  get size(): number {
    return this.series.size;
  }
}
