/**
 * Benchmark 6 — events while thousands of claims sit Pending: the real kube-controller-manager
 * binary (--leader-elect=false, --kube-api-qps=0) against the apiserver binary on a fresh etcd
 * prefix.
 *
 * Setup: BENCH_EVENTS_CLAIMS (6,000) claims of a StorageClass that does not exist, then the
 * controller-manager starts and reports ProvisioningFailed for each. Every
 * BENCH_EVENTS_RESYNC_S (15 s, the PV controller's resync period in Kubernetes) the benchmark
 * updates one decoy PV of that class (1Mi: it fits no claim), which makes the controller re-sync
 * every Pending claim of the class, so each re-reports its ProvisioningFailed.
 *
 * Measured over a window of BENCH_EVENTS_WINDOW_S (420 s: one whole series refresh, 5–6 min):
 *  - the latency from creating one new claim of the missing class to its ProvisioningFailed
 *    event being visible through the API (a watch on events with
 *    fieldSelector=involvedObject.name, as `kubectl describe` would find it), sampled every
 *    BENCH_EVENTS_SAMPLE_S (30 s); and the same for a claim naming a hostPath PV with class nfs
 *    (VolumeMismatch);
 *  - event requests per minute the controller-manager makes (the apiserver's
 *    apiserver_request_total for resource=events, by verb).
 *
 * With BENCH_EVENTS_BASELINE_ROOT=<checkout with a built dist/> the same run is repeated with
 * that checkout's controller-manager (e.g. main before the bounded recorder) as the baseline.
 *
 *   node dist/test/bench/events.js
 * Env: BENCH_EVENTS_CLAIMS, BENCH_EVENTS_RESYNC_S, BENCH_EVENTS_WINDOW_S, BENCH_EVENTS_SAMPLE_S,
 *      BENCH_EVENTS_MAX_WAIT_S (how long a sample's event is waited for, 60),
 *      BENCH_EVENTS_BASELINE_ROOT.
 */
import type { Event } from '../../pkg/api/core/v1';
import { freshCluster, type BenchCluster } from './lib/cluster';
import { openWatch, type WatchHandle } from './lib/http';
import { hostPathPV, pvc, pvcPath, pvPath, seqName } from './lib/objects';
import { scrapeMetric, startControllerManager } from './lib/procs';
import { fmt, judged, ms, printTable, recordResults, row, times, type ResultRow } from './lib/table';
import { median, runPool, sleep, waitUntil, wallMs } from './lib/stats';

const benchmark = 'events';
const claims = Number(process.env.BENCH_EVENTS_CLAIMS ?? 6000);
const resyncMs = Number(process.env.BENCH_EVENTS_RESYNC_S ?? 15) * 1000;
const windowMs = Number(process.env.BENCH_EVENTS_WINDOW_S ?? 420) * 1000;
const sampleMs = Number(process.env.BENCH_EVENTS_SAMPLE_S ?? 30) * 1000;
const maxWaitMs = Number(process.env.BENCH_EVENTS_MAX_WAIT_S ?? 60) * 1000;
const baselineRoot = process.env.BENCH_EVENTS_BASELINE_ROOT ?? '';
const missingClass = 'bench-missing-class';
const targetMs = 2000;

/** One sample: a claim created at `createdAt` whose event (by reason) arrived at `seenAt`. */
interface Sample {
  createdAt: number;
  seenAt?: number;
  watch?: WatchHandle;
}

/** What one run (one controller-manager build) measured. */
interface RunResult {
  label: string;
  initialMs: number;
  initialCreates: number;
  failed: number[];
  mismatch: number[];
  missedFailed: number;
  missedMismatch: number;
  perMinute: Map<string, number>;
  dropped: number;
}

/** Event requests (by verb) the apiserver has answered so far. */
async function eventRequests(apiUrl: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const [labels, v] of await scrapeMetric(apiUrl, 'apiserver_request_total')) {
    if (!labels.includes('resource="events"')) continue;
    const verb = /verb="([^"]+)"/.exec(labels)?.[1] ?? '';
    if (verb === 'create' || verb === 'patch' || verb === 'get' || verb === 'update')
      out.set(verb, (out.get(verb) ?? 0) + v);
  }
  return out;
}

/** Creates a claim after opening a watch for its `reason` event; resolves with the sample. */
async function sampleEvent(
  c: BenchCluster,
  name: string,
  reason: string,
  make: () => Promise<unknown>,
): Promise<Sample> {
  const sample: Sample = { createdAt: NaN };
  sample.watch = await openWatch(
    c.api.url,
    `/api/v1/namespaces/default/events?watch=true&fieldSelector=${encodeURIComponent(`involvedObject.name=${name}`)}`,
    (ev, at) => {
      const e = ev.object as Event;
      if ((ev.type === 'ADDED' || ev.type === 'MODIFIED') && e.reason === reason && sample.seenAt === undefined)
        sample.seenAt = at;
    },
  );
  sample.createdAt = wallMs();
  await make();
  return sample;
}

async function runOnce(label: string, root: string | undefined): Promise<RunResult> {
  const c = await freshCluster(`events-${label}`);
  let resync: NodeJS.Timeout | undefined;
  try {
    const made = await runPool(32, claims, async (i) => {
      await c.client.create(pvcPath('default'), pvc(seqName('pending', i), { storageClassName: missingClass }));
    });
    if (made.failed) throw new Error(`${made.failed} claim creates failed: ${String(made.firstError)}`);
    await c.client.create(
      pvPath(),
      hostPathPV('resync-trigger', { storageClassName: missingClass, path: `${c.dir}/trigger`, storage: '1Mi' }),
    );

    const before = await eventRequests(c.api.url);
    const t0 = wallMs();
    c.cm = await startControllerManager({
      logDir: c.dir,
      master: c.api.url,
      hostPathBaseDir: `${c.dir}/volumes`,
      workers: 8,
      ...(root ? { root } : {}),
    });
    // The first report of every Pending claim: wait until the apiserver answered that many creates.
    await waitUntil(
      async () => ((await eventRequests(c.api.url)).get('create') ?? 0) - (before.get('create') ?? 0) >= claims,
      300_000,
      `${claims} ProvisioningFailed events created`,
      250,
    ).catch(() => undefined);
    const initialMs = wallMs() - t0;
    const initialCreates = ((await eventRequests(c.api.url)).get('create') ?? 0) - (before.get('create') ?? 0);

    // Kubernetes' 15 s resync of the PV controller, emulated: touch the decoy PV of the class.
    let tick = 0;
    resync = setInterval(() => {
      tick++;
      void fetch(`${c.api.url}${pvPath('resync-trigger')}`, {
        method: 'PATCH',
        headers: { 'Content-Type': 'application/merge-patch+json' },
        body: JSON.stringify({ metadata: { labels: { tick: String(tick) } } }),
      }).catch(() => undefined);
    }, resyncMs);

    const start = await eventRequests(c.api.url);
    const windowStart = wallMs();
    const failed: Sample[] = [];
    const mismatch: Sample[] = [];
    for (let i = 0; wallMs() - windowStart < windowMs; i++) {
      const name = seqName('probe', i, 3);
      failed.push(
        await sampleEvent(c, name, 'ProvisioningFailed', () =>
          c.client.create(pvcPath('default'), pvc(name, { storageClassName: missingClass })),
        ),
      );
      const pvName = seqName('mismatch-pv', i, 3);
      await c.client.create(
        pvPath(),
        hostPathPV(pvName, { storageClassName: 'hostPath', path: `${c.dir}/static/${pvName}` }),
      );
      const claimName = seqName('mismatch', i, 3);
      mismatch.push(
        await sampleEvent(c, claimName, 'VolumeMismatch', () =>
          c.client.create(pvcPath('default'), pvc(claimName, { storageClassName: 'nfs', volumeName: pvName })),
        ),
      );
      const next = windowStart + (i + 1) * sampleMs;
      if (next - windowStart >= windowMs) break;
      await sleep(Math.max(0, next - wallMs()));
    }
    const end = await eventRequests(c.api.url);
    const minutes = (wallMs() - windowStart) / 60_000;
    const perMinute = new Map<string, number>();
    for (const [verb, v] of end) perMinute.set(verb, (v - (start.get(verb) ?? 0)) / minutes);
    clearInterval(resync);
    resync = undefined;
    // Give late samples until maxWaitMs after their create.
    const all = [...failed, ...mismatch];
    await waitUntil(
      () => all.every((s) => s.seenAt !== undefined || wallMs() - s.createdAt > maxWaitMs),
      maxWaitMs + 5000,
      'sample events',
      100,
    ).catch(() => undefined);
    for (const s of all) s.watch?.close();
    const latencies = (xs: Sample[]) =>
      xs.filter((s) => s.seenAt !== undefined).map((s) => (s.seenAt ?? 0) - s.createdAt);
    const dropped = [
      ...(await scrapeMetric(c.cm.url, 'event_recorder_dropped_total').catch(() => new Map<string, number>())).values(),
    ].reduce((a, b) => a + b, 0);
    return {
      label,
      initialMs,
      initialCreates,
      failed: latencies(failed),
      mismatch: latencies(mismatch),
      missedFailed: failed.filter((s) => s.seenAt === undefined).length,
      missedMismatch: mismatch.filter((s) => s.seenAt === undefined).length,
      perMinute,
      dropped,
    };
  } finally {
    if (resync) clearInterval(resync);
    await c.stop();
  }
}

const summary = (xs: number[], missed: number): string =>
  (xs.length ? `${ms(median(xs))} / ${ms(Math.max(...xs))}` : '—') +
  (missed ? ` (${missed} not within ${fmt(maxWaitMs / 1000)} s)` : '');
const worst = (xs: number[], missed: number): number => (missed ? Infinity : xs.length ? Math.max(...xs) : NaN);

async function main(): Promise<void> {
  const runs = [await runOnce('ours', undefined)];
  if (baselineRoot) runs.push(await runOnce('baseline', baselineRoot));
  const [ours, base] = runs;
  if (!ours) throw new Error('no run');
  const writes = (r: RunResult) =>
    (r.perMinute.get('create') ?? 0) + (r.perMinute.get('patch') ?? 0) + (r.perMinute.get('update') ?? 0);
  printTable(
    `Benchmark 6: events with ${fmt(claims)} Pending claims of a missing class, resync every ${fmt(resyncMs / 1000)} s`,
    [
      'controller-manager',
      'first reports (creates) / time',
      'ProvisioningFailed p50 / max',
      'VolumeMismatch p50 / max',
      'event writes/min (create+patch)',
      'gets/min',
      'dropped',
    ],
    runs.map((r) => [
      r.label === 'ours' ? 'this build' : `baseline (${baselineRoot})`,
      `${fmt(r.initialCreates)} / ${ms(r.initialMs)}`,
      summary(r.failed, r.missedFailed),
      summary(r.mismatch, r.missedMismatch),
      fmt(writes(r)),
      fmt(r.perMinute.get('get') ?? 0),
      fmt(r.dropped),
    ]),
    [
      `samples every ${fmt(sampleMs / 1000)} s over a ${fmt(windowMs / 1000)} s window (a whole series refresh cycle, 5–6 min after each create, falls inside it); latency = claim create answered → event seen on a watch of the API`,
      'writes/min from the apiserver\'s apiserver_request_total{resource="events"} over the window',
    ],
  );
  const latencyText = (n: number): string => (Number.isFinite(n) ? ms(n) : `> ${fmt(maxWaitMs / 1000)} s`);
  const latencyRow = (figure: string, pick: (r: RunResult) => number): ResultRow => {
    const v = pick(ours);
    const b = base ? pick(base) : NaN;
    return {
      benchmark,
      figure,
      value: latencyText(v),
      baseline: base ? latencyText(b) : '—',
      ratio: base && Number.isFinite(b) && Number.isFinite(v) ? times(v / b) : '—',
      target: judged({ text: '≤ 2 s', met: v <= targetMs }),
    };
  };
  const rows: ResultRow[] = [
    latencyRow(
      `new claim → ProvisioningFailed visible, worst of ${ours.failed.length + ours.missedFailed} (${fmt(claims)} claims Pending; vs the old serial recorder)`,
      (r) => worst(r.failed, r.missedFailed),
    ),
    latencyRow(`new claim → VolumeMismatch visible, worst of ${ours.mismatch.length + ours.missedMismatch}`, (r) =>
      worst(r.mismatch, r.missedMismatch),
    ),
    row({
      benchmark,
      figure: `first ProvisioningFailed of all ${fmt(claims)} claims written, from controller-manager start`,
      value: ours.initialMs,
      ...(base ? { baseline: base.initialMs } : {}),
      format: (n) => `${fmt(n / 1000, 1)} s`,
    }),
    row({
      benchmark,
      figure: `event writes/min in steady state (${fmt(claims)} Pending, resync ${fmt(resyncMs / 1000)} s)`,
      value: writes(ours),
      ...(base ? { baseline: writes(base) } : {}),
      format: (n) => `${fmt(n)} /min`,
    }),
  ];
  recordResults(rows);
}

main().catch((err: unknown) => {
  process.stderr.write(`events benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
