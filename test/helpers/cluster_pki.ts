/**
 * The certificates of a secure test cluster, one identity per component exactly as
 * hack/local-up-cluster.sh makes them (same hack/lib/pki.sh recipe): the apiserver's and the
 * kubelet's serving certificates, and client certificates for the admin (system:masters), the
 * controller-manager, the kubelet (system:node:<name> in system:nodes) and the apiserver's
 * client of the kubelet. More users (e.g. alice) are added with `user()`, more nodes' kubelet
 * identities (serving + system:node:<name>) with `node()`.
 */
import { Groups, nodeUserPrefix, Users } from '../../pkg/apiserver/authentication/user';
import type { TlsIdentity } from './https';
import { writeKubeconfigFile } from './kubeconfig';
import { TestPki, type CertPair } from './pki';

/** The admin's user name (CN), as hack/local-up-cluster.sh names it. */
export const adminUser = 'kubestore-admin';
/** The apiserver's identity towards kubelets (kubeadm's name and group). */
export const apiserverKubeletClientUser = 'kube-apiserver-kubelet-client';

/** A cluster's CA and its components' certificates, in `dir`. */
export class ClusterPki {
  readonly pki: TestPki;
  readonly apiserverServing: CertPair;
  readonly kubeletServing: CertPair;
  readonly admin: CertPair;
  readonly controllerManager: CertPair;
  readonly kubelet: CertPair;
  readonly apiserverKubeletClient: CertPair;
  private readonly nodes = new Map<string, { serving: CertPair; client: CertPair }>();

  constructor(
    readonly dir: string,
    readonly nodeName: string,
  ) {
    this.pki = new TestPki(dir);
    this.apiserverServing = this.pki.serving('kube-apiserver');
    this.kubeletServing = this.pki.serving(`kubelet-serving-${nodeName}`, [`DNS:${nodeName}`]);
    this.admin = this.pki.client('admin', adminUser, [Groups.Masters]);
    this.controllerManager = this.pki.client('kube-controller-manager', Users.KubeControllerManager);
    this.kubelet = this.pki.client(`kubelet-${nodeName}`, `${nodeUserPrefix}${nodeName}`, [Groups.Nodes]);
    this.apiserverKubeletClient = this.pki.client(apiserverKubeletClientUser, apiserverKubeletClientUser, [
      Groups.Masters,
    ]);
  }

  /** The serving certificate and client identity (system:node:<name> in system:nodes) of node `name`. */
  node(name: string): { serving: CertPair; client: CertPair } {
    if (name === this.nodeName) return { serving: this.kubeletServing, client: this.kubelet };
    let made = this.nodes.get(name);
    if (!made) {
      made = {
        serving: this.pki.serving(`kubelet-serving-${name}`, [`DNS:${name}`]),
        client: this.pki.client(`kubelet-${name}`, `${nodeUserPrefix}${name}`, [Groups.Nodes]),
      };
      this.nodes.set(name, made);
    }
    return made;
  }

  /** A client certificate for `user` in `groups` (CN = user, one O per group). */
  user(user: string, groups: string[] = []): CertPair {
    const name = ['user', user, ...groups].join('-').replace(/[^a-zA-Z0-9-]/g, '_');
    return this.pki.client(name, user, groups);
  }

  /** The TLS identity of `pair` (default: no client certificate), trusting this CA. */
  identity(pair?: CertPair): TlsIdentity {
    return { ca: this.pki.ca, ...(pair ? { cert: pair.cert, key: pair.key } : {}) };
  }

  /** Writes a kubeconfig `file` for `server` authenticating with `pair`; returns `file`. */
  kubeconfig(file: string, server: string, user: string, pair: CertPair): string {
    writeKubeconfigFile(file, { server, user, ca: this.pki.ca, cert: pair.cert, key: pair.key });
    return file;
  }
}
