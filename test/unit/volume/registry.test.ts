import { expect } from 'chai';
import type { PersistentVolume } from '../../../pkg/api/core/v1';
import { FakeMounter } from '../../../pkg/kubelet/mount/fake_mounter';
import {
  HostPathPluginName,
  newVolumePluginManager,
  NfsPluginName,
  VolumePluginManager,
  VolumeSetupError,
} from '../../../pkg/volume/registry';
import { HostPathPlugin } from '../../../pkg/volume/hostpath/node';

describe('volume: VolumePluginManager', () => {
  const mgr = newVolumePluginManager({ mounter: new FakeMounter(), nfs: { isNfsServer: false } });
  const host: PersistentVolume = { metadata: { name: 'h' }, spec: { hostPath: { path: '/data/h' } } };
  const nfs: PersistentVolume = { metadata: { name: 'n' }, spec: { nfs: { server: 's', path: '/exports/n' } } };

  it('picks the plugin by PV source', () => {
    expect(mgr.findPlugin(host).name).to.equal(HostPathPluginName);
    expect(mgr.findPlugin(nfs).name).to.equal(NfsPluginName);
    expect(mgr.names()).to.deep.equal([HostPathPluginName, NfsPluginName]);
    expect(mgr.findPluginByName(NfsPluginName)?.name).to.equal(NfsPluginName);
  });

  it('a PV with no supported source, or two sources, is a VolumeSetupError', () => {
    expect(() => mgr.findPlugin({ metadata: { name: 'x' }, spec: {} })).to.throw(
      VolumeSetupError,
      /no volume plugin supports PersistentVolume "x"/,
    );
    expect(() => mgr.findPlugin({ metadata: { name: 'y' }, spec: { ...host.spec, ...nfs.spec } })).to.throw(
      VolumeSetupError,
      /several volume plugins/,
    );
  });

  it('refuses duplicate plugin names', () => {
    expect(() => new VolumePluginManager([new HostPathPlugin(), new HostPathPlugin()])).to.throw(/registered twice/);
  });
});
