/**
 * Table-driven tests of claim reconciliation (syncClaim, with syncVolume running alongside as
 * in the controller): binding to named and matching volumes, provisioning, failures, half-done
 * bindings, Lost claims. One row per rule of the binder.
 */
import { expect } from 'chai';
import type { PersistentVolumeClaim } from '../../../../../pkg/api/core/v1';
import { conflict } from '../../../../../pkg/api/errors';
import { Annotation } from '../../../../../pkg/controller/volume/persistentvolume/constants';
import { BuiltinProvisioner as Provisioner } from '../../../../helpers/volume_drivers';
import { syncClaim } from '../../../../../pkg/controller/volume/persistentvolume/claim_sync';
import { builtinClasses, pv, pvc, PVHarness, sc } from './harness';
import { runRow, type Row } from './table';

const BoundBy = Annotation.BoundByController;
const Completed = Annotation.BindCompleted;
const ProvisionedBy = Annotation.ProvisionedBy;

/** A claim already fully bound to `volume`. */
function boundPvc(name: string, volume: string, size = '1Gi'): PersistentVolumeClaim {
  const c = pvc(name, { volumeName: volume, phase: 'Bound', annotations: { [Completed]: 'yes' } });
  c.status = { phase: 'Bound', capacity: { storage: size }, accessModes: ['ReadWriteOnce'] };
  return c;
}

const rows: Row[] = [
  {
    name: 'claim names an existing matching volume → both Bound (PV claimRef + bound-by-controller, claim bind-completed)',
    initial: { pvs: [pv('pv-a', { size: '1Gi' })], pvcs: [pvc('c1', { volumeName: 'pv-a' })] },
    pvs: { 'pv-a': { phase: 'Bound', claim: 'default/c1', annotations: { [BoundBy]: 'yes' } } },
    pvcs: {
      'default/c1': {
        phase: 'Bound',
        volumeName: 'pv-a',
        capacity: '1Gi',
        annotations: { [Completed]: 'yes', [BoundBy]: null },
      },
    },
    events: [],
    provisioned: [],
  },
  {
    name: 'claim names a missing volume → a PV with exactly that name (size = request) is provisioned (bound-by-controller) and bound',
    initial: { pvcs: [pvc('c2', { volumeName: 'my-vol', size: '2Gi' })] },
    pvs: {
      'my-vol': {
        phase: 'Bound',
        claim: 'default/c2',
        capacity: '2Gi',
        source: 'hostPath',
        policy: 'Delete',
        annotations: { [ProvisionedBy]: Provisioner.HostPath, [BoundBy]: 'yes' },
      },
    },
    pvcs: {
      'default/c2': { phase: 'Bound', volumeName: 'my-vol', capacity: '2Gi', annotations: { [Completed]: 'yes' } },
    },
    events: ['Normal ProvisioningSucceeded default/c2'],
    provisioned: ['my-vol'],
  },
  {
    name: 'claim of class nfs names a missing volume → the nfs provisioner makes it',
    initial: { pvcs: [pvc('n2', { volumeName: 'nfs-vol', className: 'nfs', size: '3Gi' })] },
    setup: (h) => {
      h.hostPath.failProvisions = Infinity;
    },
    pvs: {
      'nfs-vol': {
        phase: 'Bound',
        claim: 'default/n2',
        capacity: '3Gi',
        source: 'nfs',
        annotations: { [ProvisionedBy]: Provisioner.NFS },
      },
    },
    pvcs: { 'default/n2': { phase: 'Bound', volumeName: 'nfs-vol' } },
    events: ['Normal ProvisioningSucceeded default/n2'],
    provisioned: ['nfs-vol'],
  },
  {
    name: 'type mismatch: an nfs claim names a hostPath PV → claim Failed + condition + VolumeMismatch, PV untouched, not retried',
    initial: { pvs: [pv('hp-vol')], pvcs: [pvc('c3', { className: 'nfs', volumeName: 'hp-vol' })] },
    pvs: { 'hp-vol': { phase: 'Available', claim: null, untouched: true } },
    pvcs: {
      'default/c3': { phase: 'Failed', volumeName: 'hp-vol', condition: /type nfs\b.*"hp-vol" is of type hostPath/ },
    },
    events: ['Warning VolumeMismatch default/c3'],
    // Once when marking it, once more when the status write comes back: both terminal.
    errors: [/^claim default\/c3: TerminalError/, /^claim default\/c3: TerminalError/],
    forbidden: ['persistentvolumes update hp-vol', 'persistentvolumes updateStatus hp-vol'],
  },
  {
    name: 'class mismatch with the same type: a claim of class fast names a PV of class hostPath → Failed',
    initial: {
      classes: [...builtinClasses(), sc('fast', Provisioner.HostPath)],
      pvs: [pv('slow-vol')],
      pvcs: [pvc('c3b', { className: 'fast', volumeName: 'slow-vol' })],
    },
    pvs: { 'slow-vol': { phase: 'Available', claim: null, untouched: true } },
    pvcs: { 'default/c3b': { phase: 'Failed', condition: /storage class "fast"/ } },
    events: ['Warning VolumeMismatch default/c3b'],
    errors: [/TerminalError/, /TerminalError/],
  },
  {
    name: 'claim names a volume bound to another claim → stays Pending + FailedBinding; the PV keeps its claim',
    initial: {
      pvs: [pv('taken', { claim: { name: 'owner', uid: 'uid-owner' }, phase: 'Bound' })],
      pvcs: [boundPvc('owner', 'taken'), pvc('c4', { volumeName: 'taken' })],
    },
    pvs: { taken: { phase: 'Bound', claim: 'default/owner' } },
    pvcs: {
      'default/c4': { phase: 'Pending', volumeName: 'taken', annotations: { [Completed]: null } },
      'default/owner': { phase: 'Bound', volumeName: 'taken' },
    },
    events: ['Warning FailedBinding default/c4'],
    provisioned: [],
  },
  {
    name: 'no volumeName: the smallest Available PV whose capacity covers the request is chosen',
    initial: {
      pvs: [
        pv('big', { size: '10Gi' }),
        pv('mid', { size: '5Gi' }),
        pv('tiny', { size: '1Gi' }),
        pv('mid-b', { size: '5Gi', phase: 'Released', claim: { name: 'gone', uid: 'uid-gone' } }),
      ],
      pvcs: [pvc('c5', { size: '3Gi' })],
    },
    pvs: {
      mid: { phase: 'Bound', claim: 'default/c5', annotations: { [BoundBy]: 'yes' } },
      big: { phase: 'Available', claim: null },
      tiny: { phase: 'Available', claim: null },
    },
    pvcs: {
      'default/c5': {
        phase: 'Bound',
        volumeName: 'mid',
        capacity: '5Gi',
        annotations: { [BoundBy]: 'yes', [Completed]: 'yes' },
      },
    },
    events: [],
    provisioned: [],
  },
  {
    name: "no volumeName: the PV's access modes must include the claim's",
    initial: {
      pvs: [
        pv('rwo', { size: '1Gi' }),
        pv('rox', { size: '1Gi', modes: ['ReadOnlyMany'] }),
        pv('rwx', { size: '3Gi', modes: ['ReadWriteOnce', 'ReadWriteMany'] }),
      ],
      pvcs: [pvc('c5b', { modes: ['ReadWriteMany', 'ReadWriteOnce'] })],
    },
    pvs: { rwx: { phase: 'Bound', claim: 'default/c5b' }, rwo: { claim: null }, rox: { claim: null } },
    pvcs: { 'default/c5b': { phase: 'Bound', volumeName: 'rwx' } },
    events: [],
  },
  {
    name: "no volumeName: selector matchLabels picks among the PVs' labels",
    initial: {
      pvs: [
        pv('plain', { size: '1Gi' }),
        pv('silver', { size: '2Gi', labels: { tier: 'silver' } }),
        pv('gold', { size: '5Gi', labels: { tier: 'gold', zone: 'a' } }),
      ],
      pvcs: [pvc('c5c', { selector: { matchLabels: { tier: 'gold' } } })],
    },
    pvs: { gold: { phase: 'Bound', claim: 'default/c5c' }, plain: { claim: null }, silver: { claim: null } },
    pvcs: { 'default/c5c': { phase: 'Bound', volumeName: 'gold' } },
    events: [],
  },
  {
    name: 'no volumeName: selector matchExpressions (Exists, In, NotIn) are all honoured',
    initial: {
      pvs: [
        pv('za', { size: '1Gi', labels: { zone: 'a', ssd: 'true' } }),
        pv('zb', { size: '2Gi', labels: { zone: 'b', ssd: 'true' } }),
        pv('zc-old', { size: '2Gi', labels: { zone: 'c', ssd: 'true', old: 'yes' } }),
        pv('zc', { size: '3Gi', labels: { zone: 'c', ssd: 'true' } }),
        pv('zc-hdd', { size: '1Gi', labels: { zone: 'c' } }),
      ],
      pvcs: [
        pvc('c5d', {
          selector: {
            matchExpressions: [
              { key: 'ssd', operator: 'Exists' },
              { key: 'zone', operator: 'In', values: ['c', 'd'] },
              { key: 'old', operator: 'NotIn', values: ['yes'] },
            ],
          },
        }),
      ],
    },
    pvs: {
      zc: { phase: 'Bound', claim: 'default/c5d' },
      za: { claim: null },
      zb: { claim: null },
      'zc-old': { claim: null },
      'zc-hdd': { claim: null },
    },
    pvcs: { 'default/c5d': { phase: 'Bound', volumeName: 'zc' } },
    events: [],
  },
  {
    name: 'selector and no matching PV → never provisioned (ProvisioningFailed, Pending); binds the labelled PV once it appears',
    initial: {
      pvs: [pv('plain', { size: '1Gi' })],
      pvcs: [pvc('c5s', { size: '500Mi', selector: { matchLabels: { tier: 'fast' } } })],
    },
    then: async (h) => {
      expect(h.pvc('c5s')?.status?.phase).to.equal('Pending');
      expect(h.pvs.all().map((v) => v.metadata.name)).to.deep.equal(['plain']);
      expect(h.recorder.events[0]?.message).to.match(/claim.Spec.Selector is not supported for dynamic provisioning/);
      h.pvs.seed(pv('fast', { size: '1Gi', labels: { tier: 'fast' } }));
      h.syncCaches();
      await h.run();
    },
    pvs: { fast: { phase: 'Bound', claim: 'default/c5s' }, plain: { claim: null } },
    pvcs: { 'default/c5s': { phase: 'Bound', volumeName: 'fast' } },
    events: ['Warning ProvisioningFailed default/c5s'],
    provisioned: [],
  },
  {
    name: "no volumeName: only PVs of the claim's class and type are candidates",
    initial: {
      pvs: [
        pv('other-class', { size: '1Gi', className: 'manual' }),
        pv('wrong-type', { size: '1Gi', type: 'nfs', className: 'hostPath' }),
        pv('nfs-class', { size: '1Gi', type: 'nfs' }),
        pv('right', { size: '2Gi' }),
      ],
      pvcs: [pvc('c5e', { size: '1Gi' })],
    },
    pvs: {
      right: { phase: 'Bound', claim: 'default/c5e' },
      'other-class': { claim: null },
      'wrong-type': { claim: null },
      'nfs-class': { claim: null },
    },
    pvcs: { 'default/c5e': { phase: 'Bound', volumeName: 'right' } },
    events: [],
    provisioned: [],
  },
  {
    name: 'a PV pre-bound to the claim (claimRef by name) wins over a smaller match; not marked bound-by-controller',
    initial: {
      pvs: [pv('pre', { size: '10Gi', claim: { name: 'c6' } }), pv('small', { size: '1Gi' })],
      pvcs: [pvc('c6')],
    },
    pvs: {
      pre: { phase: 'Bound', claim: 'default/c6', annotations: { [BoundBy]: null } },
      small: { phase: 'Available', claim: null },
    },
    pvcs: {
      'default/c6': {
        phase: 'Bound',
        volumeName: 'pre',
        capacity: '10Gi',
        annotations: { [BoundBy]: 'yes', [Completed]: 'yes' },
      },
    },
    events: [],
  },
  {
    name: 'nothing fits → a PV named pvc-<claim uid> is provisioned from the class (bound-by-controller) and bound (ProvisioningSucceeded)',
    initial: { pvs: [pv('tiny', { size: '1Gi' })], pvcs: [pvc('c7', { size: '5Gi' })] },
    pvs: {
      'pvc-uid-c7': {
        phase: 'Bound',
        claim: 'default/c7',
        capacity: '5Gi',
        policy: 'Delete',
        source: 'hostPath',
        annotations: { [ProvisionedBy]: Provisioner.HostPath, [BoundBy]: 'yes' },
      },
      tiny: { phase: 'Available', claim: null },
    },
    pvcs: {
      'default/c7': {
        phase: 'Bound',
        volumeName: 'pvc-uid-c7',
        capacity: '5Gi',
        annotations: { [BoundBy]: 'yes', [Completed]: 'yes' },
      },
    },
    events: ['Normal ProvisioningSucceeded default/c7'],
    provisioned: ['pvc-uid-c7'],
  },
  {
    name: 'no class and nothing fits → stays Pending with a FailedBinding event, nothing provisioned',
    initial: { pvs: [pv('tiny', { size: '1Gi', className: '' })], pvcs: [pvc('c7b', { size: '5Gi', className: '' })] },
    pvcs: { 'default/c7b': { phase: 'Pending', volumeName: null } },
    events: ['Normal FailedBinding default/c7b'],
    provisioned: [],
  },
  {
    name: "class missing → ProvisioningFailed, stays Pending; binds (with the class's reclaimPolicy) once the class is created",
    initial: { pvcs: [pvc('c8', { className: 'fast', size: '2Gi' })] },
    then: async (h) => {
      expect(h.pvc('c8')?.status?.phase).to.equal('Pending');
      expect(h.pvs.all()).to.have.length(0);
      expect(h.eventSet()).to.deep.equal(['Warning ProvisioningFailed default/c8']);
      expect(h.recorder.events[0]?.message).to.match(/storageclass.* "fast" not found/);
      h.classes.seed(sc('fast', Provisioner.HostPath, { reclaimPolicy: 'Retain' }));
      h.syncCaches();
      await h.run();
    },
    pvs: {
      'pvc-uid-c8': {
        phase: 'Bound',
        claim: 'default/c8',
        capacity: '2Gi',
        policy: 'Retain',
        annotations: { [ProvisionedBy]: Provisioner.HostPath },
      },
    },
    pvcs: { 'default/c8': { phase: 'Bound', volumeName: 'pvc-uid-c8' } },
    events: ['Warning ProvisioningFailed default/c8', 'Normal ProvisioningSucceeded default/c8'],
    provisioned: ['pvc-uid-c8'],
  },
  {
    name: 'provisioner failure → ProvisioningFailed event and the reconcile throws (requeued with backoff); no PV',
    initial: { pvcs: [pvc('c9')] },
    setup: (h) => {
      h.hostPath.failProvisions = Infinity;
    },
    pvs: { 'pvc-uid-c9': null },
    pvcs: { 'default/c9': { phase: 'Pending', volumeName: null } },
    events: ['Warning ProvisioningFailed default/c9'],
    // The first attempt and maxRetries (3) requeues all fail.
    errors: Array.from(
      { length: 4 },
      () => /^claim default\/c9: Error: failed to provision volume with StorageClass "hostPath": fake backend is full/,
    ),
    provisioned: [],
  },
  {
    name: 'provisioner fails once → the requeued reconcile provisions and binds',
    initial: { pvcs: [pvc('c9b')] },
    setup: (h) => {
      h.hostPath.failProvisions = 1;
      h.hostPath.failWith = () => new Error('EACCES: permission denied');
    },
    pvs: { 'pvc-uid-c9b': { phase: 'Bound', claim: 'default/c9b' } },
    pvcs: { 'default/c9b': { phase: 'Bound', volumeName: 'pvc-uid-c9b' } },
    events: ['Warning ProvisioningFailed default/c9b', 'Normal ProvisioningSucceeded default/c9b'],
    errors: [/^claim default\/c9b: Error: EACCES/],
    provisioned: ['pvc-uid-c9b'],
  },
  {
    name: 'half-done binding (PV claimRef written, claim untouched) is finished by the next sync, not redone elsewhere',
    initial: {
      pvs: [
        pv('half', { size: '5Gi', claim: { name: 'c10', uid: 'uid-c10' }, annotations: { [BoundBy]: 'yes' } }),
        pv('other', { size: '1Gi' }),
      ],
      pvcs: [pvc('c10')],
    },
    pvs: {
      half: { phase: 'Bound', claim: 'default/c10', annotations: { [BoundBy]: 'yes' } },
      other: { phase: 'Available', claim: null },
    },
    pvcs: {
      'default/c10': { phase: 'Bound', volumeName: 'half', capacity: '5Gi', annotations: { [Completed]: 'yes' } },
    },
    events: [],
    forbidden: ['persistentvolumes update half', 'persistentvolumes update other'],
  },
  {
    name: 'half-done binding (claim volumeName written, status Pending) → only the claim status is written',
    initial: {
      pvs: [pv('half2', { claim: { name: 'c11', uid: 'uid-c11' }, annotations: { [BoundBy]: 'yes' }, phase: 'Bound' })],
      pvcs: [pvc('c11', { volumeName: 'half2', annotations: { [Completed]: 'yes', [BoundBy]: 'yes' } })],
    },
    pvs: { half2: { phase: 'Bound', claim: 'default/c11', untouched: true } },
    pvcs: { 'default/c11': { phase: 'Bound', volumeName: 'half2', capacity: '1Gi' } },
    events: [],
    forbidden: [
      'persistentvolumes update half2',
      'persistentvolumes updateStatus half2',
      'persistentvolumeclaims update default/c11',
    ],
  },
  {
    name: 'Bound claim whose PV is deleted → Lost + ClaimLost, and it stays Lost (nothing re-provisioned)',
    initial: { pvcs: [boundPvc('c12', 'gone-pv')] },
    pvs: { 'gone-pv': null },
    pvcs: { 'default/c12': { phase: 'Lost', volumeName: 'gone-pv' } },
    events: ['Warning ClaimLost default/c12'],
    provisioned: [],
  },
  {
    name: 'Bound claim whose PV is missing from the cache but present on the API stays Bound',
    initial: {
      pvs: [pv('late', { claim: { name: 'c12b', uid: 'uid-c12b' }, phase: 'Bound' })],
      pvcs: [boundPvc('c12b', 'late')],
    },
    then: async (h) => {
      h.autoSync = false;
      h.pvCache.deleteKey('late');
      h.claimQueue.add('default/c12b');
      await h.run();
    },
    pvcs: { 'default/c12b': { phase: 'Bound', volumeName: 'late' } },
    events: [],
  },
  {
    name: 'a claim being deleted is not bound',
    initial: {
      pvs: [pv('free')],
      pvcs: [
        {
          ...pvc('c13'),
          metadata: {
            ...pvc('c13').metadata,
            deletionTimestamp: '2024-01-01T00:00:00Z',
            finalizers: ['kubernetes.io/pvc-protection'],
          },
        },
      ],
    },
    pvs: { free: { phase: 'Available', claim: null, untouched: true } },
    pvcs: { 'default/c13': { phase: 'Pending', volumeName: null } },
    events: [],
    provisioned: [],
  },
  {
    name: "a PV whose claimRef uid is an earlier claim of the same name is not taken; that claim's PV is Released, the new claim provisions",
    initial: { pvs: [pv('old', { claim: { name: 'c14', uid: 'uid-previous' }, phase: 'Bound' })], pvcs: [pvc('c14')] },
    pvs: { old: { phase: 'Released' }, 'pvc-uid-c14': { phase: 'Bound', claim: 'default/c14' } },
    pvcs: { 'default/c14': { phase: 'Bound', volumeName: 'pvc-uid-c14' } },
    events: ['Normal ProvisioningSucceeded default/c14'],
    provisioned: ['pvc-uid-c14'],
    deleted: [],
  },
];

describe('PV controller: claim reconciliation (table)', () => {
  for (const row of rows) it(row.name, async () => void (await runRow(row)));
});

describe('PV controller: binding write order and conflicts', () => {
  it('writes PV claimRef → PV status → PVC volumeName → PVC status, in that order', async () => {
    const h = new PVHarness({ pvs: [pv('v')], pvcs: [pvc('c')] });
    const start = h.tracker.actions.length;
    await syncClaim(h.ctx, 'default/c');
    const writes = h.tracker.actions
      .slice(start)
      .filter((a) => a.verb !== 'get' && a.verb !== 'list')
      .map((a) => `${a.resource} ${a.verb} ${a.key}`);
    expect(writes).to.deep.equal([
      'persistentvolumes update v',
      'persistentvolumes updateStatus v',
      'persistentvolumeclaims update default/c',
      'persistentvolumeclaims updateStatus default/c',
    ]);
  });

  it('a conflict on the claim write leaves a half-done binding that the retry completes', async () => {
    const h = new PVHarness({ pvs: [pv('v')], pvcs: [pvc('c')] });
    h.pvcs.failNext(
      'update',
      conflict({ resource: 'persistentvolumeclaims' }, 'c', 'the object has been modified'),
      'c',
    );
    await h.run();
    expect(h.errors.map((e) => e.err.message)).to.have.length(1);
    expect(h.errors[0]?.err.message).to.match(/Operation cannot be fulfilled/);
    expect(h.pv('v')?.spec.claimRef?.uid).to.equal('uid-c');
    expect(h.pvc('c')?.spec.volumeName).to.equal('v');
    expect(h.pvc('c')?.status?.phase).to.equal('Bound');
    expect(h.tracker.actions.filter((a) => a.resource === 'persistentvolumes' && a.verb === 'update')).to.have.length(
      1,
    );
  });

  it('two controllers racing two claims for one PV: the compare-and-swap lets exactly one claim bind it', async () => {
    const a = new PVHarness({
      classes: [],
      pvs: [pv('only', { className: 'manual' })],
      pvcs: [pvc('ca', { className: 'manual' }), pvc('cb', { className: 'manual' })],
    });
    const b = new PVHarness({}, a);
    // Both controllers see `only` Available in their caches and index.
    b.syncCaches();
    const results = await Promise.allSettled([syncClaim(a.ctx, 'default/ca'), syncClaim(b.ctx, 'default/cb')]);
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed, 'exactly one loses the race').to.have.length(1);
    expect(String((failed[0] as PromiseRejectedResult).reason)).to.match(
      /Operation cannot be fulfilled on persistentvolumes "only"/,
    );
    // Both settle.
    a.syncCaches();
    b.syncCaches();
    await Promise.all([a.run(), b.run()]);
    const only = a.pv('only');
    const boundClaims = a.pvcs.all().filter((c) => c.spec.volumeName === 'only');
    expect(boundClaims, 'one claim names the PV').to.have.length(1);
    expect(only?.spec.claimRef?.uid).to.equal(boundClaims[0]?.metadata.uid);
    expect(only?.status?.phase).to.equal('Bound');
    const loser = a.pvcs.all().find((c) => c.spec.volumeName !== 'only');
    expect(loser?.status?.phase).to.equal('Pending');
    expect(loser?.spec.volumeName).to.equal(undefined);
  });
});
