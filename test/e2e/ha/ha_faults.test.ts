/**
 * HA end to end, real binaries: 3 etcd members, 2 apiservers (+ HAProxy when installed, + a
 * leader-electing controller-manager). Writers create and patch claims through both apiservers
 * (and the balancer) while an etcd follower is kill -9'd and restarted, then the etcd leader,
 * then apiserver 2. Afterwards, a linearizability-style check of what was acknowledged:
 * every 201/200 is stored with the answered resourceVersion or a later one; the watches
 * through either apiserver (and a resuming one through the balancer) never miss or repeat an
 * event; every claim is bound exactly once; the controller-manager's lease never changed hands;
 * and (with a usable dockerd) a kubelet through the balancer keeps renewing its node lease.
 */
import { expect } from 'chai';
import { request } from '../../helpers/http';
import { openWatch } from '../../helpers/http';
import { waitFor } from '../../helpers/wait';
import { HaCluster, ResumingWatch, type SeenEvent, seenOf } from './ha_cluster';

const base = '/api/v1/namespaces/default/persistentvolumeclaims';

interface Claim {
  metadata: { name: string; uid: string; resourceVersion: string };
  spec: { volumeName?: string };
  status?: { phase?: string };
}
interface Volume {
  metadata: { name: string };
  spec: { claimRef?: { uid?: string; name?: string } };
}

/** Strictly increasing revisions: nothing repeated, nothing out of order. */
function expectOrdered(events: SeenEvent[], what: string): void {
  for (let i = 1; i < events.length; i++)
    expect(events[i]?.rv ?? 0, `${what}: event ${i} after ${events[i - 1]?.rv}`).to.be.greaterThan(
      events[i - 1]?.rv ?? 0,
    );
}

describe('e2e: HA — 3 etcd members, 2 apiservers, faults under writes', function () {
  this.timeout(120_000);

  it('acknowledged writes survive follower, leader and apiserver kill -9; watches gapless; claims bound once; no lease flap', async () => {
    const ha = new HaCluster();
    try {
      await ha.up();
      const withKubelet = process.env.KUBESTORE_DOCKER !== '0';
      if (withKubelet) await ha.startKubelet();
      else console.log('    kubelet part skipped: dockerd is not usable on this machine (KUBESTORE_DOCKER=0)');
      const [api1, api2] = ha.apiUrls as [string, string];
      const lease = await ha.lease();
      const list = await request<Claim>(api1, 'GET', base);
      const rv0 = Number(list.body.metadata.resourceVersion);
      const wa = await openWatch(api1, `${base}?resourceVersion=${rv0}`);
      const wb = await openWatch(api2, `${base}?resourceVersion=${rv0}`);
      const lbOrApi1 = ha.lbUrl ?? api1;
      const wl = new ResumingWatch(() => lbOrApi1, base, rv0);

      // name → { uid, the newest resourceVersion an acknowledged write of it answered }
      const acked = new Map<string, { uid: string; rv: number }>();
      const unexpected: string[] = [];
      /** Writes that got a 5xx or no answer (not acknowledged: either outcome is allowed). */
      let failed = 0;
      const targets = [api1, api2, ...(ha.lbUrl ? [ha.lbUrl] : [])];
      let n = 0;
      let running = true;
      const writer = async (w: number): Promise<void> => {
        for (let k = w; running; k++) {
          const url = targets[k % targets.length] ?? api1;
          const name = `ha-${n++}`;
          const body = {
            metadata: { name },
            spec: {
              accessModes: ['ReadWriteOnce'],
              storageClassName: 'hostPath',
              resources: { requests: { storage: '1Mi' } },
            },
          };
          const r = await request<Claim>(url, 'POST', base, body).catch(() => undefined);
          if (r?.status === 201)
            acked.set(name, { uid: r.body.metadata.uid, rv: Number(r.body.metadata.resourceVersion) });
          else if (r && r.status < 500) unexpected.push(`POST ${name}: ${r.status} ${r.text}`);
          else failed++;
          if (r?.status !== 201) continue;
          // An update of what was just created (200), through another apiserver.
          const other = targets[(k + 1) % targets.length] ?? api1;
          const p = await request<Claim>(
            other,
            'PATCH',
            `${base}/${name}`,
            { metadata: { labels: { touched: 'yes' } } },
            { 'Content-Type': 'application/merge-patch+json' },
          ).catch(() => undefined);
          if (p?.status === 200)
            acked.set(name, { uid: p.body.metadata.uid, rv: Number(p.body.metadata.resourceVersion) });
          else if (p && p.status < 500) unexpected.push(`PATCH ${name}: ${p.status} ${p.text}`);
          else failed++;
        }
      };
      const writers = [0, 1, 2].map((w) => writer(w));
      const progress = async (count: number, what: string) => {
        const at = acked.size;
        await waitFor(() => acked.size >= at + count, 30_000, `${count} acknowledged writes ${what}`);
      };

      await progress(15, 'before the faults');
      const leader = await ha.etcd.leader();
      const follower = (leader + 1) % 3;
      const failedBefore = failed;
      await ha.etcd.kill(follower);
      await progress(20, 'with a follower killed');
      // The apiservers fail over off the dead member: at most the writes in flight on it fail.
      expect(failed - failedBefore, 'writes failed while a follower was down').to.be.at.most(writers.length);
      await ha.etcd.restart(follower);
      await progress(10, 'after the follower restarted');
      await ha.etcd.kill(leader);
      await progress(20, 'with the leader killed');
      await ha.etcd.restart(leader);
      await progress(10, 'after the old leader restarted');
      await ha.c.kill('kube-apiserver-2');
      const apiKilledAt = Date.now();
      await progress(20, 'with apiserver 2 killed');
      running = false;
      await Promise.all(writers);
      expect(unexpected, 'only 5xx or lost connections may fail').to.deep.equal([]);

      // Every acknowledged write is stored, at the answered resourceVersion or a later one.
      const stored = await request<{ items: Claim[] }>(api1, 'GET', base);
      const byName = new Map(stored.body.items.map((c) => [c.metadata.name, c]));
      for (const [name, a] of acked) {
        const c = byName.get(name);
        expect(c, `acknowledged ${name} stored`).to.not.equal(undefined);
        expect(c?.metadata.uid).to.equal(a.uid);
        expect(Number(c?.metadata.resourceVersion), `${name} at or after its acknowledged rv`).to.be.at.least(a.rv);
      }

      // Watches: each in order, nothing repeated; the survivor and the resuming one see every
      // acknowledged write; the one through the killed apiserver is a prefix of the survivor's.
      const last = Math.max(...[...acked.values()].map((a) => a.rv));
      await waitFor(() => (seenOf(wa).at(-1)?.rv ?? 0) >= last, 15_000, 'the watch through apiserver 1 to catch up');
      await waitFor(() => (wl.events.at(-1)?.rv ?? 0) >= last, 15_000, 'the resuming watch to catch up');
      const ea = seenOf(wa);
      expectOrdered(ea, 'watch via apiserver 1');
      expectOrdered(wl.events, 'resuming watch via the balancer');
      const eb = seenOf(wb);
      expectOrdered(eb, 'watch via apiserver 2');
      expect(eb.length, 'apiserver 2 delivered events before it died').to.be.greaterThan(0);
      expect(eb, 'apiserver 2 watch = a prefix of apiserver 1 watch').to.deep.equal(ea.slice(0, eb.length));
      expect(wl.refusals, 'the resuming watch never got a 410').to.deep.equal([]);
      // Both streams go on (the controller-manager binds): compare them up to the last acknowledged write.
      const upTo = (events: SeenEvent[]) => events.filter((e) => e.rv <= last);
      expect(upTo(wl.events), 'the resuming watch = the apiserver 1 watch').to.deep.equal(upTo(ea));
      const watched = new Set(ea.map((e) => e.rv));
      for (const [name, a] of acked) {
        const c = byName.get(name);
        // The create's ADDED, and the acknowledged rv (or the object later moved on and that write is in the stream).
        expect(
          ea.some((e) => e.name === name && e.type === 'ADDED'),
          `ADDED ${name} watched`,
        ).to.equal(true);
        expect(
          watched.has(a.rv) || Number(c?.metadata.resourceVersion) > a.rv,
          `rv ${a.rv} of ${name} watched`,
        ).to.equal(true);
      }
      wa.close();
      wb.close();
      await wl.stop();

      // Every claim created during the faults binds, to exactly one volume that names it back;
      // that includes any stored whose answer was lost to a fault (not in `acked`), which the
      // checks below read too.
      await waitFor(
        async () => {
          const items = (await request<{ items: Claim[] }>(api1, 'GET', base)).body.items;
          return (
            [...acked.keys()].every((name) => items.some((c) => c.metadata.name === name)) &&
            items.every((c) => c.status?.phase === 'Bound')
          );
        },
        60_000,
        `every acknowledged claim Bound\n${ha.c.logTail('kube-controller-manager')}`,
      );
      const claims = (await request<{ items: Claim[] }>(api1, 'GET', base)).body.items;
      const volumes = (await request<{ items: Volume[] }>(api1, 'GET', '/api/v1/persistentvolumes')).body.items;
      for (const c of claims) {
        const bound = volumes.filter((v) => v.spec.claimRef?.uid === c.metadata.uid);
        expect(
          bound.map((v) => v.metadata.name),
          `volumes of ${c.metadata.name}`,
        ).to.deep.equal([c.spec.volumeName]);
      }
      expect(volumes.length, 'no volume provisioned twice').to.equal(claims.length);

      // The controller-manager kept its lease throughout: no leader election flap.
      expect(await ha.lease()).to.deep.equal(lease);
      // The kubelet renews its node lease after apiserver 2 is gone (renewTime has second precision).
      if (withKubelet)
        await waitFor(
          async () => (await ha.nodeRenewTime()) >= apiKilledAt + 1000,
          15_000,
          `the kubelet renewing its lease after apiserver 2 died\n${ha.c.logTail('kubelet')}`,
        );
    } finally {
      await ha.down();
    }
  });
});
