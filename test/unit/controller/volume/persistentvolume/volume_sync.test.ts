/**
 * Table-driven tests of volume reconciliation (syncVolume): phase transitions and the three
 * reclaim policies, plus the safety rule that nothing is deleted while the claim still exists
 * on the apiserver (whatever the cache says) or after the PV was re-bound.
 */
import { expect } from 'chai';
import { Annotation } from '../../../../../pkg/controller/volume/persistentvolume/constants';
import { syncVolume } from '../../../../../pkg/controller/volume/persistentvolume/volume_sync';
import { pv, pvc, PVHarness } from './harness';
import { runRow, type Row } from './table';

const BoundBy = Annotation.BoundByController;

const rows: Row[] = [
  {
    name: 'a new PV with no claimRef: Pending → Available',
    initial: { pvs: [pv('new', { phase: 'Pending' })] },
    pvs: { new: { phase: 'Available', claim: null } },
    events: [],
  },
  {
    name: 'a Failed PV with no claimRef stays Failed (untouched)',
    initial: { pvs: [pv('broken', { phase: 'Failed' })] },
    pvs: { broken: { phase: 'Failed', untouched: true } },
    events: [],
  },
  {
    name: 'a PV pre-bound by name to a claim that does not exist yet stays Available',
    initial: { pvs: [pv('reserved', { claim: { name: 'later' }, phase: 'Pending' })] },
    pvs: { reserved: { phase: 'Available' } },
    events: [],
  },
  {
    name: 'claim deleted → PV Released; Retain keeps the PV, its claimRef and its storage',
    initial: {
      pvs: [
        pv('kept', {
          claim: { name: 'c1', uid: 'uid-c1' },
          phase: 'Bound',
          policy: 'Retain',
          provisioned: true,
          annotations: { [BoundBy]: 'yes' },
        }),
      ],
    },
    pvs: { kept: { phase: 'Released', claim: 'default/c1' } },
    events: [],
    deleted: [],
    recycled: [],
  },
  {
    name: 'claim deleted, Delete policy → provisioner.delete, then the PV object is deleted (VolumeDelete)',
    initial: {
      pvs: [pv('del', { claim: { name: 'c2', uid: 'uid-c2' }, phase: 'Bound', policy: 'Delete', provisioned: true })],
    },
    pvs: { del: null },
    events: ['Normal VolumeDelete del'],
    deleted: ['del'],
  },
  {
    name: 'claim deleted, Delete policy on an nfs PV → the nfs provisioner deletes it',
    initial: {
      pvs: [
        pv('del-nfs', {
          type: 'nfs',
          claim: { name: 'c2n', uid: 'uid-c2n' },
          phase: 'Bound',
          policy: 'Delete',
          provisioned: true,
        }),
      ],
    },
    setup: (h) => {
      h.hostPath.failDeletes = Infinity;
    },
    pvs: { 'del-nfs': null },
    events: ['Normal VolumeDelete del-nfs'],
    deleted: ['del-nfs'],
  },
  {
    name: 'Delete policy on a PV this controller did not provision → Failed + VolumeFailedDelete, storage untouched',
    initial: { pvs: [pv('foreign', { claim: { name: 'c3', uid: 'uid-c3' }, phase: 'Bound', policy: 'Delete' })] },
    pvs: { foreign: { phase: 'Failed', claim: 'default/c3', message: /not provisioned by this controller/ } },
    events: ['Warning VolumeFailedDelete foreign'],
    deleted: [],
  },
  {
    name: 'Delete policy whose storage deletion fails → VolumeFailedDelete, error (requeued), PV kept Released',
    initial: {
      pvs: [pv('stuck', { claim: { name: 'c4', uid: 'uid-c4' }, phase: 'Bound', policy: 'Delete', provisioned: true })],
    },
    setup: (h) => {
      h.hostPath.failDeletes = Infinity;
    },
    pvs: { stuck: { phase: 'Released' } },
    events: ['Warning VolumeFailedDelete stuck'],
    errors: Array.from({ length: 4 }, () => /^volume stuck: .*fake delete failed/),
    deleted: [],
  },
  {
    name: 'claim deleted, Recycle policy → storage emptied, claimRef cleared, Available (VolumeRecycled)',
    initial: {
      pvs: [
        pv('rec', {
          claim: { name: 'c5', uid: 'uid-c5' },
          phase: 'Bound',
          policy: 'Recycle',
          provisioned: true,
          annotations: { [BoundBy]: 'yes' },
        }),
      ],
    },
    pvs: { rec: { phase: 'Available', claim: null } },
    events: ['Normal VolumeRecycled rec'],
    recycled: ['rec'],
    deleted: [],
  },
  {
    name: 'Recycle policy on a PV this controller did not provision → Failed + VolumeFailedRecycle',
    initial: { pvs: [pv('rec-foreign', { claim: { name: 'c6', uid: 'uid-c6' }, phase: 'Bound', policy: 'Recycle' })] },
    pvs: { 'rec-foreign': { phase: 'Failed', claim: 'default/c6' } },
    events: ['Warning VolumeFailedRecycle rec-foreign'],
    recycled: [],
  },
  {
    name: 'a recycled PV is matched by a claim that was waiting for one',
    initial: {
      pvs: [
        pv('rec2', {
          className: 'manual',
          claim: { name: 'old', uid: 'uid-old' },
          phase: 'Bound',
          policy: 'Recycle',
          provisioned: true,
        }),
      ],
      pvcs: [pvc('waiting', { className: 'manual' })],
    },
    // Recycling fails at first, so the claim has certainly found nothing before the PV frees up.
    setup: (h) => {
      h.hostPath.failRecycles = Infinity;
    },
    then: async (h) => {
      expect(h.pvc('waiting')?.status?.phase).to.equal('Pending');
      h.hostPath.failRecycles = 0;
      h.volumeQueue.add('rec2');
      await h.run();
    },
    pvs: { rec2: { phase: 'Bound', claim: 'default/waiting' } },
    pvcs: { 'default/waiting': { phase: 'Bound', volumeName: 'rec2' } },
    events: [
      'Warning ProvisioningFailed default/waiting',
      'Warning VolumeFailedRecycle rec2',
      'Normal VolumeRecycled rec2',
    ],
    errors: Array.from({ length: 4 }, () => /^volume rec2: .*fake recycle failed/),
    recycled: ['rec2'],
  },
  {
    name: 'a PV the controller bound to a claim that then bound another volume is made Available again (claimRef and bound-by-controller removed)',
    initial: {
      pvs: [
        pv('stray', { claim: { name: 'c7', uid: 'uid-c7' }, phase: 'Bound', annotations: { [BoundBy]: 'yes' } }),
        pv('real', { claim: { name: 'c7', uid: 'uid-c7' }, phase: 'Bound', annotations: { [BoundBy]: 'yes' } }),
      ],
      pvcs: [
        {
          ...pvc('c7', { volumeName: 'real', annotations: { [Annotation.BindCompleted]: 'yes' } }),
          status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] },
        },
      ],
    },
    pvs: {
      stray: { phase: 'Available', claim: null, annotations: { [BoundBy]: null } },
      real: { phase: 'Bound', claim: 'default/c7' },
    },
    pvcs: { 'default/c7': { phase: 'Bound', volumeName: 'real' } },
    events: [],
  },
  {
    name: "a PV a user pre-bound (not bound-by-controller) to a claim that bound another volume: the claimRef's uid is cleared (name kept), Available",
    initial: {
      pvs: [
        pv('userbound', { claim: { name: 'c8', uid: 'uid-c8' }, phase: 'Bound' }),
        pv('real8', { claim: { name: 'c8', uid: 'uid-c8' }, phase: 'Bound' }),
      ],
      pvcs: [
        {
          ...pvc('c8', { volumeName: 'real8', annotations: { [Annotation.BindCompleted]: 'yes' } }),
          status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] },
        },
      ],
    },
    then: async (h) => {
      const ref = h.pv('userbound')?.spec.claimRef;
      expect(ref?.name).to.equal('c8');
      expect(ref?.namespace).to.equal('default');
      expect(ref?.uid).to.equal(undefined);
    },
    pvs: { userbound: { phase: 'Available' }, real8: { phase: 'Bound', claim: 'default/c8' } },
    events: [],
  },
  {
    name: 'a PV whose claimRef was written but whose status is still Available becomes Bound once the claim names it',
    initial: {
      pvs: [pv('lag', { claim: { name: 'c9', uid: 'uid-c9' }, phase: 'Available', annotations: { [BoundBy]: 'yes' } })],
      pvcs: [
        {
          ...pvc('c9', { volumeName: 'lag', annotations: { [Annotation.BindCompleted]: 'yes' } }),
          status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] },
        },
      ],
    },
    pvs: { lag: { phase: 'Bound', claim: 'default/c9' } },
    events: [],
  },
];

describe('PV controller: volume reconciliation and reclaim (table)', () => {
  for (const row of rows) it(row.name, async () => void (await runRow(row)));
});

describe('PV controller: reclaim safety (cache vs apiserver)', () => {
  it('claim still exists on the API though the cache says it is gone → nothing deleted, the claim is requeued', async () => {
    const h = new PVHarness({
      pvs: [
        pv('safe', { claim: { name: 'c10', uid: 'uid-c10' }, phase: 'Bound', policy: 'Delete', provisioned: true }),
      ],
      pvcs: [{ ...pvc('c10', { volumeName: 'safe' }), status: { phase: 'Bound' } }],
    });
    h.autoSync = false;
    h.pvcCache.deleteKey('default/c10');
    h.claimQueue.clear();
    const before = h.pv('safe')?.metadata.resourceVersion;
    await syncVolume(h.ctx, 'safe');
    expect(h.hostPath.deleted).to.deep.equal([]);
    expect(h.pv('safe')?.metadata.resourceVersion, 'PV not written').to.equal(before);
    expect(h.pv('safe')?.status?.phase).to.equal('Bound');
    expect([...h.claimQueue]).to.deep.equal(['default/c10']);
    expect(
      h.tracker.actions.some(
        (a) => a.resource === 'persistentvolumeclaims' && a.verb === 'get' && a.key === 'default/c10',
      ),
      'claim re-read from the API',
    ).to.equal(true);
    expect(h.recorder.events).to.deep.equal([]);
  });

  it('a claim of the same name but another uid on the API does not protect the PV', async () => {
    const h = new PVHarness({
      pvs: [
        pv('reuse', { claim: { name: 'c11', uid: 'uid-c11' }, phase: 'Bound', policy: 'Delete', provisioned: true }),
      ],
      pvcs: [pvc('c11', { uid: 'uid-c11-new' })],
    });
    h.autoSync = false;
    h.pvcCache.deleteKey('default/c11');
    await syncVolume(h.ctx, 'reuse');
    expect(h.hostPath.deleted).to.deep.equal(['reuse']);
    expect(h.pv('reuse')).to.equal(undefined);
  });

  it('the cache says Released with a deleted claim, but the API says re-bound → nothing deleted', async () => {
    const h = new PVHarness({
      pvs: [
        pv('rebound', {
          claim: { name: 'gone', uid: 'uid-gone' },
          phase: 'Released',
          policy: 'Delete',
          provisioned: true,
        }),
      ],
    });
    h.autoSync = false;
    // Out of band (another controller-manager): the PV was recycled and re-bound to claim `fresh`.
    const live = h.pv('rebound');
    if (!live) throw new Error('no PV');
    live.spec.claimRef = {
      kind: 'PersistentVolumeClaim',
      apiVersion: 'v1',
      namespace: 'default',
      name: 'fresh',
      uid: 'uid-fresh',
    };
    live.status = { phase: 'Bound' };
    h.pvs.seed(live);
    h.pvcs.seed(pvc('fresh', { volumeName: 'rebound' }));
    await syncVolume(h.ctx, 'rebound');
    expect(h.hostPath.deleted).to.deep.equal([]);
    expect(h.pv('rebound')?.spec.claimRef?.name).to.equal('fresh');
    expect(h.recorder.events).to.deep.equal([]);
  });

  it('a Released PV is re-read before deletion: if the API copy is already gone, nothing happens', async () => {
    const h = new PVHarness({
      pvs: [
        pv('vanished', { claim: { name: 'x', uid: 'uid-x' }, phase: 'Released', policy: 'Delete', provisioned: true }),
      ],
    });
    h.autoSync = false;
    h.pvs.remove('vanished');
    await syncVolume(h.ctx, 'vanished');
    expect(h.hostPath.deleted).to.deep.equal([]);
    expect(h.recorder.events).to.deep.equal([]);
  });

  it('a deleted PV leaves the index and requeues the claims that named it', async () => {
    const h = new PVHarness({
      pvs: [pv('v1')],
      pvcs: [{ ...pvc('c12', { volumeName: 'v1' }), status: { phase: 'Bound' } }],
    });
    h.autoSync = false;
    expect(h.index.size).to.equal(1);
    h.pvCache.deleteKey('v1');
    h.claimQueue.clear();
    await syncVolume(h.ctx, 'v1');
    expect(h.index.size).to.equal(0);
    expect([...h.claimQueue]).to.deep.equal(['default/c12']);
  });
});
