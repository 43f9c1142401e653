/**
 * A storage type is one folder and one registry line: the test driver
 * (test/fixtures/volume/testdriver/, registered only here) goes through static binding,
 * dynamic provisioning, mounting by the kubelet and deletion on a real apiserver + etcd, with
 * the controller-manager and a kubelet (fake container runtime) in-process. Its capabilities
 * (ReadWriteOnce only) make the provisioner refuse a ReadWriteMany claim with an event.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PersistentVolume } from '../../../pkg/api/core/v1';
import { StatusError } from '../../../pkg/api/errors';
import { Clientset } from '../../../pkg/client/clientset';
import { FakeRuntime } from '../../../pkg/kubelet/runtime/fake/fake_runtime';
import { ContainerLabel } from '../../../pkg/kubelet/runtime/interface';
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
  waitEventMatching,
  waitGone,
  waitUntil,
} from '../controller/helpers';
import { type InProcessKubelet, podUsingClaim, startKubelet } from './helpers';

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
  let kubelet: InProcessKubelet | undefined;

  before(async () => {
    tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'kubestore-testdriver-')));
    root = path.join(tmp, 'testdriver');
    mkdirSync(root);
    driver = newTestDriver({ root });
    api = await startApiServer();
    client = new Clientset({ server: api.url, qps: 0 });
    cm = startControllerManager({ url: api.url, dir: path.join(tmp, 'kcm'), drivers: [driver] });
    kubelet = startKubelet({
      url: api.url,
      rootDir: path.join(tmp, 'kubelet'),
      runtime: rt,
      drivers: testNodeDrivers(new FakeMounter(), { nfs: { exportRoot: path.join(tmp, 'nfs') }, extra: [driver] }),
    });
    await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await waitUntil(
      async () => (await client.storageClasses.list()).items.some((c) => c.metadata.name === 'testdriver'),
      20_000,
      "the test driver's default class",
    );
  });

  after(async () => {
    await kubelet?.stop();
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

    const created = await client.pods.create(podUsingClaim(ns, 'user', 'c-dyn'));
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
    // The built-in class may be newer than the controller's informer (when this test runs alone):
    // wait for the access-mode failure, passing over a "class not found" one.
    const ev = await waitEventMatching(client, {
      namespace: ns,
      name: 'c-rwx',
      reason: 'ProvisioningFailed',
      message: /the testdriver driver does not support access mode ReadWriteMany \(it supports ReadWriteOnce\)/,
    });
    expect(ev.type).to.equal('Warning');
    expect((await client.persistentVolumeClaims.get('c-rwx', ns)).status?.phase).to.equal('Pending');
    expect((await client.persistentVolumes.get('static-rwx')).spec.claimRef).to.equal(undefined);
    expect(
      existsSync(path.join(root, `pvc-${(await client.persistentVolumeClaims.get('c-rwx', ns)).metadata.uid ?? ''}`)),
    ).to.equal(false);
  });

  /** A hand-made PV of the test driver claiming to be provisioned by it, with this handle and policy. */
  function forgedTestVolume(name: string, volumeHandle: string, policy: 'Delete' | 'Recycle'): PersistentVolume {
    return {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name, annotations: { 'pv.kubernetes.io/provisioned-by': TestDriverName } },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        csi: { driver: TestDriverName, volumeHandle },
        storageClassName: 'testdriver',
        persistentVolumeReclaimPolicy: policy,
      },
    };
  }

  /** A PV spec with a raw csi source (any JSON), for requests the types would not allow. */
  function rawCsiVolume(name: string, csi: unknown): PersistentVolume {
    return {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        csi: csi as PersistentVolume['spec']['csi'],
        persistentVolumeReclaimPolicy: 'Delete',
      },
    };
  }

  it('the API refuses csi sources naming a built-in provisioner or plugin (not a driver name), non-string fields, a second source, and a driver change', async () => {
    const code = (p: Promise<unknown>) =>
      p.then(
        () => 0,
        (err: unknown) => (err instanceof StatusError ? err.status.code : -1),
      );
    for (const driver of ['kubestore.io/hostpath', 'kubernetes.io/host-path', 'a'.repeat(64), 'Test.CSI'])
      expect(
        await code(client.persistentVolumes.create(rawCsiVolume('bad-name', { driver, volumeHandle: 'h' }))),
        driver,
      ).to.equal(422);
    for (const csi of [
      { driver: 7, volumeHandle: 'h' },
      { driver: ['x.io'], volumeHandle: 'h' },
      { driver: 'x.io', volumeHandle: {} },
      { driver: 'x.io', volumeHandle: 'h', readOnly: 'yes' },
    ])
      expect(await code(client.persistentVolumes.create(rawCsiVolume('bad-type', csi))), JSON.stringify(csi)).to.equal(
        400,
      );
    const both = rawCsiVolume('both', { driver: TestDriverName, volumeHandle: 'h' });
    both.spec.hostPath = { path: path.join(tmp, 'both') };
    expect(await code(client.persistentVolumes.create(both))).to.equal(422);
    await client.persistentVolumes.create(rawCsiVolume('immutable', { driver: TestDriverName, volumeHandle: 'h' }));
    // Controllers write the new PV too (status, protection finalizer): a 409 is retried on a fresh copy.
    const change = async (spec: (old: PersistentVolume['spec']) => PersistentVolume['spec']) => {
      let got = 409;
      await waitUntil(
        async () => {
          const live = await client.persistentVolumes.get('immutable');
          got = await code(client.persistentVolumes.update({ ...live, spec: spec(live.spec) }));
          return got !== 409;
        },
        20_000,
        'an update of PV immutable that is not a conflict',
      );
      return got;
    };
    for (const csi of [
      { driver: 'other.example.com', volumeHandle: 'h' },
      { driver: TestDriverName, volumeHandle: 'h2' },
    ])
      expect(await change((old) => ({ ...old, csi }))).to.equal(422);
    expect(await change(({ csi: _dropped, ...rest }) => ({ ...rest, hostPath: { path: '/tmp/x' } }))).to.equal(422);
    await client.persistentVolumes.delete('immutable');
  });

  for (const policy of ['Delete', 'Recycle'] as const) {
    it(`forged ${policy} PVs of the test driver (handles "..", ".", another volume's directory) go Failed; no data is touched`, async () => {
      const tag = policy.toLowerCase();
      const victim = path.join(root, `victim-${tag}`);
      mkdirSync(victim);
      writeFileSync(path.join(victim, 'precious'), 'data');
      writeFileSync(path.join(tmp, `beside-root-${tag}`), 'data');
      const cases: [string, string, RegExp][] = [
        [`forged-up-${tag}`, '..', /volume handle "\.\." is not a directory name/],
        [`forged-dot-${tag}`, '.', /volume handle "\." is not a directory name/],
        [`forged-victim-${tag}`, `victim-${tag}`, /no provisioning record/],
      ];
      for (const [name, handle] of cases) {
        await client.persistentVolumes.create(forgedTestVolume(name, handle, policy));
        await client.persistentVolumeClaims.create(claim(ns, name, { className: 'testdriver', volumeName: name }));
      }
      for (const [name] of cases) await waitClaimPhase(client, ns, name, 'Bound');
      for (const [name] of cases) await client.persistentVolumeClaims.delete(name, ns);
      const reason = policy === 'Delete' ? 'VolumeFailedDelete' : 'VolumeFailedRecycle';
      for (const [name, , why] of cases) {
        await waitUntil(
          async (note) => {
            const pv = await client.persistentVolumes.get(name);
            note(`${pv.status?.phase ?? ''} ${pv.status?.message ?? ''}`);
            return pv.status?.phase === 'Failed';
          },
          20_000,
          `PV ${name} Failed`,
        );
        expect((await client.persistentVolumes.get(name)).status?.message ?? '').to.match(why);
        expect((await waitEvent(client, 'default', name, reason)).message ?? '').to.match(why);
      }
      expect(readdirSync(victim)).to.deep.equal(['precious']);
      expect(existsSync(path.join(tmp, `beside-root-${tag}`))).to.equal(true);
      expect(existsSync(root)).to.equal(true);
    });
  }

  it('the kubelet: a csi PV of a driver it lacks, or a test-driver handle outside its root, is a FailedMount event naming why; no container starts', async () => {
    const volumes: [string, PersistentVolume['spec']['csi'], RegExp][] = [
      [
        'unknown-drv',
        { driver: 'unknown.example.com', volumeHandle: 'v' },
        /its csi driver "unknown\.example\.com" is not one of this kubelet's drivers/,
      ],
      ['up-handle', { driver: TestDriverName, volumeHandle: '..' }, /bad volume handle "\.\."/],
    ];
    for (const [name, csi, why] of volumes) {
      const v = rawCsiVolume(name, csi);
      v.spec.persistentVolumeReclaimPolicy = 'Retain';
      await client.persistentVolumes.create(v);
      await client.persistentVolumeClaims.create(claim(ns, name, { className: '', volumeName: name }));
      await waitClaimPhase(client, ns, name, 'Bound');
      await client.pods.create(podUsingClaim(ns, `user-${name}`, name));
      const ev = await waitEvent(client, ns, `user-${name}`, 'FailedMount');
      expect(ev.type).to.equal('Warning');
      expect(ev.message ?? '').to.match(why);
      const started = [...rt.containers.values()].filter((c) => c.labels[ContainerLabel.PodName] === `user-${name}`);
      expect(started.map((c) => c.spec.binds)).to.deep.equal([]);
      expect((await client.pods.get(`user-${name}`, ns)).status?.phase ?? 'Pending').to.equal('Pending');
    }
  });
});
