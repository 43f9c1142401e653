/**
 * The StatefulSet controller against objects users made in its way: a pod with a member's name
 * that another controller owns (not adopted; the create conflict is reported and retried, so
 * the set proceeds once it is gone), a pod whose name only looks like a member's (`web-01`: not
 * ordinal 1), replicas 0, two sets whose selectors overlap, and a set deleted with
 * --cascade=orphan then recreated (it adopts its pods and revision without restarting them).
 */
import { expect } from 'chai';
import type { ControllerRevision, StatefulSet } from '../../../../pkg/api/apps/v1';
import { isAlreadyExists } from '../../../../pkg/api/errors';
import type { Pod } from '../../../../pkg/api/core/v1';
import { storedIn } from '../../../helpers/stored';
import { StsHarness, sts } from './harness';

function userPod(name: string, o: { owner?: boolean } = {}): Pod {
  return storedIn<Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      labels: { app: 'web' },
      ...(o.owner
        ? {
            ownerReferences: [
              { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'uid-rs', controller: true },
            ],
          }
        : {}),
    },
    spec: { containers: [{ name: 'c', image: 'busybox:1' }] },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  });
}

describe('statefulset controller: hostile objects', () => {
  it('does not adopt a member-named pod another controller owns; the conflict is an error (retried) and an event', async () => {
    const h = new StsHarness({ set: sts({ replicas: 3 }), pods: [userPod('web-1', { owner: true })] });
    await h.reconcile();
    await h.ready('web-0');
    h.markWrites();
    const err = await h.reconcile().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAlreadyExists(err), `reconcile must fail (and be retried), got ${String(err)}`).to.equal(true);
    const writes = h.writes();
    expect(writes.filter((w) => w.includes('pods default/web-1') && !w.startsWith('create'))).to.deep.equal([]);
    expect(h.podNames()).to.deep.equal(['web-0', 'web-1']);
    expect(h.pods.peek('web-1')?.metadata.ownerReferences?.[0]?.uid).to.equal('uid-rs');
    expect(
      h.events().some((e) => e.startsWith('Warning FailedCreate create Pod web-1 in StatefulSet web failed')),
    ).to.equal(true);
    // Once the other controller's pod is gone, the retry makes the member.
    await h.pods.delete('web-1');
    h.syncCaches();
    await h.reconcile();
    expect(h.pods.peek('web-1')?.metadata.ownerReferences?.[0]?.uid).to.equal(h.set().metadata.uid);
  });

  it('a pod named web-01 is no member: not adopted, and web-1 is made beside it', async () => {
    const h = new StsHarness({ set: sts({ replicas: 2, policy: 'Parallel' }), pods: [userPod('web-01')] });
    await h.settle();
    expect(h.podNames()).to.deep.equal(['web-0', 'web-01', 'web-1']);
    expect(h.pods.peek('web-01')?.metadata.ownerReferences).to.equal(undefined);
    await h.updateSet((s) => {
      s.spec.replicas = 0;
    });
    await h.settle();
    expect(h.podNames()).to.deep.equal(['web-01']);
  });

  it('replicas 0 removes every pod highest first and keeps the claims', async () => {
    const h = new StsHarness({ set: sts({ replicas: 3 }) });
    await h.runReady();
    await h.updateSet((s) => {
      s.spec.replicas = 0;
    });
    h.markWrites();
    await h.settle();
    expect(h.podWrites()).to.deep.equal([
      'delete pods default/web-2',
      'delete pods default/web-1',
      'delete pods default/web-0',
    ]);
    expect(
      h.claims
        .all()
        .map((c) => c.metadata.name)
        .sort(),
    ).to.deep.equal(['data-web-0', 'data-web-1', 'data-web-2']);
    expect(h.set().status).to.include({ replicas: 0, readyReplicas: 0 });
  });

  it('two sets with overlapping selectors each keep their own pods', async () => {
    const db = sts({ replicas: 2, policy: 'Parallel' });
    db.metadata.name = 'db';
    const h = new StsHarness({ set: sts({ replicas: 2, policy: 'Parallel' }) });
    h.sets.seed(db);
    h.syncCaches();
    for (let i = 0; i < 5; i++) {
      await h.reconcile('default/web');
      await h.reconcile('default/db');
    }
    await h.ready('web-0', 'web-1', 'db-0', 'db-1');
    for (let i = 0; i < 3; i++) {
      await h.reconcile('default/web');
      await h.reconcile('default/db');
    }
    expect(h.podNames()).to.deep.equal(['db-0', 'db-1', 'web-0', 'web-1']);
    const ownerOf = (n: string) => h.pods.peek(n)?.metadata.ownerReferences?.map((r) => r.name);
    expect([ownerOf('web-0'), ownerOf('web-1'), ownerOf('db-0'), ownerOf('db-1')]).to.deep.equal([
      ['web'],
      ['web'],
      ['db'],
      ['db'],
    ]);
  });

  it('recreated before the garbage collector released its revision: the existing equal revision is used, no pod restarts', async () => {
    const h = new StsHarness({ set: sts({ replicas: 2 }) });
    await h.runReady();
    const revision = h.revisionOf('web-0');
    // The pods are released already; the revision still names the old set.
    for (const p of h.pods.all()) await h.pods.update({ ...p, metadata: { ...p.metadata, ownerReferences: [] } });
    await h.sets.delete('web', 'default');
    await h.sets.create(sts({ replicas: 2 }));
    h.syncCaches();
    h.markWrites();
    // Until the collector releases it each sync tries the name again (a 409, no new object).
    for (let i = 0; i < 5; i++) await h.reconcile();
    expect(h.set().status?.updateRevision).to.equal(revision);
    expect(h.set().status?.collisionCount ?? 0).to.equal(0);
    expect(h.revisions.all()).to.have.length(1);
    for (const r of h.revisions.all())
      await h.revisions.update({ ...r, metadata: { ...r.metadata, ownerReferences: [] } } as ControllerRevision);
    h.syncCaches();
    await h.settle();
    expect(h.writes().filter((w) => w.startsWith('delete pods'))).to.deep.equal([]);
    expect(h.revisions.all().map((r) => r.metadata.ownerReferences?.[0]?.uid)).to.deep.equal([h.set().metadata.uid]);
  });

  it('a set deleted with --cascade=orphan and recreated adopts its pods and revision, restarting none', async () => {
    const h = new StsHarness({ set: sts({ replicas: 2 }) });
    await h.runReady();
    const revision = h.revisionOf('web-0');
    // What the garbage collector leaves after an orphan delete: no references to the old set.
    for (const p of h.pods.all()) await h.pods.update({ ...p, metadata: { ...p.metadata, ownerReferences: [] } });
    for (const r of h.revisions.all())
      await h.revisions.update({ ...r, metadata: { ...r.metadata, ownerReferences: [] } } as ControllerRevision);
    await h.sets.delete('web', 'default');
    const again: StatefulSet = sts({ replicas: 2 });
    await h.sets.create(again);
    h.syncCaches();
    h.markWrites();
    await h.settle();
    const writes = h.writes();
    expect(writes.filter((w) => w.startsWith('delete') || w.startsWith('create'))).to.deep.equal([]);
    const uid = h.set().metadata.uid;
    for (const n of ['web-0', 'web-1']) {
      expect(h.pods.peek(n)?.metadata.ownerReferences?.map((r) => r.uid)).to.deep.equal([uid]);
      expect(h.revisionOf(n)).to.equal(revision);
    }
    expect(h.revisions.all().map((r) => r.metadata.ownerReferences?.[0]?.uid)).to.deep.equal([uid]);
    expect(h.set().status?.updateRevision).to.equal(revision);
  });
});
