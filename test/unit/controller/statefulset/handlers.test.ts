/**
 * Which set keys an informer event enqueues (pods by controller reference, orphans by selector,
 * claims by their `<template>-<set>-<ordinal>` name), and the requeue a set with
 * minReadySeconds asks for while its Ready pods are not available yet.
 */
import { expect } from 'chai';
import type { StatefulSet } from '../../../../pkg/api/apps/v1';
import type { PersistentVolumeClaim, Pod } from '../../../../pkg/api/core/v1';
import type { Stored } from '../../../../pkg/api/stored';
import { setKeysForClaim, setKeysForPod } from '../../../../pkg/controller/statefulset/controller';
import { IndexedCache } from '../../../../pkg/informer/indexer';
import { listerFor } from '../../../../pkg/informer/lister';
import { storedIn } from '../../../helpers/stored';
import { StsHarness, sts } from './harness';

function setsOf(...sets: StatefulSet[]) {
  const cache = new IndexedCache<Stored<StatefulSet, 'Namespaced'>>();
  cache.replace(
    sets.map((s) => storedIn(s)),
    '1',
  );
  return listerFor<Stored<StatefulSet, 'Namespaced'>>(cache);
}

function pod(name: string, labels: Record<string, string>, owner?: string): Stored<Pod, 'Namespaced'> {
  return storedIn<Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      labels,
      ...(owner
        ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: owner, uid: 'u', controller: true }] }
        : {}),
    },
    spec: { containers: [] },
  });
}

describe('statefulset controller: event handlers', () => {
  const web = sts();
  const db: StatefulSet = { ...sts(), metadata: { name: 'db', namespace: 'default' } };
  db.spec = { ...db.spec, selector: { matchLabels: { app: 'db' } } };
  const sets = setsOf(web, db);

  it('maps an owned pod to its controller, an orphan to every set selecting it', () => {
    expect(setKeysForPod(sets, pod('web-0', { app: 'db' }, 'web'))).to.deep.equal(['default/web']);
    expect(setKeysForPod(sets, pod('x', { app: 'db' }))).to.deep.equal(['default/db']);
    expect(setKeysForPod(sets, pod('x', { app: 'none' }))).to.deep.equal([]);
  });

  it('maps a claim to the set whose template names it', () => {
    const claim = (name: string) =>
      storedIn<PersistentVolumeClaim>({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name, namespace: 'default' },
        spec: {},
      });
    expect(setKeysForClaim(sets, claim('data-web-3'))).to.deep.equal(['default/web']);
    expect(setKeysForClaim(sets, claim('data-db-0'))).to.deep.equal(['default/db']);
    expect(setKeysForClaim(sets, claim('logs-web-0'))).to.deep.equal([]);
  });

  it('with minReadySeconds, waits for availability before the next pod and asks to be requeued then', async () => {
    const h = new StsHarness({ set: sts({ replicas: 2, minReadySeconds: 10 }) });
    await h.settle();
    await h.ready('web-0');
    h.markWrites();
    const r = await h.reconcile();
    expect(h.podWrites()).to.deep.equal([]);
    expect(r).to.deep.equal({ requeueAfter: 10_000 });
    expect(h.set().status).to.deep.include({ readyReplicas: 1, availableReplicas: 0 });
    h.clock.step(10_000);
    await h.reconcile();
    expect(h.podWrites()).to.deep.equal([
      'create persistentvolumeclaims default/data-web-1',
      'create pods default/web-1',
    ]);
  });
});
