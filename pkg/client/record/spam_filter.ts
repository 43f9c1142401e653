/**
 * The per-object spam filter of client-go's EventSourceObjectSpamFilter: one token bucket per
 * (source, involved object), `burst` deep (25), refilled one token per `refillMs` (5 minutes).
 * An Event write about an object whose bucket is empty is not sent. The buckets live in an LRU
 * cache, so the filter's memory is bounded however many objects a component talks about.
 */
import type { Event } from '../../api/core/v1';
import type { Clock } from '../../util/clock/clock';
import { LruCache } from './lru';

/** Tuning of the spam filter (client-go's defaults). */
export interface SpamFilterOptions {
  clock: Clock;
  /** Tokens a fresh bucket holds (default 25). */
  burst?: number;
  /** One token is added per `refillMs` (default 300,000 ms: 1 per 5 minutes). */
  refillMs?: number;
  /** Buckets remembered (default 16,384). */
  cacheSize?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/** The key events share a bucket by: who reports (component, host) and about which object. */
export function spamKey(ev: Event): string {
  const o = ev.involvedObject;
  return [
    ev.source?.component ?? '',
    ev.source?.host ?? '',
    o.kind ?? '',
    o.namespace ?? '',
    o.name ?? '',
    o.uid ?? '',
    o.apiVersion ?? '',
  ].join('\u0000');
}

/** Decides whether one more Event write about an object may be sent now. */
export class SpamFilter {
  private readonly burst: number;
  private readonly refillMs: number;
  private readonly buckets: LruCache<string, Bucket>;

  constructor(private readonly o: SpamFilterOptions) {
    this.burst = o.burst ?? 25;
    this.refillMs = o.refillMs ?? 300_000;
    this.buckets = new LruCache(o.cacheSize ?? 16_384);
  }

  /** Takes a token from the event's bucket: true = send it, false = it is spam for now. */
  allow(ev: Event): boolean {
    const key = spamKey(ev);
    const now = this.o.clock.now();
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: now };
    b.tokens = Math.min(this.burst, b.tokens + Math.max(0, now - b.at) / this.refillMs);
    b.at = now;
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    this.buckets.set(key, b);
    return ok;
  }
}
