/**
 * Local volumes on a real apiserver + etcd with the controller-manager and two kubelets
 * (node-a, node-b; fake container runtimes) in-process, each kubelet with its own
 * --local-volume-roots: a local PV pinned to node-b is bound into node-b's pod as its
 * directory; on node-a the kubelet refuses it (and any PV whose nodeAffinity excludes node-a,
 * hostPath included) with FailedMount and starts no container; a symlink out of node-b's
 * root is refused; and reclaiming a local PV with policy Delete fails (no deleter) leaving the data.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PersistentVolume } from '../../../pkg/api/core/v1';
import { Clientset } from '../../../pkg/client/clientset';
import { FakeRuntime } from '../../../pkg/kubelet/runtime/fake/fake_runtime';
import { ContainerLabel } from '../../../pkg/kubelet/runtime/interface';
import { FakeMounter } from '../../../pkg/util/mount/fake_mounter';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { testNodeDrivers } from '../../helpers/volume_drivers';
import {
  claim,
  type InProcessControllerManager,
  startControllerManager,
  waitClaimPhase,
  waitEvent,
  waitUntil,
} from '../controller/helpers';
import { type InProcessKubelet, podUsingClaim, startKubelet } from './helpers';

const pinnedTo = (node: string): NonNullable<PersistentVolume['spec']['nodeAffinity']> => ({
  required: {
    nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }],
  },
});

function localPv(name: string, dir: string, node: string, policy: 'Retain' | 'Delete' = 'Retain'): PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: {
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'local-storage',
      persistentVolumeReclaimPolicy: policy,
      local: { path: dir },
      nodeAffinity: pinnedTo(node),
    },
  };
}

describe('volume drivers: local volumes on two in-process kubelets', function () {
  this.timeout(60_000);
  const ns = 'loc';
  let api: TestApiServer;
  let client: Clientset;
  let cm: InProcessControllerManager;
  let tmp: string;
  const kubelets: InProcessKubelet[] = [];
  const runtimes = {
    'node-a': new FakeRuntime({ images: ['busybox'] }),
    'node-b': new FakeRuntime({ images: ['busybox'] }),
  };
  const localRoot = (node: string): string => path.join(tmp, node, 'local-volumes');

  /** A PV (Available first), a claim pre-bound to it, and a pod on `node` using the claim. */
  async function podWithVolume(pv: PersistentVolume, node: 'node-a' | 'node-b', pod: string): Promise<string> {
    const pvName = pv.metadata.name ?? '';
    await client.persistentVolumes.create(pv);
    await waitUntil(
      async () => (await client.persistentVolumes.get(pvName)).status?.phase === 'Available',
      20_000,
      `${pvName} Available`,
    );
    await client.persistentVolumeClaims.create(
      claim(ns, `c-${pod}`, { className: 'local-storage', volumeName: pvName }),
    );
    await waitClaimPhase(client, ns, `c-${pod}`, 'Bound');
    const created = await client.pods.create(podUsingClaim(ns, pod, `c-${pod}`, node));
    return created.metadata.uid ?? '';
  }

  const containersOf = (node: 'node-a' | 'node-b', podUid: string) =>
    [...runtimes[node].containers.values()].filter((c) => c.spec.labels[ContainerLabel.PodUid] === podUid);

  before(async () => {
    tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'kubestore-local-it-')));
    api = await startApiServer();
    client = new Clientset({ server: api.url, qps: 0 });
    cm = startControllerManager({ url: api.url, dir: path.join(tmp, 'kcm') });
    for (const node of ['node-a', 'node-b'] as const) {
      mkdirSync(localRoot(node), { recursive: true });
      kubelets.push(
        startKubelet({
          url: api.url,
          nodeName: node,
          rootDir: path.join(tmp, node),
          runtime: runtimes[node],
          drivers: testNodeDrivers(new FakeMounter(), {
            nfs: { exportRoot: path.join(tmp, 'nfs') },
            local: { roots: [localRoot(node)] },
          }),
        }),
      );
    }
    await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await waitUntil(async () => (await client.nodes.list()).items.length === 2, 20_000, 'both nodes registered');
  });

  after(async () => {
    for (const k of kubelets) await k.stop();
    await cm?.stop();
    client?.close();
    await api?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('each kubelet labels its Node kubernetes.io/hostname=<node name>', async () => {
    const labels = (await client.nodes.list()).items.map((n) => [
      n.metadata.name,
      n.metadata.labels?.['kubernetes.io/hostname'],
    ]);
    expect(labels.sort()).to.deep.equal([
      ['node-a', 'node-a'],
      ['node-b', 'node-b'],
    ]);
  });

  it("binds node-b's local directory into node-b's pod", async () => {
    const dir = path.join(localRoot('node-b'), 'ssd1');
    mkdirSync(dir);
    const uid = await podWithVolume(localPv('local-ok', dir, 'node-b'), 'node-b', 'on-b');
    await waitUntil(
      () => containersOf('node-b', uid).some((c) => c.spec.binds.includes(`${dir}:/data`)),
      20_000,
      `${dir} bound at /data`,
    );
  });

  it('on node-a a local PV pinned to node-b is FailedMount naming the affinity, and no container starts', async () => {
    const dir = path.join(localRoot('node-b'), 'ssd2');
    mkdirSync(dir);
    const uid = await podWithVolume(localPv('local-b2', dir, 'node-b'), 'node-a', 'wrong-node');
    const ev = await waitEvent(client, ns, 'wrong-node', 'FailedMount');
    expect(ev.message).to.equal(
      'MountVolume.NodeAffinity check failed for volume "local-b2" : no matching NodeSelectorTerms (the volume is pinned to another node by its nodeAffinity: kubernetes.io/hostname In [node-b]; this is node "node-a")',
    );
    expect(containersOf('node-a', uid)).to.deep.equal([]);
    expect((await client.pods.get('wrong-node', ns)).status?.phase).to.equal('Pending');
  });

  it('the same holds for a hostPath PV whose nodeAffinity excludes the node', async () => {
    const dir = path.join(tmp, 'host-b');
    const pv: PersistentVolume = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'host-pinned' },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        storageClassName: 'local-storage',
        hostPath: { path: dir, type: 'DirectoryOrCreate' },
        nodeAffinity: pinnedTo('node-b'),
      },
    };
    const uid = await podWithVolume(pv, 'node-a', 'host-wrong-node');
    const ev = await waitEvent(client, ns, 'host-wrong-node', 'FailedMount');
    expect(ev.message).to.match(
      /^MountVolume\.NodeAffinity check failed for volume "host-pinned" : no matching NodeSelectorTerms/,
    );
    expect(containersOf('node-a', uid)).to.deep.equal([]);
    expect(existsSync(dir), 'the hostPath directory was never created on the wrong node').to.equal(false);
  });

  it("refuses a symlink out of node-b's root, on node-b itself", async () => {
    const outside = path.join(tmp, 'secrets');
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'key'), 'x');
    const link = path.join(localRoot('node-b'), 'escape');
    symlinkSync(outside, link);
    const uid = await podWithVolume(localPv('local-escape', link, 'node-b'), 'node-b', 'escaper');
    const ev = await waitEvent(client, ns, 'escaper', 'FailedMount');
    expect(ev.message).to.include(
      `resolves to ${outside} through a symlink) is not under one of node "node-b"'s local volume roots`,
    );
    expect(containersOf('node-b', uid)).to.deep.equal([]);
  });

  it('reclaiming a local PV with policy Delete fails (no deleter): VolumeFailedDelete, phase Failed, data kept', async () => {
    const dir = path.join(localRoot('node-b'), 'ssd3');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'data'), 'kept');
    await client.persistentVolumes.create(localPv('local-del', dir, 'node-b', 'Delete'));
    await waitUntil(
      async () => (await client.persistentVolumes.get('local-del')).status?.phase === 'Available',
      20_000,
      'Available',
    );
    await client.persistentVolumeClaims.create(
      claim(ns, 'c-del', { className: 'local-storage', volumeName: 'local-del' }),
    );
    await waitClaimPhase(client, ns, 'c-del', 'Bound');
    await client.persistentVolumeClaims.delete('c-del', ns);
    await waitUntil(
      async () => (await client.persistentVolumes.get('local-del')).status?.phase === 'Failed',
      20_000,
      'PV Failed',
    );
    const ev = await waitEvent(client, 'default', 'local-del', 'VolumeFailedDelete');
    expect(ev.message).to.match(/^refusing to delete volume local-del: /);
    expect(ev.type).to.equal('Warning');
    expect(existsSync(path.join(dir, 'data'))).to.equal(true);
  });
});
