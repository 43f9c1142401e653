/**
 * Kubeconfig files for tests, the shape hack/lib/kubeconfig.sh writes: one cluster, one user,
 * one context. Over https the cluster's CA and the user's client certificate are embedded
 * (base64 data); over plain http TLS verification is switched off, because client libraries
 * (e.g. @kubernetes/client-node) refuse an http:// server without it.
 */
import { writeFileSync } from 'node:fs';

/** What a kubeconfig names: the server, and for https whom to trust and who the user is. */
export interface KubeconfigSpec {
  server: string;
  /** The user entry's name (default "kubestore-admin"). */
  user?: string;
  /** The context's namespace (default "default"). */
  namespace?: string;
  /** PEM CA of the server certificate (certificate-authority-data). */
  ca?: Buffer;
  /** PEM client certificate and key (client-certificate-data, client-key-data). */
  cert?: Buffer;
  key?: Buffer;
}

const b64 = (pem: Buffer): string => pem.toString('base64');

/** The kubeconfig YAML for `spec`. */
export function kubeconfigYaml(spec: KubeconfigSpec): string {
  const user = spec.user ?? 'kubestore-admin';
  const cluster = spec.ca
    ? [`    certificate-authority-data: ${b64(spec.ca)}`]
    : ['    insecure-skip-tls-verify: true'];
  const creds =
    spec.cert && spec.key
      ? [`    client-certificate-data: ${b64(spec.cert)}`, `    client-key-data: ${b64(spec.key)}`]
      : ['    {}'];
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: kubestore',
    '  cluster:',
    `    server: ${spec.server}`,
    ...cluster,
    'users:',
    `- name: ${JSON.stringify(user)}`,
    '  user:',
    ...creds,
    'contexts:',
    '- name: kubestore',
    '  context:',
    '    cluster: kubestore',
    `    user: ${JSON.stringify(user)}`,
    `    namespace: ${spec.namespace ?? 'default'}`,
    'current-context: kubestore',
    '',
  ].join('\n');
}

/** Writes the kubeconfig for `spec` to `file` (mode 0600: it may hold a private key). */
export function writeKubeconfigFile(file: string, spec: KubeconfigSpec): void {
  writeFileSync(file, kubeconfigYaml(spec), { mode: 0o600 });
}
