/**
 * The default StorageClass and external provisioners on a real apiserver + etcd with an
 * in-process controller-manager:
 *  - a claim created while no default class exists stays Pending without a class, then gets
 *    the default class once one is created (retroactive assignment) and is provisioned;
 *  - the DefaultStorageClass admission plugin gives new class-less claims the newest default;
 *    `storageClassName: ""` stays "";
 *  - a class of an external provisioner: the claim is annotated for it and told so
 *    (ExternalProvisioning, Kubernetes' words); a tiny external provisioner watching for the
 *    annotation creates one PV with a claimRef and the claim binds to it, exactly once; the
 *    same for a WaitForFirstConsumer class once a node is selected.
 */
import { expect } from 'chai';
import path from 'node:path';
import type { PersistentVolumeClaim } from '../../../pkg/api/core/v1';
import type { StorageClass } from '../../../pkg/api/storage/v1';
import type { Clientset } from '../../../pkg/client/clientset';
import { startTinyProvisioner, type TinyProvisioner } from '../../fixtures/external_provisioner';
import { claim, waitClaimPhase, waitEvent, waitUntil, type ControllerFixture, startControllerFixture } from './helpers';

const Tiny = 'example.com/tiny';

function storageClass(name: string, provisioner: string, extra: Partial<StorageClass> = {}): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name },
    provisioner,
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
    ...extra,
  };
}

function defaultClass(name: string): StorageClass {
  return storageClass(name, 'kubestore.io/hostpath', {
    metadata: { name, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
  });
}

function classless(ns: string, name: string): PersistentVolumeClaim {
  const c = claim(ns, name, { size: '1Mi' });
  delete c.spec.storageClassName;
  return c;
}

describe('controller-manager (in-process) on a real apiserver: the default StorageClass and external provisioners', function () {
  this.timeout(60_000);
  const ns = 'classes';
  let client: Clientset;
  let tiny: TinyProvisioner;
  let tmp: string;
  let fx: ControllerFixture | undefined;

  before(async () => {
    fx = await startControllerFixture(ns, 'classes');
    ({ client, tmp } = fx);
    tiny = await startTinyProvisioner(client, Tiny, path.join(tmp, 'tiny'));
  });

  after(async () => {
    await tiny?.stop();
    await fx?.stop();
  });

  it('no default class: a class-less claim stays Pending ("no storage class is set"); a default class created later is assigned and provisions it', async () => {
    await client.persistentVolumeClaims.create(classless(ns, 'early'));
    const ev = await waitEvent(client, ns, 'early', 'FailedBinding');
    expect(ev.message).to.equal('no persistent volumes available for this claim and no storage class is set');
    expect((await client.persistentVolumeClaims.get('early', ns)).spec.storageClassName).to.equal(undefined);
    await client.storageClasses.create(defaultClass('first-default'));
    const bound = await waitClaimPhase(client, ns, 'early', 'Bound');
    expect(bound.spec.storageClassName).to.equal('first-default');
    const pv = await client.persistentVolumes.get(bound.spec.volumeName ?? '');
    expect(pv.spec.storageClassName).to.equal('first-default');
  });

  it('admission: a new class-less claim gets the newest default class; "" stays "" and an explicit class stays', async () => {
    const first = await client.storageClasses.get('first-default');
    // Creation timestamps have one-second resolution: make the second default strictly newer.
    await waitUntil(
      () => new Date().toISOString().slice(0, 19) > (first.metadata.creationTimestamp ?? '').slice(0, 19),
      5_000,
      'the next second',
    );
    await client.storageClasses.create(defaultClass('second-default'));
    // The plugin reads the apiserver's watch cache (Kubernetes: an informer), which may lag the
    // write: wait until a cache-served list (resourceVersion 0) has the new class.
    await waitUntil(
      async () =>
        (await client.storageClasses.list(undefined, { resourceVersion: '0' })).items.some(
          (c) => c.metadata.name === 'second-default',
        ),
      10_000,
      'second-default in the watch cache',
    );
    const created = await client.persistentVolumeClaims.create(classless(ns, 'late'));
    expect(created.spec.storageClassName).to.equal('second-default');
    const empty = await client.persistentVolumeClaims.create(claim(ns, 'empty', { className: '', size: '1Mi' }));
    expect(empty.spec.storageClassName).to.equal('');
    const named = await client.persistentVolumeClaims.create(claim(ns, 'named', { className: 'nfs', size: '1Mi' }));
    expect(named.spec.storageClassName).to.equal('nfs');
    await waitClaimPhase(client, ns, 'late', 'Bound');
    await waitEvent(client, ns, 'empty', 'FailedBinding');
    expect((await client.persistentVolumeClaims.get('empty', ns)).spec.storageClassName).to.equal('');
  });

  it('an external provisioner’s class: the claim is annotated and announced; the tiny provisioner’s PV binds it, exactly once', async () => {
    await client.storageClasses.create(storageClass('tiny', Tiny));
    await client.persistentVolumeClaims.create(claim(ns, 'ext', { className: 'tiny', size: '2Mi' }));
    const bound = await waitClaimPhase(client, ns, 'ext', 'Bound');
    expect(bound.metadata.annotations?.['volume.kubernetes.io/storage-provisioner']).to.equal(Tiny);
    expect(bound.metadata.annotations?.['volume.beta.kubernetes.io/storage-provisioner']).to.equal(Tiny);
    const pvName = `pvc-${bound.metadata.uid ?? ''}`;
    expect(bound.spec.volumeName).to.equal(pvName);
    const ev = await waitEvent(client, ns, 'ext', 'ExternalProvisioning');
    expect([ev.type, ev.message]).to.deep.equal([
      'Normal',
      `Waiting for a volume to be created either by the external provisioner '${Tiny}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
    ]);
    const pv = await client.persistentVolumes.get(pvName);
    expect([pv.status?.phase, pv.spec.claimRef?.uid]).to.deep.equal(['Bound', bound.metadata.uid]);
    const forClaim = (await client.persistentVolumes.list()).items.filter(
      (v) => v.spec.claimRef?.namespace === ns && v.spec.claimRef.name === 'ext',
    );
    expect(forClaim.map((v) => v.metadata.name)).to.deep.equal([pvName]);
    expect(tiny.created.filter((n) => n === pvName)).to.have.length(1);
    expect(tiny.duplicates).to.deep.equal([]);
    expect(tiny.failure()).to.equal(undefined);
    // Bound: no more announcements; the controller provisioned nothing itself.
    expect(pv.metadata.annotations?.['pv.kubernetes.io/provisioned-by']).to.equal(Tiny);
  });

  it('WaitForFirstConsumer external class: announced only once a node is selected, then bound to the external PV', async () => {
    await client.nodes.create({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'ext-node', labels: { 'kubernetes.io/hostname': 'ext-node' } },
    });
    await client.storageClasses.create(storageClass('tiny-wffc', Tiny, { volumeBindingMode: 'WaitForFirstConsumer' }));
    await client.persistentVolumeClaims.create(claim(ns, 'ext-wffc', { className: 'tiny-wffc', size: '1Mi' }));
    await waitEvent(client, ns, 'ext-wffc', 'WaitForFirstConsumer');
    const waiting = await client.persistentVolumeClaims.get('ext-wffc', ns);
    expect(waiting.metadata.annotations?.['volume.kubernetes.io/storage-provisioner']).to.equal(undefined);
    await client.persistentVolumeClaims.patch('ext-wffc', ns, 'application/merge-patch+json', {
      metadata: { annotations: { 'volume.kubernetes.io/selected-node': 'ext-node' } },
    });
    const bound = await waitClaimPhase(client, ns, 'ext-wffc', 'Bound');
    expect(bound.spec.volumeName).to.equal(`pvc-${bound.metadata.uid ?? ''}`);
    expect(bound.metadata.annotations?.['volume.kubernetes.io/storage-provisioner']).to.equal(Tiny);
    await waitEvent(client, ns, 'ext-wffc', 'ExternalProvisioning');
    expect(tiny.created.filter((n) => n === bound.spec.volumeName)).to.have.length(1);
    expect(tiny.duplicates).to.deep.equal([]);
  });
});
