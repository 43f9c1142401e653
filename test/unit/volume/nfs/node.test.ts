import { expect } from 'chai';
import { mkdir, mkdtemp, readdir, realpath, rm, stat, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PersistentVolume } from '../../../../pkg/api/core/v1';
import { FakeMounter } from '../../../../pkg/util/mount/fake_mounter';
import { MountError, MountErrorReason, NfsUnsupportedError } from '../../../../pkg/util/mount/mounter';
import { nfsEnvOptions, nfsSource, NfsNode, type NfsNodeOptions } from '../../../../pkg/volume/nfs/node';
import { VolumeSetupError } from '../../../../pkg/volume/errors';

function nfsPv(
  name: string,
  server: string,
  exported: string,
  extra: Partial<PersistentVolume['spec']> = {},
  readOnly?: boolean,
): PersistentVolume {
  return {
    metadata: { name },
    spec: { nfs: readOnly === undefined ? { server, path: exported } : { server, path: exported, readOnly }, ...extra },
  };
}

describe('volume/nfs: NfsNode', () => {
  let tmp = '';
  let exportRoot = '';
  let rootDir = '';
  let mounter: FakeMounter;
  const plugin = (o: Partial<NfsNodeOptions> = {}): NfsNode =>
    new NfsNode({
      isNfsServer: false,
      nfsServer: 'nfs.local',
      exportRoot,
      exportPath: '/exports',
      mounter,
      hostname: 'node-a',
      ...o,
    });
  const ctx = (podUid: string, readOnly = false) => ({ podUid, rootDir, readOnly });

  beforeEach(async () => {
    tmp = await realpath(await mkdtemp(path.join(os.tmpdir(), 'kubestore-nfs-')));
    exportRoot = path.join(tmp, 'export');
    rootDir = path.join(tmp, 'kubelet');
    mounter = new FakeMounter();
  });
  afterEach(async () => rm(tmp, { recursive: true, force: true }));

  describe('export path mapping', () => {
    it('maps /exports/a/b → <exportRoot>/a/b and /exports → <exportRoot>', () => {
      const p = plugin();
      expect(p.localExportDir('/exports/a/b')).to.equal(path.join(exportRoot, 'a', 'b'));
      expect(p.localExportDir('/exports/')).to.equal(exportRoot);
    });

    it('refuses paths outside the export or with ".."', () => {
      const p = plugin();
      expect(() => p.localExportDir('/other/a')).to.throw(VolumeSetupError, /outside the export "\/exports"/);
      expect(() => p.localExportDir('/exportsX/a')).to.throw(VolumeSetupError, /outside the export/);
      expect(() => p.localExportDir('/exports/../etc')).to.throw(VolumeSetupError, /\.\./);
      expect(() => p.localExportDir('exports/a')).to.throw(VolumeSetupError, /absolute/);
    });

    it('an export published as "/" maps every path under the export root', () => {
      expect(plugin({ exportPath: '/' }).localExportDir('/a/b')).to.equal(path.join(exportRoot, 'a', 'b'));
    });

    it('reads IS_NFS_SERVER and NFS_SERVER from the environment', () => {
      expect(nfsEnvOptions({ IS_NFS_SERVER: 'true', NFS_SERVER: 'nfs1' })).to.deep.equal({
        isNfsServer: true,
        nfsServer: 'nfs1',
      });
      expect(nfsEnvOptions({})).to.deep.equal({ isNfsServer: false, nfsServer: 'localhost' });
      expect(nfsEnvOptions({ IS_NFS_SERVER: 'false' }).isNfsServer).to.equal(false);
    });

    it('formats mount sources, bracketing IPv6 servers', () => {
      expect(nfsSource('10.0.0.5', '/exports/a')).to.equal('10.0.0.5:/exports/a');
      expect(nfsSource('fd00::5', '/exports/a')).to.equal('[fd00::5]:/exports/a');
    });
  });

  describe('on the NFS server (IS_NFS_SERVER=true)', () => {
    for (const server of ['localhost', '127.0.0.1', 'nfs.local', 'node-a', 'NODE-A']) {
      it(`binds the local export directory for server "${server}" without mounting`, async () => {
        const p = plugin({ isNfsServer: true });
        const res = await p.publishVolume(nfsPv('pv1', server, '/exports/ns-claim-pv1'), ctx('pod-1'));
        expect(res).to.deep.equal({ hostPath: path.join(exportRoot, 'ns-claim-pv1'), readOnly: false });
        expect((await stat(res.hostPath)).mode & 0o777).to.equal(0o777);
        expect(mounter.log).to.deep.equal([]);
        await p.unpublishVolume(nfsPv('pv1', server, '/exports/ns-claim-pv1'), ctx('pod-1'));
        expect(await readdir(exportRoot)).to.deep.equal(['ns-claim-pv1']);
      });
    }

    it('works on a kernel without NFS (nothing is mounted)', async () => {
      mounter.nfs = false;
      const res = await plugin({ isNfsServer: true }).publishVolume(
        nfsPv('pv1', 'localhost', '/exports/v'),
        ctx('pod-1'),
      );
      expect(res.hostPath).to.equal(path.join(exportRoot, 'v'));
    });

    it('a read-only NFS source or pod request binds read-only', async () => {
      const p = plugin({ isNfsServer: true });
      expect(
        (await p.publishVolume(nfsPv('pv1', 'localhost', '/exports/v', {}, true), ctx('pod-1'))).readOnly,
      ).to.equal(true);
      expect((await p.publishVolume(nfsPv('pv1', 'localhost', '/exports/v'), ctx('pod-1', true))).readOnly).to.equal(
        true,
      );
    });

    it('refuses paths outside the export and symlinks out of it', async () => {
      const p = plugin({ isNfsServer: true });
      await p.publishVolume(nfsPv('pv1', 'localhost', '/srv/v'), ctx('pod-1')).then(
        () => expect.fail('set up'),
        (err: unknown) => expect(err).to.be.instanceOf(VolumeSetupError),
      );
      await mkdir(exportRoot, { recursive: true });
      await mkdir(path.join(tmp, 'elsewhere'));
      await symlink(path.join(tmp, 'elsewhere'), path.join(exportRoot, 'escape'));
      await p.publishVolume(nfsPv('pv1', 'localhost', '/exports/escape/v'), ctx('pod-1')).then(
        () => expect.fail('set up through a symlink'),
        (err: unknown) => expect((err as Error).message).to.match(/symlink/),
      );
      expect(await readdir(path.join(tmp, 'elsewhere'))).to.deep.equal([]);
    });

    it('mounts a remote server even on the NFS server host', async () => {
      const res = await plugin({ isNfsServer: true }).publishVolume(
        nfsPv('pv1', 'other-nfs', '/exports/v'),
        ctx('pod-1'),
      );
      expect(res.hostPath).to.equal(path.join(rootDir, 'plugins', 'kubernetes.io~nfs', 'mounts', 'pv1'));
      expect(mounter.log).to.have.length(1);
    });
  });

  describe('remote servers: shared, reference-counted mounts', () => {
    const pv1 = nfsPv('pv1', '10.0.0.5', '/exports/a', { mountOptions: ['vers=4.1'] });
    const mountPoint = (): string => path.join(rootDir, 'plugins', 'kubernetes.io~nfs', 'mounts', 'pv1');

    it('mounts on the first pod, reuses for the next, unmounts after the last', async () => {
      const p = plugin();
      const a = await p.publishVolume(pv1, ctx('pod-a'));
      const b = await p.publishVolume(pv1, ctx('pod-b', true));
      expect(a).to.deep.equal({ hostPath: mountPoint(), readOnly: false });
      expect(b).to.deep.equal({ hostPath: mountPoint(), readOnly: true });
      expect(mounter.log).to.deep.equal([
        { action: 'mount', source: '10.0.0.5:/exports/a', target: mountPoint(), fsType: 'nfs', options: ['vers=4.1'] },
      ]);
      expect(p.podsUsing('pv1')).to.deep.equal(['pod-a', 'pod-b']);

      await p.unpublishVolume(pv1, ctx('pod-a'));
      expect(await mounter.isMountPoint(mountPoint())).to.equal(true);
      await p.unpublishVolume(pv1, ctx('pod-b'));
      expect(await mounter.isMountPoint(mountPoint())).to.equal(false);
      expect(mounter.log.map((x) => x.action)).to.deep.equal(['mount', 'unmount']);
      await stat(mountPoint()).then(
        () => expect.fail('mount point left behind'),
        (err: NodeJS.ErrnoException) => expect(err.code).to.equal('ENOENT'),
      );
      await p.unpublishVolume(pv1, ctx('pod-b')); // idempotent
      expect(mounter.log).to.have.length(2);
    });

    it('setUp twice for the same pod counts it once', async () => {
      const p = plugin();
      await p.publishVolume(pv1, ctx('pod-a'));
      await p.publishVolume(pv1, ctx('pod-a'));
      expect(p.podsUsing('pv1')).to.deep.equal(['pod-a']);
      await p.unpublishVolume(pv1, ctx('pod-a'));
      expect(mounter.mountPoints()).to.deep.equal([]);
    });

    it('concurrent setUps of one PV mount once', async () => {
      const p = plugin();
      await Promise.all(['a', 'b', 'c', 'd'].map((uid) => p.publishVolume(pv1, ctx(uid))));
      expect(mounter.log.filter((x) => x.action === 'mount')).to.have.length(1);
      expect(p.podsUsing('pv1')).to.deep.equal(['a', 'b', 'c', 'd']);
    });

    it('after a restart, counts are rebuilt from setUp of the surviving pods (the mount is reused)', async () => {
      await plugin().publishVolume(pv1, ctx('pod-a'));
      await plugin().publishVolume(pv1, ctx('pod-b'));
      const restarted = plugin();
      expect(await restarted.mountedVolumes(rootDir)).to.deep.equal([
        { pvName: 'pv1', mountPoint: mountPoint(), source: '10.0.0.5:/exports/a' },
      ]);
      await restarted.publishVolume(pv1, ctx('pod-b'));
      restarted.reconstruct('pv1', ['pod-a', 'pod-b']);
      await restarted.unpublishVolume(pv1, ctx('pod-a'));
      expect(mounter.mountPoints()).to.deep.equal([mountPoint()]);
      await restarted.unpublishVolume(pv1, ctx('pod-b'));
      expect(mounter.mountPoints()).to.deep.equal([]);
      expect(mounter.log.filter((x) => x.action === 'mount')).to.have.length(1);
    });

    it('a read-only NFS source is mounted with ro', async () => {
      await plugin().publishVolume(nfsPv('pv2', 'srv', '/exports/b', {}, true), ctx('pod-a'));
      expect(mounter.log[0]).to.deep.include({ options: ['ro'] });
    });

    it("mountedVolumes lists only this plugin's mounts under the root dir", async () => {
      await mounter.mount('srv:/x', '/mnt/other', 'nfs', []);
      await plugin().publishVolume(pv1, ctx('pod-a'));
      expect((await plugin().mountedVolumes(rootDir)).map((m) => m.pvName)).to.deep.equal(['pv1']);
    });

    it('a kernel without an NFS client: NfsUnsupportedError with a clear message, nothing left behind', async () => {
      mounter.nfs = false;
      await plugin()
        .publishVolume(pv1, ctx('pod-a'))
        .then(
          () => expect.fail('mounted'),
          (err: unknown) => {
            expect(err).to.be.instanceOf(NfsUnsupportedError);
            expect((err as Error).message).to.equal(
              "this machine's kernel has no NFS client (no nfs in /proc/filesystems); cannot mount 10.0.0.5:/exports/a",
            );
          },
        );
      await stat(mountPoint()).then(
        () => expect.fail('mount point created'),
        (err: NodeJS.ErrnoException) => expect(err.code).to.equal('ENOENT'),
      );
    });

    it('a failed mount removes the empty mount point and counts no pod', async () => {
      const p = plugin();
      mounter.failNextMount = new MountError(MountErrorReason.MountFailed, 'mount.nfs: Connection timed out');
      await p.publishVolume(pv1, ctx('pod-a')).then(
        () => expect.fail('mounted'),
        (err: unknown) => expect((err as Error).message).to.match(/timed out/),
      );
      expect(p.podsUsing('pv1')).to.deep.equal([]);
      await stat(mountPoint()).then(
        () => expect.fail('left behind'),
        (err: NodeJS.ErrnoException) => expect(err.code).to.equal('ENOENT'),
      );
      await p.publishVolume(pv1, ctx('pod-a')); // a retry succeeds
      expect(p.podsUsing('pv1')).to.deep.equal(['pod-a']);
    });

    it('refuses PV names that would escape the mounts directory', async () => {
      await plugin()
        .publishVolume(nfsPv('../x', 'srv', '/exports/a'), ctx('pod-a'))
        .then(
          () => expect.fail('set up'),
          (err: unknown) => expect(err).to.be.instanceOf(VolumeSetupError),
        );
    });
  });
  describe('restart cleanup', () => {
    it('unmounts shared mounts no pod needs, keeps the ones still wanted or counted', async () => {
      mounter = new FakeMounter({ nfsSupported: true });
      const q = plugin();
      await q.publishVolume(nfsPv('kept', 'nfs.remote', '/exports/kept'), ctx('pod-1'));
      await q.publishVolume(nfsPv('orphan', 'nfs.remote', '/exports/orphan'), ctx('pod-2'));
      await q.publishVolume(nfsPv('counted', 'nfs.remote', '/exports/counted'), ctx('pod-3'));
      // A restarted kubelet: a fresh plugin that only knows pod-3 still uses "counted".
      const restarted = plugin();
      restarted.reconstruct('counted', ['pod-3']);
      const removed = await restarted.cleanupOrphans(rootDir, new Set(['kept']));
      expect(removed).to.deep.equal(['orphan']);
      const left = (await restarted.mountedVolumes(rootDir)).map((m) => m.pvName).sort();
      expect(left).to.deep.equal(['counted', 'kept']);
    });
  });
});
