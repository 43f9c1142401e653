/**
 * runWorkers and runController (pkg/util/reconcile/runner.ts) over the real RateLimitingQueue on a FakeClock: the
 * queue's delays (backoff, requeueAfter) move only when the test steps the clock.
 */
import { expect } from 'chai';
import {
  ControllerMetrics,
  type Reconciler,
  type Result,
  runController,
  runWorkers,
  TerminalError,
} from '../../../../pkg/util/reconcile/runner';
import { silentLogger } from '../../../../pkg/log/logger';
import { Registry } from '../../../../pkg/metrics/registry';
import { FakeClock } from '../../../../pkg/util/clock/fake';
import { ItemExponentialFailureRateLimiter } from '../../../../pkg/util/workqueue/rate_limiters';
import { RateLimitingQueue } from '../../../../pkg/util/workqueue/rate_limiting_queue';
import { waitFor } from '../../../helpers/wait';

/** Lets every pending promise callback and immediate run (not a timed sleep). */
async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A reconciler whose behaviour per call is scripted by the test; records concurrency. */
class ScriptedReconciler implements Reconciler {
  readonly calls: string[] = [];
  readonly inFlight = new Map<string, number>();
  maxInFlightTotal = 0;
  maxInFlightPerKey = 0;
  private total = 0;

  constructor(private readonly behave: (key: string, call: number) => Promise<Result | void> | Result | void) {}

  async reconcile(key: string): Promise<Result | void> {
    const call = this.calls.filter((k) => k === key).length + 1;
    this.calls.push(key);
    this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
    this.total++;
    this.maxInFlightTotal = Math.max(this.maxInFlightTotal, this.total);
    this.maxInFlightPerKey = Math.max(this.maxInFlightPerKey, this.inFlight.get(key) ?? 0);
    try {
      return await this.behave(key, call);
    } finally {
      this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1);
      this.total--;
    }
  }

  count(key: string): number {
    return this.calls.filter((k) => k === key).length;
  }
}

/** A promise the test resolves by hand. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('controller runner: runWorkers', () => {
  let clock: FakeClock;
  let queue: RateLimitingQueue;
  let ac: AbortController;
  let metrics: ControllerMetrics;
  let running: Promise<void> | undefined;

  beforeEach(() => {
    clock = new FakeClock();
    queue = new RateLimitingQueue({ clock, rateLimiter: new ItemExponentialFailureRateLimiter(5, 1000) });
    ac = new AbortController();
    metrics = new ControllerMetrics(new Registry());
    running = undefined;
  });
  afterEach(async () => {
    ac.abort();
    await running;
  });

  function start(reconciler: Reconciler, workers: number): void {
    running = runWorkers({
      name: 'test',
      queue,
      reconciler,
      workers,
      logger: silentLogger(),
      signal: ac.signal,
      metrics,
    });
  }

  it('runs N workers in parallel, never more', async () => {
    const gates = new Map<string, ReturnType<typeof deferred>>();
    let releaseAll = false;
    const r = new ScriptedReconciler((key) => {
      if (releaseAll) return;
      const g = deferred();
      gates.set(key, g);
      return g.promise;
    });
    start(r, 3);
    for (const k of ['a', 'b', 'c', 'd', 'e']) queue.add(k);
    await waitFor(() => r.calls.length === 3, 2000, 'three reconciles in flight');
    await settle();
    expect(r.calls).to.deep.equal(['a', 'b', 'c']);
    expect(queue.len()).to.equal(2);
    gates.get('b')?.resolve();
    await waitFor(() => r.calls.length === 4, 2000, 'a fourth reconcile once one finished');
    releaseAll = true;
    for (const g of gates.values()) g.resolve();
    await waitFor(
      () => r.calls.length === 5 && [...r.inFlight.values()].every((n) => n === 0),
      2000,
      'all five processed',
    );
    expect(r.maxInFlightTotal).to.equal(3);
  });

  it('never hands one key to two workers at once; a key re-added while processing is processed once more after', async () => {
    const gate = deferred();
    const r = new ScriptedReconciler((key, call) => (key === 'a' && call === 1 ? gate.promise : undefined));
    start(r, 4);
    queue.add('a');
    await waitFor(() => r.count('a') === 1, 2000, 'a in flight');
    queue.add('a');
    queue.add('a');
    queue.add('b');
    await waitFor(() => r.count('b') === 1, 2000, 'b processed by another worker');
    await settle();
    expect(r.count('a'), 'a is not started twice while held').to.equal(1);
    gate.resolve();
    await waitFor(() => r.count('a') === 2, 2000, 'a processed again after done');
    await settle();
    expect(r.count('a'), 'the re-adds were deduplicated into one pass').to.equal(2);
    expect(r.maxInFlightPerKey).to.equal(1);
  });

  it('under a storm of adds across many workers, no key is ever processed concurrently and every key ends processed after its last add', async () => {
    const lastAdd = new Map<string, number>();
    const lastStart = new Map<string, number>();
    let tick = 0;
    const r = new ScriptedReconciler(async (key) => {
      lastStart.set(key, tick++);
      for (let i = 0; i < key.charCodeAt(1) % 4; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    });
    start(r, 8);
    for (let i = 0; i < 2000; i++) {
      const key = `k${i % 23}`;
      queue.add(key);
      lastAdd.set(key, tick++);
      if (i % 50 === 0) await settle(1);
    }
    const drained = (): boolean =>
      queue.len() === 0 &&
      [...r.inFlight.values()].every((n) => n === 0) &&
      [...lastAdd].every(([k, added]) => (lastStart.get(k) ?? -1) > added);
    await waitFor(drained, 5000, 'the storm to drain');
    await settle();
    expect(r.maxInFlightPerKey).to.equal(1);
    for (const [k, added] of lastAdd)
      expect(lastStart.get(k) ?? -1, `${k} was reconciled after its last add`).to.be.greaterThan(added);
  });

  it('a thrown error requeues the key with per-key exponential backoff; success forgets it', async () => {
    const r = new ScriptedReconciler((_key, call) => {
      if (call <= 2) throw new Error(`transient failure ${call}`);
    });
    start(r, 2);
    queue.add('x');
    await waitFor(() => r.count('x') === 1 && queue.numRequeues('x') === 1, 2000, 'first failure');
    clock.step(4);
    await settle();
    expect(r.count('x'), 'not retried before its 5 ms backoff').to.equal(1);
    clock.step(1);
    await waitFor(() => r.count('x') === 2 && queue.numRequeues('x') === 2, 2000, 'second attempt after 5 ms');
    clock.step(9);
    await settle();
    expect(r.count('x'), 'not retried before its 10 ms backoff').to.equal(2);
    clock.step(1);
    await waitFor(() => r.count('x') === 3, 2000, 'third attempt after 10 ms');
    await waitFor(() => queue.numRequeues('x') === 0, 2000, 'forgotten after success');
    clock.step(10_000);
    await settle();
    expect(r.count('x'), 'no retry after success').to.equal(3);
    expect(metrics.retries.get({ name: 'test' })).to.equal(2);
    expect(metrics.reconciles.get({ controller: 'test', result: 'error' })).to.equal(2);
    expect(metrics.reconciles.get({ controller: 'test', result: 'success' })).to.equal(1);
  });

  it('a TerminalError forgets the key: no retry, backoff history cleared', async () => {
    const r = new ScriptedReconciler((_key, call) => {
      if (call === 1) throw new Error('transient');
      throw new TerminalError('invalid spec; retrying cannot help');
    });
    start(r, 1);
    queue.add('t');
    await waitFor(() => queue.numRequeues('t') === 1, 2000, 'first (transient) failure');
    clock.step(5);
    await waitFor(() => r.count('t') === 2, 2000, 'second attempt');
    await waitFor(() => queue.numRequeues('t') === 0, 2000, 'terminal error forgets the key');
    clock.step(60_000);
    await settle();
    expect(r.count('t')).to.equal(2);
    expect(queue.len()).to.equal(0);
    expect(queue.delayedLen()).to.equal(0);
    expect(metrics.reconciles.get({ controller: 'test', result: 'terminal' })).to.equal(1);
  });

  it('requeueAfter looks at the key again after exactly that delay, without backoff', async () => {
    const r = new ScriptedReconciler((_key, call) => (call === 1 ? { requeueAfter: 1000 } : {}));
    start(r, 1);
    queue.add('p');
    await waitFor(() => r.count('p') === 1 && queue.delayedLen() === 1, 2000, 'first pass with requeueAfter');
    expect(queue.numRequeues('p')).to.equal(0);
    clock.step(999);
    await settle();
    expect(r.count('p')).to.equal(1);
    clock.step(1);
    await waitFor(() => r.count('p') === 2, 2000, 'second pass at 1000 ms');
    clock.step(10_000);
    await settle();
    expect(r.count('p')).to.equal(2);
  });

  it('survives reconcilers that throw synchronously or throw non-Errors', async () => {
    const r: Reconciler & { seen: string[] } = {
      seen: [],
      reconcile(key: string): Promise<Result | void> {
        this.seen.push(key);
        if (key === 'sync') throw new Error('synchronous throw');
        if (key === 'string') return Promise.reject('a string, not an Error');
        return Promise.resolve();
      },
    };
    start(r, 1);
    for (const k of ['sync', 'string', 'fine']) queue.add(k);
    await waitFor(() => r.seen.includes('fine'), 2000, 'later keys still processed');
    expect(queue.numRequeues('sync')).to.equal(1);
    expect(queue.numRequeues('string')).to.equal(1);
  });

  it('a signal that is already aborted (e.g. leadership lost while the controller was starting) still stops the workers', async () => {
    const r = new ScriptedReconciler(() => undefined);
    ac.abort();
    start(r, 2);
    let resolved = false;
    void running?.then(() => {
      resolved = true;
    });
    await waitFor(() => resolved, 2000, 'runWorkers to resolve');
    expect(queue.shuttingDown()).to.equal(true);
  });

  it('aborting the signal shuts the queue down; runWorkers resolves once in-flight reconciles finish', async () => {
    const gate = deferred();
    const r = new ScriptedReconciler(() => gate.promise);
    start(r, 2);
    queue.add('slow');
    await waitFor(() => r.count('slow') === 1, 2000, 'in flight');
    let resolved = false;
    void running?.then(() => {
      resolved = true;
    });
    ac.abort();
    expect(queue.shuttingDown()).to.equal(true);
    await settle();
    expect(resolved, 'waits for the in-flight reconcile').to.equal(false);
    gate.resolve();
    await waitFor(() => resolved, 2000, 'runWorkers to resolve');
    queue.add('late');
    await settle();
    expect(r.count('late')).to.equal(0);
  });
});

describe('controller runner: runController', () => {
  it('drains every loop and removes the registrations only once the workers stopped', async () => {
    const ac = new AbortController();
    const queues = [
      new RateLimitingQueue({ clock: new FakeClock() }),
      new RateLimitingQueue({ clock: new FakeClock() }),
    ];
    const seen: string[] = [];
    const removed: string[] = [];
    const loops = queues.map((queue, i) => ({
      name: `loop-${i}`,
      queue,
      reconciler: new ScriptedReconciler((key) => {
        seen.push(`${i}:${key}`);
      }),
    }));
    const running = runController({
      loops,
      registrations: [{ remove: () => removed.push('a') }, { remove: () => removed.push('b') }],
      workers: 1,
      logger: silentLogger(),
      signal: ac.signal,
    });
    queues[0]?.add('x');
    queues[1]?.add('y');
    await waitFor(() => seen.length === 2, 2000, 'both loops to reconcile');
    expect([...seen].sort()).to.deep.equal(['0:x', '1:y']);
    expect(removed, 'registrations stay while running').to.deep.equal([]);
    ac.abort();
    await running;
    expect(removed).to.deep.equal(['a', 'b']);
    expect(queues.every((q) => q.shuttingDown())).to.equal(true);
  });
});
