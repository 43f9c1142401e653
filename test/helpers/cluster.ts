/**
 * Starts a whole local cluster from the built binaries, as child processes: kube-apiserver on
 * the test etcd (unique key prefix), kube-controller-manager and (optionally) `numNodes`
 * kubelets on the one real dockerd, each on free loopback ports with its own temp directories
 * (a kubelet's root dir holds its node's local-volumes/, so "a volume on another node" is
 * elsewhere on disk); runs the real kubectl against it with a fresh --cache-dir.
 *
 * Nodes: one node is `nodeName` (node-<random>), process `kubelet`, root <dir>/kubelet; with
 * numNodes N > 1 they are `<nodeName>-1` … `-N` (nodeNames), processes `kubelet-<node>`, roots
 * <dir>/nodes/<node> (`kubeletName(node)`, `nodeRoot(node)`, `localVolumeRoot(node)`).
 *
 * Secure by default, as hack/local-up-cluster.sh: a CA in <dir>/pki, the apiserver on TLS with
 * --client-ca-file and --authorization-mode, an audit log (<dir>/audit.log), and each component
 * with its own identity and kubeconfig (kubectl: the admin, in system:masters). `plain: true`
 * is the apiserver's --port test mode instead (no TLS, no authentication or authorization).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { AuthorizationMode } from '../../pkg/apiserver/authorization/modes';
import { loadKubeconfig, type ClientConfig } from '../../pkg/client/config';
import { ClusterPki, adminUser } from './cluster_pki';
import { etcdEndpoints, uniquePrefix } from './etcd';
import { request } from './http';
import { tlsRequest, type TlsResponse } from './https';
import { writeKubeconfigFile } from './kubeconfig';
import { waitFor } from './wait';

const root = path.resolve(__dirname, '../../..');

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** Result of a kubectl run. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The --authorization-mode of secure test clusters (and the in-process kubectl harness), as local-up-cluster's. */
export const clusterAuthorizationModes: AuthorizationMode[] = [AuthorizationMode.Node, AuthorizationMode.RBAC];

/** Options of startCluster. */
export interface ClusterOptions {
  /** The apiserver's plain-HTTP --port test mode: no TLS, no authentication, no authorization. */
  plain?: boolean;
  /** --authorization-mode of a secure cluster (default clusterAuthorizationModes). */
  authorizationMode?: string;
  kubelet?: boolean;
  /** How many kubelets (nodes) `up()` starts when `kubelet` is set (default 1). */
  numNodes?: number;
  controllerManager?: boolean;
  /** Extra controller-manager flags. */
  cmFlags?: string[];
  /** Extra kube-apiserver flags. */
  apiFlags?: string[];
  /** Extra kubelet flags. */
  kubeletFlags?: string[];
  /** Extra environment for every component. */
  env?: Record<string, string>;
  /** etcd client URLs (default: the test etcd, ETCD_ENDPOINTS). */
  etcdEndpoints?: string[];
  /** Applies the upstream snapshot.storage.k8s.io CRDs (unmodified) with kubectl before the controller-manager starts, as hack/local-up-cluster.sh does. */
  snapshotCrds?: boolean;
}

/**
 * Where the three upstream external-snapshotter CRDs are, as hack/local-up-cluster.sh looks for
 * them: $SNAPSHOT_CRDS_DIR, else `../shared/upstream/external-snapshotter` beside the checkout,
 * else /work/shared/upstream/external-snapshotter.
 */
export const snapshotCrdDir =
  process.env.SNAPSHOT_CRDS_DIR ??
  [path.join(root, '../shared/upstream/external-snapshotter'), '/work/shared/upstream/external-snapshotter'].find((d) =>
    existsSync(d),
  ) ??
  '/work/shared/upstream/external-snapshotter';

/** A running test cluster. */
export class TestCluster {
  readonly procs = new Map<string, ChildProcess>();
  readonly dir: string;
  /** The admin's kubeconfig (what `kubectl()` uses). */
  readonly kubeconfig: string;
  /** The certificates (undefined for a plain cluster). */
  readonly pki?: ClusterPki;
  /** --audit-log-path of a secure cluster. */
  readonly auditLog: string;
  readonly prefix = uniquePrefix();
  /** Every node's name (see the file comment), and the first of them. */
  readonly nodeNames: readonly string[];
  readonly nodeName: string;
  readonly hostPathBase: string;
  readonly nfsExportRoot: string;
  /** The controller-manager's --provisioning-record-dir. */
  readonly recordDir: string;
  apiPort = 0;
  cmPort = 0;
  private readonly cacheDir: string;

  constructor(private readonly opts: ClusterOptions = {}) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'kubestore-e2e-'));
    this.kubeconfig = path.join(this.dir, 'kubeconfig');
    this.cacheDir = path.join(this.dir, 'kubectl-cache');
    this.hostPathBase = path.join(this.dir, 'volumes');
    this.nfsExportRoot = path.join(this.dir, 'nfs-export');
    this.recordDir = path.join(this.dir, 'kcm-records');
    this.auditLog = path.join(this.dir, 'audit.log');
    const base = `node-${Math.random().toString(36).slice(2, 8)}`;
    const n = opts.numNodes ?? 1;
    this.nodeNames = n === 1 ? [base] : Array.from({ length: n }, (_, i) => `${base}-${i + 1}`);
    this.nodeName = this.nodeNames[0] ?? base;
    mkdirSync(this.hostPathBase, { recursive: true });
    mkdirSync(this.nfsExportRoot, { recursive: true });
    if (!opts.plain) this.pki = new ClusterPki(path.join(this.dir, 'pki'), this.nodeName);
  }

  /** https://127.0.0.1:<secure port> (http://… for a plain cluster). */
  get url(): string {
    return `${this.pki ? 'https' : 'http'}://127.0.0.1:${this.apiPort}`;
  }

  /** One request to the apiserver as the admin (plainly on a plain cluster). */
  async request<T = Record<string, unknown>>(
    method: string,
    p: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<TlsResponse<T>> {
    if (this.pki)
      return tlsRequest<T>(this.url, this.pki.identity(this.pki.admin), method, p, {
        ...(body !== undefined ? { body } : {}),
        headers,
      });
    const r = await request<T>(this.url, method, p, body, headers);
    return { status: r.status, headers: Object.fromEntries(r.headers.entries()), body: r.body, text: r.text };
  }

  /** The admin's client settings (its kubeconfig: the CA and client certificate on a secure cluster). */
  clientConfig(): ClientConfig {
    return loadKubeconfig(this.kubeconfig);
  }

  /** The process name of `node`'s kubelet (`kubelet` for a one-node cluster). */
  kubeletName(node: string = this.nodeName): string {
    return this.nodeNames.length === 1 ? 'kubelet' : `kubelet-${node}`;
  }

  /** The --root-dir of `node`'s kubelet. */
  nodeRoot(node: string = this.nodeName): string {
    return this.nodeNames.length === 1 ? path.join(this.dir, 'kubelet') : path.join(this.dir, 'nodes', node);
  }

  /** The default --local-volume-roots of `node`'s kubelet (created by startKubelet). */
  localVolumeRoot(node: string = this.nodeName): string {
    return path.join(this.nodeRoot(node), 'local-volumes');
  }

  /** The kubelet kubeconfig of `node` (system:node:<node>; the admin's on a plain cluster). */
  private kubeletKubeconfig(node: string): string {
    if (!this.pki) return this.kubeconfig;
    return this.pki.kubeconfig(
      path.join(this.dir, `${this.kubeletName(node)}.kubeconfig`),
      this.url,
      `system:node:${node}`,
      this.pki.node(node).client,
    );
  }

  /** The controller-manager's kubeconfig: its own identity on a secure cluster, the admin's on a plain one. */
  private componentKubeconfig(): string {
    if (!this.pki) return this.kubeconfig;
    return this.pki.kubeconfig(
      path.join(this.dir, 'kube-controller-manager.kubeconfig'),
      this.url,
      'system:kube-controller-manager',
      this.pki.controllerManager,
    );
  }

  /** Writes a kubeconfig for another user (a client certificate CN=user, O=groups); returns its path. */
  userKubeconfig(user: string, groups: string[] = []): string {
    if (!this.pki) throw new Error('a plain cluster has no users');
    return this.pki.kubeconfig(path.join(this.dir, `${user}.kubeconfig`), this.url, user, this.pki.user(user, groups));
  }

  private env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      IS_NFS_SERVER: 'true',
      NFS_SERVER: 'localhost',
      NFS_EXPORT_ROOT: this.nfsExportRoot,
      LOG_LEVEL: 'debug',
      ...this.opts.env,
    };
  }

  /** Starts one component binary; its output goes to <dir>/<name>.log. */
  start(name: string, cmd: string, args: string[]): ChildProcess {
    const log = createWriteStream(path.join(this.dir, `${name}.log`), { flags: 'a' });
    const p = spawn(process.execPath, [path.join(root, 'dist/cmd', cmd, 'main.js'), ...args], {
      env: this.env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    p.stdout?.pipe(log);
    p.stderr?.pipe(log);
    this.procs.set(name, p);
    return p;
  }

  /** The tail of a component's log (for failure messages). */
  logTail(name: string, lines = 30): string {
    try {
      return readFileSync(path.join(this.dir, `${name}.log`), 'utf8')
        .split('\n')
        .slice(-lines)
        .join('\n');
    } catch {
      return '';
    }
  }

  /** The apiserver's serving, authentication and authorization flags. */
  private servingFlags(): string[] {
    const pki = this.pki;
    if (!pki) return [`--port=${this.apiPort}`, '--secure-port=0'];
    return [
      `--secure-port=${this.apiPort}`,
      `--tls-cert-file=${pki.apiserverServing.certFile}`,
      `--tls-private-key-file=${pki.apiserverServing.keyFile}`,
      `--client-ca-file=${pki.pki.caFile}`,
      `--authorization-mode=${this.opts.authorizationMode ?? clusterAuthorizationModes.join(',')}`,
      `--audit-log-path=${this.auditLog}`,
      `--kubelet-client-certificate=${pki.apiserverKubeletClient.certFile}`,
      `--kubelet-client-key=${pki.apiserverKubeletClient.keyFile}`,
      `--kubelet-certificate-authority=${pki.pki.caFile}`,
    ];
  }

  startApiServer(): ChildProcess {
    return this.start('kube-apiserver', 'kube-apiserver', [
      `--etcd-servers=${(this.opts.etcdEndpoints ?? etcdEndpoints()).join(',')}`,
      `--etcd-prefix=${this.prefix}`,
      ...this.servingFlags(),
      '--watch-bookmark-interval=5s',
      `--hostpath-base-dir=${this.hostPathBase}`,
      ...(this.opts.apiFlags ?? []),
    ]);
  }

  startControllerManager(name = 'kube-controller-manager', extra: string[] = []): ChildProcess {
    return this.start(name, 'kube-controller-manager', [
      `--kubeconfig=${this.componentKubeconfig()}`,
      `--port=0`,
      `--hostpath-base-dir=${this.hostPathBase}`,
      `--provisioning-record-dir=${this.recordDir}`,
      '--leader-elect=false',
      ...(this.opts.cmFlags ?? []),
      ...extra,
    ]);
  }

  /** Starts the kubelet of `node` (default: the first), its local-volumes/ root made first. */
  startKubelet(node: string = this.nodeName): ChildProcess {
    const pki = this.pki;
    const servingCert = pki?.node(node).serving;
    // The kubelet's server: TLS, clients authenticated by the CA or a TokenReview, authorized by a SubjectAccessReview.
    const serving =
      pki && servingCert
        ? [
            `--tls-cert-file=${servingCert.certFile}`,
            `--tls-private-key-file=${servingCert.keyFile}`,
            `--client-ca-file=${pki.pki.caFile}`,
            '--authentication-token-webhook',
            '--authorization-mode=Webhook',
          ]
        : [];
    mkdirSync(this.localVolumeRoot(node), { recursive: true });
    return this.start(this.kubeletName(node), 'kubelet', [
      `--kubeconfig=${this.kubeletKubeconfig(node)}`,
      `--node-name=${node}`,
      `--root-dir=${this.nodeRoot(node)}`,
      '--port=0',
      '--node-status-update-frequency=2s',
      ...serving,
      ...(this.opts.kubeletFlags ?? []),
    ]);
  }

  /** Waits until `node`'s Node object is Ready. */
  async waitNodeReady(node: string = this.nodeName): Promise<void> {
    await waitFor(
      async () => {
        const r = await this.kubectl([
          'get',
          'node',
          node,
          '-o',
          'jsonpath={.status.conditions[?(@.type=="Ready")].status}',
        ]);
        return r.stdout === 'True';
      },
      30_000,
      `node ${node} Ready\n${this.logTail(this.kubeletName(node))}`,
    );
  }

  /** Starts the components and waits until the apiserver is ready (and the node, with a kubelet). */
  async up(): Promise<void> {
    this.apiPort = await freePort();
    if (this.pki) this.pki.kubeconfig(this.kubeconfig, this.url, adminUser, this.pki.admin);
    else writeKubeconfigFile(this.kubeconfig, { server: this.url });
    this.startApiServer();
    await waitFor(
      async () => (await this.request('GET', '/readyz').catch(() => undefined))?.status === 200,
      30_000,
      `apiserver ready\n${this.logTail('kube-apiserver')}`,
    );
    if (this.opts.snapshotCrds) await this.applySnapshotCrds();
    if (this.opts.controllerManager !== false) this.startControllerManager();
    if (this.opts.kubelet) {
      for (const node of this.nodeNames) this.startKubelet(node);
      for (const node of this.nodeNames) await this.waitNodeReady(node);
    }
  }

  /** `kubectl apply` of the upstream snapshot CRDs, then waits until they are Established (idempotent). */
  async applySnapshotCrds(): Promise<void> {
    await this.ok(['apply', '-f', snapshotCrdDir]);
    await this.ok([
      'wait',
      '--for=condition=Established',
      '--timeout=30s',
      ...['volumesnapshotclasses', 'volumesnapshotcontents', 'volumesnapshots'].map(
        (r) => `crd/${r}.snapshot.storage.k8s.io`,
      ),
    ]);
  }

  /** Runs the real kubectl against this cluster (as the admin, or with another user's `kubeconfig`). */
  kubectl(args: string[], input?: string, kubeconfig = this.kubeconfig): Promise<KubectlResult> {
    return new Promise((resolve) => {
      const child = execFile(
        'kubectl',
        [`--kubeconfig=${kubeconfig}`, `--cache-dir=${this.cacheDir}`, ...args],
        { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err
            ? typeof (err as { code?: unknown }).code === 'number'
              ? (err as { code: number }).code
              : 1
            : 0;
          resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() });
        },
      );
      if (input !== undefined) child.stdin?.end(input);
    });
  }

  /** Runs kubectl and fails with its output unless it exits 0. */
  async ok(args: string[], input?: string, kubeconfig = this.kubeconfig): Promise<string> {
    const r = await this.kubectl(args, input, kubeconfig);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  /** Waits until `kubectl get … -o jsonpath=…` prints `want`. */
  async waitJsonpath(args: string[], jsonpath: string, want: string | RegExp, timeoutMs = 60_000): Promise<string> {
    let last = '';
    await waitFor(
      async () => {
        const r = await this.kubectl([...args, '-o', `jsonpath=${jsonpath}`]);
        last = r.stdout || r.stderr;
        return typeof want === 'string' ? r.stdout === want : want.test(r.stdout);
      },
      timeoutMs,
      () => `kubectl ${args.join(' ')} ${jsonpath} = ${String(want)} (last: ${last})`,
    );
    return last;
  }

  /** Kills a component (SIGKILL) and waits for it to exit. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const p = this.procs.get(name);
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill(signal);
    });
    this.procs.delete(name);
  }

  /** Stops every component (the kubelets first, with SIGTERM). */
  async down(): Promise<void> {
    for (const name of [...this.procs.keys()].reverse()) await this.kill(name, 'SIGTERM');
  }
}

/** Deletes every pod's containers a kubelet left (by the node label) — e2e cleanup. */
export async function removeNodeContainers(nodeName: string): Promise<void> {
  await new Promise<void>((resolve) => {
    execFile('sh', ['-c', `docker ps -aq --filter label=io.kubestore.node=${nodeName} | xargs -r docker rm -f`], () =>
      resolve(),
    );
  });
}
