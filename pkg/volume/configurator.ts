/**
 * How a binary configures a driver from its command line: each driver folder exports one
 * DriverConfigurator (its flags per binary, and the driver those flags give), and drivers.ts
 * lists them. The mains add every configurator's flags and build the registry from the values,
 * so a driver's configuration lives in its folder, not in cmd/.
 */
import type { FlagSpec, FlagValues } from '../flags/flags';
import type { VolumeDriver } from './driver';

/** The binaries that configure drivers. */
export type DriverComponent = 'kube-controller-manager' | 'kubelet';

/** A driver configured by a binary, and the directories it provisions under. */
export interface ConfiguredDriver {
  driver: VolumeDriver;
  /** Directories the controller half creates volumes under (nothing of the controller's own may lie inside one). */
  roots: string[];
}

/** One driver's command-line configuration; see the file comment. */
export interface DriverConfigurator {
  /** The flags `component` takes for this driver (defaults may come from `env`). */
  flags(component: DriverComponent, env: NodeJS.ProcessEnv): Record<string, FlagSpec>;
  /** The driver those flags' values give; a FlagError (one line) on a bad value. */
  configure(component: DriverComponent, f: FlagValues, env: NodeJS.ProcessEnv): ConfiguredDriver;
}
