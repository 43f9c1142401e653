/**
 * A bounded map that forgets the least recently used key first (the LRU caches of client-go's
 * events_cache.go: correlation and spam-filter state never grow without bound).
 */

/** A Map of at most `max` entries; get() and set() make a key the most recently used. */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();

  /** `max` ≥ 1 entries are kept; `onEvict` hears about every entry forgotten for room. */
  constructor(
    private readonly max: number,
    private readonly onEvict?: (key: K, value: V) => void,
  ) {
    if (!(max >= 1)) throw new Error(`LruCache size must be ≥ 1, got ${max}`);
  }

  /** The value, marked most recently used (undefined when absent). */
  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v === undefined) return undefined;
    this.map.delete(key);
    this.map.set(key, v);
    return v;
  }

  /** The value without touching its recency. */
  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  /** Stores `value` as most recently used, evicting the oldest entries beyond `max`. */
  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.max) {
      const oldest = this.map.entries().next();
      if (oldest.done) break;
      this.map.delete(oldest.value[0]);
      this.onEvict?.(oldest.value[0], oldest.value[1]);
    }
  }

  /** Number of entries. */
  get size(): number {
    return this.map.size;
  }
}
