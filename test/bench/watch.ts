/**
 * Benchmark 2 — watch delivery: 100 watchers on one collection (PVCs of a namespace) of the
 * apiserver binary; this process creates N claims; every watcher must receive every event.
 * Reports events lost and duplicated, and p50/p99 delivery latency (the writer's create-response
 * time → arrival at the watcher). Baseline: one raw etcd watch on the same keys, timed against
 * the same create responses (so it can be negative: etcd may notify before the apiserver's HTTP
 * answer arrives). The watchers live in a forked receiver process (watch_receiver.ts).
 *
 *   node dist/test/bench/watch.js
 * Env: BENCH_WATCH_WATCHERS (100), BENCH_WATCH_OBJECTS (2000), BENCH_WATCH_WRITERS (writer
 * concurrency, 8).
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { JsonClient } from './lib/http';
import { pvc, pvcPath, seqName } from './lib/objects';
import { benchTempDir, etcdEndpoint, removeTempDir, startApiServer, uniquePrefix } from './lib/procs';
import { fmt, ms, perSec, printTable, recordResults, row } from './lib/table';
import { runPool, wallMs } from './lib/stats';
import type { FromReceiver, ResultMessage, ToReceiver } from './lib/watch_protocol';

const benchmark = 'watch fan-out';

/** Latencies can be ≤ 0 (etcd notifies before the create response arrives): show a difference, not a ratio. */
function delta(value: number, baseline: number): string {
  const d = value - baseline;
  return baseline > 0 ? `${fmt(value / baseline, 2)}× (${d >= 0 ? '+' : ''}${ms(d)})` : `${d >= 0 ? '+' : ''}${ms(d)}`;
}
const watchers = Number(process.env.BENCH_WATCH_WATCHERS ?? 100);
const objects = Number(process.env.BENCH_WATCH_OBJECTS ?? 2000);
const writers = Number(process.env.BENCH_WATCH_WRITERS ?? 8);

async function main(): Promise<void> {
  const logDir = benchTempDir('watch');
  const api = await startApiServer({ logDir, prefix: uniquePrefix('watch') });
  const client = new JsonClient(api.url, writers);
  const receiver = fork(path.join(__dirname, 'watch_receiver.js'), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: FromReceiver[] = [];
  const waiters: (() => void)[] = [];
  receiver.on('message', (m: FromReceiver) => {
    messages.push(m);
    waiters.splice(0).forEach((w) => w());
  });
  const next = async <K extends FromReceiver['type']>(
    type: K,
    timeoutMs: number,
  ): Promise<Extract<FromReceiver, { type: K }>> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const err = messages.find((m) => m.type === 'error');
      if (err && err.type === 'error') throw new Error(`receiver: ${err.message}`);
      const m = messages.find((x): x is Extract<FromReceiver, { type: K }> => x.type === type);
      if (m) return m;
      if (receiver.exitCode !== null) throw new Error(`receiver exited (${receiver.exitCode}) before sending ${type}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for the receiver's ${type}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 100);
      });
    }
  };
  const send = (m: ToReceiver): void => {
    receiver.send(m);
  };

  try {
    const list = await client.list(pvcPath('default'));
    const rv = list.metadata.resourceVersion ?? '0';
    send({
      type: 'start',
      url: api.url,
      path: pvcPath('default'),
      resourceVersion: rv,
      watchers,
      etcdEndpoint: etcdEndpoint(),
      etcdKeyPrefix: `${api.prefix}/persistentvolumeclaims/default/`,
    });
    await next('ready', 30_000);
    process.stderr.write(`${watchers} watchers open; creating ${objects} claims (${writers} writers)\n`);

    const bodies = Array.from({ length: objects }, (_, i) =>
      JSON.stringify(pvc(seqName('w', i), { storageClassName: 'bench' })),
    );
    const created: [string, number][] = [];
    const pool = await runPool(
      writers,
      objects,
      async (i) => {
        const res = await client.raw<{ metadata?: { name?: string } }>('POST', pvcPath('default'), bodies[i] ?? '');
        const at = wallMs();
        if (res.status !== 201) throw new Error(`create answered ${res.status}`);
        created.push([res.body.metadata?.name ?? '', at]);
      },
      120_000,
    );
    if (pool.failed) process.stderr.write(`${pool.failed} creates failed: ${String(pool.firstError)}\n`);
    send({ type: 'expect', created, waitMs: 30_000 });
    const r: ResultMessage = await next('result', 60_000);
    const writeRate = (pool.done / pool.elapsedMs) * 1000;

    printTable(
      `Benchmark 2: watch delivery, ${watchers} watchers × ${fmt(pool.done)} creates (apiserver binary) vs one raw etcd watch`,
      ['path', 'lost', 'duplicated', 'p50', 'p90', 'p99', 'max'],
      [
        [
          `apiserver watch (${r.watchers} watchers)`,
          fmt(r.lost),
          fmt(r.duplicated),
          ms(r.api.p50),
          ms(r.api.p90),
          ms(r.api.p99),
          ms(r.api.max),
        ],
        [
          'raw etcd watch (1 watcher)',
          fmt(r.etcd.lost),
          fmt(r.etcd.duplicated),
          ms(r.etcd.p50),
          ms(r.etcd.p90),
          ms(r.etcd.p99),
          ms(r.etcd.max),
        ],
        [
          'apiserver watch − etcd watch arrival (added delay)',
          '',
          '',
          ms(r.addedOverEtcd.p50),
          ms(r.addedOverEtcd.p90),
          ms(r.addedOverEtcd.p99),
          ms(r.addedOverEtcd.max),
        ],
      ],
      [
        `writes: ${fmt(pool.done)} PVC creates at concurrency ${writers}, ${perSec(writeRate)}; latency = create response → arrival (wall clock, both processes)`,
        `watchers complete: ${r.complete}/${r.watchers}; unexpected events: ${r.unexpected}; early-closed watches resumed: ${r.reconnects}`,
        `last delivery to the last watcher ${ms(r.lastDeliveryAfterMs)} after the first create response; ${fmt(r.api.count)} deliveries timed`,
      ],
    );
    recordResults([
      row({
        benchmark,
        figure: `events lost (${r.watchers} watchers × ${fmt(pool.done)} creates)`,
        value: r.lost,
        baseline: r.etcd.lost,
        format: (n) => fmt(n),
        ratio: '—',
        target: { text: '0 lost', met: r.lost === 0 },
      }),
      row({
        benchmark,
        figure: 'events duplicated',
        value: r.duplicated,
        baseline: r.etcd.duplicated,
        format: (n) => fmt(n),
        ratio: '—',
        target: { text: '0 duplicated', met: r.duplicated === 0 },
      }),
      row({
        benchmark,
        figure: 'delivery latency p50 (create response → arrival; vs raw etcd watch)',
        value: r.api.p50,
        baseline: r.etcd.p50,
        format: ms,
        ratio: delta(r.api.p50, r.etcd.p50),
      }),
      row({
        benchmark,
        figure: 'delivery latency p99 (create response → arrival; vs raw etcd watch)',
        value: r.api.p99,
        baseline: r.etcd.p99,
        format: ms,
        ratio: delta(r.api.p99, r.etcd.p99),
      }),
    ]);
  } finally {
    if (receiver.exitCode === null) receiver.kill('SIGTERM');
    client.close();
    await api.component.stop();
    removeTempDir(logDir);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`watch benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
