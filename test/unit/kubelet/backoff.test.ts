import { expect } from 'chai';
import { RestartBackoff } from '../../../pkg/kubelet/backoff';

const T0 = Date.parse('2024-05-01T12:00:00Z');
const iso = (ms: number): string => new Date(ms).toISOString();

describe('kubelet: RestartBackoff (CrashLoopBackOff delays)', () => {
  it('first restart at once, then 10s, 20s, 40s … capped at 5 minutes', () => {
    const b = new RestartBackoff();
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      // The container ran 1 s and exited at T0; ask right away.
      waits.push(b.remaining('uid/app', iso(T0), iso(T0 - 1000), T0));
      b.restarted('uid/app');
    }
    expect(waits).to.deep.equal([0, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000]);
  });

  it('counts from when the container exited, not from when it is asked', () => {
    const b = new RestartBackoff();
    b.restarted('k');
    b.restarted('k'); // next delay 20 s
    expect(b.remaining('k', iso(T0), iso(T0 - 1000), T0 + 5_000)).to.equal(15_000);
    expect(b.remaining('k', iso(T0), iso(T0 - 1000), T0 + 20_000)).to.equal(0);
    expect(b.remaining('k', iso(T0), iso(T0 - 1000), T0 + 60_000)).to.equal(0);
  });

  it('a container that ran 10 minutes before exiting starts over at 0 (then 10s)', () => {
    const b = new RestartBackoff();
    for (let i = 0; i < 5; i++) b.restarted('k');
    expect(b.remaining('k', iso(T0), iso(T0 - 600_000), T0)).to.equal(0);
    b.restarted('k');
    expect(b.remaining('k', iso(T0), iso(T0 - 1000), T0)).to.equal(10_000);
  });

  it('keys are independent; forgetPrefix forgets one pod', () => {
    const b = new RestartBackoff();
    b.restarted('pod-a/app');
    b.restarted('pod-a/sidecar');
    b.restarted('pod-b/app');
    b.forgetPrefix('pod-a/');
    expect(b.remaining('pod-a/app', iso(T0), iso(T0), T0)).to.equal(0);
    expect(b.remaining('pod-a/sidecar', iso(T0), iso(T0), T0)).to.equal(0);
    expect(b.remaining('pod-b/app', iso(T0), iso(T0), T0)).to.equal(10_000);
  });

  it('honours custom initial / max delays', () => {
    const b = new RestartBackoff(100, 250);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      waits.push(b.remaining('k', iso(T0), iso(T0), T0));
      b.restarted('k');
    }
    expect(waits).to.deep.equal([0, 100, 200, 250, 250]);
  });
});
