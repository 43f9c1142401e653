/**
 * The PV controller's reconcilers (fake API) with the REAL hostPath and NFS provisioners and a
 * real provisioning-record directory on temp dirs: reclaim touches only what the controller
 * itself provisioned and recorded. Forged PVs (annotations, a path outside the roots, a
 * symlink, "..", a record of another uid) go Failed with a Warning event and keep their data;
 * legit volumes are still deleted and recycled; the crash window between the PV's create and
 * its record's completion is closed on retry and at reclaim.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PersistentVolume } from '../../../../pkg/api/core/v1';
import { Annotation } from '../../../../pkg/controller/volume/persistentvolume/constants';
import { BuiltinProvisioner as Names, BuiltinType } from '../../../helpers/volume_drivers';
import { HostPathController } from '../../../../pkg/volume/hostpath/controller';
import { NfsController } from '../../../../pkg/volume/nfs/controller';
import { FileProvisioningRecords, type ProvisioningRecord } from '../../../../pkg/volume/dirs/provisioning_records';
import { safeSegment } from '../../../../pkg/volume/dirs/volume_dirs';
import { builtinClasses, pv, pvc, PVHarness, sc } from '../../controller/volume/persistentvolume/harness';

describe('PV controller: reclaim trusts only its own records and roots (real provisioners, fake API)', () => {
  let tmp: string;
  let base: string;
  let exportRoot: string;
  let victim: string;
  let records: FileProvisioningRecords;

  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kubestore-trust-'));
    base = path.join(tmp, 'volumes');
    exportRoot = path.join(tmp, 'export');
    victim = path.join(tmp, 'some', 'dir', 'important');
    mkdirSync(victim, { recursive: true });
    writeFileSync(path.join(victim, 'precious'), 'data');
    records = new FileProvisioningRecords(path.join(tmp, 'records'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  function harness(initial: ConstructorParameters<typeof PVHarness>[0] = {}): PVHarness {
    const h = new PVHarness(initial);
    const hostPath = new HostPathController({ baseDir: base, allowedRoots: [path.join(tmp, 'fast')], records });
    const nfs = new NfsController({ server: 'localhost', isServer: true, exportRoot, exportPath: '/exports' }, records);
    h.ctx.controllerOf = (d) => (d.identity.type === BuiltinType.NFS ? nfs : hostPath);
    h.ctx.records = records;
    return h;
  }

  /** A hand-made PV that claims to be provisioned by us, bound to a claim that is gone. */
  function forged(name: string, hostPath: string, policy: 'Delete' | 'Recycle'): PersistentVolume {
    const v = pv(name, {
      claim: { name: 'gone', uid: 'uid-gone' },
      phase: 'Bound',
      policy,
      annotations: {
        [Annotation.ProvisionedBy]: Names.HostPath,
        'kubestore.io/provisioned-base': path.dirname(hostPath),
      },
    });
    return { ...v, spec: { ...v.spec, hostPath: { path: hostPath } } };
  }

  const intact = (dir: string, want: string[]): void => {
    expect(readdirSync(dir), `${dir} untouched`).to.deep.equal(want);
  };

  it('legit: a provisioned volume is recorded (with its PV uid), and deleting the claim deletes its directory, the PV and the record', async () => {
    const h = harness({ pvcs: [pvc('c')] });
    await h.run();
    const made = h.pv('pvc-uid-c');
    const dir = made?.spec.hostPath?.path ?? '';
    expect(path.dirname(dir)).to.equal(base);
    expect(await records.get('pvc-uid-c')).to.deep.include({ pvUid: made?.metadata.uid, claimUid: 'uid-c', path: dir });
    expect(made?.metadata.annotations?.['kubestore.io/provisioned-base']).to.equal(undefined);
    writeFileSync(path.join(dir, 'data'), 'x');
    await h.pvcs.delete('c', 'default');
    h.syncCaches();
    await h.run();
    expect(h.pv('pvc-uid-c')).to.equal(undefined);
    expect(existsSync(dir)).to.equal(false);
    expect(await records.get('pvc-uid-c')).to.equal(undefined);
    expect(h.eventSet()).to.include('Normal VolumeDelete pvc-uid-c');
  });

  it('legit Recycle: the recorded directory is emptied and the PV Available again', async () => {
    const h = harness({
      classes: [...builtinClasses(), sc('recycle', Names.HostPath, { reclaimPolicy: 'Recycle' as 'Delete' })],
      pvcs: [pvc('r', { className: 'recycle' })],
    });
    await h.run();
    const dir = h.pv('pvc-uid-r')?.spec.hostPath?.path ?? '';
    writeFileSync(path.join(dir, 'data'), 'x');
    await h.pvcs.delete('r', 'default');
    h.syncCaches();
    await h.run();
    expect(h.pv('pvc-uid-r')?.status?.phase).to.equal('Available');
    intact(dir, []);
  });

  for (const policy of ['Delete', 'Recycle'] as const) {
    const reason = policy === 'Delete' ? 'VolumeFailedDelete' : 'VolumeFailedRecycle';
    it(`forged ${policy} PVs (outside the roots; inside the base without a record; symlink escaping; ".."): Failed + Warning ${reason}, nothing touched`, async () => {
      mkdirSync(path.join(base, 'inside'), { recursive: true });
      writeFileSync(path.join(base, 'inside', 'keep'), 'x');
      symlinkSync(victim, path.join(base, 'link'));
      const cases: [string, string, RegExp][] = [
        ['outside', victim, /not strictly under a root/],
        ['inside', path.join(base, 'inside'), /no provisioning record of PV inside/],
        ['link', path.join(base, 'link'), new RegExp(`resolves to ${victim}, which is not strictly under a root`)],
        ['dotdot', `${base}/x/../../some/dir/important`, /must not contain "\.\."/],
      ];
      const h = harness({ pvs: cases.map(([name, p]) => forged(name, p, policy)) });
      await h.run();
      for (const [name, , why] of cases) {
        const got = h.pv(name);
        expect(got?.status?.phase, name).to.equal('Failed');
        expect(got?.status?.message ?? '', name).to.match(why);
        expect(got?.status?.message ?? '', name).to.match(/its data was left in place/);
        const ev = h.recorder.events.find((e) => e.object === name && e.reason === reason);
        expect(ev?.type, `${name} event`).to.equal('Warning');
        expect(ev?.message ?? '').to.match(why);
      }
      intact(victim, ['precious']);
      intact(path.join(base, 'inside'), ['keep']);
      expect(h.errors, 'a refusal is not retried').to.deep.equal([]);
    });
  }

  it('a PV re-created under the recorded name by someone else (another uid) is refused; its directory stays', async () => {
    const h = harness({ pvcs: [pvc('c')] });
    await h.run();
    const original = h.pv('pvc-uid-c');
    const dir = original?.spec.hostPath?.path ?? '';
    writeFileSync(path.join(dir, 'data'), 'x');
    if (!original) throw new Error('not provisioned');
    h.pvs.remove('pvc-uid-c');
    const { uid: _uid, resourceVersion: _rv, ...meta } = original.metadata;
    h.pvs.seed({ ...original, metadata: meta });
    await h.pvcs.delete('c', 'default');
    h.syncCaches();
    await h.run();
    const got = h.pv('pvc-uid-c');
    expect(got?.status?.phase).to.equal('Failed');
    expect(got?.status?.message ?? '').to.match(/names PV uid .*, but this PV has uid/);
    intact(dir, ['data']);
  });

  /**
   * Makes the record's completion (the put carrying a pvUid) fail, `times` times: the controller
   * "dies" right after the PV's create. Returns a function that stops the failures.
   */
  function crashOnCompletion(times: number): () => void {
    const put = records.put.bind(records);
    let left = times;
    records.put = async (r: ProvisioningRecord) => {
      if (r.pvUid && left > 0) {
        left--;
        throw new Error('controller killed');
      }
      await put(r);
    };
    return () => (left = 0);
  }

  it('crash window: the PV was created but its record not completed → the retry completes it; deleting the claim then deletes the directory', async () => {
    crashOnCompletion(1);
    const h = harness({ pvcs: [pvc('c')] });
    await h.run();
    expect(h.errors.map((e) => e.err.message)).to.deep.equal(['controller killed']);
    const made = h.pv('pvc-uid-c');
    expect(h.pvc('c')?.status?.phase).to.equal('Bound');
    expect((await records.get('pvc-uid-c'))?.pvUid).to.equal(made?.metadata.uid);
    await h.pvcs.delete('c', 'default');
    h.syncCaches();
    await h.run();
    expect(existsSync(made?.spec.hostPath?.path ?? '/nonexistent')).to.equal(false);
    expect(h.pv('pvc-uid-c')).to.equal(undefined);
  });

  it('crash window, claim deleted before any retry: reclaim completes the matching record itself and deletes', async () => {
    const restart = crashOnCompletion(Infinity);
    const h = harness({ pvcs: [pvc('c')] });
    h.maxRetries = 0;
    await h.run();
    expect((await records.get('pvc-uid-c'))?.pvUid).to.equal(undefined);
    restart();
    const dir = h.pv('pvc-uid-c')?.spec.hostPath?.path ?? '';
    expect(existsSync(dir)).to.equal(true);
    await h.pvcs.delete('c', 'default');
    h.syncCaches();
    await h.run();
    expect(h.pv('pvc-uid-c')).to.equal(undefined);
    expect(existsSync(dir)).to.equal(false);
    expect(await records.get('pvc-uid-c')).to.equal(undefined);
  });

  it('a class whose parameters.path is outside the roots (or became so): ProvisioningFailed on the claim, nothing created there', async () => {
    const anywhere = path.join(tmp, 'anywhere');
    const h = harness({
      classes: [...builtinClasses(), sc('evil', Names.HostPath, { parameters: { path: anywhere } })],
      pvcs: [pvc('e', { className: 'evil' })],
    });
    h.maxRetries = 0;
    await h.run();
    const ev = h.recorder.events.find((e) => e.reason === 'ProvisioningFailed');
    expect(ev?.object).to.equal('default/e');
    expect(ev?.message ?? '').to.match(/parameters\.path: .*anywhere is not under an allowed root/);
    expect(existsSync(anywhere)).to.equal(false);
    expect(h.pv('pvc-uid-e')).to.equal(undefined);
  });

  it('no volume inside another: a class naming a provisioned directory gets ProvisioningFailed, and a volume containing a recorded one is not reclaimed', async () => {
    const outer = path.join(base, safeSegment('default', 'a', 'pvc-uid-a'));
    const h = harness({
      classes: [...builtinClasses(), sc('nested', Names.HostPath, { parameters: { path: outer } })],
      pvcs: [pvc('a')],
    });
    h.maxRetries = 0;
    await h.run();
    expect(h.pv('pvc-uid-a')?.spec.hostPath?.path).to.equal(outer);
    await h.pvcs.create(pvc('b', { className: 'nested' }));
    h.syncCaches();
    await h.run();
    const failed = h.recorder.events.find((e) => e.reason === 'ProvisioningFailed' && e.object === 'default/b');
    expect(failed?.message ?? '').to.match(/lies inside the directory of volume pvc-uid-a/);
    expect(h.pv('pvc-uid-b')).to.equal(undefined);
    intact(outer, []);

    // A recorded volume inside it (as an older build could make) keeps the outer one from being deleted.
    const inner = path.join(outer, 'inner');
    mkdirSync(inner);
    writeFileSync(path.join(inner, 'precious'), 'data');
    await records.put({
      pvName: 'inner',
      claimUid: 'uid-i',
      claim: 'default/i',
      type: 'hostPath',
      path: inner,
      pvUid: 'pv-uid-i',
    });
    await h.pvcs.delete('a', 'default');
    h.syncCaches();
    await h.run();
    expect(h.pv('pvc-uid-a')?.status?.phase).to.equal('Failed');
    expect(h.recorder.events.find((e) => e.reason === 'VolumeFailedDelete')?.message ?? '').to.match(
      /contains the directory of volume inner/,
    );
    intact(inner, ['precious']);
  });

  it('NFS: a forged PV naming a directory of the export without a record is refused; a provisioned one is deleted', async () => {
    mkdirSync(path.join(exportRoot, 'important'), { recursive: true });
    writeFileSync(path.join(exportRoot, 'important', 'keep'), 'x');
    const f = pv('nfs-forged', {
      type: 'nfs',
      claim: { name: 'gone', uid: 'uid-gone' },
      phase: 'Bound',
      policy: 'Delete',
      annotations: { [Annotation.ProvisionedBy]: Names.NFS },
    });
    const h = harness({
      pvs: [{ ...f, spec: { ...f.spec, nfs: { server: 'localhost', path: '/exports/important' } } }],
      pvcs: [pvc('n', { className: 'nfs' })],
    });
    await h.run();
    expect(h.pv('nfs-forged')?.status?.phase).to.equal('Failed');
    intact(path.join(exportRoot, 'important'), ['keep']);
    const dir = path.join(exportRoot, 'default-n-pvc-uid-n');
    expect(existsSync(dir)).to.equal(true);
    await h.pvcs.delete('n', 'default');
    h.syncCaches();
    await h.run();
    expect(existsSync(dir)).to.equal(false);
  });
});
