/**
 * The garbage collector (in-process controller-manager, only `garbagecollector`) on a real
 * apiserver + etcd: background deletion of an owner takes its dependents, Orphan leaves them
 * without the reference, Foreground keeps the owner (deletionTimestamp + foregroundDeletion)
 * until its blocking dependents are gone; several owners; owners across scopes (a cluster-scoped
 * owner of a namespaced dependent works, a namespaced owner in another namespace is absent, a
 * cluster-scoped dependent of a namespaced owner is left alone with OwnerRefInvalidNamespace).
 * Dependents are claims and unscheduled pods: both go at once when deleted (no kubelet here).
 */
import { expect } from 'chai';
import type { PersistentVolume, Pod } from '../../../pkg/api/core/v1';
import { GCFinalizer, type OwnerReference } from '../../../pkg/api/meta';
import type { Stored } from '../../../pkg/api/stored';
import { Clientset } from '../../../pkg/client/clientset';
import { PatchType } from '../../../pkg/client/resource_client';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import {
  claim,
  type InProcessControllerManager,
  startControllerManager,
  waitEvent,
  waitGone,
  waitUntil,
} from './helpers';

const ns = 'gc';
const hold = 'test.kubestore.io/hold';

/** A reference to a stored object. */
function ownerRef(
  o: { apiVersion?: string; kind?: string; metadata: { name: string; uid: string } },
  block?: boolean,
): OwnerReference {
  return {
    apiVersion: o.apiVersion ?? 'v1',
    kind: o.kind ?? '',
    name: o.metadata.name,
    uid: o.metadata.uid,
    ...(block !== undefined ? { blockOwnerDeletion: block } : {}),
  };
}

/** An unscheduled pod (deleted at once: no node has to stop it). */
const pod = (name: string, owners: OwnerReference[], namespace = ns): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, ownerReferences: owners },
  spec: { containers: [{ name: 'c', image: 'busybox:latest' }] },
});

const volume = (name: string, owners: OwnerReference[] = []): PersistentVolume => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name, ownerReferences: owners },
  spec: {
    capacity: { storage: '1Gi' },
    accessModes: ['ReadWriteOnce'],
    persistentVolumeReclaimPolicy: 'Retain',
    hostPath: { path: `/tmp/kubestore-gc-${name}` },
    storageClassName: 'manual',
  },
});

describe('garbage collector (in-process) on a real apiserver', function () {
  this.timeout(60_000);
  let api: TestApiServer;
  let client: Clientset;
  let cm: InProcessControllerManager;

  before(async () => {
    api = await startApiServer();
    client = new Clientset({ server: api.url, qps: 0 });
    for (const name of [ns, 'elsewhere'])
      await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    cm = startControllerManager({ url: api.url, controllers: 'garbagecollector' });
  });

  after(async () => {
    await cm?.stop();
    client?.close();
    await api?.stop();
  });

  const getPod =
    (name: string, namespace = ns) =>
    () =>
      client.pods.get(name, namespace);
  const getClaim = (name: string) => () => client.persistentVolumeClaims.get(name, ns);

  it('background (the default): deleting the owner removes its pods and claims', async () => {
    const owner = await client.persistentVolumeClaims.create(claim(ns, 'bg-owner'));
    await client.pods.create(pod('bg-p1', [ownerRef(owner)]));
    await client.pods.create(pod('bg-p2', [ownerRef(owner)]));
    await client.persistentVolumeClaims.create({
      ...claim(ns, 'bg-c'),
      metadata: { name: 'bg-c', namespace: ns, ownerReferences: [ownerRef(owner)] },
    });
    const unrelated = await client.pods.create(pod('bg-unrelated', []));
    await client.persistentVolumeClaims.delete('bg-owner', ns);
    await waitGone(getPod('bg-p1'), 'bg-p1');
    await waitGone(getPod('bg-p2'), 'bg-p2');
    await waitGone(getClaim('bg-c'), 'bg-c');
    expect((await client.pods.get('bg-unrelated', ns)).metadata.uid).to.equal(unrelated.metadata.uid);
  });

  it('a dependent created after its owner is gone is collected too', async () => {
    const owner = await client.persistentVolumeClaims.create(claim(ns, 'late-owner'));
    await client.persistentVolumeClaims.delete('late-owner', ns);
    await client.pods.create(pod('late-p', [ownerRef(owner)]));
    await waitGone(getPod('late-p'), 'late-p');
  });

  it('Orphan: the owner goes, its dependents stay without the reference', async () => {
    const owner = await client.persistentVolumeClaims.create(claim(ns, 'or-owner'));
    const other = await client.persistentVolumes.create(volume('or-keeper'));
    await client.pods.create(pod('or-p1', [ownerRef(owner, true)]));
    await client.pods.create(pod('or-p2', [ownerRef(owner), ownerRef(other)]));
    const marked = await client.persistentVolumeClaims.delete('or-owner', ns, { propagationPolicy: 'Orphan' });
    expect(marked.metadata.finalizers ?? []).to.include(GCFinalizer.OrphanDependents);
    await waitGone(getClaim('or-owner'), 'or-owner');
    const p1 = await client.pods.get('or-p1', ns);
    const p2 = await client.pods.get('or-p2', ns);
    expect(p1.metadata.ownerReferences).to.equal(undefined);
    expect(p2.metadata.ownerReferences?.map((r) => r.uid)).to.deep.equal([other.metadata.uid]);
    expect(p1.metadata.deletionTimestamp).to.equal(undefined);
  });

  it('Foreground: the owner waits with foregroundDeletion until its blocking dependents are gone', async () => {
    const owner = await client.persistentVolumeClaims.create(claim(ns, 'fg-owner'));
    await client.persistentVolumeClaims.create({
      ...claim(ns, 'fg-c'),
      metadata: { name: 'fg-c', namespace: ns, finalizers: [hold], ownerReferences: [ownerRef(owner, true)] },
    });
    await client.pods.create(pod('fg-p', [ownerRef(owner, true)]));
    // The query form of DeleteOptions (kubectl sends a body; other clients use the query).
    await client.rest.request('DELETE', client.persistentVolumeClaims.path(ns, 'fg-owner'), {
      query: { propagationPolicy: 'Foreground' },
    });
    await waitGone(getPod('fg-p'), 'fg-p');
    await waitUntil(
      async () => Boolean((await client.persistentVolumeClaims.get('fg-c', ns)).metadata.deletionTimestamp),
      20_000,
      'fg-c to be marked for deletion',
    );
    const waiting = await client.persistentVolumeClaims.get('fg-owner', ns);
    expect(waiting.metadata.deletionTimestamp).to.be.a('string');
    expect(waiting.metadata.finalizers).to.deep.equal([GCFinalizer.DeleteDependents]);
    // The held dependent is released: it goes, and the owner follows.
    await client.persistentVolumeClaims.patch('fg-c', ns, PatchType.Merge, { metadata: { finalizers: null } });
    await waitGone(getClaim('fg-c'), 'fg-c');
    await waitGone(getClaim('fg-owner'), 'fg-owner');
  });

  it('several owners: the dependent stays while one is left (losing the dangling reference), then goes', async () => {
    const a = await client.persistentVolumeClaims.create(claim(ns, 'mo-a'));
    const b = await client.persistentVolumes.create(volume('mo-b'));
    await client.pods.create(pod('mo-p', [ownerRef(a), ownerRef(b)]));
    await client.persistentVolumeClaims.delete('mo-a', ns);
    await waitUntil(
      async () => (await client.pods.get('mo-p', ns)).metadata.ownerReferences?.length === 1,
      20_000,
      'mo-p to lose the reference to mo-a',
    );
    expect((await client.pods.get('mo-p', ns)).metadata.ownerReferences?.[0]?.uid).to.equal(b.metadata.uid);
    await client.persistentVolumes.delete('mo-b');
    await waitGone(getPod('mo-p'), 'mo-p');
  });

  it('a namespaced owner is looked up in the dependent’s namespace: one elsewhere counts as absent', async () => {
    const far = await client.persistentVolumeClaims.create(claim('elsewhere', 'x-owner'));
    await client.pods.create(pod('x-p', [ownerRef(far)]));
    await waitGone(getPod('x-p'), 'x-p');
    expect((await client.persistentVolumeClaims.get('x-owner', 'elsewhere')).metadata.uid).to.equal(far.metadata.uid);
  });

  it('a cluster-scoped dependent of a namespaced owner is left alone, with OwnerRefInvalidNamespace', async () => {
    const owner = await client.persistentVolumeClaims.create(claim(ns, 'cs-owner'));
    const pv: Stored<PersistentVolume> = await client.persistentVolumes.create(volume('cs-pv', [ownerRef(owner)]));
    const ev = await waitEvent(client, 'default', 'cs-pv', 'OwnerRefInvalidNamespace');
    expect(ev.type).to.equal('Warning');
    expect(ev.message).to.contain(`uid: ${owner.metadata.uid}] does not exist in namespace ""`);
    await client.persistentVolumeClaims.delete('cs-owner', ns);
    await waitGone(getClaim('cs-owner'), 'cs-owner');
    // A later object it owns is collected; the volume is still there, untouched.
    await client.pods.create(pod('cs-probe', [ownerRef(owner)]));
    await waitGone(getPod('cs-probe'), 'cs-probe');
    const still = await client.persistentVolumes.get('cs-pv');
    expect(still.metadata.uid).to.equal(pv.metadata.uid);
    expect(still.metadata.deletionTimestamp).to.equal(undefined);
  });
});
