/**
 * The watch cache: ONE store watch per resource type, fanned out in memory to every client
 * watch. It keeps the current objects (for cheap existence checks) and a bounded ring of
 * recent events so a watch can start from any revision still in the window. Each event is
 * serialized at most once, however many clients receive it.
 *
 * Contract: a watcher started from revision R receives every event with revision > R exactly
 * once, in revision order. R older than the window, or compacted in the store, is a 410.
 */
import type { Logger } from 'pino';
import type { KubeObject } from '../../api/meta';
import { gone, serviceUnavailable, tooLargeResourceVersion } from '../../api/errors';
import { isStorageError, StorageErrorCode } from '../../storage/errors';
import type { Storage, StorageEvent } from '../../storage/interfaces';
import { storageKeyOf } from '../../api/keys';
import { backoffUntil } from '../../util/wait';

/** A store event plus its lazily computed, shared JSON serialization. */
export class CachedEvent {
  private json?: string;

  constructor(readonly ev: StorageEvent) {}

  /** The object serialized once and shared by every receiver. */
  objectJson(): string {
    this.json ??= JSON.stringify(this.ev.object);
    return this.json;
  }
}

/** Receives a client watch's events. `close` is called at most once. */
export interface CacheWatcherSink {
  /** Delivers one event; returns false when the receiver cannot keep up (the watch is closed). */
  event(e: CachedEvent): boolean;
  /** The watch ends: with an error (410 on compaction/reset) or cleanly. */
  close(err?: Error): void;
}

/** A registered client watch; `stop` unregisters it. */
export interface CacheWatcher {
  stop(): void;
}

/** Options of a watch cache. */
export interface WatchCacheOptions {
  storage: Storage;
  /** The key prefix of the resource, ending in '/'. */
  prefix: string;
  /** Events kept for watches that start in the past (default 10,000). */
  capacity?: number;
  logger: Logger;
}

/** One resource's watch cache. */
export class WatchCache {
  private readonly storage: Storage;
  private readonly prefix: string;
  private readonly capacity: number;
  private readonly log: Logger;
  private readonly ring: CachedEvent[] = [];
  private ringStart = 0;
  private readonly objects = new Map<string, KubeObject>();
  /** Each registered watcher and the revision it started from (it gets only later events). */
  private readonly watchers = new Map<CacheWatcherSink, number>();
  /** Every event after this revision is in the ring. */
  private oldest = 0;
  /** The newest revision this cache has seen (events for this prefix only). */
  private latest = 0;
  private stopWatch?: () => void;
  /** Aborted by stop() (a later start() opens a new one): ends the restart retries. */
  private lifetime = new AbortController();

  constructor(opts: WatchCacheOptions) {
    this.storage = opts.storage;
    this.prefix = opts.prefix;
    this.capacity = opts.capacity ?? 10_000;
    this.log = opts.logger;
  }

  /** Lists the current objects and starts the store watch. Retries until the store answers. */
  async start(): Promise<void> {
    if (this.lifetime.signal.aborted) this.lifetime = new AbortController();
    const { items, revision } = await this.storage.list(this.prefix);
    this.objects.clear();
    for (const o of items) this.objects.set(storageKeyOf(this.prefix, o), o);
    this.ring.length = 0;
    this.ringStart = 0;
    this.oldest = revision;
    this.latest = revision;
    this.stopWatch = await this.storage.watch(this.prefix, revision, {
      onEvent: (ev) => this.dispatch(ev),
      onError: (err) => void this.reset(err),
    });
  }

  /** The newest revision delivered to watchers; a safe bookmark revision. */
  get latestRevision(): number {
    return this.latest;
  }

  /** The cached current object for a key (may lag the store by a few ms). */
  getCached(key: string): KubeObject | undefined {
    return this.objects.get(key);
  }

  /**
   * Every cached object under `prefix` (a key prefix within this resource) and the revision
   * they are current at: a list at resourceVersion "0" ("any version") served from memory.
   * A watch from the returned revision continues exactly after it.
   */
  snapshot(prefix: string): { items: KubeObject[]; revision: number } {
    const items: KubeObject[] = [];
    for (const [key, obj] of this.objects) if (key.startsWith(prefix)) items.push(obj);
    return { items, revision: this.latest };
  }

  /** Number of registered client watches. */
  get watcherCount(): number {
    return this.watchers.size;
  }

  /**
   * Registers a watcher for events after `revision`: buffered events are replayed first.
   * Throws a 410 StatusError when the revision is no longer available.
   */
  async watch(revision: number, sink: CacheWatcherSink): Promise<CacheWatcher> {
    if (revision < this.oldest) {
      throw gone(`too old resource version: ${revision} (${this.oldest})`);
    }
    try {
      await this.storage.checkRevision(revision);
    } catch (err) {
      if (isStorageError(err, StorageErrorCode.Expired))
        throw gone(`too old resource version: ${revision} (compacted)`);
      if (isStorageError(err, StorageErrorCode.ResourceVersionTooLarge))
        throw tooLargeResourceVersion(revision, this.latest);
      if (isStorageError(err, StorageErrorCode.Unreachable))
        throw serviceUnavailable(`storage is unavailable: ${err.message}`);
      throw err;
    }
    if (revision < this.oldest) throw gone(`too old resource version: ${revision} (${this.oldest})`);
    for (let i = this.ringStart; i < this.ring.length; i++) {
      const e = this.ring[i];
      if (e && e.ev.revision > revision && !sink.event(e)) {
        sink.close();
        return { stop: () => undefined };
      }
    }
    // The store may be ahead of this cache (a list read from it at R, then a watch from R):
    // events up to R, dispatched later, are not this watcher's.
    this.watchers.set(sink, revision);
    return { stop: () => this.watchers.delete(sink) };
  }

  private dispatch(ev: StorageEvent): void {
    if (ev.revision <= this.latest) return;
    this.latest = ev.revision;
    if (ev.type === 'DELETED') this.objects.delete(ev.key);
    else this.objects.set(ev.key, ev.object);
    const cached = new CachedEvent(ev);
    this.ring.push(cached);
    if (this.ring.length - this.ringStart > this.capacity) {
      const dropped = this.ring[this.ringStart];
      this.ringStart++;
      if (dropped) this.oldest = dropped.ev.revision;
      if (this.ringStart > this.capacity) {
        this.ring.splice(0, this.ringStart);
        this.ringStart = 0;
      }
    }
    for (const [w, from] of this.watchers) {
      if (ev.revision <= from) continue;
      if (!w.event(cached)) {
        this.watchers.delete(w);
        w.close();
      }
    }
  }

  /** The store watch broke (compaction): every client gets a 410 and the cache relists. */
  private async reset(err: Error): Promise<void> {
    this.log.warn({ prefix: this.prefix, err: err.message }, 'store watch ended; resetting watch cache');
    const expired = gone(`watch of ${this.prefix} expired: ${err.message}`);
    // Until start() re-primes the ring, events are missing from it: refuse every watch (410)
    // rather than register one that would silently skip the writes made meanwhile.
    this.oldest = Number.MAX_SAFE_INTEGER;
    for (const w of this.watchers.keys()) w.close(expired);
    this.watchers.clear();
    this.stopWatch?.();
    await backoffUntil(() => this.start(), {
      backoff: { durationMs: 100, factor: 2, capMs: 5000 },
      signal: this.lifetime.signal,
      onRetry: (e) =>
        this.log.warn({ prefix: this.prefix, err: (e as Error).message }, 'watch cache restart failed; retrying'),
    });
  }

  /** Stops the store watch and closes every client watch cleanly. */
  stop(): void {
    this.lifetime.abort();
    this.stopWatch?.();
    for (const w of this.watchers.keys()) w.close();
    this.watchers.clear();
  }
}
