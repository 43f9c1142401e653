/**
 * How the apiserver reaches a node's kubelet (pods/log, nodes/proxy, exec, attach,
 * portforward): the Node's InternalIP and daemonEndpoints.kubeletEndpoint.Port, over HTTPS with
 * the apiserver's kubelet client configuration when it has one (see log.ts for how that is
 * decided), else plain HTTP.
 */
import http from 'node:http';
import https from 'node:https';
import type { Context } from 'koa';
import type { Node, Pod } from '../../api/core/v1';
import { serviceUnavailable } from '../../api/errors';
import type { Store } from '../registry/store';

/** How the apiserver reaches kubelets (PEM; --kubelet-client-certificate, --kubelet-client-key, --kubelet-certificate-authority). */
export interface KubeletClientConfig {
  cert?: Buffer;
  key?: Buffer;
  ca?: Buffer;
}

/** True when kubelets are reached over HTTPS. */
export function kubeletTls(c: KubeletClientConfig | undefined): c is KubeletClientConfig {
  return c !== undefined && Boolean(c.cert ?? c.key ?? c.ca);
}

/** Where a node's kubelet listens. */
export interface KubeletEndpoint {
  host: string;
  port: number;
}

/** The kubelet endpoint `node` reports; 503 when it reports none. */
export function nodeKubeletEndpoint(node: Node): KubeletEndpoint {
  const host = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!host || !port) throw serviceUnavailable(`node ${node.metadata.name ?? ''} does not report a kubelet endpoint`);
  return { host, port };
}

/** The kubelet endpoint of the (scheduled) pod's node; 503 when the node reports none. */
export async function kubeletEndpoint(nodes: Store, pod: Pod): Promise<KubeletEndpoint> {
  return nodeKubeletEndpoint((await nodes.get(undefined, pod.spec.nodeName ?? '')) as Node);
}

/** The TLS options of a request to a kubelet (client certificate, and the CA when given). */
export function kubeletTlsOptions(secure: KubeletClientConfig): https.RequestOptions {
  return {
    rejectUnauthorized: secure.ca !== undefined,
    ...(secure.ca ? { ca: secure.ca } : {}),
    ...(secure.cert && secure.key ? { cert: secure.cert, key: secure.key } : {}),
  };
}

/** GETs `path` (with its query) from `node`'s kubelet; destroyed when the client goes away. 503 when unreachable. */
export async function kubeletGet(
  ctx: Context,
  node: Node,
  path: string,
  kubelet: KubeletClientConfig | undefined,
): Promise<http.IncomingMessage> {
  const { host, port } = nodeKubeletEndpoint(node);
  const secure = kubeletTls(kubelet) ? kubelet : undefined;
  return new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = secure
      ? https.get({ host, port, path, agent: false, ...kubeletTlsOptions(secure) }, resolve)
      : http.get({ host, port, path }, resolve);
    req.on('error', (err) =>
      reject(serviceUnavailable(`cannot reach the kubelet on ${node.metadata.name ?? ''}: ${err.message}`)),
    );
    ctx.req.on('close', () => req.destroy());
  });
}
