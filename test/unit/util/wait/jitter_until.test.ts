import { expect } from 'chai';
import { FakeClock } from '../../../../pkg/util/clock/fake';
import { sleep } from '../../../../pkg/util/wait/sleep';
import { jitterUntil, type JitterUntilOptions } from '../../../../pkg/util/wait/jitter_until';
import { advance, flush } from './fake_time';

/** Starts a loop whose runs take `runMs` on the clock; records when each run started. */
function loop(
  clock: FakeClock,
  runMs: number,
  opts: Partial<JitterUntilOptions> = {},
): { starts: number[]; ac: AbortController; done: Promise<void> } {
  const starts: number[] = [];
  const ac = new AbortController();
  const done = jitterUntil(
    async () => {
      starts.push(clock.now());
      if (runMs > 0) await sleep(runMs, undefined, clock);
    },
    { periodMs: 100, signal: ac.signal, clock, ...opts },
  );
  return { starts, ac, done };
}

describe('util/wait: jitterUntil', () => {
  it('sliding (default): runs at once, then one period after each run ended', async () => {
    const clock = new FakeClock();
    const l = loop(clock, 30);
    await advance(clock, 400);
    expect(l.starts).to.deep.equal([0, 130, 260, 390]);
    l.ac.abort();
    await advance(clock, 30); // the run in progress finishes; no further run or timer
    await l.done;
    expect(l.starts).to.have.length(4);
    expect(clock.pendingTimers()).to.equal(0);
  });

  it('non-sliding: one period from each start; a run longer than the period is followed at once', async () => {
    const clock = new FakeClock();
    const l = loop(clock, 30, { sliding: false });
    await advance(clock, 300);
    expect(l.starts).to.deep.equal([0, 100, 200, 300]);
    l.ac.abort();
    const clock2 = new FakeClock();
    const l2 = loop(clock2, 150, { sliding: false });
    await advance(clock2, 450);
    expect(l2.starts).to.deep.equal([0, 150, 300, 450]);
    l2.ac.abort();
  });

  it('immediate: false waits one period before the first run', async () => {
    const clock = new FakeClock();
    const l = loop(clock, 0, { immediate: false });
    await advance(clock, 90);
    expect(l.starts).to.deep.equal([]);
    await advance(clock, 120);
    expect(l.starts).to.deep.equal([100, 200]);
    l.ac.abort();
  });

  it('jitters each period upwards by at most the factor', async () => {
    const clock = new FakeClock();
    const l = loop(clock, 0, { jitter: 0.5, random: () => 0.5 });
    await advance(clock, 300, 5);
    expect(l.starts).to.deep.equal([0, 125, 250]);
    l.ac.abort();
  });

  it('an abort mid-sleep resolves at once and leaves no timer; an abort during a run stops after it', async () => {
    const clock = new FakeClock();
    const l = loop(clock, 0);
    await advance(clock, 150);
    l.ac.abort();
    await l.done;
    expect(clock.pendingTimers()).to.equal(0);
    expect(l.starts).to.deep.equal([0, 100]);

    const c2 = new FakeClock();
    const l2 = loop(c2, 50);
    await flush();
    l2.ac.abort();
    await advance(c2, 50);
    await l2.done;
    expect(l2.starts).to.deep.equal([0]);
    expect(c2.pendingTimers()).to.equal(0);
  });

  it('an error thrown by fn ends the loop with that error', async () => {
    let error: Error | undefined;
    await jitterUntil(
      () => {
        throw new Error('boom');
      },
      { periodMs: 10, signal: new AbortController().signal, clock: new FakeClock() },
    ).catch((e: Error) => (error = e));
    expect(error?.message).to.equal('boom');
  });
});
