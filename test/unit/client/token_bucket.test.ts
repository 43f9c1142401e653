import { expect } from 'chai';
import { TokenBucket } from '../../../pkg/client/token_bucket';

/** Elapsed ms of `n` sequential takes. */
async function timeTakes(b: TokenBucket, n: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < n; i++) await b.take();
  return performance.now() - start;
}

describe('client: token bucket (client-side qps/burst)', () => {
  it('lets `burst` requests through at once, then one per 1/qps seconds', async () => {
    const b = new TokenBucket(20, 3); // 50 ms per token once the burst is spent
    const burst = await timeTakes(b, 3);
    expect(burst, 'the burst is not throttled').to.be.lessThan(40);
    const throttled = await timeTakes(b, 4);
    // 4 tokens at 20/s need ~200 ms (a few ms of refill accrued meanwhile); generous upper bound.
    expect(throttled).to.be.at.least(180);
    expect(throttled).to.be.lessThan(1000);
  });

  it('refills while idle, never above burst', async () => {
    const b = new TokenBucket(50, 2); // 20 ms per token
    await timeTakes(b, 2);
    // Wait (on a condition, not a fixed sleep) until well over `burst` tokens' worth has passed.
    const idleFrom = performance.now();
    await new Promise<void>((resolve) => {
      const check = (): void => void (performance.now() - idleFrom >= 150 ? resolve() : setTimeout(check, 10));
      check();
    });
    expect(await timeTakes(b, 2), 'the refilled burst').to.be.lessThan(15);
    expect(await timeTakes(b, 2), 'beyond burst: throttled again').to.be.at.least(30);
  });

  it('serves concurrent callers in call order', async () => {
    const b = new TokenBucket(100, 1);
    const order: number[] = [];
    await Promise.all(Array.from({ length: 5 }, (_, i) => b.take().then(() => order.push(i))));
    expect(order).to.deep.equal([0, 1, 2, 3, 4]);
  });

  it('qps 0 disables limiting', async () => {
    const b = new TokenBucket(0, 1);
    expect(await timeTakes(b, 200)).to.be.lessThan(50);
  });
});
