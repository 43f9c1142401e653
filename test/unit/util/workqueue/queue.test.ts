import { expect } from 'chai';
import { Queue } from '../../../../pkg/util/workqueue/queue';
import { flush, probe } from './probe';
import { SpyMetrics } from './spy_metrics';

describe('Queue', () => {
  it('hands keys out in FIFO order', async () => {
    const q = new Queue();
    q.add('a');
    q.add('b');
    q.add('c');
    const got = [await q.get(), await q.get(), await q.get()].map((r) => r.item);
    expect(got).to.deep.equal(['a', 'b', 'c']);
  });

  it('deduplicates a key while it waits', async () => {
    const q = new Queue();
    q.add('a');
    q.add('b');
    q.add('a');
    q.add('a');
    expect(q.len()).to.equal(2);
    expect((await q.get()).item).to.equal('a');
    expect((await q.get()).item).to.equal('b');
    expect(q.len()).to.equal(0);
  });

  it('never hands one key to two workers at once', async () => {
    const q = new Queue();
    const w1 = probe(q.get());
    const w2 = probe(q.get());
    q.add('a');
    await flush();
    expect(w1.value).to.deep.equal({ item: 'a', shutdown: false });
    expect(w2.settled).to.equal(false);

    // Re-adding while worker 1 holds it must not wake worker 2.
    q.add('a');
    await flush();
    expect(w2.settled).to.equal(false);
    expect(q.len()).to.equal(0);

    q.done('a');
    await flush();
    expect(w2.value).to.deep.equal({ item: 'a', shutdown: false });
  });

  it('processes a key re-added during processing again after done(), once', async () => {
    const q = new Queue();
    q.add('a');
    const first = await q.get();
    expect(first.item).to.equal('a');
    q.add('a');
    q.add('a');
    expect(q.len()).to.equal(0);
    q.done('a');
    expect(q.len()).to.equal(1);
    expect((await q.get()).item).to.equal('a');
    q.done('a');
    expect(q.len()).to.equal(0);
  });

  it('does not requeue a key on done() unless it was re-added', async () => {
    const q = new Queue();
    q.add('a');
    await q.get();
    q.done('a');
    expect(q.len()).to.equal(0);
    const next = probe(q.get());
    await flush();
    expect(next.settled).to.equal(false);
    q.shutDown();
  });

  it('ignores done() for a key that is not being processed', async () => {
    const q = new Queue();
    q.add('a');
    q.done('a');
    q.done('zzz');
    expect(q.len()).to.equal(1);
    expect((await q.get()).item).to.equal('a');
    expect(q.len()).to.equal(0);
  });

  it('serves waiting get() calls in call order', async () => {
    const q = new Queue();
    const w1 = probe(q.get());
    const w2 = probe(q.get());
    q.add('x');
    q.add('y');
    await flush();
    expect(w1.value?.item).to.equal('x');
    expect(w2.value?.item).to.equal('y');
  });

  it('keeps every key with at most one worker under concurrent workers', async () => {
    const q = new Queue();
    const inFlight = new Set<string>();
    const processed: string[] = [];
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const worker = async (): Promise<void> => {
      for (;;) {
        const { item, shutdown } = await q.get();
        if (shutdown) return;
        expect(inFlight.has(item), `${item} handed to two workers`).to.equal(false);
        inFlight.add(item);
        for (let i = rand(3); i >= 0; i--) await flush();
        processed.push(item);
        inFlight.delete(item);
        q.done(item);
      }
    };
    const workers = [worker(), worker(), worker(), worker()];
    for (let round = 0; round < 200; round++) {
      q.add(`k${rand(5)}`);
      if (rand(2) === 0) await flush();
    }
    await q.shutDownWithDrain();
    await Promise.all(workers); // workers take what is still queued, then see shutdown
    expect(new Set(processed)).to.deep.equal(new Set(['k0', 'k1', 'k2', 'k3', 'k4']));
    expect(processed.length).to.be.greaterThan(5);
    expect(inFlight.size).to.equal(0);
    expect(q.len()).to.equal(0);
  });

  it('shutDown wakes every waiting get() with shutdown=true and ignores later adds', async () => {
    const q = new Queue();
    const w1 = probe(q.get());
    const w2 = probe(q.get());
    await flush();
    expect(w1.settled).to.equal(false);
    q.shutDown();
    await flush();
    expect(w1.value).to.deep.equal({ item: '', shutdown: true });
    expect(w2.value).to.deep.equal({ item: '', shutdown: true });
    expect(q.shuttingDown()).to.equal(true);
    q.add('late');
    expect(q.len()).to.equal(0);
    expect(await q.get()).to.deep.equal({ item: '', shutdown: true });
  });

  it('still hands out keys queued before shutDown, then reports shutdown', async () => {
    const q = new Queue();
    q.add('a');
    q.shutDown();
    expect(await q.get()).to.deep.equal({ item: 'a', shutdown: false });
    expect(await q.get()).to.deep.equal({ item: '', shutdown: true });
  });

  it('shutDownWithDrain waits until every processing key is done', async () => {
    const q = new Queue();
    q.add('a');
    q.add('b');
    await q.get();
    await q.get();
    const drained = probe(q.shutDownWithDrain());
    await flush();
    expect(q.shuttingDown()).to.equal(true);
    expect(drained.settled).to.equal(false);
    q.done('a');
    await flush();
    expect(drained.settled).to.equal(false);
    q.done('b');
    await flush();
    expect(drained.settled).to.equal(true);
  });

  it('shutDownWithDrain completes once nothing is processing; a key re-queued by done() stays available', async () => {
    const q = new Queue();
    q.add('a');
    await q.get();
    q.add('a'); // dirty while processing
    const drained = probe(q.shutDownWithDrain());
    q.done('a'); // back in the queue; nothing processing for a moment
    await flush();
    expect(q.len()).to.equal(1);
    expect(drained.settled).to.equal(true);
    expect(await q.get()).to.deep.equal({ item: 'a', shutdown: false });
  });

  it('shutDownWithDrain resolves at once when nothing is processing', async () => {
    const q = new Queue();
    await q.shutDownWithDrain();
    expect(q.shuttingDown()).to.equal(true);
  });

  it('reports adds (not deduplicated ones) and depth changes to the metrics hook', async () => {
    const m = new SpyMetrics();
    const q = new Queue({ metrics: m });
    q.add('a');
    q.add('a');
    q.add('b');
    expect(m.addCount).to.equal(2);
    expect(m.depths).to.deep.equal([1, 2]);
    await q.get();
    expect(m.depths).to.deep.equal([1, 2, 1]);
    q.add('a'); // while processing: counted as an add, not queued
    expect(m.addCount).to.equal(3);
    expect(m.depths).to.deep.equal([1, 2, 1]);
    q.done('a');
    expect(m.depths).to.deep.equal([1, 2, 1, 2]);
  });
});
