import { expect } from 'chai';
import { FakeClock } from '../../../../pkg/util/clock/fake';
import {
  BucketRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  defaultControllerRateLimiter,
  type RateLimiter,
} from '../../../../pkg/util/workqueue/rate_limiters';

/** A limiter with a fixed answer that records what it was asked. */
class FixedLimiter implements RateLimiter {
  readonly forgotten: string[] = [];
  constructor(
    private readonly delay: number,
    private readonly requeues: number,
  ) {}
  when(): number {
    return this.delay;
  }
  forget(item: string): void {
    this.forgotten.push(item);
  }
  numRequeues(): number {
    return this.requeues;
  }
}

const SECOND = 1000;

describe('ItemExponentialFailureRateLimiter', () => {
  it('doubles from 5 ms per failure and caps at 1000 s', () => {
    const r = new ItemExponentialFailureRateLimiter(5, 1000 * SECOND);
    const got = Array.from({ length: 20 }, () => r.when('a'));
    const expected = [
      5,
      10,
      20,
      40,
      80,
      160,
      320,
      640,
      1280,
      2560,
      5120,
      10240,
      20480,
      40960,
      81920,
      163840,
      327680,
      655360,
      1000 * SECOND,
      1000 * SECOND,
    ];
    expect(got).to.deep.equal(expected);
    expect(r.numRequeues('a')).to.equal(20);
  });

  it('stays at the cap for very many failures (no overflow to Infinity or NaN)', () => {
    const r = new ItemExponentialFailureRateLimiter(5, 1000 * SECOND);
    let last = 0;
    for (let i = 0; i < 2000; i++) last = r.when('a');
    expect(last).to.equal(1000 * SECOND);
  });

  it('tracks keys independently and forget() resets one key', () => {
    const r = new ItemExponentialFailureRateLimiter(5, 1000 * SECOND);
    r.when('a');
    r.when('a');
    r.when('a');
    expect(r.when('b')).to.equal(5);
    expect(r.numRequeues('a')).to.equal(3);
    r.forget('a');
    expect(r.numRequeues('a')).to.equal(0);
    expect(r.when('a')).to.equal(5);
    expect(r.numRequeues('b')).to.equal(1);
  });
});

describe('BucketRateLimiter', () => {
  it('allows a burst of 100 with no delay, then spreads requests at 10 qps', () => {
    const clock = new FakeClock();
    const r = new BucketRateLimiter(10, 100, clock);
    for (let i = 0; i < 100; i++) expect(r.when(`k${i}`), `request ${i}`).to.equal(0);
    expect(r.when('x')).to.be.closeTo(100, 1e-9);
    expect(r.when('y')).to.be.closeTo(200, 1e-9);
    expect(r.when('z')).to.be.closeTo(300, 1e-9);
  });

  it('refills 10 tokens per second on the clock, up to the burst', () => {
    const clock = new FakeClock();
    const r = new BucketRateLimiter(10, 100, clock);
    for (let i = 0; i < 100; i++) r.when('k');
    clock.step(SECOND);
    for (let i = 0; i < 10; i++) expect(r.when('k'), `request ${i} after 1 s`).to.equal(0);
    expect(r.when('k')).to.be.closeTo(100, 1e-9);

    clock.step(3600 * SECOND); // a long idle period refills only to the burst
    for (let i = 0; i < 100; i++) expect(r.when('k')).to.equal(0);
    expect(r.when('k')).to.be.greaterThan(0);
  });

  it('keeps no per-key state', () => {
    const r = new BucketRateLimiter(10, 100, new FakeClock());
    r.when('a');
    expect(r.numRequeues('a')).to.equal(0);
    r.forget('a');
  });

  it('rejects a non-positive qps or a burst below one', () => {
    expect(() => new BucketRateLimiter(0, 100, new FakeClock())).to.throw(RangeError);
    expect(() => new BucketRateLimiter(10, 0, new FakeClock())).to.throw(RangeError);
  });
});

describe('MaxOfRateLimiter', () => {
  it('returns the larger delay and requeue count, and forgets in every limiter', () => {
    const small = new FixedLimiter(5, 7);
    const large = new FixedLimiter(50, 2);
    const r = new MaxOfRateLimiter(small, large);
    expect(r.when('a')).to.equal(50);
    expect(new MaxOfRateLimiter(large, small).when('a')).to.equal(50);
    expect(r.numRequeues('a')).to.equal(7);
    r.forget('a');
    expect(small.forgotten).to.deep.equal(['a']);
    expect(large.forgotten).to.deep.equal(['a']);
  });

  it('asks every limiter on each when() so each records the failure', () => {
    const exp1 = new ItemExponentialFailureRateLimiter(1, 1000);
    const exp2 = new ItemExponentialFailureRateLimiter(3, 1000);
    const r = new MaxOfRateLimiter(exp1, exp2);
    expect([r.when('a'), r.when('a'), r.when('a')]).to.deep.equal([3, 6, 12]);
    expect(exp1.numRequeues('a')).to.equal(3);
  });
});

describe('defaultControllerRateLimiter', () => {
  it('is per-key exponential 5 ms → 1000 s, bounded below by a 10 qps / 100 burst bucket', () => {
    const clock = new FakeClock();
    const r = defaultControllerRateLimiter(clock);
    expect([r.when('a'), r.when('a'), r.when('a')]).to.deep.equal([5, 10, 20]);
    expect(r.numRequeues('a')).to.equal(3);
    r.forget('a');
    expect(r.numRequeues('a')).to.equal(0);
    expect(r.when('a')).to.equal(5);
    // 4 tokens used; exhaust the rest of the burst with fresh keys (each 5 ms by backoff).
    for (let i = 0; i < 96; i++) expect(r.when(`k${i}`)).to.equal(5);
    // Now the bucket dominates a fresh key's 5 ms.
    expect(r.when('fresh')).to.be.closeTo(100, 1e-9);
  });

  it('caps a long-failing key at 1000 s', () => {
    const r = defaultControllerRateLimiter(new FakeClock());
    let last = 0;
    for (let i = 0; i < 40; i++) last = r.when('a');
    expect(last).to.equal(1000 * SECOND);
  });
});
