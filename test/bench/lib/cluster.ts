/**
 * Cluster-level helpers of the binding and kubelet benchmarks: a fresh apiserver (+ optional
 * controller-manager) per scenario, a watch that records when each object first reached a phase,
 * the apiserver's sequential PUT rate, and "the controller-manager has nothing left to do".
 */
import type { KubeObject } from '../../../pkg/api/meta';
import { JsonClient, openWatch, type WatchHandle } from './http';
import { pvc, pvcPath } from './objects';
import {
  benchTempDir,
  removeTempDir,
  startApiServer,
  startControllerManager,
  uniquePrefix,
  workqueueDepth,
  type ApiServerProc,
  type ControllerManagerProc,
} from './procs';
import { sleep, wallMs, waitUntil } from './stats';

/** An apiserver (and maybe a controller-manager) on a fresh etcd prefix. */
export interface BenchCluster {
  name: string;
  dir: string;
  api: ApiServerProc;
  cm?: ControllerManagerProc;
  client: JsonClient;
  /** Starts the controller-manager (hostPath base under dir). */
  startControllerManager(extra?: string[]): Promise<ControllerManagerProc>;
  stop(): Promise<void>;
}

/** Starts an apiserver binary on a fresh prefix; the controller-manager is started on demand. */
export async function freshCluster(
  name: string,
  o: { hostPathBaseDir?: string; workers?: number } = {},
): Promise<BenchCluster> {
  const dir = benchTempDir(name);
  const api = await startApiServer({ logDir: dir, prefix: uniquePrefix(name) });
  const cluster: BenchCluster = {
    name,
    dir,
    api,
    client: new JsonClient(api.url, 64),
    startControllerManager: async (extra = []) => {
      cluster.cm = await startControllerManager({
        logDir: dir,
        master: api.url,
        hostPathBaseDir: o.hostPathBaseDir ?? `${dir}/volumes`,
        workers: o.workers ?? 8,
        extra,
      });
      return cluster.cm;
    },
    stop: async () => {
      cluster.client.close();
      await cluster.cm?.component.stop();
      await api.component.stop();
      removeTempDir(dir);
    },
  };
  return cluster;
}

type Phased = KubeObject & { status?: { phase?: string } };

/**
 * Follows a collection from a list and records, per object name, the wall-clock time it was
 * first seen in `phase` (objects already in it at list time count from the list).
 */
export class PhaseWatch<T extends Phased = Phased> {
  readonly reachedAt = new Map<string, number>();
  readonly latest = new Map<string, T>();
  private handle?: WatchHandle;
  private readonly waiters = new Map<string, () => void>();

  constructor(private readonly phase: string) {}

  /** Lists and starts watching `path` (a collection path without query). */
  async open(server: string, client: JsonClient, path: string): Promise<this> {
    const list = await client.list<T>(path);
    const at = wallMs();
    for (const obj of list.items) this.observe(obj, at);
    const rv = list.metadata.resourceVersion ?? '0';
    this.handle = await openWatch(
      server,
      `${path}?watch=true&resourceVersion=${rv}&timeoutSeconds=1800`,
      (ev, evAt) => {
        if (ev.type === 'ADDED' || ev.type === 'MODIFIED') this.observe(ev.object as T, evAt);
      },
    );
    return this;
  }

  private observe(obj: T, at: number): void {
    const name = obj.metadata.name ?? '';
    this.latest.set(name, obj);
    if (obj.status?.phase === this.phase && !this.reachedAt.has(name)) {
      this.reachedAt.set(name, at);
      this.waiters.get(name)?.();
      this.waiters.delete(name);
    }
  }

  /** Objects that reached the phase so far. */
  get count(): number {
    return this.reachedAt.size;
  }

  /** Resolves with the time `name` reached the phase. */
  async waitFor(name: string, timeoutMs: number): Promise<number> {
    const seen = this.reachedAt.get(name);
    if (seen !== undefined) return seen;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `${name} not ${this.phase} within ${timeoutMs} ms (last: ${JSON.stringify(this.latest.get(name)?.status ?? {})})`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.set(name, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.reachedAt.get(name) ?? NaN;
  }

  /** Waits until `n` objects reached the phase. */
  async waitCount(n: number, timeoutMs: number, what: string): Promise<void> {
    await waitUntil(() => this.count >= n, timeoutMs, `${what} (${this.count}/${n} ${this.phase})`, 20);
  }

  close(): void {
    this.handle?.close();
  }
}

/**
 * The apiserver's sequential PUT rate (requests/s): one claim updated `count` times in a row,
 * each PUT carrying the resourceVersion the previous one returned (after `warmup` PUTs). The
 * claim is deleted afterwards. Run it before any controller watches the namespace.
 */
export async function sequentialPutRate(client: JsonClient, count = 500, warmup = 50): Promise<number> {
  const name = `put-probe-${Math.random().toString(36).slice(2, 8)}`;
  let obj = await client.create<Phased & { metadata: { labels?: Record<string, string> } }>(
    pvcPath('default'),
    pvc(name, { storageClassName: 'bench-put-probe' }),
  );
  const put = async (i: number): Promise<void> => {
    obj = await client.json('PUT', pvcPath('default', name), {
      ...obj,
      metadata: { ...obj.metadata, labels: { ...obj.metadata.labels, step: String(i) } },
    });
  };
  for (let i = 0; i < warmup; i++) await put(i);
  const t0 = performance.now();
  for (let i = 0; i < count; i++) await put(warmup + i);
  const rate = (count / (performance.now() - t0)) * 1000;
  await client.json('DELETE', pvcPath('default', name));
  return rate;
}

/** Waits until every work queue of the controller-manager stayed empty for `stableMs`. */
export async function waitControllerIdle(cm: ControllerManagerProc, timeoutMs: number, stableMs = 300): Promise<void> {
  let idleSince = 0;
  await waitUntil(
    async () => {
      const depth = await workqueueDepth(cm.url);
      if (depth !== 0) {
        idleSince = 0;
        return false;
      }
      idleSince ||= Date.now();
      return Date.now() - idleSince >= stableMs;
    },
    timeoutMs,
    'controller-manager work queues to drain',
    50,
  );
  await sleep(50);
}
