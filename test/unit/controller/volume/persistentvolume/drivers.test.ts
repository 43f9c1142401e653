/**
 * What the PV controller asks of the volume drivers (drivers.ts), attacked with forged PVs and
 * claims the drivers cannot serve: a `csi` source naming a built-in driver is nobody's (never
 * reclaimed, whatever its annotations say), a claim naming a volume whose driver lacks its
 * access mode is not bound to it, and a claim's volume mode is the provisioned PV's.
 */
import { expect } from 'chai';
import type { PersistentVolume } from '../../../../../pkg/api/core/v1';
import { Annotation } from '../../../../../pkg/controller/volume/persistentvolume/constants';
import {
  driverServes,
  provisioningDriverOf,
  volumeTypeOf,
} from '../../../../../pkg/controller/volume/persistentvolume/drivers';
import { defaultClassOf, type DriverIdentity, type VolumeDriver } from '../../../../../pkg/volume/driver';
import type { ControllerService } from '../../../../../pkg/volume/controller_service';
import type { NodeService } from '../../../../../pkg/volume/node_service';
import { BuiltinProvisioner, testDriverRegistry } from '../../../../helpers/volume_drivers';
import { pv, pvc, PVHarness, sc } from './harness';

/** A csi-sourced fake driver named `name` with these capabilities (its halves are never called here). */
function fakeDriver(name: string, caps: Partial<DriverIdentity['capabilities']>): VolumeDriver {
  const identity: DriverIdentity = {
    type: name,
    provisioner: `${name}.example.com`,
    pluginName: `${name}.example.com`,
    capabilities: {
      accessModes: ['ReadWriteOnce'],
      volumeModes: ['Filesystem'],
      expansion: false,
      snapshots: false,
      stats: false,
      ...caps,
    },
  };
  return {
    identity,
    handles: (v) => v.spec.csi?.driver === identity.pluginName,
    defaultClass: defaultClassOf(identity, name),
    controller: () => ({}) as ControllerService,
    node: () => ({}) as NodeService,
  };
}

/** A PV whose source is `csi: {driver, volumeHandle}`, with `pv()`'s other options. */
function csiPV(name: string, driver: string, o: Parameters<typeof pv>[1] = {}): PersistentVolume {
  const v = pv(name, o);
  delete v.spec.hostPath;
  v.spec.csi = { driver, volumeHandle: name };
  return v;
}

const rwoOnly = fakeDriver('rwo', {});
const block = fakeDriver('block', { volumeModes: ['Filesystem', 'Block'] });
const registry = testDriverRegistry({ extra: [rwoOnly, block] });

describe('persistentvolume: the controller consults the volume drivers', () => {
  describe('forged csi PVs', () => {
    const builtinNames = [
      BuiltinProvisioner.HostPath,
      BuiltinProvisioner.NFS,
      'kubernetes.io/host-path',
      'kubernetes.io/nfs',
      'hostPath',
      'nfs',
    ];

    it('a csi source naming a built-in driver (provisioner, plugin or type name) has no type and no provisioning driver, whatever provisioned-by says', () => {
      for (const name of builtinNames) {
        for (const provisionedBy of [BuiltinProvisioner.HostPath, BuiltinProvisioner.NFS, name]) {
          const forged = csiPV('forged', name, {
            policy: 'Delete',
            annotations: { [Annotation.ProvisionedBy]: provisionedBy },
          });
          forged.spec.csi = { driver: name, volumeHandle: '../../etc' };
          expect(volumeTypeOf(registry, forged), name).to.equal(undefined);
          expect(provisioningDriverOf(registry, forged), `${name} / ${provisionedBy}`).to.equal(undefined);
        }
      }
    });

    it('a csi PV of a registered driver with another driver in provisioned-by has no provisioning driver', () => {
      const forged = csiPV('f', rwoOnly.identity.pluginName, {
        annotations: { [Annotation.ProvisionedBy]: BuiltinProvisioner.HostPath },
      });
      expect(volumeTypeOf(registry, forged)).to.equal('rwo');
      expect(provisioningDriverOf(registry, forged)).to.equal(undefined);
      const own = csiPV('o', rwoOnly.identity.pluginName, {
        annotations: { [Annotation.ProvisionedBy]: rwoOnly.identity.provisioner },
      });
      expect(provisioningDriverOf(registry, own)).to.equal(rwoOnly);
    });

    for (const policy of ['Delete', 'Recycle'] as const) {
      it(`a released ${policy} csi PV naming kubestore.io/hostpath with a forged provisioned-by goes Failed; no driver is asked to touch storage`, async () => {
        const forged = csiPV('forged', BuiltinProvisioner.HostPath, {
          policy,
          claim: { name: 'gone', uid: 'uid-gone' },
          phase: 'Bound',
          annotations: { [Annotation.ProvisionedBy]: BuiltinProvisioner.HostPath },
        });
        const h = new PVHarness({ pvs: [forged] });
        h.ctx.drivers = registry;
        await h.run();
        expect(h.pv('forged')?.status?.phase).to.equal('Failed');
        expect(h.pv('forged')?.status?.message).to.match(/its storage was not provisioned by this controller/);
        expect([...h.hostPath.deleted, ...h.nfs.deleted, ...h.hostPath.recycled, ...h.nfs.recycled]).to.deep.equal([]);
        expect(h.eventSet()).to.deep.equal([
          `Warning ${policy === 'Delete' ? 'VolumeFailedDelete' : 'VolumeFailedRecycle'} forged`,
        ]);
      });
    }
  });

  describe('capabilities', () => {
    it('driverServes: the access and volume modes of the PV’s driver; a PV no driver handles is not judged', () => {
      const rwoPV = csiPV('r', rwoOnly.identity.pluginName, { modes: ['ReadWriteMany'] });
      expect(driverServes(registry, rwoPV, pvc('c', { modes: ['ReadWriteMany'] }))).to.equal(false);
      expect(driverServes(registry, rwoPV, pvc('c', { modes: ['ReadWriteOnce'] }))).to.equal(true);
      const blockClaim = pvc('b');
      blockClaim.spec.volumeMode = 'Block';
      expect(driverServes(registry, pv('h'), blockClaim)).to.equal(false);
      expect(driverServes(registry, csiPV('bk', block.identity.pluginName), blockClaim)).to.equal(true);
      expect(driverServes(registry, csiPV('u', 'unknown.example.com'), blockClaim)).to.equal(true);
    });

    it('a claim naming a volume whose driver lacks its access mode is not bound to it: Pending, a VolumeMismatch warning, no retry', async () => {
      const h = new PVHarness({
        pvs: [csiPV('static-rwx', rwoOnly.identity.pluginName, { modes: ['ReadWriteMany'], className: 'rwo' })],
        pvcs: [pvc('c', { volumeName: 'static-rwx', className: 'rwo', modes: ['ReadWriteMany'] })],
      });
      h.ctx.drivers = registry;
      await h.run();
      expect(h.pv('static-rwx')?.spec.claimRef).to.equal(undefined);
      expect(h.pvc('c')?.status?.phase).to.equal('Pending');
      expect(h.pvc('c')?.spec.volumeName).to.equal('static-rwx');
      expect(h.eventSet()).to.deep.equal(['Warning VolumeMismatch default/c']);
      expect(h.recorder.events[0]?.message).to.equal(
        'Cannot bind to requested volume "static-rwx": the rwo driver does not support access mode ReadWriteMany (it supports ReadWriteOnce)',
      );
      expect(h.errors.map((e) => e.err.name)).to.deep.equal(['TerminalError']);
    });

    it('a Block claim of a Block-capable driver gets a Block PV (the claim’s mode), not a Filesystem one', async () => {
      const claim = pvc('b', { className: 'block' });
      claim.spec.volumeMode = 'Block';
      const h = new PVHarness({ classes: [sc('block', block.identity.provisioner)], pvcs: [claim] });
      h.ctx.drivers = registry;
      await h.run();
      const name = 'pvc-uid-b';
      expect(h.pvc('b')?.status?.phase).to.equal('Bound');
      expect(h.pv(name)?.spec.volumeMode).to.equal('Block');
    });

    it('a Block claim of a built-in class is refused before anything is made (ProvisioningFailed, no retry)', async () => {
      const claim = pvc('b');
      claim.spec.volumeMode = 'Block';
      const h = new PVHarness({ pvcs: [claim] });
      await h.run();
      expect(h.hostPath.provisioned).to.deep.equal([]);
      expect(h.eventSet()).to.deep.equal(['Warning ProvisioningFailed default/b']);
      expect(h.recorder.events[0]?.message).to.equal(
        'failed to provision volume with StorageClass "hostPath": the hostPath driver does not support volumeMode Block (it supports Filesystem)',
      );
      expect(h.pvc('b')?.status?.phase).to.equal('Pending');
    });
  });
});
