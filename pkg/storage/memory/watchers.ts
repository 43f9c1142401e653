/**
 * The memory store's change log and watch fan-out. Every write is appended to the log; a watch
 * first replays the log after its start revision, then receives new changes, each watcher in
 * revision order and always asynchronously (like a watch stream from etcd). Each delivered
 * object is a fresh copy.
 */
import { decode } from '../etcd/codec';
import type { StorageError } from '../errors';
import type { StorageEvent, StorageWatchHandlers } from '../interfaces';

/** One write as the log keeps it. */
export interface Change {
  type: StorageEvent['type'];
  key: string;
  rev: number;
  /** The new encoded value; for DELETED, the last value before the delete. */
  value: Buffer;
  /** The value before the change and the revision it was written at (absent for ADDED). */
  prev?: { value: Buffer; rev: number };
}

/** Builds the event a watcher sees, as the etcd store does (DELETED: the last state at the delete's revision). */
function toEvent(c: Change): StorageEvent {
  const object = decode(c.value, c.rev);
  if (c.type === 'DELETED')
    return { type: c.type, key: c.key, object, prevObject: decode(c.value, c.rev), revision: c.rev };
  const prevObject = c.prev ? decode(c.prev.value, c.prev.rev) : undefined;
  return { type: c.type, key: c.key, object, ...(prevObject ? { prevObject } : {}), revision: c.rev };
}

/** One registered watch: a queue of changes not yet delivered. */
class Watcher {
  private queue: Change[] = [];
  private scheduled = false;
  stopped = false;

  constructor(
    readonly prefix: string,
    private readonly handlers: StorageWatchHandlers,
  ) {}

  enqueue(c: Change): void {
    this.queue.push(c);
    this.schedule();
  }

  /** Ends the watch with `err`, asynchronously, before any event. */
  fail(err: StorageError): void {
    setImmediate(() => {
      if (this.stopped) return;
      this.stopped = true;
      this.handlers.onError(err);
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    for (const c of batch) {
      if (this.stopped) return;
      try {
        this.handlers.onEvent(toEvent(c));
      } catch (err) {
        // A handler's bug must not stop the stream; surface it like an unhandled error.
        setImmediate(() => {
          throw err;
        });
      }
    }
  }
}

/** The change log and the watchers fed from it. */
export class WatchHub {
  private log: Change[] = [];
  private readonly watchers = new Set<Watcher>();

  /** Records a write and queues it for every watcher of a matching prefix. */
  append(c: Change): void {
    this.log.push(c);
    for (const w of this.watchers) if (c.key.startsWith(w.prefix)) w.enqueue(c);
  }

  /**
   * Starts a watch of `prefix` after `afterRevision`: the logged changes after it are replayed
   * first. With `expired` the watch delivers nothing but that error. Returns the stop function.
   */
  watch(prefix: string, afterRevision: number, handlers: StorageWatchHandlers, expired?: StorageError): () => void {
    const w = new Watcher(prefix, handlers);
    if (expired) {
      w.fail(expired);
      return () => {
        w.stopped = true;
      };
    }
    for (const c of this.log) if (c.rev > afterRevision && c.key.startsWith(prefix)) w.enqueue(c);
    this.watchers.add(w);
    return () => {
      w.stopped = true;
      this.watchers.delete(w);
    };
  }

  /** Forgets logged changes before `rev` (a watch after rev-1 still replays everything it needs). */
  compact(rev: number): void {
    const keepFrom = this.log.findIndex((c) => c.rev >= rev);
    this.log = keepFrom < 0 ? [] : this.log.slice(keepFrom);
  }

  /** Stops every watch (the store is closing). */
  stopAll(): void {
    for (const w of this.watchers) w.stopped = true;
    this.watchers.clear();
  }
}
