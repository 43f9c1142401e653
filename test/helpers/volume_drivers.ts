/** The built-in volume drivers as tests build them (NFS settings default to a non-server host). */
import type { PersistentVolume } from '../../pkg/api/core/v1';
import type { DeepReadonly } from '../../pkg/util/immutable/deep_readonly';
import type { Mounter } from '../../pkg/util/mount/mounter';
import type { VolumeDriver } from '../../pkg/volume/driver';
import { newHostPathDriver } from '../../pkg/volume/hostpath/driver';
import { newNfsDriver } from '../../pkg/volume/nfs/driver';
import { hostPathIdentity, type HostPathSettings } from '../../pkg/volume/hostpath/identity';
import {
  DefaultNfsExportPath,
  DefaultNfsExportRoot,
  nfsIdentity,
  type NfsSettings,
} from '../../pkg/volume/nfs/identity';
import { NodeDrivers } from '../../pkg/volume/node_drivers';
import { VolumeDriverRegistry } from '../../pkg/volume/registry';

/** NFS settings: `localhost`, not the server, the default export root and path, overridden by `o`. */
export function nfsSettings(o: Partial<NfsSettings> = {}): NfsSettings {
  return {
    server: 'localhost',
    isServer: false,
    exportRoot: DefaultNfsExportRoot,
    exportPath: DefaultNfsExportPath,
    ...o,
  };
}

/** A registry of the built-in drivers (plus `extra`), configured as tests need them. */
export function testDriverRegistry(
  o: { nfs?: Partial<NfsSettings>; hostPath?: Partial<HostPathSettings>; extra?: readonly VolumeDriver[] } = {},
): VolumeDriverRegistry {
  return new VolumeDriverRegistry([
    newHostPathDriver(o.hostPath),
    newNfsDriver(nfsSettings(o.nfs)),
    ...(o.extra ?? []),
  ]);
}

/** The kubelet's node halves of the built-in drivers (plus `extra`) over `mounter`. */
export function testNodeDrivers(
  mounter: Mounter,
  nfs: Partial<NfsSettings> = {},
  extra: readonly VolumeDriver[] = [],
): NodeDrivers {
  return new NodeDrivers(testDriverRegistry({ nfs, extra }), { mounter });
}

/** Provisioner names of the built-in drivers (what their default classes name). */
export const BuiltinProvisioner = {
  HostPath: hostPathIdentity.provisioner,
  NFS: nfsIdentity.provisioner,
} as const;

/** Storage types of the built-in drivers. */
export const BuiltinType = { HostPath: hostPathIdentity.type, NFS: nfsIdentity.type } as const;

/** A PV's storage type by the built-in drivers (what the PV controller's index groups by). */
export const builtinTypeOf = (pv: DeepReadonly<PersistentVolume>): string | undefined =>
  builtinRegistry.forVolume(pv)?.identity.type;

/** One registry for builtinTypeOf (the index asks on every PV event). */
const builtinRegistry = testDriverRegistry();
