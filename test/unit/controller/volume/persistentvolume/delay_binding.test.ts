/**
 * WaitForFirstConsumer claims in the PV controller (delay_binding.ts), as table rows: no
 * selected node → Pending with one WaitForFirstConsumer event per change of the claim; a
 * selected node → the matching PV admitting it, else a PV provisioned with the node's topology
 * as node affinity; an impossible node → an event and the annotation removed.
 */
import { expect } from 'chai';
import type { Node } from '../../../../../pkg/api/core/v1';
import { Annotation } from '../../../../../pkg/controller/volume/persistentvolume/constants';
import { builtinClasses, pv, pvc, type PVHarness, sc } from './harness';
import { runRow, type Row } from './table';

const Selected = Annotation.SelectedNode;
const local = sc('local', 'kubernetes.io/no-provisioner', { volumeBindingMode: 'WaitForFirstConsumer' });
const wffc = sc('wffc', 'kubestore.io/hostpath', { volumeBindingMode: 'WaitForFirstConsumer' });
const zoned = sc('zoned', 'kubestore.io/hostpath', {
  volumeBindingMode: 'WaitForFirstConsumer',
  allowedTopologies: [{ matchLabelExpressions: [{ key: 'zone', values: ['east'] }] }],
});
const classes = [...builtinClasses(), local, wffc, zoned];

function node(name: string, labels: Record<string, string> = {}): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } } };
}
const nodes = [node('a', { zone: 'east' }), node('b', { zone: 'west' })];

function pinned(name: string, host: string) {
  const v = pv(name, { className: 'local' });
  v.spec.nodeAffinity = {
    required: {
      nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [host] }] }],
    },
  };
  return v;
}

/** Reconciles the claim again (as a resync would) and counts its WaitForFirstConsumer events. */
async function resyncAndCount(h: PVHarness, key: string): Promise<number> {
  h.claimQueue.add(key);
  await h.run();
  return h.recorder.events.filter((e) => e.reason === 'WaitForFirstConsumer' && e.object === key).length;
}

const rows: Row[] = [
  {
    name: 'no selected node: Pending with WaitForFirstConsumer (once per change), a matching PV stays Available',
    initial: { classes, nodes, pvs: [pinned('pv-a', 'a')], pvcs: [pvc('c', { className: 'local' })] },
    then: async (h) => {
      expect(h.recorder.events.find((e) => e.reason === 'WaitForFirstConsumer')?.message).to.equal(
        'waiting for first consumer to be created before binding',
      );
      expect(await resyncAndCount(h, 'default/c')).to.equal(1);
      const c = h.pvc('c');
      if (!c) throw new Error('claim gone');
      await h.pvcs.update({ ...c, metadata: { ...c.metadata, labels: { changed: 'yes' } } });
      h.syncCaches();
      await h.run();
      expect(await resyncAndCount(h, 'default/c')).to.equal(2);
    },
    pvs: { 'pv-a': { phase: 'Available', claim: null } },
    pvcs: { 'default/c': { phase: 'Pending', volumeName: null } },
    events: ['Normal WaitForFirstConsumer default/c'],
    provisioned: [],
  },
  {
    name: 'selected node b: binds the PV pinned to b, not the smaller one pinned to a',
    initial: {
      classes,
      nodes,
      pvs: [
        pinned('pv-a', 'a'),
        { ...pinned('pv-b', 'b'), spec: { ...pinned('pv-b', 'b').spec, capacity: { storage: '2Gi' } } },
      ],
      pvcs: [pvc('c', { className: 'local', annotations: { [Selected]: 'b' } })],
    },
    pvs: { 'pv-b': { phase: 'Bound', claim: 'default/c' }, 'pv-a': { phase: 'Available', claim: null } },
    pvcs: { 'default/c': { phase: 'Bound', volumeName: 'pv-b', annotations: { [Selected]: 'b' } } },
    events: [],
    provisioned: [],
  },
  {
    name: 'selected node b, provisioning class: a PV provisioned for b, pinned to it by node affinity',
    initial: { classes, nodes, pvcs: [pvc('c', { className: 'wffc', annotations: { [Selected]: 'b' } })] },
    then: async (h) => {
      expect(h.hostPath.requests[0]?.accessibilityRequirements).to.deep.equal({
        requisite: [{ 'kubernetes.io/hostname': 'b' }],
        preferred: [{ 'kubernetes.io/hostname': 'b' }],
      });
      expect(h.pv('pvc-uid-c')?.spec.nodeAffinity).to.deep.equal({
        required: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['b'] }] }],
        },
      });
    },
    pvs: { 'pvc-uid-c': { phase: 'Bound', claim: 'default/c', source: 'hostPath' } },
    pvcs: { 'default/c': { phase: 'Bound', volumeName: 'pvc-uid-c' } },
    events: ['Normal ProvisioningSucceeded default/c'],
    provisioned: ['pvc-uid-c'],
  },
  {
    name: 'an Immediate claim provisions with no topology and no node affinity (as before)',
    initial: { classes, nodes, pvcs: [pvc('c')] },
    then: async (h) => {
      expect(h.hostPath.requests[0]?.accessibilityRequirements).to.equal(undefined);
      expect(h.pv('pvc-uid-c')?.spec.nodeAffinity).to.equal(undefined);
    },
    pvcs: { 'default/c': { phase: 'Bound', volumeName: 'pvc-uid-c' } },
    events: ['Normal ProvisioningSucceeded default/c'],
    provisioned: ['pvc-uid-c'],
  },
  {
    name: 'a selected node that does not exist: not bound, ProvisioningFailed, annotation removed (then waiting again)',
    initial: {
      classes,
      nodes,
      pvs: [pinned('pv-a', 'a')],
      pvcs: [pvc('c', { className: 'local', annotations: { [Selected]: 'ghost' } })],
    },
    then: async (h) => {
      expect(h.recorder.events.find((e) => e.reason === 'ProvisioningFailed')?.message).to.equal(
        'failed to get target node: node "ghost" not found',
      );
    },
    pvs: { 'pv-a': { phase: 'Available', claim: null } },
    pvcs: { 'default/c': { phase: 'Pending', volumeName: null, annotations: { [Selected]: null } } },
    events: ['Warning ProvisioningFailed default/c', 'Normal WaitForFirstConsumer default/c'],
    provisioned: [],
  },
  {
    name: 'no-provisioner class, selected node b, PV only on a: no provisioning, FailedBinding, annotation removed',
    initial: {
      classes,
      nodes,
      pvs: [pinned('pv-a', 'a')],
      pvcs: [pvc('c', { className: 'local', annotations: { [Selected]: 'b' } })],
    },
    then: async (h) => {
      expect(h.recorder.events.find((e) => e.reason === 'FailedBinding')?.message).to.equal(
        'no persistent volumes available for this claim on node "b" and storage class "local" does not provision volumes',
      );
    },
    pvs: { 'pv-a': { phase: 'Available', claim: null } },
    pvcs: { 'default/c': { phase: 'Pending', volumeName: null, annotations: { [Selected]: null } } },
    events: ['Normal FailedBinding default/c', 'Normal WaitForFirstConsumer default/c'],
    provisioned: [],
  },
  {
    name: 'a selected node outside the class allowedTopologies: ProvisioningFailed, annotation removed',
    initial: { classes, nodes, pvcs: [pvc('c', { className: 'zoned', annotations: { [Selected]: 'b' } })] },
    pvcs: { 'default/c': { phase: 'Pending', volumeName: null, annotations: { [Selected]: null } } },
    events: ['Warning ProvisioningFailed default/c', 'Normal WaitForFirstConsumer default/c'],
    provisioned: [],
  },
  {
    name: 'a selected node inside allowedTopologies provisions',
    initial: { classes, nodes, pvcs: [pvc('c', { className: 'zoned', annotations: { [Selected]: 'a' } })] },
    pvcs: { 'default/c': { phase: 'Bound', volumeName: 'pvc-uid-c', annotations: { [Selected]: 'a' } } },
    events: ['Normal ProvisioningSucceeded default/c'],
    provisioned: ['pvc-uid-c'],
  },
  {
    name: 'a PV pre-bound to the claim binds at once, selected node or not (as Kubernetes does)',
    initial: {
      classes,
      nodes,
      pvs: [
        {
          ...pinned('pv-a', 'a'),
          spec: { ...pinned('pv-a', 'a').spec, claimRef: { namespace: 'default', name: 'c' } },
        },
      ],
      pvcs: [pvc('c', { className: 'local' })],
    },
    pvs: { 'pv-a': { phase: 'Bound', claim: 'default/c' } },
    pvcs: { 'default/c': { phase: 'Bound', volumeName: 'pv-a' } },
    events: [],
  },
];

describe('PV controller: WaitForFirstConsumer claims', () => {
  for (const row of rows) it(row.name, async () => void (await runRow(row)));
});
