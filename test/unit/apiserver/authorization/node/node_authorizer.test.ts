/**
 * The Node authorizer's decisions, table-driven, over a graph fed by real watch caches (memory
 * storage): what a kubelet may read and write about its own node, and NoOpinion for the rest.
 */
import { expect } from 'chai';
import type { KubeObject } from '../../../../../pkg/api/meta';
import { Decision, type Attributes } from '../../../../../pkg/apiserver/authorization/authorizer';
import { NodeGraph } from '../../../../../pkg/apiserver/authorization/node/graph';
import { NodeAuthorizer } from '../../../../../pkg/apiserver/authorization/node/node_authorizer';
import { Store } from '../../../../../pkg/apiserver/registry/store';
import { persistentVolumeStrategy } from '../../../../../pkg/apiserver/registry/strategies/persistentvolumes';
import { podStrategy } from '../../../../../pkg/apiserver/registry/strategies/pods';
import type { Strategy } from '../../../../../pkg/apiserver/registry/strategy';
import { WatchCache } from '../../../../../pkg/apiserver/watch/cache';
import { silentLogger } from '../../../../../pkg/log/logger';
import type { StorageWatchHandlers } from '../../../../../pkg/storage/interfaces';
import { MemoryStore } from '../../../../../pkg/storage/memory/store';
import { waitFor } from '../../../../helpers/wait';

/** A MemoryStore whose live watches the test can break (as a compaction would). */
class BreakableStore extends MemoryStore {
  readonly handlers: StorageWatchHandlers[] = [];

  override async watch<T extends KubeObject>(
    prefix: string,
    after: number,
    h: StorageWatchHandlers<T>,
  ): Promise<() => void> {
    this.handlers.push(h as unknown as StorageWatchHandlers);
    return super.watch(prefix, after, h);
  }
}

const pod = (ns: string, name: string, node: string | undefined, claims: string[] = []): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns },
    spec: {
      ...(node ? { nodeName: node } : {}),
      containers: [{ name: 'c', image: 'busybox' }],
      volumes: claims.map((c) => ({ name: c, persistentVolumeClaim: { claimName: c } })),
    },
  }) as KubeObject;
const pv = (name: string, claim?: { namespace: string; name: string }): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: { ...(claim ? { claimRef: claim } : {}) },
  }) as KubeObject;

const nodeUser = (n: string) => ({ username: `system:node:${n}`, groups: ['system:nodes', 'system:authenticated'] });
const alice = { username: 'alice', groups: ['system:authenticated'] };

function attrs(user: Attributes['user'], verb: string, resource: string, o: Partial<Attributes> = {}): Attributes {
  return {
    user,
    verb,
    resourceRequest: true,
    apiGroup: '',
    apiVersion: 'v1',
    resource,
    subresource: '',
    namespace: '',
    name: '',
    path: '',
    ...o,
  };
}

describe('Node authorizer', () => {
  const storage = new BreakableStore();
  const caches: WatchCache[] = [];
  const stores = new Map<string, Store>();
  for (const strategy of [podStrategy, persistentVolumeStrategy] as unknown as Strategy[]) {
    const cache = new WatchCache({ storage, prefix: `/registry/${strategy.info.resource}/`, logger: silentLogger() });
    caches.push(cache);
    stores.set(strategy.info.resource, new Store({ strategy, storage, cache, keyPrefix: '/registry' }));
  }
  const source = {
    store: (_g: string, r: string) => {
      const s = stores.get(r);
      if (!s) throw new Error(`no store ${r}`);
      return s;
    },
  };
  const put = (resource: string, o: KubeObject) =>
    storage.create(
      `/registry/${resource}/${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name ?? ''}`,
      o,
    );
  const graph = new NodeGraph(source);
  const z = new NodeAuthorizer(graph);
  const a = nodeUser('node-a');

  before(async () => {
    await put('pods', pod('team', 'pa', 'node-a', ['claim-a', 'shared']));
    await put('pods', pod('team', 'pb', 'node-b', ['claim-b', 'shared']));
    await put('pods', pod('team', 'unscheduled', undefined, ['claim-u']));
    await put('persistentvolumes', pv('pv-a', { namespace: 'team', name: 'claim-a' }));
    await put('persistentvolumes', pv('pv-b', { namespace: 'team', name: 'claim-b' }));
    await put('persistentvolumes', pv('pv-free'));
    for (const c of caches) await c.start();
  });
  after(() => {
    graph.stop();
    for (const c of caches) c.stop();
  });

  const cases: [string, Attributes, Decision, string?][] = [
    ['get of a pod bound to the node', attrs(a, 'get', 'pods', { namespace: 'team', name: 'pa' }), Decision.Allow],
    [
      'get of a pod on another node',
      attrs(a, 'get', 'pods', { namespace: 'team', name: 'pb' }),
      Decision.NoOpinion,
      "no relationship found between node 'node-a' and this object",
    ],
    [
      'get of an unscheduled pod',
      attrs(a, 'get', 'pods', { namespace: 'team', name: 'unscheduled' }),
      Decision.NoOpinion,
    ],
    [
      'list of all pods',
      attrs(a, 'list', 'pods'),
      Decision.NoOpinion,
      'can only list/watch pods with spec.nodeName field selector',
    ],
    ['list of its pods', attrs(a, 'list', 'pods', { fieldSelector: { 'spec.nodeName': 'node-a' } }), Decision.Allow],
    ['watch of its pods', attrs(a, 'watch', 'pods', { fieldSelector: { 'spec.nodeName': 'node-a' } }), Decision.Allow],
    [
      "watch of another node's pods",
      attrs(a, 'watch', 'pods', { fieldSelector: { 'spec.nodeName': 'node-b' } }),
      Decision.NoOpinion,
    ],
    ['create of a pod', attrs(a, 'create', 'pods', { namespace: 'team' }), Decision.NoOpinion],
    ['delete of its pod', attrs(a, 'delete', 'pods', { namespace: 'team', name: 'pa' }), Decision.Allow],
    ["delete of another node's pod", attrs(a, 'delete', 'pods', { namespace: 'team', name: 'pb' }), Decision.NoOpinion],
    ['update of a pod', attrs(a, 'update', 'pods', { namespace: 'team', name: 'pa' }), Decision.NoOpinion],
    [
      'patch of its pod status',
      attrs(a, 'patch', 'pods', { namespace: 'team', name: 'pa', subresource: 'status' }),
      Decision.Allow,
    ],
    [
      "update of another node's pod status",
      attrs(a, 'update', 'pods', { namespace: 'team', name: 'pb', subresource: 'status' }),
      Decision.NoOpinion,
    ],
    ['pods/log', attrs(a, 'get', 'pods', { namespace: 'team', name: 'pa', subresource: 'log' }), Decision.NoOpinion],
    [
      'get of a claim its pod uses',
      attrs(a, 'get', 'persistentvolumeclaims', { namespace: 'team', name: 'claim-a' }),
      Decision.Allow,
    ],
    [
      'get of a claim pods on two nodes use',
      attrs(a, 'get', 'persistentvolumeclaims', { namespace: 'team', name: 'shared' }),
      Decision.Allow,
    ],
    [
      "get of another node's claim",
      attrs(a, 'get', 'persistentvolumeclaims', { namespace: 'team', name: 'claim-b' }),
      Decision.NoOpinion,
      "no relationship found between node 'node-a' and this object",
    ],
    [
      'get of the claim in another namespace',
      attrs(a, 'get', 'persistentvolumeclaims', { namespace: 'other', name: 'claim-a' }),
      Decision.NoOpinion,
    ],
    [
      'list of claims',
      attrs(a, 'list', 'persistentvolumeclaims', { namespace: 'team' }),
      Decision.NoOpinion,
      'can only watch individual claims, by metadata.name',
    ],
    [
      'watch of a claim its pod uses, by metadata.name (the kubelet follows an expansion)',
      attrs(a, 'watch', 'persistentvolumeclaims', {
        namespace: 'team',
        name: 'claim-a',
        fieldSelector: { 'metadata.name': 'claim-a' },
      }),
      Decision.Allow,
    ],
    [
      'list of a claim its pod uses, by metadata.name (the watch’s first list)',
      attrs(a, 'list', 'persistentvolumeclaims', {
        namespace: 'team',
        name: 'claim-a',
        fieldSelector: { 'metadata.name': 'claim-a' },
      }),
      Decision.Allow,
    ],
    [
      "watch of another node's claim by metadata.name",
      attrs(a, 'watch', 'persistentvolumeclaims', {
        namespace: 'team',
        name: 'claim-b',
        fieldSelector: { 'metadata.name': 'claim-b' },
      }),
      Decision.NoOpinion,
    ],
    [
      'watch of claims with another field selector',
      attrs(a, 'watch', 'persistentvolumeclaims', {
        namespace: 'team',
        name: 'claim-a',
        fieldSelector: { 'metadata.name': 'claim-a', 'status.phase': 'Bound' },
      }),
      Decision.NoOpinion,
    ],
    [
      'watch of all claims in the namespace',
      attrs(a, 'watch', 'persistentvolumeclaims', { namespace: 'team' }),
      Decision.NoOpinion,
    ],
    [
      'update of its claim',
      attrs(a, 'update', 'persistentvolumeclaims', { namespace: 'team', name: 'claim-a' }),
      Decision.NoOpinion,
    ],
    [
      'get of its claim status',
      attrs(a, 'get', 'persistentvolumeclaims', { namespace: 'team', name: 'claim-a', subresource: 'status' }),
      Decision.NoOpinion,
      'can only get/update/patch this type',
    ],
    [
      'update of its claim status (the kubelet finishes an expansion)',
      attrs(a, 'update', 'persistentvolumeclaims', { namespace: 'team', name: 'claim-a', subresource: 'status' }),
      Decision.Allow,
    ],
    [
      'patch of its claim status',
      attrs(a, 'patch', 'persistentvolumeclaims', { namespace: 'team', name: 'claim-a', subresource: 'status' }),
      Decision.Allow,
    ],
    [
      "update of another node's claim status",
      attrs(a, 'update', 'persistentvolumeclaims', { namespace: 'team', name: 'claim-b', subresource: 'status' }),
      Decision.NoOpinion,
      "no relationship found between node 'node-a' and this object",
    ],
    ['get of the volume bound to its claim', attrs(a, 'get', 'persistentvolumes', { name: 'pv-a' }), Decision.Allow],
    ["get of another node's volume", attrs(a, 'get', 'persistentvolumes', { name: 'pv-b' }), Decision.NoOpinion],
    ['get of an unbound volume', attrs(a, 'get', 'persistentvolumes', { name: 'pv-free' }), Decision.NoOpinion],
    ['list of volumes', attrs(a, 'list', 'persistentvolumes'), Decision.NoOpinion],
    ['get of its Node', attrs(a, 'get', 'nodes', { name: 'node-a' }), Decision.Allow],
    ['watch of its Node (metadata.name selector)', attrs(a, 'watch', 'nodes', { name: 'node-a' }), Decision.Allow],
    [
      'list of all nodes',
      attrs(a, 'list', 'nodes'),
      Decision.NoOpinion,
      "node 'node-a' cannot read all nodes, only its own Node object",
    ],
    ['get of another Node', attrs(a, 'get', 'nodes', { name: 'node-b' }), Decision.NoOpinion],
    [
      "get of another node's kubelet stats (nodes/stats: another kubelet's /stats/summary)",
      attrs(a, 'get', 'nodes', { name: 'node-b', subresource: 'stats' }),
      Decision.NoOpinion,
      'cannot access subresource stats of nodes',
    ],
    [
      "get of another node's kubelet metrics (nodes/metrics)",
      attrs(a, 'get', 'nodes', { name: 'node-b', subresource: 'metrics' }),
      Decision.NoOpinion,
    ],
    ['create of a Node (name checked by NodeRestriction)', attrs(a, 'create', 'nodes'), Decision.Allow],
    [
      'update of its Node status',
      attrs(a, 'update', 'nodes', { name: 'node-a', subresource: 'status' }),
      Decision.Allow,
    ],
    [
      "patch of another Node's status",
      attrs(a, 'patch', 'nodes', { name: 'node-b', subresource: 'status' }),
      Decision.NoOpinion,
    ],
    ['delete of its Node', attrs(a, 'delete', 'nodes', { name: 'node-a' }), Decision.NoOpinion],
    ['nodes/proxy', attrs(a, 'get', 'nodes', { name: 'node-a', subresource: 'proxy' }), Decision.NoOpinion],
    [
      'update of its Lease',
      attrs(a, 'update', 'leases', { apiGroup: 'coordination.k8s.io', namespace: 'kube-node-lease', name: 'node-a' }),
      Decision.Allow,
    ],
    [
      'create of a Lease',
      attrs(a, 'create', 'leases', { apiGroup: 'coordination.k8s.io', namespace: 'kube-node-lease' }),
      Decision.Allow,
    ],
    [
      "get of another node's Lease",
      attrs(a, 'get', 'leases', { apiGroup: 'coordination.k8s.io', namespace: 'kube-node-lease', name: 'node-b' }),
      Decision.NoOpinion,
    ],
    [
      'a Lease elsewhere',
      attrs(a, 'get', 'leases', { apiGroup: 'coordination.k8s.io', namespace: 'kube-system', name: 'node-a' }),
      Decision.NoOpinion,
    ],
    [
      'list of Leases',
      attrs(a, 'list', 'leases', { apiGroup: 'coordination.k8s.io', namespace: 'kube-node-lease' }),
      Decision.NoOpinion,
    ],
    ['create of an event', attrs(a, 'create', 'events', { namespace: 'team' }), Decision.Allow],
    [
      'patch of an event (events.k8s.io)',
      attrs(a, 'patch', 'events', { apiGroup: 'events.k8s.io', namespace: 'team', name: 'e' }),
      Decision.Allow,
    ],
    ['delete of an event', attrs(a, 'delete', 'events', { namespace: 'team', name: 'e' }), Decision.NoOpinion],
    [
      'create of a TokenReview',
      attrs(a, 'create', 'tokenreviews', { apiGroup: 'authentication.k8s.io' }),
      Decision.Allow,
    ],
    [
      'create of a SubjectAccessReview',
      attrs(a, 'create', 'subjectaccessreviews', { apiGroup: 'authorization.k8s.io' }),
      Decision.Allow,
    ],
    [
      'get of a StorageClass',
      attrs(a, 'get', 'storageclasses', { apiGroup: 'storage.k8s.io', name: 'fast' }),
      Decision.NoOpinion,
    ],
    ['a non-resource path', { ...attrs(a, 'get', ''), resourceRequest: false, path: '/healthz' }, Decision.NoOpinion],
    [
      'a user who is not a node',
      attrs(alice, 'get', 'pods', { namespace: 'team', name: 'pa' }),
      Decision.NoOpinion,
      '',
    ],
    [
      'a node name without the system:nodes group',
      attrs({ username: 'system:node:node-a', groups: [] }, 'get', 'pods', { namespace: 'team', name: 'pa' }),
      Decision.NoOpinion,
      '',
    ],
  ];
  for (const [what, at, decision, reason] of cases) {
    it(`${decision === Decision.Allow ? 'allows' : 'has no opinion on'} ${what}`, async () => {
      // The graph's feed starts on the first question: wait for the seeded state.
      await waitFor(
        () => z.authorize(attrs(a, 'get', 'pods', { namespace: 'team', name: 'pa' })).decision === Decision.Allow,
        2000,
        'the graph to seed',
      );
      const r = z.authorize(at);
      expect(r.decision).to.equal(decision);
      if (reason !== undefined) expect(r.reason).to.equal(reason);
    });
  }

  it('follows pods and volumes as they change', async () => {
    const claimC = attrs(a, 'get', 'persistentvolumeclaims', { namespace: 'team', name: 'claim-c' });
    const pvC = attrs(a, 'get', 'persistentvolumes', { name: 'pv-c' });
    expect(z.authorize(claimC).decision).to.equal(Decision.NoOpinion);
    await put('pods', pod('team', 'pc', 'node-a', ['claim-c']));
    await waitFor(() => z.authorize(claimC).decision === Decision.Allow, 2000, 'claim-c allowed');
    expect(z.authorize(pvC).decision).to.equal(Decision.NoOpinion);
    await put('persistentvolumes', pv('pv-c', { namespace: 'team', name: 'claim-c' }));
    await waitFor(() => z.authorize(pvC).decision === Decision.Allow, 2000, 'pv-c allowed');
    await storage.delete('/registry/pods/team/pc');
    await waitFor(
      () => z.authorize(claimC).decision === Decision.NoOpinion,
      2000,
      'claim-c refused after the pod went',
    );
    expect(z.authorize(pvC).decision).to.equal(Decision.NoOpinion);
    // The shared claim stays readable by node-a while its own pod uses it, whatever node-b does.
    await storage.delete('/registry/pods/team/pb');
    const shared = attrs(a, 'get', 'persistentvolumeclaims', { namespace: 'team', name: 'shared' });
    await waitFor(
      () =>
        z.authorize(attrs(nodeUser('node-b'), 'get', 'persistentvolumeclaims', { namespace: 'team', name: 'shared' }))
          .decision === Decision.NoOpinion,
      2000,
      'node-b loses the shared claim',
    );
    expect(z.authorize(shared).decision).to.equal(Decision.Allow);
  });

  it('re-seeds from the cache after the cache resets (a broken store watch)', async () => {
    const pd = attrs(a, 'get', 'pods', { namespace: 'team', name: 'pd' });
    for (const h of storage.handlers.splice(0)) h.onError(new Error('compacted'));
    await put('pods', pod('team', 'pd', 'node-a'));
    await waitFor(() => z.authorize(pd).decision === Decision.Allow, 5000, 'pd allowed after the reset');
    await storage.delete('/registry/pods/team/pd');
    await waitFor(
      () => z.authorize(pd).decision === Decision.NoOpinion,
      2000,
      'pd refused after its delete (the new watch runs)',
    );
  });

  it("cannot list a node's rules (incomplete) and lists nothing for other users", () => {
    expect(z.rulesFor(a)).to.include({ incomplete: true });
    expect(z.rulesFor(alice)).to.deep.equal({ resourceRules: [], nonResourceRules: [], incomplete: false });
  });
});
