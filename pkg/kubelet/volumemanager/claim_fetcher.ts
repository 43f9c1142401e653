/**
 * The claims and volumes of the kubelet's pods, read with GETs: the Node authorizer lets a
 * kubelet get the claims its pods use and the volumes bound to them, and list neither. Each
 * sync of a pod fetches its claims (and their bound volumes) afresh and keeps them, so the
 * populator resolves the pod from what was just read; entries no pod uses any more are dropped.
 *
 * A pod whose claims are not all usable yet (missing, unbound, being deleted, or its volume
 * missing) is "unsettled": the kubelet syncs it again after `retryAfterMs` (doubling per
 * unsettled sync, capped), so a claim that binds later is seen without a watch on claims.
 */
import type { PersistentVolume, PersistentVolumeClaim, Pod } from '../../api/core/v1';
import type { Stored } from '../../api/stored';
import { isNotFound } from '../../api/errors';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import { ItemExponentialFailureRateLimiter } from '../../util/workqueue/rate_limiters';
import type { VolumeListers } from './populator';
import { namespacedKey } from '../../api/keys';

type StoredClaim = Stored<PersistentVolumeClaim, 'Namespaced'>;
type StoredVolume = Stored<PersistentVolume, 'Cluster'>;

/** The two reads (of the apiserver); both resolve undefined for a 404 and throw on any other failure. */
export interface VolumeGetter {
  claim(namespace: string, name: string): Promise<StoredClaim | undefined>;
  volume(name: string): Promise<StoredVolume | undefined>;
}

/** Wraps a getter that throws NotFound StatusErrors (the REST client) into one resolving undefined. */
export function orUndefined<A extends unknown[], T>(
  get: (...args: A) => Promise<T>,
): (...args: A) => Promise<T | undefined> {
  return async (...args: A) => {
    try {
      return await get(...args);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };
}

/** The outcome of fetching one pod's claims. */
export interface FetchResult {
  /** Every claim is bound and its volume exists. */
  settled: boolean;
  /** When unsettled: sync the pod again after this long. */
  retryAfterMs?: number;
}

/** Options of a ClaimFetcher. */
export interface ClaimFetcherOptions {
  get: VolumeGetter;
  /** First retry delay of an unsettled pod (default 250 ms). */
  initialRetryMs?: number;
  /** Longest retry delay (default 8 s). */
  maxRetryMs?: number;
}

interface PodReads {
  claims: string[];
  volumes: string[];
}

/** Per-pod GETs of claims and volumes, served to the populator as listers. */
export class ClaimFetcher implements VolumeListers {
  private readonly claims = new Map<string, StoredClaim>();
  private readonly volumes = new Map<string, StoredVolume>();
  private readonly reads = new Map<string, PodReads>();
  /** Per-pod (uid) doubling retry delays of unsettled pods. */
  private readonly unsettled: ItemExponentialFailureRateLimiter;

  constructor(private readonly o: ClaimFetcherOptions) {
    this.unsettled = new ItemExponentialFailureRateLimiter(o.initialRetryMs ?? 250, o.maxRetryMs ?? 8000);
  }

  /** The claim namespace/name as last fetched. */
  claim(key: string): StoredClaim | undefined {
    return this.claims.get(key);
  }

  /** The volume as last fetched. */
  volume(name: string): StoredVolume | undefined {
    return this.volumes.get(name);
  }

  /** GETs the pod's claims and their bound volumes; throws (keeping the previous reads) when a GET fails. */
  async fetch(pod: DeepReadonly<Stored<Pod, 'Namespaced'>>): Promise<FetchResult> {
    const uid = pod.metadata.uid;
    const ns = pod.metadata.namespace;
    const names = [
      ...new Set(
        (pod.spec.volumes ?? []).flatMap((v) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : [])),
      ),
    ];
    const claims = await Promise.all(names.map(async (name) => [name, await this.o.get.claim(ns, name)] as const));
    const bound = claims.flatMap(([, c]) =>
      c && !c.metadata.deletionTimestamp && c.status?.phase === 'Bound' && c.spec.volumeName ? [c.spec.volumeName] : [],
    );
    const volumes = await Promise.all(
      [...new Set(bound)].map(async (name) => [name, await this.o.get.volume(name)] as const),
    );
    for (const [name, c] of claims) {
      if (c) this.claims.set(namespacedKey(ns, name), c);
      else this.claims.delete(namespacedKey(ns, name));
    }
    for (const [name, v] of volumes) {
      if (v) this.volumes.set(name, v);
      else this.volumes.delete(name);
    }
    const previous = this.reads.get(uid);
    this.reads.set(uid, { claims: names.map((n) => namespacedKey(ns, n)), volumes: volumes.map(([n]) => n) });
    if (previous) this.collect(previous);
    const settled =
      claims.every(([, c]) => c !== undefined) &&
      bound.length === claims.length &&
      volumes.every(([, v]) => v !== undefined);
    if (settled) {
      this.unsettled.forget(uid);
      return { settled };
    }
    return { settled, retryAfterMs: this.unsettled.when(uid) };
  }

  /** The pod is gone: its reads are dropped unless another pod uses them. */
  forget(podUid: string): void {
    const r = this.reads.get(podUid);
    this.reads.delete(podUid);
    this.unsettled.forget(podUid);
    if (r) this.collect(r);
  }

  private collect(r: PodReads): void {
    const used = (pick: (p: PodReads) => string[], k: string) =>
      [...this.reads.values()].some((p) => pick(p).includes(k));
    for (const k of r.claims) if (!used((p) => p.claims, k)) this.claims.delete(k);
    for (const k of r.volumes) if (!used((p) => p.volumes, k)) this.volumes.delete(k);
  }
}
