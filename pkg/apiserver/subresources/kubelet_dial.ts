/**
 * One GET from the apiserver to a node's kubelet (its InternalIP and
 * daemonEndpoints.kubeletEndpoint.Port), over HTTPS with the apiserver's kubelet client
 * configuration when it has one (see log.ts for how that is decided), else plain HTTP.
 * pods/log and nodes/proxy use it; the answer is streamed back by the caller.
 */
import http from 'node:http';
import https from 'node:https';
import type { Context } from 'koa';
import type { Node } from '../../api/core/v1';
import { serviceUnavailable } from '../../api/errors';

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

/** GETs `path` (with its query) from `node`'s kubelet; destroyed when the client goes away. 503 when unreachable. */
export async function kubeletGet(
  ctx: Context,
  node: Node,
  path: string,
  kubelet: KubeletClientConfig | undefined,
): Promise<http.IncomingMessage> {
  const name = node.metadata.name ?? '';
  const address = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!address || !port) throw serviceUnavailable(`node ${name} does not report a kubelet endpoint`);
  const secure = kubeletTls(kubelet) ? kubelet : undefined;
  return new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = secure
      ? https.get(
          {
            host: address,
            port,
            path,
            agent: false,
            rejectUnauthorized: secure.ca !== undefined,
            ...(secure.ca ? { ca: secure.ca } : {}),
            ...(secure.cert && secure.key ? { cert: secure.cert, key: secure.key } : {}),
          },
          resolve,
        )
      : http.get({ host: address, port, path }, resolve);
    req.on('error', (err) => reject(serviceUnavailable(`cannot reach the kubelet on ${name}: ${err.message}`)));
    ctx.req.on('close', () => req.destroy());
  });
}
