/**
 * How the apiserver reaches the kubelet of a pod's node (pods/log, exec, attach, portforward):
 * the Node's InternalIP and daemonEndpoints.kubeletEndpoint.Port, over HTTPS with the
 * apiserver's kubelet client certificate when one is configured (see log.ts for the rules).
 */
import type { RequestOptions } from 'node:https';
import type { Node, Pod } from '../../api/core/v1';
import { serviceUnavailable } from '../../api/errors';
import type { Store } from '../registry/store';
import type { KubeletClientConfig } from './log';

/** Where a node's kubelet listens. */
export interface KubeletEndpoint {
  host: string;
  port: number;
}

/** The kubelet endpoint of the (scheduled) pod's node; 503 when the node reports none. */
export async function kubeletEndpoint(nodes: Store, pod: Pod): Promise<KubeletEndpoint> {
  const nodeName = pod.spec.nodeName ?? '';
  const node = (await nodes.get(undefined, nodeName)) as Node;
  const host = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
  if (!host || !port) throw serviceUnavailable(`node ${nodeName} does not report a kubelet endpoint`);
  return { host, port };
}

/** The TLS options of a request to a kubelet (client certificate, and the CA when given). */
export function kubeletTlsOptions(secure: KubeletClientConfig): RequestOptions {
  return {
    rejectUnauthorized: secure.ca !== undefined,
    ...(secure.ca ? { ca: secure.ca } : {}),
    ...(secure.cert && secure.key ? { cert: secure.cert, key: secure.key } : {}),
  };
}
