/**
 * The shared index informer: ONE reflector feeding ONE indexed cache, shared by any number of
 * event handlers and listers in the process (so each collection is listed and watched once).
 *
 * The reflector writes through a dispatching store: every mutation updates the cache first and
 * then notifies handlers. A relist (`replace`) is diffed against the previous contents: new
 * keys are adds, keys whose resourceVersion changed are updates, vanished keys are deletes
 * carrying a DeletedFinalStateUnknown tombstone with the last known state; unchanged objects
 * are not re-delivered.
 */
import type { Logger } from 'pino';
import type { KubeObject } from '../api/meta';
import { newLogger } from '../log/logger';
import { type Clock, realClock, type TimerHandle } from '../util/clock/clock';
import { HandlerSet, type HandlerRegistration, type ResourceEventHandler } from './event_handler';
import { IndexedCache, type Indexers } from './indexer';
import { type Lister, listerFor } from './lister';
import type { ListerWatcher } from './list_watch';
import { deepFreeze, type DeepReadonly } from '../util/immutable/deep_readonly';
import { Reflector, type ReflectorOptions, type ReflectorStore } from './reflector';
import { DeletedFinalStateUnknown } from './tombstone';
import { objectKey } from '../api/keys';

/** Options of a SharedIndexInformer. */
export interface SharedInformerOptions<T> {
  /** Names the informer in logs (e.g. the resource). */
  name?: string;
  /** Default: an `informer` component logger (handler failures are logged at error). */
  logger?: Logger;
  clock?: Clock;
  /** Indexes beyond the built-in namespace index. */
  indexers?: Indexers<T>;
  /** When > 0, every handler gets onUpdate(obj, obj) for every cached object this often. */
  resyncPeriodMs?: number;
  /** Reflector tuning (paging, watch timeout, backoff, randomness). */
  reflector?: Omit<ReflectorOptions, 'name' | 'logger' | 'clock'>;
}

function resourceVersionOf<T extends KubeObject>(obj: DeepReadonly<T>): string | undefined {
  return (obj as DeepReadonly<KubeObject>).metadata.resourceVersion;
}

/** Caches one collection and tells handlers about every change to it. */
export class SharedIndexInformer<T extends KubeObject> {
  private readonly name: string;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly cache: IndexedCache<T>;
  private readonly handlers: HandlerSet<T>;
  private readonly reflector: Reflector<T>;
  private readonly resyncPeriodMs: number;
  private started = false;
  private synced = false;
  private readonly syncWaiters = new Set<() => void>();

  constructor(lw: ListerWatcher<T>, opts: SharedInformerOptions<T> = {}) {
    this.name = opts.name ?? 'informer';
    this.log = (opts.logger ?? newLogger('informer')).child({ informer: this.name });
    this.clock = opts.clock ?? realClock;
    this.cache = new IndexedCache<T>(opts.indexers ?? {});
    this.handlers = new HandlerSet<T>(this.log);
    this.resyncPeriodMs = opts.resyncPeriodMs ?? 0;
    this.reflector = new Reflector(lw, this.dispatchingStore(), {
      ...opts.reflector,
      name: this.name,
      logger: this.log,
      clock: this.clock,
    });
  }

  /**
   * Registers `h`. Before the first sync it gets the initial list as adds like everyone else;
   * added later, it first gets the current contents as adds (to it alone), then every change.
   */
  addEventHandler(h: ResourceEventHandler<T>): HandlerRegistration {
    const registration = this.handlers.add(h);
    for (const obj of this.cache.list()) this.handlers.deliver(h, { type: 'add', obj });
    return registration;
  }

  /** Adds indexes; only before run() (throws afterwards, or if a name is taken). */
  addIndexers(indexers: Indexers<T>): void {
    if (this.started) throw new Error(`informer ${this.name} has already started; add indexers before run()`);
    this.cache.addIndexers(indexers);
  }

  /** Names of the cache's indexes (so controllers sharing one index add it once). */
  indexNames(): string[] {
    return this.cache.indexNames();
  }

  /** The read-only view of the cache. */
  lister(): Lister<T> {
    return listerFor(this.cache);
  }

  /** True once the first full list is in the cache and was delivered to the handlers. */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves true once synced, or false as soon as `signal` aborts first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return Promise.resolve(true);
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const onAbort = (): void => {
        this.syncWaiters.delete(onSync);
        resolve(false);
      };
      const onSync = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(true);
      };
      this.syncWaiters.add(onSync);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The resourceVersion the cache reflects ('' before the first list). */
  lastSyncResourceVersion(): string {
    return this.reflector.lastSyncResourceVersion();
  }

  /** True once run() was called. */
  isStarted(): boolean {
    return this.started;
  }

  /**
   * Lists and watches until `signal` aborts, then resolves; failures are retried, never
   * thrown. An informer runs once: a second run() rejects.
   */
  async run(signal: AbortSignal): Promise<void> {
    if (this.started) throw new Error(`informer ${this.name} is already started`);
    this.started = true;
    const stopResync = this.startResync(signal);
    try {
      await this.reflector.run(signal);
    } finally {
      stopResync();
    }
  }

  private markSynced(): void {
    if (this.synced) return;
    this.synced = true;
    for (const w of this.syncWaiters) w();
    this.syncWaiters.clear();
  }

  /** Periodic onUpdate(obj, obj) of everything, once synced. Returns its stop function. */
  private startResync(signal: AbortSignal): () => void {
    if (this.resyncPeriodMs <= 0) return () => undefined;
    let timer: TimerHandle | undefined;
    const tick = (): void => {
      if (signal.aborted) return;
      if (this.synced)
        for (const obj of this.cache.list()) this.handlers.distribute({ type: 'update', oldObj: obj, newObj: obj });
      timer = this.clock.setTimeout(tick, this.resyncPeriodMs);
    };
    timer = this.clock.setTimeout(tick, this.resyncPeriodMs);
    return () => {
      if (timer) this.clock.clearTimeout(timer);
    };
  }

  /** The ReflectorStore that updates the cache, then notifies handlers. */
  private dispatchingStore(): ReflectorStore<T> {
    const cache = this.cache;
    const handlers = this.handlers;
    const upsert = (obj: T): void => {
      const old = cache.get(objectKey(obj));
      cache.add(obj);
      const cur = deepFreeze(obj);
      handlers.distribute(old ? { type: 'update', oldObj: old, newObj: cur } : { type: 'add', obj: cur });
    };
    return {
      add: upsert,
      update: upsert,
      delete: (obj) => {
        cache.delete(obj);
        handlers.distribute({ type: 'delete', obj: deepFreeze(obj) });
      },
      replace: (items, resourceVersion) => {
        const before = new Map<string, DeepReadonly<T>>();
        for (const key of cache.listKeys()) {
          const obj = cache.get(key);
          if (obj) before.set(key, obj);
        }
        cache.replace(items, resourceVersion);
        const next = new Map<string, T>();
        for (const item of items) next.set(objectKey(item), item);
        for (const [key, item] of next) {
          const cur = deepFreeze(item);
          const old = before.get(key);
          before.delete(key);
          if (!old) handlers.distribute({ type: 'add', obj: cur });
          else if (changed(old, cur)) handlers.distribute({ type: 'update', oldObj: old, newObj: cur });
        }
        for (const [key, old] of before)
          handlers.distribute({ type: 'delete', obj: new DeletedFinalStateUnknown(key, old) });
        this.markSynced();
      },
    };
  }
}

/** By resourceVersion; objects without one count as changed unless identical. */
function changed<T extends KubeObject>(a: DeepReadonly<T>, b: DeepReadonly<T>): boolean {
  const ra = resourceVersionOf(a);
  const rb = resourceVersionOf(b);
  return ra === undefined || rb === undefined ? a !== b : ra !== rb;
}
