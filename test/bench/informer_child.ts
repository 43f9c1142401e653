/**
 * One informer in a fresh process (forked by informer.ts with --expose-gc), so its heap numbers
 * are not mixed with anyone else's: loads its library, forces GC, notes heapUsed, starts the
 * informer, times it to synced (every object in its cache), forces GC again, and reports
 * (after − before) over IPC.
 *
 *   node --expose-gc dist/test/bench/informer_child.js ours|ours-unpaged|client-node URL NAMESPACE COUNT
 * (ours-unpaged: our informer with the reflector's pageSize 0 — a diagnostic, not the default.)
 */
import { performance } from 'node:perf_hooks';

/** What the child reports. */
export interface InformerChildResult {
  kind: string;
  /** start → every object in the cache. */
  syncMs: number;
  /** start → list done and watch established (client-node's start() resolving); NaN for ours. */
  startResolvedMs: number;
  cached: number;
  heapBefore: number;
  heapAfter: number;
}

async function settle(): Promise<number> {
  const gc = globalThis.gc;
  if (!gc) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 6; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  return process.memoryUsage().heapUsed;
}

async function ours(url: string, namespace: string, count: number, pageSize?: number): Promise<InformerChildResult> {
  const { Clientset } = await import('../../pkg/client/clientset');
  const { SharedInformerFactory } = await import('../../pkg/informer/factory');
  const { silentLogger } = await import('../../pkg/log/logger');
  const factory = new SharedInformerFactory(new Clientset({ server: url }), {
    logger: silentLogger(),
    ...(pageSize !== undefined ? { reflector: { pageSize } } : {}),
  });
  const informer = factory.persistentVolumeClaims({ namespace });
  const ac = new AbortController();
  const heapBefore = await settle();
  const t0 = performance.now();
  factory.start(ac.signal);
  await factory.waitForCacheSync();
  const syncMs = performance.now() - t0;
  const cached = informer.lister().list().length;
  if (cached !== count) throw new Error(`ours: cached ${cached}, expected ${count}`);
  const heapAfter = await settle();
  // Still reachable here, so its cache counts in heapAfter.
  const stillCached = informer.lister().list().length;
  ac.abort();
  await factory.stopped();
  return {
    kind: pageSize === 0 ? 'ours-unpaged' : 'ours',
    syncMs,
    startResolvedMs: NaN,
    cached: stillCached,
    heapBefore,
    heapAfter,
  };
}

async function clientNode(url: string, namespace: string, count: number): Promise<InformerChildResult> {
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'bench', server: url, skipTLSVerify: true }],
    users: [{ name: 'bench' }],
    contexts: [{ name: 'bench', cluster: 'bench', user: 'bench' }],
    currentContext: 'bench',
  });
  const api = kc.makeApiClient(k8s.CoreV1Api);
  const informer = k8s.makeInformer(kc, `/api/v1/namespaces/${namespace}/persistentvolumeclaims`, () =>
    api.listNamespacedPersistentVolumeClaim({ namespace }),
  );
  let adds = 0;
  let onSynced: () => void = () => undefined;
  const synced = new Promise<void>((r) => (onSynced = r));
  informer.on('add', () => {
    if (++adds === count) onSynced();
  });
  let stopping = false;
  informer.on('error', (err: unknown) => {
    if (!stopping) process.stderr.write(`client-node informer error: ${String(err)}\n`);
  });
  const heapBefore = await settle();
  const t0 = performance.now();
  const started = informer.start();
  await synced;
  const syncMs = performance.now() - t0;
  await started;
  const startResolvedMs = performance.now() - t0;
  const cached = informer.list(namespace).length;
  if (cached !== count) throw new Error(`client-node: cached ${cached}, expected ${count}`);
  const heapAfter = await settle();
  const stillCached = informer.list(namespace).length;
  stopping = true;
  await informer.stop();
  return { kind: 'client-node', syncMs, startResolvedMs, cached: stillCached, heapBefore, heapAfter };
}

async function main(): Promise<void> {
  const [kind = '', url = '', namespace = 'default', countText = '0'] = process.argv.slice(2);
  const count = Number(countText);
  const result =
    kind === 'ours'
      ? await ours(url, namespace, count)
      : kind === 'ours-unpaged'
        ? await ours(url, namespace, count, 0)
        : kind === 'client-node'
          ? await clientNode(url, namespace, count)
          : undefined;
  if (!result) throw new Error(`unknown informer kind "${kind}" (ours|ours-unpaged|client-node)`);
  await new Promise<void>((resolve, reject) => {
    if (!process.send) return reject(new Error('no IPC channel: fork this from informer.js'));
    process.send(result, (err: Error | null) => (err ? reject(err) : resolve()));
  });
}

main()
  .then(() => process.exit(0))
  .catch((err: unknown) => {
    process.stderr.write(`informer child failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
