import { expect } from 'chai';
import type { PersistentVolume } from '../../../pkg/api/core/v1';
import { FakeMounter } from '../../../pkg/util/mount/fake_mounter';
import { builtinDrivers } from '../../../pkg/volume/drivers';
import { VolumeSetupError } from '../../../pkg/volume/errors';
import { newHostPathDriver } from '../../../pkg/volume/hostpath/driver';
import { NodeDrivers } from '../../../pkg/volume/node_drivers';
import { VolumeDriverRegistry } from '../../../pkg/volume/registry';
import { nfsSettings } from '../../helpers/volume_drivers';

describe('volume: VolumeDriverRegistry', () => {
  const registry = new VolumeDriverRegistry(builtinDrivers({ nfs: nfsSettings({ server: 'nfs.local' }) }));
  const host: PersistentVolume = { metadata: { name: 'h' }, spec: { hostPath: { path: '/data/h' } } };
  const nfs: PersistentVolume = { metadata: { name: 'n' }, spec: { nfs: { server: 's', path: '/exports/n' } } };

  it('picks the driver by PV source', () => {
    expect(registry.forVolume(host)?.identity.pluginName).to.equal('kubernetes.io/host-path');
    expect(registry.forVolume(nfs)?.identity.pluginName).to.equal('kubernetes.io/nfs');
    expect(registry.list().map((d) => d.identity.type)).to.deep.equal(['hostPath', 'nfs']);
  });

  it('picks the driver of a class by its provisioner, and of a missing default class by its name', () => {
    expect(
      registry.forClass('fast', { metadata: { name: 'fast' }, provisioner: 'kubestore.io/nfs' })?.identity.type,
    ).to.equal('nfs');
    expect(registry.forClass('hostPath', undefined)?.identity.type).to.equal('hostPath');
    expect(registry.forClass('other', undefined)).to.equal(undefined);
    expect(registry.forClass('x', { metadata: { name: 'x' }, provisioner: 'example.com/external' })).to.equal(
      undefined,
    );
    expect(registry.defaultClasses().map((c) => [c.metadata.name, c.provisioner, c.parameters])).to.deep.equal([
      ['hostPath', 'kubestore.io/hostpath', undefined],
      ['nfs', 'kubestore.io/nfs', { server: 'nfs.local', path: '/exports' }],
    ]);
  });

  it('a PV with no supported source, or two sources, is a VolumeSetupError on the node', () => {
    expect(registry.forVolume({ metadata: { name: 'x' }, spec: {} })).to.equal(undefined);
    expect(() => registry.nodeDriverFor({ metadata: { name: 'x' }, spec: {} })).to.throw(
      VolumeSetupError,
      /no volume plugin supports PersistentVolume "x"/,
    );
    expect(() => registry.nodeDriverFor({ metadata: { name: 'y' }, spec: { ...host.spec, ...nfs.spec } })).to.throw(
      VolumeSetupError,
      /several volume plugins/,
    );
  });

  it('refuses duplicate driver names', () => {
    expect(() => new VolumeDriverRegistry([newHostPathDriver(), newHostPathDriver()])).to.throw(/registered twice/);
  });

  it("makes each driver's service once, and NodeDrivers routes a PV to its driver's node half", async () => {
    let made = 0;
    const lookup = registry.services(() => ++made);
    const [first] = registry.list();
    expect(made).to.equal(2);
    expect(first && lookup(first)).to.equal(1);
    expect(() => lookup(newHostPathDriver())).to.throw(/not registered/);
    const node = new NodeDrivers(registry, { mounter: new FakeMounter() });
    expect(() =>
      node.publishVolume({ metadata: { name: 'x' }, spec: {} }, { podUid: 'u', rootDir: '/r', readOnly: false }),
    ).to.throw(VolumeSetupError);
    expect(await node.cleanupOrphans('/nonexistent-kubelet-root', new Set())).to.deep.equal([]);
  });
});
