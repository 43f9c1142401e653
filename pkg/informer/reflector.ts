/**
 * The reflector (client-go tools/cache Reflector): keeps a store equal to the server's
 * collection by listing it once and then following a watch.
 *
 *  - List: paged (`pageSize`, following `continue`), a consistent read; the pages replace the
 *    store wholesale. A list error is retried, with backoff, from the first page. A continue
 *    token that expired (410) falls back to one unpaged list.
 *  - Watch: from the last seen resourceVersion (the list's, then each event's), with bookmarks
 *    and a randomized server-side timeout in [min, 2·min) seconds. ADDED/MODIFIED/DELETED go
 *    to the store; BOOKMARK only moves the resourceVersion.
 *  - A cleanly closed watch is resumed from the last resourceVersion, without a relist.
 *  - 410 Gone (watch rejected with it, or an ERROR event carrying it) means the version is
 *    compacted away: relist.
 *  - Any other failure (transport, 5xx, an ERROR event, a malformed line) backs off and
 *    re-watches from the last resourceVersion. So does a watch that closes cleanly within a
 *    second having delivered nothing (a server that ends every watch at once cannot spin us).
 *  - A watch still open well past its timeout (timeout + 30 s) is stopped and resumed: a
 *    half-dead connection that never errors cannot freeze the cache.
 */
import type { Logger } from 'pino';
import { isGone, StatusError } from '../api/errors';
import type { KubeObject, ObjectList, Status } from '../api/meta';
import type { Watch } from '../client/resource_client';
import { newLogger } from '../log/logger';
import { type Clock, realClock } from '../util/clock/clock';
import { BackoffManager, type BackoffManagerOptions } from '../util/wait';
import type { ListerWatcher } from './list_watch';

/** The store methods the reflector uses (consumer-defined; an Indexer satisfies it). */
export interface ReflectorStore<T> {
  /** Replaces the whole contents with a fresh list read at `resourceVersion`. */
  replace(items: T[], resourceVersion: string): void;
  add(obj: T): void;
  update(obj: T): void;
  delete(obj: T): void;
}

/** Reflector tuning and injected dependencies. */
export interface ReflectorOptions {
  /** Names the reflector in logs (e.g. the resource). */
  name?: string;
  /** Default: a `reflector` component logger. */
  logger?: Logger;
  clock?: Clock;
  /** Randomness for watch timeouts and backoff jitter (default Math.random). */
  random?: () => number;
  /** Items per list page (default 500; 0 lists in one request). */
  pageSize?: number;
  /** Each watch asks for a timeout in [min, 2·min) seconds (default 300: 5–10 min). */
  minWatchTimeoutSeconds?: number;
  /** Retry backoff of failed lists and watches (default: client-go's reflector values). */
  backoff?: Partial<BackoffManagerOptions>;
}

/** How a watch ended. */
type WatchOutcome = { kind: 'closed' } | { kind: 'gone' } | { kind: 'aborted' } | { kind: 'failed'; error: unknown };

const shortWatchMs = 1000;
const watchGraceSeconds = 30;

class Aborted extends Error {}

/** Lists and watches one collection into a ReflectorStore until stopped. */
export class Reflector<T extends KubeObject> {
  private readonly name: string;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly pageSize: number;
  private readonly minWatchTimeoutSeconds: number;
  private readonly backoff: BackoffManager;
  private lastRV = '';
  private running = false;

  constructor(
    private readonly lw: ListerWatcher<T>,
    private readonly store: ReflectorStore<T>,
    opts: ReflectorOptions = {},
  ) {
    this.name = opts.name ?? 'reflector';
    this.log = (opts.logger ?? newLogger('reflector')).child({ reflector: this.name });
    this.clock = opts.clock ?? realClock;
    this.random = opts.random ?? Math.random;
    this.pageSize = opts.pageSize ?? 500;
    this.minWatchTimeoutSeconds = opts.minWatchTimeoutSeconds ?? 300;
    this.backoff = new BackoffManager(this.clock, opts.backoff, this.random);
  }

  /** Set after a 410: relists then read the store, not a possibly stale cache. */
  private consistentList = false;

  /** The resourceVersion of the last list or event applied ('' before the first list). */
  lastSyncResourceVersion(): string {
    return this.lastRV;
  }

  /**
   * Lists, watches, and recovers from failures until `signal` aborts; resolves then. Failures
   * are retried, never thrown. A reflector runs once: a second run() rejects.
   */
  async run(signal: AbortSignal): Promise<void> {
    if (this.running) throw new Error(`reflector ${this.name} is already running`);
    this.running = true;
    while (!signal.aborted) {
      try {
        await this.listAndReplace(signal);
      } catch (err) {
        if (signal.aborted) return;
        this.log.warn({ err }, 'list failed; retrying after backoff');
        await this.backoff.wait(signal);
        continue;
      }
      await this.watchUntilGone(signal);
      // After a 410 the cache-served version may be too old too: read the store itself.
      this.consistentList = true;
    }
  }

  /**
   * Lists: the first time at resourceVersion "0" (any version — an apiserver may serve it from
   * its watch cache in one response, as client-go's reflector asks), after a 410 from the
   * store itself (no resourceVersion), in pages of `pageSize` either way.
   */
  private async listAndReplace(signal: AbortSignal): Promise<void> {
    let items: T[] = [];
    let cont: string | undefined;
    let rv = '';
    const anyVersion = this.consistentList ? {} : { resourceVersion: '0' };
    for (;;) {
      const paged = this.pageSize > 0;
      let page: ObjectList<T>;
      try {
        page = await abortable(
          this.lw.list(paged ? { limit: this.pageSize, ...(cont ? { continue: cont } : anyVersion) } : anyVersion),
          signal,
        );
      } catch (err) {
        if (!(cont && isGone(err))) throw err;
        this.log.info('continue token expired; listing without paging');
        items = [];
        page = await abortable(this.lw.list({}), signal);
      }
      for (const item of page.items) items.push(item);
      rv = page.metadata.resourceVersion ?? rv;
      cont = page.metadata.continue;
      if (!cont) break;
    }
    this.store.replace(items, rv);
    this.lastRV = rv;
    this.log.debug({ items: items.length, resourceVersion: rv }, 'listed');
  }

  /** Watches (resuming and retrying as needed) until a 410 asks for a relist or `signal` aborts. */
  private async watchUntilGone(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const outcome = await this.watchOnce(signal);
      switch (outcome.kind) {
        case 'aborted':
          return;
        case 'gone':
          this.log.info({ resourceVersion: this.lastRV }, 'watch expired (410); relisting');
          return;
        case 'closed':
          break;
        case 'failed':
          this.log.warn({ err: outcome.error, resourceVersion: this.lastRV }, 'watch failed; retrying after backoff');
          await this.backoff.wait(signal);
          break;
      }
    }
  }

  private async watchOnce(signal: AbortSignal): Promise<WatchOutcome> {
    const timeoutSeconds = Math.floor(this.minWatchTimeoutSeconds * (1 + this.random()));
    const pending = this.lw.watch({ resourceVersion: this.lastRV, timeoutSeconds, allowWatchBookmarks: true });
    let w: Watch<T>;
    try {
      w = await abortable(pending, signal);
    } catch (err) {
      if (signal.aborted) {
        pending.then(
          (late) => late.stop(),
          () => undefined,
        );
        return { kind: 'aborted' };
      }
      return isGone(err) ? { kind: 'gone' } : { kind: 'failed', error: err };
    }
    const watch = w;
    if (signal.aborted) {
      watch.stop();
      return { kind: 'aborted' };
    }
    const started = this.clock.now();
    let events = 0;
    let stalled = false;
    const stop = (): void => watch.stop();
    signal.addEventListener('abort', stop, { once: true });
    const watchdog = this.clock.setTimeout(
      () => {
        stalled = true;
        watch.stop();
      },
      (timeoutSeconds + watchGraceSeconds) * 1000,
    );
    try {
      for await (const ev of watch.events) {
        if (signal.aborted) break;
        events++;
        if (this.apply(ev.type, ev.object) === 'gone') return { kind: 'gone' };
      }
    } catch (err) {
      return signal.aborted ? { kind: 'aborted' } : { kind: 'failed', error: err };
    } finally {
      signal.removeEventListener('abort', stop);
      this.clock.clearTimeout(watchdog);
      watch.stop();
    }
    if (signal.aborted) return { kind: 'aborted' };
    if (stalled) {
      this.log.info({ timeoutSeconds }, 'watch outlived its timeout; restarting it');
      return { kind: 'closed' };
    }
    if (events === 0 && this.clock.now() - started < shortWatchMs) {
      return { kind: 'failed', error: new Error('watch closed immediately without delivering any event') };
    }
    return { kind: 'closed' };
  }

  /** Applies one event; returns 'gone' for an ERROR 410, throws for other ERROR events. */
  private apply(type: string, obj: T): 'gone' | undefined {
    switch (type) {
      case 'ADDED':
        this.store.add(obj);
        break;
      case 'MODIFIED':
        this.store.update(obj);
        break;
      case 'DELETED':
        this.store.delete(obj);
        break;
      case 'BOOKMARK':
        break;
      case 'ERROR': {
        const status = asStatus(obj);
        const err = status
          ? StatusError.fromStatus(status)
          : new Error(`watch ERROR event without a Status: ${JSON.stringify(obj).slice(0, 200)}`);
        if (isGone(err)) return 'gone';
        throw err;
      }
      default:
        throw new Error(`unknown watch event type ${JSON.stringify(type)}`);
    }
    const rv = obj.metadata?.resourceVersion;
    if (rv) this.lastRV = rv;
    return undefined;
  }
}

function asStatus(v: unknown): Status | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const s = v as { kind?: unknown; code?: unknown };
  return s.kind === 'Status' && typeof s.code === 'number' ? (v as Status) : undefined;
}

/** `p`, or a rejection with Aborted as soon as `signal` aborts (p keeps running). */
function abortable<R>(p: Promise<R>, signal: AbortSignal): Promise<R> {
  if (signal.aborted) {
    p.catch(() => undefined);
    return Promise.reject(new Aborted('aborted'));
  }
  return new Promise<R>((resolve, reject) => {
    const onAbort = (): void => reject(new Aborted('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}
