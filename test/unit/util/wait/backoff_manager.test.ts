import { expect } from 'chai';
import { FakeClock } from '../../../../pkg/util/clock/fake';
import { BackoffManager } from '../../../../pkg/util/wait/backoff_manager';
import { sleep } from '../../../../pkg/util/wait/sleep';
import { flush } from './fake_time';

describe('util/wait: BackoffManager (the reflector backoff)', () => {
  it('starts at 0.8 s and doubles up to 30 s', () => {
    const clock = new FakeClock();
    const b = new BackoffManager(clock, {}, () => 0);
    const waits = Array.from({ length: 8 }, () => b.next());
    expect(waits).to.deep.equal([800, 1600, 3200, 6400, 12800, 25600, 30000, 30000]);
  });

  it('jitters each wait downwards by at most the jitter fraction', () => {
    const clock = new FakeClock();
    expect(new BackoffManager(clock, {}, () => 0.999999).next()).to.equal(640);
    expect(new BackoffManager(clock, { jitter: 0.5 }, () => 0.5).next()).to.equal(600);
  });

  it('starts over after a healthy period of 2 minutes since the last wait ended', () => {
    const clock = new FakeClock();
    const b = new BackoffManager(clock, {}, () => 0);
    b.next();
    b.next();
    expect(b.next()).to.equal(3200);
    clock.step(3200 + 119_999);
    expect(b.next()).to.equal(6400);
    clock.step(6400 + 120_000);
    expect(b.next()).to.equal(800);
  });

  it('wait() sleeps on the clock and returns early on abort', async () => {
    const clock = new FakeClock();
    let woke = false;
    void sleep(1000, new AbortController().signal, clock).then(() => (woke = true));
    clock.step(999);
    await flush();
    expect(woke).to.equal(false);
    clock.step(1);
    await flush();
    expect(woke).to.equal(true);

    const ac = new AbortController();
    const b = new BackoffManager(clock);
    let aborted = false;
    void b.wait(ac.signal).then(() => (aborted = true));
    ac.abort();
    await flush();
    expect(aborted).to.equal(true);
    expect(clock.pendingTimers()).to.equal(0);
  });
});
