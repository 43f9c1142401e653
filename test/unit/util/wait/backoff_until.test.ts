import { expect } from 'chai';
import { FakeClock } from '../../../../pkg/util/clock/fake';
import { backoffUntil } from '../../../../pkg/util/wait/backoff_until';
import { advance, flush } from './fake_time';

/** An fn that fails `failures` times, then returns 'ok'; records the clock at each call. */
function flaky(clock: FakeClock, failures: number): { fn: () => Promise<string>; calls: number[] } {
  const calls: number[] = [];
  return {
    calls,
    fn: () => {
      calls.push(clock.now());
      return calls.length > failures ? Promise.resolve('ok') : Promise.reject(new Error(`failure ${calls.length}`));
    },
  };
}

describe('util/wait: backoffUntil', () => {
  it('retries until success, waiting each backoff delay on the clock, and returns the value', async () => {
    const clock = new FakeClock();
    const f = flaky(clock, 3);
    const retries: [string, number][] = [];
    let result: string | undefined;
    void backoffUntil(f.fn, {
      backoff: { durationMs: 100, factor: 2 },
      signal: new AbortController().signal,
      clock,
      onRetry: (err, ms) => retries.push([(err as Error).message, ms]),
    }).then((r) => (result = r));
    await advance(clock, 290);
    expect(f.calls, 'no try before its delay elapsed').to.deep.equal([0, 100]);
    await advance(clock, 500);
    expect(f.calls).to.deep.equal([0, 100, 300, 700]);
    expect(result).to.equal('ok');
    expect(retries).to.deep.equal([
      ['failure 1', 100],
      ['failure 2', 200],
      ['failure 3', 400],
    ]);
    expect(clock.pendingTimers()).to.equal(0);
  });

  it('gives up with the last error once the steps are exhausted (steps + 1 tries)', async () => {
    const clock = new FakeClock();
    const f = flaky(clock, 10);
    let error: Error | undefined;
    backoffUntil(f.fn, { backoff: { durationMs: 50, factor: 2, steps: 2 }, clock }).catch((e: Error) => (error = e));
    await advance(clock, 1000);
    expect(f.calls).to.deep.equal([0, 50, 150]);
    expect(error?.message).to.equal('failure 3');
  });

  it('an error that is not retryable is thrown after the first try', async () => {
    const clock = new FakeClock();
    const f = flaky(clock, 10);
    let error: Error | undefined;
    backoffUntil(f.fn, { backoff: { durationMs: 50 }, clock, retryable: () => false }).catch((e: Error) => (error = e));
    await flush();
    expect(f.calls).to.deep.equal([0]);
    expect(error?.message).to.equal('failure 1');
    expect(clock.pendingTimers()).to.equal(0);
  });

  it('only retryable errors are retried', async () => {
    const clock = new FakeClock();
    const f = flaky(clock, 10);
    let error: Error | undefined;
    backoffUntil(f.fn, {
      backoff: { durationMs: 10 },
      clock,
      retryable: (err) => (err as Error).message !== 'failure 3',
    }).catch((e: Error) => (error = e));
    await advance(clock, 100);
    expect(f.calls).to.deep.equal([0, 10, 20]);
    expect(error?.message).to.equal('failure 3');
  });

  it('an abort mid-sleep ends the retries quietly: undefined, no further try, no timer left', async () => {
    const clock = new FakeClock();
    const f = flaky(clock, 10);
    const ac = new AbortController();
    let settled: { value: string | undefined } | undefined;
    void backoffUntil(f.fn, { backoff: { durationMs: 1000 }, signal: ac.signal, clock }).then(
      (value) => (settled = { value }),
    );
    await advance(clock, 1500);
    expect(f.calls).to.deep.equal([0, 1000]);
    ac.abort();
    await flush();
    expect(settled).to.deep.equal({ value: undefined });
    expect(clock.pendingTimers()).to.equal(0);
    await advance(clock, 5000);
    expect(f.calls).to.have.length(2);
  });

  it('a failure after the signal aborted is not retried nor thrown', async () => {
    const ac = new AbortController();
    let calls = 0;
    const result = await backoffUntil(
      () => {
        calls++;
        ac.abort();
        return Promise.reject(new Error('stopping'));
      },
      { backoff: { durationMs: 1 }, signal: ac.signal, clock: new FakeClock() },
    );
    expect(result).to.equal(undefined);
    expect(calls).to.equal(1);
  });

  it('never calls fn when the signal is already aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    let calls = 0;
    await backoffUntil(
      () => {
        calls++;
        return Promise.resolve();
      },
      { backoff: {}, signal: ac.signal },
    );
    expect(calls).to.equal(0);
  });

  it('draws the jitter from the given random source', async () => {
    const clock = new FakeClock();
    const f = flaky(clock, 1);
    const delays: number[] = [];
    void backoffUntil(f.fn, {
      backoff: { durationMs: 1000, jitter: 0.5 },
      clock,
      random: () => 0.5,
      onRetry: (_err, ms) => delays.push(ms),
    });
    await advance(clock, 1000);
    expect(delays).to.deep.equal([750]);
    expect(f.calls).to.deep.equal([0, 750]);
  });
});
