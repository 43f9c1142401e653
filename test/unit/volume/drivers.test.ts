/** The built-in drivers configured from each binary's flags (pkg/volume/drivers.ts and each driver's flags.ts). */
import { expect } from 'chai';
import { FlagError, type FlagValues } from '../../../pkg/flags/flags';
import { driverFlags, driversFromFlags } from '../../../pkg/volume/drivers';

/** The defaults of `component`'s driver flags, overridden by `o`. */
function values(component: 'kube-controller-manager' | 'kubelet', o: FlagValues = {}): FlagValues {
  const defaults = Object.entries(driverFlags(component, {})).map(([k, spec]) => [k, spec.default] as const);
  return { ...Object.fromEntries(defaults), ...o };
}

describe('volume: drivers configured from flags', () => {
  it('each binary takes its drivers’ flags: the controller-manager the hostPath roots and NFS export, the kubelet the NFS export and local roots', () => {
    expect(Object.keys(driverFlags('kube-controller-manager', {})).sort()).to.deep.equal([
      'hostpath-allowed-roots',
      'hostpath-base-dir',
      'nfs-export-path',
      'nfs-export-root',
      'snapshot-root',
    ]);
    expect(Object.keys(driverFlags('kubelet', {})).sort()).to.deep.equal([
      'local-volume-roots',
      'nfs-export-path',
      'nfs-export-root',
    ]);
    expect(driverFlags('kubelet', { NFS_EXPORT_ROOT: '/srv/e' })['nfs-export-root']?.default).to.equal('/srv/e');
  });

  it('--snapshot-root must not be, contain or lie inside a hostPath root', () => {
    for (const root of ['/v', '/v/snaps', '/', '/fast/x']) {
      const f = values('kube-controller-manager', {
        'hostpath-base-dir': '/v',
        'hostpath-allowed-roots': '/fast',
        'nfs-export-root': '/e',
        'snapshot-root': root,
      });
      expect(() => driversFromFlags('kube-controller-manager', f, {}), root).to.throw(/--snapshot-root/);
    }
    const ok = values('kube-controller-manager', {
      'hostpath-base-dir': '/v',
      'nfs-export-root': '/e',
      'snapshot-root': '/snaps',
    });
    expect(() => driversFromFlags('kube-controller-manager', ok, {})).to.not.throw();
  });

  it('the controller-manager: every driver registered, every root they provision under listed', () => {
    const f = values('kube-controller-manager', {
      'hostpath-base-dir': '/v',
      'hostpath-allowed-roots': '/fast,/slow',
      'nfs-export-root': '/e',
    });
    const { registry, roots } = driversFromFlags('kube-controller-manager', f, { IS_NFS_SERVER: 'true' });
    expect(registry.list().map((d) => d.identity.type)).to.deep.equal(['hostPath', 'nfs', 'local']);
    expect(roots, 'local volumes are never provisioned: no root').to.deep.equal(['/v', '/fast', '/slow', '/e']);
    expect(registry.defaultClasses().find((c) => c.metadata.name === 'nfs')?.parameters).to.deep.equal({
      server: 'localhost',
      path: '/exports',
    });
  });

  it('bad values are one-line FlagErrors (controller-manager strict about IS_NFS_SERVER; the kubelet lenient)', () => {
    const kcm = values('kube-controller-manager');
    expect(() => driversFromFlags('kube-controller-manager', kcm, { IS_NFS_SERVER: 'maybe' })).to.throw(
      FlagError,
      'IS_NFS_SERVER must be true or false, not "maybe"',
    );
    expect(() => driversFromFlags('kube-controller-manager', { ...kcm, 'hostpath-base-dir': 'relative' }, {})).to.throw(
      FlagError,
      /^--hostpath-base-dir /,
    );
    expect(() => driversFromFlags('kube-controller-manager', { ...kcm, 'nfs-export-root': '/a/../b' }, {})).to.throw(
      FlagError,
      /^--nfs-export-root /,
    );
    expect(driversFromFlags('kubelet', values('kubelet'), { IS_NFS_SERVER: 'maybe' }).roots).to.deep.equal([
      '/var/lib/kubestore/nfs-export',
    ]);
  });
});
