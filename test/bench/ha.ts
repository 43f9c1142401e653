/**
 * Benchmark — high availability: what a 3-member etcd cluster costs and what a leader loss
 * costs.
 *
 * 1. Create throughput and latency (p50, p99) of PVC creates through the apiserver binary at
 *    concurrency 16, on a fresh 3-member etcd cluster vs a fresh 1-member one (same etcd
 *    binary and flags, both on this machine's loopback: Raft's extra round trip and the
 *    followers' fsyncs share the same 2 cores, so this is the worst case for the 3-member row).
 * 2. The unavailability window when the etcd leader is SIGKILLed under a steady create load
 *    (concurrency 4, apiserver with its default --etcd-request-timeout of 10 s): from the first
 *    create that fails after the kill to the first one that succeeds after that failure; and the
 *    longest create latency across the kill (a create that waited instead of failing). Repeated
 *    BENCH_HA_KILLS times (default 3), killing whichever member leads; median and worst reported.
 *
 *   node dist/test/bench/ha.js   (through hack/benchmark.sh ha)
 * Env: BENCH_HA_COUNT (creates per throughput run, default 3000), BENCH_HA_WARM (default 1500),
 * BENCH_HA_MAX_MS (time cap per run, default 6000), BENCH_HA_KILLS.
 */
import { performance } from 'node:perf_hooks';
import { EtcdCluster } from '../helpers/etcd_cluster';
import { JsonClient } from './lib/http';
import { pvc, pvcPath, seqName } from './lib/objects';
import { benchTempDir, removeTempDir, startApiServer, uniquePrefix } from './lib/procs';
import { median, percentile, runPool, waitUntil } from './lib/stats';
import { fmt, ms, perSec, printTable, recordResults, row } from './lib/table';

const benchmark = 'ha';
const count = Number(process.env.BENCH_HA_COUNT ?? 3000);
const warm = Number(process.env.BENCH_HA_WARM ?? 1500);
const maxMs = Number(process.env.BENCH_HA_MAX_MS ?? 6000);
const kills = Number(process.env.BENCH_HA_KILLS ?? 3);

interface Throughput {
  rate: number;
  p50: number;
  p99: number;
  failed: number;
}

async function throughput(client: JsonClient, tag: string): Promise<Throughput> {
  const create = (prefix: string) => async (i: number) => {
    await client.create(pvcPath('default'), pvc(seqName(prefix, i), { storageClassName: 'bench' }));
  };
  await runPool(16, warm, create(`${tag}-warm`), maxMs);
  const lat: number[] = [];
  const op = create(tag);
  const r = await runPool(
    16,
    count,
    async (i) => {
      const t = performance.now();
      await op(i);
      lat.push(performance.now() - t);
    },
    maxMs,
  );
  return { rate: (r.done / r.elapsedMs) * 1000, p50: percentile(lat, 50), p99: percentile(lat, 99), failed: r.failed };
}

interface Outage {
  /** First failure after the kill → first success after it (0: nothing failed). */
  windowMs: number;
  failed: number;
  /** The longest create that was in flight across the kill or after it. */
  longestMs: number;
}

/** Kills the leader under a steady create load; measures what clients saw. */
async function leaderKill(cluster: EtcdCluster, client: JsonClient, run: number): Promise<Outage> {
  const results: { start: number; end: number; ok: boolean }[] = [];
  let running = true;
  let n = 0;
  const worker = async () => {
    while (running) {
      const start = performance.now();
      const ok = await client
        .create(pvcPath('default'), pvc(seqName(`kill${run}`, n++), { storageClassName: 'bench' }))
        .then(() => true)
        .catch(() => false);
      results.push({ start, end: performance.now(), ok });
    }
  };
  const workers = Array.from({ length: 4 }, worker);
  await waitUntil(() => results.length >= 200, 30_000, 'load before the kill', 10);
  const leader = await cluster.leader();
  const killedAt = performance.now();
  await cluster.kill(leader);
  // The load runs until 100 creates succeeded after the kill (or 30 s).
  await waitUntil(
    () => results.filter((r) => r.ok && r.start > killedAt).length >= 100,
    30_000,
    'creates after the leader kill',
    10,
  );
  running = false;
  await Promise.all(workers);
  await cluster.restart(leader);
  const after = results.filter((r) => r.end > killedAt).sort((a, b) => a.end - b.end);
  const firstFail = after.find((r) => !r.ok);
  const recovered = firstFail ? after.find((r) => r.ok && r.end > firstFail.end) : undefined;
  return {
    windowMs: firstFail && recovered ? recovered.end - firstFail.end : 0,
    failed: after.filter((r) => !r.ok).length,
    longestMs: Math.max(...after.map((r) => r.end - r.start)),
  };
}

async function main(): Promise<void> {
  const dir = benchTempDir('ha');
  const one = new EtcdCluster(1);
  const three = new EtcdCluster(3);
  try {
    await one.start();
    await three.start();
    const api1 = await startApiServer({
      logDir: dir,
      prefix: uniquePrefix('ha1'),
      name: 'api-1-member',
      etcdServers: one.endpoints,
    });
    const api3 = await startApiServer({
      logDir: dir,
      prefix: uniquePrefix('ha3'),
      name: 'api-3-members',
      etcdServers: three.endpoints,
    });
    const c1 = new JsonClient(api1.url, 64);
    const c3 = new JsonClient(api3.url, 64);
    const t1 = await throughput(c1, 'one');
    await api1.component.stop();
    await one.destroy();
    const t3 = await throughput(c3, 'three');
    printTable(
      'ha: PVC creates through the apiserver at concurrency 16, 1 vs 3 etcd members',
      ['etcd members', 'creates/s', 'p50', 'p99', 'failed'],
      [
        ['1', perSec(t1.rate), ms(t1.p50), ms(t1.p99), fmt(t1.failed)],
        ['3', perSec(t3.rate), ms(t3.p50), ms(t3.p99), fmt(t3.failed)],
      ],
    );
    const outages: Outage[] = [];
    for (let i = 0; i < kills; i++) outages.push(await leaderKill(three, c3, i));
    printTable(
      'ha: etcd leader SIGKILLed under 4 concurrent creates (3 members)',
      ['kill', 'unavailability window', 'failed creates', 'longest create'],
      outages.map((o, i) => [String(i + 1), ms(o.windowMs), fmt(o.failed), ms(o.longestMs)]),
      ['window = first create failing after the kill → first success after it (0 = none failed)'],
    );
    c1.close();
    c3.close();
    await api3.component.stop();
    const windows = outages.map((o) => o.windowMs);
    const longest = outages.map((o) => o.longestMs);
    recordResults([
      row({
        benchmark,
        figure: 'creates/s, 3 etcd members (baseline: 1 member), c=16',
        value: t3.rate,
        baseline: t1.rate,
        format: perSec,
        target: { text: '—' },
      }),
      row({
        benchmark,
        figure: 'create p99, 3 etcd members (baseline: 1 member), c=16',
        value: t3.p99,
        baseline: t1.p99,
        format: ms,
        target: { text: '—' },
      }),
      row({
        benchmark,
        figure: `unavailability window on leader kill, median of ${kills} (baseline: worst)`,
        value: median(windows),
        baseline: Math.max(...windows),
        format: ms,
        ratio: '—',
        target: { text: '—' },
      }),
      row({
        benchmark,
        figure: `longest create across a leader kill, median of ${kills} (baseline: worst)`,
        value: median(longest),
        baseline: Math.max(...longest),
        format: ms,
        ratio: '—',
        target: { text: '—' },
      }),
    ]);
  } finally {
    await one.destroy();
    await three.destroy();
    removeTempDir(dir);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
