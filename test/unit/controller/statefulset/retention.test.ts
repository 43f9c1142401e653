/**
 * persistentVolumeClaimRetentionPolicy as owner references: whenDeleted: Delete makes the set
 * the claims' controller; whenScaled: Delete makes a condemned pod its claims' controller
 * before the pod is deleted; Retain removes those references; a claim still owned by an
 * earlier pod of the same name holds the new pod back. The controller never deletes a claim.
 */
import { expect } from 'chai';
import type { OwnerReference } from '../../../../pkg/api/meta';
import { StsHarness, sts } from './harness';

function refsOf(h: StsHarness, claim: string): Partial<OwnerReference>[] {
  return (h.claims.peek(claim)?.metadata.ownerReferences ?? []).map((r) => ({
    kind: r.kind,
    name: r.name,
    uid: r.uid,
    controller: r.controller,
    blockOwnerDeletion: r.blockOwnerDeletion,
  }));
}

describe('statefulset controller: claim retention', () => {
  it('whenDeleted: Delete gives every claim a controller reference to the set', async () => {
    const h = new StsHarness({ set: sts({ replicas: 2, retention: { whenDeleted: 'Delete', whenScaled: 'Retain' } }) });
    await h.runReady();
    const uid = h.set().metadata.uid;
    for (const c of ['data-web-0', 'data-web-1'])
      expect(refsOf(h, c)).to.deep.equal([
        { kind: 'StatefulSet', name: 'web', uid, controller: true, blockOwnerDeletion: true },
      ]);
    expect(h.tracker.actions.some((a) => a.resource === 'persistentvolumeclaims' && a.verb === 'delete')).to.equal(
      false,
    );
  });

  it('whenScaled: Delete hands a condemned ordinal’s claims to its pod before deleting it', async () => {
    const h = new StsHarness({ set: sts({ replicas: 3, retention: { whenDeleted: 'Retain', whenScaled: 'Delete' } }) });
    await h.runReady();
    expect(refsOf(h, 'data-web-2')).to.deep.equal([]);
    const podUid = h.pods.peek('web-2')?.metadata.uid;
    await h.updateSet((s) => {
      s.spec.replicas = 2;
    });
    h.markWrites();
    await h.reconcile();
    expect(h.writes().filter((w) => !w.startsWith('updateStatus'))).to.deep.equal([
      'update persistentvolumeclaims default/data-web-2',
      'delete pods default/web-2',
    ]);
    expect(refsOf(h, 'data-web-2')).to.deep.equal([
      { kind: 'Pod', name: 'web-2', uid: podUid, controller: true, blockOwnerDeletion: true },
    ]);
    expect(refsOf(h, 'data-web-1')).to.deep.equal([]);
  });

  it('Delete/Delete: the set owns claims in range, the pod owns a condemned one', async () => {
    const h = new StsHarness({ set: sts({ replicas: 2, retention: { whenDeleted: 'Delete', whenScaled: 'Delete' } }) });
    await h.runReady();
    const setUid = h.set().metadata.uid;
    expect(refsOf(h, 'data-web-1')[0]).to.include({ kind: 'StatefulSet', uid: setUid });
    await h.updateSet((s) => {
      s.spec.replicas = 1;
    });
    await h.reconcile();
    expect(refsOf(h, 'data-web-1').map((r) => r.kind)).to.deep.equal(['Pod']);
    expect(refsOf(h, 'data-web-0').map((r) => r.kind)).to.deep.equal(['StatefulSet']);
  });

  it('Retain removes the references the controller set', async () => {
    const h = new StsHarness({ set: sts({ replicas: 1, retention: { whenDeleted: 'Delete', whenScaled: 'Retain' } }) });
    await h.runReady();
    expect(refsOf(h, 'data-web-0')).to.have.length(1);
    await h.updateSet((s) => {
      s.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Retain', whenScaled: 'Retain' };
    });
    await h.settle();
    expect(refsOf(h, 'data-web-0')).to.deep.equal([]);
  });

  it('waits for a claim still owned by an earlier pod of the same name (the garbage collector’s)', async () => {
    const h = new StsHarness({ set: sts({ replicas: 2, retention: { whenDeleted: 'Retain', whenScaled: 'Delete' } }) });
    await h.runReady();
    await h.updateSet((s) => {
      s.spec.replicas = 1;
    });
    await h.settle();
    expect(h.podNames()).to.deep.equal(['web-0']);
    // Scaled up again before the garbage collector removed data-web-1: web-1 must not mount it.
    await h.updateSet((s) => {
      s.spec.replicas = 2;
    });
    h.markWrites();
    await h.settle();
    expect(h.podWrites()).to.deep.equal([]);
    // The garbage collector deletes the claim; web-1 comes back with a new one.
    h.claims.remove('data-web-1');
    h.syncCaches();
    await h.settle();
    expect(h.podWrites()).to.deep.equal([
      'create persistentvolumeclaims default/data-web-1',
      'create pods default/web-1',
    ]);
  });

  it('leaves a claim another controller owns, with a warning', async () => {
    const other = { apiVersion: 'v1', kind: 'Other', name: 'x', uid: 'uid-x', controller: true };
    const claim = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data-web-0', namespace: 'default', ownerReferences: [other] },
      spec: { resources: { requests: { storage: '1Gi' } } },
    };
    const h = new StsHarness({
      set: sts({ replicas: 1, retention: { whenDeleted: 'Delete', whenScaled: 'Retain' } }),
      claims: [claim],
    });
    await h.runReady();
    expect(h.claims.peek('data-web-0')?.metadata.ownerReferences).to.deep.equal([other]);
    expect(h.events()).to.include(
      'Warning FailedUpdate update Pod web-0 in StatefulSet web failed error: PersistentVolumeClaim data-web-0 has a conflicting OwnerReference that acts as a managing controller, the retention policy is ignored for this claim',
    );
  });
});
