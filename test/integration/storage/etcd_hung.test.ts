/**
 * EtcdStore over a real 3-member etcd cluster whose members hang (SIGSTOP) rather than die: the
 * connections stay open and nothing answers, so nothing but a deadline or a keepalive notices.
 * Reads and writes must still fail over within the request timeout, a watch on the hung member
 * must move to another member with no gap and no repeat, and /readyz must stay ok (the cluster
 * still has a quorum).
 */
import { expect } from 'chai';
import { startApiServer } from '../../helpers/apiserver';
import { uniquePrefix } from '../../helpers/etcd';
import { EtcdCluster } from '../../helpers/etcd_cluster';
import { request } from '../../helpers/http';
import { waitFor } from '../../helpers/wait';
import { createMany, record, storePreferring } from './etcd_faults';

const requestTimeoutMs = 5000;

describe('integration: EtcdStore with a hung (SIGSTOPped) etcd member', function () {
  this.timeout(60_000);
  let cluster: EtcdCluster;

  beforeEach(async () => {
    cluster = new EtcdCluster(3);
    await cluster.start();
  });
  afterEach(async () => {
    await cluster.destroy();
  });

  for (const role of ['follower', 'leader'] as const) {
    it(`fails over reads, writes and the watch off a hung ${role} within the request timeout, with no gap and no repeat`, async () => {
      const leader = await cluster.leader();
      const victim = role === 'leader' ? leader : (leader + 1) % 3;
      const store = storePreferring(cluster, victim, requestTimeoutMs);
      const prefix = `${uniquePrefix()}/`;
      try {
        const start = await store.currentRevision();
        const { events, errors, stop } = await record(store, prefix, start);
        const before = await createMany(store, prefix, 0, 5);
        await waitFor(() => events.length === 5, 10_000, 'the first 5 events');
        cluster.pause(victim);
        // A read on the hung member must move on well before the request deadline.
        const t0 = Date.now();
        await store.currentRevision();
        expect(Date.now() - t0, 'a read with the preferred member hung (ms)').to.be.below(requestTimeoutMs);
        const after = await createMany(store, prefix, 5, 10);
        expect(after.ambiguous, 'ambiguous writes after the hang').to.be.at.most(1);
        expect(after.slowest, 'the slowest write (ms)').to.be.at.most(requestTimeoutMs + 500);
        const acked = [...before.revs, ...after.revs];
        const stored = (await store.list(prefix)).items.map((o) => Number(o.metadata.resourceVersion));
        expect(stored).to.include.members(acked);
        // The watch was on the hung member: it must notice and re-open elsewhere.
        await waitFor(() => events.length >= stored.length, 15_000, 'every stored create watched off the hung member');
        expect(errors).to.deep.equal([]);
        expect(events.map((e) => e.revision)).to.deep.equal([...stored].sort((a, b) => a - b));
        stop();
      } finally {
        cluster.resume(victim);
        await store.close();
      }
    });
  }

  it('/readyz stays ok while one member hangs', async () => {
    const follower = ((await cluster.leader()) + 1) % 3;
    const eps = cluster.endpoints;
    const api = await startApiServer({
      config: {
        etcdServers: [eps[follower] ?? '', ...eps.filter((_, i) => i !== follower)],
        etcdRequestTimeoutMs: requestTimeoutMs,
      },
    });
    try {
      const ready = async () => (await request(api.url, 'GET', '/readyz').catch(() => undefined))?.status;
      expect(await ready()).to.equal(200);
      cluster.pause(follower);
      for (let i = 0; i < 3; i++) expect(await ready(), `/readyz #${i} with a hung follower`).to.equal(200);
    } finally {
      cluster.resume(follower);
      await api.stop();
    }
  });
});
