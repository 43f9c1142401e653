/**
 * How a dependent's owner references stand (kube's classifyReferences). An owner is
 *   - solid: it exists with the referenced uid and is not waiting on its dependents;
 *   - waiting: it exists, is being deleted in the foreground, and waits on its dependents;
 *   - dangling: nothing with the referenced uid is where the reference points (a namespaced
 *     owner is looked up in the dependent's namespace; another uid under that name is absent);
 *   - invalid: the reference cannot be followed (a kind this apiserver does not serve, or a
 *     namespaced owner of a cluster-scoped dependent). Invalid references are ignored: they
 *     neither keep the dependent nor are removed from it, and retrying cannot change them.
 *
 * Solid can be read from the graph (an observed owner with the right coordinates); dangling and
 * waiting, which lead to writes, are only ever concluded from a live GET.
 */
import { isNotFound } from '../../api/errors';
import type { OwnerReference } from '../../api/meta';
import type { ResourceInfo } from '../../api/resources';
import type { GCClient } from './client';
import { type Graph, type GraphNode, isDeletingDependents, type ObjectIdentity } from './graph';
import type { KindResolver } from './resources';

/** The standing of one owner reference. */
export const OwnerState = {
  Solid: 'Solid',
  Waiting: 'Waiting',
  Dangling: 'Dangling',
  Invalid: 'Invalid',
} as const;
export type OwnerState = (typeof OwnerState)[keyof typeof OwnerState];

/** Why a reference is invalid. */
export const InvalidReason = {
  /** No served resource has the reference's apiVersion and kind. */
  UnknownKind: 'UnknownKind',
  /** A cluster-scoped dependent names a namespaced owner. */
  NamespacedOwnerOfClusterScoped: 'NamespacedOwnerOfClusterScoped',
} as const;
export type InvalidReason = (typeof InvalidReason)[keyof typeof InvalidReason];

/** One classified reference. */
export interface ClassifiedRef {
  ref: OwnerReference;
  state: OwnerState;
  /** For Invalid. */
  invalid?: InvalidReason;
  /**
   * For Dangling: the graph has an object with this uid, but in another namespace (kube's
   * OwnerRefInvalidNamespace).
   */
  otherNamespace?: string;
}

/** What classification reads. */
export interface ClassifyDeps {
  graph: Graph;
  resolver: KindResolver;
  client: Pick<GCClient, 'get'>;
}

/** True when the observed node is the object `ref` points to from `ns`. */
function sameCoordinates(n: GraphNode, r: ResourceInfo, ref: OwnerReference, ns: string | undefined): boolean {
  return n.resource === r && n.identity.name === ref.name && n.identity.namespace === ns;
}

/** Where a reference of `dependent` points: its resource and namespace, or why it cannot be followed. */
function target(
  deps: ClassifyDeps,
  dependent: ObjectIdentity,
  ref: OwnerReference,
): { resource: ResourceInfo; namespace: string | undefined } | InvalidReason {
  const resource = deps.resolver.resolve(ref.apiVersion, ref.kind);
  if (!resource) return InvalidReason.UnknownKind;
  if (resource.namespaced && !dependent.namespace) return InvalidReason.NamespacedOwnerOfClusterScoped;
  return { resource, namespace: resource.namespaced ? dependent.namespace : undefined };
}

/**
 * Classifies from the graph alone: Solid and Invalid when the graph shows them, undefined for
 * every reference that needs the apiserver.
 */
export function classifyCached(
  deps: ClassifyDeps,
  dependent: ObjectIdentity,
  ref: OwnerReference,
): ClassifiedRef | undefined {
  const t = target(deps, dependent, ref);
  if (typeof t === 'string') return { ref, state: OwnerState.Invalid, invalid: t };
  const owner = deps.graph.get(ref.uid);
  if (owner && sameCoordinates(owner, t.resource, ref, t.namespace) && !isDeletingDependents(owner))
    return { ref, state: OwnerState.Solid };
  return undefined;
}

/** Classifies one reference, asking the apiserver unless the graph shows it Solid or Invalid. */
export async function classifyLive(
  deps: ClassifyDeps,
  dependent: ObjectIdentity,
  ref: OwnerReference,
): Promise<ClassifiedRef> {
  const cached = classifyCached(deps, dependent, ref);
  if (cached) return cached;
  const t = target(deps, dependent, ref);
  if (typeof t === 'string') return { ref, state: OwnerState.Invalid, invalid: t };
  const dangling = (): ClassifiedRef => {
    const seen = deps.graph.get(ref.uid);
    const elsewhere = t.resource.namespaced && seen?.resource === t.resource && seen.identity.namespace !== t.namespace;
    return { ref, state: OwnerState.Dangling, ...(elsewhere ? { otherNamespace: seen.identity.namespace ?? '' } : {}) };
  };
  try {
    const owner = await deps.client.get(t.resource, t.namespace, ref.name);
    if (owner.metadata.uid !== ref.uid) return dangling();
    const waiting = isDeletingDependents({
      beingDeleted: Boolean(owner.metadata.deletionTimestamp),
      finalizers: owner.metadata.finalizers ?? [],
    });
    return { ref, state: waiting ? OwnerState.Waiting : OwnerState.Solid };
  } catch (err) {
    if (isNotFound(err)) return dangling();
    throw err;
  }
}

/** `[apps/v1/StatefulSet, namespace: ns, name: web, uid: …]`, as kube prints an objectReference. */
export function describeRef(ref: OwnerReference, namespace: string | undefined): string {
  return `[${ref.apiVersion}/${ref.kind}, namespace: ${namespace ?? ''}, name: ${ref.name}, uid: ${ref.uid}]`;
}
