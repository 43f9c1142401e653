/**
 * The StatefulSet controller on a real apiserver + etcd, with the controller-manager and a
 * kubelet (fake container runtime) in-process: three replicas on a hostPath volumeClaimTemplate
 * start in order (each pod is created only once the one below is Ready), each binds its own
 * claim data-web-N; a deleted pod comes back with the same name on the same claim; scaling to
 * 5 then 2 adds and removes the highest ordinals and keeps every claim (Retain).
 */
import { expect } from 'chai';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StatefulSet } from '../../../pkg/api/apps/v1';
import type { Pod } from '../../../pkg/api/core/v1';
import type { Stored } from '../../../pkg/api/stored';
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
  waitClaimPhase,
  waitUntil,
  webStatefulSet,
  isReadyPod,
} from './helpers';

const ns = 'sts';

describe('statefulset controller (apiserver + etcd, controller-manager and kubelet in-process)', function () {
  this.timeout(90_000);
  let api: TestApiServer;
  let client: Clientset;
  let cm: InProcessControllerManager;
  let kubelet: InProcessKubelet | undefined;
  let tmp: string;
  let watch: Watch<Stored<Pod, 'Namespaced'>> | undefined;
  /** Pod events in the order the watch saw them: `added web-0`, `ready web-0`, `deleted web-0`. */
  const seen: string[] = [];

  before(async () => {
    tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'kubestore-sts-')));
    api = await startApiServer();
    client = new Clientset({ server: api.url, qps: 0 });
    cm = startControllerManager({ url: api.url, dir: path.join(tmp, 'kcm') });
    kubelet = startKubelet({
      url: api.url,
      rootDir: path.join(tmp, 'kubelet'),
      runtime: new FakeRuntime({ images: ['busybox'] }),
      drivers: testNodeDrivers(new FakeMounter(), { nfs: { exportRoot: path.join(tmp, 'nfs') } }),
    });
    await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    watch = await client.pods.watch(ns);
    const w = watch;
    void (async () => {
      const ready = new Set<string>();
      for await (const e of w.events) {
        if (e.type === 'ERROR' || e.type === 'BOOKMARK') continue;
        const p = e.object as Pod;
        const name = p.metadata.name ?? '';
        if (e.type === 'ADDED') seen.push(`added ${name}`);
        if (e.type === 'DELETED') {
          seen.push(`deleted ${name}`);
          ready.delete(name);
        } else if (isReadyPod(p) && !ready.has(name)) {
          ready.add(name);
          seen.push(`ready ${name}`);
        }
      }
    })().catch(() => undefined);
  });

  after(async () => {
    watch?.stop();
    await kubelet?.stop();
    await cm?.stop();
    client?.close();
    await api?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function waitReadyPods(names: string[], what: string): Promise<Pod[]> {
    let pods: Pod[] = [];
    await waitUntil(
      async (note) => {
        pods = (await client.pods.list(ns)).items;
        const state = pods
          .map((p) => `${p.metadata.name}:${isReadyPod(p) ? 'ready' : (p.status?.phase ?? '?')}`)
          .sort();
        note(state.join(','));
        return (
          pods.length === names.length &&
          names.every((n) => pods.some((p) => p.metadata.name === n && isReadyPod(p) && !p.metadata.deletionTimestamp))
        );
      },
      60_000,
      what,
    );
    return pods;
  }

  it('starts 3 replicas in order, each with its own bound claim', async () => {
    await client.statefulSets.create(webStatefulSet(ns, 3));
    const pods = await waitReadyPods(['web-0', 'web-1', 'web-2'], '3 Ready pods');
    // Each pod was created only after the one below it was Ready.
    await waitUntil(() => seen.includes('ready web-2'), 10_000, 'the watch to see web-2 Ready');
    const order = seen.filter((s) => /^(added|ready) web-[0-2]$/.test(s));
    expect(order).to.deep.equal([
      'added web-0',
      'ready web-0',
      'added web-1',
      'ready web-1',
      'added web-2',
      'ready web-2',
    ]);
    for (const i of [0, 1, 2]) {
      const c = await waitClaimPhase(client, ns, `data-web-${i}`, 'Bound');
      expect(c.metadata.labels?.app).to.equal('web');
      const p = pods.find((x) => x.metadata.name === `web-${i}`);
      expect(p?.spec.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName).to.equal(
        `data-web-${i}`,
      );
    }
    let set: StatefulSet | undefined;
    await waitUntil(
      async () => {
        set = await client.statefulSets.get('web', ns);
        return set.status?.readyReplicas === 3 && set.status.observedGeneration === set.metadata.generation;
      },
      20_000,
      'status readyReplicas 3',
    );
    expect(set?.status).to.deep.include({ replicas: 3, currentReplicas: 3, updatedReplicas: 3 });
    expect(set?.status?.currentRevision).to.equal(set?.status?.updateRevision);
    const revs = (await client.controllerRevisions.list(ns)).items;
    expect(revs.map((r) => r.metadata.name)).to.deep.equal([set?.status?.updateRevision]);
  });

  const updateSet = (mutate: (s: StatefulSet) => StatefulSet) => updateStatefulSet(client, ns, 'web', mutate);

  it('a deleted pod returns with the same name on the same claim', async () => {
    const before = await client.pods.get('web-1', ns);
    const claimUid = (await client.persistentVolumeClaims.get('data-web-1', ns)).metadata.uid;
    await client.pods.delete('web-1', ns);
    await waitUntil(
      async () => {
        const p = await client.pods.get('web-1', ns).catch(() => undefined);
        return p !== undefined && p.metadata.uid !== before.metadata.uid && isReadyPod(p);
      },
      60_000,
      'a new Ready web-1',
    );
    const after = await client.pods.get('web-1', ns);
    expect(after.spec.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName).to.equal('data-web-1');
    expect((await client.persistentVolumeClaims.get('data-web-1', ns)).metadata.uid).to.equal(claimUid);
  });

  it('scales to 5 then to 2, highest ordinals last in and first out, claims kept', async () => {
    const scale = (replicas: number) => updateSet((s) => ({ ...s, spec: { ...s.spec, replicas } }));
    await scale(5);
    await waitReadyPods(['web-0', 'web-1', 'web-2', 'web-3', 'web-4'], '5 Ready pods');
    // The watch may trail the GETs that saw web-4 Ready.
    await waitUntil(() => seen.includes('ready web-4'), 10_000, 'the watch to see web-4 Ready');
    const up = seen.filter((s) => /^(added|ready) web-[34]$/.test(s));
    expect(up).to.deep.equal(['added web-3', 'ready web-3', 'added web-4', 'ready web-4']);
    const mark = seen.length;
    await scale(2);
    await waitUntil(
      async () =>
        (await client.pods.list(ns)).items
          .map((p) => p.metadata.name)
          .sort()
          .join() === 'web-0,web-1',
      60_000,
      'pods web-0 and web-1 only',
    );
    const down = () => seen.slice(mark).filter((s) => s.startsWith('deleted'));
    await waitUntil(() => down().length >= 3, 10_000, 'the watch to see three deletions');
    expect(down()).to.deep.equal(['deleted web-4', 'deleted web-3', 'deleted web-2']);
    const claims = (await client.persistentVolumeClaims.list(ns)).items.map((c) => c.metadata.name).sort();
    expect(claims).to.deep.equal(['data-web-0', 'data-web-1', 'data-web-2', 'data-web-3', 'data-web-4']);
  });

  it('rolls a template change through every pod, highest ordinal first, and completes the revision', async () => {
    const oldRevision = (await client.statefulSets.get('web', ns)).status?.currentRevision;
    const mark = seen.length;
    await updateSet((s) => ({
      ...s,
      spec: { ...s.spec, template: { ...s.spec.template, metadata: { labels: { app: 'web', rev: '2' } } } },
    }));
    let set: StatefulSet | undefined;
    await waitUntil(
      async () => {
        set = await client.statefulSets.get('web', ns);
        const st = set.status;
        return (
          st?.currentRevision === st?.updateRevision &&
          st?.currentRevision !== oldRevision &&
          st?.updatedReplicas === 2 &&
          st?.readyReplicas === 2
        );
      },
      60_000,
      'the rolling update to complete',
    );
    const deletions = () => seen.slice(mark).filter((x) => x.startsWith('deleted'));
    await waitUntil(() => deletions().length >= 2, 10_000, 'the watch to see both deletions');
    expect(deletions()).to.deep.equal(['deleted web-1', 'deleted web-0']);
    for (const p of (await client.pods.list(ns)).items)
      expect(p.metadata.labels?.['controller-revision-hash']).to.equal(set?.status?.updateRevision);
  });
});
