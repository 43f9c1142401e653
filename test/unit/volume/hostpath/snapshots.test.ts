/**
 * The hostPath driver's CreateSnapshot/DeleteSnapshot on temp directories: a whole copy
 * (contents, modes, symlinks as symlinks) under the snapshot root, recorded before the copy;
 * idempotent; a source outside the volume roots refused; deletion only with a record naming the
 * content's uid and path.
 */
import { expect } from 'chai';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PersistentVolume } from '../../../../pkg/api/core/v1';
import { MemoryProvisioningRecords } from '../../../../pkg/volume/dirs/provisioning_records';
import { ReclaimRefusal, SnapshotError } from '../../../../pkg/volume/errors';
import { hostPathIdentity } from '../../../../pkg/volume/hostpath/identity';
import { HostPathSnapshots } from '../../../../pkg/volume/hostpath/snapshots';

function pv(dir: string, uid = 'pv-uid-1'): PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'pv-1', uid },
    spec: { hostPath: { path: dir } },
  };
}

describe('volume: hostPath snapshots', () => {
  let tmp: string;
  let base: string;
  let root: string;
  let records: MemoryProvisioningRecords;
  let volumeRecords: MemoryProvisioningRecords;
  let snaps: HostPathSnapshots;
  const req = (source: PersistentVolume, contentUid = 'cu-1') => ({
    name: 'snapcontent-1',
    contentUid,
    snapshotUid: 'su-1',
    snapshot: 'ns/s',
    source,
    parameters: {},
  });

  beforeEach(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kubestore-hp-snap-'));
    base = path.join(tmp, 'volumes');
    root = path.join(tmp, 'snapshots');
    mkdirSync(path.join(base, 'vol', 'sub'), { recursive: true });
    writeFileSync(path.join(base, 'vol', 'a.txt'), 'hello');
    writeFileSync(path.join(base, 'vol', 'sub', 'x.sh'), '#!/bin/sh\n');
    chmodSync(path.join(base, 'vol', 'sub', 'x.sh'), 0o750);
    symlinkSync('/etc/passwd', path.join(base, 'vol', 'link'));
    records = new MemoryProvisioningRecords();
    volumeRecords = new MemoryProvisioningRecords();
    await volumeRecords.put({
      pvName: 'pv-1',
      claimUid: 'claim-uid-1',
      claim: 'ns/c',
      type: 'hostPath',
      path: realpathSync(path.join(base, 'vol')),
      pvUid: 'pv-uid-1',
    });
    snaps = new HostPathSnapshots({
      root,
      volumes: { roots: [base], records: volumeRecords, identity: hostPathIdentity },
      records,
    });
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('copies the directory whole under the snapshot root, recorded, and is idempotent', async () => {
    const cut = await snaps.createSnapshot(req(pv(path.join(base, 'vol'))));
    const dir = path.join(root, 'snapcontent-1');
    expect(cut).to.include({ snapshotHandle: 'snapcontent-1', readyToUse: true, sizeBytes: 5 + 10 });
    expect(readFileSync(path.join(dir, 'a.txt'), 'utf8')).to.equal('hello');
    expect(statSync(path.join(dir, 'sub', 'x.sh')).mode & 0o777).to.equal(0o750);
    expect(readlinkSync(path.join(dir, 'link')), 'a symlink stays a symlink').to.equal('/etc/passwd');
    expect(await records.get('snapcontent-1')).to.include({
      pvUid: 'cu-1',
      claimUid: 'su-1',
      type: 'hostPath-snapshot',
    });
    // Writes after the snapshot do not reach it (a copy, not hard links).
    writeFileSync(path.join(base, 'vol', 'a.txt'), 'changed');
    const again = await snaps.createSnapshot(req(pv(path.join(base, 'vol'))));
    expect(again.snapshotHandle).to.equal('snapcontent-1');
    expect(readFileSync(path.join(dir, 'a.txt'), 'utf8')).to.equal('hello');
  });

  it('refuses a source outside the volume roots and a name taken by another content', async () => {
    const outside = path.join(tmp, 'elsewhere');
    mkdirSync(outside);
    await snaps.createSnapshot(req(pv(outside))).then(
      () => expect.fail('copied a directory outside the roots'),
      (err: unknown) => expect(err).to.be.instanceOf(SnapshotError),
    );
    expect(existsSync(path.join(root, 'snapcontent-1'))).to.equal(false);
    await snaps.createSnapshot(req(pv(path.join(base, 'vol'))));
    await snaps.createSnapshot(req(pv(path.join(base, 'vol')), 'cu-other')).then(
      () => expect.fail('reused another content’s snapshot'),
      (err: unknown) => expect(err).to.be.instanceOf(SnapshotError),
    );
  });

  it('deletes only with a record naming the content uid; removes the record', async () => {
    await snaps.createSnapshot(req(pv(path.join(base, 'vol'))));
    const dir = path.join(root, 'snapcontent-1');
    for (const bad of [
      { name: 'snapcontent-1', contentUid: 'forged', snapshotHandle: 'snapcontent-1' },
      { name: 'x', contentUid: 'cu-1', snapshotHandle: '../volumes' },
      { name: 'x', contentUid: 'cu-1', snapshotHandle: 'unrecorded' },
    ]) {
      await snaps.deleteSnapshot(bad).then(
        () => expect.fail(`deleted with ${JSON.stringify(bad)}`),
        (err: unknown) => expect(err).to.be.instanceOf(ReclaimRefusal),
      );
    }
    expect(existsSync(dir)).to.equal(true);
    await snaps.deleteSnapshot({ name: 'snapcontent-1', contentUid: 'cu-1', snapshotHandle: 'snapcontent-1' });
    expect(existsSync(dir)).to.equal(false);
    expect(await records.get('snapcontent-1')).to.equal(undefined);
    expect(existsSync(path.join(base, 'vol', 'a.txt')), 'the source is untouched').to.equal(true);
  });

  it('refuses a source no provisioning record proves: a hand-made PV at another volume, at the base dir, or a forged uid', async () => {
    mkdirSync(path.join(base, 'other'));
    writeFileSync(path.join(base, 'other', 'secret'), 'theirs');
    for (const source of [pv(path.join(base, 'other')), pv(path.join(base, 'vol'), 'forged-uid')]) {
      await snaps.createSnapshot(req(source)).then(
        () => expect.fail(`copied ${source.spec.hostPath?.path ?? ''} without a record proving it`),
        (err: unknown) => expect(err).to.be.instanceOf(SnapshotError),
      );
    }
    expect(existsSync(path.join(root, 'snapcontent-1'))).to.equal(false);
    expect(await records.get('snapcontent-1'), 'no snapshot record for a refused source').to.equal(undefined);
  });

  it('restores only from a recorded snapshot directory, never from one it did not cut', async () => {
    await snaps.createSnapshot(req(pv(path.join(base, 'vol'))));
    expect(await snaps.existingDir('snapcontent-1')).to.equal(realpathSync(path.join(root, 'snapcontent-1')));
    mkdirSync(path.join(root, 'planted'));
    for (const handle of ['planted', '../volumes', '/etc', '.tmp-snapcontent-1', 'missing'])
      expect(await snaps.existingDir(handle), handle).to.equal(undefined);
  });
});
