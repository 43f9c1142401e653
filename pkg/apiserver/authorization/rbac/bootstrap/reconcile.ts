/**
 * Ensures the bootstrap policy at apiserver start, as kube-apiserver's RBAC post-start hook:
 * missing roles and bindings are created; existing ones annotated autoupdate (not "false")
 * get the rules or subjects they lack added back. Nothing a user added is removed.
 */
import { isAlreadyExists } from '../../../../api/errors';
import type { ClusterRole, ClusterRoleBinding, Subject } from '../../../../api/rbac/v1';
import type { KubeObject } from '../../../../api/meta';
import type { Store } from '../../../registry/store';
import { uncoveredRules } from '../rules';
import { autoUpdateAnnotation, bootstrapClusterRoleBindings, bootstrapClusterRoles } from './policy';

const sameSubject = (a: Subject, b: Subject) =>
  a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');

/** What `existing` lacks of `wanted`, merged in; undefined when nothing is missing. */
type Merge<T> = (existing: T, wanted: T) => T | undefined;

const mergeRole: Merge<ClusterRole> = (existing, wanted) =>
  uncoveredRules(existing.rules ?? [], wanted.rules ?? []).length
    ? { ...existing, rules: [...(existing.rules ?? []), ...(wanted.rules ?? [])] }
    : undefined;

const mergeBinding: Merge<ClusterRoleBinding> = (existing, wanted) => {
  const missing = (wanted.subjects ?? []).filter((s) => !(existing.subjects ?? []).some((e) => sameSubject(e, s)));
  return missing.length ? { ...existing, subjects: [...(existing.subjects ?? []), ...missing] } : undefined;
};

async function ensure<T extends KubeObject>(store: Store, wanted: readonly T[], merge: Merge<T>): Promise<void> {
  for (const obj of wanted) {
    try {
      await store.create(undefined, obj);
      continue;
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
    const repaired = (cur: KubeObject) =>
      cur.metadata.annotations?.[autoUpdateAnnotation] === 'false' ? undefined : merge(cur as T, obj);
    if (!repaired(await store.get(undefined, obj.metadata.name ?? ''))) continue;
    await store.guaranteedUpdate(undefined, obj.metadata.name ?? '', (cur) => repaired(cur) ?? cur);
  }
}

/** Creates or repairs the default ClusterRoles and ClusterRoleBindings. */
export async function ensureBootstrapPolicy(stores: {
  clusterRoles: Store;
  clusterRoleBindings: Store;
}): Promise<void> {
  await ensure(stores.clusterRoles, bootstrapClusterRoles, mergeRole);
  await ensure(stores.clusterRoleBindings, bootstrapClusterRoleBindings, mergeBinding);
}
