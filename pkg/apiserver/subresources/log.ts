/**
 * GET pods/{name}/log: proxies to the kubelet of the pod's node (its InternalIP and
 * daemonEndpoints.kubeletEndpoint.Port), streaming the answer, so `kubectl logs [-f]` works.
 *
 * How the kubelet is reached is the apiserver's configuration, not the Node's (a node cannot
 * talk the apiserver down to plain HTTP): with any of --kubelet-client-certificate/-key or
 * --kubelet-certificate-authority every kubelet is reached over HTTPS, presenting the client
 * certificate (the kubelet authenticates it and asks for nodes/log), and verifying the kubelet's
 * serving certificate against the CA for the Node's InternalIP. Without the CA the serving
 * certificate is not verified, as kube-apiserver does without --kubelet-certificate-authority.
 * Without any of them kubelets are reached over plain HTTP (the kubelet's loopback test mode).
 */
import http from 'node:http';
import https from 'node:https';
import type { Context } from 'koa';
import type { Pod } from '../../api/core/v1';
import { badRequest, serviceUnavailable, StatusError } from '../../api/errors';
import { StatusReason } from '../../api/meta';
import type { Stored } from '../../api/stored';
import type { Store } from '../registry/store';
import type { RequestInfo } from '../request_info';
import { kubeletEndpoint, kubeletTlsOptions } from './kubelet_client';

const passThrough = ['container', 'follow', 'previous', 'tailLines', 'timestamps', 'sinceSeconds', 'limitBytes'];

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

/** Serves pods/log using the nodes store to find the kubelet. */
export function podLog(nodes: () => Store, kubelet?: KubeletClientConfig) {
  const secure = kubeletTls(kubelet) ? kubelet : undefined;
  return async (ctx: Context, info: RequestInfo, pods: Store): Promise<void> => {
    if (info.verb !== 'get') throw new StatusError(405, StatusReason.MethodNotAllowed, 'pods/log only supports GET');
    const pod = (await pods.get(info.namespace, info.name ?? '')) as Stored<Pod, 'Namespaced'>;
    const containerQuery = ctx.query.container;
    const container =
      (Array.isArray(containerQuery) ? containerQuery[0] : containerQuery) ??
      (pod.spec.containers.length === 1 ? pod.spec.containers[0]?.name : undefined);
    if (!container) {
      throw badRequest(
        `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${pod.spec.containers.map((c) => c.name).join(' ')}]`,
      );
    }
    if (!pod.spec.nodeName) throw badRequest(`pod ${pod.metadata.name} is not scheduled to a node yet`);
    const { host: address, port } = await kubeletEndpoint(nodes(), pod);
    const q = new URLSearchParams();
    for (const k of passThrough) {
      const v = ctx.query[k];
      if (typeof v === 'string' && k !== 'container') q.set(k, v);
    }
    const path = `/containerLogs/${encodeURIComponent(pod.metadata.namespace)}/${encodeURIComponent(pod.metadata.name)}/${encodeURIComponent(container)}?${q.toString()}`;
    const upstream = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = secure
        ? https.get(
            {
              host: address,
              port,
              path,
              agent: false,
              ...kubeletTlsOptions(secure),
            },
            resolve,
          )
        : http.get({ host: address, port, path }, resolve);
      req.on('error', (err) =>
        reject(serviceUnavailable(`cannot reach the kubelet on ${pod.spec.nodeName ?? ''}: ${err.message}`)),
      );
      ctx.req.on('close', () => req.destroy());
    });
    ctx.status = upstream.statusCode ?? 502;
    ctx.type = upstream.headers['content-type'] ?? 'text/plain';
    ctx.body = upstream;
  };
}
