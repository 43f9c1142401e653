/**
 * Benchmark 3 — informer vs @kubernetes/client-node's makeInformer on the same 10,000 PVCs
 * served by the apiserver binary: time to synced (start → every object cached) and heap per
 * cached object. Each informer runs in a fresh child process (informer_child.ts, with
 * --expose-gc) so heap numbers are clean; the kinds alternate over several rounds and the
 * median is reported. A third, diagnostic variant (ours with one unpaged list, as client-node
 * lists) shows what paging costs; only the default configuration goes into the summary.
 *
 *   node dist/test/bench/informer.js
 * Env: BENCH_INFORMER_OBJECTS (10000), BENCH_INFORMER_ROUNDS (5).
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import type { InformerChildResult } from './informer_child';
import { JsonClient } from './lib/http';
import { pvc, pvcPath, seqName } from './lib/objects';
import { benchTempDir, removeTempDir, startApiServer, uniquePrefix } from './lib/procs';
import { bytes, fmt, ms, perSec, printTable, recordResults, row } from './lib/table';
import { median, runPool } from './lib/stats';

const benchmark = 'informer';
const objects = Number(process.env.BENCH_INFORMER_OBJECTS ?? 10_000);
const rounds = Number(process.env.BENCH_INFORMER_ROUNDS ?? 5);
const namespace = 'default';

type Kind = 'ours' | 'client-node' | 'ours-unpaged';

function runChild(kind: Kind, url: string): Promise<InformerChildResult> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, 'informer_child.js'), [kind, url, namespace, String(objects)], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: InformerChildResult | undefined;
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('message', (m: InformerChildResult) => {
      result = m;
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (result) resolve(result);
      else reject(new Error(`${kind} informer child exited ${code} without a result`));
    });
  });
}

async function main(): Promise<void> {
  const logDir = benchTempDir('informer');
  const api = await startApiServer({ logDir, prefix: uniquePrefix('informer') });
  const client = new JsonClient(api.url, 32);
  try {
    process.stderr.write(`creating ${objects} claims\n`);
    const bodies = Array.from({ length: objects }, (_, i) =>
      JSON.stringify(
        pvc(seqName('inf', i), { storageClassName: 'bench', labels: { app: 'bench', shard: String(i % 16) } }),
      ),
    );
    const made = await runPool(32, objects, async (i) => {
      const res = await client.raw('POST', pvcPath(namespace), bodies[i] ?? '');
      if (res.status !== 201) throw new Error(`create answered ${res.status}`);
    });
    if (made.failed) throw new Error(`${made.failed} creates failed: ${String(made.firstError)}`);
    process.stderr.write(
      `created ${objects} claims in ${ms(made.elapsedMs)} (${perSec((objects / made.elapsedMs) * 1000)})\n`,
    );
    const listed = await client.list(pvcPath(namespace));
    const listBytes = Buffer.byteLength(JSON.stringify(listed));

    const results: Record<Kind, InformerChildResult[]> = { ours: [], 'client-node': [], 'ours-unpaged': [] };
    for (let r = 0; r < rounds; r++) {
      const order: Kind[] =
        r % 2 === 0 ? ['ours', 'client-node', 'ours-unpaged'] : ['ours-unpaged', 'client-node', 'ours'];
      for (const kind of order) {
        const res = await runChild(kind, api.url);
        process.stderr.write(
          `round ${r + 1} ${kind}: synced in ${ms(res.syncMs)}, heap +${fmt((res.heapAfter - res.heapBefore) / 1024 / 1024, 1)} MiB\n`,
        );
        results[kind].push(res);
      }
    }
    const sum = (kind: Kind) => {
      const rs = results[kind];
      return {
        sync: median(rs.map((x) => x.syncMs)),
        startResolved: median(rs.map((x) => x.startResolvedMs)),
        perObject: median(rs.map((x) => (x.heapAfter - x.heapBefore) / x.cached)),
        heapMiB: median(rs.map((x) => (x.heapAfter - x.heapBefore) / 1024 / 1024)),
        syncs: rs.map((x) => fmt(x.syncMs, 0)).join(', '),
      };
    };
    const o = sum('ours');
    const c = sum('client-node');
    const u = sum('ours-unpaged');
    printTable(
      `Benchmark 3: informer vs @kubernetes/client-node makeInformer, ${fmt(objects)} PVCs (apiserver binary)`,
      ['informer', 'time to synced (median)', 'runs (ms)', 'heap retained', 'heap per cached object'],
      [
        [
          'ours: SharedInformerFactory(Clientset).persistentVolumeClaims()',
          ms(o.sync),
          o.syncs,
          `${fmt(o.heapMiB, 1)} MiB`,
          bytes(o.perObject),
        ],
        [
          '@kubernetes/client-node 1.4 makeInformer',
          ms(c.sync),
          c.syncs,
          `${fmt(c.heapMiB, 1)} MiB`,
          bytes(c.perObject),
        ],
        [
          'diagnostic: ours with reflector pageSize 0 (one unpaged list, like client-node)',
          ms(u.sync),
          u.syncs,
          `${fmt(u.heapMiB, 1)} MiB`,
          bytes(u.perObject),
        ],
      ],
      [
        `${rounds} rounds, kinds alternating, each in a fresh \`node --expose-gc\` process; heap = heapUsed after GC, after sync − before start`,
        'synced: ours = waitForCacheSync (paged list, 500 per page, into the indexed cache); client-node = all adds delivered (one unpaged list, typed model objects)',
        `client-node start() (list + watch established) resolved after ${ms(c.startResolved)} (median)`,
        `one full list response is ${fmt(listBytes / 1024 / 1024, 1)} MiB of JSON (${fmt(listBytes / objects)} B per object)`,
      ],
    );
    recordResults([
      row({
        benchmark,
        figure: `time to synced, ${fmt(objects)} PVCs (ours vs client-node)`,
        value: o.sync,
        baseline: c.sync,
        format: ms,
        target: { text: '≤ 1.0× client-node', met: o.sync <= c.sync },
      }),
      row({
        benchmark,
        figure: 'heap per cached object (ours vs client-node)',
        value: o.perObject,
        baseline: c.perObject,
        format: bytes,
        target: { text: '≤ 1.0× client-node', met: o.perObject <= c.perObject },
      }),
    ]);
  } finally {
    client.close();
    await api.component.stop();
    removeTempDir(logDir);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `informer benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
