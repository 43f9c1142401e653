/**
 * Benchmark 1 — create throughput: PVC creates through the apiserver (HTTP POST over a
 * keep-alive agent) vs raw etcd3 transactional creates (`if(key,'Create','==',0).then(put)`) of
 * the same serialized object (the exact bytes the apiserver stored for a probe claim, with the
 * name changed), at concurrency 1, 16 and 64, all in one run on one etcd.
 *
 * The apiserver is measured twice: as the built binary in a child process (the honest number:
 * its CPU is not shared with the load generator; this is the one in the summary) and
 * in-process (ApiServer from pkg/apiserver/server.ts, sharing the event loop with the client).
 *
 *   node dist/test/bench/apiserver.js        (ETCD_ENDPOINTS must point at a fresh etcd)
 * Every target is first warmed with BENCH_API_WARM creates (default 5000) at concurrency 16, so
 * that the numbers are steady state: V8 compiles the hot paths of the client, the etcd3 client
 * and the apiserver only after some thousand requests (with 300 warm-up creates the apiserver's
 * CPU per create measured ~60 % higher).
 * Env: BENCH_API_MAX_MS (time cap per measurement, default 6000), BENCH_API_COUNT (creates per
 * measurement at concurrency ≥ 16, default 5000; 1500 at concurrency 1), BENCH_API_WARM.
 */
import { Etcd3 } from 'etcd3';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ApiServer } from '../../pkg/apiserver/server';
import { silentLogger } from '../../pkg/log/logger';
import { JsonClient } from './lib/http';
import { pvc, pvcPath, seqName } from './lib/objects';
import { benchTempDir, etcdEndpoint, removeTempDir, startApiServer, uniquePrefix } from './lib/procs';
import { fmt, ms, perSec, printTable, recordResults, row, times } from './lib/table';
import { percentile, runPool } from './lib/stats';

const benchmark = 'apiserver create';
const levels = [1, 16, 64];
const maxMs = Number(process.env.BENCH_API_MAX_MS ?? 6000);
const bigCount = Number(process.env.BENCH_API_COUNT ?? 5000);
const warmCount = Number(process.env.BENCH_API_WARM ?? 5000);

interface Measurement {
  rate: number;
  p50: number;
  p99: number;
  done: number;
  failed: number;
}

async function measure(concurrency: number, count: number, op: (i: number) => Promise<void>): Promise<Measurement> {
  const lat: number[] = [];
  const r = await runPool(
    concurrency,
    count,
    async (i) => {
      const t = performance.now();
      await op(i);
      lat.push(performance.now() - t);
    },
    maxMs,
  );
  if (r.failed > 0) process.stderr.write(`  ${r.failed} operations failed; first: ${String(r.firstError)}\n`);
  return { rate: (r.done / r.elapsedMs) * 1000, p50: percentile(lat, 50), p99: percentile(lat, 99), done: r.done, failed: r.failed };
}

async function main(): Promise<void> {
  const logDir = benchTempDir('apiserver');
  const child = await startApiServer({ logDir, prefix: uniquePrefix('api') });
  const inproc = new ApiServer({ etcdServers: [etcdEndpoint()], etcdPrefix: uniquePrefix('api-inproc'), bindAddress: '127.0.0.1', port: 0, logger: silentLogger() });
  await inproc.start();
  await inproc.waitReady();
  const etcd = new Etcd3({ hosts: etcdEndpoint() });
  const rawPrefix = `${uniquePrefix('raw')}/persistentvolumeclaims/default/`;

  try {
    // The exact bytes the apiserver stores for a claim: the raw baseline writes the same.
    const probeClient = new JsonClient(child.url, 1);
    await probeClient.create(pvcPath('default'), pvc('probe', { storageClassName: 'bench' }));
    probeClient.close();
    const stored = await etcd.get(`${child.prefix}/persistentvolumeclaims/default/probe`).buffer();
    if (!stored) throw new Error('probe claim not found in etcd');
    const template = JSON.parse(stored.toString('utf8')) as { metadata: { name: string; uid?: string } };
    const storedValue = (name: string): Buffer => Buffer.from(JSON.stringify({ ...template, metadata: { ...template.metadata, name, uid: randomUUID() } }));

    const rawCreate = (tag: string) => {
      const n = Math.max(bigCount, warmCount, 1500) + 500;
      const keys = Array.from({ length: n }, (_, i) => seqName(`${tag}`, i));
      const values = keys.map((k) => storedValue(k));
      return async (i: number): Promise<void> => {
        const name = keys[i] ?? `${tag}-${i}`;
        const key = `${rawPrefix}${name}`;
        const res = await etcd.if(key, 'Create', '==', 0).then(etcd.put(key).value(values[i] ?? storedValue(name))).commit();
        if (!res.succeeded) throw new Error(`raw create of ${key}: key exists`);
      };
    };
    const apiCreate = (url: string, tag: string, concurrency: number) => {
      const client = new JsonClient(url, concurrency);
      const bodies = Array.from({ length: Math.max(bigCount, warmCount, 1500) + 500 }, (_, i) => JSON.stringify(pvc(seqName(tag, i), { storageClassName: 'bench' })));
      return {
        client,
        op: async (i: number): Promise<void> => {
          const res = await client.raw('POST', pvcPath('default'), bodies[i] ?? '');
          if (res.status !== 201) throw new Error(`POST answered ${res.status}: ${JSON.stringify(res.body).slice(0, 200)}`);
        },
      };
    };

    // Warm-up (JIT, connections, etcd) — not measured.
    process.stderr.write('warming up\n');
    await runPool(16, warmCount, rawCreate('warm'), 60_000);
    for (const [url, tag] of [[child.url, 'warm-child'], [inproc.url, 'warm-inproc']] as const) {
      const a = apiCreate(url, tag, 16);
      await runPool(16, warmCount, a.op, 60_000);
      a.client.close();
    }

    const results: { c: number; raw: Measurement; child: Measurement; inproc: Measurement }[] = [];
    for (const c of levels) {
      const count = c === 1 ? 1500 : bigCount;
      process.stderr.write(`concurrency ${c}: raw etcd\n`);
      const raw = await measure(c, count, rawCreate(`raw-c${c}`));
      process.stderr.write(`concurrency ${c}: apiserver (child process)\n`);
      const a1 = apiCreate(child.url, `child-c${c}`, c);
      const childM = await measure(c, count, a1.op);
      a1.client.close();
      process.stderr.write(`concurrency ${c}: apiserver (in-process)\n`);
      const a2 = apiCreate(inproc.url, `inproc-c${c}`, c);
      const inprocM = await measure(c, count, a2.op);
      a2.client.close();
      results.push({ c, raw, child: childM, inproc: inprocM });
    }

    printTable(
      'Benchmark 1: create throughput, apiserver vs raw etcd3 txn (PVC, same stored bytes)',
      ['concurrency', 'raw etcd', 'apiserver (child process)', 'ratio', 'apiserver (in-process)', 'ratio', 'raw p50 / p99', 'child p50 / p99'],
      results.map((r) => [
        String(r.c),
        perSec(r.raw.rate),
        perSec(r.child.rate),
        times(r.child.rate / r.raw.rate),
        perSec(r.inproc.rate),
        times(r.inproc.rate / r.raw.rate),
        `${ms(r.raw.p50)} / ${ms(r.raw.p99)}`,
        `${ms(r.child.p50)} / ${ms(r.child.p99)}`,
      ]),
      [
        `each cell: up to ${fmt(bigCount)} creates (1,500 at concurrency 1), capped at ${fmt(maxMs)} ms; rate = completed ÷ elapsed`,
        'summary uses the child-process apiserver (its own process, like production); in-process shares one event loop with the load generator',
        `stored object: ${stored.length} bytes`,
      ],
    );
    recordResults(
      results.map((r) =>
        row({
          benchmark,
          figure: `creates/s at concurrency ${r.c} (apiserver child process vs raw etcd3 txn)`,
          value: r.child.rate,
          baseline: r.raw.rate,
          format: (n) => perSec(n),
          ...(r.c === 16 ? { target: { text: '≥ 0.6× raw etcd', met: r.child.rate / r.raw.rate >= 0.6 } } : {}),
        }),
      ),
    );
  } finally {
    etcd.close();
    await inproc.stop();
    await child.component.stop();
    removeTempDir(logDir);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`apiserver benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
