/**
 * The kubectl e2e harness: a real etcd (ETCD_ENDPOINTS when hack/test.sh provides one, else
 * /usr/bin/etcd started here on free loopback ports), an in-process ApiServer on a free port,
 * secure as a test cluster (TLS, x509 client certificates, the cluster's authorization modes),
 * an admin kubeconfig (system:masters), and the real kubectl run with a fresh --cache-dir. Long-running kubectl
 * commands (`get -w`, `delete` waiting on finalizers) are spawned and read line by line with
 * deadlines.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ClientConfig } from '../../../pkg/client/config';
import { silentLogger } from '../../../pkg/log/logger';
import { StorageObjectInUseProtection } from '../../../pkg/apiserver/admission/storage_object_in_use_protection';
import { ApiServer } from '../../../pkg/apiserver/server';
import { Groups } from '../../../pkg/apiserver/authentication/user';
import { uniquePrefix } from '../../helpers/etcd';
import { clusterAuthorizationModes, freePort } from '../../helpers/cluster';
import { adminUser } from '../../helpers/cluster_pki';
import { tlsRequest, type TlsIdentity, type TlsResponse } from '../../helpers/https';
import { writeKubeconfigFile } from '../../helpers/kubeconfig';
import { TestPki } from '../../helpers/pki';
import { waitFor } from '../../helpers/wait';

/** The outcome of one kubectl run. */
export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Why the suite cannot run here, or undefined when it can. */
export function missingTools(): string | undefined {
  if (spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status !== 0)
    return 'kubectl is not installed';
  if (!process.env.ETCD_ENDPOINTS && spawnSync('etcd', ['--version'], { encoding: 'utf8' }).status !== 0)
    return 'etcd is not installed and ETCD_ENDPOINTS is unset';
  return undefined;
}

/** An etcd for the suite: the shared one, or a private one this process started. */
async function startEtcd(dir: string): Promise<{ endpoints: string[]; proc?: ChildProcess }> {
  const shared = (process.env.ETCD_ENDPOINTS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (shared.length > 0) return { endpoints: shared };
  const [client, peer] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${client}`;
  const proc = spawn(
    'etcd',
    [
      `--data-dir=${path.join(dir, 'etcd')}`,
      `--listen-client-urls=${url}`,
      `--advertise-client-urls=${url}`,
      `--listen-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-cluster=default=http://127.0.0.1:${peer}`,
    ],
    { stdio: 'ignore' },
  );
  await waitFor(
    async () =>
      await fetch(`${url}/health`)
        .then((r) => r.ok)
        .catch(() => false),
    20_000,
    `etcd on ${url}`,
  );
  return { endpoints: [url], proc };
}

/** A kubectl command left running; its stdout is collected line by line. */
export class RunningKubectl {
  readonly lines: string[] = [];
  stderr = '';
  private buffered = '';
  readonly exited: Promise<number>;

  constructor(private readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      this.buffered += chunk;
      const parts = this.buffered.split('\n');
      this.buffered = parts.pop() ?? '';
      this.lines.push(...parts);
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => (this.stderr += chunk));
    // 'close', not 'exit': stdout may still hold unread lines when the process has exited.
    this.exited = new Promise((resolve) => child.once('close', (code) => resolve(code ?? 1)));
  }

  /** True while the command runs. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits for a stdout line matching `re` (after the first `from` lines); returns it. */
  async line(re: RegExp, timeoutMs = 15_000, from = 0): Promise<string> {
    let found: string | undefined;
    await waitFor(
      () => (found = this.lines.slice(from).find((l) => re.test(l))) !== undefined,
      timeoutMs,
      () => `a kubectl line matching ${String(re)}; got:\n${this.lines.join('\n')}\n${this.stderr}`,
    );
    return found ?? '';
  }

  /** Ends the command (SIGTERM) and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.running) this.child.kill('SIGTERM');
    await this.exited;
  }
}

/** etcd + apiserver + kubeconfig for one test file. */
export class KubectlHarness {
  private constructor(
    readonly server: ApiServer,
    readonly dir: string,
    private readonly kubeconfig: string,
    private readonly cacheDir: string,
    private readonly admin: TlsIdentity,
    private readonly pki: TestPki,
    private readonly etcd?: ChildProcess,
  ) {}

  /** A client configuration of this apiserver as `user` (a client certificate signed by its CA). */
  clientConfig(user: string, groups: string[] = []): ClientConfig {
    const pair = this.pki.client(user.replace(/[^A-Za-z0-9-]/g, '-'), user, groups);
    return { server: this.server.secureUrl, tls: { ca: this.pki.ca, cert: pair.cert, key: pair.key }, qps: 0 };
  }

  /** Starts everything and waits for the apiserver to be ready. */
  static async start(): Promise<KubectlHarness> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kubestore-kubectl-'));
    const { endpoints, proc } = await startEtcd(dir);
    const pki = new TestPki(path.join(dir, 'pki'));
    const serving = pki.serving('kube-apiserver');
    const admin = pki.client('admin', adminUser, [Groups.Masters]);
    // No controller-manager here: without it, protection finalizers would hold every deleted claim.
    const server = new ApiServer({
      etcdServers: endpoints,
      etcdPrefix: uniquePrefix(),
      bindAddress: '127.0.0.1',
      secure: { port: 0, cert: serving.cert, key: serving.key, clientCA: pki.ca },
      authorizationModes: clusterAuthorizationModes,
      logger: silentLogger(),
      disableAdmissionPlugins: [StorageObjectInUseProtection],
    });
    await server.start();
    await server.waitReady(30_000);
    const kubeconfig = path.join(dir, 'kubeconfig');
    writeKubeconfigFile(kubeconfig, {
      server: server.secureUrl,
      user: adminUser,
      ca: pki.ca,
      cert: admin.cert,
      key: admin.key,
    });
    return new KubectlHarness(
      server,
      dir,
      kubeconfig,
      path.join(dir, 'cache'),
      { ca: pki.ca, cert: admin.cert, key: admin.key },
      pki,
      proc,
    );
  }

  /** One raw request to the apiserver as the admin (what kubectl never sends). */
  request<T = Record<string, unknown>>(
    method: string,
    p: string,
    body?: string,
    headers: Record<string, string> = {},
  ): Promise<TlsResponse<T>> {
    return tlsRequest<T>(this.server.secureUrl, this.admin, method, p, {
      ...(body !== undefined ? { body } : {}),
      headers,
    });
  }

  private args(args: readonly string[]): string[] {
    return [`--kubeconfig=${this.kubeconfig}`, `--cache-dir=${this.cacheDir}`, ...args];
  }

  /** Runs kubectl to completion; `input` is its stdin (for `-f -`). */
  kubectl(args: readonly string[], input?: string): Promise<KubectlResult> {
    return new Promise((resolve) => {
      const child = execFile(
        'kubectl',
        this.args(args),
        { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err
            ? typeof (err as { code?: unknown }).code === 'number'
              ? (err as { code: number }).code
              : 1
            : 0;
          resolve({ code, stdout: String(stdout), stderr: String(stderr) });
        },
      );
      child.stdin?.end(input ?? '');
    });
  }

  /** Runs kubectl and returns its stdout; fails with its output unless it exits 0. */
  async ok(args: readonly string[], input?: string): Promise<string> {
    const r = await this.kubectl(args, input);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  /** Starts a kubectl command that keeps running (`get -w`, a waiting `delete`). */
  spawn(args: readonly string[]): RunningKubectl {
    return new RunningKubectl(spawn('kubectl', this.args(args), { stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  /** Stops the apiserver (and the private etcd) and removes the temp directory. */
  async stop(): Promise<void> {
    await this.server.stop();
    if (this.etcd && this.etcd.exitCode === null) {
      const exited = new Promise((resolve) => this.etcd?.once('exit', resolve));
      this.etcd.kill('SIGTERM');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Splits kubectl's table output into rows of whitespace-separated cells (header first). */
export function tableRows(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => l.trim().split(/\s{2,}/));
}

/** YAML manifests used across the kubectl tests. */
export const manifests = {
  namespace: (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`,
  pvc: (name: string, ns: string, extra = '') =>
    `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  labels:\n    app: store\n${extra}spec:\n  accessModes: [ReadWriteOnce]\n  storageClassName: hostPath\n  resources:\n    requests:\n      storage: 1Gi\n`,
  pv: (name: string) =>
    `apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: ${name}\n  labels:\n    tier: gold\nspec:\n  capacity:\n    storage: 5Gi\n  accessModes: [ReadWriteOnce, ReadOnlyMany]\n  persistentVolumeReclaimPolicy: Retain\n  storageClassName: manual\n  hostPath:\n    path: /tmp/kubestore-e2e/${name}\n`,
  pod: (name: string, ns: string, claim: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  labels:\n    app: web\nspec:\n  containers:\n  - name: main\n    image: busybox\n    command: [sleep, "3600"]\n    env:\n    - name: A\n      value: "1"\n    volumeMounts:\n    - name: data\n      mountPath: /data\n  volumes:\n  - name: data\n    persistentVolumeClaim:\n      claimName: ${claim}\n`,
  storageClass: (name: string) =>
    `apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: ${name}\n  annotations:\n    storageclass.kubernetes.io/is-default-class: "true"\nprovisioner: kubestore.io/hostpath\nreclaimPolicy: Retain\nvolumeBindingMode: WaitForFirstConsumer\n`,
  node: (name: string) =>
    `apiVersion: v1\nkind: Node\nmetadata:\n  name: ${name}\n  labels:\n    node-role.kubernetes.io/worker: ""\n`,
  lease: (name: string, ns: string) =>
    `apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  holderIdentity: holder-1\n  leaseDurationSeconds: 40\n`,
  event: (
    name: string,
    ns: string,
    o: { kind: string; name: string; namespace?: string; uid: string },
    reason: string,
    message: string,
  ) =>
    `apiVersion: v1\nkind: Event\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ninvolvedObject:\n  apiVersion: v1\n  kind: ${o.kind}\n  name: ${o.name}\n${o.namespace ? `  namespace: ${o.namespace}\n` : ''}  uid: ${o.uid}\nreason: ${reason}\nmessage: ${message}\ntype: Warning\ncount: 2\nfirstTimestamp: "${new Date(Date.now() - 600_000).toISOString().replace(/\.\d{3}Z$/, 'Z')}"\nlastTimestamp: "${new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z')}"\nsource:\n  component: e2e-test\n`,
};

/**
 * Registers a suite's hooks around one harness with namespace `ns` created: skipped (with the
 * reason printed) when etcd or kubectl is missing, stopped after the suite. `set` receives the
 * harness once it runs; `setup` runs after it, inside the same hook.
 */
export function useKubectlHarness(ns: string, set: (h: KubectlHarness) => void, setup?: () => Promise<void>): void {
  let h: KubectlHarness | undefined;
  before(async function () {
    const missing = missingTools();
    if (missing) {
      console.log(`    skipped: ${missing}`);
      this.skip();
    }
    h = await KubectlHarness.start();
    set(h);
    await h.ok(['create', '-f', '-'], manifests.namespace(ns));
    await setup?.();
  });
  after(async () => {
    await h?.stop();
  });
}
