import { expect } from 'chai';
import type { PersistentVolume } from '../../../pkg/api/core/v1';
import { FakeMounter } from '../../../pkg/util/mount/fake_mounter';
import { VolumeSetupError } from '../../../pkg/volume/errors';
import type { ControllerService } from '../../../pkg/volume/controller_service';
import type { VolumeDriver } from '../../../pkg/volume/driver';
import { newHostPathDriver } from '../../../pkg/volume/hostpath/driver';
import { hostPathIdentity } from '../../../pkg/volume/hostpath/identity';
import { NodeDrivers } from '../../../pkg/volume/node_drivers';
import { VolumeDriverRegistry } from '../../../pkg/volume/registry';
import { testDriverRegistry } from '../../helpers/volume_drivers';

describe('volume: VolumeDriverRegistry', () => {
  const registry = testDriverRegistry({ nfs: { server: 'nfs.local' } });
  const host: PersistentVolume = { metadata: { name: 'h' }, spec: { hostPath: { path: '/data/h' } } };
  const nfs: PersistentVolume = { metadata: { name: 'n' }, spec: { nfs: { server: 's', path: '/exports/n' } } };
  const local: PersistentVolume = { metadata: { name: 'l' }, spec: { local: { path: '/mnt/disks/l' } } };

  it('picks the driver by PV source', () => {
    expect(registry.forVolume(host)?.identity.pluginName).to.equal('kubernetes.io/host-path');
    expect(registry.forVolume(nfs)?.identity.pluginName).to.equal('kubernetes.io/nfs');
    expect(registry.forVolume(local)?.identity.pluginName).to.equal('kubernetes.io/local-volume');
    expect(registry.list().map((d) => d.identity.type)).to.deep.equal(['hostPath', 'nfs', 'local']);
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

  it("a csi PV naming a built-in driver (provisioner, plugin or type name) is no driver's, and the node error names its driver", async () => {
    for (const driver of ['kubestore.io/hostpath', 'kubernetes.io/host-path', 'hostPath', 'nfs', 'kubestore.io/nfs']) {
      const forged: PersistentVolume = { metadata: { name: 'f' }, spec: { csi: { driver, volumeHandle: '../x' } } };
      expect(registry.forVolume(forged), driver).to.equal(undefined);
      expect(() => registry.nodeDriverFor(forged)).to.throw(
        VolumeSetupError,
        `no volume plugin supports PersistentVolume "f": its csi driver "${driver}" is not one of this kubelet's drivers (hostPath, nfs, local)`,
      );
    }
    // The node's halves never throw synchronously: an unknown driver is a rejected promise the volume manager reports.
    const node = new NodeDrivers(registry, { mounter: new FakeMounter() });
    const ctx = { podUid: 'u', rootDir: '/r', readOnly: false };
    const csi: PersistentVolume = {
      metadata: { name: 'c' },
      spec: { csi: { driver: 'unknown.example.com', volumeHandle: 'v' } },
    };
    let unpublish: Promise<void> | undefined;
    expect(() => {
      unpublish = node.unpublishVolume(csi, ctx);
    }).to.not.throw();
    expect(await unpublish?.catch((e: unknown) => e)).to.be.instanceOf(VolumeSetupError);
  });

  it("a source field set to null is unset (the API stores nulls): the PV is the one driver's whose field is set", () => {
    const withNulls = (spec: PersistentVolume['spec'], ...nulls: string[]): PersistentVolume => ({
      metadata: { name: 'z' },
      spec: { ...spec, ...Object.fromEntries(nulls.map((k) => [k, null])) },
    });
    expect(registry.forVolume(withNulls(host.spec, 'nfs', 'csi'))?.identity.type).to.equal('hostPath');
    expect(registry.nodeDriverFor(withNulls(nfs.spec, 'hostPath'))?.identity.type).to.equal('nfs');
    expect(registry.forVolume(withNulls({}, 'hostPath', 'nfs'))).to.equal(undefined);
  });

  it('refuses duplicate driver names', () => {
    expect(() => new VolumeDriverRegistry([newHostPathDriver(), newHostPathDriver()])).to.throw(/registered twice/);
    // Two default classes of one name: only one could be created, and forClass would pick by order.
    const other = newHostPathDriver();
    const clash: VolumeDriver = {
      ...other,
      identity: { ...other.identity, type: 'other', provisioner: 'other.example.com', pluginName: 'other.example.com' },
    };
    expect(() => new VolumeDriverRegistry([newHostPathDriver(), clash])).to.throw(
      'volume driver default class "hostPath" registered twice',
    );
  });

  it("makes each driver's service once, and NodeDrivers routes a PV to its driver's node half", async () => {
    let made = 0;
    const lookup = registry.services(() => ++made);
    const [first] = registry.list();
    expect(made).to.equal(3);
    expect(first && lookup(first)).to.equal(1);
    expect(() => lookup(newHostPathDriver())).to.throw(/not registered/);
    const node = new NodeDrivers(registry, { mounter: new FakeMounter() });
    const err = await node
      .publishVolume(
        { metadata: { name: 'x' }, spec: {} },
        { podUid: 'u', rootDir: '/r', readOnly: false, node: { metadata: { name: 'n' } } },
      )
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(VolumeSetupError);
    expect(await node.cleanupOrphans('/nonexistent-kubelet-root', new Set())).to.deep.equal([]);
  });

  it('a driver whose restart cleanup fails does not keep the next drivers from cleaning up; the error names it', async () => {
    const calls: string[] = [];
    const driver = (type: string, cleanup: () => Promise<string[]>): VolumeDriver => ({
      identity: { ...hostPathIdentity, type, provisioner: `${type}.example.com`, pluginName: `${type}.example.com` },
      handles: () => false,
      controller: () => ({}) as ControllerService,
      node: () => ({
        publishVolume: () => Promise.reject(new Error('unused')),
        unpublishVolume: () => Promise.resolve(),
        cleanupOrphans: async () => {
          calls.push(type);
          return cleanup();
        },
      }),
    });
    const node = new NodeDrivers(
      new VolumeDriverRegistry([
        driver('broken', () => Promise.reject(new Error('mount table unreadable'))),
        driver('fine', () => Promise.resolve(['orphan'])),
      ]),
      { mounter: new FakeMounter() },
    );
    const err = await node.cleanupOrphans('/r', new Set()).catch((e: unknown) => e);
    expect(calls).to.deep.equal(['broken', 'fine']);
    expect((err as Error).message).to.equal('broken: mount table unreadable (cleaned up: orphan)');
  });
});
