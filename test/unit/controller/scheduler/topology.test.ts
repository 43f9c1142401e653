/**
 * The scheduler's topology decisions as a table: nodes + pods + claims + PVs + classes → the
 * node chosen (and the selected-node written on WaitForFirstConsumer claims), or the exact
 * FailedScheduling message Kubernetes' scheduler would give.
 */
import { expect } from 'chai';
import { retryUnschedulableMs, retryWaitingForVolumesMs } from '../../../../pkg/controller/scheduler/scheduler';
import { claim, type Fixture, node, pinnedTo, pod, SchedulerHarness, storageClass, volume } from './harness';

const local = storageClass('local', 'kubernetes.io/no-provisioner');
const wffc = storageClass('wffc', 'kubestore.io/hostpath');
const zonedWffc = storageClass('zoned', 'kubestore.io/hostpath', {
  allowedTopologies: [{ matchLabelExpressions: [{ key: 'zone', values: ['east'] }] }],
});
const threeNodes = [node('a', { labels: { zone: 'east' } }), node('b', { labels: { zone: 'west' } }), node('c')];

interface Row {
  name: string;
  fixture: Fixture;
  /** The node pods/binding was called with; undefined: not bound. */
  bound?: string;
  /** selected-node written per claim. */
  selected?: Record<string, string>;
  /** The FailedScheduling message (none expected when absent). */
  failure?: string;
}

const rows: Row[] = [
  {
    name: 'a missing claim keeps the pod Pending',
    fixture: { nodes: threeNodes, pods: [pod('p', { claims: ['x'] })] },
    failure: '0/3 nodes are available: persistentvolumeclaim "x" not found.',
  },
  {
    name: 'a claim being deleted keeps the pod Pending',
    fixture: { nodes: threeNodes, pods: [pod('p', { claims: ['x'] })], claims: [claim('x', { deleting: true })] },
    failure: '0/3 nodes are available: persistentvolumeclaim "x" is being deleted.',
  },
  {
    name: 'a Lost claim keeps the pod Pending',
    fixture: {
      nodes: threeNodes,
      pods: [pod('p', { claims: ['x'] })],
      claims: [claim('x', { boundTo: 'gone', phase: 'Lost' })],
    },
    failure: '0/3 nodes are available: persistentvolumeclaim "x" bound to non-existent persistentvolume "gone".',
  },
  {
    name: 'an unbound Immediate claim keeps the pod Pending',
    fixture: { nodes: threeNodes, pods: [pod('p', { claims: ['x'] })], claims: [claim('x')] },
    failure: '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.',
  },
  {
    name: "a bound claim's PV pinned to b lands the pod on b (though b is the busiest)",
    fixture: {
      nodes: threeNodes,
      pods: [pod('p', { claims: ['x'] }), pod('o1', { nodeName: 'b' })],
      claims: [claim('x', { boundTo: 'pv-b' })],
      pvs: [volume('pv-b', { affinity: pinnedTo(['b']), bound: true })],
    },
    bound: 'b',
  },
  {
    name: 'claims bound to PVs pinned to two different nodes: Pending, volume node affinity conflict',
    fixture: {
      nodes: threeNodes,
      pods: [pod('p', { claims: ['x', 'y'] })],
      claims: [claim('x', { boundTo: 'pv-a' }), claim('y', { boundTo: 'pv-b' })],
      pvs: [
        volume('pv-a', { affinity: pinnedTo(['a']), bound: true }),
        volume('pv-b', { affinity: pinnedTo(['b']), bound: true }),
      ],
    },
    failure: '0/3 nodes are available: 3 node(s) had volume node affinity conflict.',
  },
  {
    name: 'a bound claim whose PV does not exist',
    fixture: { nodes: [node('a')], pods: [pod('p', { claims: ['x'] })], claims: [claim('x', { boundTo: 'nope' })] },
    failure: '0/1 nodes are available: 1 node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s).',
  },
  {
    name: 'nodeSelector honoured; other nodes counted as affinity mismatches',
    fixture: { nodes: threeNodes, pods: [pod('p', { spec: { nodeSelector: { zone: 'west' } } })] },
    bound: 'b',
  },
  {
    name: 'required node affinity honoured',
    fixture: {
      nodes: threeNodes,
      pods: [
        pod('p', {
          spec: {
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'DoesNotExist' }] }],
                },
              },
            },
          },
        }),
      ],
    },
    bound: 'c',
  },
  {
    name: 'a nodeSelector no node has',
    fixture: { nodes: threeNodes, pods: [pod('p', { spec: { nodeSelector: { gpu: 'yes' } } })] },
    failure: "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.",
  },
  {
    name: 'the first failing filter per node is counted: affinity on a, volume conflict on c',
    fixture: {
      nodes: [
        node('a', { labels: { zone: 'east' } }),
        node('b', { unschedulable: true }),
        node('c', { labels: { zone: 'west' } }),
      ],
      pods: [pod('p', { claims: ['x'], spec: { nodeSelector: { zone: 'west' } } })],
      claims: [claim('x', { boundTo: 'pv-a' })],
      pvs: [volume('pv-a', { affinity: pinnedTo(['a']), bound: true })],
    },
    failure:
      "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had volume node affinity conflict, 1 node(s) were unschedulable.",
  },
  {
    name: 'WaitForFirstConsumer + static PV pinned to b: b is selected on the claim, the pod waits for the binding',
    fixture: {
      nodes: threeNodes,
      pods: [pod('p', { claims: ['x'] })],
      claims: [claim('x', { className: 'local' })],
      pvs: [volume('pv-b', { affinity: pinnedTo(['b']) })],
      classes: [local],
    },
    selected: { x: 'b' },
  },
  {
    name: 'WaitForFirstConsumer, no-provisioner class, no PV fits anywhere',
    fixture: {
      nodes: threeNodes,
      pods: [pod('p', { claims: ['x'] })],
      claims: [claim('x', { className: 'local', size: '5Gi' })],
      pvs: [volume('small-b', { affinity: pinnedTo(['b']) })],
      classes: [local],
    },
    failure: "0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind.",
  },
  {
    name: 'two WaitForFirstConsumer claims and one PV each on a and b: no node has both',
    fixture: {
      nodes: threeNodes,
      pods: [pod('p', { claims: ['x', 'y'] })],
      claims: [claim('x', { className: 'local' }), claim('y', { className: 'local' })],
      pvs: [volume('pv-a', { affinity: pinnedTo(['a']) }), volume('pv-b', { affinity: pinnedTo(['b']) })],
      classes: [local],
    },
    failure: "0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind.",
  },
  {
    name: 'two WaitForFirstConsumer claims, two PVs on b: both claims select b',
    fixture: {
      nodes: threeNodes,
      pods: [pod('p', { claims: ['x', 'y'] })],
      claims: [claim('x', { className: 'local' }), claim('y', { className: 'local' })],
      pvs: [volume('pv-b1', { affinity: pinnedTo(['b']) }), volume('pv-b2', { affinity: pinnedTo(['b']) })],
      classes: [local],
    },
    selected: { x: 'b', y: 'b' },
  },
  {
    name: 'a bound claim on a and a WaitForFirstConsumer claim provisionable anywhere: a',
    fixture: {
      nodes: threeNodes,
      pods: [pod('p', { claims: ['x', 'y'] }), pod('o', { nodeName: 'a' })],
      claims: [claim('x', { boundTo: 'pv-a' }), claim('y', { className: 'wffc' })],
      pvs: [volume('pv-a', { affinity: pinnedTo(['a']), bound: true })],
      classes: [wffc],
    },
    selected: { y: 'a' },
  },
  {
    name: 'a provisioning class is limited by its allowedTopologies',
    fixture: {
      nodes: threeNodes,
      pods: [pod('p', { claims: ['x'] }), pod('o', { nodeName: 'a' })],
      claims: [claim('x', { className: 'zoned' })],
      classes: [zonedWffc],
    },
    selected: { x: 'a' },
  },
  {
    name: 'a bound claim on c and a class provisioning only in zone east: every node fails one or both (both counted)',
    fixture: {
      nodes: threeNodes,
      pods: [pod('p', { claims: ['x', 'y'] })],
      claims: [claim('x', { boundTo: 'pv-c' }), claim('y', { className: 'zoned' })],
      pvs: [volume('pv-c', { affinity: pinnedTo(['c']), bound: true })],
      classes: [zonedWffc],
    },
    failure:
      "0/3 nodes are available: 2 node(s) didn't find available persistent volumes to bind, 2 node(s) had volume node affinity conflict.",
  },
  {
    name: 'a claim already selected for b keeps the pod to b',
    fixture: {
      nodes: threeNodes,
      pods: [pod('p', { claims: ['x'] })],
      claims: [claim('x', { className: 'wffc', selectedNode: 'b' })],
      classes: [wffc],
    },
    selected: {},
  },
  {
    name: 'a ReadWriteOncePod claim used by a running pod',
    fixture: {
      nodes: threeNodes,
      pods: [pod('p', { claims: ['x'] }), pod('user', { nodeName: 'a', claims: ['x'], phase: 'Running' })],
      claims: [claim('x', { boundTo: 'pv-x', modes: ['ReadWriteOncePod'] })],
      pvs: [volume('pv-x', { bound: true })],
    },
    failure:
      '0/3 nodes are available: 3 node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode.',
  },
  {
    name: 'a ReadWriteOncePod claim whose last user Succeeded is free',
    fixture: {
      nodes: [node('a')],
      pods: [pod('p', { claims: ['x'] }), pod('user', { nodeName: 'a', claims: ['x'], phase: 'Succeeded' })],
      claims: [claim('x', { boundTo: 'pv-x', modes: ['ReadWriteOncePod'] })],
      pvs: [volume('pv-x', { bound: true })],
    },
    bound: 'a',
  },
];

describe('scheduler: topology decisions', () => {
  for (const row of rows)
    it(row.name, async () => {
      const h = new SchedulerHarness(row.fixture);
      const result = await h.schedule();
      expect(h.failures(), 'FailedScheduling').to.deep.equal(row.failure ? [row.failure] : []);
      expect(h.bound, 'pods/binding').to.deep.equal(row.bound ? [`default/p→${row.bound}`] : []);
      const selected = Object.fromEntries(
        [...h.written.keys()].map((k) => [k.split('/')[1], h.selected(k.split('/')[1] ?? '')]),
      );
      expect(selected, 'selected-node written').to.deep.equal(row.selected ?? {});
      if (row.selected)
        expect(result, 'waits for the binder').to.deep.equal({ requeueAfter: retryWaitingForVolumesMs });
    });

  it('a second pod sharing a ReadWriteOncePod claim is kept Pending while the first waits for its volume', async () => {
    const rwop = storageClass('rwop', 'kubestore.io/hostpath');
    const h = new SchedulerHarness({
      nodes: threeNodes,
      pods: [pod('p1', { claims: ['x'] }), pod('p2', { claims: ['x'] })],
      claims: [claim('x', { className: 'rwop', modes: ['ReadWriteOncePod'] })],
      classes: [rwop],
    });
    await h.schedule('p1');
    expect(h.selected('x')).to.be.a('string');
    await h.schedule('p2');
    expect(h.failures()).to.deep.equal([
      '0/3 nodes are available: 3 node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode.',
    ]);
  });

  it('once the binder bound the selected claim, the pod is bound to that node', async () => {
    const h = new SchedulerHarness({
      nodes: threeNodes,
      pods: [pod('p', { claims: ['x'] })],
      claims: [claim('x', { className: 'local' })],
      pvs: [volume('pv-b', { affinity: pinnedTo(['b']) })],
      classes: [local],
    });
    await h.schedule();
    expect(h.bound).to.deep.equal([]);
    // The binder binds x to pv-b (what the informers then show).
    const bound = claim('x', { className: 'local', boundTo: 'pv-b', selectedNode: 'b' });
    bound.metadata.resourceVersion = '200';
    h.claims.replace([bound], '200');
    h.volumes.replace([volume('pv-b', { affinity: pinnedTo(['b']), bound: true })], '2');
    await h.schedule();
    expect(h.bound).to.deep.equal(['default/p→b']);
  });

  it('the binder removing selected-node (node impossible) lets the scheduler choose again', async () => {
    const h = new SchedulerHarness({
      nodes: threeNodes,
      pods: [pod('p', { claims: ['x'] })],
      claims: [claim('x', { className: 'wffc', selectedNode: 'gone' })],
      classes: [wffc],
    });
    await h.schedule();
    expect(h.failures()).to.deep.equal([
      "0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind.",
    ]);
    const c = claim('x', { className: 'wffc' });
    c.metadata.resourceVersion = '200';
    h.claims.replace([c], '200');
    await h.schedule();
    expect(h.selected('x')).to.be.oneOf(['a', 'b', 'c']);
  });

  it('an empty selected-node (a user wrote "") counts as none: the scheduler writes its node over it', async () => {
    const c = claim('x', { className: 'wffc' });
    c.metadata.annotations = { 'volume.kubernetes.io/selected-node': '' };
    const h = new SchedulerHarness({
      nodes: threeNodes,
      pods: [pod('p', { claims: ['x'] })],
      claims: [c],
      classes: [wffc],
    });
    expect(await h.schedule()).to.deep.equal({ requeueAfter: retryWaitingForVolumesMs });
    expect(h.selected('x')).to.be.oneOf(['a', 'b', 'c']);
  });

  it('a claim it annotated that is then deleted is not found (its own copy does not outlive the claim)', async () => {
    const h = new SchedulerHarness({
      nodes: threeNodes,
      pods: [pod('p', { claims: ['x'] })],
      claims: [claim('x', { className: 'wffc' })],
      classes: [wffc],
    });
    await h.schedule();
    expect(h.selected('x')).to.be.oneOf(['a', 'b', 'c']);
    h.claims.replace([], '300');
    expect(await h.schedule()).to.deep.equal({ requeueAfter: retryUnschedulableMs });
    expect(h.failures()).to.deep.equal(['0/3 nodes are available: persistentvolumeclaim "x" not found.']);
  });
});
