/**
 * The base work queue (client-go util/workqueue Type): a FIFO of string keys with a `dirty`
 * set (keys that need processing) and a `processing` set (keys a worker holds).
 *
 * - A key waiting in the queue is stored once: adding it again is a no-op (deduplication).
 * - get() moves a key from the queue to `processing`; a key is never handed to two workers
 *   at once.
 * - A key added while it is being processed is remembered (dirty) and queued again when the
 *   worker calls done(), so the latest state is always looked at after the current pass.
 */
import type { QueueMetrics } from './metrics';

/** What get() resolves to: a key to process, or `shutdown: true` once the queue is shut down and empty. */
export type GetResult = { item: string; shutdown: false } | { item: ''; shutdown: true };

/** Options of a Queue. */
export interface QueueOptions {
  /** Optional counters (adds, depth, retries); omitted means no metrics. */
  metrics?: QueueMetrics;
}

/** Compacts the backing array once this many consumed slots pile up at its head. */
const COMPACT_AFTER = 1024;

/** A deduplicating FIFO work queue of string keys; see the file comment for its contract. */
export class Queue {
  /** Optional metrics hook, shared with subclasses. */
  protected readonly metrics: QueueMetrics | undefined;
  private items: string[] = [];
  private head = 0;
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly waiters: ((r: GetResult) => void)[] = [];
  private drainers: (() => void)[] = [];
  private shutting = false;

  constructor(options: QueueOptions = {}) {
    this.metrics = options.metrics;
  }

  /**
   * Marks `item` as needing processing. Ignored after shutdown and while `item` is already
   * waiting; if a worker holds `item` it is queued again when that worker calls done().
   */
  add(item: string): void {
    if (this.shutting || this.dirty.has(item)) return;
    this.dirty.add(item);
    this.metrics?.adds();
    if (this.processing.has(item)) return;
    this.push(item);
  }

  /**
   * Resolves with the next key, waiting while the queue is empty. The key stays "processing"
   * until done(key). After shutDown() the keys still queued are handed out, then every call
   * (pending or new) resolves `{ item: '', shutdown: true }`. Waiting callers are served in
   * call order.
   */
  get(): Promise<GetResult> {
    const item = this.pop();
    if (item !== undefined) return Promise.resolve(this.take(item));
    if (this.shutting) return Promise.resolve({ item: '', shutdown: true });
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Ends processing of `item`. If it was added again meanwhile it goes back in the queue.
   * Calling done() for a key that is not processing does nothing.
   */
  done(item: string): void {
    if (!this.processing.delete(item)) return;
    if (this.dirty.has(item)) this.push(item);
    if (this.processing.size === 0 && this.drainers.length > 0) {
      const drainers = this.drainers;
      this.drainers = [];
      for (const resolve of drainers) resolve();
    }
  }

  /** Number of keys waiting to be handed out (not counting keys being processed). */
  len(): number {
    return this.items.length - this.head;
  }

  /**
   * Stops accepting adds and wakes every waiting get() with `shutdown: true`. Keys already
   * queued can still be taken with get(); it does not wait for workers. Idempotent.
   */
  shutDown(): void {
    this.shutting = true;
    const waiters = this.waiters.splice(0);
    for (const resolve of waiters) resolve({ item: '', shutdown: true });
  }

  /**
   * Like shutDown(), then resolves once no key is being processed, i.e. every key handed out
   * by get() has had done() called. Keys still queued do not delay it (workers that keep
   * calling get() still receive them); with nothing processing it resolves at once.
   */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainers.push(resolve));
  }

  /** True once shutDown() or shutDownWithDrain() has been called. */
  shuttingDown(): boolean {
    return this.shutting;
  }

  /** Queues a dirty, not-processing key, handing it straight to a waiting get() if any. */
  private push(item: string): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter(this.take(item));
      return;
    }
    this.items.push(item);
    this.metrics?.depth(this.len());
  }

  /** Moves a key from waiting to processing. */
  private take(item: string): GetResult {
    this.dirty.delete(item);
    this.processing.add(item);
    return { item, shutdown: false };
  }

  private pop(): string | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.head++;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    this.metrics?.depth(this.len());
    return item;
  }
}
