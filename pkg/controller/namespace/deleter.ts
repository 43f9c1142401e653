/**
 * The namespace controller's reconciler (Kubernetes' NamespacedResourcesDeleter): a namespace
 * marked for deletion is emptied — every namespaced resource deleted by collection — and, once
 * nothing is left in it, finalized (the `kubernetes` finalizer removed through
 * namespaces/finalize), at which point the apiserver removes it. Content that takes time to go
 * (pods stopping on their node, claims held by pvc-protection) is waited for: the conditions on
 * the namespace's status say what remains, and the namespace is looked at again when such an
 * object goes away (and, as a safety net, after `recheckMs`).
 */
import {
  NamespaceConditionReason as Reason,
  NamespaceConditionType as Type,
  type Namespace,
  type NamespaceCondition,
} from '../../api/core/v1';
import { FinalizerKubernetes } from '../../api/defaults/namespace';
import { isConflict, isNotFound } from '../../api/errors';
import type { KubeObject, ObjectList } from '../../api/meta';
import { rfc3339 } from '../../api/time';
import type { Result, Reconciler } from '../../util/reconcile/runner';
import { thaw, type Lister } from '../../util/reconcile/lister';

/** One namespaced resource, as the deleter needs it. */
export interface ContentClient {
  readonly info: { readonly group: string; readonly resource: string };
  deleteCollection(namespace: string): Promise<ObjectList<KubeObject>>;
  list(namespace: string): Promise<ObjectList<KubeObject>>;
}

/** Dependencies of the reconciler. */
export interface NamespaceDeleterDeps {
  namespaces: Lister<Namespace>;
  /** Every namespaced resource. */
  content: readonly ContentClient[];
  /** The namespaced resources served besides the built-ins right now (custom resources, via discovery). */
  discoverContent?: () => Promise<readonly ContentClient[]>;
  namespaceClient: { updateStatus(ns: Namespace): Promise<Namespace> };
  finalize(ns: Namespace): Promise<Namespace>;
  /**
   * When to look again at a namespace whose content is still going (default 30 s): a safety net,
   * since deleting a pod or claim in it already brings it back.
   */
  recheckMs?: number;
}

/** What one pass found left in a namespace. */
interface Remaining {
  /** Objects left, by resource. */
  byResource: Map<string, number>;
  /** Objects left holding each finalizer. */
  byFinalizer: Map<string, number>;
  /** Resources whose deletion failed, with the error. */
  failures: string[];
}

/** `a has 1 resource instances, b has 2 …`, sorted by name so that the message is stable. */
const describe = (m: Map<string, number>, unit: (n: number) => string): string =>
  [...m]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([what, n]) => `${what} ${unit(n)}`)
    .join(', ');

/** Empties and finalizes namespaces that are being deleted. */
export class NamespaceDeleter implements Reconciler {
  private readonly recheckMs: number;

  constructor(private readonly d: NamespaceDeleterDeps) {
    this.recheckMs = d.recheckMs ?? 30_000;
  }

  async reconcile(name: string): Promise<Result | void> {
    const cached = this.d.namespaces.get(name);
    if (!cached?.metadata.deletionTimestamp || !cached.spec?.finalizers?.includes(FinalizerKubernetes)) return;
    const left = await this.deleteContent(name);
    const ns = await this.reportConditions(thaw<Namespace>(cached), left);
    if (left.failures.length > 0) throw new Error(`namespace ${name}: failed to delete ${left.failures.join('; ')}`);
    if (left.byResource.size > 0) return { requeueAfter: this.recheckMs };
    try {
      await this.d.finalize({
        ...ns,
        spec: { ...ns.spec, finalizers: (ns.spec?.finalizers ?? []).filter((f) => f !== FinalizerKubernetes) },
      });
    } catch (err) {
      // Gone: done. Conflict: the namespace changed; its update event brings it back here.
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }

  /** Deletes every resource's objects in `ns` and counts what is still there afterwards. */
  private async deleteContent(ns: string): Promise<Remaining> {
    const left: Remaining = { byResource: new Map(), byFinalizer: new Map(), failures: [] };
    let custom: readonly ContentClient[] = [];
    try {
      custom = (await this.d.discoverContent?.()) ?? [];
    } catch (err) {
      left.failures.push(`discovery: ${err instanceof Error ? err.message : String(err)}`);
    }
    await Promise.all(
      [...this.d.content, ...custom].map(async (c) => {
        // Named as Kubernetes does: `pods`, `leases.coordination.k8s.io`.
        const resource = c.info.group ? `${c.info.resource}.${c.info.group}` : c.info.resource;
        try {
          await c.deleteCollection(ns);
          const { items } = await c.list(ns);
          if (items.length > 0) left.byResource.set(resource, items.length);
          for (const f of items.flatMap((o) => o.metadata.finalizers ?? []))
            left.byFinalizer.set(f, (left.byFinalizer.get(f) ?? 0) + 1);
        } catch (err) {
          left.failures.push(`${resource}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }),
    );
    return left;
  }

  /** Writes the three conditions to the namespace's status when they changed; returns the namespace as written. */
  private async reportConditions(ns: Namespace, left: Remaining): Promise<Namespace> {
    const failed = left.failures.length > 0;
    const content = left.byResource.size > 0;
    const finalizers = left.byFinalizer.size > 0;
    const wanted: NamespaceCondition[] = [
      failed
        ? {
            type: Type.ContentFailure,
            status: 'True',
            reason: Reason.ContentDeletionFailed,
            message: `Failed to delete all resource types, ${left.failures.length} remaining: ${[...left.failures].sort().join(', ')}`,
          }
        : {
            type: Type.ContentFailure,
            status: 'False',
            reason: Reason.ContentDeleted,
            message: 'All content successfully deleted, may be waiting on finalization',
          },
      content
        ? {
            type: Type.ContentRemaining,
            status: 'True',
            reason: Reason.SomeResourcesRemain,
            message: `Some resources are remaining: ${describe(left.byResource, (n) => `has ${n} resource instances`)}`,
          }
        : {
            type: Type.ContentRemaining,
            status: 'False',
            reason: Reason.ContentRemoved,
            message: 'All content successfully removed',
          },
      finalizers
        ? {
            type: Type.FinalizersRemaining,
            status: 'True',
            reason: Reason.SomeFinalizersRemain,
            message: `Some content in the namespace has finalizers remaining: ${describe(left.byFinalizer, (n) => `in ${n} resource instances`)}`,
          }
        : {
            type: Type.FinalizersRemaining,
            status: 'False',
            reason: Reason.ContentHasNoFinalizers,
            message: 'All content-preserving finalizers finished',
          },
    ];
    const current = ns.status?.conditions ?? [];
    const now = rfc3339();
    let changed = false;
    const conditions = wanted.map((w) => {
      const had = current.find((c) => c.type === w.type);
      if (had && had.status === w.status && had.reason === w.reason && had.message === w.message) return had;
      changed = true;
      return { ...w, lastTransitionTime: had?.status === w.status ? (had.lastTransitionTime ?? now) : now };
    });
    if (!changed) return ns;
    const others = current.filter((c) => !wanted.some((w) => w.type === c.type));
    try {
      return await this.d.namespaceClient.updateStatus({
        ...ns,
        status: { ...ns.status, conditions: [...others, ...conditions] },
      });
    } catch (err) {
      // The conditions are a report: a namespace that changed or went meanwhile is looked at again.
      if (!isNotFound(err) && !isConflict(err)) throw err;
      return ns;
    }
  }
}
