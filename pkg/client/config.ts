/**
 * Where and how a client talks to the apiserver: from `--master URL` or a kubeconfig file
 * (the current context's cluster and user): the server, the CA that signs its certificate,
 * and the user's credentials (a client certificate and key, or a bearer token).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load, JSON_SCHEMA } from 'js-yaml';

/** TLS settings of a client (PEM). */
export interface ClientTls {
  /** CAs that sign the server's certificate; default Node's bundled roots. */
  ca?: Buffer;
  /** A client certificate and its key (x509 authentication). */
  cert?: Buffer;
  key?: Buffer;
  /** Accept any server certificate (kubeconfig insecure-skip-tls-verify). */
  insecureSkipVerify?: boolean;
  /** The name the server certificate must carry, when not the URL's host (kubeconfig tls-server-name). */
  serverName?: string;
}

/** Connection settings of a client. */
export interface ClientConfig {
  /** http(s)://host:port of the apiserver. */
  server: string;
  bearerToken?: string;
  tls?: ClientTls;
  /** Sustained requests per second (default 50); 0 disables client-side limiting. */
  qps?: number;
  /** Burst above qps (default 100). */
  burst?: number;
  /** Per-request timeout in ms for non-watch requests (default 30 s). */
  timeoutMs?: number;
  userAgent?: string;
}

interface KubeconfigCluster {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
}

interface KubeconfigUser {
  token?: string;
  tokenFile?: string;
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
}

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: { name: string; context: { cluster: string; user?: string } }[];
  clusters?: { name: string; cluster: KubeconfigCluster }[];
  users?: { name: string; user?: KubeconfigUser }[];
}

/** A PEM from inline base64 data or a file (relative paths are relative to the kubeconfig). */
function pem(base: string, data: string | undefined, file: string | undefined, what: string): Buffer | undefined {
  if (data) return Buffer.from(data, 'base64');
  if (!file) return undefined;
  const p = path.resolve(base, file);
  try {
    return readFileSync(p);
  } catch (err) {
    throw new Error(`cannot read ${what} ${p}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Reads a kubeconfig; throws an Error with one readable line when it is unusable. */
export function loadKubeconfig(file: string): ClientConfig {
  let doc: KubeconfigFile;
  try {
    doc = (load(readFileSync(file, 'utf8'), { schema: JSON_SCHEMA }) ?? {}) as KubeconfigFile;
  } catch (err) {
    throw new Error(`cannot read kubeconfig ${file}: ${(err as Error).message.split('\n')[0] ?? ''}`);
  }
  const base = path.dirname(path.resolve(file));
  const ctxName = doc['current-context'] ?? doc.contexts?.[0]?.name;
  const context = doc.contexts?.find((c) => c.name === ctxName)?.context;
  const cluster = doc.clusters?.find((c) => c.name === context?.cluster)?.cluster ?? doc.clusters?.[0]?.cluster;
  if (!cluster?.server) throw new Error(`kubeconfig ${file} names no cluster server`);
  const user = doc.users?.find((u) => u.name === context?.user)?.user ?? {};
  const tokenFile = pem(base, undefined, user.tokenFile, 'token file');
  const token = user.token ?? tokenFile?.toString('utf8').trim();
  const ca = pem(
    base,
    cluster['certificate-authority-data'],
    cluster['certificate-authority'],
    'certificate authority',
  );
  const cert = pem(base, user['client-certificate-data'], user['client-certificate'], 'client certificate');
  const key = pem(base, user['client-key-data'], user['client-key'], 'client key');
  if (Boolean(cert) !== Boolean(key))
    throw new Error(`kubeconfig ${file}: a client certificate needs its key and a key its certificate`);
  const tls: ClientTls = {
    ...(ca ? { ca } : {}),
    ...(cert && key ? { cert, key } : {}),
    ...(cluster['insecure-skip-tls-verify'] ? { insecureSkipVerify: true } : {}),
    ...(cluster['tls-server-name'] ? { serverName: cluster['tls-server-name'] } : {}),
  };
  return {
    server: cluster.server.replace(/\/$/, ''),
    ...(token ? { bearerToken: token } : {}),
    ...(Object.keys(tls).length ? { tls } : {}),
  };
}

/** Client config from `--kubeconfig` or `--master` (kubeconfig wins when both are given). */
export function configFromFlags(kubeconfig: string, master: string): ClientConfig {
  if (kubeconfig) return loadKubeconfig(kubeconfig);
  if (master) return { server: master.replace(/\/$/, '') };
  throw new Error('one of --kubeconfig or --master is required');
}
