import { expect } from 'chai';
import { crashLoopBackoff } from '../../../../pkg/kubelet/pod_sync';
import { FakeClock } from '../../../../pkg/util/clock/fake';
import { KeyedBackoff, type LastAttempt } from '../../../../pkg/util/wait/keyed_backoff';

const T0 = Date.parse('2024-05-01T12:00:00Z');
/** A container that started at `startedAt` and exited at `finishedAt`. */
const ran = (startedAt: number, finishedAt: number): LastAttempt => ({ startedAt, finishedAt });

describe('util/wait: KeyedBackoff (the kubelet CrashLoopBackOff delays)', () => {
  it('first restart at once, then 10s, 20s, 40s … capped at 5 minutes', () => {
    const b = new KeyedBackoff(crashLoopBackoff, new FakeClock(T0));
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      // The container ran 1 s and exited at T0; ask right away.
      waits.push(b.remaining('uid/app', ran(T0 - 1000, T0)));
      b.retried('uid/app');
    }
    expect(waits).to.deep.equal([0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  });

  it('counts from when the container exited, not from when it is asked', () => {
    const clock = new FakeClock(T0 + 5_000);
    const b = new KeyedBackoff(crashLoopBackoff, clock);
    b.retried('k');
    b.retried('k'); // next delay 20 s
    expect(b.remaining('k', ran(T0 - 1000, T0))).to.equal(15_000);
    clock.setTime(T0 + 20_000);
    expect(b.remaining('k', ran(T0 - 1000, T0))).to.equal(0);
    clock.setTime(T0 + 60_000);
    expect(b.remaining('k', ran(T0 - 1000, T0))).to.equal(0);
  });

  it('a container that ran 10 minutes before exiting starts over at 0 (then 10s)', () => {
    const b = new KeyedBackoff(crashLoopBackoff, new FakeClock(T0));
    for (let i = 0; i < 5; i++) b.retried('k');
    expect(b.remaining('k', ran(T0 - 600_000, T0))).to.equal(0);
    b.retried('k');
    expect(b.remaining('k', ran(T0 - 1000, T0))).to.equal(10_000);
  });

  it('keys are independent; forgetPrefix forgets one pod', () => {
    const b = new KeyedBackoff(crashLoopBackoff, new FakeClock(T0));
    b.retried('pod-a/app');
    b.retried('pod-a/sidecar');
    b.retried('pod-b/app');
    b.forgetPrefix('pod-a/');
    expect(b.remaining('pod-a/app', ran(T0, T0))).to.equal(0);
    expect(b.remaining('pod-a/sidecar', ran(T0, T0))).to.equal(0);
    expect(b.remaining('pod-b/app', ran(T0, T0))).to.equal(10_000);
    b.forget('pod-b/app');
    expect(b.remaining('pod-b/app', ran(T0, T0))).to.equal(0);
  });

  it('honours custom initial / max delays', () => {
    const b = new KeyedBackoff({ durationMs: 100, capMs: 250 }, new FakeClock(T0));
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      waits.push(b.remaining('k', ran(T0, T0)));
      b.retried('k');
    }
    expect(waits).to.deep.equal([0, 100, 200, 250, 250]);
  });

  it('an attempt with no recorded end counts from now', () => {
    const clock = new FakeClock(T0);
    const b = new KeyedBackoff(crashLoopBackoff, clock);
    b.retried('k');
    expect(b.remaining('k')).to.equal(10_000);
  });
});
