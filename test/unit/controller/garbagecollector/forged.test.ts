/**
 * The garbage collector against owner references a client forged: a copy of a real owner's uid
 * under another kind or name, the uid of a cluster-scoped object named as a namespaced owner,
 * Object.prototype names as kind, name and uid, ten thousand references on one object, a
 * reference to itself and a cycle. Whatever they say, an object whose real owner exists is never
 * deleted nor loses its reference to that owner, nothing is left waiting on a finalizer, and the
 * collector settles.
 */
import { expect } from 'chai';
import type { OwnerReference } from '../../../../pkg/api/meta';
import { persistentVolumeClaims, pods } from '../../../../pkg/api/resources';
import { harness, ref } from './harness';

const forged = (kind: string, name: string, uid: string, apiVersion = 'v1'): OwnerReference => ({
  apiVersion,
  kind,
  name,
  uid,
});

describe('garbage collector: forged owner references', () => {
  it('a forged copy of the real owner’s uid under another name is removed; the real reference stays', async () => {
    const real = ref('pvc', 'owner');
    const h = harness([
      { kind: 'pvc', name: 'owner' },
      { kind: 'pod', name: 'p', owners: [real, forged('PersistentVolume', 'nothing', 'uid-owner')] },
    ]);
    await h.settle();
    expect(h.api.peek(pods, 'ns1', 'p')?.metadata.ownerReferences).to.deep.equal([real]);
    expect(h.errors).to.deep.equal([]);
    // The edge survived: the real owner's deletion still collects the pod.
    h.api.userDelete(persistentVolumeClaims, 'ns1', 'owner');
    await h.settle();
    expect(h.api.peek(pods, 'ns1', 'p')).to.equal(undefined);
  });

  it('a forged copy of a foreground owner’s uid does not hide its real blocking dependent', async () => {
    const real = ref('pvc', 'owner', { block: true });
    const h = harness([
      { kind: 'pvc', name: 'owner' },
      {
        kind: 'pod',
        name: 'p',
        owners: [{ ...forged('PersistentVolumeClaim', 'decoy', 'uid-owner'), blockOwnerDeletion: true }, real],
        finalizers: ['example.com/hold'],
      },
    ]);
    await h.settle();
    h.api.userDelete(persistentVolumeClaims, 'ns1', 'owner', { propagationPolicy: 'Foreground' });
    await h.settle();
    // The pod is being deleted but still there (its own finalizer): the owner must wait for it.
    expect(h.api.peek(pods, 'ns1', 'p')?.metadata.deletionTimestamp).to.be.a('string');
    expect(h.api.peek(persistentVolumeClaims, 'ns1', 'owner')?.metadata.finalizers).to.deep.equal([
      'foregroundDeletion',
    ]);
  });

  it('the uid of a cluster-scoped object named as a namespaced owner keeps nothing alive, and harms no real owner', async () => {
    const h = harness([
      { kind: 'pv', name: 'vol' },
      { kind: 'pvc', name: 'owner' },
      { kind: 'pod', name: 'kept', owners: [ref('pvc', 'owner'), forged('PersistentVolumeClaim', 'vol', 'uid-vol')] },
      { kind: 'pod', name: 'gone', owners: [forged('PersistentVolumeClaim', 'vol', 'uid-vol')] },
    ]);
    await h.settle();
    expect(h.writes()).to.have.members(['patch pods ns1/kept owners=uid-owner', 'delete pods ns1/gone Background']);
    expect(h.errors).to.deep.equal([]);
  });

  it('Object.prototype names as kind, name and uid are plain data', async () => {
    const h = harness([
      { kind: 'pvc', name: 'owner' },
      {
        kind: 'pod',
        name: 'p',
        owners: [
          ref('pvc', 'owner'),
          forged('__proto__', '__proto__', '__proto__'),
          forged('constructor', 'constructor', 'constructor', '__proto__'),
          forged('PersistentVolumeClaim', '__proto__', 'prototype'),
        ],
      },
    ]);
    await h.settle();
    expect(h.errors).to.deep.equal([]);
    expect(h.api.peek(pods, 'ns1', 'p')?.metadata.ownerReferences?.map((r) => r.uid)).to.deep.equal([
      'uid-owner',
      '__proto__',
      'constructor',
    ]);
    expect(({} as Record<string, unknown>).kind).to.equal(undefined);
  });

  it('ten thousand forged references beside a real owner: one patch, the real one kept, settled', async function () {
    this.timeout(20_000);
    const many = Array.from({ length: 10_000 }, (_, i) => forged('PersistentVolumeClaim', `f-${i}`, `uid-f-${i}`));
    const h = harness([
      { kind: 'pvc', name: 'owner' },
      { kind: 'pod', name: 'p', owners: [...many, ref('pvc', 'owner')] },
    ]);
    await h.settle(5);
    expect(h.writes()).to.deep.equal(['patch pods ns1/p owners=uid-owner']);
    expect(h.errors).to.deep.equal([]);
  });

  it('a thousand references to one name cost one GET of it per pass, not one per reference', async () => {
    const many = Array.from({ length: 1_000 }, (_, i) => forged('PersistentVolumeClaim', 'decoy', `uid-d-${i}`));
    const h = harness([
      { kind: 'pvc', name: 'owner' },
      { kind: 'pvc', name: 'decoy' },
      { kind: 'pod', name: 'p', owners: [...many, ref('pvc', 'owner')] },
    ]);
    await h.settle(5);
    expect(h.writes()).to.deep.equal(['patch pods ns1/p owners=uid-owner']);
    const gets = (key: string) => h.api.actions.filter((a) => a.verb === 'get' && a.key === key).length;
    // Each pass GETs the pod once (its live references), then each name its references point at once.
    expect(gets('pods ns1/p')).to.be.greaterThan(0);
    expect(gets('persistentvolumeclaims ns1/decoy')).to.equal(gets('pods ns1/p'));
  });

  it('a reference to itself keeps an object, but does not hold its foreground deletion forever', async () => {
    const h = harness([{ kind: 'pvc', name: 'self', owners: [ref('pvc', 'self', { block: true })] }]);
    await h.settle();
    expect(h.writes()).to.deep.equal([]);
    h.api.userDelete(persistentVolumeClaims, 'ns1', 'self', { propagationPolicy: 'Foreground' });
    await h.settle();
    expect(h.api.peek(persistentVolumeClaims, 'ns1', 'self')).to.equal(undefined);
  });

  it('a cycle A→B→A: both stay while they exist; a foreground delete of A removes both', async () => {
    const h = harness([
      { kind: 'pvc', name: 'a', owners: [ref('pvc', 'b', { block: true })] },
      { kind: 'pvc', name: 'b', owners: [ref('pvc', 'a', { block: true })] },
    ]);
    await h.settle();
    expect(h.writes()).to.deep.equal([]);
    h.api.userDelete(persistentVolumeClaims, 'ns1', 'a', { propagationPolicy: 'Foreground' });
    await h.settle();
    expect(h.api.peek(persistentVolumeClaims, 'ns1', 'a')).to.equal(undefined);
    expect(h.api.peek(persistentVolumeClaims, 'ns1', 'b')).to.equal(undefined);
    expect(h.errors).to.deep.equal([]);
  });

  it('a cycle A→B→A: an orphan delete of A leaves B, without its reference to A', async () => {
    const h = harness([
      { kind: 'pvc', name: 'a', owners: [ref('pvc', 'b')] },
      { kind: 'pvc', name: 'b', owners: [ref('pvc', 'a')] },
    ]);
    await h.settle();
    h.api.userDelete(persistentVolumeClaims, 'ns1', 'a', { propagationPolicy: 'Orphan' });
    await h.settle();
    expect(h.api.peek(persistentVolumeClaims, 'ns1', 'a')).to.equal(undefined);
    expect(h.api.peek(persistentVolumeClaims, 'ns1', 'b')?.metadata.ownerReferences).to.equal(undefined);
  });
});
