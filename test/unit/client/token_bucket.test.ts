import { expect } from 'chai';
import { TokenBucket } from '../../../pkg/client/token_bucket';
import { FakeClock } from '../../../pkg/util/clock/fake';

/** Runs every pending microtask (the bucket's queue and its sleep's timer registration). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A take whose completion the test can look at. */
function track(p: Promise<void>): { done: boolean } {
  const t = { done: false };
  void p.then(() => (t.done = true));
  return t;
}

describe('client: token bucket (client-side qps/burst)', () => {
  it('lets `burst` requests through at once, then one per 1/qps seconds', async () => {
    const clock = new FakeClock();
    const b = new TokenBucket(20, 3, clock); // 50 ms per token once the burst is spent
    for (let i = 0; i < 3; i++) await b.take();
    expect(clock.pendingTimers(), 'the burst is not throttled').to.equal(0);
    for (const n of [4, 5]) {
      const t = track(b.take());
      await settle();
      clock.step(49);
      await settle();
      expect(t.done, `take ${n} after 49 ms`).to.equal(false);
      clock.step(1);
      await settle();
      expect(t.done, `take ${n} after 50 ms`).to.equal(true);
    }
  });

  it('refills while idle, never above burst', async () => {
    const clock = new FakeClock();
    const b = new TokenBucket(50, 2, clock); // 20 ms per token
    await b.take();
    await b.take();
    clock.step(1000); // 50 tokens' worth of idle time
    await b.take();
    await b.take();
    expect(clock.pendingTimers(), 'the refilled burst').to.equal(0);
    const third = track(b.take());
    await settle();
    clock.step(19);
    await settle();
    expect(third.done, 'beyond burst: throttled again').to.equal(false);
    clock.step(1);
    await settle();
    expect(third.done).to.equal(true);
  });

  it('serves concurrent callers in call order', async () => {
    const clock = new FakeClock();
    const b = new TokenBucket(100, 1, clock);
    const order: number[] = [];
    const all = Promise.all(Array.from({ length: 5 }, (_, i) => b.take().then(() => order.push(i))));
    for (let i = 0; i < 5; i++) {
      await settle();
      clock.step(10);
    }
    await all;
    expect(order).to.deep.equal([0, 1, 2, 3, 4]);
  });

  it('qps 0 disables limiting', async () => {
    const clock = new FakeClock();
    const b = new TokenBucket(0, 1, clock);
    await Promise.all(Array.from({ length: 200 }, () => b.take()));
    expect(clock.pendingTimers()).to.equal(0);
    expect(clock.now()).to.equal(0);
  });
});
