/**
 * Revisions and updates: ControllerRevisions `<set>-<hash>` holding the template, rolling
 * updates from the highest ordinal down (one at a time, waiting for Ready, ordinals below the
 * partition kept), OnDelete (only recreated pods move), rollback to an earlier revision, the
 * history limit, and status (counts, revisions, written only when it changed).
 */
import { expect } from 'chai';
import { revisionHash } from '../../../../pkg/controller/statefulset/revisions';
import { StsHarness, sts } from './harness';

function revisionNames(h: StsHarness): string[] {
  return h.revisions
    .all()
    .sort((a, b) => a.revision - b.revision)
    .map((r) => r.metadata.name);
}

describe('statefulset controller: revisions and updates', () => {
  it('records the template in a ControllerRevision and the status', async () => {
    const h = new StsHarness({ set: sts({ replicas: 2 }) });
    await h.runReady();
    const [rev] = h.revisions.all();
    expect(h.revisions.all()).to.have.length(1);
    expect(rev?.revision).to.equal(1);
    expect(rev?.metadata.labels?.app).to.equal('web');
    const hash = rev?.metadata.labels?.['controller-revision-hash'];
    expect(rev?.metadata.name).to.equal(`web-${hash}`);
    expect(rev?.metadata.ownerReferences?.[0]).to.include({ kind: 'StatefulSet', name: 'web', controller: true });
    const data = rev?.data as { spec: { template: { spec: { containers: { image: string }[] } } } };
    expect(data.spec.template.spec.containers[0]?.image).to.equal('busybox:1');
    expect(h.revisionOf('web-0')).to.equal(rev?.metadata.name);
    expect(h.set().status).to.deep.include({
      observedGeneration: 1,
      replicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      currentReplicas: 2,
      updatedReplicas: 2,
      currentRevision: rev?.metadata.name,
      updateRevision: rev?.metadata.name,
      collisionCount: 0,
    });
    // Nothing changed: no status write.
    h.markWrites();
    await h.reconcile();
    expect(h.writes()).to.deep.equal([]);
  });

  it('counts status as pods come up', async () => {
    const h = new StsHarness({ set: sts({ replicas: 3 }) });
    await h.settle();
    expect(h.set().status).to.deep.include({ replicas: 1, readyReplicas: 0, updatedReplicas: 1 });
    await h.ready('web-0');
    await h.settle();
    expect(h.set().status).to.deep.include({ replicas: 2, readyReplicas: 1, availableReplicas: 1 });
  });

  it('rolls pods from the highest ordinal down, one at a time, keeping those below the partition', async () => {
    const h = new StsHarness({ set: sts({ replicas: 3 }) });
    await h.runReady();
    const rev1 = h.revisionOf('web-0');
    await h.updateSet((s) => {
      s.spec.template.spec.containers[0] = { name: 'c', image: 'busybox:2' };
      s.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 1 } };
    });
    h.markWrites();
    await h.reconcile();
    expect(h.podWrites()).to.deep.equal(['delete pods default/web-2']);
    const rev2 = h.set().status?.updateRevision;
    expect(rev2).to.be.a('string').and.not.equal(rev1);
    expect(h.set().status?.currentRevision).to.equal(rev1);
    expect(revisionNames(h)).to.deep.equal([rev1, rev2]);

    await h.reconcile();
    expect(h.podWrites()).to.deep.equal(['create pods default/web-2']);
    expect(h.revisionOf('web-2')).to.equal(rev2);
    expect(h.pods.peek('web-2')?.spec.containers[0]?.image).to.equal('busybox:2');
    // web-2 not Ready yet: web-1 waits.
    await h.settle();
    expect(h.podWrites()).to.deep.equal([]);
    await h.ready('web-2');
    await h.reconcile();
    expect(h.podWrites()).to.deep.equal(['delete pods default/web-1']);
    await h.reconcile();
    await h.ready('web-1');
    await h.settle();
    // web-0 is below the partition: kept at rev1.
    expect(h.revisionOf('web-0')).to.equal(rev1);
    expect(h.revisionOf('web-1')).to.equal(rev2);
    expect(h.set().status).to.deep.include({ currentRevision: rev1, updateRevision: rev2, updatedReplicas: 2 });

    // Partition 0 finishes the rollout; the update revision becomes current.
    await h.updateSet((s) => {
      s.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 0 } };
    });
    h.markWrites();
    await h.reconcile();
    expect(h.podWrites()).to.deep.equal(['delete pods default/web-0']);
    await h.reconcile();
    await h.ready('web-0');
    await h.settle();
    expect(h.set().status).to.deep.include({
      currentRevision: rev2,
      updateRevision: rev2,
      currentReplicas: 3,
      updatedReplicas: 3,
    });
  });

  it('a pod recreated below the partition keeps the current revision', async () => {
    const h = new StsHarness({ set: sts({ replicas: 2 }) });
    await h.runReady();
    const rev1 = h.revisionOf('web-0');
    await h.updateSet((s) => {
      s.spec.template.spec.containers[0] = { name: 'c', image: 'busybox:2' };
      s.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 2 } };
    });
    await h.settle();
    await h.pods.delete('web-0');
    h.syncCaches();
    await h.settle();
    expect(h.revisionOf('web-0')).to.equal(rev1);
    expect(h.pods.peek('web-0')?.spec.containers[0]?.image).to.equal('busybox:1');
  });

  it('OnDelete leaves pods alone; a deleted pod returns at the new revision', async () => {
    const h = new StsHarness({ set: sts({ replicas: 2, strategy: { type: 'OnDelete' } }) });
    await h.runReady();
    const rev1 = h.revisionOf('web-0');
    await h.updateSet((s) => {
      s.spec.template.spec.containers[0] = { name: 'c', image: 'busybox:2' };
    });
    h.markWrites();
    await h.settle();
    expect(h.podWrites()).to.deep.equal([]);
    const rev2 = h.set().status?.updateRevision;
    expect(h.set().status).to.deep.include({ currentRevision: rev1, updatedReplicas: 0, currentReplicas: 2 });
    await h.pods.delete('web-1');
    h.syncCaches();
    await h.settle();
    expect(h.revisionOf('web-1')).to.equal(rev2);
    expect(h.revisionOf('web-0')).to.equal(rev1);
  });

  it('rolls back to an earlier revision by renumbering it', async () => {
    const h = new StsHarness({ set: sts({ replicas: 1 }) });
    await h.runReady();
    const rev1 = h.revisionOf('web-0');
    await h.updateSet((s) => {
      s.spec.template.spec.containers[0] = { name: 'c', image: 'busybox:2' };
    });
    await h.runReady();
    await h.updateSet((s) => {
      s.spec.template.spec.containers[0] = {
        name: 'c',
        image: 'busybox:1',
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
      };
    });
    await h.runReady();
    expect(h.revisions.all()).to.have.length(2);
    expect(h.revisions.peek(rev1 ?? '')?.revision).to.equal(3);
    expect(h.revisionOf('web-0')).to.equal(rev1);
  });

  it('trims history to revisionHistoryLimit, never a revision in use', async () => {
    const h = new StsHarness({ set: sts({ replicas: 2, historyLimit: 0, strategy: { type: 'OnDelete' } }) });
    await h.runReady();
    const rev1 = h.revisionOf('web-0');
    for (const image of ['busybox:2', 'busybox:3']) {
      await h.updateSet((s) => {
        s.spec.template.spec.containers[0] = { name: 'c', image };
      });
      await h.settle();
    }
    // rev1: pods and currentRevision use it; rev3: the update revision; rev2: unused, deleted.
    const names = revisionNames(h);
    expect(names).to.have.length(2);
    expect(names[0]).to.equal(rev1);
    expect(names[1]).to.equal(h.set().status?.updateRevision);
  });

  it('names revisions by a hash of the template and the collision count', () => {
    const data = { spec: { template: { spec: { containers: [] } } } };
    expect(revisionHash(data, 0)).to.equal(revisionHash({ spec: { template: { spec: { containers: [] } } } }, 0));
    expect(revisionHash(data, 0)).to.not.equal(revisionHash(data, 1));
    expect(revisionHash(data, 0)).to.match(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
  });

  it('bumps the collision count when the name is taken by another revision', async () => {
    const h = new StsHarness({ set: sts({ replicas: 1 }) });
    await h.reconcile();
    const [rev] = h.revisions.all();
    if (!rev) throw new Error('no revision');
    // Someone else's revision under the name the set wants.
    h.revisions.remove(rev.metadata.name);
    h.revisions.seed({ ...rev, metadata: { name: rev.metadata.name, namespace: 'default' }, data: { other: true } });
    h.syncCaches();
    await h.settle();
    expect(h.set().status?.collisionCount).to.equal(1);
    expect(h.set().status?.updateRevision).to.not.equal(rev.metadata.name);
  });
});
