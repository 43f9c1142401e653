/**
 * The seed's scenarios on a real apiserver + etcd with an in-process controller-manager:
 * dynamic provisioning for each built-in class (the directory exists on disk), binding to a
 * named existing PV, a named missing PV created, a type mismatch marked Failed, a missing class
 * that binds once created, Delete vs Retain reclaim, and pvc/pv protection.
 */
import { expect } from 'chai';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { PersistentVolumeClaim } from '../../../pkg/api/core/v1';
import type { Clientset } from '../../../pkg/client/clientset';
import {
  claim,
  hostPathClass,
  hostPathVolume,
  type InProcessControllerManager,
  runningPod,
  waitClaimPhase,
  waitEvent,
  waitGone,
  waitUntil,
  type ControllerFixture,
  startControllerFixture,
} from './helpers';

describe('controller-manager (in-process) on a real apiserver: binding, provisioning, reclaim, protection', function () {
  this.timeout(60_000);
  const ns = 'seed';
  let client: Clientset;
  let cm: InProcessControllerManager;
  let tmp: string;
  let fx: ControllerFixture | undefined;

  before(async () => {
    fx = await startControllerFixture(ns, 'ctl');
    ({ client, cm, tmp } = fx);
  });

  after(async () => {
    await fx?.stop();
  });

  it('the built-in classes hostPath and nfs exist', async () => {
    const names = (await client.storageClasses.list()).items.map((c) => c.metadata.name).sort();
    expect(names).to.deep.equal(['hostPath', 'nfs']);
  });

  it('class hostPath: a PV pvc-<uid> is provisioned and bound, its directory exists under the base dir', async () => {
    await client.persistentVolumeClaims.create(claim(ns, 'dyn-hp', { size: '512Mi' }));
    const bound = await waitClaimPhase(client, ns, 'dyn-hp', 'Bound');
    const pvName = `pvc-${bound.metadata.uid ?? ''}`;
    expect(bound.spec.volumeName).to.equal(pvName);
    expect(bound.status?.capacity?.storage).to.equal('512Mi');
    const pv = await client.persistentVolumes.get(pvName);
    expect(pv.status?.phase).to.equal('Bound');
    expect(pv.spec.claimRef).to.include({ namespace: ns, name: 'dyn-hp', uid: bound.metadata.uid });
    expect(pv.spec.persistentVolumeReclaimPolicy).to.equal('Delete');
    expect(pv.metadata.annotations?.['pv.kubernetes.io/provisioned-by']).to.equal('kubestore.io/hostpath');
    const dir = pv.spec.hostPath?.path ?? '';
    expect(path.dirname(dir)).to.equal(cm.hostPathBase);
    expect(statSync(dir).isDirectory(), `${dir} exists`).to.equal(true);
    expect(bound.metadata.annotations?.['pv.kubernetes.io/bind-completed']).to.equal('yes');
    await waitEvent(client, ns, 'dyn-hp', 'ProvisioningSucceeded');
  });

  it('class nfs (IS_NFS_SERVER=true): the subdirectory is created under the export root', async () => {
    await client.persistentVolumeClaims.create(claim(ns, 'dyn-nfs', { className: 'nfs' }));
    const bound = await waitClaimPhase(client, ns, 'dyn-nfs', 'Bound');
    const pv = await client.persistentVolumes.get(bound.spec.volumeName ?? '');
    expect(pv.metadata.name).to.equal(`pvc-${bound.metadata.uid ?? ''}`);
    expect(pv.spec.nfs?.server).to.equal('localhost');
    const exported = pv.spec.nfs?.path ?? '';
    expect(exported.startsWith('/exports/')).to.equal(true);
    const local = path.join(cm.nfsExportRoot, path.posix.relative('/exports', exported));
    expect(statSync(local).isDirectory(), `${local} exists`).to.equal(true);
  });

  it('a claim naming an existing PV binds to exactly that PV (nothing provisioned)', async () => {
    await client.persistentVolumes.create(hostPathVolume('seed-existing', { dir: tmp, size: '1Gi' }));
    await client.persistentVolumeClaims.create(
      claim(ns, 'named-existing', { volumeName: 'seed-existing', size: '1Gi' }),
    );
    const bound = await waitClaimPhase(client, ns, 'named-existing', 'Bound');
    expect(bound.spec.volumeName).to.equal('seed-existing');
    const pv = await client.persistentVolumes.get('seed-existing');
    expect(pv.spec.claimRef?.uid).to.equal(bound.metadata.uid);
    expect(pv.status?.phase).to.equal('Bound');
    const provisioned = (await client.persistentVolumes.list()).items.filter(
      (v) => v.metadata.name === `pvc-${bound.metadata.uid ?? ''}`,
    );
    expect(provisioned).to.deep.equal([]);
  });

  it('a claim naming a missing PV gets a PV of exactly that name (size = request), bound', async () => {
    await client.persistentVolumeClaims.create(claim(ns, 'named-missing', { volumeName: 'auto-made', size: '2Gi' }));
    const bound = await waitClaimPhase(client, ns, 'named-missing', 'Bound');
    expect(bound.spec.volumeName).to.equal('auto-made');
    const pv = await client.persistentVolumes.get('auto-made');
    expect(pv.spec.capacity?.storage).to.equal('2Gi');
    expect(pv.spec.claimRef?.uid).to.equal(bound.metadata.uid);
    expect(existsSync(pv.spec.hostPath?.path ?? '/nonexistent')).to.equal(true);
  });

  it('type mismatch (nfs claim names a hostPath PV) → claim Failed with a condition and a VolumeMismatch event; PV untouched', async () => {
    // 100Mi: too small for the other tests' claims, so none of them binds it.
    await client.persistentVolumes.create(hostPathVolume('seed-hostpath-only', { dir: tmp, size: '100Mi' }));
    await waitUntil(
      async () => (await client.persistentVolumes.get('seed-hostpath-only')).status?.phase === 'Available',
      30_000,
      'PV Available',
    );
    await client.persistentVolumeClaims.create(
      claim(ns, 'mismatch', { className: 'nfs', volumeName: 'seed-hostpath-only', size: '100Mi' }),
    );
    const failed = await waitClaimPhase(client, ns, 'mismatch', 'Failed');
    const cond = failed.status?.conditions?.find((c) => c.type === 'VolumeMismatch');
    expect(cond?.message ?? '').to.match(/nfs.*hostPath/);
    const ev = await waitEvent(client, ns, 'mismatch', 'VolumeMismatch');
    expect(ev.type).to.equal('Warning');
    const pv = await client.persistentVolumes.get('seed-hostpath-only');
    expect(pv.spec.claimRef).to.equal(undefined);
    expect(pv.status?.phase).to.equal('Available');
  });

  it('a claim naming a class that does not exist stays Pending (ProvisioningFailed) and binds once the class is created', async () => {
    await client.persistentVolumeClaims.create(claim(ns, 'late-class', { className: 'made-later' }));
    const ev = await waitEvent(client, ns, 'late-class', 'ProvisioningFailed');
    expect(ev.message ?? '').to.match(/"made-later" not found/);
    expect((await client.persistentVolumeClaims.get('late-class', ns)).status?.phase).to.equal('Pending');
    await client.storageClasses.create(hostPathClass('made-later', 'Retain'));
    const bound = await waitClaimPhase(client, ns, 'late-class', 'Bound');
    const pv = await client.persistentVolumes.get(bound.spec.volumeName ?? '');
    expect(pv.spec.persistentVolumeReclaimPolicy).to.equal('Retain');
  });

  it('claim deleted: Delete reclaim removes the PV and its directory; Retain keeps both (PV Released)', async () => {
    await client.storageClasses.create(hostPathClass('hostpath-retain', 'Retain'));
    await client.persistentVolumeClaims.create(claim(ns, 'reclaim-delete'));
    await client.persistentVolumeClaims.create(claim(ns, 'reclaim-retain', { className: 'hostpath-retain' }));
    const del = await waitClaimPhase(client, ns, 'reclaim-delete', 'Bound');
    const ret = await waitClaimPhase(client, ns, 'reclaim-retain', 'Bound');
    const delPv = await client.persistentVolumes.get(del.spec.volumeName ?? '');
    const retPv = await client.persistentVolumes.get(ret.spec.volumeName ?? '');
    const delDir = delPv.spec.hostPath?.path ?? '';
    const retDir = retPv.spec.hostPath?.path ?? '';
    expect(existsSync(delDir), `${delDir} exists while bound`).to.equal(true);
    expect(existsSync(retDir), `${retDir} exists while bound`).to.equal(true);
    await client.persistentVolumeClaims.delete('reclaim-delete', ns);
    await client.persistentVolumeClaims.delete('reclaim-retain', ns);
    await waitGone(() => client.persistentVolumes.get(delPv.metadata.name ?? ''), `PV ${delPv.metadata.name ?? ''}`);
    expect(existsSync(delDir), `${delDir} removed`).to.equal(false);
    await waitEvent(client, 'default', delPv.metadata.name ?? '', 'VolumeDelete');
    await waitUntil(
      async () => (await client.persistentVolumes.get(retPv.metadata.name ?? '')).status?.phase === 'Released',
      20_000,
      'retained PV Released',
    );
    const kept = await client.persistentVolumes.get(retPv.metadata.name ?? '');
    expect(kept.spec.claimRef?.name).to.equal('reclaim-retain');
    expect(existsSync(retDir), `${retDir} kept`).to.equal(true);
  });

  it('pvc-protection: a claim used by a Running pod is kept until the pod is deleted', async () => {
    await client.persistentVolumeClaims.create(claim(ns, 'in-use'));
    await client.persistentVolumeClaims.create(claim(ns, 'unused'));
    await waitClaimPhase(client, ns, 'in-use', 'Bound');
    await waitClaimPhase(client, ns, 'unused', 'Bound');
    await runningPod(client, ns, 'user', ['in-use']);
    const hasFinalizer = async (name: string) =>
      ((await client.persistentVolumeClaims.get(name, ns)).metadata.finalizers ?? []).includes(
        'kubernetes.io/pvc-protection',
      );
    await waitUntil(
      async () => (await hasFinalizer('in-use')) && (await hasFinalizer('unused')),
      30_000,
      'pvc-protection finalizers',
    );
    await client.persistentVolumeClaims.delete('in-use', ns);
    await client.persistentVolumeClaims.delete('unused', ns);
    // The control claim going proves the protection controller has looked at the deletions.
    await waitGone(() => client.persistentVolumeClaims.get('unused', ns), 'claim unused');
    const held: PersistentVolumeClaim = await client.persistentVolumeClaims.get('in-use', ns);
    expect(held.metadata.deletionTimestamp, 'marked for deletion').to.be.a('string');
    expect(held.metadata.finalizers).to.include('kubernetes.io/pvc-protection');
    expect(held.status?.phase).to.equal('Bound');
    const volumeName = held.spec.volumeName ?? '';
    expect((await client.persistentVolumes.get(volumeName)).status?.phase).to.equal('Bound');
    await client.pods.delete('user', ns, { gracePeriodSeconds: 0 });
    await waitGone(() => client.persistentVolumeClaims.get('in-use', ns), 'claim in-use');
    // ...and then its volume is reclaimed (Delete).
    await waitGone(() => client.persistentVolumes.get(volumeName), `PV ${volumeName}`);
  });

  it('pv-protection: a Bound PV being deleted stays until its claim is gone; an unbound one goes at once', async () => {
    await client.persistentVolumes.create(hostPathVolume('unbound-doomed', { dir: tmp, className: 'manual' }));
    await client.persistentVolumeClaims.create(claim(ns, 'keeps-pv'));
    const bound = await waitClaimPhase(client, ns, 'keeps-pv', 'Bound');
    const pvName = bound.spec.volumeName ?? '';
    const protectedBoth = async () =>
      ((await client.persistentVolumes.get(pvName)).metadata.finalizers ?? []).includes(
        'kubernetes.io/pv-protection',
      ) &&
      ((await client.persistentVolumes.get('unbound-doomed')).metadata.finalizers ?? []).includes(
        'kubernetes.io/pv-protection',
      );
    await waitUntil(protectedBoth, 30_000, 'pv-protection finalizers');
    await client.persistentVolumes.delete(pvName);
    await client.persistentVolumes.delete('unbound-doomed');
    await waitGone(() => client.persistentVolumes.get('unbound-doomed'), 'PV unbound-doomed');
    const held = await client.persistentVolumes.get(pvName);
    expect(held.metadata.deletionTimestamp).to.be.a('string');
    expect(held.status?.phase).to.equal('Bound');
    await client.persistentVolumeClaims.delete('keeps-pv', ns);
    await waitGone(() => client.persistentVolumes.get(pvName), `PV ${pvName}`);
  });
});
