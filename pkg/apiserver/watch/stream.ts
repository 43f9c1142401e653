/**
 * Serves one client watch over HTTP: status 200, chunked, one `{"type":…,"object":…}` JSON per
 * line. Events come from the resource's watch cache; the object JSON is shared across clients
 * (serialized once). Label/field-selected watches follow Kubernetes: an object moving into the
 * selector is ADDED, out of it DELETED. Optional periodic BOOKMARKs. A 410 (too old
 * resourceVersion) is one ERROR event on a 200 stream, then the stream ends: whether it happens
 * while open or at the start, as kube-apiserver does (its cacher answers a watch it cannot serve
 * with an error watcher, not an HTTP error), so client-go, @kubernetes/client-node and the
 * Python client all see the Status they expect.
 */
import type { Context } from 'koa';
import type { KubeObject, Status } from '../../api/meta';
import { isGone, StatusError } from '../../api/errors';
import type { CachedEvent, CacheWatcher } from './cache';

/** Turns an object (and, when available, its cached event) into the JSON of `object`. */
export type ObjectEncoder = (obj: KubeObject, ev?: CachedEvent) => string;

/** What a watch stream needs to know. */
export interface WatchStreamOptions {
  /** Events after this revision are sent. */
  fromRevision: number;
  /** Objects already sent as ADDED before following (resourceVersion unset or 0). */
  initial: KubeObject[];
  /** Selects the objects this watch is about (namespace, name, labels, fields). */
  matches: (obj: KubeObject) => boolean;
  timeoutMs: number;
  bookmarkIntervalMs?: number;
  /** apiVersion/kind of bookmark objects. */
  bookmarkType: { apiVersion: string; kind: string };
  encode: ObjectEncoder;
  /** Registers the cache watcher. May throw a 410 StatusError before anything is written. */
  register(sink: { event(e: CachedEvent): boolean; close(err?: Error): void }): Promise<CacheWatcher>;
  /** The newest revision the cache has delivered (for bookmarks). */
  latestRevision(): number;
  onStart?(): void;
  onEnd?(): void;
}

/** Bytes a slow client may leave unread before its watch is closed (it will re-watch). */
const maxBufferedBytes = 32 * 1024 * 1024;

function line(type: string, objectJson: string): string {
  return `{"type":"${type}","object":${objectJson}}\n`;
}

/** Streams a watch until timeout, client disconnect, server shutdown or an error. */
export async function serveWatch(ctx: Context, o: WatchStreamOptions): Promise<void> {
  const res = ctx.res;
  let ended = false;
  let started = false;
  let lastRevision = o.fromRevision;
  let watcher: CacheWatcher | undefined;
  const timers: NodeJS.Timeout[] = [];

  // Events dispatched in one tick (an etcd watch response often carries several) leave in one
  // socket write: cork on the first, uncork on the next tick.
  const write = (s: string): boolean => {
    if (ended) return false;
    if (res.writableCorked === 0) {
      res.cork();
      process.nextTick(() => res.uncork());
    }
    res.write(s);
    return res.writableLength < maxBufferedBytes;
  };
  const end = (): void => {
    if (ended) return;
    ended = true;
    timers.forEach((t) => clearTimeout(t));
    watcher?.stop();
    res.end();
    if (started) o.onEnd?.();
  };

  ctx.respond = false;
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Cache-Control', 'no-cache, private');

  for (const obj of o.initial) write(line('ADDED', o.encode(obj)));

  const sink = {
    event(e: CachedEvent): boolean {
      const { ev } = e;
      const now = ev.type !== 'DELETED' && o.matches(ev.object);
      const before = ev.prevObject !== undefined && o.matches(ev.prevObject);
      lastRevision = ev.revision;
      let type: string | undefined;
      if (ev.type === 'DELETED') type = before ? 'DELETED' : undefined;
      else if (now) type = before ? 'MODIFIED' : 'ADDED';
      else if (before) type = 'DELETED';
      if (!type) return true;
      return write(line(type, o.encode(ev.object, e)));
    },
    close(err?: Error): void {
      if (err instanceof StatusError) write(line('ERROR', JSON.stringify(err.status satisfies Status)));
      end();
    },
  };
  try {
    watcher = await o.register(sink);
  } catch (err) {
    if (res.headersSent || o.initial.length > 0 || isGone(err)) {
      sink.close(err as Error);
      return;
    }
    ctx.respond = true;
    throw err;
  }
  if (ended) return; // a replayed backlog the client could not take ended it already
  // The client went away while we were registering: its 'close' has fired already and would
  // never reach the listener below, leaving the watcher and its timers behind forever.
  if (ctx.req.destroyed || res.destroyed) return end();
  res.flushHeaders();
  started = true;
  o.onStart?.();
  ctx.req.on('close', end);
  timers.push(setTimeout(end, o.timeoutMs));
  if (o.bookmarkIntervalMs) {
    const tick = (): void => {
      const rv = Math.max(lastRevision, o.latestRevision());
      write(line('BOOKMARK', JSON.stringify({ ...o.bookmarkType, metadata: { resourceVersion: String(rv) } })));
    };
    timers.push(setInterval(tick, o.bookmarkIntervalMs));
  }
}
