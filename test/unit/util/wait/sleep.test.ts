import { expect } from 'chai';
import { FakeClock } from '../../../../pkg/util/clock/fake';
import { sleep } from '../../../../pkg/util/wait/sleep';
import { countingSignal, flush } from './fake_time';

describe('util/wait: sleep', () => {
  it('resolves true once the time elapsed on the clock, not a millisecond before', async () => {
    const clock = new FakeClock();
    const { ac, listeners } = countingSignal();
    let result: boolean | undefined;
    void sleep(1000, ac.signal, clock).then((r) => (result = r));
    clock.step(999);
    await flush();
    expect(result).to.equal(undefined);
    clock.step(1);
    await flush();
    expect(result).to.equal(true);
    expect(clock.pendingTimers()).to.equal(0);
    expect(listeners(), 'abort listener removed').to.equal(0);
  });

  it('an abort mid-sleep resolves false at once and cancels the timer', async () => {
    const clock = new FakeClock();
    const { ac, listeners } = countingSignal();
    let result: boolean | undefined;
    void sleep(60_000, ac.signal, clock).then((r) => (result = r));
    clock.step(10);
    ac.abort();
    await flush();
    expect(result).to.equal(false);
    expect(clock.pendingTimers()).to.equal(0);
    expect(listeners()).to.equal(0);
  });

  it('an already aborted signal resolves false without a timer', async () => {
    const clock = new FakeClock();
    const ac = new AbortController();
    ac.abort();
    const p = sleep(1000, ac.signal, clock);
    expect(clock.pendingTimers()).to.equal(0);
    expect(await p).to.equal(false);
  });

  it('works without a signal', async () => {
    const clock = new FakeClock();
    let result: boolean | undefined;
    void sleep(5, undefined, clock).then((r) => (result = r));
    clock.step(5);
    await flush();
    expect(result).to.equal(true);
  });
});
