/**
 * An in-memory ListerWatcher for informer unit tests: the "server" is a map of objects plus a
 * resourceVersion; each watch is a FakeWatch the test pushes events into, fails or closes.
 * Errors to inject are queued per call kind.
 */
import type { KubeObject, ObjectList, WatchEvent, WatchEventType } from '../../../pkg/api/meta';
import type { Watch } from '../../../pkg/client/resource_client';
import type { ListerWatcher, ListPageOptions, WatchStartOptions } from '../../../pkg/informer/list_watch';
import { objectKey } from '../../../pkg/api/keys';

type Item<T> = { kind: 'event'; ev: WatchEvent<T> } | { kind: 'error'; err: unknown } | { kind: 'end' };

/** A watch stream under the test's control. */
export class FakeWatch<T> implements Watch<T> {
  stopped = false;
  private readonly queue: Item<T>[] = [];
  private wake: (() => void) | undefined;
  readonly events: AsyncIterable<WatchEvent<T>>;

  constructor(readonly opts: WatchStartOptions) {
    const self = this;
    this.events = {
      [Symbol.asyncIterator]: async function* () {
        for (;;) {
          while (self.queue.length === 0) await new Promise<void>((resolve) => (self.wake = resolve));
          const item = self.queue.shift();
          if (!item || item.kind === 'end') return;
          if (item.kind === 'error') throw item.err;
          yield item.ev;
        }
      },
    };
  }

  /** Delivers one event. */
  push(type: WatchEventType, object: T): void {
    this.enqueue({ kind: 'event', ev: { type, object } });
  }

  /** Breaks the stream: iteration throws `err`. */
  fail(err: unknown): void {
    this.enqueue({ kind: 'error', err });
  }

  /** Ends the stream cleanly (what a server-side timeout looks like). */
  close(): void {
    this.enqueue({ kind: 'end' });
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.queue.length = 0;
    this.close();
  }

  private enqueue(item: Item<T>): void {
    this.queue.push(item);
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** The fake API: `objects` + `resourceVersion` are what list returns. */
export class FakeListerWatcher<T extends KubeObject> implements ListerWatcher<T> {
  readonly objects = new Map<string, T>();
  resourceVersion = '1';
  readonly listCalls: ListPageOptions[] = [];
  /** Every watch call's options, failed ones included. */
  readonly watchCalls: WatchStartOptions[] = [];
  /** Every watch that was opened. */
  readonly watches: FakeWatch<T>[] = [];
  /** Errors the next list calls reject with, in order. */
  readonly listErrors: unknown[] = [];
  /** Errors the next watch calls reject with, in order. */
  readonly watchErrors: unknown[] = [];

  /** Called at the start of every list call with its index (0 for the first). */
  onList: ((call: number) => void) | undefined;

  constructor(objects: T[] = [], resourceVersion = '1') {
    this.set(objects, resourceVersion);
  }

  /** Replaces the server's contents. */
  set(objects: T[], resourceVersion: string): void {
    this.objects.clear();
    for (const o of objects) this.objects.set(objectKey(o), o);
    this.resourceVersion = resourceVersion;
  }

  async list(opts: ListPageOptions): Promise<ObjectList<T>> {
    this.onList?.(this.listCalls.length);
    this.listCalls.push({ ...opts });
    const err = this.listErrors.shift();
    if (err !== undefined) throw err;
    const all = [...this.objects.values()].map((o) => structuredClone(o));
    const start = opts.continue ? Number(opts.continue) : 0;
    const end = opts.limit ? start + opts.limit : all.length;
    const more = end < all.length;
    return {
      metadata: { resourceVersion: this.resourceVersion, ...(more ? { continue: String(end) } : {}) },
      items: all.slice(start, end),
    };
  }

  async watch(opts: WatchStartOptions): Promise<Watch<T>> {
    this.watchCalls.push({ ...opts });
    const err = this.watchErrors.shift();
    if (err !== undefined) throw err;
    const w = new FakeWatch<T>(opts);
    this.watches.push(w);
    return w;
  }

  /** The most recent watch (throws if none was opened). */
  lastWatch(): FakeWatch<T> {
    const w = this.watches[this.watches.length - 1];
    if (!w) throw new Error('no watch was opened');
    return w;
  }
}

/** A test object. */
export interface Obj extends KubeObject {
  spec?: { node?: string; tags?: string[] };
}

/** An Obj named `name` (in `namespace` when given) at resourceVersion `rv`. */
export function obj(
  name: string,
  rv: string,
  extra: { namespace?: string; node?: string; labels?: Record<string, string>; tags?: string[] } = {},
): Obj {
  return {
    metadata: {
      name,
      resourceVersion: rv,
      ...(extra.namespace ? { namespace: extra.namespace } : {}),
      ...(extra.labels ? { labels: extra.labels } : {}),
    },
    ...(extra.node !== undefined || extra.tags
      ? {
          spec: {
            ...(extra.node !== undefined ? { node: extra.node } : {}),
            ...(extra.tags ? { tags: extra.tags } : {}),
          },
        }
      : {}),
  };
}

/** Lets pending promise callbacks and I/O run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
