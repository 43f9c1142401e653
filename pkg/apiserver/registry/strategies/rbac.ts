/**
 * RBAC strategies: no status, no defaulting; a binding's roleRef is immutable. Escalation
 * prevention (nobody grants what they do not hold) runs in the write admission, because it
 * needs the requesting user (pkg/apiserver/authorization/rbac/escalation.ts).
 */
import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding } from '../../../api/rbac/v1';
import { clusterRoleBindings, clusterRoles, roleBindings, roles } from '../../../api/resources';
import {
  validateBindingUpdate,
  validateClusterRole,
  validateClusterRoleBinding,
  validateRole,
  validateRoleBinding,
} from '../../../api/validation';
import { defaultStrategy, type Strategy } from '../strategy';

const rbacStrategy = {
  ...defaultStrategy,
  hasStatus: false,
  prepareForCreate: <T>(o: T): T => o,
  prepareForUpdate: <T>(o: T): T => o,
};

export const roleStrategy: Strategy<Role> = {
  ...rbacStrategy,
  info: roles,
  validate: validateRole,
  validateUpdate: validateRole,
};
export const clusterRoleStrategy: Strategy<ClusterRole> = {
  ...rbacStrategy,
  info: clusterRoles,
  validate: validateClusterRole,
  validateUpdate: validateClusterRole,
};
export const roleBindingStrategy: Strategy<RoleBinding> = {
  ...rbacStrategy,
  info: roleBindings,
  validate: validateRoleBinding,
  validateUpdate: validateBindingUpdate(validateRoleBinding),
};
export const clusterRoleBindingStrategy: Strategy<ClusterRoleBinding> = {
  ...rbacStrategy,
  info: clusterRoleBindings,
  validate: validateClusterRoleBinding,
  validateUpdate: validateBindingUpdate(validateClusterRoleBinding),
};
