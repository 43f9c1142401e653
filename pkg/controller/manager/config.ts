/** Configuration of the controller-manager, as its flags give it (and its controllers read it). */
import type { Logger } from 'pino';
import type { ClientConfig } from '../../client/config';
import type { VolumeDriverRegistry } from '../../volume/registry';

/** Default of --provisioning-record-dir. */
export const defaultProvisioningRecordDir = '/var/lib/kubestore/controller-manager/provisioning-records';

/** Configuration of a controller-manager. */
export interface ControllerManagerConfig {
  client: ClientConfig;
  /** `*`, names, and `-name` to disable (Kubernetes' --controllers syntax). */
  controllers: string;
  leaderElect: boolean;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  workers: number;
  /** --provisioning-record-dir: where the PV controller keeps its provisioning records (default defaultProvisioningRecordDir). */
  provisioningRecordDir?: string;
  /** The volume drivers (pkg/volume/drivers.ts builds the built-in ones from flags). */
  drivers: VolumeDriverRegistry;
  bindAddress: string;
  port: number;
  identity?: string;
  logger: Logger;
}
