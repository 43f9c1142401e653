/**
 * Two controller-manager binaries with --leader-elect=true and short lease flags: exactly one
 * holds the kube-system/kube-controller-manager Lease and does the work; when it is SIGKILLed
 * the other takes over within the lease duration (plus retry slack) and binds a new claim.
 * Who did the work is read from the events' source.host (the holder's identity).
 */
import { expect } from 'chai';
import { rmSync } from 'node:fs';
import os from 'node:os';
import type { Lease } from '../../../pkg/api/coordination/v1';
import { isNotFound } from '../../../pkg/api/errors';
import { Clientset } from '../../../pkg/client/clientset';
import { TestCluster } from '../../helpers/cluster';
import { claim, waitClaimPhase, waitEvent, waitUntil } from './helpers';

const LEASE_MS = 3000;
const RETRY_MS = 500;
const leaderFlags = [
  '--leader-elect=true',
  `--leader-elect-lease-duration=${LEASE_MS / 1000}s`,
  '--leader-elect-renew-deadline=2s',
  `--leader-elect-retry-period=${RETRY_MS}ms`,
];

describe('controller-manager (binary): leader election', function () {
  this.timeout(90_000);
  const ns = 'leader';
  let cluster: TestCluster;
  let client: Clientset;
  const names = ['kcm-a', 'kcm-b'] as const;
  /** Identity (`<hostname>_<pid>`) of each binary. */
  const identity = new Map<string, string>();

  async function lease(): Promise<Lease | undefined> {
    try {
      return await client.leases.get('kube-controller-manager', 'kube-system');
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** How many times a binary's log says it became leader. */
  const becameLeader = (name: string): number =>
    cluster
      .logTail(name, 100_000)
      .split('\n')
      .filter((l) => l.includes('"msg":"became leader"')).length;

  before(async () => {
    cluster = new TestCluster({ controllerManager: false, kubelet: false });
    await cluster.up();
    client = new Clientset({ ...cluster.clientConfig(), qps: 0 });
    await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (const name of names) {
      const p = cluster.startControllerManager(name, leaderFlags);
      identity.set(name, `${os.hostname()}_${String(p.pid)}`);
    }
  });

  after(async () => {
    client?.close();
    await cluster?.down();
    if (cluster) rmSync(cluster.dir, { recursive: true, force: true });
  });

  it('exactly one holds the Lease and does the work; killing it hands over within the lease duration', async () => {
    let holder = '';
    await waitUntil(
      async () => {
        holder = (await lease())?.spec?.holderIdentity ?? '';
        return holder !== '';
      },
      30_000,
      `a Lease holder\n${cluster.logTail('kcm-a')}\n${cluster.logTail('kcm-b')}`,
    );
    const leaderName = names.find((n) => identity.get(n) === holder);
    expect(leaderName, `holder ${holder} is one of ${[...identity.values()].join(', ')}`).to.not.equal(undefined);
    const followerName = names.find((n) => n !== leaderName) ?? '';
    const followerId = identity.get(followerName) ?? '';

    // The holder keeps renewing (renewTime moves twice) and nobody else takes over meanwhile.
    const renewals = new Set<string>();
    await waitUntil(
      async () => {
        const l = await lease();
        expect(l?.spec?.holderIdentity, 'holder is stable while it renews').to.equal(holder);
        renewals.add(l?.spec?.renewTime ?? '');
        return renewals.size >= 3;
      },
      10_000,
      'two lease renewals',
    );
    expect(becameLeader(leaderName ?? ''), 'the leader became leader once').to.equal(1);
    expect(becameLeader(followerName), 'the follower never led').to.equal(0);

    // Only the leader works: the claim's event comes from its identity.
    await client.persistentVolumeClaims.create(claim(ns, 'before-failover'));
    await waitClaimPhase(client, ns, 'before-failover', 'Bound');
    const first = await waitEvent(client, ns, 'before-failover', 'ProvisioningSucceeded');
    expect(first.source?.host).to.equal(holder);

    const killedAt = Date.now();
    await cluster.kill(leaderName ?? '', 'SIGKILL');
    await waitUntil(
      async () => (await lease())?.spec?.holderIdentity === followerId,
      LEASE_MS + 6 * RETRY_MS + 2000,
      `the follower to take the Lease\n${cluster.logTail(followerName)}`,
    );
    const takeoverMs = Date.now() - killedAt;
    // Not before the lease could have expired (minus the one retry period the dead leader may have renewed late in) ...
    expect(takeoverMs, 'takeover waits for the lease to expire').to.be.greaterThan(LEASE_MS - 2 * RETRY_MS);
    // ... and within lease duration + a few retry periods.
    expect(takeoverMs, 'takeover within lease duration + slack').to.be.lessThan(LEASE_MS + 6 * RETRY_MS + 2000);
    expect((await lease())?.spec?.leaseTransitions ?? 0).to.be.greaterThan(0);

    await client.persistentVolumeClaims.create(claim(ns, 'after-failover'));
    await waitClaimPhase(client, ns, 'after-failover', 'Bound');
    const second = await waitEvent(client, ns, 'after-failover', 'ProvisioningSucceeded');
    expect(second.source?.host).to.equal(followerId);
  });
});
