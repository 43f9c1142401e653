/**
 * Two in-process LeaderElectors on one Lease, through a real apiserver on real etcd, with
 * short durations (lease 2 s, renew deadline 1.5 s, retry 300 ms). Every leadership term is
 * recorded from onStartedLeading to the abort of its work signal; no two may ever overlap.
 */
import { expect } from 'chai';
import type { Lease } from '../../../pkg/api/coordination/v1';
import { Clientset } from '../../../pkg/client/clientset';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { waitFor } from '../../helpers/wait';
import { type Candidate, Election, type Mode, timing } from './harness';

/**
 * Slack for scheduling and request latency on a loaded 2-core machine (CI). Still small enough
 * that a release is seen well before the lease would expire (360 + 1000 < 2000 ms), and a takeover
 * before twice the lease duration.
 */
const slackMs = 1000;
/**
 * Latest takeover after the leader's last renewal: the follower notices that renewal up to one
 * (jittered) retry late, counts the lease duration from then, and retries up to one more
 * retry period after it expires.
 */
const takeoverBoundMs = timing.leaseDurationMs + 2 * timing.retryPeriodMs * 1.2 + slackMs;

describe('leader election: two in-process candidates on one Lease', function () {
  this.timeout(30_000);
  let api: TestApiServer;
  let cs: Clientset;
  let election: Election | undefined;
  let leaseSeq = 0;

  before(async () => {
    api = await startApiServer();
    cs = new Clientset({ server: api.url, qps: 0 });
  });
  afterEach(async () => {
    await election?.stopAll();
    election = undefined;
  });
  after(async () => {
    cs?.close();
    await api?.stop();
  });

  /** A fresh election with candidates a and b; resolves once one of them leads. */
  async function elect(): Promise<{ e: Election; leader: Candidate; follower: Candidate }> {
    const e = new Election(cs.leases, `test-lease-${leaseSeq++}`);
    election = e;
    const a = e.candidate('a');
    const b = e.candidate('b');
    await waitFor(() => e.leaders().length > 0, 5000, 'a leader');
    const leader = a.leading ? a : b;
    return { e, leader, follower: leader === a ? b : a };
  }

  async function lease(e: Election): Promise<Lease> {
    return cs.leases.get(e.name, 'kube-system');
  }

  it('exactly one leads, and keeps leading while it renews', async () => {
    const { e, leader, follower } = await elect();
    const renewals = new Set<string>();
    await waitFor(
      async () => {
        const l = await lease(e);
        expect(l.spec?.holderIdentity).to.equal(leader.id);
        renewals.add(l.spec?.renewTime ?? '');
        return renewals.size >= 5;
      },
      10_000,
      'five renewals of the lease',
    );
    expect(e.leaders()).to.deep.equal([leader]);
    expect(leader.terms).to.have.length(1);
    expect(leader.lastTerm()?.end).to.equal(undefined);
    expect(follower.terms).to.have.length(0);
    expect(leader.elector.isLeader()).to.equal(true);
    expect(follower.elector.isLeader()).to.equal(false);
    expect(e.violations).to.deep.equal([]);
  });

  it('a leader that shuts down gracefully releases the lease: the other takes over at its next retry', async () => {
    const { e, leader, follower } = await elect();
    leader.stop();
    await leader.done;
    const releasedAt = leader.lastTerm()?.end ?? 0;
    await waitFor(() => follower.leading, 5000, 'the follower to take over');
    expect((follower.lastTerm()?.start ?? 0) - releasedAt, 'well within the lease duration').to.be.lessThan(
      timing.retryPeriodMs * 1.2 + slackMs,
    );
    expect((await lease(e)).spec?.holderIdentity).to.equal(follower.id);
    expect(e.overlaps()).to.deep.equal([]);
    expect(e.violations).to.deep.equal([]);
  });

  it('a leader that dies without releasing: the other takes over once the lease expires (not before), within lease + retry + slack', async () => {
    const { e, leader, follower } = await elect();
    leader.client.mode = 'fail'; // dead: it cannot even release
    leader.stop();
    await leader.done;
    const renewedAt = leader.client.lastRenewTime;
    expect(renewedAt).to.be.greaterThan(0);
    expect((await lease(e)).spec?.holderIdentity, 'not released').to.equal(leader.id);
    await waitFor(() => follower.leading, timing.leaseDurationMs * 3, 'the follower to take over');
    const tookOver = follower.lastTerm()?.start ?? 0;
    expect(tookOver - renewedAt, 'not before the lease expired').to.be.at.least(timing.leaseDurationMs);
    expect(tookOver - renewedAt, 'within lease + retry + slack').to.be.lessThan(takeoverBoundMs);
    expect(e.overlaps()).to.deep.equal([]);
    expect(e.violations).to.deep.equal([]);
  });

  const cutOff: [Mode, string][] = [
    ['fail', 'its requests are refused'],
    ['hang', 'its requests never answer'],
    ['failThenHang', 'its requests are refused, then never answer'],
  ];
  for (const [mode, how] of cutOff) {
    it(`a leader that cannot renew (${how}) stops leading before its lease expires; the other takes over after`, async () => {
      const { e, leader, follower } = await elect();
      leader.client.mode = mode;
      await waitFor(() => !leader.leading, timing.leaseDurationMs * 2, 'the cut-off leader to stop leading');
      const renewedAt = leader.client.lastRenewTime;
      const stoppedAt = leader.lastTerm()?.end ?? Infinity;
      expect(
        stoppedAt - renewedAt,
        `stopped ${stoppedAt - renewedAt} ms after its last renewal; the lease lasts ${timing.leaseDurationMs} ms`,
      ).to.be.lessThan(timing.leaseDurationMs);
      await waitFor(() => follower.leading, timing.leaseDurationMs * 3, 'the follower to take over');
      const tookOver = follower.lastTerm()?.start ?? 0;
      expect(tookOver - renewedAt, 'not before the lease expired').to.be.at.least(timing.leaseDurationMs);
      expect(tookOver - renewedAt, 'within lease + retry + slack').to.be.lessThan(takeoverBoundMs);
      expect(leader.stoppedLeading).to.equal(1);
      expect(e.overlaps()).to.deep.equal([]);
      expect(e.violations).to.deep.equal([]);
      // Reconnected, the old leader competes again but does not steal the lease.
      leader.client.mode = 'ok';
      const renewals = new Set<string>();
      await waitFor(
        async () => {
          renewals.add((await lease(e)).spec?.renewTime ?? '');
          return renewals.size >= 3 && leader.client.calls > 0;
        },
        10_000,
        'a few renewals by the new leader',
      );
      expect(leader.leading).to.equal(false);
      expect(follower.leading).to.equal(true);
      expect(e.violations).to.deep.equal([]);
    });
  }
});
