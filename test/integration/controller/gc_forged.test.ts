/**
 * The garbage collector (in-process) on a real apiserver against owner references a client
 * forged: ten thousand of them on one pod beside its real owner (uids of objects in another
 * namespace, of a cluster-scoped object, of the real owner under another name, Object.prototype
 * names, a kind nobody serves, names that are path segments like `..`), a claim owning itself
 * deleted in the foreground, and a pod whose only owner is named `..` with the uid of the
 * namespace that URL would reach. The real owner keeps its dependent, nothing stays stuck, and
 * the controller-manager keeps running.
 */
import { expect } from 'chai';
import type { Pod } from '../../../pkg/api/core/v1';
import type { OwnerReference } from '../../../pkg/api/meta';
import { Clientset } from '../../../pkg/client/clientset';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { claim, type InProcessControllerManager, startControllerManager, waitGone, waitUntil } from './helpers';

const ns = 'gc-forged';

const pod = (name: string, owners: OwnerReference[]): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, ownerReferences: owners },
  spec: { containers: [{ name: 'c', image: 'busybox:latest' }] },
});

const refTo = (kind: string, name: string, uid: string, apiVersion = 'v1'): OwnerReference => ({
  apiVersion,
  kind,
  name,
  uid,
});

describe('garbage collector (in-process) against forged owner references', function () {
  this.timeout(90_000);
  let api: TestApiServer;
  let client: Clientset;
  let cm: InProcessControllerManager;

  before(async () => {
    api = await startApiServer();
    client = new Clientset({ server: api.url, qps: 0 });
    for (const name of [ns, 'gc-forged-other'])
      await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    cm = startControllerManager({ url: api.url, controllers: 'garbagecollector' });
  });

  after(async () => {
    await cm?.stop();
    client?.close();
    await api?.stop();
  });

  it('ten thousand forged references beside the real owner: the pod stays, down to its real and unfollowable ones', async () => {
    const owner = await client.persistentVolumeClaims.create(claim(ns, 'real-owner'));
    const elsewhere = await client.persistentVolumeClaims.create(claim('gc-forged-other', 'real-owner'));
    const real = refTo('PersistentVolumeClaim', 'real-owner', owner.metadata.uid);
    const unserved = refTo('Widget', 'w', 'uid-widget', 'example.com/v1');
    const kinds: OwnerReference[] = [
      refTo('PersistentVolumeClaim', 'real-owner', elsewhere.metadata.uid),
      refTo('PersistentVolumeClaim', 'default', (await client.namespaces.get(ns)).metadata.uid),
      refTo('PersistentVolumeClaim', 'decoy', owner.metadata.uid),
      refTo('Pod', '..', 'uid-dotdot'),
      refTo('Pod', '.', 'uid-dot'),
      refTo('__proto__', '__proto__', '__proto__'),
      refTo('PersistentVolumeClaim', 'constructor', 'constructor'),
    ];
    const many = Array.from({ length: 10_000 }, (_, i) => {
      const k = kinds[i % kinds.length] ?? real;
      return { ...k, uid: i < kinds.length ? k.uid : `${k.uid}-${i}` };
    });
    await client.pods.create(pod('many', [...many, real, unserved]));
    // What stays: the real owner, and the references to kinds nobody serves (never followed).
    const kept = [...many.filter((r) => r.kind === '__proto__'), real, unserved];
    await waitUntil(
      async (note) => {
        const n = (await client.pods.get('many', ns)).metadata.ownerReferences?.length ?? 0;
        note(`${n} references`);
        return n === kept.length;
      },
      60_000,
      'the forged references to be removed',
    );
    const p = await client.pods.get('many', ns);
    expect(p.metadata.deletionTimestamp).to.equal(undefined);
    expect(p.metadata.ownerReferences).to.deep.equal(kept);
    await client.persistentVolumeClaims.delete('real-owner', ns);
    await waitGone(() => client.pods.get('many', ns), 'the pod of the deleted owner');
  });

  it('a claim owning itself, deleted in the foreground, goes', async () => {
    const c = await client.persistentVolumeClaims.create(claim(ns, 'self'));
    await client.persistentVolumeClaims.update({
      ...c,
      metadata: {
        ...c.metadata,
        ownerReferences: [{ ...refTo('PersistentVolumeClaim', 'self', c.metadata.uid), blockOwnerDeletion: true }],
      },
    });
    await client.persistentVolumeClaims.delete('self', ns, { propagationPolicy: 'Foreground' });
    await waitGone(() => client.persistentVolumeClaims.get('self', ns), 'the self-owned claim');
  });

  it('an owner named ".." is no path to another object: a pod whose only owner it is goes', async () => {
    const nsUid = (await client.namespaces.get(ns)).metadata.uid;
    await client.pods.create(pod('dotdot', [refTo('Pod', '..', nsUid)]));
    await waitGone(() => client.pods.get('dotdot', ns), 'the pod with a ".." owner');
  });
});
