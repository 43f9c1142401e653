/**
 * Evaluates a PV's required node affinity against a node (matchExpressions on labels,
 * matchFields on metadata.name). The one matcher both the scheduler (where a pod may go) and
 * the kubelet (whether it may mount a volume on its node) use.
 */
import type { Node, NodeSelectorRequirement, VolumeNodeAffinity } from './core/v1';
import type { DeepReadonly } from '../util/immutable/deep_readonly';
import { getOwn } from '../util/json/own';

function requirementHolds(r: DeepReadonly<NodeSelectorRequirement>, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(values[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(values[0]);
  }
}

/** True when the node satisfies the affinity (any term; every requirement of a term). */
export function nodeMatchesAffinity(
  node: DeepReadonly<Node>,
  affinity: DeepReadonly<VolumeNodeAffinity> | undefined,
): boolean {
  const terms = affinity?.required?.nodeSelectorTerms;
  if (!terms || terms.length === 0) return true;
  // A requirement's key is client-chosen: only own labels count (`constructor` is no label).
  const labels = node.metadata.labels ?? {};
  return terms.some(
    (t) =>
      (t.matchExpressions ?? []).every((r) => requirementHolds(r, getOwn<string>(labels, r.key))) &&
      (t.matchFields ?? []).every((r) =>
        requirementHolds(r, r.key === 'metadata.name' ? node.metadata.name : undefined),
      ),
  );
}

function describeRequirement(r: DeepReadonly<NodeSelectorRequirement>): string {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'Exists':
    case 'DoesNotExist':
      return `${r.key} ${r.operator}`;
    default:
      return `${r.key} ${r.operator} [${values.join(', ')}]`;
  }
}

/**
 * The affinity's required terms for messages, as kubectl describe words them: each term's
 * requirements joined by ", ", terms joined by " or " (`kubernetes.io/hostname In [node-b]`).
 */
export function describeNodeAffinity(affinity: DeepReadonly<VolumeNodeAffinity> | undefined): string {
  const terms = affinity?.required?.nodeSelectorTerms ?? [];
  if (terms.length === 0) return 'no required node terms';
  return terms
    .map((t) => [...(t.matchExpressions ?? []), ...(t.matchFields ?? [])].map(describeRequirement).join(', '))
    .join(' or ');
}
