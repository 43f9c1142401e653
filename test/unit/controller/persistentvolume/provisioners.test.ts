/**
 * The hostPath and NFS provisioners and the local directory helpers, on real temporary
 * directories: sane names and modes, idempotence, and no way (name, symlink, forged PV) to make
 * them create, chmod, empty or delete anything outside their base directory.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PersistentVolume } from '../../../../pkg/api/core/v1';
import { Annotation, Provisioner as Names } from '../../../../pkg/controller/volume/persistentvolume/constants';
import { HostPathProvisioner } from '../../../../pkg/controller/volume/persistentvolume/hostpath_provisioner';
import { createVolumeDir, emptyVolumeDir, insideBase, removeVolumeDir } from '../../../../pkg/controller/volume/persistentvolume/local_dirs';
import { localExportDir, NfsProvisioner, type NfsSettings } from '../../../../pkg/controller/volume/persistentvolume/nfs_provisioner';
import { baseAnnotation, ProvisioningError, safeSegment, type Provisioned } from '../../../../pkg/controller/volume/persistentvolume/provisioner';
import { pvc, sc } from './harness';

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

/** The PV the binder would build from a provision result. */
function pvFrom(name: string, made: Provisioned, provisioner: string): PersistentVolume {
  return { metadata: { name, annotations: { [Annotation.ProvisionedBy]: provisioner, ...made.annotations } }, spec: { ...made.source, capacity: { storage: '1Gi' } } };
}

describe('PV controller: safeSegment', () => {
  const cases: [string[], string][] = [
    [['default', 'data', 'pvc-1'], 'default-data-pvc-1'],
    [['Default', 'My_Claim', 'PV'], 'default-my-claim-pv'],
    [['default', '../../etc', 'pvc-1'], 'default-.-.-etc-pvc-1'],
    [['..', '..', '..'], '-.-.'],
    [['a/b', 'c\\d', 'e f'], 'a-b-c-d-e-f'],
  ];
  for (const [parts, want] of cases) {
    it(`${JSON.stringify(parts)} → ${JSON.stringify(want)}`, () => {
      const got = safeSegment(...parts);
      expect(got).to.equal(want);
      expect(got).to.not.include('/');
      expect(got).to.not.include('..');
      expect(got.startsWith('.')).to.equal(false);
    });
  }
  it('is at most 200 characters', () => {
    expect(safeSegment('n', 'x'.repeat(500), 'p')).to.have.length(200);
  });
});

describe('PV controller: local volume directories', () => {
  let tmp: string;
  let base: string;
  let outside: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kubestore-dirs-'));
    base = path.join(tmp, 'base');
    outside = path.join(tmp, 'outside');
    mkdirSync(outside, { mode: 0o700 });
    writeFileSync(path.join(outside, 'precious'), 'data');
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('createVolumeDir makes base/segment with mode 0777 (and the base), idempotently', async () => {
    const dir = await createVolumeDir(base, 'default-c-pv');
    expect(dir).to.equal(path.join(base, 'default-c-pv'));
    expect(statSync(dir).isDirectory()).to.equal(true);
    expect(statSync(dir).mode & 0o777).to.equal(0o777);
    writeFileSync(path.join(dir, 'f'), 'x');
    expect(await createVolumeDir(base, 'default-c-pv')).to.equal(dir);
    expect(readdirSync(dir)).to.deep.equal(['f']);
  });

  it('createVolumeDir refuses names with a slash, "." or "..", and a relative base', async () => {
    for (const seg of ['a/b', '.', '..', '']) expect(await rejection(createVolumeDir(base, seg))).to.be.instanceOf(ProvisioningError);
    expect(await rejection(createVolumeDir('relative/base', 'x'))).to.be.instanceOf(ProvisioningError);
  });

  it('createVolumeDir refuses a symlink escaping the base, without touching its target', async () => {
    mkdirSync(base);
    symlinkSync(outside, path.join(base, 'evil'));
    const err = await rejection(createVolumeDir(base, 'evil'));
    expect(err).to.be.instanceOf(ProvisioningError);
    expect(err.message).to.match(/outside/);
    expect(statSync(outside).mode & 0o777, 'the outside directory keeps its mode').to.equal(0o700);
  });

  it('insideBase accepts a directory strictly inside the base (through a symlinked base too)', async () => {
    const dir = await createVolumeDir(base, 'v');
    expect(await insideBase(base, dir)).to.equal(dir);
    const link = path.join(tmp, 'base-link');
    symlinkSync(base, link);
    expect(await insideBase(link, path.join(link, 'v'))).to.equal(dir);
    expect(await rejection(insideBase(base, base))).to.be.instanceOf(ProvisioningError);
  });

  it('removeVolumeDir deletes a directory inside the base; a missing one is fine', async () => {
    const dir = await createVolumeDir(base, 'v');
    writeFileSync(path.join(dir, 'f'), 'x');
    await removeVolumeDir(base, dir);
    expect(existsSync(dir)).to.equal(false);
    await removeVolumeDir(base, dir);
  });

  it('removeVolumeDir refuses the base itself, a path outside, and a symlink pointing outside', async () => {
    mkdirSync(base);
    expect(await rejection(removeVolumeDir(base, base))).to.be.instanceOf(ProvisioningError);
    expect(await rejection(removeVolumeDir(base, outside))).to.be.instanceOf(ProvisioningError);
    expect(await rejection(removeVolumeDir(base, path.join(base, '..', 'outside')))).to.be.instanceOf(ProvisioningError);
    symlinkSync(outside, path.join(base, 'evil'));
    expect(await rejection(removeVolumeDir(base, path.join(base, 'evil')))).to.be.instanceOf(ProvisioningError);
    expect(readdirSync(outside)).to.deep.equal(['precious']);
  });

  it('emptyVolumeDir removes the contents and keeps the directory; refuses outside the base', async () => {
    const dir = await createVolumeDir(base, 'v');
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'sub', 'f'), 'x');
    writeFileSync(path.join(dir, '.hidden'), 'x');
    await emptyVolumeDir(base, dir);
    expect(readdirSync(dir)).to.deep.equal([]);
    expect(existsSync(dir)).to.equal(true);
    expect(await rejection(emptyVolumeDir(base, outside))).to.be.instanceOf(ProvisioningError);
    expect(readdirSync(outside)).to.deep.equal(['precious']);
  });
});

describe('PV controller: HostPathProvisioner', () => {
  let tmp: string;
  let base: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kubestore-hp-'));
    base = path.join(tmp, 'volumes');
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  const hostPathClass = sc('hostPath', Names.HostPath);

  it('provisions <base>/<namespace>-<claim>-<pv> and records its base', async () => {
    const p = new HostPathProvisioner(base);
    const made = await p.provision({ pvName: 'pvc-123', claim: pvc('data', { namespace: 'team' }), storageClass: hostPathClass });
    const dir = path.join(base, 'team-data-pvc-123');
    expect(made.source).to.deep.equal({ hostPath: { path: dir, type: 'DirectoryOrCreate' } });
    expect(made.annotations[baseAnnotation]).to.equal(base);
    expect(statSync(dir).isDirectory()).to.equal(true);
    expect(p.owns(pvFrom('pvc-123', made, Names.HostPath))).to.equal(true);
    expect(p.owns(pvFrom('pvc-123', made, Names.NFS))).to.equal(false);
  });

  it("a class's path parameter overrides the default base; a relative or '..' base is refused", async () => {
    const p = new HostPathProvisioner(base);
    const other = path.join(tmp, 'fast');
    const made = await p.provision({ pvName: 'v', claim: pvc('c'), storageClass: sc('fast', Names.HostPath, { parameters: { path: other } }) });
    expect(made.source.hostPath?.path).to.equal(path.join(other, 'default-c-v'));
    for (const bad of ['relative', `${tmp}/../etc`]) {
      const err = await rejection(p.provision({ pvName: 'v', claim: pvc('c'), storageClass: sc('bad', Names.HostPath, { parameters: { path: bad } }) }));
      expect(err).to.be.instanceOf(ProvisioningError);
    }
  });

  it("claim names with '..' and slashes stay inside the base", async () => {
    const p = new HostPathProvisioner(base);
    const made = await p.provision({ pvName: 'pvc-1', claim: pvc('../../../../tmp/x', { namespace: '..' }), storageClass: hostPathClass });
    const dir = made.source.hostPath?.path ?? '';
    expect(path.dirname(dir)).to.equal(base);
    expect(path.basename(dir)).to.not.include('..');
  });

  it('delete removes the directory it provisioned; recycle empties it', async () => {
    const p = new HostPathProvisioner(base);
    const made = await p.provision({ pvName: 'v', claim: pvc('c'), storageClass: hostPathClass });
    const volume = pvFrom('v', made, Names.HostPath);
    const dir = made.source.hostPath?.path ?? '';
    writeFileSync(path.join(dir, 'f'), 'x');
    await p.recycle(volume);
    expect(readdirSync(dir)).to.deep.equal([]);
    await p.delete(volume);
    expect(existsSync(dir)).to.equal(false);
  });

  it('delete refuses a PV whose directory is not under its recorded base', async () => {
    const p = new HostPathProvisioner(base);
    const victim = path.join(tmp, 'victim');
    mkdirSync(victim);
    writeFileSync(path.join(victim, 'precious'), 'data');
    const forged: PersistentVolume = {
      metadata: { name: 'forged', annotations: { [Annotation.ProvisionedBy]: Names.HostPath, [baseAnnotation]: base } },
      spec: { hostPath: { path: victim } },
    };
    expect(await rejection(p.delete(forged))).to.be.instanceOf(ProvisioningError);
    expect(await rejection(p.recycle(forged))).to.be.instanceOf(ProvisioningError);
    expect(readdirSync(victim)).to.deep.equal(['precious']);
  });

  it('delete refuses a PV claiming to be ours but with no recorded base (not made by this provisioner)', async () => {
    const p = new HostPathProvisioner(base);
    const victim = path.join(tmp, 'victim');
    mkdirSync(victim);
    writeFileSync(path.join(victim, 'precious'), 'data');
    const forged: PersistentVolume = { metadata: { name: 'forged', annotations: { [Annotation.ProvisionedBy]: Names.HostPath } }, spec: { hostPath: { path: victim } } };
    expect(p.owns(forged), 'owns').to.equal(false);
    expect(await rejection(p.delete(forged))).to.be.instanceOf(ProvisioningError);
    expect(readdirSync(victim)).to.deep.equal(['precious']);
  });
});

describe('PV controller: NfsProvisioner', () => {
  let tmp: string;
  let settings: NfsSettings;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kubestore-nfs-'));
    settings = { server: 'localhost', isServer: true, exportRoot: path.join(tmp, 'export'), exportPath: '/exports' };
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  const nfsClass = (): ReturnType<typeof sc> => sc('nfs', Names.NFS, { parameters: { server: 'localhost', path: '/exports' } });

  it('maps exported paths to the local export root, and nothing outside the export', () => {
    expect(localExportDir('/exports/a', settings)).to.equal(path.join(settings.exportRoot, 'a'));
    expect(localExportDir('/exports/a/../b', settings)).to.equal(path.join(settings.exportRoot, 'b'));
    expect(localExportDir('/exports/../etc', settings)).to.equal(undefined);
    expect(localExportDir('/etc', settings)).to.equal(undefined);
  });

  it('IS_NFS_SERVER=true: the subdirectory is created under the export root; delete removes it', async () => {
    const p = new NfsProvisioner(settings);
    const made = await p.provision({ pvName: 'pvc-9', claim: pvc('data'), storageClass: nfsClass() });
    expect(made.source).to.deep.equal({ nfs: { server: 'localhost', path: '/exports/default-data-pvc-9' } });
    const dir = path.join(settings.exportRoot, 'default-data-pvc-9');
    expect(statSync(dir).isDirectory()).to.equal(true);
    const volume = pvFrom('pvc-9', made, Names.NFS);
    expect(p.owns(volume)).to.equal(true);
    writeFileSync(path.join(dir, 'f'), 'x');
    await p.recycle(volume);
    expect(readdirSync(dir)).to.deep.equal([]);
    await p.delete(volume);
    expect(existsSync(dir)).to.equal(false);
  });

  it('not the NFS server: provisioning fails with a ProvisioningError saying why (no mount attempted)', async () => {
    const p = new NfsProvisioner({ ...settings, isServer: false });
    const err = await rejection(p.provision({ pvName: 'v', claim: pvc('c'), storageClass: nfsClass() }));
    expect(err).to.be.instanceOf(ProvisioningError);
    expect(err.message).to.match(/mount/);
    expect(existsSync(settings.exportRoot)).to.equal(false);
  });

  it('a class naming a remote server is not created locally even on the NFS server', async () => {
    const p = new NfsProvisioner(settings);
    const err = await rejection(p.provision({ pvName: 'v', claim: pvc('c'), storageClass: sc('remote', Names.NFS, { parameters: { server: 'nfs.example.invalid', path: '/exports' } }) }));
    expect(err).to.be.instanceOf(ProvisioningError);
    expect(existsSync(settings.exportRoot)).to.equal(false);
  });

  it('delete refuses an export path outside the export root', async () => {
    const p = new NfsProvisioner(settings);
    const forged: PersistentVolume = { metadata: { name: 'f', annotations: { [Annotation.ProvisionedBy]: Names.NFS, [baseAnnotation]: settings.exportRoot } }, spec: { nfs: { server: 'localhost', path: '/etc' } } };
    expect(await rejection(p.delete(forged))).to.be.instanceOf(ProvisioningError);
  });
});
