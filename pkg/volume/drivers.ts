/**
 * The built-in drivers: the ONE list both binaries build their registry from. A new storage
 * type is a folder under pkg/volume/ and one line here (plus its settings, if it has any).
 */
import type { VolumeDriver } from './driver';
import { newHostPathDriver } from './hostpath/driver';
import type { HostPathSettings } from './hostpath/identity';
import { newNfsDriver } from './nfs/driver';
import type { NfsSettings } from './nfs/identity';
import { VolumeDriverRegistry } from './registry';

/** Settings of the built-in drivers, from the binaries' flags and environment. */
export interface DriverSettings {
  hostPath?: Partial<HostPathSettings>;
  nfs: NfsSettings;
}

/** The built-in drivers with these settings. */
export function builtinDrivers(s: DriverSettings): VolumeDriver[] {
  return [newHostPathDriver(s.hostPath), newNfsDriver(s.nfs)];
}

/** A registry of the built-in drivers plus `extra` (tests register their own drivers this way). */
export function newDriverRegistry(s: DriverSettings, extra: readonly VolumeDriver[] = []): VolumeDriverRegistry {
  return new VolumeDriverRegistry([...builtinDrivers(s), ...extra]);
}
