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
 * The kubelet reads only what the Node authorizer lets it: its own pods (a field-selected
 * informer), and the claims and volumes they use, fetched with GETs on every sync of a pod
 * (ClaimFetcher); a pod whose claims are not usable yet is synced again with backoff, so a
 * claim that binds later is seen without a list or watch of all claims.
 */
import type { Logger } from 'pino';
import type { Pod } from '../api/core/v1';
import { isNotFound } from '../api/errors';
import type { Stored } from '../api/stored';
import type { ClientConfig } from '../client/config';
import { Clientset } from '../client/clientset';
import { EventBroadcaster } from '../client/record/broadcaster';
import { PatchType } from '../client/resource_client';
import { runWorkers, ControllerMetrics, type Result } from '../util/reconcile/runner';
import { SharedInformerFactory } from '../informer/factory';
import type { DeepReadonly } from '../util/immutable/deep_readonly';
import { unwrapTombstone } from '../informer/tombstone';
import { Registry } from '../metrics/registry';
import { defaultControllerRateLimiter, RateLimitingQueue } from '../util/workqueue';
import { NodeStatusManager } from './node_status';
import { crashLoopBackoff, syncPod, type SyncDeps } from './pod_sync';
import { watchRuntimeEvents } from './runtime_events';
import { ContainerLabel, type ContainerRuntime } from './runtime/interface';
import { startKubeletServer } from './server';
import { secureServing, type KubeletServingConfig } from './auth/serving';
import type { NodeDrivers } from '../volume/node_drivers';
import { desiredPod, type VolumeListers } from './volumemanager/populator';
import { ClaimFetcher, orUndefined } from './volumemanager/claim_fetcher';
import { VolumeManager } from './volumemanager/volume_manager';
import { jsonClone } from '../util/json/clone';
import { namespacedKey, objectKey, splitKey } from '../api/keys';
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
  const claims = new ClaimFetcher({
    get: {
      claim: orUndefined((ns: string, name: string) => client.persistentVolumeClaims.get(name, ns)),
      volume: orUndefined((name: string) => client.persistentVolumes.get(name)),
    },
  });
  const queue = new RateLimitingQueue({ rateLimiter: defaultControllerRateLimiter() });
  const keyByUid = new Map<string, string>();

  const volumes = new VolumeManager({
    drivers: cfg.drivers,
    rootDir: cfg.rootDir,
    logger: log.child({ component: 'volumemanager' }),
    listers: claims,
    onPodChanged: (uid) => {
      const key = keyByUid.get(uid);
      if (key) queue.add(key);
    },
  });

  const server = await startKubeletServer({
    address: cfg.bindAddress,
    port: cfg.port,
    runtime: cfg.runtime,
    pod: (ns, name) => pods.get(namespacedKey(ns, name)),
    healthy: () => true,
    metrics: registry,
    logger: log,
    ...(cfg.tls
      ? {
          tls: secureServing(
            cfg.tls,
            (path, body) => client.rest.request<unknown>('POST', path, { body }),
            cfg.nodeName,
            log.child({ component: 'kubelet-server' }),
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

  /** Removes containers of pods that are not (or no longer) this pod, then syncs the pod. */
  const reconcile = async (key: string): Promise<Result | void> => {
    const cached = pods.get(key);
    const pod = cached ? (jsonClone(cached) as Stored<Pod, 'Namespaced'>) : undefined;
    const { namespace = '', name } = splitKey(key);
    const sameName = await cfg.runtime.listContainers({ pod: { namespace, name } });
    const stale = sameName.filter((c) => c.labels[ContainerLabel.PodUid] !== pod?.metadata.uid);
    for (const uid of new Set(stale.map((c) => c.labels[ContainerLabel.PodUid] ?? ''))) {
      log.info({ pod: key, uid }, 'removing containers of a pod that no longer exists');
      for (const c of stale.filter((s) => s.labels[ContainerLabel.PodUid] === uid)) {
        await cfg.runtime.stopContainer(c.id, 2);
        await cfg.runtime.removeContainer(c.id);
      }
      volumes.removePod(uid);
      claims.forget(uid);
      keyByUid.delete(uid);
    }
    // Pods under this key that are gone but had no container (force-deleted while waiting for
    // an image, say) still have volumes to tear down.
    for (const [uid, k] of keyByUid) {
      if (k !== key || uid === pod?.metadata.uid) continue;
      volumes.removePod(uid);
      claims.forget(uid);
      keyByUid.delete(uid);
    }
    if (!pod) return;
    keyByUid.set(pod.metadata.uid, key);
    let retryAfterMs: number | undefined;
    if (!pod.metadata.deletionTimestamp) {
      // Fresh reads of the pod's claims and volumes (a failed GET retries the whole sync).
      retryAfterMs = (await claims.fetch(pod)).retryAfterMs;
      volumes.setPod(pod);
    }
    try {
      const result = await syncPod(deps, pod);
      const after = [result?.requeueAfter, retryAfterMs].filter((ms): ms is number => ms !== undefined);
      return after.length ? { requeueAfter: Math.min(...after) } : undefined;
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  };

  podInformer.addEventHandler({
    onAdd: (p) => queue.add(objectKey(p)),
    onUpdate: (_o, p) => queue.add(objectKey(p)),
    onDelete: (obj) => queue.add(objectKey(unwrapTombstone(obj))),
  });
  try {
    await registerWithRetry(nodeStatus, log, signal);
    factory.start(signal);
    await factory.waitForCacheSync(signal);
    await unmountOrphanedVolumes(cfg, pods.list(), claims, log);
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
      runWorkers({
        name: 'pod-workers',
        queue,
        reconciler: { reconcile },
        workers: cfg.workers,
        logger: log,
        signal,
        metrics,
      }),
    ]);
  } finally {
    volumes.stop();
    events.shutdown();
    await server.stop();
    client.close();
  }
}

/**
 * After a restart, what drivers left for pods that are gone (shared mounts) is cleaned up by
 * each driver's optional cleanupOrphans (the volume manager's actual state starts empty and
 * would never see it); volumes of pods still here are re-attached by their next publish.
 */
async function unmountOrphanedVolumes(
  cfg: KubeletConfig,
  pods: readonly DeepReadonly<Stored<Pod, 'Namespaced'>>[],
  claims: ClaimFetcher,
  log: Logger,
): Promise<void> {
  try {
    await Promise.all(pods.map((p) => claims.fetch(p)));
  } catch (err) {
    // Without every pod's volumes known, nothing can be called orphaned.
    log.warn(
      { err: (err as Error).message },
      "could not read the claims of this node's pods; orphaned volume mounts are left for now",
    );
    return;
  }
  const listers: VolumeListers = claims;
  const keep = new Set(
    pods.flatMap((p) =>
      desiredPod(p, listers).volumes.flatMap((v) => (v.pv?.metadata.name ? [v.pv.metadata.name] : [])),
    ),
  );
  try {
    const removed = await cfg.drivers.cleanupOrphans(cfg.rootDir, keep);
    if (removed.length) log.info({ volumes: removed }, 'unmounted volumes no pod needs after restart');
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'could not clean up orphaned volume mounts');
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
