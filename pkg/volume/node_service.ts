/**
 * The node half of a driver (CSI's Node service): turns a bound PersistentVolume into a host
 * directory the pod's containers get as a Docker bind (`<hostPath>:<mountPath>[:ro]`). The
 * kubelet's volume manager finds the driver through the registry, publishes before the pod's
 * containers are created and unpublishes after the last of them is removed.
 *
 * Contracts:
 * - `publishVolume` is idempotent per (PV, pod): calling it again for a pod that already has
 *   the volume returns the same result and changes nothing. After a kubelet restart the volume
 *   manager publishes again for every pod still running (that rebuilds shared-mount reference
 *   counts) before unpublishing anything.
 * - `unpublishVolume` is idempotent too and never deletes data.
 * - Failures throw `VolumeSetupError` or a mount error (`MountError`, `NfsUnsupportedError`);
 *   the volume manager reports any of them as a `FailedMount` event on the pod and retries.
 */
import type { Node, PersistentVolume } from '../api/core/v1';
import type { DeepReadonly } from '../util/immutable/deep_readonly';
import type { Mounter } from '../util/mount/mounter';

/** What the kubelet gives every driver's node half. */
export interface NodeHost {
  mounter: Mounter;
}

/** Per-pod context of a publish/unpublish. */
export interface VolumeContext {
  /** The pod using the volume. */
  podUid: string;
  /** The kubelet's --root-dir (drivers keep their mount points under it). */
  rootDir: string;
  /** The pod asked for the volume read-only (claim source or every mount readOnly). */
  readOnly: boolean;
}

/**
 * The context of a publish: the per-pod context and the kubelet's own Node object as the
 * apiserver has it (its labels decide whether a volume's nodeAffinity admits this node).
 */
export interface PublishContext extends VolumeContext {
  node: DeepReadonly<Node>;
}

/** Where the volume is on the host, and how to bind it. */
export interface PublishedVolume {
  /** Absolute, symlink-free host directory to bind into the containers. */
  hostPath: string;
  /** Bind it `:ro` (the pod asked for it, or the volume itself is read-only). */
  readOnly: boolean;
}

/** A driver's node half; see the file comment for the contracts. */
export interface NodeService {
  publishVolume(pv: PersistentVolume, ctx: PublishContext): Promise<PublishedVolume>;
  unpublishVolume(pv: PersistentVolume, ctx: VolumeContext): Promise<void>;
  /**
   * Optional restart cleanup: undoes what an earlier kubelet left behind under `rootDir` (e.g.
   * shared mounts) for PVs that no counted pod uses and that are not in `keep` (PVs of pods
   * still assigned here). Returns the PV names it cleaned up.
   */
  cleanupOrphans?(rootDir: string, keep: ReadonlySet<string>): Promise<string[]>;
  /**
   * Finishes an expansion on the node for a volume published here (CSI NodeExpandVolume;
   * idempotent): resolves with the volume's size now. Drivers whose controller half may answer
   * `nodeExpansionRequired` implement it; failures are VolumeExpansionError.
   */
  nodeExpandVolume?(pv: PersistentVolume, capacity: string, ctx: PublishContext): Promise<string>;
}

/** The PV's name, for messages. */
export function pvName(pv: PersistentVolume): string {
  return pv.metadata.name ?? '<unnamed>';
}
