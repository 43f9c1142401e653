/**
 * What the PV controller asks of the volume drivers: a PV's or a class's storage type, the
 * controller half that provisioned a PV, and whether a driver can serve what a claim asks for
 * (its capabilities). The drivers themselves live in pkg/volume; this file only consults the
 * registry.
 */
import type { PersistentVolume, PersistentVolumeClaim } from '../../../api/core/v1';
import type { StorageClass } from '../../../api/storage/v1';
import type { DeepReadonly } from '../../../util/immutable/deep_readonly';
import type { ControllerService } from '../../../volume/controller_service';
import type { VolumeDriver } from '../../../volume/driver';
import type { VolumeDriverRegistry } from '../../../volume/registry';
import { Annotation } from './constants';
import type { ControllerContext } from './deps';

/** The storage type of a PV (undefined when no driver handles its source). */
export function volumeTypeOf(drivers: VolumeDriverRegistry, pv: DeepReadonly<PersistentVolume>): string | undefined {
  return drivers.forVolume(pv)?.identity.type;
}

/** The storage type a class provisions (a driver's default class name implies it even before the object exists). */
export function classTypeOf(
  drivers: VolumeDriverRegistry,
  className: string,
  sc: DeepReadonly<StorageClass> | undefined,
): string | undefined {
  return drivers.forClass(className, sc)?.identity.type;
}

/**
 * The driver that says it provisioned `pv`: the one handling its source, when the PV's
 * provisioned-by annotation names it. This only picks whom to ask: whether the storage may be
 * touched is proven by the driver from the controller's own records.
 */
export function provisioningDriverOf(
  drivers: VolumeDriverRegistry,
  pv: DeepReadonly<PersistentVolume>,
): VolumeDriver | undefined {
  const driver = drivers.forVolume(pv);
  return driver && pv.metadata.annotations?.[Annotation.ProvisionedBy] === driver.identity.provisioner
    ? driver
    : undefined;
}

/** The controller half of `provisioningDriverOf(pv)`. */
export function provisionerOf(
  ctx: ControllerContext,
  pv: DeepReadonly<PersistentVolume>,
): ControllerService | undefined {
  const driver = provisioningDriverOf(ctx.drivers, pv);
  return driver && ctx.controllerOf(driver);
}

/** True when the driver of `pv` can serve what the claim asks for (a PV no driver handles: not ours to judge). */
export function driverServes(
  drivers: VolumeDriverRegistry,
  pv: DeepReadonly<PersistentVolume>,
  claim: DeepReadonly<PersistentVolumeClaim>,
): boolean {
  const driver = drivers.forVolume(pv);
  return !driver || unsupportedByDriver(driver, claim) === undefined;
}

/** Why `driver` cannot serve what the claim asks for (an access or volume mode it lacks); undefined when it can. */
export function unsupportedByDriver(
  driver: VolumeDriver,
  claim: DeepReadonly<PersistentVolumeClaim>,
): string | undefined {
  const caps = driver.identity.capabilities;
  const modes = (claim.spec.accessModes ?? []).filter((m) => !caps.accessModes.includes(m));
  if (modes.length)
    return `the ${driver.identity.type} driver does not support access mode${modes.length > 1 ? 's' : ''} ${modes.join(', ')} (it supports ${caps.accessModes.join(', ')})`;
  const mode = claim.spec.volumeMode ?? 'Filesystem';
  if (!caps.volumeModes.includes(mode))
    return `the ${driver.identity.type} driver does not support volumeMode ${mode} (it supports ${caps.volumeModes.join(', ')})`;
  return undefined;
}
