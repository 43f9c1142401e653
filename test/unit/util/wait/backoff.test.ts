import { expect } from 'chai';
import { Backoff } from '../../../../pkg/util/wait/backoff';

const steps = (b: Backoff, n: number): (number | undefined)[] => Array.from({ length: n }, () => b.step());

describe('util/wait: Backoff', () => {
  it('grows by the factor from the first duration and stays at the cap', () => {
    const b = new Backoff({ durationMs: 100, factor: 2, capMs: 1000 });
    expect(steps(b, 7)).to.deep.equal([100, 200, 400, 800, 1000, 1000, 1000]);
    expect(b.stepsLeft, 'reaching the cap does not end an unbounded backoff').to.equal(Number.POSITIVE_INFINITY);
  });

  it('a first duration above the cap is capped', () => {
    expect(steps(new Backoff({ durationMs: 5000, factor: 2, capMs: 1000 }), 2)).to.deep.equal([1000, 1000]);
  });

  it('defaults to constant 1 s delays, forever', () => {
    const b = new Backoff();
    expect(steps(b, 3)).to.deep.equal([1000, 1000, 1000]);
    expect(b.params).to.deep.include({ factor: 1, jitter: 0 });
  });

  it('jitters each delay downwards within [d·(1−jitter), d], without compounding into the growth', () => {
    expect(steps(new Backoff({ durationMs: 1000, factor: 2, jitter: 0.5 }, () => 0.999999), 3)).to.deep.equal([
      500, 1000, 2000,
    ]);
    expect(new Backoff({ durationMs: 1000, jitter: 0.2 }, () => 0.5).step()).to.equal(900);
    const b = new Backoff({ durationMs: 100, factor: 2, jitter: 0.3, capMs: 10_000 });
    for (let i = 0, d = 100; i < 20; i++, d = Math.min(d * 2, 10_000)) {
      expect(b.step()).to.be.within(Math.round(d * 0.7), d);
    }
  });

  it('hands out `steps` delays, then says give up (undefined) until reset', () => {
    const b = new Backoff({ durationMs: 10, factor: 3, steps: 3 });
    expect(steps(b, 5)).to.deep.equal([10, 30, 90, undefined, undefined]);
    expect(b.stepsLeft).to.equal(0);
    b.reset();
    expect(b.stepsLeft).to.equal(3);
    expect(steps(b, 2)).to.deep.equal([10, 30]);
  });

  it('steps: 0 gives up at once', () => {
    expect(new Backoff({ steps: 0 }).step()).to.equal(undefined);
  });
});
