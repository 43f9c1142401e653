/**
 * The garbage collector's dependency graph (kube's uidToNode): for every object the informers
 * have seen, only what collection needs — its identity, its ownerReferences, whether it is being
 * deleted and its finalizers — plus the reverse edges owner uid → dependent uids. Owners are
 * edges by uid, so a dependent can point at an owner the graph has never seen (one not watched,
 * not created yet, or gone): its edge waits under that uid.
 *
 * Every key is a uid, and an ownerReference's uid is client-chosen: everything is a Map.
 */
import { GCFinalizer, type KubeObject, type OwnerReference } from '../../api/meta';
import { apiVersionOf, type ResourceInfo } from '../../api/resources';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';

/** Who an object is (kube's objectReference): enough to GET, patch or delete it. */
export interface ObjectIdentity {
  readonly uid: string;
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** Absent for cluster-scoped objects. */
  readonly namespace?: string;
}

/** One observed object. */
export interface GraphNode {
  readonly identity: ObjectIdentity;
  readonly resource: ResourceInfo;
  readonly owners: readonly OwnerReference[];
  /** deletionTimestamp is set. */
  readonly beingDeleted: boolean;
  readonly finalizers: readonly string[];
}

/** True for a node being deleted in the foreground: it waits for its blocking dependents. */
export function isDeletingDependents(n: Pick<GraphNode, 'beingDeleted' | 'finalizers'>): boolean {
  return n.beingDeleted && n.finalizers.includes(GCFinalizer.DeleteDependents);
}

/** True for a node being deleted with the orphan finalizer: its dependents are to be released. */
export function isOrphaning(n: Pick<GraphNode, 'beingDeleted' | 'finalizers'>): boolean {
  return n.beingDeleted && n.finalizers.includes(GCFinalizer.OrphanDependents);
}

/** The node of an object of `resource` as the informer cached it. */
export function nodeOf(resource: ResourceInfo, obj: DeepReadonly<KubeObject>): GraphNode {
  const m = obj.metadata;
  return {
    identity: {
      uid: m.uid ?? '',
      apiVersion: apiVersionOf(resource),
      kind: resource.kind,
      name: m.name ?? '',
      ...(resource.namespaced && m.namespace ? { namespace: m.namespace } : {}),
    },
    resource,
    owners: (m.ownerReferences ?? []).map((r) => ({ ...r })),
    beingDeleted: Boolean(m.deletionTimestamp),
    finalizers: [...(m.finalizers ?? [])],
  };
}

/** The dependency graph. Not safe to share across processes; within one, every change is synchronous. */
export class Graph {
  private readonly nodes = new Map<string, GraphNode>();
  private readonly dependents = new Map<string, Set<string>>();

  /** The observed node of `uid`. */
  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  /** How many objects are observed. */
  get size(): number {
    return this.nodes.size;
  }

  /** The observed objects that name `uid` among their owners. */
  dependentsOf(uid: string): GraphNode[] {
    return [...(this.dependents.get(uid) ?? [])].flatMap((d) => {
      const n = this.nodes.get(d);
      return n ? [n] : [];
    });
  }

  /** Records the current state of an object; returns the state it replaced. */
  upsert(node: GraphNode): GraphNode | undefined {
    const uid = node.identity.uid;
    const previous = this.nodes.get(uid);
    if (previous) this.unlink(uid, previous.owners);
    this.nodes.set(uid, node);
    for (const o of node.owners) {
      let set = this.dependents.get(o.uid);
      if (!set) this.dependents.set(o.uid, (set = new Set()));
      set.add(uid);
    }
    return previous;
  }

  /** Forgets an object that is gone; returns its last state. Its own dependents keep their edges to it. */
  remove(uid: string): GraphNode | undefined {
    const node = this.nodes.get(uid);
    if (!node) return undefined;
    this.nodes.delete(uid);
    this.unlink(uid, node.owners);
    return node;
  }

  private unlink(uid: string, owners: readonly OwnerReference[]): void {
    for (const o of owners) {
      const set = this.dependents.get(o.uid);
      set?.delete(uid);
      if (set?.size === 0) this.dependents.delete(o.uid);
    }
  }
}
