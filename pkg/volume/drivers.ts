/**
 * The built-in drivers: the ONE list both binaries configure their registry from. A new
 * storage type is a folder under pkg/volume/ (its driver and its DriverConfigurator) and one
 * line here.
 */
import type { FlagSpec, FlagValues } from '../flags/flags';
import type { DriverComponent, DriverConfigurator } from './configurator';
import type { VolumeDriver } from './driver';
import { hostPathConfigurator } from './hostpath/flags';
import { localConfigurator } from './local/flags';
import { nfsConfigurator } from './nfs/flags';
import { VolumeDriverRegistry } from './registry';

/** Every built-in driver's configurator, in registration order. */
export const builtinConfigurators: readonly DriverConfigurator[] = [
  hostPathConfigurator,
  nfsConfigurator,
  localConfigurator,
];

/** The driver flags `component` takes (every built-in driver's). */
export function driverFlags(component: DriverComponent, env: NodeJS.ProcessEnv): Record<string, FlagSpec> {
  return Object.assign({}, ...builtinConfigurators.map((c) => c.flags(component, env)));
}

/** The built-in drivers configured from `component`'s flag values (plus `extra`), and every root they provision under. */
export function driversFromFlags(
  component: DriverComponent,
  f: FlagValues,
  env: NodeJS.ProcessEnv,
  extra: readonly VolumeDriver[] = [],
): { registry: VolumeDriverRegistry; roots: string[] } {
  const configured = builtinConfigurators.map((c) => c.configure(component, f, env));
  return {
    registry: new VolumeDriverRegistry([...configured.map((c) => c.driver), ...extra]),
    roots: configured.flatMap((c) => c.roots),
  };
}
