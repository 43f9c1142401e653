/**
 * GET nodes/{name}/proxy/{path}: the kubelet's read-only summaries through the apiserver, as
 * Kubernetes' nodes/proxy serves them (authorized as `get` on `nodes/proxy`; the kubelet then
 * authorizes the apiserver's own client certificate). Only the paths listed here are proxied
 * (`stats/summary`, `metrics`), and only GET: the storage page and `kubectl get --raw` need no
 * more, and an open proxy to the kubelet is a larger door than this project wants to hold.
 */
import type { Context } from 'koa';
import type { Node } from '../../api/core/v1';
import { notFound, StatusError } from '../../api/errors';
import { StatusReason } from '../../api/meta';
import type { Store } from '../registry/store';
import type { RequestInfo } from '../request_info';
import { kubeletGet, type KubeletClientConfig } from './kubelet_dial';

/** The kubelet paths nodes/proxy forwards. */
export const proxiedKubeletPaths: ReadonlySet<string> = new Set(['stats/summary', 'metrics']);

/** Serves nodes/proxy for the listed kubelet paths. */
export function nodeProxy(kubelet?: KubeletClientConfig) {
  return async (ctx: Context, info: RequestInfo, nodes: Store): Promise<void> => {
    if (info.verb !== 'get') throw new StatusError(405, StatusReason.MethodNotAllowed, 'nodes/proxy only supports GET');
    const proxied = info.proxyPath ?? '';
    if (!proxiedKubeletPaths.has(proxied)) throw notFound({ resource: 'nodes/proxy' }, `${info.name ?? ''}/${proxied}`);
    const node = (await nodes.get(undefined, info.name ?? '')) as Node;
    const upstream = await kubeletGet(ctx, node, `/${proxied}`, kubelet);
    ctx.status = upstream.statusCode ?? 502;
    ctx.type = upstream.headers['content-type'] ?? 'text/plain';
    ctx.body = upstream;
  };
}
