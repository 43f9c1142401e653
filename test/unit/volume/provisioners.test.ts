/**
 * The hostPath and NFS provisioners, the local directory helpers and the reclaim guard, on real
 * temporary directories: sane names and modes, idempotence, and no way (name, symlink, "..",
 * forged annotations, a record of another uid) to make them create, chmod, empty or delete
 * anything outside their roots or not recorded as made by this controller.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PersistentVolume } from '../../../pkg/api/core/v1';
import type { StorageClass } from '../../../pkg/api/storage/v1';
import { Annotation } from '../../../pkg/controller/volume/persistentvolume/constants';
import { provisioningDriverOf } from '../../../pkg/controller/volume/persistentvolume/drivers';
import { BuiltinProvisioner as Names, testDriverRegistry } from '../../helpers/volume_drivers';
import { HostPathController } from '../../../pkg/volume/hostpath/controller';
import { createVolumeDir, safeSegment } from '../../../pkg/volume/dirs/volume_dirs';
import { localExportDir, NfsController } from '../../../pkg/volume/nfs/controller';
import type { NfsSettings } from '../../../pkg/volume/nfs/identity';
import type { ControllerService } from '../../../pkg/volume/controller_service';
import { ProvisioningError, ReclaimRefusal } from '../../../pkg/volume/errors';
import {
  FileProvisioningRecords,
  MemoryProvisioningRecords,
  prepareRecord,
} from '../../../pkg/volume/dirs/provisioning_records';
import { pvc, sc } from '../controller/volume/persistentvolume/harness';

/** createVolumeDir's context: one root, no volumes recorded yet. */
const only = (root: string) => ({ roots: [root], records: new MemoryProvisioningRecords() });

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

/** The ids an apiserver would give the created PV. */
let uidCounter = 0;

/**
 * Provisions as claim_sync does: provision → record → "create" the PV (a uid is assigned) →
 * adopt (unless `crash`: the controller died before completing the record).
 */
/** What the provisioning record of `p`'s volumes says their type is. */
const typeOf = (p: ControllerService): string => (p instanceof NfsController ? 'nfs' : 'hostPath');

/** True when the PV controller would ask a driver (by source and provisioned-by) to reclaim `pv`. */
const claimedByDriver = (pv: PersistentVolume): boolean => provisioningDriverOf(testDriverRegistry(), pv) !== undefined;

async function provisionAsController(
  p: ControllerService,
  records: FileProvisioningRecords,
  o: { pvName: string; claimName: string; storageClass: StorageClass; crash?: boolean },
): Promise<PersistentVolume> {
  const claim = pvc(o.claimName);
  const made = await p.createVolume({ pvName: o.pvName, claim, storageClass: o.storageClass });
  await prepareRecord(records, {
    pvName: o.pvName,
    claimUid: claim.metadata.uid ?? '',
    claim: `default/${o.claimName}`,
    type: typeOf(p),
    path: made.localPath,
  });
  const pv: PersistentVolume = {
    metadata: {
      name: o.pvName,
      uid: `pv-uid-${++uidCounter}`,
      annotations: { [Annotation.ProvisionedBy]: o.storageClass.provisioner, ...made.annotations },
    },
    spec: {
      ...made.source,
      capacity: { storage: '1Gi' },
      claimRef: { namespace: 'default', name: o.claimName, uid: claim.metadata.uid ?? '' },
    },
  };
  if (!o.crash) await p.adoptVolume(pv);
  return pv;
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
  it('names that differ only past 200 characters still get different directories (no two volumes share one)', () => {
    const claim = 'c'.repeat(200);
    const a = safeSegment('ns', claim, 'pvc-aaaa');
    const b = safeSegment('ns', claim, 'pvc-bbbb');
    expect(a).to.not.equal(b);
    expect(a).to.have.length.at.most(200);
    expect(a).to.equal(safeSegment('ns', claim, 'pvc-aaaa'));
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
    const dir = await createVolumeDir(base, 'default-c-pv', only(base));
    expect(dir.path).to.equal(path.join(base, 'default-c-pv'));
    expect(dir.real).to.equal(path.join(base, 'default-c-pv'));
    expect(statSync(dir.path).isDirectory()).to.equal(true);
    expect(statSync(dir.path).mode & 0o777).to.equal(0o777);
    writeFileSync(path.join(dir.path, 'f'), 'x');
    expect((await createVolumeDir(base, 'default-c-pv', only(base))).path).to.equal(dir.path);
    expect(readdirSync(dir.path)).to.deep.equal(['f']);
  });

  it('createVolumeDir refuses names with a slash, ".", ".." or NUL, and a base that is relative or outside the roots', async () => {
    for (const seg of ['a/b', '.', '..', '', 'a\0b'])
      expect(await rejection(createVolumeDir(base, seg, only(base))), seg).to.be.instanceOf(ProvisioningError);
    for (const bad of ['relative/base', outside, `${base}/../outside`, `${base}\0x`]) {
      expect(await rejection(createVolumeDir(bad, 'x', only(base))), bad).to.be.instanceOf(ProvisioningError);
    }
    expect(readdirSync(outside)).to.deep.equal(['precious']);
  });

  it('createVolumeDir refuses a symlink escaping the root (as the volume or as the base), without touching its target', async () => {
    mkdirSync(base);
    symlinkSync(outside, path.join(base, 'evil'));
    const err = await rejection(createVolumeDir(base, 'evil', only(base)));
    expect(err).to.be.instanceOf(ProvisioningError);
    expect(err.message).to.match(/outside|not a directory strictly under/);
    const viaBase = await rejection(createVolumeDir(path.join(base, 'evil'), 'v', only(base)));
    expect(viaBase).to.be.instanceOf(ProvisioningError);
    expect(statSync(outside).mode & 0o777, 'the outside directory keeps its mode').to.equal(0o700);
    expect(readdirSync(outside)).to.deep.equal(['precious']);
  });
});

describe('PV controller: provisioning records', () => {
  let tmp: string;
  beforeEach(() => (tmp = mkdtempSync(path.join(os.tmpdir(), 'kubestore-rec-'))));
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('put/get/remove round-trip in a 0700 directory; missing is undefined; names that are not PV names never reach a file', async () => {
    const records = new FileProvisioningRecords(path.join(tmp, 'records'));
    expect(await records.get('pvc-1')).to.equal(undefined);
    await records.put({ pvName: 'pvc-1', claimUid: 'u', claim: 'default/c', type: 'hostPath', path: '/v/d' });
    expect(await records.get('pvc-1')).to.deep.equal({
      pvName: 'pvc-1',
      claimUid: 'u',
      claim: 'default/c',
      type: 'hostPath',
      path: '/v/d',
    });
    expect(statSync(path.join(tmp, 'records')).mode & 0o777).to.equal(0o700);
    expect(readdirSync(path.join(tmp, 'records'))).to.deep.equal(['pvc-1.json']);
    for (const bad of ['../x', 'a/b', '..', 'UPPER']) {
      expect(await records.get(bad), bad).to.equal(undefined);
      expect(
        await rejection(records.put({ pvName: bad, claimUid: 'u', claim: 'c', type: 'hostPath', path: '/v' })),
        bad,
      ).to.be.instanceOf(Error);
    }
    await records.remove('pvc-1');
    expect(await records.get('pvc-1')).to.equal(undefined);
  });

  it('prepareRecord keeps a matching record (with its uid) and replaces a stale one', async () => {
    const records = new FileProvisioningRecords(tmp);
    const rec = { pvName: 'v', claimUid: 'u', claim: 'default/c', type: 'hostPath' as const, path: '/v/d' };
    await prepareRecord(records, rec);
    await records.put({ ...rec, pvUid: 'pv-1' });
    await prepareRecord(records, rec);
    expect((await records.get('v'))?.pvUid).to.equal('pv-1');
    await prepareRecord(records, { ...rec, claimUid: 'other' });
    expect(await records.get('v')).to.deep.equal({ ...rec, claimUid: 'other' });
  });
});

describe('PV controller: HostPathController and the reclaim guard', () => {
  let tmp: string;
  let base: string;
  let fast: string;
  let victim: string;
  let records: FileProvisioningRecords;
  let p: HostPathController;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kubestore-hp-'));
    base = path.join(tmp, 'volumes');
    fast = path.join(tmp, 'fast');
    victim = path.join(tmp, 'victim');
    mkdirSync(victim);
    writeFileSync(path.join(victim, 'precious'), 'data');
    records = new FileProvisioningRecords(path.join(tmp, 'records'));
    p = new HostPathController({ baseDir: base, allowedRoots: [fast], records });
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  const hostPathClass = sc('hostPath', Names.HostPath);
  const victimIntact = (): void => {
    expect(readdirSync(victim), 'the victim directory is untouched').to.deep.equal(['precious']);
  };

  it('provisions <base>/<namespace>-<claim>-<pv>, writes no trust annotation, and its record names path, claim and (after adopt) PV uid', async () => {
    const made = await p.createVolume({
      pvName: 'pvc-123',
      claim: pvc('data', { namespace: 'team' }),
      storageClass: hostPathClass,
    });
    const dir = path.join(base, 'team-data-pvc-123');
    expect(made.source).to.deep.equal({ hostPath: { path: dir, type: 'DirectoryOrCreate' } });
    expect(made.annotations).to.deep.equal({});
    expect(made.localPath).to.equal(dir);
    expect(statSync(dir).isDirectory()).to.equal(true);
    const pv = await provisionAsController(p, records, {
      pvName: 'pvc-9',
      claimName: 'c',
      storageClass: hostPathClass,
    });
    expect(await records.get('pvc-9')).to.deep.include({
      pvUid: pv.metadata.uid,
      claimUid: 'uid-c',
      path: path.join(base, 'default-c-pvc-9'),
      type: 'hostPath',
    });
    expect(claimedByDriver(pv)).to.equal(true);
  });

  it("a class path under an allowed root is used; outside the roots, relative, '..' or NUL is a ProvisioningError and creates nothing", async () => {
    const made = await p.createVolume({
      pvName: 'v',
      claim: pvc('c'),
      storageClass: sc('fast', Names.HostPath, { parameters: { path: path.join(fast, 'ssd') } }),
    });
    expect(made.source.hostPath?.path).to.equal(path.join(fast, 'ssd', 'default-c-v'));
    for (const bad of ['relative', `${fast}/../victim`, victim, path.join(tmp, 'anywhere'), `${fast}\0`]) {
      const err = await rejection(
        p.createVolume({
          pvName: 'v',
          claim: pvc('c'),
          storageClass: sc('bad', Names.HostPath, { parameters: { path: bad } }),
        }),
      );
      expect(err, bad).to.be.instanceOf(ProvisioningError);
      expect(err.message).to.match(/parameters\.path/);
    }
    expect(existsSync(path.join(tmp, 'anywhere'))).to.equal(false);
    victimIntact();
  });

  it("claim names with '..' and slashes stay inside the base", async () => {
    const made = await p.createVolume({
      pvName: 'pvc-1',
      claim: pvc('../../../../tmp/x', { namespace: '..' }),
      storageClass: hostPathClass,
    });
    const dir = made.source.hostPath?.path ?? '';
    expect(path.dirname(dir)).to.equal(base);
    expect(path.basename(dir)).to.not.include('..');
  });

  it('delete removes the directory it provisioned and recorded; recycle empties it; a missing directory deletes fine but cannot be recycled', async () => {
    const volume = await provisionAsController(p, records, {
      pvName: 'v',
      claimName: 'c',
      storageClass: hostPathClass,
    });
    const dir = volume.spec.hostPath?.path ?? '';
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'sub', 'f'), 'x');
    symlinkSync(victim, path.join(dir, 'link-to-victim'));
    await p.recycleVolume(volume);
    expect(readdirSync(dir)).to.deep.equal([]);
    victimIntact();
    await p.deleteVolume(volume);
    expect(existsSync(dir)).to.equal(false);
    await p.deleteVolume(volume);
    expect(await rejection(p.recycleVolume(volume))).to.be.instanceOf(ReclaimRefusal);
  });

  it('forged annotations (provisioned-by, the old provisioned-base) with no record: refused, nothing deleted or emptied, inside the base or not', async () => {
    mkdirSync(path.join(base, 'important'), { recursive: true });
    writeFileSync(path.join(base, 'important', 'keep'), 'x');
    for (const target of [victim, path.join(base, 'important')]) {
      const forged: PersistentVolume = {
        metadata: {
          name: 'forged',
          uid: 'f-1',
          annotations: {
            [Annotation.ProvisionedBy]: Names.HostPath,
            'kubestore.io/provisioned-base': path.dirname(target),
          },
        },
        spec: { hostPath: { path: target }, claimRef: { name: 'c', namespace: 'default', uid: 'uid-c' } },
      };
      expect(claimedByDriver(forged)).to.equal(true);
      const del = await rejection(p.deleteVolume(forged));
      expect(del, target).to.be.instanceOf(ReclaimRefusal);
      expect(await rejection(p.recycleVolume(forged))).to.be.instanceOf(ReclaimRefusal);
      if (target === victim) expect(del.message).to.match(/not strictly under a root/);
      else expect(del.message).to.match(/no provisioning record/);
    }
    victimIntact();
    expect(readdirSync(path.join(base, 'important'))).to.deep.equal(['keep']);
  });

  it('a record of another uid (same name, PV re-created by someone else): refused', async () => {
    const legit = await provisionAsController(p, records, { pvName: 'v', claimName: 'c', storageClass: hostPathClass });
    const dir = legit.spec.hostPath?.path ?? '';
    writeFileSync(path.join(dir, 'f'), 'x');
    const impostor: PersistentVolume = { ...legit, metadata: { ...legit.metadata, uid: 'someone-elses' } };
    const err = await rejection(p.deleteVolume(impostor));
    expect(err).to.be.instanceOf(ReclaimRefusal);
    expect(err.message).to.match(/names PV uid .* but this PV has uid someone-elses/);
    expect(await rejection(p.recycleVolume(impostor))).to.be.instanceOf(ReclaimRefusal);
    expect(readdirSync(dir)).to.deep.equal(['f']);
  });

  it('a recorded PV whose path is changed to another directory (symlink pointing outside, "..", another volume): refused', async () => {
    const legit = await provisionAsController(p, records, { pvName: 'v', claimName: 'c', storageClass: hostPathClass });
    const other = await provisionAsController(p, records, { pvName: 'w', claimName: 'd', storageClass: hostPathClass });
    writeFileSync(path.join(other.spec.hostPath?.path ?? '', 'f'), 'x');
    symlinkSync(victim, path.join(base, 'evil'));
    const cases: [string, RegExp][] = [
      [path.join(base, 'evil'), /not strictly under a root/],
      // Missing: resolved through its deepest existing ancestor, the symlink.
      [
        path.join(base, 'evil', 'missing', 'deeper'),
        /resolves to .*victim\/missing\/deeper, which is not strictly under a root/,
      ],
      [path.join(base, 'never-made'), /names directory .* but the PV's directory resolves to/],
      [`${base}/x/../../victim`, /must not contain "\.\."/],
      [`${legit.spec.hostPath?.path ?? ''}/../default-d-w`, /must not contain "\.\."/],
      [other.spec.hostPath?.path ?? '', /names directory .* but the PV's directory resolves to/],
      [base, /not strictly under a root/],
    ];
    for (const [target, why] of cases) {
      const moved: PersistentVolume = { ...legit, spec: { ...legit.spec, hostPath: { path: target } } };
      const err = await rejection(p.deleteVolume(moved));
      expect(err, target).to.be.instanceOf(ReclaimRefusal);
      expect(err.message, target).to.match(why);
      expect(await rejection(p.recycleVolume(moved)), target).to.be.instanceOf(ReclaimRefusal);
    }
    victimIntact();
    expect(readdirSync(other.spec.hostPath?.path ?? '')).to.deep.equal(['f']);
    expect(existsSync(legit.spec.hostPath?.path ?? '')).to.equal(true);
  });

  it('the directory replaced by a symlink to outside after provisioning: refused, the target untouched', async () => {
    const legit = await provisionAsController(p, records, { pvName: 'v', claimName: 'c', storageClass: hostPathClass });
    const dir = legit.spec.hostPath?.path ?? '';
    rmSync(dir, { recursive: true });
    symlinkSync(victim, dir);
    expect(await rejection(p.deleteVolume(legit))).to.be.instanceOf(ReclaimRefusal);
    expect(await rejection(p.recycleVolume(legit))).to.be.instanceOf(ReclaimRefusal);
    victimIntact();
  });

  it('crash window (record written, PV created, uid never recorded): adopt/reclaim fill in the uid of the matching PV only', async () => {
    const pv = await provisionAsController(p, records, {
      pvName: 'v',
      claimName: 'c',
      storageClass: hostPathClass,
      crash: true,
    });
    expect((await records.get('v'))?.pvUid).to.equal(undefined);
    // A PV that does not match what the controller chose (another claim) is not adopted.
    const other: PersistentVolume = {
      ...pv,
      metadata: { ...pv.metadata, uid: 'x' },
      spec: { ...pv.spec, claimRef: { name: 'c', namespace: 'default', uid: 'uid-other' } },
    };
    await p.adoptVolume(other);
    expect((await records.get('v'))?.pvUid).to.equal(undefined);
    expect(await rejection(p.deleteVolume(other))).to.be.instanceOf(ReclaimRefusal);
    expect(existsSync(pv.spec.hostPath?.path ?? '')).to.equal(true);
    // The retry (adopt) completes it; a second adopt changes nothing.
    await p.adoptVolume(pv);
    await p.adoptVolume({ ...pv, metadata: { ...pv.metadata, uid: 'later' } });
    expect((await records.get('v'))?.pvUid).to.equal(pv.metadata.uid);
    // The claim deleted before any retry: reclaim itself completes and deletes.
    const pv2 = await provisionAsController(p, records, {
      pvName: 'v2',
      claimName: 'c2',
      storageClass: hostPathClass,
      crash: true,
    });
    await p.deleteVolume(pv2);
    expect(existsSync(pv2.spec.hostPath?.path ?? '')).to.equal(false);
  });
});

describe('PV controller: NfsController', () => {
  let tmp: string;
  let settings: NfsSettings;
  let records: FileProvisioningRecords;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kubestore-nfs-'));
    settings = { server: 'localhost', isServer: true, exportRoot: path.join(tmp, 'export'), exportPath: '/exports' };
    records = new FileProvisioningRecords(path.join(tmp, 'records'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  const nfsClass = (): StorageClass => sc('nfs', Names.NFS, { parameters: { server: 'localhost', path: '/exports' } });

  it('maps exported paths to the local export root, and nothing outside the export or with ".."', () => {
    expect(localExportDir('/exports/a', settings)).to.equal(path.join(settings.exportRoot, 'a'));
    expect(localExportDir('/exports/a/../b', settings)).to.equal(undefined);
    expect(localExportDir('/exports/../etc', settings)).to.equal(undefined);
    expect(localExportDir('/etc', settings)).to.equal(undefined);
    expect(localExportDir('exports/a', settings)).to.equal(undefined);
  });

  it('IS_NFS_SERVER=true: the subdirectory is created under the export root and recorded; recycle empties it, delete removes it', async () => {
    const p = new NfsController(settings, records);
    const made = await p.createVolume({ pvName: 'pvc-9', claim: pvc('data'), storageClass: nfsClass() });
    expect(made.source).to.deep.equal({ nfs: { server: 'localhost', path: '/exports/default-data-pvc-9' } });
    const volume = await provisionAsController(p, records, {
      pvName: 'pvc-9',
      claimName: 'data',
      storageClass: nfsClass(),
    });
    const dir = path.join(settings.exportRoot, 'default-data-pvc-9');
    expect(statSync(dir).isDirectory()).to.equal(true);
    expect(await records.get('pvc-9')).to.deep.include({ type: 'nfs', path: dir, pvUid: volume.metadata.uid });
    writeFileSync(path.join(dir, 'f'), 'x');
    await p.recycleVolume(volume);
    expect(readdirSync(dir)).to.deep.equal([]);
    await p.deleteVolume(volume);
    expect(existsSync(dir)).to.equal(false);
  });

  it('not the NFS server: provisioning fails with a ProvisioningError saying why (no mount attempted)', async () => {
    const p = new NfsController({ ...settings, isServer: false }, records);
    const err = await rejection(p.createVolume({ pvName: 'v', claim: pvc('c'), storageClass: nfsClass() }));
    expect(err).to.be.instanceOf(ProvisioningError);
    expect(err.message).to.match(/mount/);
    expect(existsSync(settings.exportRoot)).to.equal(false);
  });

  it('a class naming a remote server, or a path with "..", is not created locally even on the NFS server', async () => {
    const p = new NfsController(settings, records);
    for (const parameters of [
      { server: 'nfs.example.invalid', path: '/exports' },
      { server: 'localhost', path: '/exports/../etc' },
    ]) {
      const err = await rejection(
        p.createVolume({ pvName: 'v', claim: pvc('c'), storageClass: sc('remote', Names.NFS, { parameters }) }),
      );
      expect(err).to.be.instanceOf(ProvisioningError);
    }
    expect(existsSync(settings.exportRoot)).to.equal(false);
  });

  it('forged NFS PVs (outside the export, ".." in the path, inside the export with no record, not local): refused, nothing touched', async () => {
    mkdirSync(path.join(settings.exportRoot, 'important'), { recursive: true });
    writeFileSync(path.join(settings.exportRoot, 'important', 'keep'), 'x');
    const forge = (nfsPath: string, server = 'localhost'): PersistentVolume => ({
      metadata: {
        name: 'f',
        uid: 'f',
        annotations: { [Annotation.ProvisionedBy]: Names.NFS, 'kubestore.io/provisioned-base': settings.exportRoot },
      },
      spec: { nfs: { server, path: nfsPath } },
    });
    const p = new NfsController(settings, records);
    for (const [pv, why] of [
      [forge('/etc'), /not a directory of this NFS server's export/],
      [forge('/exports/important/../important'), /not a directory of this NFS server's export/],
      [forge('/exports/important'), /no provisioning record/],
      [forge('/exports/important', 'nfs.example.invalid'), /not a directory of this NFS server's export/],
    ] as const) {
      const err = await rejection(p.deleteVolume(pv));
      expect(err).to.be.instanceOf(ReclaimRefusal);
      expect(err.message).to.match(why);
      expect(await rejection(p.recycleVolume(pv))).to.be.instanceOf(ReclaimRefusal);
    }
    expect(readdirSync(path.join(settings.exportRoot, 'important'))).to.deep.equal(['keep']);
  });
});
