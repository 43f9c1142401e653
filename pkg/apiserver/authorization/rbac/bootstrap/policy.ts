/**
 * The default roles and bindings kube-apiserver creates at start (Kubernetes'
 * plugin/pkg/auth/authorizer/rbac/bootstrappolicy), for this server's resources and without
 * aggregation: admin, edit and view list their rules flat. The controller-manager is one
 * identity (system:kube-controller-manager) and runs the scheduler, so there is no separate
 * system:kube-scheduler. system:node is created for reference but not bound: kubelets are
 * authorized by the Node authorizer, as in Kubernetes.
 */
import type { ClusterRole, ClusterRoleBinding, PolicyRule, Subject } from '../../../../api/rbac/v1';
import { rbacGroup, ruleAll } from '../../../../api/rbac/v1';
import { Groups, Users } from '../../../authentication/user';

const read = ['get', 'list', 'watch'];
const write = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const rule = (verbs: string[], apiGroups: string[], resources: string[]): PolicyRule => ({
  verbs,
  apiGroups,
  resources,
});
const urls = (verbs: string[], nonResourceURLs: string[]): PolicyRule => ({ verbs, nonResourceURLs });

/** Labels and annotation of every bootstrap object (autoupdate: reconciled at each start unless set to "false"). */
export const bootstrapLabels = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
export const autoUpdateAnnotation = 'rbac.authorization.kubernetes.io/autoupdate';

function clusterRole(name: string, rules: PolicyRule[]): ClusterRole {
  return {
    apiVersion: `${rbacGroup}/v1`,
    kind: 'ClusterRole',
    metadata: { name, labels: { ...bootstrapLabels }, annotations: { [autoUpdateAnnotation]: 'true' } },
    rules,
  };
}

function binding(name: string, role: string, subjects: Subject[]): ClusterRoleBinding {
  return {
    apiVersion: `${rbacGroup}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { ...bootstrapLabels }, annotations: { [autoUpdateAnnotation]: 'true' } },
    roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: role },
    subjects,
  };
}

const group = (name: string): Subject => ({ kind: 'Group', apiGroup: rbacGroup, name });
const user = (name: string): Subject => ({ kind: 'User', apiGroup: rbacGroup, name });

const viewRules: PolicyRule[] = [
  rule(
    read,
    [''],
    ['persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'pods/log', 'pods/status', 'events'],
  ),
  rule(read, [''], ['namespaces', 'namespaces/status']),
  rule(read, ['apps'], ['controllerrevisions', 'statefulsets', 'statefulsets/scale', 'statefulsets/status']),
];
const editRules: PolicyRule[] = [
  ...viewRules,
  rule(write, [''], ['persistentvolumeclaims', 'pods']),
  rule(write, ['apps'], ['statefulsets', 'statefulsets/scale']),
  // As Kubernetes' edit: opening a stream into a pod is a create.
  rule(['create', 'get'], [''], ['pods/attach', 'pods/exec', 'pods/portforward']),
];
const adminRules: PolicyRule[] = [
  ...editRules,
  rule([...read, ...write], [rbacGroup], ['roles', 'rolebindings']),
  rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
];
const publicInfoURLs = ['/healthz', '/livez', '/readyz', '/version', '/version/'];

/** The default ClusterRoles. */
export const bootstrapClusterRoles: readonly ClusterRole[] = [
  clusterRole('cluster-admin', [rule([ruleAll], [ruleAll], [ruleAll]), urls([ruleAll], [ruleAll])]),
  clusterRole('admin', adminRules),
  clusterRole('edit', editRules),
  clusterRole('view', viewRules),
  clusterRole('system:discovery', [
    urls(['get'], ['/api', '/api/*', '/apis', '/apis/*', '/openapi', '/openapi/*', '/ui', '/ui/*', ...publicInfoURLs]),
  ]),
  clusterRole('system:basic-user', [
    rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
    rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
  ]),
  clusterRole('system:public-info-viewer', [urls(['get'], publicInfoURLs)]),
  clusterRole('system:kube-controller-manager', [
    // persistentvolume-binder and -provisioner, pv/pvc protection
    rule([...read, ...write], [''], ['persistentvolumes']),
    rule(['get', 'patch', 'update'], [''], ['persistentvolumes/status', 'persistentvolumeclaims/status']),
    rule([...read, 'patch', 'update'], [''], ['persistentvolumeclaims']),
    rule([...read, 'create'], ['storage.k8s.io'], ['storageclasses']),
    // scheduler (it runs in the controller-manager)
    rule(read, [''], ['pods', 'nodes']),
    rule(['create'], [''], ['pods/binding']),
    // statefulset controller: pods and claims from the templates, revisions, status
    rule([...read, 'update'], ['apps'], ['statefulsets']),
    rule(['update'], ['apps'], ['statefulsets/status', 'statefulsets/finalizers']),
    rule([...read, ...write], ['apps'], ['controllerrevisions']),
    rule(['create', 'delete', 'patch', 'update'], [''], ['pods']),
    rule(['create', 'delete', 'patch', 'update'], [''], ['persistentvolumeclaims']),
    // snapshot controller (external-snapshotter's snapshot-controller and the hostPath snapshotter)
    rule(
      [...read, ...write],
      ['snapshot.storage.k8s.io'],
      ['volumesnapshots', 'volumesnapshotcontents', 'volumesnapshotclasses'],
    ),
    rule(
      ['get', 'patch', 'update'],
      ['snapshot.storage.k8s.io'],
      ['volumesnapshots/status', 'volumesnapshotcontents/status'],
    ),
    // namespace controller: empties a terminating namespace of every kind, then finalizes it
    rule(['delete', 'deletecollection', 'get', 'list', 'watch'], [ruleAll], [ruleAll]),
    rule(['update'], [''], ['namespaces/finalize', 'namespaces/status']),
    // leader election and events
    rule(['create', 'get', 'update'], ['coordination.k8s.io'], ['leases']),
    rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
    rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
    rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    // garbage collector (kube's generic-garbage-collector): reads every kind, strips dangling
    // ownerReferences and GC finalizers (patch/update), deletes dependents whose owners are gone
    rule(['get', 'list', 'watch', 'patch', 'update', 'delete'], [ruleAll], [ruleAll]),
  ]),
  clusterRole('system:node', [
    rule(read, [''], ['nodes', 'pods']),
    rule(['create', 'patch', 'update'], [''], ['nodes', 'nodes/status', 'pods/status', 'events']),
    rule(['get'], [''], ['persistentvolumeclaims', 'persistentvolumes']),
    rule(['get', 'patch', 'update'], [''], ['persistentvolumeclaims/status']),
    rule(['create', 'delete', 'get', 'patch', 'update'], ['coordination.k8s.io'], ['leases']),
    rule(['create'], ['authentication.k8s.io'], ['tokenreviews']),
    rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
  ]),
  clusterRole('system:kubelet-api-admin', [
    rule(['get', 'list', 'watch', 'proxy'], [''], ['nodes']),
    rule([ruleAll], [''], ['nodes/log', 'nodes/metrics', 'nodes/proxy', 'nodes/stats']),
  ]),
];

/** The default ClusterRoleBindings. */
export const bootstrapClusterRoleBindings: readonly ClusterRoleBinding[] = [
  binding('cluster-admin', 'cluster-admin', [group(Groups.Masters)]),
  binding('system:discovery', 'system:discovery', [group(Groups.Authenticated)]),
  binding('system:basic-user', 'system:basic-user', [group(Groups.Authenticated)]),
  binding('system:public-info-viewer', 'system:public-info-viewer', [
    group(Groups.Authenticated),
    group(Groups.Unauthenticated),
  ]),
  binding('system:kube-controller-manager', 'system:kube-controller-manager', [user(Users.KubeControllerManager)]),
];
