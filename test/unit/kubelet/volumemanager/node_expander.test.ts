/**
 * The kubelet's node expansion: a mounted claim left NodeResizePending by the expand controller
 * gets its capacity and its FileSystemResizePending cleared after the driver's node expansion,
 * once; an infeasible node expansion marks NodeResizeInfeasible; other failures ask for a retry;
 * claims not waiting for the node are left alone.
 */
import { expect } from 'chai';
import type { Node, PersistentVolume, PersistentVolumeClaim } from '../../../../pkg/api/core/v1';
import type { Stored } from '../../../../pkg/api/stored';
import { FakeRecorder } from '../../../../pkg/client/record/recorder';
import { type MountedClaim, NodeExpander } from '../../../../pkg/kubelet/volumemanager/node_expander';
import { VolumeExpansionError } from '../../../../pkg/volume/expansion';
import { FakeResource, FakeTracker } from '../../../helpers/fake_client';

const node: Node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' } };
const pv: PersistentVolume = {
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name: 'pv-local' },
  spec: { capacity: { storage: '2Gi' }, local: { path: '/tmp/x' } },
};

function pendingClaim(extra: Partial<NonNullable<PersistentVolumeClaim['status']>> = {}): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'default' },
    spec: { resources: { requests: { storage: '2Gi' } }, volumeName: 'pv-local' },
    status: {
      phase: 'Bound',
      capacity: { storage: '1Gi' },
      allocatedResources: { storage: '2Gi' },
      allocatedResourceStatuses: { storage: 'NodeResizePending' },
      conditions: [{ type: 'FileSystemResizePending', status: 'True' }],
      ...extra,
    },
  };
}

function setup(claim: PersistentVolumeClaim, answer: (capacity: string) => Promise<string>) {
  const tracker = new FakeTracker();
  const claims = new FakeResource<PersistentVolumeClaim, 'Namespaced'>(tracker, {
    resource: 'persistentvolumeclaims',
    namespaced: true,
  });
  const seeded = claims.seed(claim);
  const calls: string[] = [];
  const recorder = new FakeRecorder();
  const expander = new NodeExpander({
    drivers: {
      nodeExpandVolume: (_pv, capacity) => {
        calls.push(capacity);
        return answer(capacity);
      },
    },
    claims: { get: (ns, name) => claims.get(name, ns), updateStatus: (c) => claims.updateStatus(c) },
    recorder,
  });
  const mounted = (c: Stored<PersistentVolumeClaim, 'Namespaced'>): MountedClaim => ({
    claim: c,
    pv,
    pod: { uid: 'pod-uid', namespace: 'default', name: 'app' },
    ctx: { podUid: 'pod-uid', rootDir: '/var/lib/kubelet', readOnly: false, node },
  });
  return { claims, seeded, calls, recorder, expander, mounted, tracker };
}

describe('kubelet node expansion', () => {
  it('finishes a NodeResizePending claim: capacity = allocated, FileSystemResizePending cleared, events; once', async () => {
    const f = setup(pendingClaim(), async (c) => c);
    expect(await f.expander.expand(f.mounted(f.seeded))).to.equal(false);
    const c = f.claims.peek('data', 'default');
    expect(c?.status?.capacity?.storage).to.equal('2Gi');
    expect(c?.status?.allocatedResourceStatuses).to.equal(undefined);
    expect(c?.status?.conditions).to.equal(undefined);
    expect(f.recorder.events.map((e) => `${e.object} ${e.reason}`)).to.deep.equal([
      'default/data FileSystemResizeSuccessful',
      'default/app FileSystemResizeSuccessful',
    ]);
    expect(f.recorder.events[0]?.message).to.equal(
      'MountVolume.NodeExpandVolume succeeded for volume "pv-local" node-1',
    );
    // The cached claim still says pending: not expanded again.
    await f.expander.expand(f.mounted(f.seeded));
    expect(f.calls).to.deep.equal(['2Gi']);
  });

  it('an infeasible node expansion: NodeResizeInfeasible + NodeResizeError, FileSystemResizeFailed; no retry', async () => {
    const f = setup(pendingClaim(), () => Promise.reject(new VolumeExpansionError('OutOfRange: too big', true)));
    expect(await f.expander.expand(f.mounted(f.seeded))).to.equal(false);
    const c = f.claims.peek('data', 'default');
    expect(c?.status?.capacity?.storage).to.equal('1Gi');
    expect(c?.status?.allocatedResourceStatuses).to.deep.equal({ storage: 'NodeResizeInfeasible' });
    expect((c?.status?.conditions ?? []).map((x) => x.type)).to.deep.equal(['NodeResizeError']);
    expect(f.recorder.events.map((e) => `${e.type} ${e.reason}`)).to.include('Warning FileSystemResizeFailed');
  });

  it('another failure asks for a retry and writes nothing', async () => {
    const f = setup(pendingClaim(), () => Promise.reject(new Error('busy')));
    expect(await f.expander.expand(f.mounted(f.seeded))).to.equal(true);
    expect(f.claims.peek('data', 'default')?.status?.allocatedResourceStatuses).to.deep.equal({
      storage: 'NodeResizePending',
    });
  });

  it('leaves claims that do not wait for the node alone', async () => {
    const done = pendingClaim({ allocatedResourceStatuses: {}, conditions: [] });
    const f = setup(done, async (c) => c);
    expect(await f.expander.expand(f.mounted(f.seeded))).to.equal(false);
    const inProgress = pendingClaim({ allocatedResourceStatuses: { storage: 'ControllerResizeInProgress' } });
    const g = setup(inProgress, async (c) => c);
    await g.expander.expand(g.mounted(g.seeded));
    expect([...f.calls, ...g.calls]).to.deep.equal([]);
  });

  it('a newer resize started meanwhile is not marked done with the older size (grow, grow again quickly)', async () => {
    const f = setup(pendingClaim(), async (c) => c);
    // The cache still shows the 2Gi resize; the controller has since allocated 3Gi for a newer request.
    const cached = f.seeded;
    const fresh = structuredClone(cached);
    fresh.spec.resources = { requests: { storage: '3Gi' } };
    await f.claims.update(fresh);
    const now = f.claims.peek('data', 'default');
    if (!now?.status) throw new Error('claim missing');
    await f.claims.updateStatus({ ...now, status: { ...now.status, allocatedResources: { storage: '3Gi' } } });
    await f.expander.expand(f.mounted(cached));
    const c = f.claims.peek('data', 'default');
    expect(c?.status?.allocatedResourceStatuses).to.deep.equal({ storage: 'NodeResizePending' });
    expect(c?.status?.capacity?.storage).to.equal('1Gi');
    // Offered the claim as it is now, the kubelet finishes the 3Gi resize.
    if (!c) throw new Error('claim missing');
    expect(await f.expander.expand(f.mounted(c))).to.equal(false);
    expect(f.claims.peek('data', 'default')?.status?.capacity?.storage).to.equal('3Gi');
    expect(f.calls).to.deep.equal(['2Gi', '3Gi']);
  });
});
