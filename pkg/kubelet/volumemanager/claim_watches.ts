/**
 * Watches of the claims the kubelet's pods use, one claim each (list+watch with the field
 * selector metadata.name=<claim> in its namespace, which the Node authorizer allows for a claim
 * a pod on this node uses): when the expand controller leaves a mounted claim NodeResizePending,
 * the kubelet hears it at once and syncs the pods using it (their sync GETs the claim afresh and
 * the volume manager finishes the expansion), instead of at the pod's next resync (≤ 60 s).
 * Kubernetes' kubelet notices on its next pod sync; this is faster, not different.
 *
 * `set(keys)` keeps exactly one watch per key: new keys start one, keys no pod uses any more
 * stop theirs. A watch reports its first list too (the claim may have changed since the pod's
 * GET) and then every update.
 * A watch refused or broken is retried by its informer's reflector with backoff; pods are still
 * synced on their resync period, so a missing watch only slows an expansion down.
 */
import type { Logger } from 'pino';
import type { PersistentVolumeClaim, Pod } from '../../api/core/v1';
import { namespacedKey } from '../../api/keys';
import { isDNS1123Label, isDNS1123Subdomain } from '../../api/validation/names';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import type { Stored } from '../../api/stored';
import type { ResourceClient } from '../../client/resource_client';
import { listWatchFor } from '../../informer/list_watch';
import { SharedIndexInformer } from '../../informer/shared_informer';

/** Starts watching one claim: `onUpdate` once it is listed and on each change, until `signal` aborts. */
export type WatchClaim = (namespace: string, name: string, onUpdate: () => void, signal: AbortSignal) => void;

/** Options of ClaimWatches. */
export interface ClaimWatchesOptions {
  watch: WatchClaim;
  /** A watched claim (`namespace/name`) changed. */
  onChange(key: string): void;
}

/** The `namespace/name` keys of the claims a pod mounts. */
export function claimKeysOf(pod: DeepReadonly<Pod>): string[] {
  const ns = pod.metadata.namespace ?? '';
  return (pod.spec.volumes ?? []).flatMap((v) =>
    v.persistentVolumeClaim ? [namespacedKey(ns, v.persistentVolumeClaim.claimName)] : [],
  );
}

/** One watch per claim key in use; see the file comment. */
export class ClaimWatches {
  private readonly active = new Map<string, AbortController>();

  constructor(private readonly o: ClaimWatchesOptions) {}

  /** Keeps watches of exactly `keys` (`namespace/name`). */
  set(keys: Iterable<string>): void {
    const want = new Set(keys);
    for (const [key, ac] of this.active) {
      if (want.has(key)) continue;
      ac.abort();
      this.active.delete(key);
    }
    for (const key of want) {
      if (this.active.has(key)) continue;
      const slash = key.indexOf('/');
      const namespace = key.slice(0, slash);
      const name = key.slice(slash + 1);
      // A pod may name any claim; one that cannot exist is not watched (nor put in a selector).
      if (slash <= 0 || isDNS1123Label(namespace).length || isDNS1123Subdomain(name).length) continue;
      const ac = new AbortController();
      this.active.set(key, ac);
      this.o.watch(namespace, name, () => this.o.onChange(key), ac.signal);
    }
  }

  /** The keys watched now. */
  get watched(): string[] {
    return [...this.active.keys()];
  }

  /** Stops every watch. */
  stop(): void {
    this.set([]);
  }
}

/** A WatchClaim over the apiserver: a single-object informer per claim. */
export function informerWatchClaim(
  client: ResourceClient<PersistentVolumeClaim, 'Namespaced'>,
  logger: Logger,
): WatchClaim {
  return (namespace, name, onUpdate, signal) => {
    const informer = new SharedIndexInformer<Stored<PersistentVolumeClaim, 'Namespaced'>>(
      listWatchFor(client, namespace, { fieldSelector: `metadata.name=${name}` }),
      { name: `persistentvolumeclaims ${namespace}/${name}`, logger },
    );
    informer.addEventHandler({
      // The first list too: the claim may have changed between the pod's GET and this list.
      onAdd: () => onUpdate(),
      onUpdate: (before, after) => {
        if (before.metadata.resourceVersion !== after.metadata.resourceVersion) onUpdate();
      },
    });
    informer.run(signal).catch((err: unknown) => {
      if (!signal.aborted)
        logger.warn({ claim: `${namespace}/${name}`, err: (err as Error).message }, 'claim watch ended');
    });
  };
}
