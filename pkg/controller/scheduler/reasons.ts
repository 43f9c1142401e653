/**
 * What the scheduler says when a pod fits nowhere, in the Kubernetes scheduler's words: the
 * per-node reasons of its filter plugins and the FitError message built from them
 * (`0/3 nodes are available: 1 node(s) had volume node affinity conflict, 2 node(s) didn't
 * match Pod's node affinity/selector.`), or one pre-filter message for every node
 * (`0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.`).
 */

/** Why one node cannot take the pod (each the reason of one Kubernetes filter plugin). */
export const NodeReason = {
  /** NodeUnschedulable. */
  Unschedulable: 'node(s) were unschedulable',
  /** TaintToleration: the node lifecycle taint of a node that is not Ready. */
  NotReady: 'node(s) had untolerated taint {node.kubernetes.io/not-ready: }',
  /** TaintToleration: the taint of a node whose Ready condition is Unknown. */
  Unreachable: 'node(s) had untolerated taint {node.kubernetes.io/unreachable: }',
  /** NodeAffinity: the pod's nodeSelector or required node affinity. */
  NodeAffinity: "node(s) didn't match Pod's node affinity/selector",
  /** VolumeRestrictions. */
  ReadWriteOncePodConflict:
    'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode',
  /** VolumeBinding: a bound claim's PV does not admit the node. */
  VolumeNodeConflict: 'node(s) had volume node affinity conflict',
  /** VolumeBinding: an unbound claim has neither a matching PV nor a provisioner for the node. */
  VolumeBindConflict: "node(s) didn't find available persistent volumes to bind",
  /** VolumeBinding: a bound claim's PV does not exist. */
  VolumeNotExist: 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)',
} as const;
export type NodeReason = (typeof NodeReason)[keyof typeof NodeReason];

/** The pre-filter message of a pod whose Immediate claims are not bound yet. */
export const unboundImmediateMessage = 'pod has unbound immediate PersistentVolumeClaims';

/** What the Kubernetes scheduler says when there is no node at all. */
export const noNodesMessage = 'no nodes available to schedule pods';

/**
 * The FitError message: a pre-filter message stands for every node; otherwise each distinct
 * node reason with its count, sorted as strings (as the Kubernetes scheduler sorts them).
 */
export function fitErrorMessage(
  numNodes: number,
  failure: { preFilter: string } | { reasons: NodeReason[][] },
): string {
  if (numNodes === 0) return noNodesMessage;
  const head = `0/${numNodes} nodes are available:`;
  if ('preFilter' in failure) return `${head} ${failure.preFilter}.`;
  const counts = new Map<string, number>();
  for (const node of failure.reasons) for (const r of node) counts.set(r, (counts.get(r) ?? 0) + 1);
  const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort();
  return parts.length ? `${head} ${parts.join(', ')}.` : head;
}
