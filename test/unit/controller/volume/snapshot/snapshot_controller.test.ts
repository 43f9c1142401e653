/**
 * The snapshot controller's two reconcilers with fake clients, listers reading the fakes'
 * current state, a fake driver controller half and a FakeRecorder: dynamic snapshots (content
 * made and bound both ways, claim protected while cut, status mirrored), pre-provisioned
 * binding, errors in status.error with Warning events, and Delete/Retain deletion.
 */
import { expect } from 'chai';
import type { PersistentVolume, PersistentVolumeClaim } from '../../../../../pkg/api/core/v1';
import type { KubeObject } from '../../../../../pkg/api/meta';
import type {
  VolumeSnapshot,
  VolumeSnapshotClass,
  VolumeSnapshotContent,
} from '../../../../../pkg/api/snapshot/v1/types';
import { FakeRecorder } from '../../../../../pkg/client/record/recorder';
import { SnapshotFinalizer } from '../../../../../pkg/controller/volume/snapshot/constants';
import { ContentReconciler } from '../../../../../pkg/controller/volume/snapshot/content_sync';
import type { CacheLister, SnapshotDeps } from '../../../../../pkg/controller/volume/snapshot/deps';
import { SnapshotReconciler } from '../../../../../pkg/controller/volume/snapshot/snapshot_sync';
import type { DeepReadonly } from '../../../../../pkg/util/immutable/deep_readonly';
import type { ControllerService, DeleteSnapshotRequest } from '../../../../../pkg/volume/controller_service';
import { ReclaimRefusal } from '../../../../../pkg/volume/errors';
import { newHostPathDriver } from '../../../../../pkg/volume/hostpath/driver';
import { VolumeDriverRegistry } from '../../../../../pkg/volume/registry';
import { FakeResource, FakeTracker } from '../../../../helpers/fake_client';

const driver = 'kubestore.io/hostpath';
const deleting = '2024-01-01T00:00:00Z';

function lister<T extends KubeObject>(r: FakeResource<T>): CacheLister<T> {
  return {
    get: (key) => {
      const [a, b] = key.split('/');
      return (b === undefined ? r.peek(a ?? '') : r.peek(b, a)) as DeepReadonly<T> | undefined;
    },
    list: () => r.all() as DeepReadonly<T>[],
  };
}

interface World {
  deps: SnapshotDeps;
  snaps: FakeResource<VolumeSnapshot>;
  contents: FakeResource<VolumeSnapshotContent>;
  classes: FakeResource<VolumeSnapshotClass>;
  claims: FakeResource<PersistentVolumeClaim>;
  recorder: FakeRecorder;
  deleted: DeleteSnapshotRequest[];
  refuse: { on: boolean };
}

function world(): World {
  const t = new FakeTracker();
  const snaps = new FakeResource<VolumeSnapshot>(t, { resource: 'volumesnapshots', namespaced: true });
  const contents = new FakeResource<VolumeSnapshotContent>(t, {
    resource: 'volumesnapshotcontents',
    namespaced: false,
  });
  const classes = new FakeResource<VolumeSnapshotClass>(t, { resource: 'volumesnapshotclasses', namespaced: false });
  const claims = new FakeResource<PersistentVolumeClaim>(t, { resource: 'persistentvolumeclaims', namespaced: true });
  const volumes = new FakeResource<PersistentVolume>(t, { resource: 'persistentvolumes', namespaced: false });
  const recorder = new FakeRecorder();
  const deleted: DeleteSnapshotRequest[] = [];
  const refuse = { on: false };
  const service = {
    createSnapshot: async (req) => ({
      snapshotHandle: req.name,
      sizeBytes: 1234,
      creationTimeMs: Date.UTC(2025, 0, 2, 3, 4, 5),
      readyToUse: true,
    }),
    deleteSnapshot: async (req) => {
      if (refuse.on) throw new ReclaimRefusal('no record');
      deleted.push(req);
    },
  } as Pick<ControllerService, 'createSnapshot' | 'deleteSnapshot'> as ControllerService;
  volumes.seed({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv-1' },
    spec: { hostPath: { path: '/x' }, capacity: { storage: '1Gi' } },
  });
  claims.seed({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'ns' },
    spec: { volumeName: 'pv-1', resources: { requests: { storage: '1Gi' } } },
    status: { phase: 'Bound' },
  });
  const deps: SnapshotDeps = {
    snapshots: lister(snaps),
    contents: lister(contents),
    classes: lister(classes),
    claims: lister(claims),
    volumes: lister(volumes),
    snapshotClient: snaps,
    contentClient: contents,
    claimClient: claims,
    drivers: new VolumeDriverRegistry([newHostPathDriver()]),
    controllerOf: (p) => (p === driver ? service : undefined),
    recorder,
    now: () => new Date(Date.UTC(2025, 0, 1)),
  };
  return { deps, snaps, contents, classes, claims, recorder, deleted, refuse };
}

function cls(name: string, deletionPolicy: 'Delete' | 'Retain', isDefault: boolean): VolumeSnapshotClass {
  return {
    apiVersion: 'snapshot.storage.k8s.io/v1',
    kind: 'VolumeSnapshotClass',
    metadata: {
      name,
      ...(isDefault ? { annotations: { 'snapshot.storage.kubernetes.io/is-default-class': 'true' } } : {}),
    },
    driver,
    deletionPolicy,
  };
}

function snap(name: string, source: VolumeSnapshot['spec']['source'], className?: string): VolumeSnapshot {
  return {
    apiVersion: 'snapshot.storage.k8s.io/v1',
    kind: 'VolumeSnapshot',
    metadata: { name, namespace: 'ns', uid: `uid-${name}` },
    spec: { source, ...(className ? { volumeSnapshotClassName: className } : {}) },
  };
}

async function settle(w: World, key: string): Promise<void> {
  const s = new SnapshotReconciler(w.deps);
  const c = new ContentReconciler(w.deps);
  await s.reconcile(key);
  for (const content of w.contents.all()) await c.reconcile(content.metadata.name);
  await s.reconcile(key);
}

describe('snapshot controller reconcilers', () => {
  it('a dynamic snapshot (default class) creates a content bound both ways, protects the claim, and mirrors readiness', async () => {
    const w = world();
    w.classes.seed(cls('def', 'Delete', true));
    w.snaps.seed(snap('s1', { persistentVolumeClaimName: 'data' }));
    await new SnapshotReconciler(w.deps).reconcile('ns/s1');
    const content = w.contents.peek('snapcontent-uid-s1');
    expect(content?.spec).to.deep.include({ deletionPolicy: 'Delete', driver, volumeSnapshotClassName: 'def' });
    expect(content?.spec.volumeSnapshotRef).to.include({ name: 's1', namespace: 'ns', uid: 'uid-s1' });
    expect(content?.spec.source).to.deep.equal({ volumeHandle: 'pv-1' });
    expect(content?.metadata.finalizers).to.deep.equal([SnapshotFinalizer.ContentBound]);
    expect(w.claims.peek('data', 'ns')?.metadata.finalizers).to.include(SnapshotFinalizer.PvcAsSource);
    const first = w.snaps.peek('s1', 'ns');
    expect(first?.status).to.deep.equal({ boundVolumeSnapshotContentName: 'snapcontent-uid-s1', readyToUse: false });
    expect(first?.metadata.finalizers).to.have.members([SnapshotFinalizer.AsSource, SnapshotFinalizer.Bound]);

    await settle(w, 'ns/s1');
    expect(w.contents.peek('snapcontent-uid-s1')?.status).to.deep.equal({
      snapshotHandle: 'snapcontent-uid-s1',
      readyToUse: true,
      restoreSize: 1234,
      creationTime: Date.UTC(2025, 0, 2, 3, 4, 5) * 1e6,
    });
    expect(w.snaps.peek('s1', 'ns')?.status).to.deep.equal({
      boundVolumeSnapshotContentName: 'snapcontent-uid-s1',
      readyToUse: true,
      restoreSize: '1234',
      creationTime: '2025-01-02T03:04:05Z',
    });
    expect(w.claims.peek('data', 'ns')?.metadata.finalizers ?? []).to.not.include(SnapshotFinalizer.PvcAsSource);
    expect(w.recorder.events.map((e) => e.reason)).to.include.members(['SnapshotCreated', 'SnapshotReady']);
  });

  const failures: {
    name: string;
    snapshot: VolumeSnapshot;
    classes: VolumeSnapshotClass[];
    content?: VolumeSnapshotContent;
    reason: string;
    message: RegExp;
  }[] = [
    {
      name: 'a missing claim',
      snapshot: snap('s', { persistentVolumeClaimName: 'nope' }),
      classes: [cls('def', 'Delete', true)],
      reason: 'SnapshotContentCreationFailed',
      message: /PersistentVolumeClaim ns\/nope not found/,
    },
    {
      name: 'no class named and no default',
      snapshot: snap('s', { persistentVolumeClaimName: 'data' }),
      classes: [cls('other', 'Delete', false)],
      reason: 'SnapshotContentCreationFailed',
      message: /no default VolumeSnapshotClass/,
    },
    {
      name: 'a missing named class',
      snapshot: snap('s', { persistentVolumeClaimName: 'data' }, 'gone'),
      classes: [],
      reason: 'SnapshotContentCreationFailed',
      message: /VolumeSnapshotClass gone not found/,
    },
    {
      name: 'a pre-provisioned content that names another snapshot',
      snapshot: snap('s', { volumeSnapshotContentName: 'c' }),
      classes: [],
      content: {
        apiVersion: 'snapshot.storage.k8s.io/v1',
        kind: 'VolumeSnapshotContent',
        metadata: { name: 'c' },
        spec: {
          deletionPolicy: 'Retain',
          driver,
          source: { snapshotHandle: 'h' },
          volumeSnapshotRef: { name: 'other', namespace: 'ns' },
        },
      },
      reason: 'SnapshotBindFailed',
      message: /bound to ns\/other/,
    },
  ];
  for (const f of failures) {
    it(`${f.name}: status.error and a Warning event, retried`, async () => {
      const w = world();
      for (const c of f.classes) w.classes.seed(c);
      if (f.content) w.contents.seed(f.content);
      w.snaps.seed(f.snapshot);
      let thrown: unknown;
      await new SnapshotReconciler(w.deps).reconcile('ns/s').catch((err: unknown) => (thrown = err));
      expect(thrown, 'returned as an error so the runner retries').to.be.instanceOf(Error);
      const got = w.snaps.peek('s', 'ns');
      expect(got?.status?.readyToUse).to.equal(false);
      expect(got?.status?.error?.message).to.match(f.message);
      expect(got?.status?.error?.time).to.equal('2025-01-01T00:00:00Z');
      expect(w.recorder.events).to.deep.include({
        object: 'ns/s',
        type: 'Warning',
        reason: f.reason,
        message: got?.status?.error?.message,
      });
      expect(w.contents.all().filter((c) => c.metadata.name.startsWith('snapcontent-'))).to.have.length(0);
    });
  }

  it('a pre-provisioned snapshot binds to its content and mirrors its status', async () => {
    const w = world();
    w.contents.seed({
      apiVersion: 'snapshot.storage.k8s.io/v1',
      kind: 'VolumeSnapshotContent',
      metadata: { name: 'c' },
      spec: {
        deletionPolicy: 'Retain',
        driver,
        source: { snapshotHandle: 'h' },
        volumeSnapshotRef: { name: 's', namespace: 'ns' },
      },
      status: { snapshotHandle: 'h', readyToUse: true, restoreSize: 7 },
    });
    w.snaps.seed(snap('s', { volumeSnapshotContentName: 'c' }));
    await new SnapshotReconciler(w.deps).reconcile('ns/s');
    const bound = w.contents.peek('c');
    expect(bound?.spec.volumeSnapshotRef.uid, 'the content is bound to this snapshot’s uid').to.equal('uid-s');
    expect(bound?.metadata.finalizers).to.deep.equal([SnapshotFinalizer.ContentBound]);
    expect(w.snaps.peek('s', 'ns')?.status).to.deep.equal({
      boundVolumeSnapshotContentName: 'c',
      readyToUse: true,
      restoreSize: '7',
    });
  });

  for (const policy of ['Delete', 'Retain'] as const) {
    it(`deleting a snapshot with policy ${policy}`, async () => {
      const w = world();
      w.classes.seed(cls('c', policy, true));
      w.snaps.seed(snap('s1', { persistentVolumeClaimName: 'data' }));
      await settle(w, 'ns/s1');
      await w.snaps.delete('s1', 'ns');
      const s = new SnapshotReconciler(w.deps);
      const c = new ContentReconciler(w.deps);
      await s.reconcile('ns/s1');
      if (policy === 'Delete') {
        expect(w.snaps.peek('s1', 'ns'), 'kept until its content is gone').to.not.equal(undefined);
        await c.reconcile('snapcontent-uid-s1');
        expect(w.deleted).to.deep.equal([
          { name: 'snapcontent-uid-s1', contentUid: w.deleted[0]?.contentUid, snapshotHandle: 'snapcontent-uid-s1' },
        ]);
        expect(w.contents.peek('snapcontent-uid-s1')).to.equal(undefined);
        await s.reconcile('ns/s1');
      } else {
        expect(w.deleted).to.have.length(0);
        expect(w.contents.peek('snapcontent-uid-s1')?.metadata.deletionTimestamp).to.equal(undefined);
      }
      expect(w.snaps.peek('s1', 'ns')).to.equal(undefined);
    });
  }

  it('a content whose copy the driver refuses to delete keeps its finalizer and gets a Warning event', async () => {
    const w = world();
    w.refuse.on = true;
    w.contents.seed({
      apiVersion: 'snapshot.storage.k8s.io/v1',
      kind: 'VolumeSnapshotContent',
      metadata: { name: 'c', finalizers: [SnapshotFinalizer.ContentBound], deletionTimestamp: deleting },
      spec: {
        deletionPolicy: 'Delete',
        driver,
        source: { snapshotHandle: 'h' },
        volumeSnapshotRef: { name: 's', namespace: 'ns' },
      },
      status: { snapshotHandle: 'h', readyToUse: true },
    });
    let thrown: unknown;
    await new ContentReconciler(w.deps).reconcile('c').catch((err: unknown) => (thrown = err));
    expect(thrown).to.be.instanceOf(ReclaimRefusal);
    expect(w.contents.peek('c')?.metadata.finalizers).to.deep.equal([SnapshotFinalizer.ContentBound]);
    expect(w.recorder.events.map((e) => e.reason)).to.deep.equal(['SnapshotDeleteError']);
  });
});
