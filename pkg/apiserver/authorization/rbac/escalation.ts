/**
 * Escalation prevention, as Kubernetes' RBAC registry: nobody creates or updates a Role or
 * ClusterRole with rules they do not hold themselves (unless allowed the `escalate` verb on
 * it), and nobody binds a role whose rules they do not hold (unless allowed the `bind` verb on
 * that role). Members of system:masters may do both. Runs in the write admission, where the
 * requesting user is known; reads only caches.
 */
import { forbidden, notFound } from '../../../api/errors';
import type { KubeObject } from '../../../api/meta';
import type { PolicyRule, Role, RoleBinding } from '../../../api/rbac/v1';
import { rbacGroup } from '../../../api/rbac/v1';
import { clusterRoleBindings, clusterRoles, roleBindings, roles } from '../../../api/resources';
import { Groups, type UserInfo } from '../../authentication/user';
import { Decision, type Authorizer } from '../authorizer';
import type { GrantResolver } from './resolver';
import { ruleString, uncoveredRules } from './rules';

/** What the check consults: the whole chain (for escalate / bind) and RBAC's grants (for coverage). */
export interface EscalationDeps {
  authorizer: Authorizer;
  grants: GrantResolver;
}

function allowed(
  deps: EscalationDeps,
  user: UserInfo,
  verb: string,
  resource: string,
  namespace: string,
  name: string,
): boolean {
  const a = {
    user,
    verb,
    resourceRequest: true,
    apiGroup: rbacGroup,
    apiVersion: 'v1',
    resource,
    subresource: '',
    namespace,
    name,
    path: '',
  };
  return deps.authorizer.authorize(a).decision === Decision.Allow;
}

function refuseUnheld(resource: string, name: string, user: UserInfo, missing: readonly PolicyRule[]): never {
  const groups = `[${user.groups.map((g) => JSON.stringify(g)).join(' ')}]`;
  const why = `user ${JSON.stringify(user.username)} (groups=${groups}) is attempting to grant RBAC permissions not currently held:\n${missing.map(ruleString).join('\n')}`;
  throw forbidden({ group: rbacGroup, resource }, name, why);
}

const rbacResources: readonly string[] = [
  roles.resource,
  clusterRoles.resource,
  roleBindings.resource,
  clusterRoleBindings.resource,
];

/**
 * Throws 403 when `user` writing `obj` (a role or binding in `namespace`, '' for cluster
 * objects) would grant permissions the user lacks; other resources pass untouched, and so does
 * an object `isValid` (the resource's strategy) rejects: validation answers it with a 422.
 */
export function checkEscalation(
  deps: EscalationDeps,
  user: UserInfo,
  resource: string,
  namespace: string,
  obj: KubeObject,
  isValid: () => boolean,
): void {
  if (!rbacResources.includes(resource) || user.groups.includes(Groups.Masters) || !isValid()) return;
  const name = obj.metadata.name ?? '';
  if (resource === roles.resource || resource === clusterRoles.resource) {
    if (allowed(deps, user, 'escalate', resource, namespace, name)) return;
    const missing = uncoveredRules(deps.grants.rulesFor(user, namespace), (obj as Role).rules ?? []);
    if (missing.length) refuseUnheld(resource, name, user, missing);
    return;
  }
  if (resource !== roleBindings.resource && resource !== clusterRoleBindings.resource) return;
  const ref = (obj as RoleBinding).roleRef;
  const roleResource = ref.kind === 'ClusterRole' ? clusterRoles.resource : roles.resource;
  if (allowed(deps, user, 'bind', roleResource, namespace, ref.name)) return;
  const rules = deps.grants.roleRules(ref, namespace);
  if (!rules) throw notFound({ group: rbacGroup, resource: roleResource }, ref.name);
  const missing = uncoveredRules(deps.grants.rulesFor(user, namespace), rules);
  if (missing.length) refuseUnheld(resource, name, user, missing);
}
