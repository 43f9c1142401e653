/**
 * Benchmark 4 — PV binding by the real kube-controller-manager binary (--leader-elect=false,
 * --concurrent-workers 8, --kube-api-qps=0, default controller set) against the apiserver binary,
 * each scenario on a fresh etcd prefix:
 *
 *  (a) 1,000 claims bound to 1,000 pre-created Available static hostPath PVs (class
 *      "bench-static", no StorageClass object, so nothing is provisioned): binds/s from the first
 *      claim create to the last claim seen Bound through a watch, vs the apiserver's sequential
 *      PUT rate ÷ 4 (the writes a binding needs), measured on the same apiserver before the
 *      controller-manager starts.
 *  (b) time per binding (claims created one at a time, each waited to Bound) with 10,000
 *      Available PVs vs with 100 (plus enough spare PVs that the count never drops below).
 *  (c) 1,000 dynamically provisioned hostPath claims (built-in class "hostPath", temp base dir)
 *      to Bound per second.
 *
 *   node dist/test/bench/binding.js [a|b|c ...]
 * Env: BENCH_BIND_CLAIMS (1000), BENCH_BIND_LARGE (10000), BENCH_BIND_SMALL (100),
 *      BENCH_BIND_SEQ (sequential claims in (b), 100), BENCH_BIND_MAX_WAIT_S (cap on waiting for
 *      one concurrent run of (a) or (c) to bind, 240; past it the rate is partial and says so).
 */
import { readdirSync } from 'node:fs';
import type { PersistentVolume, PersistentVolumeClaim } from '../../pkg/api/core/v1';
import { freshCluster, PhaseWatch, sequentialPutRate, waitControllerIdle, type BenchCluster } from './lib/cluster';
import { hostPathPV, pvc, pvcPath, pvPath, seqName } from './lib/objects';
import { scrapeMetric } from './lib/procs';
import { fmt, ms, perSec, printTable, recordResults, row, type ResultRow } from './lib/table';
import { mean, percentile, runPool, waitUntil, wallMs } from './lib/stats';

const benchmark = 'PV binding';
const claims = Number(process.env.BENCH_BIND_CLAIMS ?? 1000);
const large = Number(process.env.BENCH_BIND_LARGE ?? 10_000);
const small = Number(process.env.BENCH_BIND_SMALL ?? 100);
const seqClaims = Number(process.env.BENCH_BIND_SEQ ?? 100);
const warmupClaims = 10;
/** Cap on waiting for one concurrent run to bind (the rate is then partial, and says so). */
const maxWaitMs = Number(process.env.BENCH_BIND_MAX_WAIT_S ?? 240) * 1000;
const writesPerBinding = 4;

/** Creates `n` static PVs of `className` and waits until all are Available and the controller is idle. */
async function createAvailablePVs(c: BenchCluster, n: number, className: string): Promise<number> {
  const t0 = performance.now();
  const available = await new PhaseWatch<PersistentVolume>('Available').open(c.api.url, c.client, pvPath());
  const made = await runPool(16, n, async (i) => {
    const name = seqName(`${className}-pv`, i);
    await c.client.create(pvPath(), hostPathPV(name, { storageClassName: className, path: `${c.dir}/static/${name}` }));
  });
  if (made.failed) throw new Error(`${made.failed} PV creates failed: ${String(made.firstError)}`);
  await available.waitCount(n, 180_000, `${n} PVs Available`);
  available.close();
  if (c.cm) await waitControllerIdle(c.cm, 120_000);
  return performance.now() - t0;
}

/** Outcome of a concurrent binding run. */
interface BindRun {
  rate: number;
  p50: number;
  p99: number;
  elapsedMs: number;
  /** Claims Bound when the run ended (all of them unless the time cap was hit). */
  bound: number;
}

/**
 * Creates `names` claims at concurrency 16 and waits until all are Bound (at most maxWaitMs;
 * then the rate is the claims Bound so far over the time so far, and `bound` says how many).
 */
async function bindConcurrently(
  c: BenchCluster,
  names: string[],
  make: (name: string) => PersistentVolumeClaim,
): Promise<BindRun> {
  const bound = await new PhaseWatch<PersistentVolumeClaim>('Bound').open(c.api.url, c.client, pvcPath('default'));
  const createdAt = new Map<string, number>();
  const t0 = wallMs();
  const made = await runPool(16, names.length, async (i) => {
    const name = names[i] ?? '';
    const start = wallMs();
    await c.client.create(pvcPath('default'), make(name));
    createdAt.set(name, start);
  });
  if (made.failed) throw new Error(`${made.failed} claim creates failed: ${String(made.firstError)}`);
  try {
    await bound.waitCount(names.length, maxWaitMs, `${names.length} claims Bound`);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}: reporting the partial rate\n`);
  }
  const end = wallMs();
  bound.close();
  const done = names.filter((n) => bound.reachedAt.has(n));
  const last = done.length === names.length ? Math.max(...done.map((n) => bound.reachedAt.get(n) ?? NaN)) : end;
  const lat = done.map((n) => (bound.reachedAt.get(n) ?? NaN) - (createdAt.get(n) ?? NaN));
  return {
    rate: (done.length / (last - t0)) * 1000,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    elapsedMs: last - t0,
    bound: done.length,
  };
}

/** The controller-manager's reconcile outcomes and retries (why a scenario was slow). */
async function controllerStats(c: BenchCluster): Promise<string> {
  if (!c.cm) return '';
  const reconciles = await scrapeMetric(c.cm.url, 'controller_reconcile_total');
  const retries = await scrapeMetric(c.cm.url, 'workqueue_retries_total');
  const parts: string[] = [];
  for (const [labels, n] of reconciles) if (n > 0) parts.push(`${labels.replace(/"/g, '')}: ${fmt(n)}`);
  for (const [labels, n] of retries) if (n > 0) parts.push(`retries ${labels.replace(/"/g, '')}: ${fmt(n)}`);
  return `controller-manager reconciles — ${parts.join('; ')}`;
}

/** PVs bound to more than one claim, and claims sharing a volume (both must be 0). */
async function doubleBindings(c: BenchCluster): Promise<number> {
  const pvs = await c.client.list<PersistentVolume>(pvPath());
  const claimsList = await c.client.list<PersistentVolumeClaim>(pvcPath('default'));
  const byVolume = new Map<string, number>();
  for (const cl of claimsList.items)
    if (cl.spec.volumeName) byVolume.set(cl.spec.volumeName, (byVolume.get(cl.spec.volumeName) ?? 0) + 1);
  const byClaim = new Map<string, number>();
  for (const pv of pvs.items)
    if (pv.spec.claimRef?.name) byClaim.set(pv.spec.claimRef.name, (byClaim.get(pv.spec.claimRef.name) ?? 0) + 1);
  return [...byVolume.values(), ...byClaim.values()].filter((n) => n > 1).length;
}

async function scenarioA(rows: ResultRow[], notes: string[]): Promise<void> {
  const c = await freshCluster('bind-a');
  try {
    const putRate = await sequentialPutRate(c.client);
    await c.startControllerManager();
    const setupMs = await createAvailablePVs(c, claims, 'bench-static');
    const names = Array.from({ length: claims }, (_, i) => seqName('a', i));
    const r = await bindConcurrently(c, names, (n) => pvc(n, { storageClassName: 'bench-static' }));
    const doubles = await doubleBindings(c);
    const stats = await controllerStats(c);
    const bound = putRate / writesPerBinding;
    printTable(
      `Benchmark 4a: ${fmt(claims)} claims → ${fmt(claims)} pre-created Available static PVs`,
      [
        'binds/s',
        'sequential PUT/s',
        'PUT/s ÷ 4',
        'ratio',
        'claim create → Bound p50 / p99',
        'elapsed',
        'Bound',
        'double bindings',
      ],
      [
        [
          perSec(r.rate),
          perSec(putRate),
          perSec(bound),
          `${fmt(r.rate / bound, 2)}×`,
          `${ms(r.p50)} / ${ms(r.p99)}`,
          ms(r.elapsedMs),
          `${fmt(r.bound)}/${fmt(claims)}`,
          String(doubles),
        ],
      ],
      [
        `PV setup (create ${fmt(claims)} + controller marks them Available) took ${ms(setupMs)}; claims created at concurrency 16`,
        `${stats} (the PV setup's included)`,
      ],
    );
    notes.push(
      `(a) sequential PUT rate ${perSec(putRate)} (one claim, ${500} PUTs in a row), so the bound is ${perSec(bound)}; double bindings: ${doubles}`,
    );
    rows.push(
      row({
        benchmark,
        figure: `(a) binds/s, ${fmt(claims)} claims → ${fmt(claims)} static PVs (vs sequential PUT/s ÷ 4)${r.bound < claims ? ` — only ${fmt(r.bound)} Bound within ${fmt(maxWaitMs / 1000)} s` : ''}`,
        value: r.rate,
        baseline: bound,
        format: (n) => perSec(n),
        target: { text: '≥ 0.7× and ≥ 200/s', met: r.rate >= 0.7 * bound && r.rate >= 200 },
      }),
    );
  } finally {
    await c.stop();
  }
}

/** Mean time per binding with `available` Available PVs (claims created one at a time). */
async function perBinding(available: number): Promise<{ mean: number; p50: number; p95: number; setupMs: number }> {
  const c = await freshCluster(`bind-b${available}`);
  try {
    await c.startControllerManager();
    const setupMs = await createAvailablePVs(c, available + seqClaims + warmupClaims, 'bench-b');
    const bound = await new PhaseWatch<PersistentVolumeClaim>('Bound').open(c.api.url, c.client, pvcPath('default'));
    const lat: number[] = [];
    for (let i = 0; i < warmupClaims + seqClaims; i++) {
      const name = seqName('b', i);
      const t0 = wallMs();
      await c.client.create(pvcPath('default'), pvc(name, { storageClassName: 'bench-b' }));
      const at = await bound.waitFor(name, 30_000);
      if (i >= warmupClaims) lat.push(at - t0);
    }
    bound.close();
    process.stderr.write(`(b) ${available} Available: ${await controllerStats(c)}\n`);
    return { mean: mean(lat), p50: percentile(lat, 50), p95: percentile(lat, 95), setupMs };
  } finally {
    await c.stop();
  }
}

async function scenarioB(rows: ResultRow[]): Promise<void> {
  const s = await perBinding(small);
  const l = await perBinding(large);
  printTable(
    `Benchmark 4b: time per binding (${seqClaims} claims one at a time, create → Bound via watch)`,
    ['Available PVs', 'mean', 'p50', 'p95', 'PV setup'],
    [
      [fmt(small), ms(s.mean), ms(s.p50), ms(s.p95), ms(s.setupMs)],
      [fmt(large), ms(l.mean), ms(l.p50), ms(l.p95), ms(l.setupMs)],
    ],
    [
      `each case on a fresh apiserver + controller-manager; ${seqClaims + warmupClaims} spare PVs so at least the stated number stays Available; first ${warmupClaims} claims are warm-up`,
    ],
  );
  rows.push(
    row({
      benchmark,
      figure: `(b) time per binding, ${fmt(large)} Available PVs vs ${fmt(small)} (mean)`,
      value: l.mean,
      baseline: s.mean,
      format: ms,
      target: { text: '≤ 1.5×', met: l.mean / s.mean <= 1.5 },
    }),
  );
}

async function scenarioC(rows: ResultRow[], notes: string[]): Promise<void> {
  const c = await freshCluster('bind-c');
  try {
    const putRate = await sequentialPutRate(c.client);
    await c.startControllerManager();
    const base = `${c.dir}/volumes`;
    await waitUntil(
      async () => (await c.client.raw('GET', '/apis/storage.k8s.io/v1/storageclasses/hostPath')).status === 200,
      30_000,
      'built-in StorageClass hostPath',
      50,
    );
    if (c.cm) await waitControllerIdle(c.cm, 30_000);
    const names = Array.from({ length: claims }, (_, i) => seqName('c', i));
    const r = await bindConcurrently(c, names, (n) => pvc(n, { storageClassName: 'hostPath' }));
    const pvs = await c.client.list<PersistentVolume>(pvPath());
    const dirs = readdirSync(base).length;
    const doubles = await doubleBindings(c);
    const stats = await controllerStats(c);
    const bound = putRate / writesPerBinding;
    printTable(
      `Benchmark 4c: ${fmt(claims)} dynamically provisioned hostPath claims`,
      [
        'binds/s',
        'sequential PUT/s ÷ 4',
        'ratio',
        'claim create → Bound p50 / p99',
        'elapsed',
        'Bound',
        'PVs',
        'directories',
        'double bindings',
      ],
      [
        [
          perSec(r.rate),
          perSec(bound),
          `${fmt(r.rate / bound, 2)}×`,
          `${ms(r.p50)} / ${ms(r.p99)}`,
          ms(r.elapsedMs),
          `${fmt(r.bound)}/${fmt(claims)}`,
          fmt(pvs.items.length),
          fmt(dirs),
          String(doubles),
        ],
      ],
      [
        'a provisioned binding is a mkdir + PV create + 3 updates (PV status, PVC volumeName, PVC status), plus protection finalizers',
        stats,
      ],
    );
    notes.push(
      `(c) ${fmt(pvs.items.length)} PVs and ${fmt(dirs)} directories for ${fmt(claims)} claims; double bindings: ${doubles}`,
    );
    rows.push(
      row({
        benchmark,
        figure: `(c) dynamic hostPath provisioning, ${fmt(claims)} claims → Bound/s (vs sequential PUT/s ÷ 4)${r.bound < claims ? ` — only ${fmt(r.bound)} Bound within ${fmt(maxWaitMs / 1000)} s` : ''}`,
        value: r.rate,
        baseline: bound,
        format: (n) => perSec(n),
      }),
    );
  } finally {
    await c.stop();
  }
}

async function main(): Promise<void> {
  const which = process.argv.slice(2).filter((a) => ['a', 'b', 'c'].includes(a));
  const run = (s: string) => which.length === 0 || which.includes(s);
  const rows: ResultRow[] = [];
  const notes: string[] = [];
  if (run('a')) await scenarioA(rows, notes);
  if (run('b')) await scenarioB(rows);
  if (run('c')) await scenarioC(rows, notes);
  if (notes.length) process.stdout.write(`${notes.map((n) => `- ${n}`).join('\n')}\n`);
  recordResults(rows);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `binding benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
