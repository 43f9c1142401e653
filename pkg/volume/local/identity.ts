/** Who the local driver is, and its settings (shared by its two halves). */
import type { DriverCapabilities, DriverIdentity } from '../driver';

/** The directory under the kubelet's --root-dir that is its local volume root by default. */
export const DefaultLocalRootName = 'local-volumes';

/** Settings of the local driver (the node half uses them; the controller half needs none). */
export interface LocalSettings {
  /** --local-volume-roots: the directories a local PV's path must lie strictly under on this node. */
  roots: readonly string[];
}

/**
 * A local volume is one node's directory: RWO (one node, as Kubernetes' local plugin says: "the
 * meaning of AccessMode is how many nodes can attach to it") and RWOP (one pod, a narrowing
 * the scheduler and the kubelet enforce). ReadOnlyMany and ReadWriteMany mean many nodes,
 * which a directory on one node cannot serve. Filesystem only (no block devices here).
 * Expansion is the node's: only the kubelet of the volume's node can see its directory.
 */
export const localCapabilities: DriverCapabilities = {
  accessModes: ['ReadWriteOnce', 'ReadWriteOncePod'],
  volumeModes: ['Filesystem'],
  expansion: true,
  snapshots: false,
  stats: false,
};

/**
 * Who the local driver is. Local volumes are static: classes of them name Kubernetes'
 * `kubernetes.io/no-provisioner`, which no driver claims (the binder waits for a matching PV).
 * The provisioner name below only identifies the driver in the registry; a class naming it gets
 * ProvisioningFailed events saying local volumes are not provisioned.
 */
export const localIdentity: DriverIdentity = {
  type: 'local',
  provisioner: 'kubestore.io/local',
  pluginName: 'kubernetes.io/local-volume',
  capabilities: localCapabilities,
};
