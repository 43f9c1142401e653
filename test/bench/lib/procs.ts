/**
 * The components under test, as the built binaries in child processes (dist/cmd/<name>/main.js),
 * each on free loopback ports with its output in a log file; plus the benchmark's etcd (from
 * ETCD_ENDPOINTS, which hack/benchmark.sh points at a fresh local etcd).
 */
import { freePort } from '../../helpers/cluster';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitUntil } from './stats';

/** Repository root (dist/test/bench/lib → ../../../..). */
export const repoRoot = path.resolve(__dirname, '../../../..');

/** The etcd the benchmarks use (ETCD_ENDPOINTS, first entry). */
export function etcdEndpoint(): string {
  const first = (process.env.ETCD_ENDPOINTS ?? '')
    .split(',')
    .map((s) => s.trim())
    .find(Boolean);
  if (!first)
    throw new Error('ETCD_ENDPOINTS is not set: run the benchmarks through hack/benchmark.sh (it starts a fresh etcd)');
  return first;
}

/** A fresh key prefix, so each scenario starts from an empty collection. */
export function uniquePrefix(what: string): string {
  return `/bench-${what}-${randomBytes(4).toString('hex')}`;
}

export { freePort };

/** A temp directory for one benchmark (logs, hostPath bases, kubelet root). */
export function benchTempDir(name: string): string {
  const base = process.env.BENCH_TMP ?? os.tmpdir();
  mkdirSync(base, { recursive: true });
  return mkdtempSync(path.join(base, `kubestore-bench-${name}-`));
}

/** Removes a temp directory unless BENCH_KEEP_TMP=1. */
export function removeTempDir(dir: string): void {
  if (process.env.BENCH_KEEP_TMP === '1') return;
  rmSync(dir, { recursive: true, force: true });
}

/** Extra node flags for every component (BENCH_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`). */
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);

/** One running component binary. */
export class Component {
  readonly proc: ChildProcess;
  readonly logFile: string;
  private exited = false;

  constructor(
    readonly name: string,
    cmd: string,
    args: string[],
    logDir: string,
    env: Record<string, string> = {},
    /** Checkout whose dist/ holds the binary (default: this one; a baseline build otherwise). */
    root = repoRoot,
  ) {
    this.logFile = path.join(logDir, `${name}.log`);
    const log = createWriteStream(this.logFile, { flags: 'a' });
    this.proc = spawn(process.execPath, [...nodeArgs, path.join(root, 'dist/cmd', cmd, 'main.js'), ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc.stdout?.pipe(log);
    this.proc.stderr?.pipe(log);
    this.proc.once('exit', () => {
      this.exited = true;
    });
  }

  get pid(): number {
    return this.proc.pid ?? 0;
  }

  /** True while the process runs. */
  get alive(): boolean {
    return !this.exited && this.proc.exitCode === null;
  }

  /** The last lines of the component's log (for error messages). */
  logTail(lines = 20): string {
    try {
      return readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  async stop(graceMs = 5000): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise<void>((r) => this.proc.once('exit', () => r()));
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

/** Waits until GET url answers 2xx (or the component dies / the deadline passes). */
export async function waitHttpOk(url: string, c: Component, timeoutMs = 30_000): Promise<void> {
  await waitUntil(
    async () => {
      if (!c.alive) throw new Error(`${c.name} exited during startup:\n${c.logTail()}`);
      return fetch(url)
        .then((r) => r.ok)
        .catch(() => false);
    },
    timeoutMs,
    `${url} (${c.name})\n${c.logTail()}`,
    50,
  );
}

/** A running apiserver binary. */
export interface ApiServerProc {
  component: Component;
  url: string;
  prefix: string;
}

/** The secure port of a benchmarked apiserver: its PEM files and --authorization-mode. */
export interface SecureServing {
  certFile: string;
  keyFile: string;
  clientCAFile: string;
  authorizationMode: string;
}

/**
 * Starts kube-apiserver on a fresh prefix of the bench etcd and waits for /readyz. Plain by
 * default (the --port test mode; `url` is http://); with `secure`, `url` is its TLS port
 * (x509 client certificates, `secure.authorizationMode`) and the plain test port serves only the
 * readiness check.
 */
export async function startApiServer(o: {
  logDir: string;
  prefix: string;
  name?: string;
  secure?: SecureServing;
  /** --etcd-servers (default: the bench etcd). */
  etcdServers?: string[];
}): Promise<ApiServerProc> {
  const port = await freePort();
  const securePort = o.secure ? await freePort() : 0;
  const secureFlags = o.secure
    ? [
        `--tls-cert-file=${o.secure.certFile}`,
        `--tls-private-key-file=${o.secure.keyFile}`,
        `--client-ca-file=${o.secure.clientCAFile}`,
        `--authorization-mode=${o.secure.authorizationMode}`,
      ]
    : [];
  const component = new Component(
    o.name ?? 'kube-apiserver',
    'kube-apiserver',
    [
      `--etcd-servers=${(o.etcdServers ?? [etcdEndpoint()]).join(',')}`,
      `--etcd-prefix=${o.prefix}`,
      `--port=${port}`,
      `--secure-port=${securePort}`,
      ...secureFlags,
      '--bind-address=127.0.0.1',
    ],
    o.logDir,
  );
  await waitHttpOk(`http://127.0.0.1:${port}/readyz`, component);
  return {
    component,
    url: o.secure ? `https://127.0.0.1:${securePort}` : `http://127.0.0.1:${port}`,
    prefix: o.prefix,
  };
}

const clockTicksPerSecond = 100; // Linux USER_HZ

/** CPU time (user + system, ms) a process has used so far, from /proc/<pid>/stat. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicksPerSecond;
}

/** A running controller-manager binary. */
export interface ControllerManagerProc {
  component: Component;
  /** http://127.0.0.1:port of its /healthz and /metrics. */
  url: string;
}

/**
 * Starts kube-controller-manager against `master` (no leader election, no client rate limit);
 * `root` runs another checkout's build (a baseline).
 */
export async function startControllerManager(o: {
  logDir: string;
  master: string;
  hostPathBaseDir: string;
  workers?: number;
  extra?: string[];
  root?: string;
}): Promise<ControllerManagerProc> {
  const port = await freePort();
  const component = new Component(
    'kube-controller-manager',
    'kube-controller-manager',
    [
      `--master=${o.master}`,
      '--leader-elect=false',
      `--hostpath-base-dir=${o.hostPathBaseDir}`,
      `--provisioning-record-dir=${o.logDir}/kcm-records`,
      `--concurrent-workers=${o.workers ?? 8}`,
      '--kube-api-qps=0',
      `--port=${port}`,
      ...(o.extra ?? []),
    ],
    o.logDir,
    {},
    o.root,
  );
  const url = `http://127.0.0.1:${port}`;
  await waitHttpOk(`${url}/healthz`, component);
  return { component, url };
}

/** Sum of every `workqueue_depth` sample in a controller-manager's /metrics (NaN if none). */
export async function workqueueDepth(cmUrl: string): Promise<number> {
  const text = await fetch(`${cmUrl}/metrics`).then((r) => r.text());
  let sum = NaN;
  for (const line of text.split('\n')) {
    const m = /^workqueue_depth(?:\{[^}]*\})?\s+(\S+)/.exec(line);
    if (m) sum = (Number.isNaN(sum) ? 0 : sum) + Number(m[1]);
  }
  return sum;
}

/** Samples of one metric family from a Prometheus text page: label text → value. */
export async function scrapeMetric(url: string, name: string): Promise<Map<string, number>> {
  const text = await fetch(`${url}/metrics`).then((r) => r.text());
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-z_]+)(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (m && m[1] === name) out.set(m[2] ?? '', Number(m[3]));
  }
  return out;
}
