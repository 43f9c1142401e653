/** The built-in volume drivers as tests build them (NFS settings default to a non-server host). */
import type { PersistentVolume } from '../../pkg/api/core/v1';
import type { DeepReadonly } from '../../pkg/util/immutable/deep_readonly';
import type { Mounter } from '../../pkg/util/mount/mounter';
import type { VolumeDriver } from '../../pkg/volume/driver';
import { newHostPathDriver } from '../../pkg/volume/hostpath/driver';
import { newNfsDriver } from '../../pkg/volume/nfs/driver';
import { newLocalDriver } from '../../pkg/volume/local/driver';
import { localIdentity, type LocalSettings } from '../../pkg/volume/local/identity';
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

/** How tests configure the built-in drivers (each part defaults as the driver does), plus `extra` drivers. */
export interface TestDriverOptions {
  nfs?: Partial<NfsSettings>;
  hostPath?: Partial<HostPathSettings>;
  local?: Partial<LocalSettings>;
  extra?: readonly VolumeDriver[];
}

/** A registry of the built-in drivers (plus `extra`), configured as tests need them. */
export function testDriverRegistry(o: TestDriverOptions = {}): VolumeDriverRegistry {
  return new VolumeDriverRegistry([
    newHostPathDriver(o.hostPath),
    newNfsDriver(nfsSettings(o.nfs)),
    newLocalDriver(o.local),
    ...(o.extra ?? []),
  ]);
}

/** The kubelet's node halves of the built-in drivers (plus `o.extra`) over `mounter`. */
export function testNodeDrivers(mounter: Mounter, o: TestDriverOptions = {}): NodeDrivers {
  return new NodeDrivers(testDriverRegistry(o), { mounter });
}

/** Provisioner names of the built-in drivers (what their default classes name). */
export const BuiltinProvisioner = {
  HostPath: hostPathIdentity.provisioner,
  NFS: nfsIdentity.provisioner,
  Local: localIdentity.provisioner,
} as const;

/** Storage types of the built-in drivers. */
export const BuiltinType = {
  HostPath: hostPathIdentity.type,
  NFS: nfsIdentity.type,
  Local: localIdentity.type,
} as const;

/** A PV's storage type by the built-in drivers (what the PV controller's index groups by). */
export const builtinTypeOf = (pv: DeepReadonly<PersistentVolume>): string | undefined =>
  builtinRegistry.forVolume(pv)?.identity.type;

/** One registry for builtinTypeOf (the index asks on every PV event). */
const builtinRegistry = testDriverRegistry();
