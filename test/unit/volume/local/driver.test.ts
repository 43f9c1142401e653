import { expect } from 'chai';
import { FlagError } from '../../../../pkg/flags/flags';
import { ProvisioningError, ReclaimRefusal } from '../../../../pkg/volume/errors';
import { LocalController } from '../../../../pkg/volume/local/controller';
import { localConfigurator, localVolumeRoots } from '../../../../pkg/volume/local/flags';
import { localIdentity } from '../../../../pkg/volume/local/identity';
import { builtinConfigurators } from '../../../../pkg/volume/drivers';

describe('volume/local: identity, controller half and flags', () => {
  it('is a built-in driver with no default class, RWO/RWOP and Filesystem only', () => {
    expect(builtinConfigurators).to.include(localConfigurator);
    const { driver } = localConfigurator.configure('kube-controller-manager', {}, {});
    expect(driver.identity).to.equal(localIdentity);
    expect(driver.defaultClass).to.equal(undefined);
    expect(localIdentity.capabilities.accessModes).to.deep.equal(['ReadWriteOnce', 'ReadWriteOncePod']);
    expect(localIdentity.capabilities.volumeModes).to.deep.equal(['Filesystem']);
  });

  it('provisions nothing and refuses to delete or recycle (static volumes, no deleter)', async () => {
    const c = new LocalController();
    await c.createVolume().then(
      () => expect.fail('created'),
      (err: unknown) => expect(err).to.be.instanceOf(ProvisioningError),
    );
    await c.deleteVolume().then(
      () => expect.fail('deleted'),
      (err: unknown) => {
        expect(err).to.be.instanceOf(ReclaimRefusal);
        expect((err as Error).message).to.match(/no deleter/);
      },
    );
    await c.recycleVolume().then(
      () => expect.fail('recycled'),
      (err: unknown) => expect(err).to.be.instanceOf(ReclaimRefusal),
    );
    await c.adoptVolume();
  });

  it('--local-volume-roots: default <root-dir>/local-volumes; only the kubelet takes it; a bad root is one FlagError', () => {
    expect(localVolumeRoots('', '/var/lib/kubestore/nodes/node-2')).to.deep.equal([
      '/var/lib/kubestore/nodes/node-2/local-volumes',
    ]);
    expect(localVolumeRoots('/mnt/disks/, /srv/local', '/r')).to.deep.equal(['/mnt/disks', '/srv/local']);
    expect(Object.keys(localConfigurator.flags('kubelet', {}))).to.deep.equal(['local-volume-roots']);
    expect(localConfigurator.flags('kube-controller-manager', {})).to.deep.equal({});
    expect(() => localConfigurator.configure('kubelet', { 'local-volume-roots': '/', 'root-dir': '/r' }, {})).to.throw(
      FlagError,
      /--local-volume-roots: root "\/" is not allowed/,
    );
    expect(() => localVolumeRoots('relative/dir', '/r')).to.throw(/must be an absolute path/);
  });
});
