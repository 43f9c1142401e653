/**
 * Who made a request, as Kubernetes' user.Info: a name, an optional uid, groups and extra
 * attributes. Authenticators produce it; authorizers, admission and the audit log read it.
 */

/** The authenticated identity of a request. */
export interface UserInfo {
  readonly username: string;
  readonly uid?: string;
  readonly groups: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** Well-known groups (Kubernetes' names). */
export const Groups = {
  /** Superusers: RBAC allows them everything. */
  Masters: 'system:masters',
  Authenticated: 'system:authenticated',
  Unauthenticated: 'system:unauthenticated',
  /** Kubelets (`system:node:<name>`). */
  Nodes: 'system:nodes',
} as const;

/** Well-known user names (Kubernetes' names). */
export const Users = {
  Anonymous: 'system:anonymous',
  KubeControllerManager: 'system:kube-controller-manager',
  KubeScheduler: 'system:kube-scheduler',
  /** Requests on the plain-HTTP test port (they skip authentication and authorization). */
  Unsecured: 'system:unsecured',
} as const;

/** User names of kubelets start with this, followed by the node name. */
export const nodeUserPrefix = 'system:node:';

/** The node a kubelet identity speaks for, or undefined for any other user. */
export function nodeNameOf(user: UserInfo): string | undefined {
  if (!user.groups.includes(Groups.Nodes) || !user.username.startsWith(nodeUserPrefix)) return undefined;
  const name = user.username.slice(nodeUserPrefix.length);
  return name || undefined;
}

/** The identity of requests on the plain-HTTP test port: a superuser. */
export const unsecuredUser: UserInfo = { username: Users.Unsecured, groups: [Groups.Masters, Groups.Authenticated] };
