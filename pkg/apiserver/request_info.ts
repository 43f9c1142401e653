/**
 * Parses a resource URL into what it addresses, as kube-apiserver's RequestInfoFactory does:
 * `/api/v1/namespaces/{ns}/{resource}/{name}/{subresource}` and the `/apis/{group}/{version}/…`
 * forms, plus the verb from the method and query.
 */
import { badRequest } from '../api/errors';

/** Kubernetes verbs. */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** What a resource request addresses. */
export interface RequestInfo {
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
  /** What follows a `proxy` subresource (`nodes/{name}/proxy/stats/summary` → `stats/summary`). */
  proxyPath?: string;
  verb: Verb;
}

const namespaceSubresources = new Set(['status', 'finalize']);

function verbOf(method: string, hasName: boolean, watch: boolean): Verb | undefined {
  switch (method) {
    case 'GET':
    case 'HEAD':
      return watch ? 'watch' : hasName ? 'get' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection';
    default:
      return undefined;
  }
}

/** A percent-decoded path segment; a malformed escape (`%E0%A4%A`, `%ZZ`) is a 400. */
function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw badRequest(`malformed percent-encoding in the URL path segment ${JSON.stringify(s)}`);
  }
}

/**
 * Parses the path segments after `/api/v1` or `/apis/{g}/{v}`. Returns undefined for a method
 * no resource supports (the caller answers 405).
 */
export function parseResourcePath(
  group: string,
  version: string,
  segments: string[],
  method: string,
  watch: boolean,
): RequestInfo | undefined {
  let parts = segments.filter((s) => s.length > 0).map(decodeSegment);
  let namespace: string | undefined;
  if (parts[0] === 'namespaces' && parts.length > 1) {
    namespace = parts[1];
    if (parts.length > 2 && !namespaceSubresources.has(parts[2] ?? '')) parts = parts.slice(2);
    else namespace = undefined;
  }
  // As Kubernetes' RequestInfo: the parts after a `proxy` subresource are the proxied path.
  const proxyPath = parts[2] === 'proxy' && parts.length > 3 ? parts.slice(3).join('/') : undefined;
  if (proxyPath !== undefined) parts = parts.slice(0, 3);
  if (parts.length === 0 || parts.length > 3) throw badRequest(`unable to parse path: ${segments.join('/')}`);
  const [resource = '', name, subresource] = parts;
  const verb = verbOf(method, name !== undefined, watch);
  if (!verb) return undefined;
  return {
    group,
    version,
    resource,
    verb,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
    ...(proxyPath !== undefined ? { proxyPath } : {}),
  };
}
