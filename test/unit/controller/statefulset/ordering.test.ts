/**
 * The StatefulSet controller's pod and claim lifecycle against a fake API: OrderedReady creates
 * claims then pods in ordinal order, each after the one below is Ready; scale-down deletes the
 * highest first, one at a time; Parallel does everything at once; deleted and failed pods come
 * back with the same name and claim; a lagging cache never makes a pod twice.
 */
import { expect } from 'chai';
import type { Pod } from '../../../../pkg/api/core/v1';
import { isAlreadyExists } from '../../../../pkg/api/errors';
import { storedIn } from '../../../helpers/stored';
import { StsHarness, sts } from './harness';

describe('statefulset controller: ordering', () => {
  it('creates claim then pod, one ordinal at a time, each after the previous is Ready', async () => {
    const h = new StsHarness({ set: sts({ replicas: 3 }) });
    h.markWrites();
    await h.reconcile();
    expect(h.podWrites()).to.deep.equal([
      'create persistentvolumeclaims default/data-web-0',
      'create pods default/web-0',
    ]);
    // web-0 is Pending: nothing more happens however often the set is synced.
    await h.settle();
    expect(h.podWrites()).to.deep.equal([]);
    expect(h.podNames()).to.deep.equal(['web-0']);

    await h.ready('web-0');
    await h.settle();
    expect(h.podWrites()).to.deep.equal([
      'create persistentvolumeclaims default/data-web-1',
      'create pods default/web-1',
    ]);
    await h.ready('web-1');
    await h.settle();
    expect(h.podNames()).to.deep.equal(['web-0', 'web-1', 'web-2']);

    const pod = h.pods.peek('web-1');
    expect(pod?.metadata.labels).to.include({
      app: 'web',
      'statefulset.kubernetes.io/pod-name': 'web-1',
      'apps.kubernetes.io/pod-index': '1',
    });
    expect(pod?.metadata.labels?.['controller-revision-hash']).to.match(/^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(pod?.metadata.ownerReferences).to.deep.equal([
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        name: 'web',
        uid: h.set().metadata.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(pod?.spec.volumes).to.deep.equal([{ name: 'data', persistentVolumeClaim: { claimName: 'data-web-1' } }]);
    expect(pod?.spec.hostname).to.equal('web-1');
    expect(pod?.spec.subdomain).to.equal('web');

    const claim = h.claims.peek('data-web-1');
    expect(claim?.metadata.labels).to.deep.equal({ tier: 'storage', app: 'web' });
    expect(claim?.spec.storageClassName).to.equal('hostPath');
    expect(claim?.spec.resources?.requests?.storage).to.equal('1Gi');
    expect(claim?.metadata.ownerReferences).to.equal(undefined);

    expect(h.events()).to.include.members([
      'Normal SuccessfulCreate create Claim data-web-0 Pod web-0 in StatefulSet web success',
      'Normal SuccessfulCreate create Pod web-0 in StatefulSet web successful',
      'Normal SuccessfulCreate create Pod web-2 in StatefulSet web successful',
    ]);
  });

  it('honours ordinals.start', async () => {
    const h = new StsHarness({ set: sts({ replicas: 2, start: 5 }) });
    await h.runReady();
    expect(h.podNames()).to.deep.equal(['web-5', 'web-6']);
    expect(h.claims.all().map((c) => c.metadata.name)).to.have.members(['data-web-5', 'data-web-6']);
  });

  it('scales down from the highest ordinal, one at a time, each after the one above is gone', async () => {
    const h = new StsHarness({ set: sts({ replicas: 4 }) });
    await h.runReady();
    await h.updateSet((s) => {
      s.spec.replicas = 1;
    });
    h.markWrites();
    await h.reconcile();
    expect(h.podWrites()).to.deep.equal(['delete pods default/web-3']);
    await h.reconcile();
    expect(h.podWrites()).to.deep.equal(['delete pods default/web-2']);
    await h.settle();
    expect(h.podNames()).to.deep.equal(['web-0']);
    // Claims stay (Retain).
    expect(h.claims.all()).to.have.length(4);
    expect(h.events()).to.include('Normal SuccessfulDelete delete Pod web-3 in StatefulSet web successful');
  });

  it('waits for a terminating pod before deleting the next', async () => {
    const h = new StsHarness({ set: sts({ replicas: 3 }) });
    await h.runReady();
    // web-2 has a finalizer: delete only marks it.
    const p = h.pods.peek('web-2');
    if (!p) throw new Error('no web-2');
    await h.pods.update({ ...p, metadata: { ...p.metadata, finalizers: ['test/hold'] } });
    await h.updateSet((s) => {
      s.spec.replicas = 1;
    });
    h.markWrites();
    await h.settle();
    expect(h.podWrites()).to.deep.equal(['delete pods default/web-2']);
    expect(h.pods.peek('web-2')?.metadata.deletionTimestamp).to.be.a('string');
    expect(h.podNames()).to.deep.equal(['web-0', 'web-1', 'web-2']);
  });

  it('does not scale down while a lower pod is unhealthy', async () => {
    const h = new StsHarness({ set: sts({ replicas: 3 }) });
    await h.runReady();
    await h.phase('web-0', 'Running'); // no longer Ready
    await h.updateSet((s) => {
      s.spec.replicas = 1;
    });
    h.markWrites();
    await h.settle();
    expect(h.podWrites()).to.deep.equal([]);
  });

  it('Parallel creates and deletes every pod at once', async () => {
    const h = new StsHarness({ set: sts({ replicas: 3, policy: 'Parallel' }) });
    h.markWrites();
    await h.reconcile();
    expect(h.podWrites()).to.have.members([
      'create persistentvolumeclaims default/data-web-0',
      'create pods default/web-0',
      'create persistentvolumeclaims default/data-web-1',
      'create pods default/web-1',
      'create persistentvolumeclaims default/data-web-2',
      'create pods default/web-2',
    ]);
    await h.updateSet((s) => {
      s.spec.replicas = 0;
    });
    await h.reconcile();
    expect(h.podWrites()).to.have.members([
      'delete pods default/web-0',
      'delete pods default/web-1',
      'delete pods default/web-2',
    ]);
  });

  it('recreates a deleted pod with the same name and its existing claim', async () => {
    const h = new StsHarness({ set: sts({ replicas: 3 }) });
    await h.runReady();
    const claimUid = h.claims.peek('data-web-1')?.metadata.uid;
    await h.pods.delete('web-1');
    h.syncCaches();
    h.markWrites();
    await h.reconcile();
    expect(h.podWrites()).to.deep.equal(['create pods default/web-1']);
    expect(h.claims.peek('data-web-1')?.metadata.uid).to.equal(claimUid);
    expect(h.pods.peek('web-1')?.spec.volumes?.[0]?.persistentVolumeClaim?.claimName).to.equal('data-web-1');
  });

  it('deletes a Failed pod and recreates it once it is gone', async () => {
    const h = new StsHarness({ set: sts({ replicas: 2 }) });
    await h.runReady();
    await h.phase('web-0', 'Failed');
    const oldUid = h.pods.peek('web-0')?.metadata.uid;
    h.markWrites();
    await h.reconcile();
    expect(h.podWrites()).to.deep.equal(['delete pods default/web-0']);
    expect(h.events()).to.include('Warning RecreatingFailedPod StatefulSet default/web is recreating failed Pod web-0');
    await h.reconcile();
    expect(h.podWrites()).to.deep.equal(['create pods default/web-0']);
    expect(h.pods.peek('web-0')?.metadata.uid).to.not.equal(oldUid);
  });

  it('deletes a Succeeded pod too', async () => {
    const h = new StsHarness({ set: sts({ replicas: 1 }) });
    await h.runReady();
    await h.phase('web-0', 'Succeeded');
    h.markWrites();
    await h.reconcile();
    expect(h.podWrites()).to.deep.equal(['delete pods default/web-0']);
    expect(h.events()).to.include(
      'Normal RecreatingTerminatedPod StatefulSet default/web is recreating terminated Pod web-0',
    );
  });

  it('does not create a pod twice while the cache has not seen it (expectations)', async () => {
    const h = new StsHarness({ set: sts({ replicas: 2, policy: 'Parallel' }) });
    h.lag = true;
    h.markWrites();
    await h.reconcile();
    const r = await h.reconcile();
    expect(h.podWrites()).to.deep.equal([
      'create persistentvolumeclaims default/data-web-0',
      'create pods default/web-0',
      'create persistentvolumeclaims default/data-web-1',
      'create pods default/web-1',
    ]);
    expect(r).to.have.property('requeueAfter').that.is.above(0);
    h.syncCaches();
    h.lag = false;
    await h.settle();
    expect(h.podWrites()).to.deep.equal([]);
  });

  it('recreates a missing claim of a Pending pod', async () => {
    const h = new StsHarness({ set: sts({ replicas: 1 }) });
    await h.settle();
    h.claims.remove('data-web-0');
    h.syncCaches();
    h.markWrites();
    await h.reconcile();
    expect(h.podWrites()).to.deep.equal(['create persistentvolumeclaims default/data-web-0']);
  });

  it('does nothing for a set being deleted', async () => {
    const set = sts({ replicas: 2 });
    set.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
    set.metadata.finalizers = ['foregroundDeletion'];
    const h = new StsHarness({ set });
    h.markWrites();
    await h.settle();
    expect(h.podWrites()).to.deep.equal([]);
  });

  it('adopts a matching orphan and releases an owned pod that no longer matches', async () => {
    const orphan: Pod = storedIn<Pod>({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-0', namespace: 'default', labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', image: 'busybox:1' }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    });
    // OnDelete: a RollingUpdate would replace the adopted pod (it has no revision label).
    const h = new StsHarness({ set: sts({ replicas: 1, strategy: { type: 'OnDelete' } }), pods: [orphan] });
    await h.reconcile();
    expect(h.pods.peek('web-0')?.metadata.labels?.['statefulset.kubernetes.io/pod-name']).to.equal('web-0');
    expect(h.pods.peek('web-0')?.metadata.ownerReferences?.[0]).to.include({
      kind: 'StatefulSet',
      name: 'web',
      uid: h.set().metadata.uid,
      controller: true,
    });
    // Relabelled out of the selector: released, and a new web-0 cannot be made while it exists.
    const p = h.pods.peek('web-0');
    if (!p) throw new Error('no web-0');
    await h.pods.update({ ...p, metadata: { ...p.metadata, labels: { app: 'other' } } });
    h.syncCaches();
    const err = await h.reconcile().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAlreadyExists(err), 'the create conflict is an error, retried').to.equal(true);
    expect(h.pods.peek('web-0')?.metadata.ownerReferences).to.equal(undefined);
  });
});
