import { expect } from 'chai';
import { mkdir, mkdtemp, readdir, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PersistentVolume } from '../../../../pkg/api/core/v1';
import { newHostPathDriver } from '../../../../pkg/volume/hostpath/driver';
import { HostPathNode } from '../../../../pkg/volume/hostpath/node';
import { VolumeSetupError } from '../../../../pkg/volume/errors';

function pv(p: string, type?: string): PersistentVolume {
  return { metadata: { name: 'pv1' }, spec: { hostPath: type === undefined ? { path: p } : { path: p, type } } };
}

async function refused(p: Promise<unknown>, message: RegExp): Promise<void> {
  await p.then(
    () => expect.fail('expected VolumeSetupError'),
    (err: unknown) => {
      expect(err).to.be.instanceOf(VolumeSetupError);
      expect(err).to.have.property('reason', 'FailedMount');
      expect((err as Error).message).to.match(message);
    },
  );
}

const mode = async (p: string): Promise<number> => (await stat(p)).mode & 0o777;

describe('volume/hostpath: HostPathNode', () => {
  const plugin = new HostPathNode();
  const ctx = { podUid: 'pod-1', rootDir: '/var/lib/kubelet', readOnly: false };
  let tmp = '';
  beforeEach(async () => {
    tmp = await realpath(await mkdtemp(path.join(os.tmpdir(), 'kubestore-hostpath-')));
  });
  afterEach(async () => rm(tmp, { recursive: true, force: true }));

  it('supports exactly the PVs with a hostPath source', () => {
    const driver = newHostPathDriver();
    expect(driver.handles(pv('/x'))).to.equal(true);
    expect(driver.handles({ metadata: {}, spec: { nfs: { server: 's', path: '/p' } } })).to.equal(false);
  });

  it('creates a missing directory: the volume 0777, new parents 0755', async () => {
    const dir = path.join(tmp, 'a', 'b', 'vol');
    const res = await plugin.publishVolume(pv(dir), ctx);
    expect(res).to.deep.equal({ hostPath: dir, readOnly: false });
    expect(await mode(dir)).to.equal(0o777);
    expect(await mode(path.join(tmp, 'a'))).to.equal(0o755);
    expect(await mode(path.join(tmp, 'a', 'b'))).to.equal(0o755);
  });

  it('normalizes trailing slashes and duplicate separators; setUp is idempotent', async () => {
    const dir = path.join(tmp, 'vol');
    expect((await plugin.publishVolume(pv(`${tmp}//vol/`, 'DirectoryOrCreate'), ctx)).hostPath).to.equal(dir);
    expect((await plugin.publishVolume(pv(dir), ctx)).hostPath).to.equal(dir);
  });

  it('leaves an existing directory and its permissions alone', async () => {
    const dir = path.join(tmp, 'existing');
    await mkdir(dir, { mode: 0o700 });
    await writeFile(path.join(dir, 'data'), 'x');
    expect((await plugin.publishVolume(pv(dir), ctx)).hostPath).to.equal(dir);
    expect(await mode(dir)).to.equal(0o700);
    expect(await readdir(dir)).to.deep.equal(['data']);
  });

  it("carries the pod's read-only request into the result", async () => {
    expect((await plugin.publishVolume(pv(path.join(tmp, 'ro')), { ...ctx, readOnly: true })).readOnly).to.equal(true);
  });

  it('refuses a relative path', async () => {
    await refused(plugin.publishVolume(pv('data/vol'), ctx), /must be an absolute path/);
  });

  it('refuses ".." even when it would normalize inside', async () => {
    await refused(plugin.publishVolume(pv(`${tmp}/a/../vol`), ctx), /must not contain "\.\."/);
    await rm(path.join(tmp, 'vol'), { force: true, recursive: true });
  });

  it('refuses the host root', async () => {
    await refused(plugin.publishVolume(pv('/'), ctx), /root directory/);
  });

  it('refuses a path through a symlinked parent, creating nothing outside', async () => {
    const outside = path.join(tmp, 'outside');
    await mkdir(outside);
    await symlink(outside, path.join(tmp, 'link'));
    await refused(
      plugin.publishVolume(pv(path.join(tmp, 'link', 'vol')), ctx),
      /goes through a symlink .* resolves to .*outside/,
    );
    expect(await readdir(outside)).to.deep.equal([]);
  });

  it('refuses a volume directory that is itself a symlink', async () => {
    await mkdir(path.join(tmp, 'real'));
    await symlink(path.join(tmp, 'real'), path.join(tmp, 'alias'));
    await refused(plugin.publishVolume(pv(path.join(tmp, 'alias')), ctx), /goes through a symlink/);
  });

  it('refuses a dangling symlink', async () => {
    await symlink(path.join(tmp, 'nowhere'), path.join(tmp, 'dangling'));
    await refused(plugin.publishVolume(pv(path.join(tmp, 'dangling', 'vol')), ctx), /dangling symlink/);
  });

  it('type Directory must exist; file types are refused; a file is not a directory', async () => {
    await refused(plugin.publishVolume(pv(path.join(tmp, 'missing'), 'Directory'), ctx), /does not exist/);
    await refused(
      plugin.publishVolume(pv(path.join(tmp, 'f'), 'FileOrCreate'), ctx),
      /type "FileOrCreate" is not supported/,
    );
    await writeFile(path.join(tmp, 'file'), 'x');
    await refused(plugin.publishVolume(pv(path.join(tmp, 'file')), ctx), /not a directory/);
    await refused(plugin.publishVolume(pv(path.join(tmp, 'file', 'sub')), ctx), /cannot create/);
  });

  it('tearDown keeps the data', async () => {
    const dir = path.join(tmp, 'keep');
    await plugin.publishVolume(pv(dir), ctx);
    await writeFile(path.join(dir, 'data'), 'x');
    await plugin.unpublishVolume();
    expect(await readdir(dir)).to.deep.equal(['data']);
  });
});
