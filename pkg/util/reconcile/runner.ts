/**
 * The controller contract and the ONE generic worker loop (controller-runtime style).
 * A Reconciler gets a key and re-reads everything it needs from listers; it returns
 * `{ requeueAfter }` to be looked at again later, throws to be retried with per-item backoff,
 * or throws a TerminalError when retrying cannot help (the failure is recorded by the
 * reconciler — an event or condition — and the key is forgotten).
 */
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, type Registry } from '../../metrics/registry';

/** What a reconcile asks of the runner. */
export interface Result {
  /** Look at the key again after this many ms (no backoff). */
  requeueAfter?: number;
}

/** A failure that retrying cannot fix: logged, not requeued. */
export class TerminalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TerminalError';
  }
}

/**
 * Level-based reconciliation of one key. `signal` aborts when the runner stops (process
 * shutdown, lost leadership): long calls (API writes, docker, mounts) should take it so a
 * stopping component does not wait on them (controller-runtime passes a context the same way).
 */
export interface Reconciler {
  reconcile(key: string, signal: AbortSignal): Promise<Result | void>;
}

/** The queue methods the runner uses (a rate-limiting work queue satisfies it). */
export interface WorkQueue {
  get(): Promise<{ item: string; shutdown: boolean }>;
  done(item: string): void;
  forget(item: string): void;
  addRateLimited(item: string): void;
  addAfter(item: string, ms: number): void;
  numRequeues(item: string): number;
  len(): number;
  shutDown(): void;
}

/** Metrics shared by every controller of a process. */
export class ControllerMetrics {
  readonly reconciles: Counter;
  readonly latency: Histogram;
  readonly retries: Counter;
  private readonly queues = new Map<string, WorkQueue>();

  constructor(registry: Registry) {
    this.reconciles = registry.register(
      new Counter('controller_reconcile_total', 'Reconciles by controller and result.'),
    );
    this.latency = registry.register(
      new Histogram('controller_reconcile_duration_seconds', 'Reconcile latency by controller.'),
    );
    this.retries = registry.register(new Counter('workqueue_retries_total', 'Items requeued with backoff, by queue.'));
    registry.register(
      new Gauge('workqueue_depth', 'Items waiting, by queue.', () =>
        [...this.queues].map(([name, q]) => [{ name }, q.len()]),
      ),
    );
  }

  /** Tracks a queue's depth under a name. */
  track(name: string, q: WorkQueue): void {
    this.queues.set(name, q);
  }
}

/** Options of runWorkers. */
export interface RunOptions {
  name: string;
  queue: WorkQueue;
  reconciler: Reconciler;
  workers: number;
  logger: Logger;
  signal: AbortSignal;
  metrics?: ControllerMetrics;
}

/**
 * Runs N workers until the signal aborts (the queue is then shut down). An item is never
 * processed by two workers at once (the queue guarantees it); exceptions never escape.
 */
export async function runWorkers(o: RunOptions): Promise<void> {
  const log = o.logger.child({ controller: o.name });
  o.metrics?.track(o.name, o.queue);
  // An already-aborted signal never fires 'abort': shut down now or the workers wait forever.
  if (o.signal.aborted) o.queue.shutDown();
  else o.signal.addEventListener('abort', () => o.queue.shutDown(), { once: true });
  const worker = async (): Promise<void> => {
    for (;;) {
      const { item, shutdown } = await o.queue.get();
      if (shutdown) return;
      const start = process.hrtime.bigint();
      let result = 'success';
      try {
        const r = await o.reconciler.reconcile(item, o.signal);
        o.queue.forget(item);
        if (r?.requeueAfter !== undefined) o.queue.addAfter(item, r.requeueAfter);
      } catch (err) {
        if (err instanceof TerminalError) {
          result = 'terminal';
          log.warn({ key: item, err: err.message }, 'reconcile failed; not retrying');
          o.queue.forget(item);
        } else {
          result = 'error';
          log.info(
            { key: item, err: (err as Error).message, retries: o.queue.numRequeues(item) },
            'reconcile failed; requeueing with backoff',
          );
          o.metrics?.retries.inc({ name: o.name });
          o.queue.addRateLimited(item);
        }
      } finally {
        o.queue.done(item);
        o.metrics?.reconciles.inc({ controller: o.name, result });
        o.metrics?.latency.observe({ controller: o.name }, Number(process.hrtime.bigint() - start) / 1e9);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, o.workers) }, worker));
}

/** One work loop of a controller: a named queue and the reconciler draining it. */
export interface Loop {
  name: string;
  queue: WorkQueue;
  reconciler: Reconciler;
}

/** Options of runController: the loops of one controller and what they share. */
export interface ControllerRunOptions {
  loops: readonly Loop[];
  /** The controller's informer handler registrations, removed when it stops. */
  registrations: readonly { remove(): void }[];
  workers: number;
  logger: Logger;
  signal: AbortSignal;
  metrics?: ControllerMetrics | undefined;
}

/**
 * Runs every loop's workers until the signal aborts, then removes the controller's handler
 * registrations so a stopped controller (lost leadership) gets no more events.
 */
export async function runController(o: ControllerRunOptions): Promise<void> {
  const { loops, registrations, metrics, ...common } = o;
  try {
    await Promise.all(loops.map((l) => runWorkers({ ...l, ...common, ...(metrics ? { metrics } : {}) })));
  } finally {
    registrations.forEach((r) => r.remove());
  }
}
