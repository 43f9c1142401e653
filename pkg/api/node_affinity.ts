/**
 * Node selection helpers shared by the scheduler, the PV controller and the kubelet (Kubernetes'
 * component-helpers nodeaffinity and v1helper.MatchTopologySelectorTerms): a PV's required node
 * affinity, a pod's nodeSelector and required node affinity, and a StorageClass's
 * allowedTopologies, each evaluated against one node. Label keys are client-chosen: only a
 * node's own labels count (`constructor` is no label).
 */
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, PodSpec, VolumeNodeAffinity } from './core/v1';
import type { TopologySelectorTerm } from './storage/v1';
import type { DeepReadonly } from '../util/immutable/deep_readonly';
import { getOwn } from '../util/json/own';

/** The node label naming its host (set by the kubelet to its node name). */
export const LabelHostname = 'kubernetes.io/hostname';

/** A base-10 integer, as Go's strconv.ParseInt reads one for Gt/Lt; anything else is undefined. */
function integerOf(s: string | undefined): bigint | undefined {
  return s !== undefined && /^[+-]?\d{1,19}$/.test(s) ? BigInt(s) : undefined;
}

/** `value op values[0]` for Gt/Lt; false when either side is no integer. */
function compares(value: string | undefined, bound: string | undefined, greater: boolean): boolean {
  const v = integerOf(value);
  const b = integerOf(bound);
  if (v === undefined || b === undefined) return false;
  return greater ? v > b : v < b;
}

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
      return compares(value, values[0], true);
    case 'Lt':
      return compares(value, values[0], false);
  }
}

/** A term holds when every requirement does; a term with no requirements selects no node (as in Kubernetes). */
function termHolds(node: DeepReadonly<Node>, t: DeepReadonly<NodeSelectorTerm>): boolean {
  const labels = node.metadata.labels ?? {};
  if (!t.matchExpressions?.length && !t.matchFields?.length) return false;
  return (
    (t.matchExpressions ?? []).every((r) => requirementHolds(r, getOwn<string>(labels, r.key))) &&
    (t.matchFields ?? []).every((r) => requirementHolds(r, r.key === 'metadata.name' ? node.metadata.name : undefined))
  );
}

/** True when the node satisfies the PV's affinity (any term; every requirement of a term); no affinity: true. */
export function nodeMatchesAffinity(
  node: DeepReadonly<Node>,
  affinity: DeepReadonly<VolumeNodeAffinity> | undefined,
): boolean {
  const terms = affinity?.required?.nodeSelectorTerms;
  if (!terms || terms.length === 0) return true;
  return terms.some((t) => termHolds(node, t));
}

/**
 * True when the node carries every label of the pod's nodeSelector and satisfies its required
 * node affinity (Kubernetes' NodeAffinity filter; a required selector with no terms matches no node).
 */
export function podMatchesNode(spec: DeepReadonly<PodSpec>, node: DeepReadonly<Node>): boolean {
  const labels = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (getOwn<string>(labels, k) !== v) return false;
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((t) => termHolds(node, t));
}

/**
 * True when the node's labels satisfy a class's allowedTopologies (absent or empty: every node;
 * a term without requirements: no node).
 */
export function topologyAllows(
  terms: DeepReadonly<TopologySelectorTerm[]> | undefined,
  node: DeepReadonly<Node>,
): boolean {
  if (!terms || terms.length === 0) return true;
  const labels = node.metadata.labels ?? {};
  // A term with no requirements selects no node (v1helper.MatchTopologySelectorTerms).
  return terms.some((t) => {
    const reqs = t.matchLabelExpressions ?? [];
    return (
      reqs.length > 0 &&
      reqs.every((r) => {
        const v = getOwn<string>(labels, r.key);
        return v !== undefined && (r.values ?? []).includes(v);
      })
    );
  });
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
