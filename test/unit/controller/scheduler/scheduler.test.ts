/**
 * The scheduler reconciler with IndexedCache listers, a recording bind function and a
 * FakeRecorder: Ready and schedulable nodes only, PV node affinity honoured, fewest pods first,
 * FailedScheduling (and a timed retry) when nothing fits.
 */
import { expect } from 'chai';
import type {
  Node,
  NodeSelectorRequirement,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  VolumeNodeAffinity,
} from '../../../../pkg/api/core/v1';
import { conflict } from '../../../../pkg/api/errors';
import { FakeRecorder } from '../../../../pkg/client/record/recorder';
import { nodeMatchesAffinity } from '../../../../pkg/api/node_affinity';
import {
  nodeIsReady,
  PodByNodeIndex,
  retryUnschedulableMs,
  SchedulerReconciler,
} from '../../../../pkg/controller/scheduler/scheduler';
import { IndexedCache } from '../../../../pkg/informer/indexer';
import type { Stored } from '../../../../pkg/api/stored';
import { stored, storedIn } from '../../../helpers/stored';

type SPod = Stored<Pod, 'Namespaced'>;
type SNode = Stored<Node, 'Cluster'>;
type SClaim = Stored<PersistentVolumeClaim, 'Namespaced'>;
type SVolume = Stored<PersistentVolume, 'Cluster'>;

function node(
  name: string,
  o: { ready?: boolean; unschedulable?: boolean; labels?: Record<string, string> } = {},
): SNode {
  return stored({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, ...(o.labels ? { labels: o.labels } : {}) },
    spec: { unschedulable: o.unschedulable ?? false },
    status: { conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  });
}

function pod(name: string, o: { nodeName?: string; claims?: string[] } = {}): SPod {
  return storedIn<Pod>({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      containers: [{ name: 'c', image: 'busybox' }],
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      volumes: (o.claims ?? []).map((c) => ({ name: c, persistentVolumeClaim: { claimName: c } })),
    },
  });
}

const inZone = (...zones: string[]): VolumeNodeAffinity => ({
  required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: zones }] }] },
});

interface Fixture {
  nodes: SNode[];
  pods: SPod[];
  claims?: SClaim[];
  pvs?: SVolume[];
}

async function schedule(
  f: Fixture,
  key = 'default/p',
): Promise<{ bound: string[]; recorder: FakeRecorder; result: unknown }> {
  const pods = new IndexedCache<SPod>({ [PodByNodeIndex]: (p) => (p.spec.nodeName ? [p.spec.nodeName] : []) });
  pods.replace(f.pods, '1');
  const nodes = new IndexedCache<SNode>();
  nodes.replace(f.nodes, '1');
  const claims = new IndexedCache<SClaim>();
  claims.replace(f.claims ?? [], '1');
  const volumes = new IndexedCache<SVolume>();
  volumes.replace(f.pvs ?? [], '1');
  const bound: string[] = [];
  const recorder = new FakeRecorder();
  const r = new SchedulerReconciler({
    pods,
    nodes,
    claims,
    volumes,
    recorder,
    bind: async (ns, name, nodeName) => void bound.push(`${ns}/${name}→${nodeName}`),
  });
  const result = await r.reconcile(key);
  return { bound, recorder, result };
}

function boundClaim(name: string, volume: string): SClaim {
  return storedIn<PersistentVolumeClaim>({
    metadata: { name, namespace: 'default' },
    spec: { volumeName: volume },
    status: { phase: 'Bound' },
  });
}

function volumeWith(name: string, affinity: VolumeNodeAffinity): SVolume {
  return stored<PersistentVolume>({
    metadata: { name },
    spec: { hostPath: { path: `/v/${name}` }, nodeAffinity: affinity },
  });
}

describe('scheduler reconciler', () => {
  it('binds to the Ready node, skipping NotReady and unschedulable ones (Scheduled event)', async () => {
    const { bound, recorder } = await schedule({
      nodes: [node('down', { ready: false }), node('cordoned', { unschedulable: true }), node('up')],
      pods: [pod('p')],
    });
    expect(bound).to.deep.equal(['default/p→up']);
    expect(recorder.events.map((e) => `${e.type} ${e.reason} ${e.object}`)).to.deep.equal([
      'Normal Scheduled default/p',
    ]);
  });

  it('spreads pods: the node with fewest pods wins', async () => {
    const { bound } = await schedule({
      nodes: [node('a'), node('b')],
      pods: [pod('p'), pod('x1', { nodeName: 'a' }), pod('x2', { nodeName: 'a' }), pod('x3', { nodeName: 'b' })],
    });
    expect(bound).to.deep.equal(['default/p→b']);
  });

  it("honours the node affinity of the PVs the pod's claims are bound to", async () => {
    const { bound } = await schedule({
      nodes: [node('a', { labels: { zone: 'east' } }), node('b', { labels: { zone: 'west' } })],
      pods: [pod('p', { claims: ['data'] }), pod('x', { nodeName: 'b' }), pod('y', { nodeName: 'b' })],
      claims: [boundClaim('data', 'west-pv')],
      pvs: [volumeWith('west-pv', inZone('west'))],
    });
    expect(bound).to.deep.equal(['default/p→b']);
  });

  it('no fitting node → FailedScheduling naming why, retried later, nothing bound', async () => {
    const { bound, recorder, result } = await schedule({
      nodes: [node('a', { labels: { zone: 'east' } }), node('down', { ready: false, labels: { zone: 'west' } })],
      pods: [pod('p', { claims: ['data'] })],
      claims: [boundClaim('data', 'west-pv')],
      pvs: [volumeWith('west-pv', inZone('west'))],
    });
    expect(bound).to.deep.equal([]);
    expect(result).to.deep.equal({ requeueAfter: retryUnschedulableMs });
    expect(recorder.events).to.have.length(1);
    expect(recorder.events[0]).to.include({ type: 'Warning', reason: 'FailedScheduling', object: 'default/p' });
    expect(recorder.events[0]?.message).to.equal(
      '0/2 nodes are available: 1 node(s) were not ready or unschedulable, 1 node(s) had volume node affinity conflict.',
    );
  });

  it('no nodes at all → FailedScheduling', async () => {
    const { bound, recorder } = await schedule({ nodes: [], pods: [pod('p')] });
    expect(bound).to.deep.equal([]);
    expect(recorder.events.map((e) => e.reason)).to.deep.equal(['FailedScheduling']);
  });

  it('a pod that already has a node, or is gone, is left alone', async () => {
    expect((await schedule({ nodes: [node('a')], pods: [pod('p', { nodeName: 'a' })] })).bound).to.deep.equal([]);
    expect((await schedule({ nodes: [node('a')], pods: [] })).bound).to.deep.equal([]);
  });

  it('a conflict from pods/binding (someone else bound it) is not an error; other errors are', async () => {
    const mk = (err: Error) =>
      new SchedulerReconciler({
        pods: (() => {
          const c = new IndexedCache<SPod>({ [PodByNodeIndex]: (p) => (p.spec.nodeName ? [p.spec.nodeName] : []) });
          c.replace([pod('p')], '1');
          return c;
        })(),
        nodes: { list: () => [node('a')] },
        claims: new IndexedCache<SClaim>(),
        volumes: new IndexedCache<SVolume>(),
        recorder: new FakeRecorder(),
        bind: () => Promise.reject(err),
      });
    await mk(conflict({ resource: 'pods' }, 'p', 'pod p is already assigned to node "b"')).reconcile('default/p');
    let thrown: unknown;
    await mk(new Error('boom'))
      .reconcile('default/p')
      .catch((e: unknown) => (thrown = e));
    expect(String(thrown)).to.match(/boom/);
  });

  it('nodeIsReady', () => {
    expect(nodeIsReady(node('a'))).to.equal(true);
    expect(nodeIsReady(node('a', { ready: false }))).to.equal(false);
    expect(nodeIsReady(node('a', { unschedulable: true }))).to.equal(false);
    expect(nodeIsReady({ metadata: { name: 'bare' } })).to.equal(false);
  });
});

describe('scheduler: nodeMatchesAffinity', () => {
  const n = node('n1', { labels: { zone: 'east', disks: '4' } });
  const term = (...r: NodeSelectorRequirement[]): VolumeNodeAffinity => ({
    required: { nodeSelectorTerms: [{ matchExpressions: r }] },
  });
  const cases: [string, VolumeNodeAffinity | undefined, boolean][] = [
    ['no affinity', undefined, true],
    ['empty terms', { required: { nodeSelectorTerms: [] } }, true],
    ['In (match)', term({ key: 'zone', operator: 'In', values: ['east', 'x'] }), true],
    ['In (no match)', term({ key: 'zone', operator: 'In', values: ['west'] }), false],
    ['NotIn', term({ key: 'zone', operator: 'NotIn', values: ['west'] }), true],
    ['NotIn (match excluded)', term({ key: 'zone', operator: 'NotIn', values: ['east'] }), false],
    ['Exists', term({ key: 'disks', operator: 'Exists' }), true],
    ['DoesNotExist', term({ key: 'disks', operator: 'DoesNotExist' }), false],
    ['Gt', term({ key: 'disks', operator: 'Gt', values: ['3'] }), true],
    ['Lt', term({ key: 'disks', operator: 'Lt', values: ['3'] }), false],
    [
      'all requirements of a term must hold',
      term({ key: 'zone', operator: 'In', values: ['east'] }, { key: 'disks', operator: 'Gt', values: ['9'] }),
      false,
    ],
    [
      'any term may hold',
      {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'zone', operator: 'In', values: ['west'] }] },
            { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] },
          ],
        },
      },
      true,
    ],
    // Keys the node does not have as own labels are absent, whatever Object.prototype holds.
    ['Exists on "constructor" (not a label of the node)', term({ key: 'constructor', operator: 'Exists' }), false],
    ['DoesNotExist on "constructor"', term({ key: 'constructor', operator: 'DoesNotExist' }), true],
    ['DoesNotExist on "__proto__"', term({ key: '__proto__', operator: 'DoesNotExist' }), true],
    ['NotIn on "toString"', term({ key: 'toString', operator: 'NotIn', values: ['x'] }), true],
    ['Exists on "hasOwnProperty"', term({ key: 'hasOwnProperty', operator: 'Exists' }), false],
  ];
  for (const [name, affinity, want] of cases) it(name, () => expect(nodeMatchesAffinity(n, affinity)).to.equal(want));
  it('a node label named "constructor" is matched as data', () => {
    const c = node('n2', { labels: { constructor: 'yes' } });
    expect(nodeMatchesAffinity(c, term({ key: 'constructor', operator: 'In', values: ['yes'] }))).to.equal(true);
    expect(nodeMatchesAffinity(c, term({ key: 'constructor', operator: 'DoesNotExist' }))).to.equal(false);
  });
});
