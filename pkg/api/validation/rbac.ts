/**
 * RBAC validation (k8s pkg/apis/rbac/validation): names are path segments (so `system:node`
 * is a valid role name); a rule has verbs, and either resources with API groups or, in
 * ClusterRoles only, non-resource URLs; a binding's roleRef is immutable and names a Role or
 * ClusterRole of rbac.authorization.k8s.io; subjects are Users, Groups or ServiceAccounts.
 */
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Role, RoleBinding, Subject } from '../rbac/v1';
import { rbacGroup, SubjectKind } from '../rbac/v1';
import { semanticEqual } from './equality';
import { type FieldError, invalid, notSupported, required } from './field';
import { validateObjectName } from './meta';
import { isDNS1123Subdomain, isValidPathSegmentName, nameIsPathSegment } from './names';

function stringList(v: unknown, field: string): FieldError[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return [invalid(field, v, 'must be a list of strings')];
  return v.flatMap((s, i) => (typeof s === 'string' ? [] : [invalid(`${field}[${i}]`, s, 'must be a string')]));
}

function validateRule(rule: PolicyRule, field: string, namespaced: boolean): FieldError[] {
  if (rule === null || typeof rule !== 'object') return [invalid(field, rule, 'must be an object')];
  const errs = (['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const).flatMap((k) =>
    stringList(rule[k], `${field}.${k}`),
  );
  if (errs.length) return errs;
  if (!rule.verbs?.length) errs.push(required(`${field}.verbs`, 'verbs must contain at least one value'));
  if (rule.nonResourceURLs?.length) {
    if (namespaced)
      errs.push(
        invalid(`${field}.nonResourceURLs`, rule.nonResourceURLs, 'namespaced rules cannot apply to non-resource URLs'),
      );
    if (rule.apiGroups?.length || rule.resources?.length || rule.resourceNames?.length) {
      errs.push(
        invalid(
          `${field}.nonResourceURLs`,
          rule.nonResourceURLs,
          'rules cannot apply to both regular resources and non-resource URLs',
        ),
      );
    }
    return errs;
  }
  if (!rule.apiGroups?.length)
    errs.push(required(`${field}.apiGroups`, 'resource rules must supply at least one api group'));
  if (!rule.resources?.length)
    errs.push(required(`${field}.resources`, 'resource rules must supply at least one resource'));
  return errs;
}

function validateRules(rules: unknown, namespaced: boolean): FieldError[] {
  if (rules === undefined || rules === null) return [];
  if (!Array.isArray(rules)) return [invalid('rules', rules, 'must be a list')];
  return rules.flatMap((r: PolicyRule, i) => validateRule(r, `rules[${i}]`, namespaced));
}

/** A Role: a path-segment name and rules over resources only. */
export function validateRole(role: Role): FieldError[] {
  return [...validateObjectName(role.metadata, nameIsPathSegment), ...validateRules(role.rules, true)];
}

/** A ClusterRole: like a Role, and its rules may name non-resource URLs. */
export function validateClusterRole(role: ClusterRole): FieldError[] {
  return [...validateObjectName(role.metadata, nameIsPathSegment), ...validateRules(role.rules, false)];
}

function validateSubject(s: Subject, field: string, bindingNamespaced: boolean): FieldError[] {
  if (s === null || typeof s !== 'object') return [invalid(field, s, 'must be an object')];
  const errs: FieldError[] = [];
  if (typeof s.name !== 'string' || s.name === '') errs.push(required(`${field}.name`));
  switch (s.kind) {
    case SubjectKind.ServiceAccount:
      if (typeof s.name === 'string' && s.name)
        errs.push(...isDNS1123Subdomain(s.name).map((m) => invalid(`${field}.name`, s.name, m)));
      if (s.apiGroup) errs.push(notSupported(`${field}.apiGroup`, s.apiGroup, ['']));
      if (!bindingNamespaced && !s.namespace) errs.push(required(`${field}.namespace`));
      break;
    case SubjectKind.User:
    case SubjectKind.Group:
      if (s.apiGroup !== rbacGroup) errs.push(notSupported(`${field}.apiGroup`, s.apiGroup, [rbacGroup]));
      break;
    default:
      errs.push(notSupported(`${field}.kind`, s.kind, Object.values(SubjectKind)));
  }
  return errs;
}

function validateBinding(
  b: RoleBinding | ClusterRoleBinding,
  roleKinds: readonly string[],
  namespaced: boolean,
): FieldError[] {
  const errs = validateObjectName(b.metadata, nameIsPathSegment);
  const ref = b.roleRef as RoleBinding['roleRef'] | undefined;
  if (!ref || typeof ref !== 'object') return [...errs, required('roleRef')];
  if (ref.apiGroup !== rbacGroup) errs.push(notSupported('roleRef.apiGroup', ref.apiGroup, [rbacGroup]));
  if (!roleKinds.includes(ref.kind)) errs.push(notSupported('roleRef.kind', ref.kind, roleKinds));
  if (typeof ref.name !== 'string' || ref.name === '') errs.push(required('roleRef.name'));
  else errs.push(...isValidPathSegmentName(ref.name).map((m) => invalid('roleRef.name', ref.name, m)));
  const subjects: unknown = b.subjects;
  if (subjects !== undefined && subjects !== null && !Array.isArray(subjects))
    errs.push(invalid('subjects', subjects, 'must be a list'));
  else (b.subjects ?? []).forEach((s, i) => errs.push(...validateSubject(s, `subjects[${i}]`, namespaced)));
  return errs;
}

/** A RoleBinding: roleRef to a Role or ClusterRole; valid subjects. */
export function validateRoleBinding(b: RoleBinding): FieldError[] {
  return validateBinding(b, ['Role', 'ClusterRole'], true);
}

/** A ClusterRoleBinding: roleRef to a ClusterRole; ServiceAccount subjects name their namespace. */
export function validateClusterRoleBinding(b: ClusterRoleBinding): FieldError[] {
  return validateBinding(b, ['ClusterRole'], false);
}

/** Either binding's update: valid, and roleRef unchanged ("cannot change roleRef"). */
export function validateBindingUpdate<T extends RoleBinding | ClusterRoleBinding>(
  validate: (b: T) => FieldError[],
): (b: T, old: T) => FieldError[] {
  return (b, old) => {
    const errs = validate(b);
    if (!semanticEqual(b.roleRef, old.roleRef)) errs.push(invalid('roleRef', b.roleRef, 'cannot change roleRef'));
    return errs;
  };
}
