/**
 * A small bounded cache with a per-entry lifetime, for the kubelet's webhook answers
 * (TokenReview, SubjectAccessReview), as the kubelet's --authentication-token-webhook-cache-ttl
 * and --authorization-webhook-cache-*-ttl caches: a repeated request costs no apiserver call.
 */

/** Entries expire `ttlMs` after they were set; past `capacity` the oldest entry goes first. */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expires: number }>();

  constructor(
    private readonly capacity = 4096,
    private readonly now: () => number = Date.now,
  ) {}

  /** The live value for `key`, or undefined. */
  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.expires <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  /** Stores `value` for `ttlMs` (0 or less: not stored). */
  set(key: string, value: V, ttlMs: number): void {
    if (ttlMs <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expires: this.now() + ttlMs });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }
}
