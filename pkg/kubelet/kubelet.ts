/**
 * The kubelet: runs the pods assigned to its node as Docker containers.
 *
 *   pod informer (spec.nodeName=<node>) ─┐
 *   claim / PV GETs per pod sync ── volume manager (populator → DSW, reconciler → ASW) ─┤
 *   runtime container events ────────────────────────────────────────────────────┴→ pod work queue
 *   pod workers (N, one pod never twice at once) → syncPod → Docker + pods/status
 *
 * Pods are keyed `namespace/name`; a sync also removes containers of an older pod with the same
 * name (different uid) and of pods that no longer exist, so a kubelet restarted at any point
 * adopts what runs, cleans what is orphaned, and finishes half-done work.
 *
 * The kubelet reads only what the Node authorizer lets it: its own pods and its own Node
 * (field-selected informers; the Node's labels decide which volumes' nodeAffinity admits this
 * node, so a PV pinned to another node is never mounted here), and the claims and volumes they use, fetched with GETs on every sync of a pod
 * (ClaimFetcher); a pod whose claims are not usable yet is synced again with backoff, so a
 * claim that binds later is seen without a list or watch of all claims. Each claim a pod here
 * uses is also watched by name (ClaimWatches), so a change to it (a resize for the node to
 * finish) syncs its pods at once.
 */
import type { Logger } from 'pino';
import type { ClientConfig } from '../client/config';
import { Clientset } from '../client/clientset';
import { EventBroadcaster } from '../client/record/broadcaster';
import { PatchType } from '../client/resource_client';
import { runWorkers, ControllerMetrics } from '../util/reconcile/runner';
import { SharedInformerFactory } from '../informer/factory';
import { unwrapTombstone } from '../informer/tombstone';
import { Registry } from '../metrics/registry';
import { defaultControllerRateLimiter, RateLimitingQueue } from '../util/workqueue';
import { NodeStatusManager } from './node_status';
import { crashLoopBackoff, type SyncDeps } from './pod_sync';
import { PodWorker } from './pod_worker';
import { watchRuntimeEvents } from './runtime_events';
import { ContainerLabel, type ContainerRuntime } from './runtime/interface';
import { startKubeletServer } from './server';
import { secureServing, type KubeletServingConfig } from './auth/serving';
import type { NodeDrivers } from '../volume/node_drivers';
import { cleanupOrphanedVolumes } from './volumemanager/orphans';
import { ClaimFetcher, orUndefined } from './volumemanager/claim_fetcher';
import { NodeExpander } from './volumemanager/node_expander';
import { ClaimWatches, claimKeysOf, informerWatchClaim } from './volumemanager/claim_watches';
import { VolumeManager } from './volumemanager/volume_manager';
import { realStatsFs, VolumeStatsCollector } from './volumestats/collector';
import { registerVolumeStatsMetrics } from './volumestats/metrics';
import { volumeSummary } from './volumestats/summary';
import { namespacedKey, objectKey } from '../api/keys';
import { backoffUntil, KeyedBackoff } from '../util/wait';

/** Configuration of a kubelet. */
export interface KubeletConfig {
  client: ClientConfig;
  nodeName: string;
  rootDir: string;
  hostIP: string;
  runtime: ContainerRuntime;
  /** The volume drivers' node halves. */
  drivers: NodeDrivers;
  networkMode: string;
  bindAddress: string;
  port: number;
  workers: number;
  heartbeatMs?: number;
  logger: Logger;
  /** Period of the volume stats (--volume-stats-agg-period; default 60 s; 0 disables them). */
  volumeStatsPeriodMs?: number;
  /** --streaming-connection-idle-timeout (default 4h; 0: never). */
  streamingIdleTimeoutMs?: number;
  /** Caps of one volume's walk (defaults: 1,000,000 entries, 10 s). */
  volumeStatsWalk?: { maxEntries: number; timeoutMs: number };
  /** The secure server (undefined: plain HTTP, no authentication: a test mode). */
  tls?: KubeletServingConfig;
}

function podKeyOfLabels(labels: Record<string, string>): string | undefined {
  const ns = labels[ContainerLabel.PodNamespace];
  const name = labels[ContainerLabel.PodName];
  return ns && name ? namespacedKey(ns, name) : undefined;
}

/** Runs the kubelet until `signal` aborts. */
export async function run(cfg: KubeletConfig, signal: AbortSignal): Promise<void> {
  const log = cfg.logger;
  const client = new Clientset({ ...cfg.client, userAgent: `kubelet/${cfg.nodeName}` });
  const registry = new Registry();
  const metrics = new ControllerMetrics(registry);
  const events = new EventBroadcaster({ events: client.events, logger: log, registry });
  const recorder = events.newRecorder('kubelet', cfg.nodeName);
  const factory = new SharedInformerFactory(client, { logger: log, resyncPeriodMs: 60_000 });
  const podInformer = factory.pods({ fieldSelector: `spec.nodeName=${cfg.nodeName}` });
  const pods = podInformer.lister();
  const nodeInformer = factory.nodes({ fieldSelector: `metadata.name=${cfg.nodeName}` });
  const nodes = nodeInformer.lister();
  const claims = new ClaimFetcher({
    get: {
      claim: orUndefined((ns: string, name: string) => client.persistentVolumeClaims.get(name, ns)),
      volume: orUndefined((name: string) => client.persistentVolumes.get(name)),
    },
  });
  const queue = new RateLimitingQueue({ rateLimiter: defaultControllerRateLimiter() });

  const volumes = new VolumeManager({
    drivers: cfg.drivers,
    rootDir: cfg.rootDir,
    node: () => nodes.get(cfg.nodeName),
    logger: log.child({ logger: 'volumemanager' }),
    listers: claims,
    expander: new NodeExpander({
      drivers: cfg.drivers,
      claims: {
        get: (ns, name) => client.persistentVolumeClaims.get(name, ns),
        updateStatus: (c) => client.persistentVolumeClaims.updateStatus(c),
      },
      recorder,
    }),
    onPodChanged: (uid) => {
      const key = worker.keyOf(uid);
      if (key) queue.add(key);
    },
  });

  const statsPeriodMs = cfg.volumeStatsPeriodMs ?? 60_000;
  const volumeStats = new VolumeStatsCollector({
    volumes: () => volumes.mountedClaimVolumes(),
    fs: realStatsFs(cfg.volumeStatsWalk ?? { maxEntries: 1_000_000, timeoutMs: 10_000 }),
    recorder,
    periodMs: statsPeriodMs,
    logger: log.child({ logger: 'volumestats' }),
  });
  registerVolumeStatsMetrics(registry, volumeStats, () => volumes.mountedClaimVolumes());

  const server = await startKubeletServer({
    address: cfg.bindAddress,
    port: cfg.port,
    runtime: cfg.runtime,
    pod: (ns, name) => pods.get(namespacedKey(ns, name)),
    healthy: () => true,
    metrics: registry,
    summary: () => volumeSummary(cfg.nodeName, volumeStats, volumes.mountedClaimVolumes()),
    logger: log,
    ...(cfg.streamingIdleTimeoutMs !== undefined ? { streamingIdleTimeoutMs: cfg.streamingIdleTimeoutMs } : {}),
    ...(cfg.tls
      ? {
          tls: secureServing(
            cfg.tls,
            (path, body) => client.rest.request<unknown>('POST', path, { body }),
            cfg.nodeName,
            log.child({ logger: 'kubelet-server' }),
          ),
        }
      : {}),
  });
  const nodeStatus = new NodeStatusManager({
    client,
    nodeName: cfg.nodeName,
    hostIP: cfg.hostIP,
    kubeletPort: server.port,
    runtime: cfg.runtime,
    recorder,
    logger: log,
    ...(cfg.heartbeatMs ? { heartbeatMs: cfg.heartbeatMs } : {}),
  });

  const deps: SyncDeps = {
    runtime: cfg.runtime,
    volumes,
    recorder,
    backoff: new KeyedBackoff(crashLoopBackoff),
    hostIP: cfg.hostIP,
    networkMode: cfg.networkMode,
    logger: log,
    pods: {
      patchStatus: async (ns, name, status) => {
        await client.pods.patch(name, ns, PatchType.Merge, { status }, { subresource: 'status' });
      },
      confirmDeletion: async (ns, name, uid) => {
        await client.pods.delete(name, ns, { gracePeriodSeconds: 0, preconditions: { uid } });
      },
    },
  };

  const worker = new PodWorker({ pods, claims, volumes, sync: deps, logger: log });

  const claimWatches = new ClaimWatches({
    watch: informerWatchClaim(client.persistentVolumeClaims, log.child({ component: 'claim-watches' })),
    onChange: (key) => {
      for (const p of pods.list()) if (claimKeysOf(p).includes(key)) queue.add(objectKey(p));
    },
  });
  const podsChanged = () => claimWatches.set(pods.list().flatMap(claimKeysOf));
  podInformer.addEventHandler({
    onAdd: (p) => {
      queue.add(objectKey(p));
      podsChanged();
    },
    onUpdate: (_o, p) => {
      queue.add(objectKey(p));
      podsChanged();
    },
    onDelete: (obj) => {
      queue.add(objectKey(unwrapTombstone(obj)));
      podsChanged();
    },
  });
  try {
    await registerWithRetry(nodeStatus, log, signal);
    factory.start(signal);
    await factory.waitForCacheSync(signal);
    await cleanupOrphanedVolumes({
      drivers: cfg.drivers,
      rootDir: cfg.rootDir,
      pods: pods.list(),
      claims,
      logger: log,
    });
    // Adopt or clean up whatever the runtime already runs for us.
    for (const c of await cfg.runtime.listContainers().catch(() => [])) {
      const key = podKeyOfLabels(c.labels);
      if (key) queue.add(key);
    }
    log.info({ node: cfg.nodeName, port: server.port }, 'kubelet started');
    await Promise.all([
      nodeStatus.run(signal),
      watchRuntimeEvents({
        runtime: cfg.runtime,
        onContainerEvent: (labels) => {
          const key = podKeyOfLabels(labels);
          if (key) queue.add(key);
        },
        resyncAll: () => {
          for (const p of pods.list()) queue.add(objectKey(p));
        },
        signal,
        logger: log,
      }),
      statsPeriodMs > 0 ? volumeStats.run(signal) : Promise.resolve(),
      runWorkers({
        name: 'pod-workers',
        queue,
        reconciler: worker,
        workers: cfg.workers,
        logger: log,
        signal,
        metrics,
      }),
    ]);
  } finally {
    claimWatches.stop();
    volumes.stop();
    events.shutdown();
    await server.stop();
    client.close();
  }
}

/** Registers the node, retrying with backoff while the apiserver is unreachable. */
async function registerWithRetry(ns: NodeStatusManager, log: Logger, signal: AbortSignal): Promise<void> {
  await backoffUntil(() => ns.register(), {
    backoff: { durationMs: 500, factor: 2, capMs: 10_000 },
    signal,
    onRetry: (err, delay) =>
      log.warn({ err: (err as Error).message, retryInMs: delay }, 'could not register node; retrying'),
  });
}
