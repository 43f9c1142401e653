/**
 * The pod worker's reconcile (one key `namespace/name` at a time; the runner guarantees a key
 * is never worked on twice at once): removes containers of an older pod with the same name
 * (another uid) and forgets the volumes of pods that are gone, reads the pod's claims afresh,
 * hands the pod to the volume manager and runs syncPod. A pod whose claims are not usable yet
 * is looked at again after the claim fetcher's backoff.
 */
import type { Pod } from '../api/core/v1';
import { isNotFound } from '../api/errors';
import { splitKey } from '../api/keys';
import type { Stored } from '../api/stored';
import type { DeepReadonly } from '../util/immutable/deep_readonly';
import { jsonClone } from '../util/json/clone';
import type { Reconciler, Result } from '../util/reconcile/runner';
import type { Logger } from 'pino';
import { syncPod, type SyncDeps } from './pod_sync';
import { ContainerLabel } from './runtime/interface';
import type { ClaimFetcher } from './volumemanager/claim_fetcher';
import type { VolumeManager } from './volumemanager/volume_manager';

/** A pod as the apiserver stored it (what the kubelet's informer caches). */
type StoredPod = Stored<Pod, 'Namespaced'>;

/** What a pod worker reads and drives. */
export interface PodWorkerDeps {
  /** The kubelet's pod cache (its own pods). */
  pods: { get(key: string): DeepReadonly<StoredPod> | undefined };
  claims: ClaimFetcher;
  volumes: VolumeManager;
  sync: SyncDeps;
  logger: Logger;
}

/** See the file comment. */
export class PodWorker implements Reconciler {
  /** Pod uid → key, for the pods this kubelet has synced (the volume manager reports by uid). */
  private readonly keyByUid = new Map<string, string>();

  constructor(private readonly d: PodWorkerDeps) {}

  /** The key of a pod this kubelet synced, by uid. */
  keyOf(uid: string): string | undefined {
    return this.keyByUid.get(uid);
  }

  async reconcile(key: string): Promise<Result | void> {
    const { runtime } = this.d.sync;
    const cached = this.d.pods.get(key);
    const pod = cached ? (jsonClone(cached) as StoredPod) : undefined;
    const { namespace = '', name } = splitKey(key);
    const sameName = await runtime.listContainers({ pod: { namespace, name } });
    const stale = sameName.filter((c) => c.labels[ContainerLabel.PodUid] !== pod?.metadata.uid);
    for (const uid of new Set(stale.map((c) => c.labels[ContainerLabel.PodUid] ?? ''))) {
      this.d.logger.info({ pod: key, uid }, 'removing containers of a pod that no longer exists');
      for (const c of stale.filter((s) => s.labels[ContainerLabel.PodUid] === uid)) {
        await runtime.stopContainer(c.id, 2);
        await runtime.removeContainer(c.id);
      }
      this.forget(uid);
    }
    // Pods under this key that are gone but had no container (force-deleted while waiting for
    // an image, say) still have volumes to tear down.
    for (const [uid, k] of this.keyByUid) {
      if (k === key && uid !== pod?.metadata.uid) this.forget(uid);
    }
    if (!pod) return;
    this.keyByUid.set(pod.metadata.uid, key);
    let retryAfterMs: number | undefined;
    if (!pod.metadata.deletionTimestamp) {
      // Fresh reads of the pod's claims and volumes (a failed GET retries the whole sync).
      retryAfterMs = (await this.d.claims.fetch(pod)).retryAfterMs;
      this.d.volumes.setPod(pod);
    }
    try {
      const result = await syncPod(this.d.sync, pod);
      const after = [result?.requeueAfter, retryAfterMs].filter((ms): ms is number => ms !== undefined);
      return after.length ? { requeueAfter: Math.min(...after) } : undefined;
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  }

  private forget(uid: string): void {
    this.d.volumes.removePod(uid);
    this.d.claims.forget(uid);
    this.keyByUid.delete(uid);
  }
}
