/**
 * The namespace deleter with fake clients and an IndexedCache lister: only a namespace being
 * deleted that still has the `kubernetes` finalizer is worked on; its content is deleted by
 * collection; what remains is reported on the conditions and looked at again later; an empty
 * namespace is finalized (other finalizers kept); a failure is reported and retried.
 */
import { expect } from 'chai';
import type { Namespace, PersistentVolumeClaim, Pod } from '../../../../pkg/api/core/v1';
import { conflict, internalError, notFound } from '../../../../pkg/api/errors';
import type { KubeObject } from '../../../../pkg/api/meta';
import { NamespaceDeleter } from '../../../../pkg/controller/namespace/deleter';
import { IndexedCache } from '../../../../pkg/informer/indexer';
import { FakeResource, FakeTracker } from '../../../helpers/fake_client';

function namespace(name: string, o: { deleting?: boolean; finalizers?: string[] } = {}): Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, ...(o.deleting ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    spec: { finalizers: o.finalizers ?? ['kubernetes'] },
    status: { phase: o.deleting ? 'Terminating' : 'Active' },
  };
}

const pod = (name: string, ns: string): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns },
  spec: { containers: [{ name: 'c', image: 'busybox' }] },
});
const heldClaim = (name: string, ns: string): PersistentVolumeClaim => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: ns, finalizers: ['kubernetes.io/pvc-protection'] },
  spec: { resources: { requests: { storage: '1Gi' } } },
});

function fixture(ns: Namespace, content: { pods?: Pod[]; claims?: PersistentVolumeClaim[] } = {}) {
  const tracker = new FakeTracker();
  const namespaces = new FakeResource<Namespace>(tracker, { resource: 'namespaces', namespaced: false });
  const pods = new FakeResource<Pod>(tracker, { resource: 'pods', namespaced: true });
  const claims = new FakeResource<PersistentVolumeClaim>(tracker, {
    resource: 'persistentvolumeclaims',
    namespaced: true,
  });
  const seeded = namespaces.seed(ns);
  content.pods?.forEach((p) => pods.seed(p));
  content.claims?.forEach((c) => claims.seed(c));
  const cache = new IndexedCache<Namespace>();
  cache.replace([seeded], '1');
  const finalized: Namespace[] = [];
  let finalizeError: Error | undefined;
  const asContent = (resource: string, r: FakeResource<KubeObject>) => ({
    info: { group: '', resource },
    deleteCollection: (n: string) => r.deleteCollection(n),
    list: (n: string) => r.list(n),
  });
  const deleter = new NamespaceDeleter({
    namespaces: cache,
    content: [
      asContent('pods', pods as unknown as FakeResource<KubeObject>),
      asContent('persistentvolumeclaims', claims as unknown as FakeResource<KubeObject>),
    ],
    namespaceClient: namespaces,
    finalize: async (n) => {
      if (finalizeError) throw finalizeError;
      finalized.push(n);
      return n;
    },
    recheckMs: 1234,
  });
  return {
    tracker,
    namespaces,
    pods,
    claims,
    cache,
    deleter,
    finalized,
    failFinalize: (err: Error) => (finalizeError = err),
  };
}

const conditionsOf = (n: Namespace | undefined) =>
  Object.fromEntries((n?.status?.conditions ?? []).map((c) => [c.type, `${c.status} ${c.reason ?? ''}`]));

describe('namespace deleter', () => {
  it('an Active namespace: nothing is deleted, nothing written', async () => {
    const f = fixture(namespace('live'), { pods: [pod('p', 'live')] });
    expect(await f.deleter.reconcile('live')).to.equal(undefined);
    expect(f.tracker.actions).to.deep.equal([]);
  });

  it('a deleted namespace without the kubernetes finalizer (finalized already): nothing to do', async () => {
    const f = fixture(namespace('done', { deleting: true, finalizers: ['example.com/x'] }), {
      pods: [pod('p', 'done')],
    });
    await f.deleter.reconcile('done');
    expect(f.tracker.actions).to.deep.equal([]);
    expect(f.finalized).to.deep.equal([]);
  });

  it('an unknown namespace: nothing to do', async () => {
    const f = fixture(namespace('other'));
    await f.deleter.reconcile('missing');
    expect(f.tracker.actions).to.deep.equal([]);
  });

  it('content is deleted in the namespace only; held content is reported and the key looked at again', async () => {
    const f = fixture(namespace('doomed', { deleting: true }), {
      pods: [pod('a', 'doomed'), pod('keep', 'other')],
      claims: [heldClaim('c', 'doomed')],
    });
    expect(await f.deleter.reconcile('doomed')).to.deep.equal({ requeueAfter: 1234 });
    expect(f.pods.all().map((p) => p.metadata.name)).to.deep.equal(['keep']);
    expect(f.claims.peek('c', 'doomed')?.metadata.deletionTimestamp).to.be.a('string');
    const ns = f.namespaces.peek('doomed');
    expect(conditionsOf(ns)).to.deep.equal({
      NamespaceDeletionContentFailure: 'False ContentDeleted',
      NamespaceContentRemaining: 'True SomeResourcesRemain',
      NamespaceFinalizersRemaining: 'True SomeFinalizersRemain',
    });
    expect(ns?.status?.conditions?.find((c) => c.type === 'NamespaceFinalizersRemaining')?.message).to.equal(
      'Some content in the namespace has finalizers remaining: kubernetes.io/pvc-protection in 1 resource instances',
    );
    expect(f.finalized).to.deep.equal([]);

    // Nothing changed since (the informer has delivered our write): the conditions are not written again.
    f.cache.replace(f.namespaces.all(), '2');
    const writes = f.tracker.actions.filter((a) => a.verb === 'updateStatus').length;
    await f.deleter.reconcile('doomed');
    expect(f.tracker.actions.filter((a) => a.verb === 'updateStatus').length).to.equal(writes);
  });

  it('an empty namespace is finalized: the kubernetes finalizer removed, others kept, conditions all False', async () => {
    const f = fixture(namespace('empty', { deleting: true, finalizers: ['example.com/x', 'kubernetes'] }), {
      pods: [pod('a', 'empty')],
    });
    expect(await f.deleter.reconcile('empty')).to.equal(undefined);
    expect(f.finalized.map((n) => n.spec?.finalizers)).to.deep.equal([['example.com/x']]);
    expect(conditionsOf(f.finalized[0])).to.deep.equal({
      NamespaceDeletionContentFailure: 'False ContentDeleted',
      NamespaceContentRemaining: 'False ContentRemoved',
      NamespaceFinalizersRemaining: 'False ContentHasNoFinalizers',
    });
    // It carries the resourceVersion of the status write (no conflict with our own write).
    expect(f.finalized[0]?.metadata.resourceVersion).to.equal(f.namespaces.peek('empty')?.metadata.resourceVersion);
  });

  it('a finalize that meets a conflict or a vanished namespace is not an error (the namespace is looked at again on its next change)', async () => {
    for (const err of [
      conflict({ resource: 'namespaces' }, 'empty', 'changed'),
      notFound({ resource: 'namespaces' }, 'empty'),
    ]) {
      const f = fixture(namespace('empty', { deleting: true }));
      f.failFinalize(err);
      expect(await f.deleter.reconcile('empty')).to.equal(undefined);
      expect(f.finalized).to.deep.equal([]);
    }
    const f = fixture(namespace('empty', { deleting: true }));
    f.failFinalize(internalError('boom'));
    let failure: unknown;
    await f.deleter.reconcile('empty').catch((e: unknown) => (failure = e));
    expect(String(failure)).to.contain('boom');
  });

  it('a resource that cannot be deleted is reported (ContentDeletionFailed) and the reconcile fails, to be retried', async () => {
    const f = fixture(namespace('stuck', { deleting: true }), { pods: [pod('a', 'stuck')] });
    f.pods.failNext('list', internalError('etcd is down'));
    let failure: unknown;
    await f.deleter.reconcile('stuck').catch((err: unknown) => (failure = err));
    expect(String(failure)).to.contain('failed to delete pods: Internal error occurred: etcd is down');
    expect(conditionsOf(f.namespaces.peek('stuck')).NamespaceDeletionContentFailure).to.equal(
      'True ContentDeletionFailed',
    );
    expect(f.finalized).to.deep.equal([]);
  });
});
