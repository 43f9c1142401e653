import { expect } from 'chai';
import { FakeClock } from '../../../../pkg/util/clock/fake';
import { pollUntil } from '../../../../pkg/util/wait/poll';
import { advance, flush } from './fake_time';

describe('util/wait: pollUntil', () => {
  it('checks at once, then every interval, and resolves true when the condition holds', async () => {
    const clock = new FakeClock();
    const checks: number[] = [];
    let result: boolean | undefined;
    void pollUntil(
      () => {
        checks.push(clock.now());
        return clock.now() >= 300;
      },
      { intervalMs: 100, timeoutMs: 1000, clock },
    ).then((r) => (result = r));
    await advance(clock, 500);
    expect(checks).to.deep.equal([0, 100, 200, 300]);
    expect(result).to.equal(true);
    expect(clock.pendingTimers()).to.equal(0);
  });

  it('resolves false after the timeout, having checked once more at the deadline', async () => {
    const clock = new FakeClock();
    const checks: number[] = [];
    let result: boolean | undefined;
    void pollUntil(
      async () => {
        checks.push(clock.now());
        return false;
      },
      { intervalMs: 100, timeoutMs: 250, clock },
    ).then((r) => (result = r));
    await advance(clock, 400);
    expect(checks).to.deep.equal([0, 100, 200, 250]);
    expect(result).to.equal(false);
  });

  it('an abort ends the wait with false; a condition error rejects at once', async () => {
    const clock = new FakeClock();
    const ac = new AbortController();
    let result: boolean | undefined;
    void pollUntil(() => false, { intervalMs: 100, signal: ac.signal, clock }).then((r) => (result = r));
    await advance(clock, 150);
    ac.abort();
    await flush();
    expect(result).to.equal(false);
    expect(clock.pendingTimers()).to.equal(0);

    let error: Error | undefined;
    await pollUntil(
      () => {
        throw new Error('unreadable');
      },
      { intervalMs: 1, clock },
    ).catch((e: Error) => (error = e));
    expect(error?.message).to.equal('unreadable');
  });
});
