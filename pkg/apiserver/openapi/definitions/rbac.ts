/** rbac.authorization.k8s.io/v1 schemas: Role, ClusterRole, RoleBinding, ClusterRoleBinding. */
import {
  freeForm,
  kind,
  list,
  listKind,
  objectHeader,
  ref,
  refOnly,
  str,
  strings,
  struct,
  type Components,
  type GroupVersionKind,
} from '../schema';

const rbacName = (n: string): string => `io.k8s.api.rbac.v1.${n}`;
const gvk = (k: string): GroupVersionKind => ({ group: 'rbac.authorization.k8s.io', version: 'v1', kind: k });

const rules = list(refOnly(rbacName('PolicyRule')), 'Rules holds all the PolicyRules for this Role');
const subjects = list(refOnly(rbacName('Subject')), 'Subjects holds references to the objects the role applies to.');
const roleRef = ref(
  rbacName('RoleRef'),
  'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace. If the RoleRef cannot be resolved, the Authorizer must return an error. This field is immutable.',
);

/** The four RBAC kinds, their lists and PolicyRule / Subject / RoleRef / AggregationRule. */
export const rbacSchemas: Components = {
  [rbacName('PolicyRule')]: struct(
    'PolicyRule holds information that describes a policy rule, but does not contain information about who the rule applies to or which namespace the rule applies to.',
    {
      apiGroups: strings(
        'APIGroups is the name of the APIGroup that contains the resources.  If multiple API groups are specified, any action requested against one of the enumerated resources in any API group will be allowed. "" represents the core API group and "*" represents all API groups.',
      ),
      nonResourceURLs: strings(
        'NonResourceURLs is a set of partial urls that a user should have access to.  *s are allowed, but only as the full, final step in the path.',
      ),
      resourceNames: strings(
        'ResourceNames is an optional white list of names that the rule applies to.  An empty set means that everything is allowed.',
      ),
      resources: strings("Resources is a list of resources this rule applies to. '*' represents all resources."),
      verbs: strings(
        "Verbs is a list of Verbs that apply to ALL the ResourceKinds contained in this rule. '*' represents all verbs.",
      ),
    },
    { required: ['verbs'] },
  ),
  [rbacName('Subject')]: struct(
    'Subject contains a reference to the object or user identities a role binding applies to.  This can either hold a direct API object reference, or a value for non-objects such as user and group names.',
    {
      apiGroup: str(
        'APIGroup holds the API group of the referenced subject. Defaults to "" for ServiceAccount subjects. Defaults to "rbac.authorization.k8s.io" for User and Group subjects.',
      ),
      kind: str(
        'Kind of object being referenced. Values defined by this API group are "User", "Group", and "ServiceAccount".',
      ),
      name: str('Name of the object being referenced.'),
      namespace: str(
        'Namespace of the referenced object.  If the object kind is non-namespace, such as "User" or "Group", and this value is not empty the Authorizer should report an error.',
      ),
    },
    { required: ['kind', 'name'], 'x-kubernetes-map-type': 'atomic' },
  ),
  [rbacName('RoleRef')]: struct(
    'RoleRef contains information that points to the role being used',
    {
      apiGroup: str('APIGroup is the group for the resource being referenced'),
      kind: str('Kind is the type of resource being referenced'),
      name: str('Name is the name of resource being referenced'),
    },
    { required: ['apiGroup', 'kind', 'name'], 'x-kubernetes-map-type': 'atomic' },
  ),
  [rbacName('AggregationRule')]: struct(
    'AggregationRule describes how to locate ClusterRoles to aggregate into the ClusterRole',
    {
      clusterRoleSelectors: list(
        freeForm('A label selector.'),
        "ClusterRoleSelectors holds a list of selectors which will be used to find ClusterRoles and create the rules. If any of the selectors match, then the ClusterRole's permissions will be added",
      ),
    },
  ),
  [rbacName('Role')]: kind(
    gvk('Role'),
    'Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.',
    { ...objectHeader(), rules },
  ),
  [rbacName('RoleList')]: listKind(gvk('Role'), rbacName('Role'), 'RoleList is a collection of Roles'),
  [rbacName('ClusterRole')]: kind(
    gvk('ClusterRole'),
    'ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.',
    {
      ...objectHeader(),
      aggregationRule: ref(
        rbacName('AggregationRule'),
        'AggregationRule is an optional field that describes how to build the Rules for this ClusterRole. Stored, not acted on by this server.',
      ),
      rules,
    },
  ),
  [rbacName('ClusterRoleList')]: listKind(
    gvk('ClusterRole'),
    rbacName('ClusterRole'),
    'ClusterRoleList is a collection of ClusterRoles',
  ),
  [rbacName('RoleBinding')]: kind(
    gvk('RoleBinding'),
    'RoleBinding references a role, but does not contain it.  It can reference a Role in the same namespace or a ClusterRole in the global namespace. It adds who information via Subjects and namespace information by which namespace it exists in.  RoleBindings in a given namespace only have effect in that namespace.',
    { ...objectHeader(), roleRef, subjects },
    { required: ['roleRef'] },
  ),
  [rbacName('RoleBindingList')]: listKind(
    gvk('RoleBinding'),
    rbacName('RoleBinding'),
    'RoleBindingList is a collection of RoleBindings',
  ),
  [rbacName('ClusterRoleBinding')]: kind(
    gvk('ClusterRoleBinding'),
    'ClusterRoleBinding references a ClusterRole, but not contain it.  It can reference a ClusterRole in the global namespace, and adds who information via Subject.',
    { ...objectHeader(), roleRef, subjects },
    { required: ['roleRef'] },
  ),
  [rbacName('ClusterRoleBindingList')]: listKind(
    gvk('ClusterRoleBinding'),
    rbacName('ClusterRoleBinding'),
    'ClusterRoleBindingList is a collection of ClusterRoleBindings',
  ),
};
