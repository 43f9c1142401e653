import { expect } from 'chai';
import { detectProjectQuota, mountQuotaProblem, type QuotaDetectDeps } from '../../../../pkg/util/quota/detect';
import { mountOf, parseMountinfo } from '../../../../pkg/util/quota/mountinfo';
import { derivedProjectId, parseLsattrProject, ProjectQuotas } from '../../../../pkg/util/quota/project_quota';

/** This machine's table (ext4 root without prjquota) plus an XFS and an ext4 data disk. */
const table = [
  '22 27 0:21 / /proc rw,relatime - proc proc rw',
  '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard,resv_strict,resuid=65534,resgid=65534',
  '45 27 254:0 /var/lib/docker /var/lib/docker rw,relatime shared:1 - ext4 /dev/vda rw,discard',
  '50 27 8:16 / /srv/xfs rw,relatime shared:7 master:2 - xfs /dev/sdb rw,attr2,inode64,prjquota',
  '51 27 8:17 / /srv/ext4 rw,relatime - ext4 /dev/sdc rw,prjquota',
  '52 27 8:18 / /srv/noenf rw,relatime - xfs /dev/sdd rw,pqnoenforce',
  '53 27 0:40 / /srv/with\\040space rw - overlay overlay rw,lowerdir=/a',
  'garbage line',
].join('\n');

function deps(over: Partial<QuotaDetectDeps> & { missing?: string[] } = {}): QuotaDetectDeps {
  return {
    mountinfo: async () => table,
    hasTool: async (n) => !(over.missing ?? []).includes(n),
    probe: over.probe ?? (async () => undefined),
    ...(over.mountinfo ? { mountinfo: over.mountinfo } : {}),
  };
}

describe('quota: mountinfo and project-quota detection', () => {
  it('parses mount points, escapes, optional fields and super options; skips garbage', () => {
    const m = parseMountinfo(table);
    expect(m).to.have.length(7);
    const xfs = m.find((x) => x.mountPoint === '/srv/xfs');
    expect(xfs?.fsType).to.equal('xfs');
    expect(xfs?.source).to.equal('/dev/sdb');
    expect(xfs?.superOptions).to.include('prjquota');
    expect(m.some((x) => x.mountPoint === '/srv/with space' && x.fsType === 'overlay')).to.equal(true);
  });

  it('finds the deepest mount holding a path, not a mere name prefix', () => {
    const m = parseMountinfo(table);
    expect(mountOf('/srv/xfs/vols/a', m)?.mountPoint).to.equal('/srv/xfs');
    expect(mountOf('/srv/xfsother', m)?.mountPoint).to.equal('/');
    expect(mountOf('/var/lib/docker', m)?.mountPoint).to.equal('/var/lib/docker');
    expect(mountOf('/var/lib/kubestore', m)?.mountPoint).to.equal('/');
  });

  it('says ext4 without prjquota (this machine) is unsupported, with the reason', async () => {
    const s = await detectProjectQuota('/var/lib/kubestore/hostpath', deps());
    expect(s.supported).to.equal(false);
    expect(s.fsType).to.equal('ext4');
    if (!s.supported) expect(s.reason).to.match(/ext4 at \/ is mounted without prjquota/);
  });

  it('supports XFS prjquota and ext4 prjquota when the tools exist and the probe passes', async () => {
    expect(await detectProjectQuota('/srv/xfs/v', deps())).to.deep.equal({
      supported: true,
      fsType: 'xfs',
      mountPoint: '/srv/xfs',
      root: '/srv/xfs/v',
    });
    expect((await detectProjectQuota('/srv/ext4/v', deps())).supported).to.equal(true);
  });

  it('refuses pqnoenforce, overlay, missing tools, a failing probe and an unknown mount', async () => {
    const cases: [string, QuotaDetectDeps, RegExp][] = [
      ['/srv/noenf/v', deps(), /pqnoenforce/],
      ['/srv/with space/v', deps(), /overlay .* no project quotas/],
      ['/srv/xfs/v', deps({ missing: ['xfs_quota'] }), /xfs_quota is not installed/],
      ['/srv/ext4/v', deps({ missing: ['setquota'] }), /setquota is not installed/],
      ['/srv/xfs/v', deps({ probe: async () => 'Operation not supported' }), /project id .* Operation not supported/],
      ['/x', deps({ mountinfo: async () => '' }), /no mount of \/x/],
    ];
    for (const [root, d, want] of cases) {
      const s = await detectProjectQuota(root, d);
      expect(s.supported, root).to.equal(false);
      if (!s.supported) expect(s.reason, root).to.match(want);
    }
  });

  it('reads quota options from the mount options too', () => {
    expect(
      mountQuotaProblem({ mountPoint: '/a', fsType: 'xfs', source: 'x', mountOptions: ['pquota'], superOptions: [] }),
    ).to.equal(undefined);
  });

  it('sets XFS and ext4 limits with the standard tools, keeping an existing project id', async () => {
    const calls: string[] = [];
    let lsattr = '       0 --------------e------- /srv/xfs/v\n';
    const run = async (bin: string, args: readonly string[]): Promise<string> => {
      calls.push([bin, ...args].join(' '));
      return bin === 'lsattr' ? lsattr : '';
    };
    const xfs = new ProjectQuotas({ supported: true, fsType: 'xfs', mountPoint: '/srv/xfs', root: '/srv/xfs' }, run);
    const id = await xfs.setLimit('/srv/xfs/v', 1073741824n);
    expect(id).to.equal(derivedProjectId('/srv/xfs/v'));
    expect(calls).to.deep.equal([
      'lsattr -pd /srv/xfs/v',
      `chattr +P -p ${id} /srv/xfs/v`,
      `xfs_quota -x -c limit -p bhard=1073741824 ${id} /srv/xfs`,
    ]);
    calls.length = 0;
    lsattr = '    4242 --------------e---P--- /srv/ext4/v\n';
    const ext4 = new ProjectQuotas(
      { supported: true, fsType: 'ext4', mountPoint: '/srv/ext4', root: '/srv/ext4' },
      run,
    );
    expect(await ext4.raiseLimit('/srv/ext4/v', 2049n)).to.equal(4242);
    expect(calls).to.deep.equal(['lsattr -pd /srv/ext4/v', 'setquota -P 4242 0 3 0 0 /srv/ext4']);
    expect(parseLsattrProject('garbage')).to.equal(0);
  });
});
