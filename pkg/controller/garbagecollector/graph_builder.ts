/**
 * The graph builder (kube's GraphBuilder, without its own queue: informer handlers already run
 * one at a time): each informer event updates the graph and enqueues the uids whose state may
 * now call for work. It decides nothing; the reconciler re-reads the graph and the apiserver.
 *
 *   - an object with owners, when it appears or its owners change: is it an orphan now?
 *   - an object being deleted with `orphan`: release its dependents;
 *     with `foregroundDeletion`: it, and (when it starts waiting) all its dependents;
 *   - an owner waiting in the foreground, when a dependent's reference to it goes or stops
 *     blocking, or the dependent goes: it may be done;
 *   - every dependent of an object that goes.
 */
import type { KubeObject, OwnerReference } from '../../api/meta';
import type { ResourceInfo } from '../../api/resources';
import type { ResourceEventHandler } from '../../informer/event_handler';
import { unwrapTombstone } from '../../informer/tombstone';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import type { Enqueuer } from '../../util/reconcile/handlers';
import { type Graph, type GraphNode, isDeletingDependents, isOrphaning, nodeOf } from './graph';

/** True when the two owner lists differ (order ignored) in any field. */
function ownersChanged(a: readonly OwnerReference[], b: readonly OwnerReference[]): boolean {
  if (a.length !== b.length) return true;
  return a.some((ra) => {
    const rb = b.find((x) => x.uid === ra.uid);
    return (
      !rb ||
      rb.apiVersion !== ra.apiVersion ||
      rb.kind !== ra.kind ||
      rb.name !== ra.name ||
      Boolean(rb.blockOwnerDeletion) !== Boolean(ra.blockOwnerDeletion)
    );
  });
}

/** Keeps the graph in step with the informers and enqueues uids to look at. */
export class GraphBuilder {
  constructor(
    private readonly graph: Graph,
    private readonly queue: Enqueuer,
  ) {}

  /** The event handler of one resource's informer. */
  handlerFor(resource: ResourceInfo): ResourceEventHandler<KubeObject> {
    return {
      onAdd: (obj) => this.observe(resource, obj),
      onUpdate: (_old, obj) => this.observe(resource, obj),
      onDelete: (obj) => this.gone(unwrapTombstone(obj)),
    };
  }

  /** An object appeared or changed. */
  observe(resource: ResourceInfo, obj: DeepReadonly<KubeObject>): void {
    const node = nodeOf(resource, obj);
    const uid = node.identity.uid;
    if (!uid) return;
    const previous = this.graph.upsert(node);
    if (node.owners.length > 0 && (!previous || ownersChanged(previous.owners, node.owners))) this.queue.add(uid);
    if (isOrphaning(node)) this.queue.add(uid);
    if (isDeletingDependents(node)) {
      this.queue.add(uid);
      if (!previous || !isDeletingDependents(previous))
        for (const d of this.graph.dependentsOf(uid)) this.queue.add(d.identity.uid);
    }
    if (previous) this.wakeWaitingOwners(previous, node);
  }

  /** An object is gone. */
  gone(obj: DeepReadonly<KubeObject>): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    const node = this.graph.remove(uid);
    for (const d of this.graph.dependentsOf(uid)) this.queue.add(d.identity.uid);
    if (node) this.wakeWaitingOwners(node, undefined);
  }

  /**
   * Enqueues the foreground-waiting owners that `before` blocked and `after` (undefined: the
   * object is gone) no longer does.
   */
  private wakeWaitingOwners(before: GraphNode, after: GraphNode | undefined): void {
    for (const ref of before.owners) {
      if (!ref.blockOwnerDeletion) continue;
      const still = after?.owners.find((r) => r.uid === ref.uid);
      if (still?.blockOwnerDeletion) continue;
      const owner = this.graph.get(ref.uid);
      if (owner && isDeletingDependents(owner)) this.queue.add(ref.uid);
    }
  }
}
