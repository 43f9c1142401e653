/**
 * A storage type is one folder and one registry line: the test driver
 * (test/fixtures/volume/testdriver/, registered only here) goes through static binding,
 * dynamic provisioning, mounting by the kubelet and deletion on a real apiserver + etcd, with
 * the controller-manager and a kubelet (fake container runtime) in-process. Its capabilities
 * (ReadWriteOnce only) make the provisioner refuse a ReadWriteMany claim with an event.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PersistentVolume, Pod } from '../../../pkg/api/core/v1';
import { Clientset } from '../../../pkg/client/clientset';
import { run as runKubelet } from '../../../pkg/kubelet/kubelet';
import { FakeRuntime } from '../../../pkg/kubelet/runtime/fake/fake_runtime';
import { silentLogger } from '../../../pkg/log/logger';
import { FakeMounter } from '../../../pkg/util/mount/fake_mounter';
import { newTestDriver, type TestDriver } from '../../fixtures/volume/testdriver/driver';
import { TestDriverName } from '../../fixtures/volume/testdriver/identity';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { testNodeDrivers } from '../../helpers/volume_drivers';
import {
  claim,
  type InProcessControllerManager,
  startControllerManager,
  waitClaimPhase,
  waitEvent,
  waitGone,
  waitUntil,
} from '../controller/helpers';

describe('volume drivers: a test-only driver registered in one line goes through bind, provision, mount and delete', function () {
  this.timeout(60_000);
  const ns = 'drv';
  let api: TestApiServer;
  let client: Clientset;
  let cm: InProcessControllerManager;
  let tmp: string;
  let root: string;
  let driver: TestDriver;
  const rt = new FakeRuntime({ images: ['busybox'] });
  const stopKubelet = new AbortController();
  let kubelet: Promise<void> | undefined;

  before(async () => {
    tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'kubestore-testdriver-')));
    root = path.join(tmp, 'testdriver');
    mkdirSync(root);
    driver = newTestDriver({ root });
    api = await startApiServer();
    client = new Clientset({ server: api.url, qps: 0 });
    cm = startControllerManager({ url: api.url, dir: path.join(tmp, 'kcm'), drivers: [driver] });
    kubelet = runKubelet(
      {
        client: { server: api.url, qps: 0 },
        nodeName: 'node-a',
        rootDir: path.join(tmp, 'kubelet'),
        hostIP: '127.0.0.1',
        runtime: rt,
        drivers: testNodeDrivers(new FakeMounter(), { exportRoot: path.join(tmp, 'nfs') }, [driver]),
        networkMode: 'none',
        bindAddress: '127.0.0.1',
        port: 0,
        workers: 2,
        heartbeatMs: 500,
        logger: silentLogger(),
      },
      stopKubelet.signal,
    );
    await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await waitUntil(
      async () => (await client.storageClasses.list()).items.some((c) => c.metadata.name === 'testdriver'),
      20_000,
      "the test driver's default class",
    );
  });

  after(async () => {
    stopKubelet.abort();
    await kubelet;
    await cm?.stop();
    client?.close();
    await api?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('its default class is created next to the built-in ones, naming it as provisioner', async () => {
    const classes = (await client.storageClasses.list()).items;
    expect(classes.map((c) => c.metadata.name).sort()).to.deep.equal(['hostPath', 'nfs', 'testdriver']);
    expect(classes.find((c) => c.metadata.name === 'testdriver')?.provisioner).to.equal(TestDriverName);
  });

  it('binds a claim to a static PV with its csi source', async () => {
    const pv: PersistentVolume = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'static-1' },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        csi: { driver: TestDriverName, volumeHandle: 'static-1' },
        storageClassName: 'testdriver',
        persistentVolumeReclaimPolicy: 'Retain',
      },
    };
    await client.persistentVolumes.create(pv);
    await client.persistentVolumeClaims.create(claim(ns, 'c-static', { className: 'testdriver' }));
    const bound = await waitClaimPhase(client, ns, 'c-static', 'Bound');
    expect(bound.spec.volumeName).to.equal('static-1');
  });

  it('provisions, mounts into a pod through its node half, and deletes the directory with the claim', async () => {
    await client.persistentVolumeClaims.create(claim(ns, 'c-dyn', { className: 'testdriver' }));
    const bound = await waitClaimPhase(client, ns, 'c-dyn', 'Bound');
    const pvName = `pvc-${bound.metadata.uid ?? ''}`;
    expect(bound.spec.volumeName).to.equal(pvName);
    const pv = await client.persistentVolumes.get(pvName);
    expect(pv.spec.csi).to.deep.equal({ driver: TestDriverName, volumeHandle: pvName });
    expect(pv.metadata.annotations?.['pv.kubernetes.io/provisioned-by']).to.equal(TestDriverName);
    const dir = path.join(root, pvName);
    expect(existsSync(dir), dir).to.equal(true);
    expect(driver.made.controllers.flatMap((c) => c.calls)).to.include(`create ${pvName}`);

    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'user', namespace: ns },
      spec: {
        nodeName: 'node-a',
        containers: [
          {
            name: 'c',
            image: 'busybox:latest',
            command: ['sleep', '3600'],
            volumeMounts: [{ name: 'd', mountPath: '/data' }],
          },
        ],
        volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'c-dyn' } }],
      },
    };
    const created = await client.pods.create(pod);
    await waitUntil(
      () => [...rt.containers.values()].some((c) => c.spec.binds.includes(`${dir}:/data`)),
      20_000,
      `a container with ${dir} bound at /data`,
    );
    const uid = created.metadata.uid ?? '';
    expect(driver.made.nodes.flatMap((n) => n.calls)).to.include(`publish ${pvName} ${uid}`);

    await client.pods.delete('user', ns);
    await waitGone(() => client.pods.get('user', ns), 'pod user');
    await waitUntil(
      () => driver.made.nodes.flatMap((n) => n.calls).includes(`unpublish ${pvName} ${uid}`),
      20_000,
      'the unpublish',
    );
    await client.persistentVolumeClaims.delete('c-dyn', ns);
    await waitGone(() => client.persistentVolumes.get(pvName), `PV ${pvName}`);
    expect(existsSync(dir), dir).to.equal(false);
    expect(driver.made.controllers.flatMap((c) => c.calls)).to.include(`delete ${pvName}`);
  });

  it('refuses an access mode the driver lacks: no binding to its PV that claims it, no provisioning, a ProvisioningFailed event', async () => {
    await client.persistentVolumes.create({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'static-rwx' },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteMany'],
        csi: { driver: TestDriverName, volumeHandle: 'static-rwx' },
        storageClassName: 'testdriver',
        persistentVolumeReclaimPolicy: 'Retain',
      },
    });
    const c = claim(ns, 'c-rwx', { className: 'testdriver' });
    await client.persistentVolumeClaims.create({ ...c, spec: { ...c.spec, accessModes: ['ReadWriteMany'] } });
    const ev = await waitEvent(client, ns, 'c-rwx', 'ProvisioningFailed');
    expect(ev.type).to.equal('Warning');
    expect(ev.message).to.match(
      /the testdriver driver does not support access mode ReadWriteMany \(it supports ReadWriteOnce\)/,
    );
    expect((await client.persistentVolumeClaims.get('c-rwx', ns)).status?.phase).to.equal('Pending');
    expect((await client.persistentVolumes.get('static-rwx')).spec.claimRef).to.equal(undefined);
    expect(
      existsSync(path.join(root, `pvc-${(await client.persistentVolumeClaims.get('c-rwx', ns)).metadata.uid ?? ''}`)),
    ).to.equal(false);
  });
});
