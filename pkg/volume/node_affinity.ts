/**
 * Whether a PV may be used on a node, as the kubelet checks it before mounting (Kubernetes'
 * operation generator: "MountVolume.NodeAffinity check failed"). The volume manager checks
 * every PV (hostPath, NFS, local, …) with it; the local driver's node half checks again, as
 * the one whose data lives on one node only.
 */
import type { Node, PersistentVolume } from '../api/core/v1';
import { describeNodeAffinity, nodeMatchesAffinity } from '../api/node_affinity';
import type { DeepReadonly } from '../util/immutable/deep_readonly';

/**
 * Why `pv` may not be mounted on `node` (its required nodeAffinity excludes the node), worded as
 * Kubernetes' kubelet words it plus where the volume is pinned; undefined when it may (a PV
 * without nodeAffinity may be mounted anywhere).
 */
export function volumeNodeAffinityProblem(
  pv: DeepReadonly<PersistentVolume>,
  node: DeepReadonly<Node>,
): string | undefined {
  const affinity = pv.spec.nodeAffinity;
  if (!affinity || nodeMatchesAffinity(node, affinity)) return undefined;
  return `MountVolume.NodeAffinity check failed for volume "${pv.metadata.name ?? ''}" : no matching NodeSelectorTerms (the volume is pinned to another node by its nodeAffinity: ${describeNodeAffinity(affinity)}; this is node "${node.metadata.name ?? ''}")`;
}
