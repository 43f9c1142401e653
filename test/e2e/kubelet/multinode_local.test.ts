/**
 * Several nodes on one machine, end to end: two kubelets (their own names, ports, root dirs and
 * identities) on the one real dockerd, with local PersistentVolumes pinned by nodeAffinity to
 * node B. Pods are placed with spec.nodeName (the scheduler's volume filtering is not what is
 * tested here): the pod on B writes into the directory under B's root; a pod on A using a
 * volume pinned to B gets FailedMount naming the affinity and never starts; and one kubelet
 * deleting its pod, or restarting and cleaning up, never touches the other's containers.
 */
import { expect } from 'chai';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { PersistentVolumeClaim, Pod } from '../../../pkg/api/core/v1';
import type { TestCluster } from '../../helpers/cluster';
import { create, localPv, nodeContainers, podObject, useKubeletCluster, waitEvent, waitReady } from './support';

/** A claim pre-bound to `volumeName` (created once that PV is Available). */
function claimOf(name: string, volumeName: string): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace: 'default' },
    spec: {
      storageClassName: 'local-storage',
      volumeName,
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '1Gi' } },
    },
  };
}

function onNode(pod: Pod, node: string): Pod {
  return { ...pod, spec: { ...pod.spec, nodeName: node } };
}

describe('e2e/kubelet: two nodes on one machine, local volumes pinned to a node', function () {
  this.timeout(180_000);
  let c: TestCluster;
  let a = '';
  let b = '';

  useKubeletCluster((cluster) => {
    c = cluster;
    [a = '', b = ''] = cluster.nodeNames;
  }, 2);

  it('manifests/local-pv.yaml (class, local PV, claim, pod) is accepted as written', async () => {
    const file = path.resolve(__dirname, '../../../../manifests/local-pv.yaml');
    const out = await c.ok(['apply', '--dry-run=server', '-f', file]);
    expect(out).to.match(/storageclass\.storage\.k8s\.io\/local-storage created \(server dry run\)/);
    expect(out).to.match(/persistentvolume\/pv-local-01 created \(server dry run\)/);
    expect(out).to.match(/pod\/local-pod created \(server dry run\)/);
  });

  it('the nodes register with their own names and kubernetes.io/hostname labels', async () => {
    const out = await c.ok([
      'get',
      'nodes',
      '-o',
      'jsonpath={range .items[*]}{.metadata.labels.kubernetes\\.io/hostname}{"\\n"}{end}',
    ]);
    expect(out.split('\n').filter(Boolean).sort()).to.deep.equal([a, b].sort());
    expect(c.nodeRoot(a)).to.not.equal(c.nodeRoot(b));
  });

  it("a pod on B writes into the local volume under B's root; a pod on A with a volume pinned to B gets FailedMount", async () => {
    const dir1 = path.join(c.localVolumeRoot(b), 'ssd1');
    const dir2 = path.join(c.localVolumeRoot(b), 'ssd2');
    mkdirSync(dir1);
    mkdirSync(dir2);
    await create(c, localPv('local-b1', b, dir1), localPv('local-b2', b, dir2));
    for (const pv of ['local-b1', 'local-b2']) await c.waitJsonpath(['get', 'pv', pv], '{.status.phase}', 'Available');
    await create(c, claimOf('data-b1', 'local-b1'), claimOf('data-b2', 'local-b2'));
    for (const pvc of ['data-b1', 'data-b2']) await c.waitJsonpath(['get', 'pvc', pvc], '{.status.phase}', 'Bound');

    await create(
      c,
      onNode(podObject('on-b', { claim: 'data-b1', script: 'hostname > /data/who; sleep 3600' }), b),
      onNode(podObject('wrong-node', { claim: 'data-b2', script: 'hostname > /data/who; sleep 3600' }), a),
    );
    await waitReady(c, 'on-b');
    expect(readFileSync(path.join(dir1, 'who'), 'utf8')).to.equal('on-b\n');
    expect(readdirSync(c.localVolumeRoot(a)), "nothing lands under A's root").to.deep.equal([]);

    const event = await waitEvent(c, 'wrong-node', /FailedMount/);
    expect(event).to.equal(
      `Warning FailedMount: MountVolume.NodeAffinity check failed for volume "local-b2" : no matching NodeSelectorTerms (the volume is pinned to another node by its nodeAffinity: kubernetes.io/hostname In [${b}]; this is node "${a}")`,
    );
    expect(await c.ok(['get', 'pod', 'wrong-node', '-o', 'jsonpath={.status.phase}'])).to.equal('Pending');
    expect((await nodeContainers(a, true)).filter((x) => x.pod === 'wrong-node')).to.deep.equal([]);
    expect(readdirSync(dir2), 'the volume pinned to B was never handed to A').to.deep.equal([]);
  });

  it("deleting A's pod, and restarting A's kubelet, leave B's containers alone", async () => {
    await create(c, onNode(podObject('plain-a', { script: 'sleep 3600' }), a));
    await waitReady(c, 'plain-a');
    const [onB] = (await nodeContainers(b)).filter((x) => x.pod === 'on-b');
    if (!onB) throw new Error('the container of on-b is not running on B');

    await c.ok(['delete', 'pod', 'plain-a', '--wait=true', '--timeout=60s']);
    expect((await nodeContainers(a, true)).filter((x) => x.pod === 'plain-a')).to.deep.equal([]);
    expect((await nodeContainers(b)).filter((x) => x.pod === 'on-b')).to.deep.equal([onB]);

    // A restarted kubelet adopts or cleans up what it finds: only its own node's containers.
    await c.kill(c.kubeletName(a), 'SIGTERM');
    c.startKubelet(a);
    await c.waitNodeReady(a);
    await create(c, onNode(podObject('after-restart', { script: 'sleep 3600' }), a));
    await waitReady(c, 'after-restart'); // its pod workers run: the start-up sweep is done
    expect(
      (await nodeContainers(b)).filter((x) => x.pod === 'on-b'),
      "B's container: same id, still running",
    ).to.deep.equal([onB]);
    expect(await c.ok(['get', 'pod', 'on-b', '-o', 'jsonpath={.status.containerStatuses[0].restartCount}'])).to.equal(
      '0',
    );
  });
});
