import { expect } from 'chai';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FakeMounter } from '../../../../pkg/util/mount/fake_mounter';
import { filesystemsListNfs, LinuxMounter, modulesHaveNfs } from '../../../../pkg/util/mount/linux_mounter';
import { isNfsUnsupported, NfsUnsupportedError } from '../../../../pkg/util/mount/mounter';
import { parseMountInfo, parseMountInfoLine } from '../../../../pkg/util/mount/mountinfo';

const sample = [
  '22 27 0:21 / /proc rw,relatime - proc proc rw',
  '36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:7 - ext3 /dev/root rw,errors=continue',
  '40 27 0:45 / /var/lib/kubelet/plugins/kubernetes.io~nfs/mounts/pv\\040one rw,relatime - nfs4 10.0.0.5:/exports/a rw,vers=4.2,addr=10.0.0.5',
  '',
].join('\n');

describe('mount: /proc/self/mountinfo parsing', () => {
  it('parses ids, device, root, mount point, options, type, source and super options', () => {
    const [proc, ext3, nfs] = parseMountInfo(sample);
    expect(proc).to.deep.equal({
      id: 22,
      parentId: 27,
      device: '0:21',
      root: '/',
      mountPoint: '/proc',
      options: ['rw', 'relatime'],
      fsType: 'proc',
      source: 'proc',
      superOptions: ['rw'],
    });
    expect(ext3?.root).to.equal('/mnt1');
    expect(ext3?.mountPoint).to.equal('/mnt2');
    expect(ext3?.fsType).to.equal('ext3');
    expect(ext3?.source).to.equal('/dev/root');
    expect(ext3?.superOptions).to.deep.equal(['rw', 'errors=continue']);
    expect(nfs?.mountPoint).to.equal('/var/lib/kubelet/plugins/kubernetes.io~nfs/mounts/pv one');
    expect(nfs?.source).to.equal('10.0.0.5:/exports/a');
    expect(nfs?.fsType).to.equal('nfs4');
  });

  it('throws on a malformed line instead of guessing', () => {
    expect(() => parseMountInfoLine('22 27 0:21 / /proc rw,relatime proc proc rw')).to.throw(/malformed mountinfo/);
  });

  it('parses the real mount table of this process', async () => {
    const mounts = await new LinuxMounter().list();
    expect(mounts.some((m) => m.mountPoint === '/')).to.equal(true);
    expect(mounts.some((m) => m.mountPoint === '/proc' && m.fsType === 'proc')).to.equal(true);
  });
});

describe('mount: NFS support detection', () => {
  let tmp = '';
  before(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'kubestore-mount-'));
  });
  after(async () => rm(tmp, { recursive: true, force: true }));

  it('reads nfs/nfs4 from /proc/filesystems text and the NFS module from modules.dep', () => {
    expect(filesystemsListNfs('nodev\tsysfs\n\text4\nnodev\tnfs\nnodev\tnfs4\n')).to.equal(true);
    expect(filesystemsListNfs('nodev\tsysfs\n\text4\nnodev\tnfsd\n')).to.equal(false);
    expect(modulesHaveNfs('kernel/fs/nfs/nfs.ko: kernel/fs/lockd/lockd.ko\n')).to.equal(true);
    expect(modulesHaveNfs('kernel/fs/nfsd/nfsd.ko:\n')).to.equal(false);
  });

  it('a kernel without NFS: mount -t nfs fails with NfsUnsupportedError and a clear message', async () => {
    const filesystems = path.join(tmp, 'filesystems');
    await writeFile(filesystems, 'nodev\tsysfs\n\text4\nnodev\toverlay\n');
    const m = new LinuxMounter({
      filesystemsPath: filesystems,
      modulesDir: path.join(tmp, 'no-modules'),
      mountBin: '/bin/false',
    });
    expect(await m.nfsSupported()).to.equal(false);
    await m.mount('nfs.example:/exports/a', path.join(tmp, 'mnt'), 'nfs', []).then(
      () => expect.fail('mounted'),
      (err: unknown) => {
        expect(err).to.be.instanceOf(NfsUnsupportedError);
        expect(isNfsUnsupported(err)).to.equal(true);
        expect((err as Error).message).to.equal(
          "this machine's kernel has no NFS client (no nfs in /proc/filesystems); cannot mount nfs.example:/exports/a",
        );
      },
    );
  });

  it('a kernel with NFS registered or loadable is supported', async () => {
    const filesystems = path.join(tmp, 'filesystems-nfs');
    await writeFile(filesystems, 'nodev\tsysfs\nnodev\tnfs4\n');
    expect(await new LinuxMounter({ filesystemsPath: filesystems }).nfsSupported()).to.equal(true);
    const modules = path.join(tmp, 'modules');
    await rm(modules, { recursive: true, force: true });
    await mkdir(modules);
    await writeFile(path.join(modules, 'modules.dep'), 'kernel/fs/nfs/nfsv4.ko: kernel/fs/nfs/nfs.ko\n');
    const none = path.join(tmp, 'filesystems');
    expect(await new LinuxMounter({ filesystemsPath: none, modulesDir: modules }).nfsSupported()).to.equal(true);
  });

  it('this machine: reports whether the kernel has an NFS client', async function () {
    const supported = await new LinuxMounter().nfsSupported();
    console.log(
      `      (this kernel ${supported ? 'has' : 'has no'} NFS client: NFS mounts ${supported ? 'can' : 'cannot'} work here)`,
    );
    if (supported) this.skip();
    await new LinuxMounter().mount('localhost:/exports', path.join(tmp, 'mnt'), 'nfs4', []).then(
      () => expect.fail('mounted'),
      (err: unknown) => expect(err).to.be.instanceOf(NfsUnsupportedError),
    );
  });

  it('a failing mount(8) is a MountError carrying its stderr', async () => {
    const fakeMount = path.join(tmp, 'fake-mount.sh');
    await writeFile(fakeMount, '#!/bin/sh\necho "mount: permission denied." >&2\nexit 32\n', { mode: 0o755 });
    const m = new LinuxMounter({ mountBin: fakeMount });
    await m.mount('tmpfs', path.join(tmp, 'x'), 'tmpfs', ['size=1m']).then(
      () => expect.fail('mounted'),
      (err: unknown) => {
        expect(err).to.have.property('reason', 'MountFailed');
        expect((err as Error).message).to.equal(
          `mount -t tmpfs tmpfs ${path.join(tmp, 'x')} failed: mount: permission denied.`,
        );
      },
    );
  });

  it('isMountPoint: true for /proc, false for a plain directory or a missing path; unmount of a non-mount is a no-op', async () => {
    const m = new LinuxMounter({ umountBin: '/bin/false' });
    expect(await m.isMountPoint('/proc')).to.equal(true);
    expect(await m.isMountPoint(tmp)).to.equal(false);
    expect(await m.isMountPoint(path.join(tmp, 'missing'))).to.equal(false);
    await m.unmount(tmp); // would fail if it ran /bin/false
  });
});

describe('mount: FakeMounter', () => {
  it('keeps a mount table, logs actions, and honours the NFS switch', async () => {
    const m = new FakeMounter();
    await m.mount('srv:/e', '/var/lib/kubelet/x/', 'nfs', ['ro']);
    expect(await m.isMountPoint('/var/lib/kubelet/x')).to.equal(true);
    expect((await m.list()).map((x) => [x.source, x.mountPoint, x.fsType])).to.deep.equal([
      ['srv:/e', '/var/lib/kubelet/x', 'nfs'],
    ]);
    await m.unmount('/var/lib/kubelet/x');
    await m.unmount('/var/lib/kubelet/x');
    expect(m.log.map((a) => a.action)).to.deep.equal(['mount', 'unmount']);
    m.nfs = false;
    await m.mount('srv:/e', '/y', 'nfs', []).then(
      () => expect.fail('mounted'),
      (err: unknown) => expect(err).to.be.instanceOf(NfsUnsupportedError),
    );
  });
});
