/**
 * A SharedInformerFactory over a Clientset, against a real apiserver on real etcd, caching
 * 5,000 PVCs. Writes go through a SECOND apiserver on the same etcd prefix, so they continue
 * while the informer's apiserver is stopped and restarted. After every scenario the cache (and
 * the view a handler builds from its events) must equal a fresh list: same keys, same
 * resourceVersions; no key is ever added twice.
 *
 * The scenarios share one informer and build on each other's state (5,000 objects are
 * expensive to write), in order: initial sync → concurrent burst → apiserver restart
 * mid-watch → etcd compaction while the informer is disconnected.
 */
import { expect } from 'chai';
import type { PersistentVolumeClaim } from '../../../pkg/api/core/v1';
import type { Stored } from '../../../pkg/api/stored';
import { Clientset } from '../../../pkg/client/clientset';
import { SharedInformerFactory } from '../../../pkg/informer/factory';
import type { SharedIndexInformer } from '../../../pkg/informer/shared_informer';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { waitFor } from '../../helpers/wait';
import {
  cacheSnapshot,
  capturingLogger,
  diff,
  expectSame,
  type KeyCounts,
  listSnapshot,
  pool,
  pvc,
  RecordingHandler,
  type Snapshot,
  tolerateRaces,
} from './harness';

const N = 5000;
const ns = 'informer-5000';

/** A deterministic pseudo-random sequence (so failures reproduce). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('informer: 5,000 PVCs against a real apiserver', function () {
  this.timeout(60_000);

  let api: TestApiServer; // the informer's apiserver (stopped and restarted)
  let writerApi: TestApiServer; // writes go here: same etcd prefix, always up
  let writer: Clientset;
  let reader: Clientset;
  let informer: SharedIndexInformer<Stored<PersistentVolumeClaim, 'Namespaced'>>;
  let handler: RecordingHandler;
  let logs: ReturnType<typeof capturingLogger>;
  const ac = new AbortController();
  let factory: SharedInformerFactory;
  let nextName = 0;

  before(async function () {
    this.timeout(120_000);
    api = await startApiServer();
    writerApi = await startApiServer({ prefix: api.prefix });
    writer = new Clientset({ server: writerApi.url, qps: 0 });
    await writer.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await pool(N, 64, async (i) => {
      await writer.persistentVolumeClaims.create(pvc(ns, `pvc-${i}`, { group: String(i % 10) }));
    });
    nextName = N;
    reader = new Clientset({ server: api.url, qps: 0 });
    logs = capturingLogger();
    factory = new SharedInformerFactory(reader, {
      logger: logs.logger,
      reflector: { backoff: { durationMs: 100, capMs: 1000 } },
    });
    informer = factory.persistentVolumeClaims({ namespace: ns });
    handler = new RecordingHandler();
    informer.addEventHandler(handler);
    factory.start(ac.signal);
  });

  after(async () => {
    ac.abort();
    await factory?.stopped();
    reader?.close();
    writer?.close();
    await api?.stop();
    await writerApi?.stop();
  });

  /** Waits until the cache equals a fresh list taken now (writes must have finished), and returns it. */
  async function converge(what: string): Promise<Snapshot> {
    const { snap } = await listSnapshot(writer.persistentVolumeClaims, ns);
    await waitFor(
      () => diff(snap, cacheSnapshot(informer), 1).length === 0 && cacheSnapshot(informer).size === snap.size,
      30_000,
      `${what}: the cache to equal a fresh list`,
    );
    expectSame(snap, cacheSnapshot(informer), `${what}: cache vs fresh list`);
    expectSame(snap, handler.mirror, `${what}: handler view vs fresh list`);
    expect(handler.violations, `${what}: incoherent handler events`).to.deep.equal([]);
    return snap;
  }

  /** Every key was added exactly once (no key is ever re-created in these tests). */
  function expectNoDuplicateAdds(): void {
    const dup = [...handler.counts].filter(([, c]) => c.adds !== 1).slice(0, 5);
    expect(dup, 'keys added more (or fewer) than once').to.deep.equal([]);
  }

  /** A burst of concurrent creates, label updates and deletes through the writer. */
  async function burst(
    ops: number,
    seed: number,
    concurrency = 64,
    onProgress?: (done: number) => void,
  ): Promise<{ created: string[]; deleted: Set<string> }> {
    const rnd = lcg(seed);
    const live = [...cacheSnapshot(informer).keys()].map((k) => k.split('/')[1] ?? '');
    const created: string[] = [];
    const deleted = new Set<string>();
    let done = 0;
    await pool(ops, concurrency, async (i) => {
      const op = rnd();
      const target = live[Math.floor(rnd() * live.length)] ?? 'pvc-0';
      if (op < 0.3) {
        const name = `pvc-${nextName++}`;
        created.push(`${ns}/${name}`);
        await writer.persistentVolumeClaims.create(pvc(ns, name, { group: 'burst' }));
      } else if (op < 0.8) {
        await tolerateRaces(
          writer.persistentVolumeClaims.patch(target, ns, 'application/merge-patch+json', {
            metadata: { labels: { bump: `${seed}-${i}` } },
          }),
        );
      } else {
        deleted.add(`${ns}/${target}`);
        await tolerateRaces(writer.persistentVolumeClaims.delete(target, ns));
      }
      onProgress?.(++done);
    });
    return { created, deleted };
  }

  it('lists all 5,000 (in pages) and syncs: cache and handler view equal a fresh list, each key added once', async () => {
    expect(await factory.waitForCacheSync(AbortSignal.timeout(30_000))).to.equal(true);
    const snap = await converge('initial sync');
    expect(snap.size).to.equal(N);
    expectNoDuplicateAdds();
    expect(informer.lastSyncResourceVersion()).to.not.equal('');
  });

  it('ends in exactly the apiserver state after a burst of 3,000 concurrent creates/updates/deletes', async () => {
    const before = handler.events;
    const { created, deleted } = await burst(3000, 1);
    const snap = await converge('after the burst');
    expect(handler.events - before, 'the burst was delivered as events').to.be.greaterThan(2000);
    for (const k of created) expect(snap.has(k), `${k} created`).to.equal(true);
    for (const k of deleted) expect(snap.has(k), `${k} deleted`).to.equal(false);
    expectNoDuplicateAdds();
    for (const k of deleted) {
      const c = handler.of(k);
      expect(c.deletes + c.tombstones, `${k}: one delete`).to.equal(1);
    }
  });

  it('ends in exactly the apiserver state after its apiserver is stopped and restarted (same port) in the middle of a burst', async () => {
    const port = Number(new URL(api.url).port);
    let progress = 0;
    const writes = burst(3000, 2, 16, (d) => {
      progress = d;
    });
    await waitFor(() => progress >= 600, 30_000, 'a third of the burst');
    const eventsBeforeStop = handler.events;
    const logsBeforeStop = logs.messages().length;
    await api.stop();
    const stoppedAt = progress;
    await waitFor(() => progress >= stoppedAt + 600, 30_000, 'writes while the informer is cut off');
    const eventsWhileDown = handler.events;
    api = await startApiServer({ prefix: writerApi.prefix, port });
    expect(api.url).to.equal(`http://127.0.0.1:${port}`);
    const { created, deleted } = await writes;
    await converge('after restart');
    expect(eventsBeforeStop, 'events flowed before the stop').to.be.greaterThan(0);
    expect(handler.events, 'events flowed after the restart').to.be.greaterThan(eventsWhileDown);
    const recovery = logs.messages().slice(logsBeforeStop);
    expect(
      recovery.some((m) => /watch failed|relisting/.test(m)),
      `the reflector noticed the outage: ${recovery.join(' | ')}`,
    ).to.equal(true);
    for (const k of created) expect(handler.of(k).adds, `${k} added once`).to.equal(1);
    for (const k of deleted) {
      const c = handler.of(k);
      expect(c.deletes + c.tombstones, `${k}: one delete`).to.equal(1);
    }
    expectNoDuplicateAdds();
  });

  it('after an etcd compaction while disconnected: 410 → relist; vanished objects arrive as tombstones, changed ones as one update, new ones as one add, the rest not at all', async () => {
    const before = await converge('before the disconnect');
    const countsBefore = handler.copyCounts();
    const port = Number(new URL(api.url).port);
    const relistsBefore = logs.messages().filter((m) => m.includes('relisting')).length;

    await api.stop();
    const keys = [...before.keys()];
    const toDelete = keys.slice(0, 300);
    const toUpdate = keys.slice(300, 600);
    const toCreate = Array.from({ length: 300 }, () => `${ns}/pvc-${nextName++}`);
    const name = (k: string): string => k.split('/')[1] ?? '';
    await pool(300, 32, async (i) => {
      await writer.persistentVolumeClaims.delete(name(toDelete[i] ?? ''), ns);
      await writer.persistentVolumeClaims.patch(name(toUpdate[i] ?? ''), ns, 'application/merge-patch+json', {
        metadata: { labels: { offline: 'yes' } },
      });
      await writer.persistentVolumeClaims.create(pvc(ns, name(toCreate[i] ?? '')));
    });
    const rev = await writerApi.etcd.currentRevision();
    await writerApi.etcd.compact(rev);
    const compactedRV = Number(informer.lastSyncResourceVersion());
    expect(compactedRV, 'the informer is behind the compaction point').to.be.lessThan(rev);

    api = await startApiServer({ prefix: writerApi.prefix, port });
    const after = await converge('after compaction');

    expect(
      logs.messages().filter((m) => m.includes('relisting')).length,
      'the reflector got a 410 and relisted',
    ).to.be.greaterThan(relistsBefore);
    const delta = (k: string): KeyCounts => {
      const now = handler.of(k);
      const was = countsBefore.get(k) ?? { adds: 0, updates: 0, deletes: 0, tombstones: 0 };
      return {
        adds: now.adds - was.adds,
        updates: now.updates - was.updates,
        deletes: now.deletes - was.deletes,
        tombstones: now.tombstones - was.tombstones,
      };
    };
    for (const k of toDelete) {
      expect(after.has(k)).to.equal(false);
      expect(delta(k), `${k} vanished`).to.deep.equal({ adds: 0, updates: 0, deletes: 0, tombstones: 1 });
      expect(handler.tombstoneRVs.get(k), `${k}: the tombstone carries the last known state`).to.equal(before.get(k));
    }
    for (const k of toUpdate)
      expect(delta(k), `${k} changed`).to.deep.equal({ adds: 0, updates: 1, deletes: 0, tombstones: 0 });
    for (const k of toCreate)
      expect(delta(k), `${k} new`).to.deep.equal({ adds: 1, updates: 0, deletes: 0, tombstones: 0 });
    const touched = new Set([...toDelete, ...toUpdate, ...toCreate]);
    const spurious = keys.filter(
      (k) =>
        !touched.has(k) &&
        JSON.stringify(delta(k)) !== JSON.stringify({ adds: 0, updates: 0, deletes: 0, tombstones: 0 }),
    );
    expect(spurious.slice(0, 5), 'unchanged objects are not re-delivered by the relist').to.deep.equal([]);
    expectNoDuplicateAdds();
  });
});
