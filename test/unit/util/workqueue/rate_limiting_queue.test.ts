import { expect } from 'chai';
import { FakeClock } from '../../../../pkg/util/clock/fake';
import { ItemExponentialFailureRateLimiter } from '../../../../pkg/util/workqueue/rate_limiters';
import { RateLimitingQueue } from '../../../../pkg/util/workqueue/rate_limiting_queue';
import { SpyMetrics } from './spy_metrics';

describe('RateLimitingQueue', () => {
  let clock: FakeClock;

  beforeEach(() => {
    clock = new FakeClock();
  });

  /** Steps the clock 1 ms at a time until `q` has a waiting key; returns the ms stepped. */
  function stepUntilQueued(q: RateLimitingQueue, limitMs: number): number {
    for (let ms = 0; ms <= limitMs; ms++) {
      if (q.len() > 0) return ms;
      clock.step(1);
    }
    throw new Error(`nothing queued within ${limitMs} ms`);
  }

  it('requeues after the rate limiter delay, backing off per failure until forget()', async () => {
    const q = new RateLimitingQueue({ clock, rateLimiter: new ItemExponentialFailureRateLimiter(5, 1000) });
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      q.addRateLimited('a');
      waits.push(stepUntilQueued(q, 1000));
      q.done((await q.get()).item);
    }
    expect(waits).to.deep.equal([5, 10, 20]);
    expect(q.numRequeues('a')).to.equal(3);
    q.forget('a');
    expect(q.numRequeues('a')).to.equal(0);
    q.addRateLimited('a');
    expect(stepUntilQueued(q, 1000)).to.equal(5);
  });

  it('uses the default controller rate limiter on the injected clock', () => {
    const q = new RateLimitingQueue({ clock });
    q.addRateLimited('a');
    expect(stepUntilQueued(q, 100)).to.equal(5);
  });

  it('counts each accepted addRateLimited as a retry in the metrics', () => {
    const m = new SpyMetrics();
    const q = new RateLimitingQueue({ clock, metrics: m });
    q.addRateLimited('a');
    q.addRateLimited('b');
    expect(m.retryCount).to.equal(2);
    clock.step(10);
    expect(m.addCount).to.equal(2);
  });

  it('ignores addRateLimited after shutdown without recording a requeue', () => {
    const m = new SpyMetrics();
    const q = new RateLimitingQueue({ clock, metrics: m });
    q.shutDown();
    q.addRateLimited('a');
    expect(q.numRequeues('a')).to.equal(0);
    expect(m.retryCount).to.equal(0);
    expect(clock.pendingTimers()).to.equal(0);
  });
});
