/**
 * The NamespaceLifecycle admission plugin, as in kube-apiserver: nothing is created in a
 * namespace that does not exist (404) or is being terminated (403, cause NamespaceTerminating),
 * and the namespaces the system itself relies on cannot be deleted (403).
 *
 * Namespaces are read from the watch cache, which may lag etcd by a moment: for a while after a
 * namespace was deleted (or marked for deletion) here, it is read from etcd instead, so a create
 * that follows the DELETE's answer can never slip into it.
 */
import { forbidden, notFound, type Qualified } from '../../api/errors';
import { NamespaceTerminatingCause, type Namespace } from '../../api/core/v1';

/** Namespaces no DELETE may remove. */
export const immortalNamespaces: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);

/** How a namespace is read: from the cache, or from storage (undefined when missing). */
export interface NamespaceSource {
  cached(name: string): Namespace | undefined;
  live(name: string): Promise<Namespace | undefined>;
}

/** The plugin; one per apiserver. */
export class NamespaceLifecycle {
  /** Namespaces deleted or marked here recently, with when that stops mattering. */
  private readonly liveLookup = new Map<string, number>();

  constructor(
    private readonly source: NamespaceSource,
    private readonly liveLookupMs = 30_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Admits the create of `name` (a `q` object) in namespace `ns`. */
  async admitCreate(q: Qualified, name: string, ns: string): Promise<void> {
    const namespace = (this.mustReadLive(ns) ? undefined : this.source.cached(ns)) ?? (await this.source.live(ns));
    if (!namespace) throw notFound({ resource: 'namespaces' }, ns);
    if (namespace.status?.phase === 'Terminating' || namespace.metadata.deletionTimestamp) {
      throw forbidden(q, name, `unable to create new content in namespace ${ns} because it is being terminated`, [
        {
          reason: NamespaceTerminatingCause,
          message: `namespace ${ns} is being terminated`,
          field: 'metadata.namespace',
        },
      ]);
    }
  }

  /** Admits the DELETE of namespace `name`. */
  admitDelete(name: string): void {
    if (immortalNamespaces.has(name))
      throw forbidden({ resource: 'namespaces' }, name, 'this namespace may not be deleted');
  }

  /** Notes that namespace `name` was just deleted or marked for deletion. */
  deleted(name: string): void {
    const now = this.now();
    for (const [n, until] of this.liveLookup) if (until <= now) this.liveLookup.delete(n);
    this.liveLookup.set(name, now + this.liveLookupMs);
  }

  private mustReadLive(ns: string): boolean {
    const until = this.liveLookup.get(ns);
    return until !== undefined && until > this.now();
  }
}
