/**
 * The garbage collector against a fake apiserver (fake_gc_api.ts): a table of initial objects →
 * the deletes and patches the collector makes (and events), run until nothing is left to do;
 * then the orphan and foreground flows, failures, and client-chosen uids.
 */
import { expect } from 'chai';
import { internalError } from '../../../../pkg/api/errors';
import { GCFinalizer } from '../../../../pkg/api/meta';
import { persistentVolumeClaims, persistentVolumes, pods } from '../../../../pkg/api/resources';
import { harness, objectOf, ref, type Spec } from './harness';

describe('garbage collector: dependents whose owners are gone', () => {
  const table: { name: string; objects: Spec[]; writes: string[]; events?: string[] }[] = [
    {
      name: 'an owner that exists: nothing',
      objects: [
        { kind: 'pvc', name: 'owner' },
        { kind: 'pod', name: 'p', owners: [ref('pvc', 'owner')] },
      ],
      writes: [],
    },
    {
      name: 'the only owner is gone: deleted in the background',
      objects: [{ kind: 'pod', name: 'p', owners: [ref('pvc', 'owner')] }],
      writes: ['delete pods ns1/p Background'],
    },
    {
      name: 'one of two owners is gone: only its reference is removed',
      objects: [
        { kind: 'pvc', name: 'a' },
        { kind: 'pod', name: 'p', owners: [ref('pvc', 'a'), ref('pvc', 'gone')] },
      ],
      writes: ['patch pods ns1/p owners=uid-a'],
    },
    {
      name: 'every owner is gone: deleted',
      objects: [{ kind: 'pod', name: 'p', owners: [ref('pvc', 'x'), ref('pv', 'y')] }],
      writes: ['delete pods ns1/p Background'],
    },
    {
      name: 'an object of the owner’s name with another uid counts as absent',
      objects: [
        { kind: 'pvc', name: 'owner' },
        { kind: 'pod', name: 'p', owners: [ref('pvc', 'owner', { uid: 'uid-old' })] },
      ],
      writes: ['delete pods ns1/p Background'],
    },
    {
      name: 'a cluster-scoped owner keeps a namespaced dependent',
      objects: [
        { kind: 'pv', name: 'vol' },
        { kind: 'pvc', name: 'c', owners: [ref('pv', 'vol')] },
      ],
      writes: [],
    },
    {
      name: 'a namespaced owner in another namespace is absent (OwnerRefInvalidNamespace)',
      objects: [
        { kind: 'pvc', name: 'owner', ns: 'other' },
        { kind: 'pod', name: 'p', owners: [ref('pvc', 'owner')] },
      ],
      writes: ['delete pods ns1/p Background'],
      events: [
        'ns1/p Warning OwnerRefInvalidNamespace ownerRef [v1/PersistentVolumeClaim, namespace: ns1, name: owner, uid: uid-owner] does not exist in namespace "ns1"',
      ],
    },
    {
      name: 'a cluster-scoped dependent of a namespaced owner: ignored, with OwnerRefInvalidNamespace',
      objects: [
        { kind: 'pvc', name: 'owner' },
        { kind: 'pv', name: 'vol', owners: [ref('pvc', 'owner')] },
      ],
      writes: [],
      events: [
        'vol Warning OwnerRefInvalidNamespace ownerRef [v1/PersistentVolumeClaim, namespace: , name: owner, uid: uid-owner] does not exist in namespace ""',
      ],
    },
    {
      name: 'a reference to a kind nobody serves is ignored (not followed, not removed)',
      objects: [
        { kind: 'pvc', name: 'a' },
        { kind: 'pod', name: 'p', owners: [ref('pvc', 'a'), ref('pvc', 'x', { apiVersion: 'bogus/v9' })] },
      ],
      writes: [],
    },
    {
      name: 'an owner being deleted in the background still owns',
      objects: [
        { kind: 'pvc', name: 'owner', deleting: true, finalizers: ['kubernetes.io/pvc-protection'] },
        { kind: 'pod', name: 'p', owners: [ref('pvc', 'owner')] },
      ],
      writes: [],
    },
    {
      name: 'a dependent already being deleted is left alone',
      objects: [{ kind: 'pod', name: 'p', owners: [ref('pvc', 'gone')], deleting: true, finalizers: ['x/y'] }],
      writes: [],
    },
    {
      name: 'a dependent carrying the orphan finalizer is deleted with Orphan',
      objects: [{ kind: 'pvc', name: 'c', owners: [ref('pvc', 'gone')], finalizers: [GCFinalizer.OrphanDependents] }],
      // …which then, having no dependents to release, loses the finalizer and goes.
      writes: ['delete persistentvolumeclaims ns1/c Orphan', 'patch persistentvolumeclaims ns1/c finalizers=none'],
    },
    {
      name: 'chain: a gone owner’s dependent goes, then its own dependent',
      objects: [
        { kind: 'pvc', name: 'mid', owners: [ref('pv', 'root')] },
        { kind: 'pod', name: 'leaf', owners: [ref('pvc', 'mid')] },
      ],
      writes: ['delete persistentvolumeclaims ns1/mid Background', 'delete pods ns1/leaf Background'],
    },
  ];
  for (const t of table) {
    it(t.name, async () => {
      const h = harness(t.objects);
      await h.settle();
      expect(h.writes()).to.deep.equal(t.writes);
      expect(h.errors).to.deep.equal([]);
      expect(h.recorder.events.map((e) => `${e.object} ${e.type} ${e.reason} ${e.message}`)).to.deep.equal(
        t.events ?? [],
      );
    });
  }

  it('asks the apiserver nothing while the graph shows every owner present', async () => {
    const h = harness([
      { kind: 'pvc', name: 'owner' },
      { kind: 'pod', name: 'p', owners: [ref('pvc', 'owner')] },
    ]);
    await h.settle();
    expect(h.gets()).to.deep.equal([]);
  });

  it('an owner missing from the graph is verified live before anything is deleted (it may just be unseen)', async () => {
    const h = harness([{ kind: 'pod', name: 'p', owners: [ref('pvc', 'owner')] }]);
    // The owner exists in the apiserver but the informers have not delivered it.
    const sink = h.api.sink;
    h.api.sink = undefined;
    h.api.seed(persistentVolumeClaims, objectOf({ kind: 'pvc', name: 'owner' }));
    h.api.sink = sink;
    await h.settle();
    expect(h.gets()).to.deep.equal(['pods ns1/p', 'persistentvolumeclaims ns1/owner']);
    expect(h.writes()).to.deep.equal([]);
  });

  it('the owner deleted later: its dependents go then', async () => {
    const h = harness([
      { kind: 'pvc', name: 'owner' },
      { kind: 'pod', name: 'p1', owners: [ref('pvc', 'owner')] },
      { kind: 'pod', name: 'p2', owners: [ref('pvc', 'owner')] },
    ]);
    await h.settle();
    h.api.userDelete(persistentVolumeClaims, 'ns1', 'owner');
    await h.settle();
    expect(h.writes().sort()).to.deep.equal(['delete pods ns1/p1 Background', 'delete pods ns1/p2 Background']);
    expect(h.api.peek(pods, 'ns1', 'p1')).to.equal(undefined);
  });

  it('a failing delete is retried until it succeeds', async () => {
    const h = harness([{ kind: 'pod', name: 'p', owners: [ref('pvc', 'gone')] }]);
    h.api.failNext('delete', internalError('etcd is down'));
    await h.settle();
    expect(h.errors).to.have.length(1);
    expect(h.writes()).to.deep.equal(['delete pods ns1/p Background', 'delete pods ns1/p Background']);
    expect(h.api.peek(pods, 'ns1', 'p')).to.equal(undefined);
  });

  it('client-chosen uids that are Object.prototype names are plain keys', async () => {
    const h = harness([
      { kind: 'pvc', name: 'owner' },
      { kind: 'pod', name: 'p1', owners: [ref('pvc', 'x', { uid: '__proto__' })] },
      { kind: 'pod', name: 'p2', owners: [ref('pvc', 'owner'), ref('pvc', 'y', { uid: 'constructor' })] },
    ]);
    await h.settle();
    expect(h.writes()).to.deep.equal(['delete pods ns1/p1 Background', 'patch pods ns1/p2 owners=uid-owner']);
    expect(h.graph.dependentsOf('__proto__')).to.deep.equal([]);
  });
});

describe('garbage collector: orphan and foreground deletion of an owner', () => {
  it('Orphan: the references are removed from every dependent, then the orphan finalizer', async () => {
    const h = harness([
      { kind: 'pvc', name: 'owner' },
      { kind: 'pod', name: 'p1', owners: [ref('pvc', 'owner')] },
      { kind: 'pod', name: 'p2', owners: [ref('pvc', 'owner'), ref('pv', 'vol')] },
      { kind: 'pv', name: 'vol' },
    ]);
    await h.settle();
    h.api.userDelete(persistentVolumeClaims, 'ns1', 'owner', { propagationPolicy: 'Orphan' });
    await h.settle();
    expect(h.writes()).to.deep.equal([
      'patch pods ns1/p1 owners=none',
      'patch pods ns1/p2 owners=uid-vol',
      'patch persistentvolumeclaims ns1/owner finalizers=none',
    ]);
    expect(h.api.peek(persistentVolumeClaims, 'ns1', 'owner')).to.equal(undefined);
    expect(h.api.peek(pods, 'ns1', 'p1')?.metadata.ownerReferences).to.equal(undefined);
    expect(h.api.peek(pods, 'ns1', 'p2')?.metadata.ownerReferences).to.deep.equal([ref('pv', 'vol')]);
  });

  it('Orphan: a failed patch keeps the finalizer until every dependent is released', async () => {
    const h = harness([
      { kind: 'pvc', name: 'owner' },
      { kind: 'pod', name: 'p1', owners: [ref('pvc', 'owner')] },
    ]);
    h.api.failNext('patch', internalError('boom'));
    h.api.userDelete(persistentVolumeClaims, 'ns1', 'owner', { propagationPolicy: 'Orphan' });
    await h.settle();
    expect(h.errors).to.have.length(1);
    expect(h.writes()).to.deep.equal([
      'patch pods ns1/p1 owners=none',
      'patch pods ns1/p1 owners=none',
      'patch persistentvolumeclaims ns1/owner finalizers=none',
    ]);
  });

  it('Foreground: blocking dependents are deleted, then foregroundDeletion is removed and the owner goes', async () => {
    const h = harness([
      { kind: 'pvc', name: 'owner' },
      { kind: 'pod', name: 'p1', owners: [ref('pvc', 'owner', { block: true })] },
      { kind: 'pod', name: 'p2', owners: [ref('pvc', 'owner', { block: true })] },
    ]);
    await h.settle();
    h.api.userDelete(persistentVolumeClaims, 'ns1', 'owner', { propagationPolicy: 'Foreground' });
    expect(h.api.peek(persistentVolumeClaims, 'ns1', 'owner')?.metadata.finalizers).to.deep.equal([
      GCFinalizer.DeleteDependents,
    ]);
    await h.settle();
    expect(h.writes()).to.deep.equal([
      'delete pods ns1/p1 Background',
      'delete pods ns1/p2 Background',
      'patch persistentvolumeclaims ns1/owner finalizers=none',
    ]);
    expect(h.api.peek(persistentVolumeClaims, 'ns1', 'owner')).to.equal(undefined);
  });

  it('Foreground: the owner waits while a blocking dependent is still terminating', async () => {
    const h = harness([
      { kind: 'pvc', name: 'owner' },
      { kind: 'pod', name: 'p1', owners: [ref('pvc', 'owner', { block: true })], finalizers: ['test/slow'] },
    ]);
    h.api.userDelete(persistentVolumeClaims, 'ns1', 'owner', { propagationPolicy: 'Foreground' });
    await h.settle();
    expect(h.writes()).to.deep.equal(['delete pods ns1/p1 Background']);
    expect(h.api.peek(persistentVolumeClaims, 'ns1', 'owner')?.metadata.deletionTimestamp).to.be.a('string');
    // The dependent's own finalizer goes: it is removed, and the owner follows.
    const p1 = h.api.peek(pods, 'ns1', 'p1');
    if (!p1) throw new Error('p1 vanished');
    await h.api.patchMetadata(pods, 'ns1', 'p1', {
      uid: p1.metadata.uid,
      resourceVersion: p1.metadata.resourceVersion,
      finalizers: null,
    });
    await h.settle();
    expect(h.api.peek(pods, 'ns1', 'p1')).to.equal(undefined);
    expect(h.api.peek(persistentVolumeClaims, 'ns1', 'owner')).to.equal(undefined);
  });

  it('Foreground: a non-blocking dependent does not hold the owner; it is collected all the same', async () => {
    const h = harness([
      { kind: 'pvc', name: 'owner' },
      { kind: 'pod', name: 'p1', owners: [ref('pvc', 'owner')], finalizers: ['test/slow'] },
    ]);
    h.api.userDelete(persistentVolumeClaims, 'ns1', 'owner', { propagationPolicy: 'Foreground' });
    await h.settle();
    expect(h.api.peek(persistentVolumeClaims, 'ns1', 'owner')).to.equal(undefined);
    expect(h.api.peek(pods, 'ns1', 'p1')?.metadata.deletionTimestamp).to.be.a('string');
  });

  it('Foreground reaches down: a blocking dependent with dependents of its own is deleted in the foreground', async () => {
    const h = harness([
      { kind: 'pv', name: 'root' },
      { kind: 'pvc', name: 'mid', owners: [ref('pv', 'root', { block: true })] },
      { kind: 'pod', name: 'leaf', owners: [ref('pvc', 'mid', { block: true })] },
    ]);
    h.api.userDelete(persistentVolumes, undefined, 'root', { propagationPolicy: 'Foreground' });
    await h.settle();
    expect(h.writes()).to.deep.equal([
      'delete persistentvolumeclaims ns1/mid Foreground',
      'delete pods ns1/leaf Background',
      'patch persistentvolumeclaims ns1/mid finalizers=none',
      'patch persistentvolumes root finalizers=none',
    ]);
    expect(h.api.peek(persistentVolumes, undefined, 'root')).to.equal(undefined);
  });

  it('a dependent of a waiting owner and a solid one only loses the waiting reference; the owner then goes', async () => {
    const h = harness([
      { kind: 'pvc', name: 'owner' },
      { kind: 'pv', name: 'keeper' },
      { kind: 'pod', name: 'p', owners: [ref('pvc', 'owner', { block: true }), ref('pv', 'keeper')] },
    ]);
    h.api.userDelete(persistentVolumeClaims, 'ns1', 'owner', { propagationPolicy: 'Foreground' });
    await h.settle();
    expect(h.writes()).to.deep.equal([
      'patch pods ns1/p owners=uid-keeper',
      'patch persistentvolumeclaims ns1/owner finalizers=none',
    ]);
    expect(h.api.peek(pods, 'ns1', 'p')?.metadata.ownerReferences).to.deep.equal([ref('pv', 'keeper')]);
  });

  it('a reference copied from another namespace neither blocks a foreground owner nor is orphaned', async () => {
    const h = harness([
      { kind: 'pvc', name: 'owner' },
      { kind: 'pvc', name: 'other' },
      {
        kind: 'pod',
        name: 'copier',
        ns: 'ns2',
        owners: [ref('pvc', 'owner', { block: true })],
        finalizers: ['test/slow'],
      },
      { kind: 'pod', name: 'copier2', ns: 'ns2', owners: [ref('pvc', 'other'), ref('pv', 'vol')] },
      { kind: 'pv', name: 'vol' },
    ]);
    await h.settle();
    // For their holders the references dangle: the first is deleted, the second loses it.
    expect(h.writes()).to.deep.equal(['delete pods ns2/copier Background', 'patch pods ns2/copier2 owners=uid-vol']);
    h.api.userDelete(persistentVolumeClaims, 'ns1', 'owner', { propagationPolicy: 'Foreground' });
    h.api.userDelete(persistentVolumeClaims, 'ns1', 'other', { propagationPolicy: 'Orphan' });
    await h.settle();
    expect(h.api.peek(persistentVolumeClaims, 'ns1', 'owner')).to.equal(undefined);
    expect(h.api.peek(persistentVolumeClaims, 'ns1', 'other')).to.equal(undefined);
    expect(h.api.peek(pods, 'ns2', 'copier')?.metadata.deletionTimestamp, 'still terminating').to.be.a('string');
    expect(h.writes().slice(2)).to.deep.equal([
      'patch persistentvolumeclaims ns1/owner finalizers=none',
      'patch persistentvolumeclaims ns1/other finalizers=none',
    ]);
  });

  it('a foreground owner with no dependents loses its finalizer at once', async () => {
    const h = harness([{ kind: 'pvc', name: 'owner' }]);
    h.api.userDelete(persistentVolumeClaims, 'ns1', 'owner', { propagationPolicy: 'Foreground' });
    await h.settle();
    expect(h.writes()).to.deep.equal(['patch persistentvolumeclaims ns1/owner finalizers=none']);
  });
});
