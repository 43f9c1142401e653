/**
 * The controller-manager stopped abruptly (its run signal aborted at pseudo-random points, a new
 * one started at once) while a StatefulSet of 5 is created, scaled to 2 and back to 5, rolled
 * to a new template and deleted in the foreground — on a real apiserver + etcd with an
 * in-process kubelet (fake runtime). A watch on pods and claims checks throughout that no claim
 * is ever created twice under one name (Retain on delete) nor marked for deletion while a live
 * pod of the set mounts it (Delete on scale-down), and at the end that the set converged with
 * one ControllerRevision per template and that the foreground deletion finished (no finalizer
 * left on anything); an orphan delete releases the pods and a new set adopts them. The seed is printed; KUBESTORE_CRASH_SEED replays one.
 */
import { expect } from 'chai';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StatefulSet } from '../../../pkg/api/apps/v1';
import type { PersistentVolumeClaim, Pod } from '../../../pkg/api/core/v1';
import { isNotFound } from '../../../pkg/api/errors';
import type { KubeObject } from '../../../pkg/api/meta';
import { Clientset } from '../../../pkg/client/clientset';
import type { Watch } from '../../../pkg/client/resource_client';
import { FakeRuntime } from '../../../pkg/kubelet/runtime/fake/fake_runtime';
import { FakeMounter } from '../../../pkg/util/mount/fake_mounter';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { testNodeDrivers } from '../../helpers/volume_drivers';
import { type InProcessKubelet, startKubelet } from '../volume/helpers';
import {
  type InProcessControllerManager,
  startControllerManager,
  updateStatefulSet,
  waitUntil,
  webStatefulSet,
  isReadyPod,
} from './helpers';

const ns = 'sts-crash';

/** A small deterministic generator (mulberry32), so a failing seed can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('statefulset + garbage collector: controller-manager stopped abruptly mid-work', function () {
  this.timeout(180_000);
  const seed = Number(process.env.KUBESTORE_CRASH_SEED ?? Date.now() % 1_000_000);
  const rand = random(seed);
  let api: TestApiServer;
  let client: Clientset;
  let cm: InProcessControllerManager | undefined;
  let kubelet: InProcessKubelet | undefined;
  let tmp: string;
  const watches: Watch<KubeObject>[] = [];
  let restarts = 0;
  /** Invariant violations seen by the watches. */
  const violations: string[] = [];
  /** Live pods as the watch last saw them. */
  const pods = new Map<string, Pod>();
  /** The first uid of each claim name; claims whose deletion the policy allows. */
  const claimUids = new Map<string, string>();
  let scaledDownClaims = new Set<string>();

  before(async () => {
    console.log(`      seed ${seed} (KUBESTORE_CRASH_SEED=${seed} replays it)`);
    tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'kubestore-sts-crash-')));
    api = await startApiServer();
    client = new Clientset({ server: api.url, qps: 0 });
    kubelet = startKubelet({
      url: api.url,
      rootDir: path.join(tmp, 'kubelet'),
      runtime: new FakeRuntime({ images: ['busybox'] }),
      drivers: testNodeDrivers(new FakeMounter(), { nfs: { exportRoot: path.join(tmp, 'nfs') } }),
    });
    await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const podWatch = (await client.pods.watch(ns)) as unknown as Watch<KubeObject>;
    const claimWatch = (await client.persistentVolumeClaims.watch(ns)) as unknown as Watch<KubeObject>;
    watches.push(podWatch, claimWatch);
    void (async () => {
      for await (const e of podWatch.events) {
        if (e.type === 'ERROR' || e.type === 'BOOKMARK') continue;
        const p = e.object as Pod;
        if (e.type === 'DELETED') pods.delete(p.metadata.name ?? '');
        else pods.set(p.metadata.name ?? '', p);
      }
    })().catch(() => undefined);
    void (async () => {
      for await (const e of claimWatch.events) {
        if (e.type === 'ERROR' || e.type === 'BOOKMARK') continue;
        const c = e.object as PersistentVolumeClaim;
        const name = c.metadata.name ?? '';
        const first = claimUids.get(name);
        if (first === undefined) claimUids.set(name, c.metadata.uid ?? '');
        else if (first !== c.metadata.uid && !scaledDownClaims.has(name))
          violations.push(`claim ${name} made twice (${first}, then ${c.metadata.uid ?? ''})`);
        if (e.type === 'ADDED' && first !== undefined && first !== c.metadata.uid)
          claimUids.set(name, c.metadata.uid ?? '');
        if (c.metadata.deletionTimestamp || e.type === 'DELETED') {
          for (const p of pods.values()) {
            if (p.metadata.deletionTimestamp) continue;
            if ((p.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === name))
              violations.push(
                `claim ${name} deleted while live pod ${p.metadata.name ?? ''} (${p.metadata.uid ?? ''}) mounts it`,
              );
          }
        }
      }
    })().catch(() => undefined);
    cm = startControllerManager({ url: api.url, dir: path.join(tmp, 'kcm') });
  });

  after(async () => {
    for (const w of watches) w.stop();
    await kubelet?.stop();
    await cm?.stop().catch(() => undefined);
    client?.close();
    await api?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Stops the controller-manager after a pseudo-random 10-250 ms and starts a new one, `n` times. */
  async function crashes(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const ms = 10 + Math.floor(rand() * 240);
      await new Promise((resolve) => setTimeout(resolve, ms)); // the crash point, not a wait for state
      await cm?.stop();
      restarts++;
      cm = startControllerManager({ url: api.url, dir: path.join(tmp, 'kcm'), identity: `kcm-${restarts}` });
    }
  }

  const scale = (replicas: number) =>
    updateStatefulSet(client, ns, 'web', (s) => ({ ...s, spec: { ...s.spec, replicas } }));

  async function converged(replicas: number, what: string): Promise<StatefulSet> {
    let set: StatefulSet | undefined;
    await waitUntil(
      async (note) => {
        set = await client.statefulSets.get('web', ns);
        const live = (await client.pods.list(ns)).items;
        const st = set.status;
        note(
          `${live.map((p) => `${p.metadata.name}:${isReadyPod(p) ? 'ready' : (p.status?.phase ?? '?')}`).join(',')} status ${JSON.stringify(st)}`,
        );
        const want = Array.from({ length: replicas }, (_, i) => `web-${i}`);
        return (
          live.length === replicas &&
          want.every((n) =>
            live.some((p) => p.metadata.name === n && isReadyPod(p) && !p.metadata.deletionTimestamp),
          ) &&
          live.every((p) => p.metadata.labels?.['controller-revision-hash'] === st?.updateRevision) &&
          st?.readyReplicas === replicas &&
          st.currentRevision === st.updateRevision &&
          st.observedGeneration === set?.metadata.generation
        );
      },
      60_000,
      what,
    );
    if (!set) throw new Error('unreachable');
    expect(violations, violations.join('\n')).to.deep.equal([]);
    return set;
  }

  it('creates 5 through restarts', async () => {
    await client.statefulSets.create(
      webStatefulSet(ns, 5, { persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' } }),
    );
    await crashes(6);
    await converged(5, '5 Ready pods after restarts');
    const revs = (await client.controllerRevisions.list(ns)).items;
    expect(revs).to.have.length(1);
  });

  it('scales to 2 through restarts (claims of 2-4 deleted only once their pods are gone)', async () => {
    scaledDownClaims = new Set(['data-web-2', 'data-web-3', 'data-web-4']);
    await scale(2);
    await crashes(5);
    await converged(2, '2 Ready pods after restarts');
    await waitUntil(
      async (note) => {
        const names = (await client.persistentVolumeClaims.list(ns)).items.map((c) => c.metadata.name).sort();
        note(names.join(','));
        return names.join() === 'data-web-0,data-web-1';
      },
      30_000,
      'the claims of the scaled-down ordinals to go',
    );
  });

  it('scales back to 5 through restarts (new claims for 2-4, the others kept)', async () => {
    const kept = (await client.persistentVolumeClaims.list(ns)).items.map(
      (c) => `${c.metadata.name}:${c.metadata.uid}`,
    );
    await scale(5);
    await crashes(6);
    await converged(5, '5 Ready pods again');
    const now = (await client.persistentVolumeClaims.list(ns)).items.map((c) => `${c.metadata.name}:${c.metadata.uid}`);
    expect(now).to.include.members(kept);
    expect(now).to.have.length(5);
    scaledDownClaims = new Set();
  });

  it('rolls a new template through restarts: one more revision, every pod at it', async () => {
    await updateStatefulSet(client, ns, 'web', (s) => ({
      ...s,
      spec: { ...s.spec, template: { ...s.spec.template, metadata: { labels: { app: 'web', rev: '2' } } } },
    }));
    await crashes(8);
    const set = await converged(5, 'the rolling update to complete');
    const revs = (await client.controllerRevisions.list(ns)).items.map((r) => r.metadata.name);
    expect(revs).to.have.length(2);
    expect(revs).to.include(set.status?.updateRevision);
  });

  it('a foreground delete through restarts: the set, its pods and revisions go, claims stay, no finalizer left', async () => {
    await client.statefulSets.delete('web', ns, { propagationPolicy: 'Foreground' });
    await crashes(5);
    await waitUntil(
      async (note) => {
        const set = await client.statefulSets.get('web', ns).catch((err: unknown) => {
          if (isNotFound(err)) return undefined;
          throw err;
        });
        const left = (await client.pods.list(ns)).items.length;
        const revs = (await client.controllerRevisions.list(ns)).items.length;
        note(`set ${set ? JSON.stringify(set.metadata.finalizers) : 'gone'}, ${left} pods, ${revs} revisions`);
        return set === undefined && left === 0 && revs === 0;
      },
      60_000,
      'the set and its dependents to go',
    );
    const claims = (await client.persistentVolumeClaims.list(ns)).items;
    expect(claims).to.have.length(5);
    for (const c of claims) expect(c.metadata.deletionTimestamp, c.metadata.name).to.equal(undefined);
    expect(violations, violations.join('\n')).to.deep.equal([]);
  });

  it('an orphan delete through restarts leaves the pods unowned (no orphan finalizer left); a new set adopts them', async () => {
    await client.statefulSets.create(
      webStatefulSet(ns, 3, { persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' } }),
    );
    await converged(3, '3 Ready pods of a new set');
    const uids = (await client.pods.list(ns)).items.map((p) => p.metadata.uid).sort();
    await client.statefulSets.delete('web', ns, { propagationPolicy: 'Orphan' });
    await crashes(4);
    await waitUntil(
      async (note) => {
        const set = await client.statefulSets.get('web', ns).catch((err: unknown) => {
          if (isNotFound(err)) return undefined;
          throw err;
        });
        const owned = (await client.pods.list(ns)).items.filter((p) => (p.metadata.ownerReferences ?? []).length > 0);
        note(`set ${set ? JSON.stringify(set.metadata.finalizers) : 'gone'}, ${owned.length} pods still owned`);
        return set === undefined && owned.length === 0;
      },
      60_000,
      'the set to go and its pods to be released',
    );
    expect((await client.pods.list(ns)).items.map((p) => p.metadata.uid).sort()).to.deep.equal(uids);
    await client.statefulSets.create(
      webStatefulSet(ns, 3, { persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Delete' } }),
    );
    await crashes(3);
    const set = await converged(3, 'the new set to adopt the pods');
    const pods = (await client.pods.list(ns)).items;
    expect(pods.map((p) => p.metadata.uid).sort(), 'no pod restarted').to.deep.equal(uids);
    for (const p of pods) expect(p.metadata.ownerReferences?.map((r) => r.uid)).to.deep.equal([set.metadata.uid]);
  });
});
