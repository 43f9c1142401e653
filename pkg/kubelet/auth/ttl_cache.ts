/**
 * A bounded cache with a per-entry lifetime, for the kubelet's webhook answers (TokenReview,
 * SubjectAccessReview), as the kubelet's --authentication-token-webhook-cache-ttl and
 * --authorization-webhook-cache-*-ttl caches: a repeated request costs no apiserver call.
 * The bound is the project's LruCache; this adds only the expiry.
 */
import { LruCache } from '../../client/record/lru';

/** Entries expire `ttlMs` after they were set; past `capacity` the least recently used goes first. */
export class TtlCache<V> {
  private readonly entries: LruCache<string, { value: V; expires: number }>;

  constructor(
    capacity = 4096,
    private readonly now: () => number = Date.now,
  ) {
    this.entries = new LruCache(capacity);
  }

  /** The live value for `key`, or undefined (an expired entry waits for eviction). */
  get(key: string): V | undefined {
    const e = this.entries.get(key);
    return e && e.expires > this.now() ? e.value : undefined;
  }

  /** Stores `value` for `ttlMs` (0 or less: not stored). */
  set(key: string, value: V, ttlMs: number): void {
    if (ttlMs > 0) this.entries.set(key, { value, expires: this.now() + ttlMs });
  }
}
