/**
 * The garbage collector's reconciler (kube's attemptToDeleteItem, processDeletingDependentsItem
 * and attemptToOrphanWorker in one level-based pass over a uid):
 *
 *   - an owner being deleted with `orphan`: its references are removed from every dependent,
 *     then the finalizer from it (so the apiserver removes it);
 *   - an owner being deleted with `foregroundDeletion`: once no dependent blocks it (a reference
 *     to it with blockOwnerDeletion), the finalizer is removed; until then its dependents are
 *     being deleted by their own passes (their owner is Waiting);
 *   - any other object being deleted: nothing (it is on its way; its dependents follow it);
 *   - a dependent: its references are classified (owners.ts). Some owner solid → only the
 *     dangling and waiting references are removed (patch). None solid → it is deleted, in the
 *     foreground when an owner waits on it and it has dependents of its own (so the wait
 *     reaches down), else with the policy its own GC finalizer names, else in the background.
 *
 * Every write is computed from a live GET and pinned to that uid and resourceVersion; a
 * conflict or any other failure is retried with backoff. Invalid references are logged (and a
 * namespace mismatch reported as the Warning event OwnerRefInvalidNamespace), never retried.
 */
import type { Logger } from 'pino';
import { EventType } from '../../api/core/v1';
import { isNotFound } from '../../api/errors';
import { DeletionPropagation, GCFinalizer, type KubeObject, type OwnerReference } from '../../api/meta';
import type { Stored } from '../../api/stored';
import type { EventRecorder } from '../../client/record/recorder';
import type { Reconciler } from '../../util/reconcile/runner';
import { type GCClient, withSharedGets } from './client';
import { type Graph, type GraphNode, isDeletingDependents, isOrphaning, type ObjectIdentity } from './graph';
import { type ClassifiedRef, classifyCached, classifyLive, describeRef, InvalidReason, OwnerState } from './owners';
import type { KindResolver } from './resources';

/** Event reasons of the garbage collector. */
export const GCEventReason = {
  /** A reference to a namespaced owner that is not in the dependent's namespace (or has none). */
  OwnerRefInvalidNamespace: 'OwnerRefInvalidNamespace',
} as const;
export type GCEventReason = (typeof GCEventReason)[keyof typeof GCEventReason];

/** Dependencies of the reconciler. */
export interface GarbageCollectorDeps {
  graph: Graph;
  resolver: KindResolver;
  client: GCClient;
  recorder: EventRecorder;
  logger: Logger;
}

/** The object of `identity` as stored now, or undefined when it is gone (or another object took its name). */
async function liveObject(deps: GarbageCollectorDeps, node: GraphNode): Promise<Stored<KubeObject> | undefined> {
  try {
    const obj = await deps.client.get(node.resource, node.identity.namespace, node.identity.name);
    return obj.metadata.uid === node.identity.uid ? obj : undefined;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

const orNull = <T>(list: T[]): T[] | null => (list.length > 0 ? list : null);
const pin = (obj: Stored<KubeObject>) => ({ uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion });

/** Reconciles one uid of the graph. */
export class GarbageCollectorReconciler implements Reconciler {
  private readonly log: Logger;

  constructor(private readonly d: GarbageCollectorDeps) {
    this.log = d.logger;
  }

  async reconcile(uid: string): Promise<void> {
    const node = this.d.graph.get(uid);
    if (!node) return;
    if (isOrphaning(node)) return this.orphanDependents(node);
    if (isDeletingDependents(node)) return this.finishForeground(node);
    if (node.beingDeleted || node.owners.length === 0) return;
    return this.collect(node);
  }

  /**
   * The observed objects whose reference to `owner` really points at it: its kind and name, and
   * for a namespaced owner its namespace. A reference that only copies the uid (from another
   * namespace, or from a cluster-scoped object, or beside the real one under another kind or
   * name) is dangling for its holder, and must not make the owner wait or be orphaned from; nor
   * does the owner's reference to itself (it would wait for itself forever).
   */
  private dependentsOf(owner: GraphNode): { node: GraphNode; ref: OwnerReference }[] {
    const { uid, name, namespace } = owner.identity;
    return this.d.graph.dependentsOf(uid).flatMap((node) => {
      if (node.identity.uid === uid) return [];
      if (owner.resource.namespaced && node.identity.namespace !== namespace) return [];
      const ref = node.owners.find(
        (r) => r.uid === uid && r.name === name && this.d.resolver.resolve(r.apiVersion, r.kind) === owner.resource,
      );
      return ref ? [{ node, ref }] : [];
    });
  }

  /** Orphan: removes `owner`'s references from its dependents, then its `orphan` finalizer. */
  private async orphanDependents(owner: GraphNode): Promise<void> {
    const uid = owner.identity.uid;
    const results = await Promise.allSettled(
      this.dependentsOf(owner).map(({ node }) => this.removeReferences(node, new Set([uid]))),
    );
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
    if (failed.length > 0)
      throw new Error(`orphaning the dependents of ${this.show(owner.identity)}: ${failed.join('; ')}`);
    this.log.info({ owner: this.show(owner.identity) }, 'dependents orphaned; removing the orphan finalizer');
    await this.removeFinalizer(owner, GCFinalizer.OrphanDependents);
  }

  /** Foreground: removes `foregroundDeletion` once no dependent blocks `owner`. */
  private async finishForeground(owner: GraphNode): Promise<void> {
    const blocking = this.dependentsOf(owner).filter(({ ref }) => ref.blockOwnerDeletion === true);
    if (blocking.length > 0) {
      this.log.debug({ owner: this.show(owner.identity), blocking: blocking.length }, 'waiting for dependents');
      return;
    }
    this.log.info(
      { owner: this.show(owner.identity) },
      'no dependent blocks it; removing the foregroundDeletion finalizer',
    );
    await this.removeFinalizer(owner, GCFinalizer.DeleteDependents);
  }

  /** A dependent: deletes it when no owner is left, or strips the references to owners that are gone. */
  private async collect(node: GraphNode): Promise<void> {
    // Nothing to do while the graph shows every owner present (or the references unusable).
    const cached = node.owners.map((r) => classifyCached(this.d, node.identity, r));
    if (cached.every((c) => c !== undefined)) {
      this.reportInvalid(node, cached);
      return;
    }
    const live = await liveObject(this.d, node);
    if (!live) return; // gone or replaced: its delete event brings what follows
    const refs = live.metadata.ownerReferences ?? [];
    const classified: ClassifiedRef[] = [];
    const once = { ...this.d, client: withSharedGets(this.d.client) };
    for (const r of refs) classified.push(await classifyLive(once, node.identity, r));
    this.reportInvalid(node, classified);
    const of = (s: OwnerState) => classified.filter((c) => c.state === s);
    const [solid, waiting, dangling] = [of(OwnerState.Solid), of(OwnerState.Waiting), of(OwnerState.Dangling)];
    if (solid.length > 0) {
      // By reference, not uid: a dangling copy of a solid owner's uid must not take the real one along.
      const remove = new Set([...dangling, ...waiting].map((c) => c.ref));
      if (remove.size === 0) return;
      this.log.info(
        { item: this.show(node.identity), removed: [...remove].map((r) => r.uid) },
        'an owner is left; removing the references to owners that are gone or waiting',
      );
      await this.patchReferences(
        node,
        live,
        refs.filter((r) => !remove.has(r)),
      );
      return;
    }
    if (waiting.length === 0 && dangling.length === 0) return; // only invalid references
    const ownDependents = this.d.graph.dependentsOf(node.identity.uid);
    if (waiting.length > 0 && ownDependents.length > 0) {
      // A dependent that itself waits on this one would wait forever on a blocking reference
      // back up: unblock this one's references first (kube's cycle guard).
      if (ownDependents.some(isDeletingDependents) && refs.some((r) => r.blockOwnerDeletion)) {
        // The patch's update event brings it back, to be deleted at its new resourceVersion.
        return this.patchReferences(
          node,
          live,
          refs.map((r) => ({ ...r, blockOwnerDeletion: false })),
        );
      }
      return this.delete(node, live, DeletionPropagation.Foreground);
    }
    const fin = live.metadata.finalizers ?? [];
    const policy = fin.includes(GCFinalizer.OrphanDependents)
      ? DeletionPropagation.Orphan
      : fin.includes(GCFinalizer.DeleteDependents)
        ? DeletionPropagation.Foreground
        : DeletionPropagation.Background;
    return this.delete(node, live, policy);
  }

  private async delete(node: GraphNode, live: Stored<KubeObject>, policy: DeletionPropagation): Promise<void> {
    this.log.info({ item: this.show(node.identity), propagationPolicy: policy }, 'deleting: no owner is left');
    try {
      await this.d.client.delete(node.resource, node.identity.namespace, node.identity.name, {
        propagationPolicy: policy,
        preconditions: pin(live),
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** Removes the references to `owners` from `dep` (read live; nothing when it has none left or is gone). */
  private async removeReferences(dep: GraphNode, owners: ReadonlySet<string>): Promise<void> {
    const live = await liveObject(this.d, dep);
    if (!live) return;
    const refs = live.metadata.ownerReferences ?? [];
    const kept = refs.filter((r) => !owners.has(r.uid));
    if (kept.length === refs.length) return;
    await this.patchReferences(dep, live, kept);
  }

  private async patchReferences(node: GraphNode, live: Stored<KubeObject>, refs: OwnerReference[]): Promise<void> {
    try {
      await this.d.client.patchMetadata(node.resource, node.identity.namespace, node.identity.name, {
        ...pin(live),
        ownerReferences: orNull(refs),
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async removeFinalizer(node: GraphNode, finalizer: GCFinalizer): Promise<void> {
    const live = await liveObject(this.d, node);
    const fin = live?.metadata.finalizers ?? [];
    if (!live || !fin.includes(finalizer)) return;
    try {
      await this.d.client.patchMetadata(node.resource, node.identity.namespace, node.identity.name, {
        ...pin(live),
        finalizers: orNull(fin.filter((f) => f !== finalizer)),
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** Logs the references that cannot be followed; a namespace mismatch is also an event on the dependent. */
  private reportInvalid(node: GraphNode, refs: readonly (ClassifiedRef | undefined)[]): void {
    for (const c of refs) {
      if (!c) continue;
      const where = describeRef(c.ref, node.identity.namespace);
      if (c.invalid === InvalidReason.UnknownKind) {
        this.log.warn({ item: this.show(node.identity), owner: where }, 'ownerReference names no served kind; ignored');
      } else if (c.invalid === InvalidReason.NamespacedOwnerOfClusterScoped || c.otherNamespace !== undefined) {
        this.log.warn(
          { item: this.show(node.identity), owner: where },
          "ownerReference to a namespaced owner outside the dependent's namespace",
        );
        this.d.recorder.event(
          this.eventTarget(node),
          EventType.Warning,
          GCEventReason.OwnerRefInvalidNamespace,
          `ownerRef ${where} does not exist in namespace "${node.identity.namespace ?? ''}"`,
        );
      }
    }
  }

  private eventTarget(node: GraphNode): KubeObject {
    const { identity: id } = node;
    return {
      apiVersion: id.apiVersion,
      kind: id.kind,
      metadata: { name: id.name, uid: id.uid, ...(id.namespace ? { namespace: id.namespace } : {}) },
    };
  }

  private show(id: ObjectIdentity): string {
    return `${id.kind} ${id.namespace ? `${id.namespace}/` : ''}${id.name} (${id.uid})`;
  }
}
