/**
 * The namespace controller on a real apiserver + etcd: deleting a namespace removes everything
 * in it — at once what can go at once, and what is held (a pod stopping on its node, a claim
 * held by pvc-protection while that pod uses it) once it is released — reports what remains on
 * the namespace's conditions meanwhile, and then the namespace itself is gone.
 */
import { expect } from 'chai';
import type { Namespace } from '../../../pkg/api/core/v1';
import { Clientset } from '../../../pkg/client/clientset';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import {
  claim,
  type InProcessControllerManager,
  runningPod,
  startControllerManager,
  waitGone,
  waitUntil,
} from './helpers';

describe('namespace controller (in-process) on a real apiserver: deleting a namespace empties it, then removes it', function () {
  this.timeout(60_000);
  const ns = 'doomed';
  let api: TestApiServer;
  let client: Clientset;
  let cm: InProcessControllerManager;

  before(async () => {
    api = await startApiServer({ protection: true });
    client = new Clientset({ server: api.url, qps: 0 });
    cm = startControllerManager({ url: api.url, controllers: 'namespace,pvc-protection' });
  });

  after(async () => {
    await cm?.stop();
    client?.close();
    await api?.stop();
  });

  it('content goes, what is held is waited for (and reported), then the namespace is removed', async () => {
    await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await client.persistentVolumeClaims.create(claim(ns, 'data'));
    await runningPod(client, ns, 'on-node', ['data']);
    await client.pods.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'unscheduled', namespace: ns },
      spec: { containers: [{ name: 'c', image: 'busybox:latest' }] },
    });
    await client.events.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'ev', namespace: ns },
      involvedObject: { kind: 'Pod', name: 'on-node', namespace: ns },
      reason: 'Test',
      message: 'm',
      type: 'Normal',
    });
    await client.leases.create({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'lease', namespace: ns },
      spec: { holderIdentity: 'x' },
    });
    // Another namespace's content is untouched.
    await client.persistentVolumeClaims.create(claim('default', 'bystander'));

    await client.namespaces.delete(ns);

    // The pod on a node waits for its kubelet; the claim it uses waits for the pod.
    let terminating: Namespace | undefined;
    await waitUntil(
      async (note) => {
        terminating = await client.namespaces.get(ns);
        const remaining = terminating.status?.conditions?.find((c) => c.type === 'NamespaceContentRemaining');
        note(JSON.stringify(terminating.status));
        return remaining?.status === 'True' && (await client.pods.list(ns)).items.length === 1;
      },
      20_000,
      'the namespace to report remaining content',
    );
    const conditions = Object.fromEntries((terminating?.status?.conditions ?? []).map((c) => [c.type, c]));
    expect(terminating?.status?.phase).to.equal('Terminating');
    expect(conditions.NamespaceContentRemaining?.message).to.equal(
      'Some resources are remaining: persistentvolumeclaims has 1 resource instances, pods has 1 resource instances',
    );
    expect(conditions.NamespaceFinalizersRemaining).to.include({ status: 'True', reason: 'SomeFinalizersRemain' });
    expect(conditions.NamespaceFinalizersRemaining?.message).to.contain(
      'kubernetes.io/pvc-protection in 1 resource instances',
    );
    expect(conditions.NamespaceDeletionContentFailure).to.include({ status: 'False', reason: 'ContentDeleted' });
    expect((await client.pods.get('on-node', ns)).metadata.deletionTimestamp).to.be.a('string');
    expect((await client.events.list(ns)).items).to.deep.equal([]);
    expect((await client.leases.list(ns)).items).to.deep.equal([]);

    // The kubelet confirms the pod stopped: the claim is released, the namespace finalized and removed.
    await client.pods.delete('on-node', ns, { gracePeriodSeconds: 0 });
    await waitGone(() => client.namespaces.get(ns), `namespace ${ns}`);
    for (const resource of ['pods', 'persistentvolumeclaims', 'events', 'leases']) {
      expect((await api.etcd.list(`${api.prefix}/${resource}/${ns}/`)).items, resource).to.deep.equal([]);
    }
    expect((await client.persistentVolumeClaims.get('bystander', 'default')).metadata.deletionTimestamp).to.equal(
      undefined,
    );
  });

  it('a namespace created again under the same name is a new, Active one', async () => {
    const again = await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    expect(again.status?.phase).to.equal('Active');
    await client.persistentVolumeClaims.create(claim(ns, 'fresh'));
  });
});
