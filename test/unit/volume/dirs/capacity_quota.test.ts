import { expect } from 'chai';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CapacityQuotas, raiseCapacityQuota } from '../../../../pkg/volume/dirs/capacity_quota';
import { FileProvisioningRecords, prepareRecord } from '../../../../pkg/volume/dirs/provisioning_records';
import { ProvisionedByAnnotation } from '../../../../pkg/volume/dirs/reclaim_guard';
import type { PersistentVolume } from '../../../../pkg/api/core/v1';
import { ProvisioningError } from '../../../../pkg/volume/errors';
import { VolumeExpansionError } from '../../../../pkg/volume/expansion';
import { HostPathController, ProjectQuotaAnnotation } from '../../../../pkg/volume/hostpath/controller';
import { derivedProjectId } from '../../../../pkg/util/quota/project_quota';
import { BuiltinProvisioner as Names } from '../../../helpers/volume_drivers';
import { pvc, sc } from '../../controller/volume/persistentvolume/harness';

describe('volume dirs: capacity quotas of provisioned hostPath directories', () => {
  let tmp: string;
  let calls: string[];
  let fail: boolean;
  const run = async (bin: string, args: readonly string[]): Promise<string> => {
    calls.push([bin, ...args].join(' '));
    if (fail && bin === 'xfs_quota') throw new Error('xfs_quota: cannot set limits');
    return bin === 'lsattr' ? '0 ---- x\n' : '';
  };
  let records: FileProvisioningRecords;
  const controller = (fsLine: string) =>
    new HostPathController({
      baseDir: path.join(tmp, 'volumes'),
      allowedRoots: [],
      records,
      quotas: new CapacityQuotas(
        {
          mountinfo: async () => `27 1 254:0 / / rw - ext4 /dev/vda rw\n50 27 8:16 / ${tmp} rw - ${fsLine}\n`,
          hasTool: async () => true,
          probe: async () => undefined,
        },
        run,
      ),
    });
  const create = (c: HostPathController) =>
    c.createVolume({
      pvName: 'pvc-1',
      claim: pvc('data', { namespace: 'team', size: '1Gi' }),
      storageClass: sc('hostPath', Names.HostPath),
    });

  beforeEach(() => {
    tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'kubestore-quota-')));
    calls = [];
    fail = false;
    records = new FileProvisioningRecords(path.join(tmp, 'records'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('on XFS with prjquota, limits the new directory to the claim request and names the project on the PV', async () => {
    const made = await create(controller('xfs /dev/sdb rw,prjquota'));
    const id = derivedProjectId(made.localPath);
    expect(made.annotations).to.deep.equal({ [ProjectQuotaAnnotation]: String(id) });
    expect(calls).to.include(`xfs_quota -x -c limit -p bhard=1073741824 ${id} ${tmp}`);
  });

  it('on ext4 without prjquota, limits nothing and runs no tool', async () => {
    const made = await create(controller('ext4 /dev/sdb rw,discard'));
    expect(made.annotations).to.deep.equal({});
    expect(calls).to.deep.equal([]);
  });

  it('a failing quota tool where quotas are supported is a ProvisioningError', async () => {
    fail = true;
    let err: unknown;
    await create(controller('xfs /dev/sdb rw,prjquota')).catch((e: unknown) => {
      err = e;
    });
    expect(err).to.be.instanceOf(ProvisioningError);
    expect((err as Error).message).to.match(/capacity quota .* cannot set limits/);
  });

  it('expansion raises the quota of a directory its record proves; a forged PV gets an error and no tool runs', async () => {
    const c = controller('xfs /dev/sdb rw,prjquota');
    const made = await create(c);
    const id = made.annotations[ProjectQuotaAnnotation] ?? '';
    // As the provisioner does: the record first, then the PV, whose uid completes the record.
    await prepareRecord(records, {
      pvName: 'pvc-1',
      claimUid: 'uid-data',
      claim: 'team/data',
      type: 'hostPath',
      path: made.localPath,
    });
    const pv = (uid: string): PersistentVolume => ({
      metadata: {
        name: 'pvc-1',
        uid,
        annotations: { [ProjectQuotaAnnotation]: id, [ProvisionedByAnnotation]: Names.HostPath },
      },
      spec: { capacity: { storage: '1Gi' }, hostPath: { path: made.localPath }, claimRef: { uid: 'uid-data' } },
    });
    await c.adoptVolume(pv('uid-1'));
    calls = [];
    expect(await c.expandVolume(pv('uid-1'), '2Gi')).to.deep.equal({ capacity: '2Gi', nodeExpansionRequired: false });
    expect(calls).to.include(`xfs_quota -x -c limit -p bhard=2147483648 ${id} ${tmp}`);
    calls = [];
    const err = await c.expandVolume(pv('uid-forged'), '3Gi').catch((e: unknown) => e);
    expect(err).to.be.instanceOf(VolumeExpansionError);
    expect((err as Error).message).to.match(/not raising the capacity quota: .*uid-forged/);
    expect(calls).to.deep.equal([]);
  });

  it('raise() sets the larger limit on the same project (expansion)', async () => {
    const q = new CapacityQuotas(
      {
        mountinfo: async () => `50 1 8:16 / ${tmp} rw - xfs /dev/sdb rw,prjquota\n`,
        hasTool: async () => true,
        probe: async () => undefined,
      },
      async (bin, args) => {
        calls.push([bin, ...args].join(' '));
        return bin === 'lsattr' ? '  1234567 ---- x\n' : '';
      },
    );
    expect(await raiseCapacityQuota(path.join(tmp, 'v'), 2n * 1024n ** 3n, q)).to.deep.equal({
      limited: true,
      projectId: 1234567,
    });
    expect(calls).to.deep.equal([`lsattr -pd ${tmp}/v`, `xfs_quota -x -c limit -p bhard=2147483648 1234567 ${tmp}`]);
  });
});
