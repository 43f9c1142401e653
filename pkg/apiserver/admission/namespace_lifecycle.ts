/**
 * The NamespaceLifecycle admission plugin, as in kube-apiserver: nothing is created in a
 * namespace that does not exist (404) or is being terminated (403, cause NamespaceTerminating),
 * and the namespaces the system itself relies on cannot be deleted (403).
 */
import { forbidden, notFound, type Qualified } from '../../api/errors';
import { NamespaceTerminatingCause, type Namespace } from '../../api/core/v1';

/** Namespaces no DELETE may remove. */
export const immortalNamespaces: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public']);

/** Admits the create of `name` (a `q` object) in namespace `ns`, whose stored object is `namespace`. */
export function admitCreateInNamespace(q: Qualified, name: string, ns: string, namespace: Namespace | undefined): void {
  if (!namespace) throw notFound({ resource: 'namespaces' }, ns);
  if (namespace.status?.phase === 'Terminating' || namespace.metadata.deletionTimestamp) {
    const why = `unable to create new content in namespace ${ns} because it is being terminated`;
    throw forbidden(q, name, why, [{ reason: NamespaceTerminatingCause, message: why, field: 'metadata.namespace' }]);
  }
}

/** Admits the DELETE of namespace `name`. */
export function admitNamespaceDelete(name: string): void {
  if (immortalNamespaces.has(name)) throw forbidden({ resource: 'namespaces' }, name, 'this namespace may not be deleted');
}
