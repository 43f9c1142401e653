/**
 * Starts a whole local cluster from the built binaries, as child processes: kube-apiserver on
 * the test etcd (unique key prefix), kube-controller-manager and (optionally) a kubelet on the
 * real dockerd, each on free loopback ports with its own temp directories; writes a kubeconfig
 * and runs the real kubectl against it with a fresh --cache-dir.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { etcdEndpoints, uniquePrefix } from './etcd';
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

/** Options of startCluster. */
export interface ClusterOptions {
  kubelet?: boolean;
  controllerManager?: boolean;
  /** Extra controller-manager flags. */
  cmFlags?: string[];
  /** Extra kube-apiserver flags. */
  apiFlags?: string[];
  /** Extra environment for every component. */
  env?: Record<string, string>;
  /** etcd client URLs (default: the test etcd, ETCD_ENDPOINTS). */
  etcdEndpoints?: string[];
}

/** A running test cluster. */
export class TestCluster {
  readonly procs = new Map<string, ChildProcess>();
  readonly dir: string;
  readonly kubeconfig: string;
  readonly prefix = uniquePrefix();
  readonly nodeName = `node-${Math.random().toString(36).slice(2, 8)}`;
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
    mkdirSync(this.hostPathBase, { recursive: true });
    mkdirSync(this.nfsExportRoot, { recursive: true });
  }

  get url(): string {
    return `http://127.0.0.1:${this.apiPort}`;
  }

  private env(): NodeJS.ProcessEnv {
    return { ...process.env, IS_NFS_SERVER: 'true', NFS_SERVER: 'localhost', NFS_EXPORT_ROOT: this.nfsExportRoot, LOG_LEVEL: 'debug', ...this.opts.env };
  }

  /** Starts one component binary; its output goes to <dir>/<name>.log. */
  start(name: string, cmd: string, args: string[]): ChildProcess {
    const log = createWriteStream(path.join(this.dir, `${name}.log`), { flags: 'a' });
    const p = spawn(process.execPath, [path.join(root, 'dist/cmd', cmd, 'main.js'), ...args], { env: this.env(), stdio: ['ignore', 'pipe', 'pipe'] });
    p.stdout?.pipe(log);
    p.stderr?.pipe(log);
    this.procs.set(name, p);
    return p;
  }

  /** The tail of a component's log (for failure messages). */
  logTail(name: string, lines = 30): string {
    try {
      return readFileSync(path.join(this.dir, `${name}.log`), 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  startApiServer(): ChildProcess {
    return this.start('kube-apiserver', 'kube-apiserver', [`--etcd-servers=${(this.opts.etcdEndpoints ?? etcdEndpoints()).join(',')}`, `--etcd-prefix=${this.prefix}`, `--port=${this.apiPort}`, '--secure-port=0', '--watch-bookmark-interval=5s', `--hostpath-base-dir=${this.hostPathBase}`, ...(this.opts.apiFlags ?? [])]);
  }

  startControllerManager(name = 'kube-controller-manager', extra: string[] = []): ChildProcess {
    return this.start(name, 'kube-controller-manager', [
      `--kubeconfig=${this.kubeconfig}`,
      `--port=0`,
      `--hostpath-base-dir=${this.hostPathBase}`,
      `--provisioning-record-dir=${this.recordDir}`,
      '--leader-elect=false',
      ...(this.opts.cmFlags ?? []),
      ...extra,
    ]);
  }

  startKubelet(): ChildProcess {
    return this.start('kubelet', 'kubelet', [
      `--kubeconfig=${this.kubeconfig}`,
      `--node-name=${this.nodeName}`,
      `--root-dir=${path.join(this.dir, 'kubelet')}`,
      '--port=0',
      '--node-status-update-frequency=2s',
    ]);
  }

  /** Starts the components and waits until the apiserver is ready (and the node, with a kubelet). */
  async up(): Promise<void> {
    this.apiPort = await freePort();
    writeFileSync(
      this.kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        `- name: test\n  cluster:\n    server: ${this.url}\n    insecure-skip-tls-verify: true`,
        'users:',
        '- name: test\n  user: {}',
        'contexts:',
        '- name: test\n  context:\n    cluster: test\n    user: test',
        'current-context: test',
        '',
      ].join('\n'),
    );
    this.startApiServer();
    await waitFor(async () => (await fetch(`${this.url}/readyz`).then((r) => r.ok).catch(() => false)), 30_000, `apiserver ready\n${this.logTail('kube-apiserver')}`);
    if (this.opts.controllerManager !== false) this.startControllerManager();
    if (this.opts.kubelet) {
      this.startKubelet();
      await waitFor(
        async () => {
          const r = await this.kubectl(['get', 'node', this.nodeName, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].status}']);
          return r.stdout === 'True';
        },
        30_000,
        `node ${this.nodeName} Ready\n${this.logTail('kubelet')}`,
      );
    }
  }

  /** Runs the real kubectl against this cluster. */
  kubectl(args: string[], input?: string): Promise<KubectlResult> {
    return new Promise((resolve) => {
      const child = execFile('kubectl', [`--kubeconfig=${this.kubeconfig}`, `--cache-dir=${this.cacheDir}`, ...args], { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
        resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() });
      });
      if (input !== undefined) child.stdin?.end(input);
    });
  }

  /** Runs kubectl and fails with its output unless it exits 0. */
  async ok(args: string[], input?: string): Promise<string> {
    const r = await this.kubectl(args, input);
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
      `kubectl ${args.join(' ')} ${jsonpath} = ${String(want)} (last: ${last})`,
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

  /** Stops every component (the kubelet first, with SIGTERM). */
  async down(): Promise<void> {
    for (const name of [...this.procs.keys()].reverse()) await this.kill(name, 'SIGTERM');
  }
}

/** Deletes every pod's containers a kubelet left (by the node label) — e2e cleanup. */
export async function removeNodeContainers(nodeName: string): Promise<void> {
  await new Promise<void>((resolve) => {
    execFile('sh', ['-c', `docker ps -aq --filter label=io.kubestore.node=${nodeName} | xargs -r docker rm -f`], () => resolve());
  });
}
