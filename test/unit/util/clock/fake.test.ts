import { expect } from 'chai';
import { realClock, type TimerHandle } from '../../../../pkg/util/clock/clock';
import { FakeClock } from '../../../../pkg/util/clock/fake';

describe('FakeClock', () => {
  it('starts at the given time and moves only when stepped', () => {
    const c = new FakeClock(1000);
    expect(c.now()).to.equal(1000);
    c.step(250);
    expect(c.now()).to.equal(1250);
    c.setTime(5000);
    expect(c.now()).to.equal(5000);
  });

  it('fires due timers in due order (ties in creation order) with now() at each due time', () => {
    const c = new FakeClock();
    const fired: string[] = [];
    c.setTimeout(() => fired.push(`c@${c.now()}`), 30);
    c.setTimeout(() => fired.push(`a@${c.now()}`), 10);
    c.setTimeout(() => fired.push(`b1@${c.now()}`), 20);
    c.setTimeout(() => fired.push(`b2@${c.now()}`), 20);
    c.step(25);
    expect(fired).to.deep.equal(['a@10', 'b1@20', 'b2@20']);
    expect(c.now()).to.equal(25);
    c.step(5);
    expect(fired).to.deep.equal(['a@10', 'b1@20', 'b2@20', 'c@30']);
    expect(c.pendingTimers()).to.equal(0);
  });

  it('never fires a timer synchronously; step(0) fires timers already due', () => {
    const c = new FakeClock();
    let fired = 0;
    const h = c.setTimeout(() => fired++, 0);
    expect(fired).to.equal(0);
    expect(h.pending).to.equal(true);
    c.step(0);
    expect(fired).to.equal(1);
    expect(h.pending).to.equal(false);
  });

  it('fires timers that callbacks schedule inside the stepped window', () => {
    const c = new FakeClock();
    const at: number[] = [];
    c.setTimeout(() => {
      at.push(c.now());
      c.setTimeout(() => at.push(c.now()), 10);
    }, 10);
    c.step(20);
    expect(at).to.deep.equal([10, 20]);
  });

  it('clearTimeout cancels a pending timer and ignores fired or foreign handles', () => {
    const c = new FakeClock();
    let fired = 0;
    const h = c.setTimeout(() => fired++, 10);
    c.clearTimeout(h);
    expect(h.pending).to.equal(false);
    c.clearTimeout(h);
    c.clearTimeout(realClock.setTimeout(() => undefined, 0));
    c.step(100);
    expect(fired).to.equal(0);
    expect(c.pendingTimers()).to.equal(0);
  });

  it('setTime backwards fires nothing and timers keep their absolute due time', () => {
    const c = new FakeClock(100);
    let fired = 0;
    c.setTimeout(() => fired++, 50); // due at 150
    c.setTime(0);
    c.step(149);
    expect(fired).to.equal(0);
    c.step(1);
    expect(fired).to.equal(1);
  });

  it('rejects a negative step', () => {
    expect(() => new FakeClock().step(-1)).to.throw(RangeError);
  });
});

describe('realClock', () => {
  it('reads the wall clock', () => {
    const before = Date.now();
    const now = realClock.now();
    expect(now).to.be.within(before, Date.now());
  });

  it('fires a timer and marks it no longer pending', async () => {
    const handle = await new Promise<TimerHandle>((resolve) => {
      const t: TimerHandle = realClock.setTimeout(() => resolve(t), 0);
      expect(t.pending).to.equal(true);
    });
    expect(handle.pending).to.equal(false);
  });

  it('clearTimeout stops a pending timer', async () => {
    let fired = false;
    const h = realClock.setTimeout(() => (fired = true), 0);
    realClock.clearTimeout(h);
    expect(h.pending).to.equal(false);
    // A timer armed after the cleared one fires after it would have.
    await new Promise<void>((resolve) => realClock.setTimeout(resolve, 1));
    expect(fired).to.equal(false);
  });
});
