/** Who the hostPath driver is, and its settings (shared by its two halves). */
import { directoryCapabilities, type DriverIdentity } from '../driver';

/** Settings of the hostPath driver (the controller half uses them; the node half needs none). */
export interface HostPathSettings {
  /** --hostpath-base-dir: where volumes of classes without a `path` go. */
  baseDir: string;
  /** --hostpath-allowed-roots: further roots a class `path` may name. */
  allowedRoots: readonly string[];
  /** --snapshot-root: where snapshot copies go, never inside a volume root (default: `snapshots` next to baseDir). */
  snapshotRoot?: string;
}

/** Who the hostPath driver is. */
export const hostPathIdentity: DriverIdentity = {
  type: 'hostPath',
  provisioner: 'kubestore.io/hostpath',
  pluginName: 'kubernetes.io/host-path',
  capabilities: { ...directoryCapabilities, snapshots: true },
};
