import { expect } from 'chai';
import { mkdtemp, realpath, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { silentLogger } from '../../../../pkg/log/logger';
import { FakeMounter } from '../../../../pkg/util/mount/fake_mounter';
import { testNodeDrivers } from '../../../helpers/volume_drivers';
import type { VolumePublisher } from '../../../../pkg/kubelet/volumemanager/reconciler';
import { VolumeManager, type PodVolumes } from '../../../../pkg/kubelet/volumemanager/volume_manager';
import { waitFor } from '../../../helpers/wait';
import { claim, FakeCache, kubeletNode, hostPathPv, nfsPv, pod, SpyVolumeSetter } from '../fixtures';

function notReady(v: PodVolumes): string {
  if (v.ready) throw new Error(`expected the volumes not to be ready, got ${JSON.stringify([...v.volumes])}`);
  return v.reason;
}

function readyVolumes(v: PodVolumes): Record<string, { hostPath: string; readOnly: boolean }> {
  if (!v.ready) throw new Error(`expected the volumes to be ready: ${v.reason}`);
  return Object.fromEntries(v.volumes);
}

describe('kubelet/volumemanager: VolumeManager', () => {
  let cache: FakeCache;
  let changed: string[];
  let managers: VolumeManager[];
  const manager = (drivers: VolumePublisher, rootDir = '/var/lib/kubelet'): VolumeManager => {
    const m = new VolumeManager({
      drivers,
      rootDir,
      node: () => kubeletNode(),
      listers: cache,
      logger: silentLogger(),
      onPodChanged: (uid) => changed.push(uid),
    });
    managers.push(m);
    return m;
  };

  beforeEach(() => {
    cache = new FakeCache();
    changed = [];
    managers = [];
  });
  afterEach(() => managers.forEach((m) => m.stop()));

  describe('with a spy volume setter', () => {
    it('a pod with a bound claim becomes ready with the host path, and the pod is told', async () => {
      const spy = new SpyVolumeSetter('/vols');
      const vm = manager(spy);
      cache.add(claim('data', 'pv-1'), hostPathPv('pv-1', '/vols/pv-1'));
      const p = pod('web', { claims: { 'data-volume': 'data' } });
      vm.setPod(p);
      await vm.idle();
      expect(readyVolumes(vm.volumesFor(p))).to.deep.equal({
        'data-volume': { hostPath: '/vols/pv-1', readOnly: false },
      });
      expect(spy.ops('setUp')).to.deep.equal([`pv-1@${p.metadata.uid ?? ''}`]);
      expect(changed).to.include(p.metadata.uid);
    });

    it('a pod without PVC volumes is ready at once, with no volume', async () => {
      const vm = manager(new SpyVolumeSetter());
      const p = pod('plain');
      vm.setPod(p);
      expect(readyVolumes(vm.volumesFor(p))).to.deep.equal({});
    });

    it('a pod the manager was never told about is not ready', () => {
      expect(notReady(manager(new SpyVolumeSetter()).volumesFor(pod('ghost')))).to.match(
        /not known to the volume manager/,
      );
    });

    const unresolved: { title: string; objects: () => Parameters<FakeCache['add']>; reason: RegExp }[] = [
      {
        title: 'the claim is missing',
        objects: () => [],
        reason: /volume "data-volume": persistentvolumeclaim "data" not found/,
      },
      {
        title: 'the claim is not bound yet',
        objects: () => [claim('data')],
        reason: /persistentvolumeclaim "data" is not bound \(phase Pending\)/,
      },
      {
        title: 'the claim is being deleted',
        objects: () => [claim('data', 'pv-1', { deleting: true }), hostPathPv('pv-1', '/v')],
        reason: /persistentvolumeclaim "data" is being deleted/,
      },
      {
        title: "the claim's PV is missing",
        objects: () => [claim('data', 'pv-1')],
        reason: /persistentvolume "pv-1" bound to claim "data" not found/,
      },
    ];
    for (const t of unresolved) {
      it(`not ready, with a reason naming the cause, when ${t.title}; nothing is set up`, async () => {
        const spy = new SpyVolumeSetter();
        const vm = manager(spy);
        cache.add(...t.objects());
        const p = pod('web', { claims: { 'data-volume': 'data' } });
        vm.setPod(p);
        await vm.idle();
        const reason = notReady(vm.volumesFor(p));
        expect(reason).to.match(/^Unable to attach or mount volumes: /);
        expect(reason).to.match(t.reason);
        expect(spy.calls).to.deep.equal([]);
      });
    }

    it('becomes ready by itself once the claim binds (refresh), calling onPodChanged', async () => {
      const spy = new SpyVolumeSetter('/vols');
      const vm = manager(spy);
      const p = pod('web', { claims: { 'data-volume': 'data' } });
      const other = pod('other', { claims: { x: 'unrelated' } });
      vm.setPod(p);
      vm.setPod(other);
      await vm.idle();
      expect(notReady(vm.volumesFor(p))).to.match(/not found/);
      changed.length = 0;

      cache.add(claim('data')); // created, not bound yet
      vm.refresh((q) => q.metadata.name === 'web');
      expect(changed).to.deep.equal([p.metadata.uid]);
      expect(notReady(vm.volumesFor(p))).to.match(/is not bound/);

      cache.add(claim('data', 'pv-1'), hostPathPv('pv-1', '/vols/pv-1'));
      changed.length = 0;
      vm.refresh((q) => q.metadata.name === 'web');
      expect(changed).to.deep.equal([p.metadata.uid]); // re-resolved
      await vm.idle();
      expect(changed.filter((u) => u === p.metadata.uid).length).to.be.greaterThanOrEqual(2); // and mounted
      expect(changed).to.not.include(other.metadata.uid);
      expect(readyVolumes(vm.volumesFor(p))['data-volume']?.hostPath).to.equal('/vols/pv-1');
    });

    it('a refresh that changes nothing does not wake the pod', async () => {
      const vm = manager(new SpyVolumeSetter());
      cache.add(claim('data', 'pv-1'), hostPathPv('pv-1', '/v/pv-1'));
      const p = pod('web', { claims: { d: 'data' } });
      vm.setPod(p);
      await vm.idle();
      changed.length = 0;
      vm.refresh(() => true);
      await vm.idle();
      expect(changed).to.deep.equal([]);
    });

    it('read-only: a claim source readOnly, or every mount readOnly, binds read-only', async () => {
      const vm = manager(new SpyVolumeSetter('/vols'));
      cache.add(
        claim('a', 'pv-a'),
        hostPathPv('pv-a', '/vols/pv-a'),
        claim('b', 'pv-b'),
        hostPathPv('pv-b', '/vols/pv-b'),
        claim('c', 'pv-c'),
        hostPathPv('pv-c', '/vols/pv-c'),
      );
      const p = pod('ro', {
        claims: { va: { claimName: 'a', readOnly: true }, vb: 'b', vc: 'c' },
        containers: [
          {
            name: 'one',
            image: 'busybox',
            volumeMounts: [
              { name: 'va', mountPath: '/a' },
              { name: 'vb', mountPath: '/b', readOnly: true },
              { name: 'vc', mountPath: '/c', readOnly: true },
            ],
          },
          { name: 'two', image: 'busybox', volumeMounts: [{ name: 'vc', mountPath: '/c' }] },
        ],
      });
      vm.setPod(p);
      await vm.idle();
      const v = readyVolumes(vm.volumesFor(p));
      expect(v.va?.readOnly).to.equal(true);
      expect(v.vb?.readOnly).to.equal(true);
      expect(v.vc?.readOnly).to.equal(false); // container "two" writes to it
    });

    it('a failed setUp is reported (FailedMount reason), the pod is told, and a retry mounts it', async () => {
      const spy = new SpyVolumeSetter('/vols');
      spy.failSetUp.set('pv-1', { times: 1, message: 'disk on fire' });
      const vm = manager(spy);
      cache.add(claim('data', 'pv-1'), hostPathPv('pv-1', '/vols/pv-1'));
      const p = pod('web', { claims: { 'data-volume': 'data' } });
      vm.setPod(p);
      await vm.idle();
      expect(notReady(vm.volumesFor(p))).to.equal(
        'MountVolume.SetUp failed for volume "data-volume" (persistentvolume "pv-1"): disk on fire',
      );
      expect(changed).to.include(p.metadata.uid);
      changed.length = 0;
      await waitFor(() => vm.volumesFor(p).ready, 5000, 'the retried setUp');
      expect(changed).to.include(p.metadata.uid);
      expect(spy.ops('setUp')).to.have.length(2);
    });

    it('removing a pod tears its volumes down; a volume another pod uses stays', async () => {
      const spy = new SpyVolumeSetter('/vols');
      const vm = manager(spy);
      cache.add(
        claim('shared', 'pv-s'),
        hostPathPv('pv-s', '/vols/pv-s'),
        claim('own', 'pv-o'),
        hostPathPv('pv-o', '/vols/pv-o'),
      );
      const a = pod('a', { uid: 'uid-a', claims: { s: 'shared', o: 'own' } });
      const b = pod('b', { uid: 'uid-b', claims: { s: 'shared' } });
      vm.setPod(a);
      vm.setPod(b);
      await vm.idle();
      expect(vm.volumesFor(a).ready && vm.volumesFor(b).ready).to.equal(true);

      vm.removePod('uid-a');
      await vm.idle();
      expect(spy.ops('tearDown').sort()).to.deep.equal(['pv-o@uid-a', 'pv-s@uid-a']);
      expect(vm.podVolumesTornDown('uid-a')).to.equal(true);
      expect(vm.podVolumesTornDown('uid-b')).to.equal(false);
      expect(readyVolumes(vm.volumesFor(b)).s?.hostPath).to.equal('/vols/pv-s');
    });

    it('a failed tearDown leaves the pod not torn down and is retried', async () => {
      const spy = new SpyVolumeSetter();
      spy.failTearDown.set('pv-1', 1);
      const vm = manager(spy);
      cache.add(claim('data', 'pv-1'), hostPathPv('pv-1', '/v/pv-1'));
      vm.setPod(pod('web', { uid: 'uid-w', claims: { d: 'data' } }));
      await vm.idle();
      vm.removePod('uid-w');
      await vm.idle();
      expect(vm.podVolumesTornDown('uid-w')).to.equal(false);
      await waitFor(() => vm.podVolumesTornDown('uid-w'), 5000, 'the retried tearDown');
      expect(spy.ops('tearDown')).to.deep.equal(['pv-1@uid-w', 'pv-1@uid-w']);
    });
  });

  describe('with the real volume plugins and the fake mounter', () => {
    let tmp = '';
    beforeEach(async () => {
      tmp = await realpath(await mkdtemp(path.join(os.tmpdir(), 'kubestore-vm-')));
    });
    afterEach(() => rm(tmp, { recursive: true, force: true }));

    it('hostPath: the PV directory is created (DirectoryOrCreate) and handed out', async () => {
      const vm = manager(testNodeDrivers(new FakeMounter(), { nfs: { isServer: false } }), path.join(tmp, 'kubelet'));
      const dir = path.join(tmp, 'volumes', 'pv-1');
      cache.add(claim('data', 'pv-1'), hostPathPv('pv-1', dir));
      const p = pod('web', { claims: { 'data-volume': 'data' } });
      vm.setPod(p);
      await vm.idle();
      expect(readyVolumes(vm.volumesFor(p))['data-volume']?.hostPath).to.equal(dir);
      expect((await stat(dir)).isDirectory()).to.equal(true);
    });

    it('hostPath: a relative path is refused with a FailedMount reason', async () => {
      const vm = manager(testNodeDrivers(new FakeMounter(), { nfs: { isServer: false } }), path.join(tmp, 'kubelet'));
      cache.add(claim('data', 'pv-1'), hostPathPv('pv-1', 'relative/dir'));
      const p = pod('web', { claims: { d: 'data' } });
      vm.setPod(p);
      await vm.idle();
      expect(notReady(vm.volumesFor(p))).to.match(/MountVolume\.SetUp failed for volume "d".*must be an absolute path/);
    });

    it('NFS: two pods on one PV share one mount; it is unmounted when the last pod goes', async () => {
      const mounter = new FakeMounter();
      const rootDir = path.join(tmp, 'kubelet');
      const vm = manager(testNodeDrivers(mounter, { nfs: { isServer: false } }), rootDir);
      cache.add(claim('shared', 'pv-nfs'), nfsPv('pv-nfs', '10.0.0.9', '/exports/pv-nfs'));
      const a = pod('a', { uid: 'uid-a', claims: { s: 'shared' } });
      const b = pod('b', { uid: 'uid-b', claims: { s: 'shared' } });
      const mountPoint = path.join(rootDir, 'plugins', 'kubernetes.io~nfs', 'mounts', 'pv-nfs');

      vm.setPod(a);
      vm.setPod(b);
      await vm.idle();
      expect(readyVolumes(vm.volumesFor(a)).s?.hostPath).to.equal(mountPoint);
      expect(readyVolumes(vm.volumesFor(b)).s?.hostPath).to.equal(mountPoint);
      expect(mounter.log).to.deep.equal([
        { action: 'mount', source: '10.0.0.9:/exports/pv-nfs', target: mountPoint, fsType: 'nfs', options: [] },
      ]);

      vm.removePod('uid-a');
      await vm.idle();
      expect(mounter.mountPoints()).to.deep.equal([mountPoint]);
      expect(vm.volumesFor(b).ready).to.equal(true);

      vm.removePod('uid-b');
      await vm.idle();
      expect(mounter.mountPoints()).to.deep.equal([]);
      expect(mounter.log.map((l) => l.action)).to.deep.equal(['mount', 'unmount']);
      expect(vm.podVolumesTornDown('uid-b')).to.equal(true);
    });

    it('NFS on a kernel without an NFS client: the pod waits with a reason that says so', async () => {
      const mounter = new FakeMounter({ nfsSupported: false });
      const vm = manager(testNodeDrivers(mounter, { nfs: { isServer: false } }), path.join(tmp, 'kubelet'));
      cache.add(claim('shared', 'pv-nfs'), nfsPv('pv-nfs'));
      const p = pod('a', { claims: { s: 'shared' } });
      vm.setPod(p);
      await vm.idle();
      expect(notReady(vm.volumesFor(p))).to.match(/MountVolume\.SetUp failed for volume "s".*kernel has no NFS client/);
      expect(mounter.log).to.deep.equal([]);
    });

    it('NFS served by this host (IS_NFS_SERVER): the export directory is bound, nothing is mounted', async () => {
      const mounter = new FakeMounter({ nfsSupported: false });
      const exportRoot = path.join(tmp, 'export');
      const vm = manager(
        testNodeDrivers(mounter, { nfs: { isServer: true, exportRoot, exportPath: '/exports' } }),
        path.join(tmp, 'kubelet'),
      );
      cache.add(claim('shared', 'pv-nfs'), nfsPv('pv-nfs', 'localhost', '/exports/default-shared'));
      const p = pod('a', { claims: { s: 'shared' } });
      vm.setPod(p);
      await vm.idle();
      expect(readyVolumes(vm.volumesFor(p)).s?.hostPath).to.equal(path.join(exportRoot, 'default-shared'));
      expect(mounter.log).to.deep.equal([]);
    });
  });
});
