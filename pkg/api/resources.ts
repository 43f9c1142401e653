/**
 * The catalogue of resources this project serves. The apiserver routes, discovery documents,
 * OpenAPI and the REST client are all derived from this one table.
 */

/** Static description of one resource type. */
export interface ResourceInfo {
  /** API group; '' for core. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly listKind: string;
  /** Plural lower-case name used in URLs and etcd keys. */
  readonly resource: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  /** Subresources served below an object (status, binding, log, finalize). */
  readonly subresources: readonly string[];
  /** The verbs of the resource itself (discovery lists them; others are a 405). */
  readonly verbs: readonly string[];
  /** Discovery categories (`kubectl get all` lists the resources in category `all`). */
  readonly categories?: readonly string[];
}

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** A ResourceInfo whose `namespaced` is known at compile time (what typed clients are made from). */
export type ScopedResourceInfo<N extends boolean> = ResourceInfo & { readonly namespaced: N };

function info<N extends boolean>(
  group: string,
  kind: string,
  resource: string,
  namespaced: N,
  shortNames: string[],
  subresources: string[] = [],
  verbs: string[] = allVerbs,
): ScopedResourceInfo<N> {
  return {
    group,
    version: 'v1',
    kind,
    listKind: `${kind}List`,
    resource,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames,
    subresources,
    verbs,
  };
}

// As in Kubernetes, namespaces have no deletecollection: each one is deleted on its own.
export const namespaces = info(
  '',
  'Namespace',
  'namespaces',
  false,
  ['ns'],
  ['status', 'finalize'],
  allVerbs.filter((v) => v !== 'deletecollection'),
);
export const nodes = info('', 'Node', 'nodes', false, ['no'], ['status']);
export const pods = {
  ...info('', 'Pod', 'pods', true, ['po'], ['status', 'binding', 'log', 'exec', 'attach', 'portforward']),
  categories: ['all'],
};
export const persistentVolumes = info('', 'PersistentVolume', 'persistentvolumes', false, ['pv'], ['status']);
export const persistentVolumeClaims = info(
  '',
  'PersistentVolumeClaim',
  'persistentvolumeclaims',
  true,
  ['pvc'],
  ['status'],
);
export const events = info('', 'Event', 'events', true, ['ev']);
export const storageClasses = info('storage.k8s.io', 'StorageClass', 'storageclasses', false, ['sc']);
export const leases = info('coordination.k8s.io', 'Lease', 'leases', true, ['lease']);
export const statefulSets = {
  ...info('apps', 'StatefulSet', 'statefulsets', true, ['sts'], ['status', 'scale']),
  categories: ['all'],
};
export const controllerRevisions = info('apps', 'ControllerRevision', 'controllerrevisions', true, []);
const rbac = 'rbac.authorization.k8s.io';
export const clusterRoles = info(rbac, 'ClusterRole', 'clusterroles', false, []);
export const clusterRoleBindings = info(rbac, 'ClusterRoleBinding', 'clusterrolebindings', false, []);
export const roles = info(rbac, 'Role', 'roles', true, []);
export const roleBindings = info(rbac, 'RoleBinding', 'rolebindings', true, []);

/** Reviews: create-only resources that are answered, never stored (authentication and authorization questions). */
const review = (group: string, kind: string, resource: string, namespaced = false): ResourceInfo =>
  info(group, kind, resource, namespaced, [], [], ['create']);
export const selfSubjectReviews = review('authentication.k8s.io', 'SelfSubjectReview', 'selfsubjectreviews');
export const tokenReviews = review('authentication.k8s.io', 'TokenReview', 'tokenreviews');
export const selfSubjectAccessReviews = review(
  'authorization.k8s.io',
  'SelfSubjectAccessReview',
  'selfsubjectaccessreviews',
);
export const selfSubjectRulesReviews = review(
  'authorization.k8s.io',
  'SelfSubjectRulesReview',
  'selfsubjectrulesreviews',
);
export const subjectAccessReviews = review('authorization.k8s.io', 'SubjectAccessReview', 'subjectaccessreviews');
export const localSubjectAccessReviews = review(
  'authorization.k8s.io',
  'LocalSubjectAccessReview',
  'localsubjectaccessreviews',
  true,
);

/** The review resources, in discovery order. */
export const reviewResources: readonly ResourceInfo[] = [
  selfSubjectReviews,
  tokenReviews,
  localSubjectAccessReviews,
  selfSubjectAccessReviews,
  selfSubjectRulesReviews,
  subjectAccessReviews,
];

/** The verbs of a subresource: status and scale are read and written, binding created, finalize replaced, log read. */
export function subresourceVerbs(sub: string): readonly string[] {
  switch (sub) {
    case 'status':
      return ['get', 'patch', 'update'];
    case 'binding':
      return ['create'];
    case 'exec':
    case 'attach':
    case 'portforward':
      return ['create', 'get'];
    case 'finalize':
      return ['update'];
    case 'scale':
      return ['get', 'patch', 'update'];
    default:
      return ['get'];
  }
}

/** Every stored resource, in discovery order (the reviews are served besides them). */
export const allResources: readonly ResourceInfo[] = [
  namespaces,
  nodes,
  pods,
  persistentVolumes,
  persistentVolumeClaims,
  events,
  storageClasses,
  leases,
  statefulSets,
  controllerRevisions,
  clusterRoleBindings,
  clusterRoles,
  roleBindings,
  roles,
];

/** `v1` for core, `group/v1` otherwise. */
export function apiVersionOf(r: Pick<ResourceInfo, 'group' | 'version'>): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** URL prefix of a group version: `/api/v1` or `/apis/<group>/v1`. */
export function groupVersionPath(r: Pick<ResourceInfo, 'group' | 'version'>): string {
  return r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
}
