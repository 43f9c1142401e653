/**
 * The expand controller's reconciler, table-driven: initial claim, PV and class on a fake API
 * → the claim and PV afterwards, the events, and no further writes on a second pass (level-based,
 * idempotent). A fake driver answers the controller expansion as each row needs.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PersistentVolume, PersistentVolumeClaim } from '../../../../../pkg/api/core/v1';
import type { StorageClass } from '../../../../../pkg/api/storage/v1';
import { FakeRecorder } from '../../../../../pkg/client/record/recorder';
import { StorageResizerAnnotation } from '../../../../../pkg/controller/volume/expand/constants';
import { ExpandReconciler, wantedSize } from '../../../../../pkg/controller/volume/expand/expand';
import { IndexedCache } from '../../../../../pkg/informer/indexer';
import type { ControllerService } from '../../../../../pkg/volume/controller_service';
import { directoryCapabilities, type VolumeDriver } from '../../../../../pkg/volume/driver';
import { type ControllerExpansion, VolumeExpansionError } from '../../../../../pkg/volume/expansion';
import { MemoryProvisioningRecords } from '../../../../../pkg/volume/dirs/provisioning_records';
import { FakeResource, FakeTracker } from '../../../../helpers/fake_client';
import { testDriverRegistry } from '../../../../helpers/volume_drivers';

const fakeDriverName = 'fake.example.com';

/** How the fake driver answers: a result, or an error to throw (once, or always). */
interface FakeAnswer {
  nodeExpansionRequired?: boolean;
  fail?: { message: string; infeasible: boolean; once?: boolean };
}

function fakeDriver(answer: FakeAnswer, calls: string[], expansion = true): VolumeDriver {
  let failed = false;
  const service: ControllerService = {
    createVolume: () => Promise.reject(new Error('not used')),
    adoptVolume: async () => {},
    deleteVolume: async () => {},
    recycleVolume: async () => {},
    ...(expansion
      ? {
          expandVolume: async (_pv, capacity): Promise<ControllerExpansion> => {
            calls.push(capacity);
            if (answer.fail && !(answer.fail.once && failed)) {
              failed = true;
              throw new VolumeExpansionError(answer.fail.message, answer.fail.infeasible);
            }
            return { capacity, nodeExpansionRequired: answer.nodeExpansionRequired ?? false };
          },
        }
      : {}),
  };
  return {
    identity: {
      type: 'fake',
      provisioner: fakeDriverName,
      pluginName: 'example.com/fake',
      capabilities: { ...directoryCapabilities, expansion },
    },
    handles: (pv) => pv.spec.csi?.driver === fakeDriverName,
    controller: () => service,
    node: () => {
      throw new Error('not used');
    },
  };
}

function sc(name: string, provisioner: string): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name },
    provisioner,
    allowVolumeExpansion: true,
  };
}

interface ClaimOpts {
  request: string;
  capacity?: string;
  status?: Partial<NonNullable<PersistentVolumeClaim['status']>>;
  className?: string;
  phase?: 'Bound' | 'Pending';
}

function claim(o: ClaimOpts): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'default', uid: 'claim-uid' },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: o.request } },
      storageClassName: o.className ?? 'fast',
      volumeName: 'pvc-claim-uid',
    },
    status: { phase: o.phase ?? 'Bound', capacity: { storage: o.capacity ?? '1Gi' }, ...(o.status ?? {}) },
  };
}

function pv(o: { capacity?: string; uid?: string; hostPath?: string } = {}): PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pvc-claim-uid' },
    spec: {
      capacity: { storage: o.capacity ?? '1Gi' },
      accessModes: ['ReadWriteOnce'],
      ...(o.hostPath ? { hostPath: { path: o.hostPath } } : { csi: { driver: fakeDriverName, volumeHandle: 'h' } }),
      claimRef: { namespace: 'default', name: 'data', uid: o.uid ?? 'claim-uid' },
      storageClassName: 'fast',
    },
    status: { phase: 'Bound' },
  };
}

interface Fixture {
  reconcile(): Promise<unknown>;
  claim(): PersistentVolumeClaim | undefined;
  pv(): PersistentVolume | undefined;
  recorder: FakeRecorder;
  tracker: FakeTracker;
  calls: string[];
}

function fixture(
  c: PersistentVolumeClaim,
  v: PersistentVolume,
  classes: StorageClass[],
  answer: FakeAnswer = {},
  expansion = true,
): Fixture {
  const tracker = new FakeTracker();
  const claims = new FakeResource<PersistentVolumeClaim>(tracker, {
    resource: 'persistentvolumeclaims',
    namespaced: true,
  });
  const volumes = new FakeResource<PersistentVolume>(tracker, { resource: 'persistentvolumes', namespaced: false });
  claims.seed(c);
  volumes.seed(v);
  const claimCache = new IndexedCache<PersistentVolumeClaim>();
  const pvCache = new IndexedCache<PersistentVolume>();
  const classCache = new IndexedCache<StorageClass>();
  classCache.replace(classes, '1');
  const calls: string[] = [];
  const drivers = testDriverRegistry({ extra: [fakeDriver(answer, calls, expansion)] });
  const recorder = new FakeRecorder();
  const reconciler = new ExpandReconciler({
    claims: claimCache,
    volumes: pvCache,
    classes: classCache,
    clients: { claims, volumes },
    drivers,
    controllerOf: drivers.services((d) => d.controller({ records: new MemoryProvisioningRecords() })),
    recorder,
    now: () => new Date('2026-01-01T00:00:00Z'),
  });
  return {
    reconcile: async () => {
      claimCache.replace(claims.all(), '1');
      pvCache.replace(volumes.all(), '1');
      return reconciler.reconcile('default/data');
    },
    claim: () => claims.peek('data', 'default'),
    pv: () => volumes.peek('pvc-claim-uid'),
    recorder,
    tracker,
    calls,
  };
}

const writes = (t: FakeTracker) => t.actions.filter((a) => a.verb !== 'get' && a.verb !== 'list').length;
const reasons = (r: FakeRecorder) => r.events.map((e) => `${e.type} ${e.reason}`);
const conditionTypes = (c: PersistentVolumeClaim | undefined) => (c?.status?.conditions ?? []).map((x) => x.type);

describe('expand controller', () => {
  const fast = sc('fast', fakeDriverName);

  it('grows a bound claim whose driver needs no node expansion: PV, then claim capacity; conditions cleared', async () => {
    const f = fixture(claim({ request: '2Gi' }), pv(), [fast]);
    await f.reconcile();
    expect(f.pv()?.spec.capacity?.storage).to.equal('2Gi');
    const c = f.claim();
    expect(c?.status?.capacity?.storage).to.equal('2Gi');
    expect(c?.status?.allocatedResources?.storage).to.equal('2Gi');
    expect(c?.status?.allocatedResourceStatuses).to.equal(undefined);
    expect(conditionTypes(c)).to.deep.equal([]);
    expect(reasons(f.recorder)).to.deep.equal(['Normal Resizing', 'Normal VolumeResizeSuccessful']);
    expect(f.recorder.events[0]?.message).to.equal('External resizer is resizing volume pvc-claim-uid');
    expect(f.calls).to.deep.equal(['2Gi']);
    const before = writes(f.tracker);
    await f.reconcile();
    expect(writes(f.tracker)).to.equal(before);
    expect(f.recorder.events).to.have.length(2);
  });

  it('node expansion required: PV grown, claim NodeResizePending + FileSystemResizePending, capacity unchanged', async () => {
    const f = fixture(claim({ request: '2Gi' }), pv(), [fast], { nodeExpansionRequired: true });
    await f.reconcile();
    expect(f.pv()?.spec.capacity?.storage).to.equal('2Gi');
    const c = f.claim();
    expect(c?.status?.capacity?.storage).to.equal('1Gi');
    expect(c?.status?.allocatedResources?.storage).to.equal('2Gi');
    expect(c?.status?.allocatedResourceStatuses).to.deep.equal({ storage: 'NodeResizePending' });
    expect(conditionTypes(c)).to.deep.equal(['FileSystemResizePending']);
    expect(reasons(f.recorder)).to.deep.equal(['Normal Resizing', 'Normal FileSystemResizeRequired']);
    const before = writes(f.tracker);
    await f.reconcile();
    expect(writes(f.tracker)).to.equal(before);
  });

  it('infeasible: ControllerResizeInfeasible + ControllerResizeError, VolumeResizeFailed, PV untouched, no retry', async () => {
    const f = fixture(claim({ request: '1Pi' }), pv(), [fast], {
      fail: { message: 'OutOfRange: too big', infeasible: true },
    });
    await f.reconcile();
    expect(f.pv()?.spec.capacity?.storage).to.equal('1Gi');
    const c = f.claim();
    expect(c?.status?.capacity?.storage).to.equal('1Gi');
    expect(c?.status?.allocatedResources?.storage).to.equal('1Pi');
    expect(c?.status?.allocatedResourceStatuses).to.deep.equal({ storage: 'ControllerResizeInfeasible' });
    expect(conditionTypes(c)).to.deep.equal(['ControllerResizeError']);
    expect(reasons(f.recorder)).to.deep.equal(['Normal Resizing', 'Warning VolumeResizeFailed']);
    expect(f.recorder.events[1]?.message).to.equal(
      `resize volume "pvc-claim-uid" by resizer "${fakeDriverName}" failed: OutOfRange: too big`,
    );
    const before = writes(f.tracker);
    await f.reconcile();
    expect(writes(f.tracker)).to.equal(before);
    expect(f.calls).to.deep.equal(['1Pi']);
  });

  it('recovery: an infeasible size lowered back (above capacity) expands to the new request and clears the failure', async () => {
    const failed = claim({
      request: '2Gi',
      status: {
        allocatedResources: { storage: '1Pi' },
        allocatedResourceStatuses: { storage: 'ControllerResizeInfeasible' },
        conditions: [{ type: 'ControllerResizeError', status: 'True', message: 'x' }],
      },
    });
    const f = fixture(failed, pv(), [fast]);
    await f.reconcile();
    const c = f.claim();
    expect(c?.status?.capacity?.storage).to.equal('2Gi');
    expect(c?.status?.allocatedResources?.storage).to.equal('2Gi');
    expect(c?.status?.allocatedResourceStatuses).to.equal(undefined);
    expect(conditionTypes(c)).to.deep.equal([]);
    expect(f.pv()?.spec.capacity?.storage).to.equal('2Gi');
    expect(f.calls).to.deep.equal(['2Gi']);
  });

  it('a transient failure keeps ControllerResizeInProgress and is retried (one Resizing event in all)', async () => {
    const f = fixture(claim({ request: '2Gi' }), pv(), [fast], {
      fail: { message: 'backend busy', infeasible: false, once: true },
    });
    let err: unknown;
    await f.reconcile().catch((e: unknown) => {
      err = e;
    });
    expect(err).to.be.instanceOf(VolumeExpansionError);
    expect(f.claim()?.status?.allocatedResourceStatuses).to.deep.equal({ storage: 'ControllerResizeInProgress' });
    await f.reconcile();
    expect(f.claim()?.status?.capacity?.storage).to.equal('2Gi');
    expect(reasons(f.recorder)).to.deep.equal([
      'Normal Resizing',
      'Warning VolumeResizeFailed',
      'Normal VolumeResizeSuccessful',
    ]);
  });

  it('a resize in progress is not undone by a lower request', () => {
    const c = claim({
      request: '2Gi',
      status: {
        allocatedResources: { storage: '3Gi' },
        allocatedResourceStatuses: { storage: 'ControllerResizeInProgress' },
      },
    });
    expect(wantedSize(c)).to.equal('3Gi');
    expect(wantedSize(claim({ request: '1Gi' }))).to.equal(undefined);
    expect(
      wantedSize(
        claim({
          request: '2Gi',
          status: {
            allocatedResources: { storage: '2Gi' },
            allocatedResourceStatuses: { storage: 'NodeResizePending' },
          },
        }),
      ),
    ).to.equal(undefined);
    expect(
      wantedSize(
        claim({
          request: '3Gi',
          status: {
            allocatedResources: { storage: '2Gi' },
            allocatedResourceStatuses: { storage: 'NodeResizePending' },
          },
        }),
      ),
    ).to.equal('3Gi');
  });

  it('a class whose provisioner is not ours: ExternalExpanding (Normal) once, the storage-resizer annotation, nothing else', async () => {
    const f = fixture(claim({ request: '2Gi', className: 'ext' }), pv(), [sc('ext', 'ebs.csi.aws.com')]);
    await f.reconcile();
    await f.reconcile();
    expect(reasons(f.recorder)).to.deep.equal(['Normal ExternalExpanding']);
    expect(f.recorder.events[0]?.message).to.equal('waiting for an external controller to expand this PVC');
    expect(f.claim()?.metadata.annotations?.[StorageResizerAnnotation]).to.equal('ebs.csi.aws.com');
    expect(f.claim()?.status?.allocatedResources).to.equal(undefined);
    expect(f.pv()?.spec.capacity?.storage).to.equal('1Gi');
    expect(f.calls).to.deep.equal([]);
  });

  it('a class deleted after the request grew: the PV’s driver still expands it (as Kubernetes, the PV decides)', async () => {
    const f = fixture(claim({ request: '2Gi' }), pv(), []);
    await f.reconcile();
    expect(f.pv()?.spec.capacity?.storage).to.equal('2Gi');
    expect(f.claim()?.status?.capacity?.storage).to.equal('2Gi');
    expect(reasons(f.recorder)).to.deep.equal(['Normal Resizing', 'Normal VolumeResizeSuccessful']);
    expect(f.claim()?.metadata.annotations?.[StorageResizerAnnotation]).to.equal(undefined);
  });

  it('a driver without the expansion capability: ExternalExpanding (Warning), nothing else', async () => {
    const f = fixture(claim({ request: '2Gi' }), pv(), [fast], {}, false);
    await f.reconcile();
    expect(reasons(f.recorder)).to.deep.equal(['Warning ExternalExpanding']);
    expect(f.pv()?.spec.capacity?.storage).to.equal('1Gi');
  });

  for (const [name, c, v] of [
    ['an unbound claim', claim({ request: '2Gi', phase: 'Pending' }), pv()],
    ['a claim whose request is not above its capacity', claim({ request: '1Gi' }), pv()],
    ['a PV bound to another claim (uid)', claim({ request: '2Gi' }), pv({ uid: 'other' })],
  ] as const)
    it(`leaves ${name} alone`, async () => {
      const f = fixture(c, v, [fast]);
      await f.reconcile();
      expect(writes(f.tracker)).to.equal(0);
      expect(f.recorder.events).to.deep.equal([]);
    });

  it('the hostPath driver refuses a size above its directory’s filesystem (infeasible), and grows within it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'expand-'));
    const hostPathClass = sc('fast', 'kubestore.io/hostpath');
    const big = fixture(claim({ request: '1Ei' }), pv({ hostPath: dir }), [hostPathClass]);
    await big.reconcile();
    expect(big.claim()?.status?.allocatedResourceStatuses).to.deep.equal({ storage: 'ControllerResizeInfeasible' });
    expect(big.recorder.events[1]?.message).to.match(/OutOfRange: requested size 1Ei is larger than the filesystem/);
    const ok = fixture(claim({ request: '2Mi', capacity: '1Mi' }), pv({ hostPath: dir, capacity: '1Mi' }), [
      hostPathClass,
    ]);
    await ok.reconcile();
    expect(ok.claim()?.status?.capacity?.storage).to.equal('2Mi');
    expect(ok.pv()?.spec.capacity?.storage).to.equal('2Mi');
    rmSync(dir, { recursive: true, force: true });
  });
});
