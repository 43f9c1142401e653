/**
 * Printers of the RBAC bindings, as kube-apiserver's: NAME ROLE AGE, and with `-o wide` the
 * users, groups and service accounts bound. Roles and ClusterRoles print NAME CREATED AT,
 * which is the default printer.
 */
import type { RoleBinding, Subject } from '../../api/rbac/v1';
import { SubjectKind } from '../../api/rbac/v1';
import { translateTimestampSince } from './duration';
import { ageColumn, column, nameColumn, type TablePrinter } from './types';

function names(subjects: readonly Subject[] | undefined, kind: SubjectKind): string {
  return (subjects ?? [])
    .filter((s) => s.kind === kind)
    .map((s) => (kind === SubjectKind.ServiceAccount ? `${s.namespace ?? ''}/${s.name}` : s.name))
    .join(', ');
}

/** RoleBinding and ClusterRoleBinding: NAME ROLE AGE (+USERS GROUPS SERVICEACCOUNTS). */
export const bindingPrinter: TablePrinter = {
  columns: [
    nameColumn,
    column('Role', 'RoleRef references the role being bound'),
    ageColumn,
    column('Users', 'Users in the binding', { priority: 1 }),
    column('Groups', 'Groups in the binding', { priority: 1 }),
    column('ServiceAccounts', 'ServiceAccounts in the binding', { priority: 1 }),
  ],
  cells(obj, now) {
    const b = obj as RoleBinding;
    return [
      b.metadata.name ?? '',
      `${b.roleRef?.kind ?? ''}/${b.roleRef?.name ?? ''}`,
      translateTimestampSince(b.metadata.creationTimestamp, now),
      names(b.subjects, SubjectKind.User),
      names(b.subjects, SubjectKind.Group),
      names(b.subjects, SubjectKind.ServiceAccount),
    ];
  },
};
