/**
 * The scheduler reconciler's node choice (harness.ts): Ready and schedulable nodes only, fewest
 * pods first, pods it placed counted before the informer shows them, FailedScheduling (and a
 * timed retry) when nothing fits, pods/binding conflicts. Volume and affinity decisions are the
 * table in topology.test.ts.
 */
import { expect } from 'chai';
import { conflict } from '../../../../pkg/api/errors';
import { nodeIsReady, retryUnschedulableMs } from '../../../../pkg/controller/scheduler/scheduler';
import { node, pod, SchedulerHarness } from './harness';

describe('scheduler reconciler', () => {
  it('binds to the Ready node, skipping NotReady and unschedulable ones (Scheduled event)', async () => {
    const h = new SchedulerHarness({
      nodes: [node('down', { ready: 'False' }), node('cordoned', { unschedulable: true }), node('up')],
      pods: [pod('p')],
    });
    await h.schedule();
    expect(h.bound).to.deep.equal(['default/p→up']);
    expect(h.recorder.events.map((e) => `${e.type} ${e.reason} ${e.object} ${e.message}`)).to.deep.equal([
      'Normal Scheduled default/p Successfully assigned default/p to up',
    ]);
  });

  it('spreads pods: the node with fewest pods wins', async () => {
    const h = new SchedulerHarness({
      nodes: [node('a'), node('b')],
      pods: [pod('p'), pod('x1', { nodeName: 'a' }), pod('x2', { nodeName: 'a' }), pod('x3', { nodeName: 'b' })],
    });
    await h.schedule();
    expect(h.bound).to.deep.equal(['default/p→b']);
  });

  it('counts the pods it placed that the informer has not shown yet', async () => {
    const h = new SchedulerHarness({ nodes: [node('a'), node('b')], pods: [pod('p1'), pod('p2'), pod('p3')] });
    await h.schedule('p1');
    await h.schedule('p2');
    await h.schedule('p3');
    const nodes = h.bound.map((b) => b.split('→')[1]);
    expect(nodes.filter((n) => n === 'a')).to.have.length.within(1, 2);
    expect(nodes.filter((n) => n === 'b')).to.have.length.within(1, 2);
  });

  it('no node fits → FailedScheduling worded as Kubernetes, retried later, nothing bound', async () => {
    const h = new SchedulerHarness({
      nodes: [node('a', { ready: 'False' }), node('b', { unschedulable: true }), node('c', { ready: 'Unknown' })],
      pods: [pod('p')],
    });
    const result = await h.schedule();
    expect(h.bound).to.deep.equal([]);
    expect(result).to.deep.equal({ requeueAfter: retryUnschedulableMs });
    expect(h.recorder.events).to.have.length(1);
    expect(h.recorder.events[0]).to.include({ type: 'Warning', reason: 'FailedScheduling', object: 'default/p' });
    expect(h.failures()).to.deep.equal([
      '0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 1 node(s) were unschedulable.',
    ]);
  });

  it('no nodes at all → FailedScheduling "no nodes available to schedule pods"', async () => {
    const h = new SchedulerHarness({ nodes: [], pods: [pod('p')] });
    await h.schedule();
    expect(h.bound).to.deep.equal([]);
    expect(h.failures()).to.deep.equal(['no nodes available to schedule pods']);
  });

  it('a pod that already has a node, or is gone, is left alone', async () => {
    const on = new SchedulerHarness({ nodes: [node('a')], pods: [pod('p', { nodeName: 'a' })] });
    await on.schedule();
    expect(on.bound).to.deep.equal([]);
    const gone = new SchedulerHarness({ nodes: [node('a')], pods: [] });
    await gone.schedule();
    expect(gone.bound).to.deep.equal([]);
  });

  it('a conflict from pods/binding (someone else bound it) is not an error; other errors are', async () => {
    const h = new SchedulerHarness({ nodes: [node('a')], pods: [pod('p')] });
    h.bindError = conflict({ resource: 'pods' }, 'p', 'pod p is already assigned to node "b"');
    await h.schedule();
    h.bindError = new Error('boom');
    let thrown: unknown;
    await h.schedule().catch((e: unknown) => (thrown = e));
    expect(String(thrown)).to.match(/boom/);
    expect(h.recorder.events.map((e) => e.reason)).to.deep.equal([]);
  });

  it('nodeIsReady', () => {
    expect(nodeIsReady(node('a'))).to.equal(true);
    expect(nodeIsReady(node('a', { ready: 'False' }))).to.equal(false);
    expect(nodeIsReady(node('a', { unschedulable: true }))).to.equal(false);
    expect(nodeIsReady({ metadata: { name: 'bare' } })).to.equal(false);
  });
});
