/**
 * --authorization-mode: the configured authorizers in order, behind one union authorizer
 * (first Allow or Deny wins, as Kubernetes' union authorizer). With RBAC, members of
 * system:masters are allowed everything first, as kube-apiserver's privileged-groups authorizer.
 */
import { Groups } from '../authentication/user';
import type { Store } from '../registry/store';
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../../api/rbac/v1';
import { rbacGroup } from '../../api/rbac/v1';
import type { Stored } from '../../api/stored';
import {
  allow,
  Decision,
  noOpinion,
  type Attributes,
  type AuthorizationResult,
  type Authorizer,
  type RuleResolver,
} from './authorizer';
import { NodeGraph } from './node/graph';
import { NodeAuthorizer } from './node/node_authorizer';
import { RbacAuthorizer } from './rbac/authorizer';
import { GrantResolver, type RbacObjects } from './rbac/resolver';

/** The modes kube-apiserver's --authorization-mode takes that this server implements. */
export const AuthorizationMode = {
  AlwaysAllow: 'AlwaysAllow',
  AlwaysDeny: 'AlwaysDeny',
  Node: 'Node',
  RBAC: 'RBAC',
} as const;
export type AuthorizationMode = (typeof AuthorizationMode)[keyof typeof AuthorizationMode];

/** What authorizers read: the apiserver's stores (their watch caches). */
export interface AuthorizerSources {
  store(group: string, resource: string): Store;
}

/** The union of the configured modes, and those that can list rules (SelfSubjectRulesReview). */
export interface AuthorizationChain {
  authorizer: Authorizer;
  ruleResolvers: RuleResolver[];
  /** RBAC's view of bindings and roles (escalation prevention consults it whatever the modes). */
  grants: GrantResolver;
}

const alwaysAllow: Authorizer = { authorize: () => allow('AlwaysAllow') };
const alwaysDeny: Authorizer = { authorize: () => ({ decision: Decision.Deny, reason: 'AlwaysDeny' }) };
const privilegedGroups: Authorizer = {
  authorize: (a) => (a.user.groups.includes(Groups.Masters) ? allow(`member of ${Groups.Masters}`) : noOpinion()),
};

/** RBAC objects read from the stores' watch caches (what etcd holds, so Stored). */
function cachedRbacObjects(sources: AuthorizerSources): RbacObjects {
  const store = (resource: string) => sources.store(rbacGroup, resource);
  const all = <T>(resource: string, ns = ''): T[] => {
    const s = store(resource);
    return s.cache.snapshot(s.listPrefix(ns)).items as T[];
  };
  const one = <T>(resource: string, ns: string | undefined, name: string): T | undefined => {
    const s = store(resource);
    return s.cache.getCached(s.key(ns, name)) as T | undefined;
  };
  return {
    clusterRoleBindings: () => all<Stored<ClusterRoleBinding, 'Cluster'>>('clusterrolebindings'),
    roleBindings: (ns) => all<Stored<RoleBinding, 'Namespaced'>>('rolebindings', ns),
    clusterRole: (name) => one<ClusterRole>('clusterroles', undefined, name),
    role: (ns, name) => one<Role>('roles', ns, name),
  };
}

/** Builds the chain for `modes` (already validated, in order). */
export function newAuthorizationChain(
  modes: readonly AuthorizationMode[],
  sources: AuthorizerSources,
): AuthorizationChain {
  const grants = new GrantResolver(cachedRbacObjects(sources));
  const authorizers: Authorizer[] = [];
  const ruleResolvers: RuleResolver[] = [];
  if (modes.includes(AuthorizationMode.RBAC)) authorizers.push(privilegedGroups);
  for (const mode of modes) {
    switch (mode) {
      case AuthorizationMode.AlwaysAllow:
        authorizers.push(alwaysAllow);
        break;
      case AuthorizationMode.AlwaysDeny:
        authorizers.push(alwaysDeny);
        break;
      case AuthorizationMode.Node: {
        const node = new NodeAuthorizer(new NodeGraph(sources));
        authorizers.push(node);
        ruleResolvers.push(node);
        break;
      }
      case AuthorizationMode.RBAC: {
        const rbac = new RbacAuthorizer(grants);
        authorizers.push(rbac);
        ruleResolvers.push(rbac);
        break;
      }
    }
  }
  return {
    authorizer: {
      authorize(a: Attributes): AuthorizationResult {
        const reasons: string[] = [];
        for (const z of authorizers) {
          const r = z.authorize(a);
          if (r.decision !== Decision.NoOpinion) return r;
          if (r.reason) reasons.push(r.reason);
        }
        return noOpinion(reasons.join(', '));
      },
    },
    ruleResolvers,
    grants,
  };
}
