/**
 * Where and how a client talks to the apiserver: from `--master URL` or a kubeconfig file
 * (the current context's cluster server and, if present, a bearer token).
 */
import { readFileSync } from 'node:fs';
import { load, JSON_SCHEMA } from 'js-yaml';

/** Connection settings of a client. */
export interface ClientConfig {
  /** http://host:port of the apiserver. */
  server: string;
  bearerToken?: string;
  /** Sustained requests per second (default 50); 0 disables client-side limiting. */
  qps?: number;
  /** Burst above qps (default 100). */
  burst?: number;
  /** Per-request timeout in ms for non-watch requests (default 30 s). */
  timeoutMs?: number;
  userAgent?: string;
}

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: { name: string; context: { cluster: string; user?: string } }[];
  clusters?: { name: string; cluster: { server: string } }[];
  users?: { name: string; user?: { token?: string } }[];
}

/** Reads a kubeconfig; throws an Error with one readable line when it is unusable. */
export function loadKubeconfig(path: string): ClientConfig {
  let doc: KubeconfigFile;
  try {
    doc = (load(readFileSync(path, 'utf8'), { schema: JSON_SCHEMA }) ?? {}) as KubeconfigFile;
  } catch (err) {
    throw new Error(`cannot read kubeconfig ${path}: ${(err as Error).message.split('\n')[0] ?? ''}`);
  }
  const ctxName = doc['current-context'] ?? doc.contexts?.[0]?.name;
  const context = doc.contexts?.find((c) => c.name === ctxName)?.context;
  const cluster = doc.clusters?.find((c) => c.name === context?.cluster)?.cluster ?? doc.clusters?.[0]?.cluster;
  if (!cluster?.server) throw new Error(`kubeconfig ${path} names no cluster server`);
  const token = doc.users?.find((u) => u.name === context?.user)?.user?.token;
  return { server: cluster.server.replace(/\/$/, ''), ...(token ? { bearerToken: token } : {}) };
}

/** Client config from `--kubeconfig` or `--master` (kubeconfig wins when both are given). */
export function configFromFlags(kubeconfig: string, master: string): ClientConfig {
  if (kubeconfig) return loadKubeconfig(kubeconfig);
  if (master) return { server: master.replace(/\/$/, '') };
  throw new Error('one of --kubeconfig or --master is required');
}
