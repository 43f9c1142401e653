/** Configuration of the controller-manager, as its flags give it (and its controllers read it). */
import type { Logger } from 'pino';
import type { ClientConfig } from '../../client/config';
import type { NfsSettings } from '../../volume/nfs/controller';

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
  hostPathBaseDir: string;
  /** --hostpath-allowed-roots: roots a StorageClass `parameters.path` may name besides the base dir. */
  hostPathAllowedRoots?: readonly string[];
  /** --provisioning-record-dir: where the PV controller keeps its provisioning records (default defaultProvisioningRecordDir). */
  provisioningRecordDir?: string;
  nfs: NfsSettings;
  bindAddress: string;
  port: number;
  identity?: string;
  logger: Logger;
}
