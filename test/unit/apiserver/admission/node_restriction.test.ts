/** NodeRestriction admission: a kubelet writes only its own Node, its pods' status and its Lease. */
import { expect } from 'chai';
import { StatusError } from '../../../../pkg/api/errors';
import type { KubeObject } from '../../../../pkg/api/meta';
import {
  admitNodeDelete,
  admitNodeWrite,
  isRestrictedNodeLabel,
  type NodeRestrictionWrite,
} from '../../../../pkg/apiserver/admission/node_restriction';

const nodeA = { username: 'system:node:node-a', groups: ['system:nodes', 'system:authenticated'] };
const admin = { username: 'admin', groups: ['system:masters'] };

const node = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels },
});
const pod = (name: string, nodeName?: string, annotations?: Record<string, string>): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'team', uid: `uid-${name}`, ...(annotations ? { annotations } : {}) },
    spec: { ...(nodeName ? { nodeName } : {}), containers: [] },
  }) as KubeObject;
const lease = (name: string, namespace = 'kube-node-lease'): KubeObject => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name, namespace },
});

const claim = (status: Record<string, unknown>, labels?: Record<string, string>): KubeObject =>
  ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'team', resourceVersion: '5', ...(labels ? { labels } : {}) },
    spec: { resources: { requests: { storage: '2Gi' } } },
    status,
  }) as KubeObject;
const pending = {
  phase: 'Bound',
  capacity: { storage: '1Gi' },
  allocatedResources: { storage: '2Gi' },
  allocatedResourceStatuses: { storage: 'NodeResizePending' },
  conditions: [{ type: 'FileSystemResizePending', status: 'True' }],
};

type Row = [string, Omit<NodeRestrictionWrite, 'user'> & { user?: NodeRestrictionWrite['user'] }, string | undefined];

const write = (
  resource: string,
  verb: NodeRestrictionWrite['verb'],
  obj: KubeObject,
  o: Partial<NodeRestrictionWrite> = {},
) => ({
  group: resource === 'leases' ? 'coordination.k8s.io' : '',
  resource,
  namespace: obj.metadata.namespace ?? '',
  verb,
  obj,
  ...o,
});

describe('NodeRestriction admission', () => {
  const rows: Row[] = [
    [
      'its own Node created',
      write('nodes', 'create', node('node-a', { 'kubernetes.io/hostname': 'node-a' })),
      undefined,
    ],
    [
      'another Node created',
      write('nodes', 'create', node('node-b')),
      'nodes "node-b" is forbidden: node "node-a" is not allowed to modify node "node-b"',
    ],
    [
      "another Node's status updated",
      write('nodes', 'update', node('node-b'), { subresource: 'status', old: node('node-b') }),
      'nodes/status "node-b" is forbidden: node "node-a" is not allowed to modify node "node-b"',
    ],
    [
      'its own Node status updated',
      write('nodes', 'update', node('node-a'), { subresource: 'status', old: node('node-a') }),
      undefined,
    ],
    [
      'a restricted label set on create',
      write(
        'nodes',
        'create',
        node('node-a', { 'node-restriction.kubernetes.io/trusted': 'yes', 'x.node-restriction.kubernetes.io/b': '1' }),
      ),
      'nodes "node-a" is forbidden: node "node-a" is not allowed to set the following labels: node-restriction.kubernetes.io/trusted, x.node-restriction.kubernetes.io/b',
    ],
    [
      'a restricted label changed',
      write('nodes', 'patch', node('node-a', { 'node-restriction.kubernetes.io/trusted': 'no' }), {
        old: node('node-a', { 'node-restriction.kubernetes.io/trusted': 'yes' }),
      }),
      'nodes "node-a" is forbidden: node "node-a" is not allowed to modify labels: node-restriction.kubernetes.io/trusted',
    ],
    [
      'a restricted label removed',
      write('nodes', 'update', node('node-a'), {
        old: node('node-a', { 'node-restriction.kubernetes.io/trusted': 'yes' }),
      }),
      'nodes "node-a" is forbidden: node "node-a" is not allowed to modify labels: node-restriction.kubernetes.io/trusted',
    ],
    [
      'a restricted label kept, others changed',
      write('nodes', 'update', node('node-a', { 'node-restriction.kubernetes.io/trusted': 'yes', a: '2' }), {
        old: node('node-a', { 'node-restriction.kubernetes.io/trusted': 'yes', a: '1' }),
      }),
      undefined,
    ],
    [
      'a pod created',
      write('pods', 'create', pod('p', 'node-a')),
      'pods "p" is forbidden: pod does not have "kubernetes.io/config.mirror" annotation, node "node-a" can only create mirror pods',
    ],
    [
      'a mirror pod created',
      write('pods', 'create', pod('p', 'node-a', { 'kubernetes.io/config.mirror': 'x' })),
      'pods "p" is forbidden: node "node-a" can not create pods: this cluster runs no mirror pods',
    ],
    [
      'its pod updated (not status)',
      write('pods', 'update', pod('p', 'node-a'), { old: pod('p', 'node-a') }),
      'pods "p" is forbidden: unexpected operation "UPDATE", node "node-a" can only update pod status',
    ],
    [
      'its pod status patched',
      write('pods', 'patch', pod('p', 'node-a'), { subresource: 'status', old: pod('p', 'node-a') }),
      undefined,
    ],
    [
      "another node's pod status patched",
      write('pods', 'patch', pod('p', 'node-a'), { subresource: 'status', old: pod('p', 'node-b') }),
      'pods/status "p" is forbidden: node "node-a" can only update pod status for pods with spec.nodeName set to itself',
    ],
    ['its Lease created', write('leases', 'create', lease('node-a')), undefined],
    [
      'another Lease created',
      write('leases', 'create', lease('node-b')),
      'leases.coordination.k8s.io "node-b" is forbidden: can only access node lease with the same name as the requesting node',
    ],
    [
      'its Lease name elsewhere',
      write('leases', 'update', lease('node-a', 'default'), { old: lease('node-a', 'default') }),
      'leases.coordination.k8s.io "node-a" is forbidden: can only access leases in the "kube-node-lease" system namespace',
    ],
    ['a claim written (not restricted here)', write('persistentvolumeclaims', 'update', pod('c')), undefined],
    [
      'its claim status: expansion finished (capacity, conditions, resize status)',
      write(
        'persistentvolumeclaims',
        'update',
        claim({ phase: 'Bound', capacity: { storage: '2Gi' }, allocatedResources: { storage: '2Gi' } }),
        {
          subresource: 'status',
          old: claim(pending),
        },
      ),
      undefined,
    ],
    [
      'a claim status write that changes the phase',
      write('persistentvolumeclaims', 'update', claim({ ...pending, phase: 'Lost' }), {
        subresource: 'status',
        old: claim(pending),
      }),
      'persistentvolumeclaims/status "data" is forbidden: node "node-a" is not allowed to update fields other than status.capacity and status.conditions',
    ],
    [
      'a claim status write that relabels it',
      write('persistentvolumeclaims', 'patch', claim(pending, { owned: 'me' }), {
        subresource: 'status',
        old: claim(pending),
      }),
      'persistentvolumeclaims/status "data" is forbidden: node "node-a" is not allowed to update fields other than status.capacity and status.conditions',
    ],
    ['an admin creating another Node', { ...write('nodes', 'create', node('node-b')), user: admin }, undefined],
    ['an admin creating pods', { ...write('pods', 'create', pod('p')), user: admin }, undefined],
  ];
  for (const [what, w, message] of rows) {
    it(`${message ? 'refuses' : 'admits'} ${what}`, () => {
      const run = () => admitNodeWrite({ user: nodeA, ...w });
      if (!message) return expect(run).not.to.throw();
      try {
        run();
        expect.fail('admitted');
      } catch (err) {
        expect(err).to.be.instanceOf(StatusError);
        expect((err as StatusError).code).to.equal(403);
        expect((err as StatusError).status.reason).to.equal('Forbidden');
        expect((err as StatusError).message).to.equal(message);
      }
    });
  }

  const del = (resource: string, name: string, current: KubeObject | undefined, namespace = 'team') =>
    admitNodeDelete({
      user: nodeA,
      group: resource === 'leases' ? 'coordination.k8s.io' : '',
      resource,
      namespace,
      name,
      opts: {},
      current: () => (current ? Promise.resolve(current) : Promise.reject(new Error('not read'))),
    });
  const refusal = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      return (err as StatusError).message;
    }
    return undefined;
  };

  it('pins the delete of its own pod to the uid it checked', async () => {
    expect(await del('pods', 'p', pod('p', 'node-a'))).to.deep.equal({ preconditions: { uid: 'uid-p' } });
  });

  it("refuses deletes of another node's pod, Node or Lease, and collections", async () => {
    expect(await refusal(del('pods', 'p', pod('p', 'node-b')))).to.equal(
      'pods "p" is forbidden: node "node-a" can only delete pods with spec.nodeName set to itself',
    );
    expect(await refusal(del('nodes', 'node-b', undefined, ''))).to.equal(
      'nodes "node-b" is forbidden: node "node-a" is not allowed to modify node "node-b"',
    );
    expect(await refusal(del('leases', 'node-b', undefined, 'kube-node-lease'))).to.equal(
      'leases.coordination.k8s.io "node-b" is forbidden: can only access node lease with the same name as the requesting node',
    );
    expect(await refusal(del('pods', '', undefined))).to.equal(
      'pods is forbidden: node "node-a" can not delete collections of pods',
    );
    expect(await refusal(del('nodes', 'node-a', undefined, ''))).to.equal(undefined);
    expect(await refusal(del('persistentvolumeclaims', 'c', undefined))).to.equal(undefined);
  });

  it('knows the restricted label domain', () => {
    expect(isRestrictedNodeLabel('node-restriction.kubernetes.io/a')).to.equal(true);
    expect(isRestrictedNodeLabel('team.node-restriction.kubernetes.io/a')).to.equal(true);
    expect(isRestrictedNodeLabel('evilnode-restriction.kubernetes.io/a')).to.equal(false);
    expect(isRestrictedNodeLabel('node-restriction.kubernetes.io')).to.equal(false);
  });
});
