/**
 * pods/exec, pods/attach and pods/portforward: the apiserver checks the request (the pod, its
 * container, that it is scheduled and not finished; Kubernetes' 400s word for word), then
 * proxies the upgrade to the kubelet of the pod's node and pipes the two sockets together, as
 * kube-apiserver's upgrade-aware proxy does. It does not read the stream: whatever the client
 * and the kubelet negotiated (v5/v4 channel WebSockets, SPDY over a WebSocket) passes through.
 * A kubelet answer other than 101 (its 400/404 Status) is relayed as the response.
 */
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { Context } from 'koa';
import type { Pod } from '../../api/core/v1';
import { badRequest, serviceUnavailable, StatusError } from '../../api/errors';
import { StatusReason } from '../../api/meta';
import type { Stored } from '../../api/stored';
import { isUpgrade, takeUpgrade } from '../../util/httpupgrade/upgrade';
import type { Store } from '../registry/store';
import type { RequestInfo } from '../request_info';
import {
  type KubeletClientConfig,
  type KubeletEndpoint,
  kubeletEndpoint,
  kubeletTls,
  kubeletTlsOptions,
} from './kubelet_dial';

/** The streaming subresources. */
export const StreamKind = { Exec: 'exec', Attach: 'attach', PortForward: 'portforward' } as const;
export type StreamKind = (typeof StreamKind)[keyof typeof StreamKind];

/** Query parameters passed on to the kubelet. */
const passThrough: Record<StreamKind, readonly string[]> = {
  exec: ['command', 'stdin', 'stdout', 'stderr', 'tty'],
  attach: ['stdin', 'stdout', 'stderr', 'tty'],
  portforward: ['ports'],
};

/** Request headers an upgrade needs at the kubelet (never the client's credentials). */
const upgradeHeaders = [
  'connection',
  'upgrade',
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-protocol',
  'sec-websocket-extensions',
  'x-stream-protocol-version',
];

/** The container a stream targets: the named one, or the pod's only one. */
export function streamContainer(pod: Pod, requested: string | undefined): string {
  const name = pod.metadata.name ?? '';
  if (requested) {
    if (!pod.spec.containers.some((c) => c.name === requested))
      throw badRequest(`container ${requested} is not valid for pod ${name}`);
    return requested;
  }
  const only = pod.spec.containers.length === 1 ? pod.spec.containers[0]?.name : undefined;
  if (!only)
    throw badRequest(
      `a container name must be specified for pod ${name}, choose one of: [${pod.spec.containers.map((c) => c.name).join(' ')}]`,
    );
  return only;
}

/** Kubernetes' refusal of a stream into a pod that is not scheduled or has finished. */
export function checkStreamable(pod: Pod, kind: StreamKind): void {
  const name = pod.metadata.name ?? '';
  if (!pod.spec.nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
  const phase = pod.status?.phase;
  if (phase !== 'Succeeded' && phase !== 'Failed') return;
  if (kind === StreamKind.Exec)
    throw badRequest(`cannot exec into a container in a completed pod; current phase is ${phase}`);
  if (kind === StreamKind.Attach)
    throw badRequest(`cannot attach a container in a completed pod; current phase is ${phase}`);
  throw badRequest(`unable to forward port because pod is not running. Current status=${phase}`);
}

function kubeletPath(kind: StreamKind, pod: Pod, container: string, ctx: Context): string {
  const q = new URLSearchParams();
  for (const k of passThrough[kind]) {
    const v = ctx.query[k];
    for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) q.append(k, one);
  }
  const ns = encodeURIComponent(pod.metadata.namespace ?? '');
  const name = encodeURIComponent(pod.metadata.name ?? '');
  const target = kind === StreamKind.PortForward ? '' : `/${encodeURIComponent(container)}`;
  return `/${kind}/${ns}/${name}${target}?${q.toString()}`;
}

/** Writes the kubelet's 101 answer to the client and splices the sockets. */
function splice(client: Duplex, clientHead: Buffer, res: http.IncomingMessage, upstream: Duplex, head: Buffer): void {
  const lines = [`HTTP/1.1 ${res.statusCode ?? 101} ${res.statusMessage ?? 'Switching Protocols'}`];
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) lines.push(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}`);
  client.write(`${lines.join('\r\n')}\r\n\r\n`);
  if (head.length > 0) client.write(head);
  if (clientHead.length > 0) upstream.write(clientHead);
  upstream.pipe(client);
  client.pipe(upstream);
  const close = (): void => {
    client.destroy();
    upstream.destroy();
  };
  client.on('close', close);
  upstream.on('close', close);
  client.on('error', close);
  upstream.on('error', close);
}

/** Proxies the upgrade request to the kubelet; resolves once it answered. */
function proxyUpgrade(ctx: Context, target: KubeletEndpoint & { path: string; secure?: KubeletClientConfig }) {
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const h of upgradeHeaders) {
    const v = ctx.req.headers[h];
    if (typeof v === 'string') headers[h] = v;
    else if (Array.isArray(v)) headers[h] = v.join(', ');
  }
  const options = {
    host: target.host,
    port: target.port,
    path: target.path,
    method: ctx.method,
    headers,
    agent: false,
  };
  return new Promise<void>((resolve, reject) => {
    const req = target.secure
      ? https.request({ ...options, ...kubeletTlsOptions(target.secure) })
      : http.request(options);
    req.on('upgrade', (res, upstream, head) => {
      const taken = takeUpgrade(ctx.req);
      if (!taken) {
        upstream.destroy();
        reject(badRequest('Upgrade request required'));
        return;
      }
      ctx.status = 101;
      ctx.respond = false;
      splice(taken.socket, taken.head, res, upstream, head);
      resolve();
    });
    req.on('response', (res) => {
      ctx.status = res.statusCode ?? 502;
      ctx.type = res.headers['content-type'] ?? 'application/json';
      ctx.body = res;
      resolve();
    });
    req.on('error', (err) => reject(serviceUnavailable(`cannot reach the kubelet: ${err.message}`)));
    req.end();
  });
}

/** Serves one streaming subresource, reaching kubelets as `kubelet` says. */
export function podStream(kind: StreamKind, nodes: () => Store, kubelet?: KubeletClientConfig) {
  const secure = kubeletTls(kubelet) ? kubelet : undefined;
  return async (ctx: Context, info: RequestInfo, pods: Store): Promise<void> => {
    if (info.verb !== 'get' && info.verb !== 'create')
      throw new StatusError(405, StatusReason.MethodNotAllowed, `pods/${kind} only supports GET and POST`);
    const pod = (await pods.get(info.namespace, info.name ?? '')) as Stored<Pod, 'Namespaced'>;
    const requested = ctx.query.container;
    const container =
      kind === StreamKind.PortForward ? '' : streamContainer(pod, Array.isArray(requested) ? requested[0] : requested);
    checkStreamable(pod, kind);
    if (!isUpgrade(ctx.req)) throw badRequest('Upgrade request required');
    const endpoint = await kubeletEndpoint(nodes(), pod);
    await proxyUpgrade(ctx, {
      ...endpoint,
      path: kubeletPath(kind, pod, container, ctx),
      ...(secure ? { secure } : {}),
    });
  };
}
