/**
 * Orphan cleanup on a kubelet restart, through the driver layer (NodeService.cleanupOrphans, no
 * `instanceof`): a real apiserver, a kubelet with a fake runtime and a fake mount table that an
 * earlier kubelet left with two NFS shared mounts. The mount of a PV no pod on this node uses
 * any more is unmounted before any pod is synced; the one a pod still assigned here uses stays
 * mounted and is re-published for that pod without a second mount.
 */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PersistentVolume, PersistentVolumeClaim } from '../../../pkg/api/core/v1';
import { Clientset } from '../../../pkg/client/clientset';
import { FakeRuntime } from '../../../pkg/kubelet/runtime/fake/fake_runtime';
import { FakeMounter } from '../../../pkg/util/mount/fake_mounter';
import { pluginMountsDir } from '../../../pkg/volume/nfs/node';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { testNodeDrivers } from '../../helpers/volume_drivers';
import { waitUntil } from '../controller/helpers';
import { type InProcessKubelet, podUsingClaim, startKubelet } from './helpers';

describe('volume drivers: a restarted kubelet unmounts the shared mounts no pod of its node uses', function () {
  this.timeout(60_000);
  const ns = 'orphans';
  let api: TestApiServer;
  let client: Clientset;
  let tmp: string;
  let kubelet: InProcessKubelet | undefined;

  before(async () => {
    tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'kubestore-orphans-')));
    api = await startApiServer();
    client = new Clientset({ server: api.url, qps: 0 });
    await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });

  after(async () => {
    await kubelet?.stop();
    client?.close();
    await api?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** An NFS PV on a remote server bound to claim `name` (as the binder would leave them). */
  async function boundNfsClaim(name: string): Promise<void> {
    const pv: PersistentVolume = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteMany'],
        nfs: { server: 'nfs.remote', path: `/exports/${name}` },
        persistentVolumeReclaimPolicy: 'Retain',
        claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: ns, name },
      },
    };
    const createdPV = await client.persistentVolumes.create(pv);
    await client.persistentVolumes.updateStatus({ ...createdPV, status: { phase: 'Bound' } });
    const pvc: PersistentVolumeClaim = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name, namespace: ns },
      spec: {
        accessModes: ['ReadWriteMany'],
        resources: { requests: { storage: '1Gi' } },
        storageClassName: '',
        volumeName: name,
      },
    };
    const createdPVC = await client.persistentVolumeClaims.create(pvc);
    await client.persistentVolumeClaims.updateStatus({
      ...createdPVC,
      status: { phase: 'Bound', capacity: { storage: '1Gi' }, accessModes: ['ReadWriteMany'] },
    });
  }

  it('unmounts the orphan, keeps the mount of a pod still assigned here and reuses it for that pod', async () => {
    const rootDir = path.join(tmp, 'kubelet');
    const mounts = pluginMountsDir(rootDir);
    mkdirSync(path.join(mounts, 'kept'), { recursive: true });
    mkdirSync(path.join(mounts, 'orphan'), { recursive: true });
    const mounter = new FakeMounter({
      mounts: ['kept', 'orphan'].map((pv) => ({
        source: `nfs.remote:/exports/${pv}`,
        mountPoint: path.join(mounts, pv),
        fsType: 'nfs4',
        options: ['rw'],
      })),
    });
    await boundNfsClaim('kept');
    await boundNfsClaim('orphan');
    // A pod of this node still uses `kept`; the pod that used `orphan` is gone.
    await client.pods.create(podUsingClaim(ns, 'user', 'kept'));
    const rt = new FakeRuntime({ images: ['busybox'] });
    kubelet = startKubelet({
      url: api.url,
      rootDir,
      runtime: rt,
      drivers: testNodeDrivers(mounter, { nfs: { exportRoot: path.join(tmp, 'nfs') } }),
    });
    await waitUntil(
      () => [...rt.containers.values()].some((c) => c.spec.binds.includes(`${path.join(mounts, 'kept')}:/data`)),
      20_000,
      'the pod running with the kept mount bound at /data',
    );
    expect(mounter.mountPoints()).to.deep.equal([path.join(mounts, 'kept')]);
    expect(mounter.log).to.deep.equal([{ action: 'unmount', target: path.join(mounts, 'orphan') }]);
  });
});
