/**
 * The rules a user holds, from the bindings that name them (Kubernetes' DefaultRuleResolver):
 * every ClusterRoleBinding, and in a namespace every RoleBinding there; a binding whose role
 * is missing grants nothing. Reads the apiserver's watch caches, so it never waits on etcd.
 */
import type {
  ClusterRole,
  ClusterRoleBinding,
  PolicyRule,
  Role,
  RoleBinding,
  RoleRef,
  Subject,
} from '../../../api/rbac/v1';
import { SubjectKind } from '../../../api/rbac/v1';
import type { UserInfo } from '../../authentication/user';
import { namespacedKey } from '../../../api/keys';
import type { Stored } from '../../../api/stored';

/** Where the resolver reads RBAC objects (the stores' caches in the apiserver, arrays in unit tests). */
export interface RbacObjects {
  clusterRoleBindings(): readonly Stored<ClusterRoleBinding, 'Cluster'>[];
  roleBindings(namespace: string): readonly Stored<RoleBinding, 'Namespaced'>[];
  clusterRole(name: string): ClusterRole | undefined;
  role(namespace: string, name: string): Role | undefined;
}

const serviceAccountPrefix = 'system:serviceaccount:';

/** Does a binding's subject name this user (by user name, one of its groups, or its service account)? */
export function subjectMatches(s: Subject, user: UserInfo, bindingNamespace: string): boolean {
  switch (s.kind) {
    case SubjectKind.User:
      return s.name === user.username;
    case SubjectKind.Group:
      return user.groups.includes(s.name);
    case SubjectKind.ServiceAccount:
      return user.username === `${serviceAccountPrefix}${s.namespace || bindingNamespace}:${s.name}`;
    default:
      return false;
  }
}

/** One binding that applies to a user, and the rules it grants. */
export interface Grant {
  /** `ClusterRoleBinding "x" of ClusterRole "y"`: how allow reasons name it. */
  source: string;
  rules: readonly PolicyRule[];
}

/** Resolves role references and bindings into grants. */
export class GrantResolver {
  constructor(private readonly objects: RbacObjects) {}

  /** The rules `ref` names, seen from `namespace` ('' for a ClusterRoleBinding); undefined when the role is missing. */
  roleRules(ref: RoleRef, namespace: string): readonly PolicyRule[] | undefined {
    const role =
      ref.kind === 'ClusterRole'
        ? this.objects.clusterRole(ref.name)
        : namespace
          ? this.objects.role(namespace, ref.name)
          : undefined;
    return role ? (role.rules ?? []) : undefined;
  }

  /**
   * Calls `visit` for each binding that applies to `user` at the cluster scope and, when
   * `namespace` is set, in it; stops early when `visit` returns true.
   */
  visit(user: UserInfo, namespace: string, visit: (g: Grant) => boolean): void {
    for (const b of this.objects.clusterRoleBindings()) {
      if (!(b.subjects ?? []).some((s) => subjectMatches(s, user, ''))) continue;
      const rules = this.roleRules(b.roleRef, '');
      if (
        rules &&
        visit({
          source: `ClusterRoleBinding ${JSON.stringify(b.metadata.name)} of ClusterRole ${JSON.stringify(b.roleRef.name)}`,
          rules,
        })
      )
        return;
    }
    if (!namespace) return;
    for (const b of this.objects.roleBindings(namespace)) {
      if (!(b.subjects ?? []).some((s) => subjectMatches(s, user, namespace))) continue;
      const rules = this.roleRules(b.roleRef, namespace);
      const source = `RoleBinding ${JSON.stringify(namespacedKey(namespace, b.metadata.name))} of ${b.roleRef.kind} ${JSON.stringify(b.roleRef.name)}`;
      if (rules && visit({ source, rules })) return;
    }
  }

  /** Every rule `user` holds in `namespace` (cluster-wide grants included). */
  rulesFor(user: UserInfo, namespace: string): PolicyRule[] {
    const rules: PolicyRule[] = [];
    this.visit(user, namespace, (g) => {
      rules.push(...g.rules);
      return false;
    });
    return rules;
  }
}
