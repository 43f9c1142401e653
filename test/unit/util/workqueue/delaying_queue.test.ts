import { expect } from 'chai';
import { FakeClock } from '../../../../pkg/util/clock/fake';
import { DelayingQueue } from '../../../../pkg/util/workqueue/delaying_queue';
import { flush, probe } from './probe';

describe('DelayingQueue', () => {
  let clock: FakeClock;
  let q: DelayingQueue;

  beforeEach(() => {
    clock = new FakeClock(1_000_000);
    q = new DelayingQueue({ clock });
  });

  it('adds a key exactly when its delay has passed on the clock', async () => {
    q.addAfter('a', 1000);
    expect(q.len()).to.equal(0);
    expect(q.delayedLen()).to.equal(1);
    clock.step(999);
    expect(q.len()).to.equal(0);
    clock.step(1);
    expect(q.len()).to.equal(1);
    expect(q.delayedLen()).to.equal(0);
    expect((await q.get()).item).to.equal('a');
  });

  it('wakes a waiting get() when the delay passes', async () => {
    const w = probe(q.get());
    q.addAfter('a', 50);
    await flush();
    expect(w.settled).to.equal(false);
    clock.step(50);
    await flush();
    expect(w.value).to.deep.equal({ item: 'a', shutdown: false });
  });

  it('adds keys in ready order, not call order', async () => {
    q.addAfter('late', 300);
    q.addAfter('early', 100);
    q.addAfter('mid', 200);
    clock.step(300);
    const got = [await q.get(), await q.get(), await q.get()].map((r) => r.item);
    expect(got).to.deep.equal(['early', 'mid', 'late']);
  });

  it('keeps the earliest ready time when a sooner addAfter follows a later one', async () => {
    q.addAfter('a', 1000);
    q.addAfter('a', 500);
    expect(q.delayedLen()).to.equal(1);
    clock.step(500);
    expect(q.len()).to.equal(1);
    const { item } = await q.get();
    q.done(item);
    clock.step(500); // the replaced 1000 ms delay must not add it again
    expect(q.len()).to.equal(0);
    expect(clock.pendingTimers()).to.equal(0);
  });

  it('keeps the earliest ready time when a later addAfter follows a sooner one', async () => {
    q.addAfter('a', 500);
    clock.step(100);
    q.addAfter('a', 1000); // would be ready at +1100: dropped
    clock.step(400);
    expect(q.len()).to.equal(1);
    const { item } = await q.get();
    q.done(item);
    clock.step(1000);
    expect(q.len()).to.equal(0);
  });

  it('adds at once for a zero or negative delay', () => {
    q.addAfter('a', 0);
    q.addAfter('b', -5);
    expect(q.len()).to.equal(2);
    expect(clock.pendingTimers()).to.equal(0);
  });

  it('deduplicates a delayed key against one already waiting', () => {
    q.add('a');
    q.addAfter('a', 10);
    clock.step(10);
    expect(q.len()).to.equal(1);
  });

  it('shutDown cancels pending delays and ignores later addAfter', async () => {
    q.addAfter('a', 100);
    q.addAfter('b', 200);
    const w = probe(q.get());
    q.shutDown();
    expect(clock.pendingTimers()).to.equal(0);
    expect(q.delayedLen()).to.equal(0);
    q.addAfter('c', 10);
    clock.step(1000);
    await flush();
    expect(q.len()).to.equal(0);
    expect(w.value).to.deep.equal({ item: '', shutdown: true });
  });

  it('shutDownWithDrain cancels pending delays and waits for processing keys', async () => {
    q.add('a');
    await q.get();
    q.addAfter('b', 100);
    const drained = probe(q.shutDownWithDrain());
    expect(clock.pendingTimers()).to.equal(0);
    clock.step(100);
    await flush();
    expect(q.len()).to.equal(0);
    expect(drained.settled).to.equal(false);
    q.done('a');
    await flush();
    expect(drained.settled).to.equal(true);
  });
});
