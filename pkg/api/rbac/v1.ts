/**
 * rbac.authorization.k8s.io/v1: Role, ClusterRole, RoleBinding, ClusterRoleBinding. A role is a
 * set of PolicyRules; a binding grants one role to a list of subjects. ClusterRole aggregation
 * is not implemented (aggregationRule is accepted and stored, never acted on).
 */
import type { KubeObject } from '../meta';

/** The API group of this file's kinds. */
export const rbacGroup = 'rbac.authorization.k8s.io';

/** `*`: every verb, group, resource or URL in a rule. */
export const ruleAll = '*';

/** What a rule allows (k8s rbacv1.PolicyRule). */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** The kinds of subject a binding names. */
export const SubjectKind = { User: 'User', Group: 'Group', ServiceAccount: 'ServiceAccount' } as const;
export type SubjectKind = (typeof SubjectKind)[keyof typeof SubjectKind];

/** Who a binding grants the role to. */
export interface Subject {
  kind: SubjectKind;
  /** rbac.authorization.k8s.io for User and Group, '' for ServiceAccount. */
  apiGroup?: string;
  name: string;
  /** ServiceAccount subjects only. */
  namespace?: string;
}

/** The role a binding grants (immutable once set). */
export interface RoleRef {
  apiGroup: string;
  kind: 'Role' | 'ClusterRole';
  name: string;
}

/** Label selectors of a ClusterRole's aggregation (stored only). */
export interface AggregationRule {
  clusterRoleSelectors?: { matchLabels?: Record<string, string> }[];
}

/** A namespaced set of rules. */
export interface Role extends KubeObject {
  rules?: PolicyRule[];
}

/** A cluster-wide set of rules (grantable cluster-wide or, by a RoleBinding, in one namespace). */
export interface ClusterRole extends KubeObject {
  rules?: PolicyRule[];
  aggregationRule?: AggregationRule;
}

/** Grants a Role or ClusterRole within the binding's namespace. */
export interface RoleBinding extends KubeObject {
  subjects?: Subject[];
  roleRef: RoleRef;
}

/** Grants a ClusterRole in every namespace and at the cluster scope. */
export interface ClusterRoleBinding extends KubeObject {
  subjects?: Subject[];
  roleRef: RoleRef;
}
