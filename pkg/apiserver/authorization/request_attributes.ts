/**
 * Turns an HTTP request into authorization Attributes, as kube-apiserver's RequestInfoFactory:
 * `/api/v1/...` and `/apis/{group}/{version}/...` below the discovery documents are resource
 * requests (the verb from the method and ?watch); everything else (/healthz, /version, /api,
 * /apis/{group}, /openapi/v3) is a non-resource request authorized on its path with the
 * lower-case HTTP method as verb. Also renders Kubernetes' 403 for a refused request.
 */
import { forbidden, type StatusError } from '../../api/errors';
import type { UserInfo } from '../authentication/user';
import { boolValue } from '../handlers/query';
import { parseResourcePath } from '../request_info';
import type { Attributes } from './authorizer';

/** The `field=value` / `field==value` requirements of a field selector (others are ignored). */
export function fieldRequirements(selector: string | undefined): Record<string, string> | undefined {
  if (!selector) return undefined;
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const term of selector.split(',')) {
    if (term.includes('!=')) continue;
    const m = /^\s*([^=\s]+)\s*==?\s*(.*?)\s*$/.exec(term);
    if (m?.[1] !== undefined) out[m[1]] = m[2] ?? '';
  }
  return out;
}

/** What the request asks to do, as the authorizers see it. */
export function requestAttributes(user: UserInfo, method: string, path: string, query: URLSearchParams): Attributes {
  const core = /^\/api\/v1\/(.+)$/.exec(path);
  const named = core ? undefined : /^\/apis\/([^/]+)\/([^/]+)\/(.+)$/.exec(path);
  const apiGroup = named ? (named[1] ?? '') : '';
  const apiVersion = core ? 'v1' : (named?.[2] ?? '');
  const rest = core?.[1] ?? named?.[3];
  const info =
    rest === undefined
      ? undefined
      : parseResourcePath(apiGroup, apiVersion, rest.split('/'), method, boolValue(query.get('watch')));
  if (!info)
    return {
      user,
      verb: method.toLowerCase(),
      resourceRequest: false,
      apiGroup: '',
      apiVersion: '',
      resource: '',
      subresource: '',
      namespace: '',
      name: '',
      path,
    };
  const fieldSelector = fieldRequirements(query.get('fieldSelector') ?? undefined);
  let name = info.name ?? '';
  // A list or watch of one object by metadata.name is authorized as that object (kubectl get x -w).
  if (!name && (info.verb === 'list' || info.verb === 'watch')) name = fieldSelector?.['metadata.name'] ?? '';
  // A namespace is its own namespace: a RoleBinding in "team-a" may grant access to namespace "team-a".
  const namespace = info.namespace ?? (info.resource === 'namespaces' && !apiGroup ? name : '');
  return {
    user,
    verb: info.verb,
    resourceRequest: true,
    apiGroup,
    apiVersion,
    resource: info.resource,
    subresource: info.subresource ?? '',
    namespace,
    name,
    path,
    ...(fieldSelector ? { fieldSelector } : {}),
  };
}

/**
 * Kubernetes' 403 for a refused request, word for word:
 * `persistentvolumes is forbidden: User "alice" cannot create resource "persistentvolumes" in API group "" at the cluster scope`
 * (plus `: <reason>` when the authorizers gave one).
 */
export function forbiddenError(a: Attributes, reason: string): StatusError {
  const user = a.user.username;
  let why: string;
  if (!a.resourceRequest) why = `User ${JSON.stringify(user)} cannot ${a.verb} path ${JSON.stringify(a.path)}`;
  else {
    const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    const scope = a.namespace ? `in the namespace ${JSON.stringify(a.namespace)}` : 'at the cluster scope';
    why = `User ${JSON.stringify(user)} cannot ${a.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(a.apiGroup)} ${scope}`;
  }
  if (reason) why += `: ${reason}`;
  return forbidden({ resource: a.resourceRequest ? a.resource : '', group: a.apiGroup }, a.name, why);
}
