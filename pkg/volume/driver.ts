/**
 * The volume driver contract, shaped like CSI's three services. A storage type is ONE driver
 * in its own folder under pkg/volume/; the controller-manager and the kubelet find drivers
 * only through the registry (registry.ts), so no other code names a storage type.
 *
 * - Identity: the driver's names and capabilities (access modes, volume modes, and whether it
 *   can expand, snapshot and report stats). The binder and the provisioner read capabilities,
 *   never the driver's kind.
 * - Controller service (controller_service.ts; the controller-manager's half): create and
 *   delete a volume's backing storage, recycle it, adopt a PV it made (crash window).
 * - Node service (node_service.ts; the kubelet's half): publish a volume into a pod's bind
 *   source, unpublish it, and optionally clean up what an earlier kubelet left mounted.
 *
 * A driver also says which PVs are its own (`handles`: by the PV's source field, or a `csi`
 * source naming it), and may bring a default StorageClass that works with no object created
 * by the user (the seed's `storageClassName: hostPath` / `nfs`).
 */
import type { AccessMode, PersistentVolume, PersistentVolumeSpec } from '../api/core/v1';
import type { StorageClass } from '../api/storage/v1';
import type { DeepReadonly } from '../util/immutable/deep_readonly';
import type { ControllerService, ControllerHost } from './controller_service';
import type { NodeHost, NodeService } from './node_service';

/** Volume modes a driver may support (Kubernetes' PersistentVolumeMode). */
export type VolumeMode = NonNullable<PersistentVolumeSpec['volumeMode']>;

/** What a driver can do (CSI's GetPluginCapabilities / ControllerGetCapabilities / NodeGetCapabilities). */
export interface DriverCapabilities {
  /** Access modes its volumes support; the binder refuses others with an event. */
  accessModes: readonly AccessMode[];
  /** Volume modes it supports. */
  volumeModes: readonly VolumeMode[];
  /** It can grow a volume: its controller half has `expandVolume` (and its node half `nodeExpandVolume` when needed). */
  expansion: boolean;
  /** It can snapshot a volume and restore one. */
  snapshots: boolean;
  /** Its node service reports volume stats. */
  stats: boolean;
}

/** Who a driver is. */
export interface DriverIdentity {
  /** The storage type's short name, used in messages and provisioning records (`hostPath`, `nfs`). */
  type: string;
  /** The provisioner name StorageClasses give (`kubestore.io/hostpath`); PVs it made carry it in `pv.kubernetes.io/provisioned-by`. */
  provisioner: string;
  /** Kubernetes-style plugin name (`kubernetes.io/host-path`); its node directory is `<root-dir>/plugins/<name with / → ~>`. */
  pluginName: string;
  capabilities: DriverCapabilities;
}

/** One storage type; see the file comment. */
export interface VolumeDriver {
  readonly identity: DriverIdentity;
  /** True when `pv`'s source is this driver's (exactly one driver handles any valid PV). */
  handles(pv: DeepReadonly<PersistentVolume>): boolean;
  /** The StorageClass the controller-manager creates when missing, if the driver brings one. */
  readonly defaultClass?: DeepReadonly<StorageClass>;
  /** The controller half (the controller-manager calls it once at start). */
  controller(host: ControllerHost): ControllerService;
  /** The node half (the kubelet calls it once at start). */
  node(host: NodeHost): NodeService;
}

/** Capabilities of a plain directory-backed driver: every access mode, Filesystem only, online expansion. */
export const directoryCapabilities: DriverCapabilities = {
  accessModes: ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'],
  volumeModes: ['Filesystem'],
  expansion: true,
  snapshots: false,
  stats: false,
};

/** Labels of the default classes drivers bring. */
export const builtinClassLabels: Readonly<Record<string, string>> = { 'kubestore.io/builtin': 'true' };

/** The default class `name` of the driver `identity` names as provisioner (Immediate binding, Delete, no expansion). */
export function defaultClassOf(
  identity: DriverIdentity,
  name: string,
  parameters?: Record<string, string>,
): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name, labels: { ...builtinClassLabels } },
    provisioner: identity.provisioner,
    ...(parameters ? { parameters } : {}),
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
    allowVolumeExpansion: false,
  };
}
