/**
 * The receiving side of the watch benchmark, in its own process (forked by watch.ts, so the
 * writer's CPU does not delay deliveries): N apiserver watches on one collection plus one raw
 * etcd watch on the same keys. Each delivery is timestamped on arrival (wall clock, comparable
 * with the writer's timestamps); at the end the writer says what it created and when, and this
 * process reports lost, duplicated and latency figures.
 */
import { Etcd3, type Watcher } from 'etcd3';
import http from 'node:http';
import { openWatch, type WatchHandle } from './lib/http';
import { sortedPercentile, sleep, wallMs } from './lib/stats';
import type {
  ExpectMessage,
  FromReceiver,
  LatencySummary,
  ResultMessage,
  StartMessage,
  ToReceiver,
} from './lib/watch_protocol';

/** One watcher's deliveries. */
interface Deliveries {
  first: Map<string, number>;
  duplicated: number;
  lastRV: string;
  reconnects: number;
  opened: boolean;
  handle?: WatchHandle;
}

function send(m: FromReceiver): void {
  process.send?.(m);
}

function summarize(values: Float64Array): LatencySummary {
  values.sort();
  return {
    count: values.length,
    p50: sortedPercentile(values, 50),
    p90: sortedPercentile(values, 90),
    p99: sortedPercentile(values, 99),
    max: values.length ? (values[values.length - 1] ?? NaN) : NaN,
  };
}

let stopping = false;

/** Keeps one watcher open, resuming from its last resourceVersion if the server ends it early. */
async function follow(start: StartMessage, d: Deliveries, agent: http.Agent): Promise<void> {
  const onEvent = (
    ev: { type: string; object: { metadata: { name?: string; resourceVersion?: string } } },
    at: number,
  ): void => {
    if (ev.type === 'BOOKMARK' || ev.type === 'ERROR') return;
    const name = ev.object.metadata.name ?? '';
    d.lastRV = ev.object.metadata.resourceVersion ?? d.lastRV;
    if (d.first.has(name)) d.duplicated++;
    else d.first.set(name, at);
  };
  for (;;) {
    const path = `${start.path}?watch=true&resourceVersion=${d.lastRV}&timeoutSeconds=1800`;
    d.handle = await openWatch(start.url, path, onEvent, agent);
    if (!d.opened) {
      d.opened = true;
      readyCount++;
    }
    await d.handle.ended;
    if (stopping) return;
    d.reconnects++;
  }
}

let readyCount = 0;

async function run(start: StartMessage): Promise<void> {
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const watchers: Deliveries[] = Array.from({ length: start.watchers }, () => ({
    first: new Map(),
    duplicated: 0,
    lastRV: start.resourceVersion,
    reconnects: 0,
    opened: false,
  }));
  const etcdSeen = new Map<string, number>();
  let etcdDup = 0;
  const etcd = new Etcd3({ hosts: start.etcdEndpoint });
  const watcher: Watcher = await etcd
    .watch()
    .prefix(start.etcdKeyPrefix)
    .startRevision(String(Number(start.resourceVersion) + 1))
    .create();
  watcher.on('put', (kv) => {
    const at = wallMs();
    const key = kv.key.toString('utf8');
    const name = key.slice(key.lastIndexOf('/') + 1);
    if (etcdSeen.has(name)) etcdDup++;
    else etcdSeen.set(name, at);
  });
  const following = watchers.map((d) =>
    follow(start, d, agent).catch((err: unknown) => send({ type: 'error', message: `watch failed: ${String(err)}` })),
  );
  while (readyCount < start.watchers) await sleep(5);
  send({ type: 'ready' });

  const expect = await new Promise<ExpectMessage>((resolve) => {
    process.on('message', (m: ToReceiver) => {
      if (m.type === 'expect') resolve(m);
    });
  });
  const created = new Map(expect.created);
  const deadline = Date.now() + expect.waitMs;
  const complete = (d: Deliveries): boolean => [...created.keys()].every((n) => d.first.has(n));
  while (
    Date.now() < deadline &&
    !(watchers.every((d) => d.first.size >= created.size && complete(d)) && etcdSeen.size >= created.size)
  )
    await sleep(20);
  // A short grace period to catch late duplicates.
  await sleep(200);
  stopping = true;

  let lost = 0;
  let unexpected = 0;
  let done = 0;
  let lastDelivery = 0;
  const firstCreate = Math.min(...created.values());
  const api = new Float64Array(created.size * watchers.length);
  const added = new Float64Array(created.size * watchers.length);
  let k = 0;
  let a = 0;
  for (const d of watchers) {
    let missing = 0;
    for (const [name, t] of created) {
      const at = d.first.get(name);
      if (at === undefined) {
        missing++;
        continue;
      }
      api[k++] = at - t;
      const viaEtcd = etcdSeen.get(name);
      if (viaEtcd !== undefined) added[a++] = at - viaEtcd;
      if (at > lastDelivery) lastDelivery = at;
    }
    for (const name of d.first.keys()) if (!created.has(name)) unexpected++;
    lost += missing;
    if (missing === 0) done++;
  }
  const etcdLat = new Float64Array(created.size);
  let e = 0;
  let etcdLost = 0;
  for (const [name, t] of created) {
    const at = etcdSeen.get(name);
    if (at === undefined) etcdLost++;
    else etcdLat[e++] = at - t;
  }
  const result: ResultMessage = {
    type: 'result',
    watchers: watchers.length,
    complete: done,
    lost,
    duplicated: watchers.reduce((s, d) => s + d.duplicated, 0),
    unexpected,
    reconnects: watchers.reduce((s, d) => s + d.reconnects, 0),
    lastDeliveryAfterMs: lastDelivery - firstCreate,
    api: summarize(api.subarray(0, k)),
    addedOverEtcd: summarize(added.subarray(0, a)),
    etcd: { ...summarize(etcdLat.subarray(0, e)), lost: etcdLost, duplicated: etcdDup },
  };
  send(result);
  for (const d of watchers) d.handle?.close();
  await watcher.cancel();
  etcd.close();
  agent.destroy();
  await Promise.all(following);
}

process.once('message', (m: ToReceiver) => {
  if (m.type !== 'start') return;
  run(m)
    .then(() => process.disconnect?.())
    .catch((err: unknown) => {
      send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
      process.exitCode = 1;
      process.disconnect?.();
    });
});
