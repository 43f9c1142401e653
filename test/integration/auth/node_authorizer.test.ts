/**
 * The Node authorizer and NodeRestriction on a real apiserver (real etcd, real TLS, client
 * certificates `system:node:<name>` in `system:nodes`): node A reads only its own pods and the
 * claims and volumes they use, lists pods only with its field selector, and writes only its own
 * Node, Lease and pods' status; it creates no pods. Objects are set up on the plain test port.
 */
import { expect } from 'chai';
import { AuthorizationMode } from '../../../pkg/apiserver/authorization/modes';
import { RestClient } from '../../../pkg/client/rest';
import { request } from '../../helpers/http';
import type { TlsIdentity } from '../../helpers/https';
import { waitFor } from '../../helpers/wait';
import { SecureTestServer } from './support';

const ns = 'team';
const pod = (name: string, nodeName: string, claim: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns },
  spec: {
    nodeName,
    containers: [{ name: 'c', image: 'busybox' }],
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName: claim } }],
  },
});
const claim = (name: string, volumeName: string) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: ns },
  spec: {
    accessModes: ['ReadWriteOnce'],
    resources: { requests: { storage: '1Gi' } },
    volumeName,
    storageClassName: '',
  },
});
const volume = (name: string, claimName: string) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name },
  spec: {
    capacity: { storage: '1Gi' },
    accessModes: ['ReadWriteOnce'],
    hostPath: { path: `/tmp/${name}` },
    storageClassName: '',
    claimRef: { namespace: ns, name: claimName },
  },
});
const lease = (name: string) => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name, namespace: 'kube-node-lease' },
  spec: { holderIdentity: name },
});

describe('Node authorizer and NodeRestriction (real etcd, real TLS)', function () {
  this.timeout(60_000);
  let s: SecureTestServer;
  let nodeA: TlsIdentity;

  before(async () => {
    s = await SecureTestServer.start({ modes: [AuthorizationMode.Node] });
    nodeA = s.user('system:node:node-a', ['system:nodes']);
    const plain = (path: string, body: unknown) =>
      request(s.api.url, 'POST', path, body).then((r) => expect(r.status, `${path} ${r.text}`).to.equal(201));
    await plain('/api/v1/namespaces', { metadata: { name: ns } });
    for (const n of ['node-a', 'node-b']) {
      await plain('/api/v1/nodes', { metadata: { name: n } });
      await plain('/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases', lease(n));
    }
    await plain(`/api/v1/namespaces/${ns}/pods`, pod('pa', 'node-a', 'claim-a'));
    await plain(`/api/v1/namespaces/${ns}/pods`, pod('pb', 'node-b', 'claim-b'));
    for (const x of ['a', 'b']) {
      await plain(`/api/v1/namespaces/${ns}/persistentvolumeclaims`, claim(`claim-${x}`, `pv-${x}`));
      await plain('/api/v1/persistentvolumes', volume(`pv-${x}`, `claim-${x}`));
    }
    // The graph follows the watch caches: wait until it has seen node A's volume.
    await waitFor(
      async () => (await s.request(nodeA, 'GET', '/api/v1/persistentvolumes/pv-a')).status === 200,
      10_000,
      'the graph to see pv-a',
    );
  });
  after(() => s.stop());

  it("reads its own pod, claim and volume and none of node B's", async () => {
    for (const p of [
      `/api/v1/namespaces/${ns}/pods/pa`,
      `/api/v1/namespaces/${ns}/persistentvolumeclaims/claim-a`,
      '/api/v1/persistentvolumes/pv-a',
    ]) {
      expect((await s.request(nodeA, 'GET', p)).status, p).to.equal(200);
    }
    const pb = await s.request(nodeA, 'GET', `/api/v1/namespaces/${ns}/pods/pb`);
    expect(pb.status).to.equal(403);
    expect(pb.body).to.include({
      reason: 'Forbidden',
      message: `pods "pb" is forbidden: User "system:node:node-a" cannot get resource "pods" in API group "" in the namespace "${ns}": no relationship found between node 'node-a' and this object`,
    });
    expect((await s.request(nodeA, 'GET', `/api/v1/namespaces/${ns}/persistentvolumeclaims/claim-b`)).status).to.equal(
      403,
    );
    const pvb = await s.request(nodeA, 'GET', '/api/v1/persistentvolumes/pv-b');
    expect(pvb.status).to.equal(403);
    expect(pvb.body).to.include({
      message: `persistentvolumes "pv-b" is forbidden: User "system:node:node-a" cannot get resource "persistentvolumes" in API group "" at the cluster scope: no relationship found between node 'node-a' and this object`,
    });
  });

  it('cannot list all pods, claims or volumes, but lists and watches its pods by field selector', async () => {
    for (const p of [
      '/api/v1/pods',
      `/api/v1/namespaces/${ns}/pods`,
      '/api/v1/persistentvolumeclaims',
      '/api/v1/persistentvolumes',
      '/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-b',
    ]) {
      expect((await s.request(nodeA, 'GET', p)).status, p).to.equal(403);
    }
    const own = await s.request<{ items: { metadata: { name: string } }[] }>(
      nodeA,
      'GET',
      '/api/v1/pods?fieldSelector=spec.nodeName%3Dnode-a',
    );
    expect(own.status).to.equal(200);
    expect(own.body.items.map((p) => p.metadata.name)).to.deep.equal(['pa']);
    const client = new RestClient({
      server: s.url,
      tls: { ca: nodeA.ca, ...(nodeA.cert && nodeA.key ? { cert: nodeA.cert, key: nodeA.key } : {}) },
    });
    try {
      const watch = await client.stream('/api/v1/pods', {
        query: { watch: 'true', fieldSelector: 'spec.nodeName=node-a' },
      });
      expect(watch.statusCode).to.equal(200);
      watch.destroy();
      const all = await client
        .stream('/api/v1/pods', { query: { watch: 'true' } })
        .catch((err: { code?: number }) => err);
      expect(all).to.include({ code: 403 });
    } finally {
      client.close();
    }
  });

  it("writes its own pod's status, not node B's, and creates no pods", async () => {
    const patch = (name: string) =>
      s.request(nodeA, 'PATCH', `/api/v1/namespaces/${ns}/pods/${name}/status`, {
        body: { status: { phase: 'Running' } },
        headers: { 'Content-Type': 'application/merge-patch+json' },
      });
    expect((await patch('pa')).status).to.equal(200);
    const other = await patch('pb');
    expect(other.status).to.equal(403);
    expect(
      (await request<{ status?: { phase?: string } }>(s.api.url, 'GET', `/api/v1/namespaces/${ns}/pods/pb`)).body.status
        ?.phase,
    ).to.not.equal('Running');
    const created = await s.request(nodeA, 'POST', `/api/v1/namespaces/${ns}/pods`, {
      body: pod('sneaky', 'node-a', 'claim-b'),
    });
    expect(created.status).to.equal(403);
    expect((await request(s.api.url, 'GET', `/api/v1/namespaces/${ns}/pods/sneaky`)).status).to.equal(404);
    expect((await s.request(nodeA, 'DELETE', `/api/v1/namespaces/${ns}/pods/pb`)).status).to.equal(403);
    expect((await request(s.api.url, 'GET', `/api/v1/namespaces/${ns}/pods/pb`)).status).to.equal(200);
  });

  it("updates its own Node and Lease, not node B's (authorizer and NodeRestriction)", async () => {
    const node = await s.request<Record<string, unknown>>(nodeA, 'GET', '/api/v1/nodes/node-a');
    expect(node.status).to.equal(200);
    expect(
      (
        await s.request(nodeA, 'PUT', '/api/v1/nodes/node-a/status', {
          body: { ...node.body, status: { phase: 'Running' } },
        })
      ).status,
    ).to.equal(200);
    expect((await s.request(nodeA, 'GET', '/api/v1/nodes/node-b')).status).to.equal(403);
    expect(
      (
        await s.request(nodeA, 'PUT', '/api/v1/nodes/node-b/status', {
          body: { metadata: { name: 'node-b' }, status: {} },
        })
      ).status,
    ).to.equal(403);
    // Create carries the name only in the body: the authorizer allows it, NodeRestriction refuses.
    const createB = await s.request(nodeA, 'POST', '/api/v1/nodes', { body: { metadata: { name: 'node-c' } } });
    expect(createB.status).to.equal(403);
    expect(createB.body).to.include({
      message: 'nodes "node-c" is forbidden: node "node-a" is not allowed to modify node "node-c"',
    });
    const labelled = await s.request(nodeA, 'PATCH', '/api/v1/nodes/node-a', {
      body: { metadata: { labels: { 'node-restriction.kubernetes.io/trusted': 'yes' } } },
      headers: { 'Content-Type': 'application/merge-patch+json' },
    });
    expect(labelled.status).to.equal(403);
    expect(labelled.body).to.include({
      message:
        'nodes "node-a" is forbidden: node "node-a" is not allowed to modify labels: node-restriction.kubernetes.io/trusted',
    });

    const leases = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases';
    const own = await s.request<Record<string, unknown>>(nodeA, 'GET', `${leases}/node-a`);
    expect(own.status).to.equal(200);
    expect((await s.request(nodeA, 'PUT', `${leases}/node-a`, { body: own.body })).status).to.equal(200);
    expect((await s.request(nodeA, 'PUT', `${leases}/node-b`, { body: lease('node-b') })).status).to.equal(403);
    const createLease = await s.request(nodeA, 'POST', leases, { body: lease('node-x') });
    expect(createLease.status).to.equal(403);
    expect(createLease.body).to.include({
      message:
        'leases.coordination.k8s.io "node-x" is forbidden: can only access node lease with the same name as the requesting node',
    });
  });

  it('creates events and asks for token and access reviews; a non-node user gets nothing from it', async () => {
    const ev = {
      metadata: { name: 'e1', namespace: ns },
      involvedObject: { kind: 'Pod', name: 'pa', namespace: ns },
      reason: 'Started',
      message: 'x',
      type: 'Normal',
    };
    expect((await s.request(nodeA, 'POST', `/api/v1/namespaces/${ns}/events`, { body: ev })).status).to.equal(201);
    const sar = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: 'system:node:node-a',
        groups: ['system:nodes'],
        resourceAttributes: { verb: 'get', resource: 'pods', namespace: ns, name: 'pa' },
      },
    };
    const review = await s.request<{ status: { allowed: boolean } }>(
      nodeA,
      'POST',
      '/apis/authorization.k8s.io/v1/subjectaccessreviews',
      { body: sar },
    );
    expect(review.status).to.equal(201);
    expect(review.body.status.allowed).to.equal(true);
    expect((await s.request(s.user('alice'), 'GET', `/api/v1/namespaces/${ns}/pods/pa`)).status).to.equal(403);
  });

  it("loses a pod's claim once the pod is gone", async () => {
    expect(
      (await request(s.api.url, 'DELETE', `/api/v1/namespaces/${ns}/pods/pa?gracePeriodSeconds=0`)).status,
    ).to.equal(200);
    await waitFor(
      async () =>
        (await s.request(nodeA, 'GET', `/api/v1/namespaces/${ns}/persistentvolumeclaims/claim-a`)).status === 403,
      10_000,
      'claim-a refused',
    );
    expect((await s.request(nodeA, 'GET', '/api/v1/persistentvolumes/pv-a')).status).to.equal(403);
  });
});
