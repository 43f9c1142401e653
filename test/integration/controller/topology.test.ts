/**
 * Topology-aware binding on a real apiserver + etcd with an in-process controller-manager and
 * three Node objects (Ready, labelled kubernetes.io/hostname; no kubelet): a WaitForFirstConsumer
 * claim waits for its first pod, then binds to a PV pinned to the pod's node or gets a PV
 * provisioned with node affinity for it; static PVs pinned to a node bring their pods there;
 * claims pinned to two nodes, a missing claim, and nodeSelector are honoured.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Node, PersistentVolume } from '../../../pkg/api/core/v1';
import { Clientset } from '../../../pkg/client/clientset';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import {
  claim,
  hostPathVolume,
  type InProcessControllerManager,
  startControllerManager,
  waitClaimPhase,
  waitEvent,
  waitUntil,
} from './helpers';
import { nodeNames, podWith, scheduledNode, Selected, wffcClass } from './topology_helpers';

function pinned(v: PersistentVolume, node: string): PersistentVolume {
  return {
    ...v,
    spec: {
      ...v.spec,
      nodeAffinity: {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] },
          ],
        },
      },
    },
  };
}

describe('controller-manager (in-process): topology-aware scheduling and WaitForFirstConsumer binding', function () {
  this.timeout(60_000);
  const ns = 'topo';
  let api: TestApiServer;
  let client: Clientset;
  let cm: InProcessControllerManager;
  let tmp: string;

  const nodeOf = (name: string) => scheduledNode(client, ns, name, 20000);

  before(async () => {
    api = await startApiServer();
    client = new Clientset({ server: api.url, qps: 0 });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kubestore-topo-it-'));
    await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (const [i, name] of nodeNames.entries()) {
      const node: Node = {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, labels: { 'kubernetes.io/hostname': name, zone: i === 2 ? 'west' : 'east' } },
      };
      const made = await client.nodes.create(node);
      await client.nodes.updateStatus({
        ...made,
        status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'test node' }] },
      });
    }
    await client.storageClasses.create(wffcClass('wffc', 'kubestore.io/hostpath'));
    await client.storageClasses.create(wffcClass('local-storage', 'kubernetes.io/no-provisioner'));
    cm = startControllerManager({ url: api.url, dir: tmp });
  });

  after(async () => {
    await cm?.stop();
    client?.close();
    await api?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('a WaitForFirstConsumer claim waits for its pod, then gets a PV provisioned for the pod’s node', async () => {
    await client.persistentVolumeClaims.create(claim(ns, 'wait-me', { className: 'wffc' }));
    const ev = await waitEvent(client, ns, 'wait-me', 'WaitForFirstConsumer');
    expect(ev.type).to.equal('Normal');
    expect(ev.message).to.equal('waiting for first consumer to be created before binding');
    const pending = await client.persistentVolumeClaims.get('wait-me', ns);
    expect(pending.status?.phase).to.equal('Pending');
    expect(pending.spec.volumeName ?? '').to.equal('');

    await client.pods.create(podWith(ns, 'consumer', ['wait-me']));
    const node = await nodeOf('consumer');
    const bound = await waitClaimPhase(client, ns, 'wait-me', 'Bound');
    expect(bound.metadata.annotations?.[Selected]).to.equal(node);
    const pv = await client.persistentVolumes.get(bound.spec.volumeName ?? '');
    expect(pv.spec.nodeAffinity?.required?.nodeSelectorTerms).to.deep.equal([
      { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] },
    ]);
    await waitEvent(client, ns, 'consumer', 'Scheduled');
  });

  it('no-provisioner class: the claim binds to the static PV pinned to the node its pod lands on (node-b)', async () => {
    await client.persistentVolumes.create(pinned(hostPathVolume('local-b', { className: 'local-storage' }), 'node-b'));
    await client.persistentVolumeClaims.create(claim(ns, 'local-claim', { className: 'local-storage' }));
    await waitEvent(client, ns, 'local-claim', 'WaitForFirstConsumer');
    await client.pods.create(podWith(ns, 'local-user', ['local-claim']));
    expect(await nodeOf('local-user')).to.equal('node-b');
    const bound = await waitClaimPhase(client, ns, 'local-claim', 'Bound');
    expect(bound.spec.volumeName).to.equal('local-b');
  });

  it('an Immediate claim bound to a PV pinned to node-c lands its pod on node-c', async () => {
    await client.persistentVolumes.create(pinned(hostPathVolume('static-c', { className: 'manual' }), 'node-c'));
    await client.persistentVolumeClaims.create(claim(ns, 'static-claim', { className: 'manual' }));
    await client.pods.create(podWith(ns, 'static-user', ['static-claim']));
    expect(await nodeOf('static-user')).to.equal('node-c');
    expect((await client.persistentVolumeClaims.get('static-claim', ns)).spec.volumeName).to.equal('static-c');
  });

  it('claims bound to PVs pinned to two different nodes: the pod stays Pending with FailedScheduling', async () => {
    await client.persistentVolumes.create(pinned(hostPathVolume('split-a', { className: 'split' }), 'node-a'));
    await client.persistentVolumes.create(pinned(hostPathVolume('split-b', { className: 'split' }), 'node-b'));
    await client.persistentVolumeClaims.create(claim(ns, 'split-1', { className: 'split', volumeName: 'split-a' }));
    await client.persistentVolumeClaims.create(claim(ns, 'split-2', { className: 'split', volumeName: 'split-b' }));
    await waitClaimPhase(client, ns, 'split-1', 'Bound');
    await waitClaimPhase(client, ns, 'split-2', 'Bound');
    await client.pods.create(podWith(ns, 'split-user', ['split-1', 'split-2']));
    await waitUntil(
      async (note) => {
        const evs = (await client.events.list(ns)).items.filter(
          (e) => e.involvedObject.name === 'split-user' && e.reason === 'FailedScheduling',
        );
        note(evs.map((e) => e.message ?? '').join(' | '));
        return evs.some((e) => e.message === '0/3 nodes are available: 3 node(s) had volume node affinity conflict.');
      },
      20_000,
      'FailedScheduling for split-user',
    );
    expect((await client.pods.get('split-user', ns)).spec.nodeName ?? '').to.equal('');
  });

  it('a pod whose claim does not exist stays Pending; it is scheduled once the claim exists and binds', async () => {
    await client.pods.create(podWith(ns, 'early', ['late']));
    const ev = await waitEvent(client, ns, 'early', 'FailedScheduling');
    expect(ev.type).to.equal('Warning');
    expect(ev.message).to.equal('0/3 nodes are available: persistentvolumeclaim "late" not found.');
    expect((await client.pods.get('early', ns)).spec.nodeName ?? '').to.equal('');
    await client.persistentVolumeClaims.create(claim(ns, 'late'));
    expect(nodeNames).to.include(await nodeOf('early'));
  });

  it('nodeSelector is honoured (zone west is node-c only)', async () => {
    await client.pods.create(podWith(ns, 'picky', [], { nodeSelector: { zone: 'west' } }));
    expect(await nodeOf('picky')).to.equal('node-c');
    await client.pods.create(podWith(ns, 'impossible', [], { nodeSelector: { zone: 'mars' } }));
    const ev = await waitEvent(client, ns, 'impossible', 'FailedScheduling');
    expect(ev.message).to.equal("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.");
  });
});
