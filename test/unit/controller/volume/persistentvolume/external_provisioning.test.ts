/**
 * What the PV controller does with claims it does not provision itself, as table rows in the
 * spirit of Kubernetes' provision_test.go: a class of an external provisioner (annotations,
 * ExternalProvisioning event, re-announced; also for WaitForFirstConsumer once a node is
 * selected); a reserved `kubernetes.io/` name no driver has; the retroactive default class for
 * claims without any class; data sources that cannot be used (never provisioned empty).
 */
import { expect } from 'chai';
import type { PersistentVolumeClaim } from '../../../../../pkg/api/core/v1';
import { IsDefaultStorageClassAnnotation } from '../../../../../pkg/api/storage/default_class';
import { syncClaim } from '../../../../../pkg/controller/volume/persistentvolume/claim_sync';
import { Annotation } from '../../../../../pkg/controller/volume/persistentvolume/constants';
import {
  externalProvisioningMessage,
  externalResyncMs,
} from '../../../../../pkg/controller/volume/persistentvolume/external';
import { builtinClasses, pv, pvc, sc } from './harness';
import { runRow, type Row } from './table';

const Provisioner = 'example.com/external';
const external = sc('ext', Provisioner);
const externalWffc = sc('ext-wffc', Provisioner, { volumeBindingMode: 'WaitForFirstConsumer' });
const reserved = sc('intree', 'kubernetes.io/gce-pd');
const fastDefault = sc('fast', 'kubestore.io/hostpath', {
  metadata: { name: 'fast', annotations: { [IsDefaultStorageClassAnnotation]: 'true' } },
});
const classes = [...builtinClasses(), external, externalWffc, reserved];
const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } } };

/** A claim with no storageClassName at all (not even ""). */
function classless(name: string, extra: Partial<PersistentVolumeClaim['spec']> = {}): PersistentVolumeClaim {
  const c = pvc(name);
  delete c.spec.storageClassName;
  Object.assign(c.spec, extra);
  return c;
}

const announced = { [Annotation.StorageProvisioner]: Provisioner, [Annotation.BetaStorageProvisioner]: Provisioner };

const rows: Row[] = [
  {
    name: 'external provisioner class, no matching PV → both provisioner annotations + Normal ExternalProvisioning, nothing provisioned',
    initial: { classes, pvcs: [pvc('ext1', { className: 'ext' })] },
    pvcs: { 'default/ext1': { phase: 'Pending', volumeName: null, annotations: announced } },
    events: ['Normal ExternalProvisioning default/ext1'],
    provisioned: [],
  },
  {
    name: 'external provisioner class, a matching Available PV → binds it, no annotation',
    initial: { classes, pvs: [pv('ext-pv', { className: 'ext' })], pvcs: [pvc('ext2', { className: 'ext' })] },
    pvcs: {
      'default/ext2': {
        phase: 'Bound',
        volumeName: 'ext-pv',
        annotations: { [Annotation.StorageProvisioner]: null, [Annotation.BetaStorageProvisioner]: null },
      },
    },
    events: [],
  },
  {
    name: 'external WaitForFirstConsumer class, no selected node → WaitForFirstConsumer only',
    initial: { classes, pvcs: [pvc('wf1', { className: 'ext-wffc' })] },
    pvcs: { 'default/wf1': { phase: 'Pending', annotations: { [Annotation.StorageProvisioner]: null } } },
    events: ['Normal WaitForFirstConsumer default/wf1'],
  },
  {
    name: 'external WaitForFirstConsumer class, node selected → announced to the external provisioner, node kept',
    initial: {
      classes,
      nodes: [node],
      pvcs: [pvc('wf2', { className: 'ext-wffc', annotations: { [Annotation.SelectedNode]: 'n1' } })],
    },
    pvcs: { 'default/wf2': { phase: 'Pending', annotations: { ...announced, [Annotation.SelectedNode]: 'n1' } } },
    events: ['Normal ExternalProvisioning default/wf2'],
    provisioned: [],
  },
  {
    name: 'a reserved kubernetes.io/ provisioner no driver has → not announced; Warning ProvisioningFailed (Kubernetes 11-18)',
    initial: { classes, pvcs: [pvc('gce', { className: 'intree' })] },
    pvcs: { 'default/gce': { phase: 'Pending', annotations: { [Annotation.StorageProvisioner]: null } } },
    events: ['Warning ProvisioningFailed default/gce'],
    then: async (h) => {
      expect(h.recorder.events.map((e) => e.message)).to.include('no volume plugin matched name: kubernetes.io/gce-pd');
    },
  },
  {
    name: 'external class, the claim names a missing volumeName → not announced (an external provisioner never makes a named volume)',
    initial: { classes, pvcs: [pvc('named', { className: 'ext', volumeName: 'wanted' })] },
    pvcs: { 'default/named': { phase: 'Pending', annotations: { [Annotation.StorageProvisioner]: null } } },
    pvs: { wanted: null },
    events: ['Normal FailedBinding default/named'],
  },
  {
    name: 'no class at all, no default class → FailedBinding "no storage class is set" (unchanged)',
    initial: { pvcs: [classless('plain')] },
    pvcs: { 'default/plain': { phase: 'Pending', volumeName: null } },
    events: ['Normal FailedBinding default/plain'],
    provisioned: [],
  },
  {
    name: 'no class at all, a default class exists → given the default class (retroactive), then provisioned from it',
    initial: { classes: [...builtinClasses(), fastDefault], pvcs: [classless('retro')] },
    pvcs: { 'default/retro': { phase: 'Bound', volumeName: 'pvc-uid-retro' } },
    pvs: { 'pvc-uid-retro': { phase: 'Bound', claim: 'default/retro' } },
    events: ['Normal ProvisioningSucceeded default/retro'],
    provisioned: ['pvc-uid-retro'],
    then: async (h) => {
      expect(h.pvc('retro')?.spec.storageClassName).to.equal('fast');
    },
  },
  {
    name: 'no class at all, a class-less Available PV fits → binds it; the default class is not assigned',
    initial: {
      classes: [...builtinClasses(), fastDefault],
      pvs: [pv('bare', { className: '' })],
      pvcs: [classless('bare-claim')],
    },
    pvcs: { 'default/bare-claim': { phase: 'Bound', volumeName: 'bare' } },
    events: [],
    then: async (h) => {
      expect(h.pvc('bare-claim')?.spec.storageClassName).to.equal(undefined);
    },
  },
  {
    name: 'storageClassName "" with a default class → stays "" and Pending (only class-less PVs)',
    initial: { classes: [...builtinClasses(), fastDefault], pvcs: [pvc('empty', { className: '' })] },
    pvcs: { 'default/empty': { phase: 'Pending', volumeName: null } },
    events: ['Normal FailedBinding default/empty'],
    provisioned: [],
    then: async (h) => {
      expect(h.pvc('empty')?.spec.storageClassName).to.equal('');
    },
  },
  {
    name: 'no class, the beta volume.beta.kubernetes.io/storage-class annotation set → not assigned',
    initial: {
      classes: [...builtinClasses(), fastDefault],
      pvcs: [
        (() => {
          const c = classless('beta');
          c.metadata.annotations = { 'volume.beta.kubernetes.io/storage-class': 'fast' };
          return c;
        })(),
      ],
    },
    pvcs: { 'default/beta': { phase: 'Pending' } },
    events: ['Normal FailedBinding default/beta'],
    then: async (h) => {
      expect(h.pvc('beta')?.spec.storageClassName).to.equal(undefined);
    },
  },
  {
    name: 'a default class created after the claim → the claim gets it on its next sync and binds',
    initial: { pvcs: [classless('late')] },
    then: async (h) => {
      expect(h.pvc('late')?.status?.phase).to.equal('Pending');
      await h.classes.create(fastDefault);
      h.syncCaches();
      h.claimQueue.add('default/late');
      await h.run();
    },
    pvcs: { 'default/late': { phase: 'Bound', volumeName: 'pvc-uid-late' } },
    events: ['Normal FailedBinding default/late', 'Normal ProvisioningSucceeded default/late'],
  },
  {
    name: 'dataSource of a kind nothing here fills → Warning UnrecognizedDataSourceKind, Pending, nothing provisioned or bound',
    initial: {
      pvs: [pv('empty-pv')],
      pvcs: [
        (() => {
          const c = pvc('populated');
          c.spec.dataSourceRef = { apiGroup: 'example.com', kind: 'Backup', name: 'nightly' };
          c.spec.dataSource = { apiGroup: 'example.com', kind: 'Backup', name: 'nightly' };
          return c;
        })(),
      ],
    },
    pvcs: { 'default/populated': { phase: 'Pending', volumeName: null } },
    pvs: { 'empty-pv': { claim: null } },
    events: ['Warning UnrecognizedDataSourceKind default/populated'],
    provisioned: [],
  },
  {
    name: 'dataSource names a missing source claim → Warning ProvisioningFailed saying so, Pending, nothing provisioned',
    initial: {
      pvcs: [
        (() => {
          const c = pvc('clone');
          c.spec.dataSource = { kind: 'PersistentVolumeClaim', name: 'gone' };
          return c;
        })(),
      ],
    },
    pvcs: { 'default/clone': { phase: 'Pending', volumeName: null } },
    events: ['Warning ProvisioningFailed default/clone'],
    errors: [/persistentvolumeclaim "gone" not found/, /not found/, /not found/, /not found/],
    provisioned: [],
  },
];

describe('PV controller: external provisioners, the default class and unusable data sources', () => {
  for (const row of rows) it(row.name, () => runRow(row).then(() => undefined));

  it("the ExternalProvisioning event has Kubernetes' words and the claim is looked at again after the resync period", async () => {
    const h = await runRow(rows[0] as Row);
    const ev = h.recorder.events.find((e) => e.reason === 'ExternalProvisioning');
    expect(ev?.message).to.equal(
      `Waiting for a volume to be created either by the external provisioner '${Provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
    );
    expect(ev?.message).to.equal(externalProvisioningMessage(Provisioner));
    const writes = h.tracker.actions.length;
    // A resync re-announces without writing the claim again.
    expect(await syncClaim(h.ctx, 'default/ext1')).to.deep.equal({ requeueAfter: externalResyncMs });
    expect(h.tracker.actions.slice(writes).filter((a) => a.verb !== 'get')).to.deep.equal([]);
    expect(h.recorder.events.filter((e) => e.reason === 'ExternalProvisioning').length).to.be.greaterThan(1);
  });

  it('a missing VolumeSnapshot → Warning ProvisioningFailed naming it; nothing provisioned', async () => {
    const c = pvc('restore');
    c.spec.dataSource = { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'nope' };
    const row: Row = {
      name: 'restore',
      initial: { pvcs: [c] },
      events: ['Warning ProvisioningFailed default/restore'],
      errors: [/./, /./, /./, /./],
      provisioned: [],
    };
    const h = await runRow(row);
    const ev = h.recorder.events.find((e) => e.reason === 'ProvisioningFailed');
    // The harness has no snapshot reader: it says restores are impossible, never binds empty.
    expect(ev?.message ?? '').to.match(/cannot restore snapshots|"nope" not found/);
    expect(h.pvc('restore')?.spec.volumeName).to.equal(undefined);
  });
});
