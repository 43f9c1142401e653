/**
 * The fault-injection run: a whole cluster from the built binaries (a private etcd that can be
 * killed, kube-apiserver, kube-controller-manager, a kubelet on the real dockerd); each cycle
 * runs the workload (cycle i's creates and cycle i-1's deletes, concurrently), injects one
 * fault at a random point of it — kill -9 of etcd, the apiserver, the controller-manager or the
 * kubelet followed by a restart after a random downtime, or a compaction of etcd's history —
 * waits for the cluster to converge and checks the invariants (./invariants.ts).
 *
 * Seeded: the same seed gives the same fault kinds and timings (the cluster's own timing still
 * varies). Used by the e2e suite (a few cycles) and by hack/chaos.sh (many, with a report).
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { EtcdStore } from '../../pkg/storage/etcd/store';
import { removeNodeContainers, TestCluster } from '../helpers/cluster';
import { PrivateEtcd } from '../helpers/private_etcd';
import { ChaosApi } from './api';
import { checkInvariants } from './invariants';
import { Workload } from './workload';

/** The faults a cycle can inject. */
export const Fault = {
  Etcd: 'kill -9 etcd',
  ApiServer: 'kill -9 kube-apiserver',
  ControllerManager: 'kill -9 kube-controller-manager',
  Kubelet: 'kill -9 kubelet',
  Compaction: 'etcd compaction',
} as const;
export type Fault = (typeof Fault)[keyof typeof Fault];
const faults = Object.values(Fault);

/** Options of a run. */
export interface ChaosOptions {
  cycles: number;
  seed: number;
  /** Longest wait for convergence after a fault (default 120 s); longer is a violation. */
  convergeTimeoutMs?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** What a run saw. */
export interface ChaosReport {
  cycles: number;
  seed: number;
  faults: Record<Fault, number>;
  /** Time from the end of each fault (restart issued, workload answered) to convergence. */
  convergenceMs: Record<Fault, number[]>;
  violations: string[];
  /** Where component logs are (kept when there were violations). */
  dir: string;
}

/** A small seeded PRNG (mulberry32): the run's only source of randomness. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the chaos cycles and returns the report (it throws only when the cluster cannot start). */
export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const log = opts.log ?? (() => undefined);
  const rand = prng(opts.seed);
  const etcd = new PrivateEtcd();
  await etcd.start();
  const cluster = new TestCluster({ kubelet: true, etcdEndpoints: [etcd.endpoint] });
  const report: ChaosReport = {
    cycles: 0,
    seed: opts.seed,
    faults: Object.fromEntries(faults.map((f) => [f, 0])) as Record<Fault, number>,
    convergenceMs: Object.fromEntries(faults.map((f) => [f, []])) as unknown as Record<Fault, number[]>,
    violations: [],
    dir: cluster.dir,
  };
  try {
    await cluster.up();
    const api = new ChaosApi((method, p, body, headers) => cluster.request(method, p, body, headers));
    const workload = new Workload(api, path.join(cluster.dir, 'static'));
    const inject = async (fault: Fault): Promise<void> => {
      const downtime = 100 + Math.floor(rand() * 1900);
      switch (fault) {
        case Fault.Etcd:
          await etcd.stop();
          await delay(downtime);
          await etcd.start();
          return;
        case Fault.ApiServer:
          await cluster.kill('kube-apiserver');
          await delay(downtime);
          cluster.startApiServer();
          return;
        case Fault.ControllerManager:
          await cluster.kill('kube-controller-manager');
          await delay(downtime);
          cluster.startControllerManager();
          return;
        case Fault.Kubelet:
          await cluster.kill('kubelet');
          await delay(downtime);
          cluster.startKubelet();
          return;
        case Fault.Compaction: {
          const store = new EtcdStore({ endpoints: [etcd.endpoint] });
          try {
            await store.compact(await store.currentRevision());
          } finally {
            await store.close();
          }
        }
      }
    };
    const converge = async (what: string): Promise<number> => {
      const start = Date.now();
      let pending: string[] = [];
      while (Date.now() - start < (opts.convergeTimeoutMs ?? 120_000)) {
        pending = await workload.pending();
        if (pending.length === 0) return Date.now() - start;
        await delay(100);
      }
      const v = `${what}: did not converge within ${opts.convergeTimeoutMs ?? 120_000} ms: ${pending.slice(0, 5).join('; ')}`;
      report.violations.push(v);
      log(`  violation: ${v}`);
      return Date.now() - start;
    };

    const offset = Math.floor(rand() * faults.length);
    for (let i = 0; i < opts.cycles; i++) {
      const fault = faults[(offset + i) % faults.length] ?? Fault.Etcd;
      const work = Promise.all([
        workload.createCycle(i, randomBytes(8).toString('hex')),
        i > 0 ? workload.deleteCycle(i - 1) : undefined,
      ]);
      await delay(Math.floor(rand() * 1500));
      await inject(fault);
      await work;
      const ms = await converge(`cycle ${i} (${fault})`);
      const violations = (await checkInvariants(api, workload, cluster.nodeName)).map(
        (v) => `cycle ${i} (${fault}): ${v}`,
      );
      report.violations.push(...violations);
      report.faults[fault]++;
      report.convergenceMs[fault].push(ms);
      report.cycles++;
      log(`cycle ${i}: ${fault}, converged in ${ms} ms, ${violations.length} violation(s)`);
      for (const v of violations) log(`  violation: ${v}`);
    }
    await workload.deleteCycle(opts.cycles - 1);
    await converge('final clean-up');
    report.violations.push(...(await checkInvariants(api, workload, cluster.nodeName)).map((v) => `final: ${v}`));
  } finally {
    await cluster.down();
    await removeNodeContainers(cluster.nodeName);
    await etcd.destroy();
    if (report.violations.length === 0) rmSync(cluster.dir, { recursive: true, force: true });
  }
  return report;
}
