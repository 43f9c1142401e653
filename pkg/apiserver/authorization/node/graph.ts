/**
 * The Node authorizer's graph, as Kubernetes' node authorizer keeps one: which pods are bound
 * to which node, which claims those pods use, and which volume each claim is bound to (from the
 * PersistentVolume's spec.claimRef, as Kubernetes draws the pv → pvc edge). It is fed by the
 * apiserver's own watch caches of pods and persistentvolumes, so it is exactly as fresh as the
 * cache every client read is served from, and every question is a few map lookups.
 *
 * The feeds start lazily, on the first question after their cache is primed (the authorizer is
 * built before the caches start), and re-seed themselves from the cache after a cache reset
 * (the cache closes its watchers with a 410; the next question seeds again).
 */
import type { PersistentVolume, Pod } from '../../../api/core/v1';
import type { KubeObject } from '../../../api/meta';
import type { Store } from '../../registry/store';
import type { CachedEvent, CacheWatcher } from '../../watch/cache';
import { namespacedKey, objectKey } from '../../../api/keys';

/** An object's change as the graph applies it: its key and its new state (undefined: gone). */
type Apply = (key: string, obj: KubeObject | undefined) => void;

/** Mirrors one watch cache into `apply`: a snapshot, then the cache's watch from its revision. */
class CacheFeed {
  private state: 'idle' | 'starting' | 'watching' = 'idle';
  private watcher?: CacheWatcher;
  private generation = 0;

  constructor(
    private readonly store: () => Store,
    private readonly reset: () => void,
    private readonly apply: Apply,
  ) {}

  /** Seeds and starts watching when not already doing so (and the cache is primed). */
  ensure(): void {
    if (this.state !== 'idle') return;
    const store = this.store();
    const snap = store.cache.snapshot(store.resourcePrefix);
    if (snap.revision === 0) return; // the cache has not listed yet
    const generation = ++this.generation;
    this.reset();
    for (const o of snap.items) this.apply(objectKey(o), o);
    this.state = 'starting';
    store.cache
      .watch(snap.revision, {
        event: (e: CachedEvent) => {
          if (generation === this.generation)
            this.apply(objectKey(e.ev.object), e.ev.type === 'DELETED' ? undefined : e.ev.object);
          return true;
        },
        close: () => {
          if (generation !== this.generation) return;
          this.state = 'idle';
          this.watcher = undefined;
        },
      })
      .then(
        (w) => {
          if (generation === this.generation && this.state === 'starting') {
            this.state = 'watching';
            this.watcher = w;
          } else w.stop();
        },
        () => {
          // 410 (the cache is resetting) or storage unreachable: seed again on the next question.
          if (generation === this.generation) this.state = 'idle';
        },
      );
  }

  /** Stops the watch (tests). */
  stop(): void {
    this.generation++;
    this.watcher?.stop();
    this.watcher = undefined;
    this.state = 'idle';
  }
}

/** Where the graph reads pods and persistentvolumes (the apiserver's stores). */
export interface GraphSources {
  store(group: string, resource: string): Store;
}

interface PodVertex {
  node: string;
  namespace: string;
  claims: readonly string[];
}

/** Relations between nodes, pods, claims and volumes. */
export class NodeGraph {
  /** namespace/name → the pod's node and the claims it uses (only pods bound to a node). */
  private readonly pods = new Map<string, PodVertex>();
  /** namespace/claim → node → number of pods on that node using the claim. */
  private readonly claimUse = new Map<string, Map<string, number>>();
  /** PV name → namespace/claim of its claimRef. */
  private readonly volumeClaim = new Map<string, string>();
  private readonly podFeed: CacheFeed;
  private readonly volumeFeed: CacheFeed;

  constructor(sources: GraphSources) {
    this.podFeed = new CacheFeed(
      () => sources.store('', 'pods'),
      () => {
        this.pods.clear();
        this.claimUse.clear();
      },
      (key, obj) => this.setPod(key, obj as Pod | undefined),
    );
    this.volumeFeed = new CacheFeed(
      () => sources.store('', 'persistentvolumes'),
      () => this.volumeClaim.clear(),
      (key, obj) => this.setVolume(key, obj as PersistentVolume | undefined),
    );
  }

  private setPod(key: string, pod: Pod | undefined): void {
    const old = this.pods.get(key);
    if (old) {
      for (const c of old.claims) this.countUse(namespacedKey(old.namespace, c), old.node, -1);
      this.pods.delete(key);
    }
    const node = pod?.spec?.nodeName;
    if (!pod || !node) return;
    const namespace = pod.metadata.namespace ?? '';
    const claims = [
      ...new Set(
        (pod.spec.volumes ?? []).flatMap((v) =>
          v.persistentVolumeClaim?.claimName ? [v.persistentVolumeClaim.claimName] : [],
        ),
      ),
    ];
    this.pods.set(key, { node, namespace, claims });
    for (const c of claims) this.countUse(namespacedKey(namespace, c), node, 1);
  }

  private countUse(claimKey: string, node: string, delta: 1 | -1): void {
    let byNode = this.claimUse.get(claimKey);
    if (!byNode) {
      if (delta < 0) return;
      byNode = new Map();
      this.claimUse.set(claimKey, byNode);
    }
    const n = (byNode.get(node) ?? 0) + delta;
    if (n > 0) byNode.set(node, n);
    else byNode.delete(node);
    if (byNode.size === 0) this.claimUse.delete(claimKey);
  }

  private setVolume(name: string, pv: PersistentVolume | undefined): void {
    const ref = pv?.spec?.claimRef;
    if (ref?.name && ref.namespace) this.volumeClaim.set(name, namespacedKey(ref.namespace, ref.name));
    else this.volumeClaim.delete(name);
  }

  /** True when pod namespace/name is bound to `node`. */
  podOnNode(node: string, namespace: string, name: string): boolean {
    this.podFeed.ensure();
    return this.pods.get(namespacedKey(namespace, name))?.node === node;
  }

  /** True when a pod bound to `node` uses claim namespace/name. */
  claimUsedOnNode(node: string, namespace: string, name: string): boolean {
    this.podFeed.ensure();
    return (this.claimUse.get(namespacedKey(namespace, name))?.get(node) ?? 0) > 0;
  }

  /** True when volume `name` is bound (claimRef) to a claim a pod bound to `node` uses. */
  volumeUsedOnNode(node: string, name: string): boolean {
    this.volumeFeed.ensure();
    const claim = this.volumeClaim.get(name);
    if (claim === undefined) return false;
    this.podFeed.ensure();
    return (this.claimUse.get(claim)?.get(node) ?? 0) > 0;
  }

  /** Stops both feeds. */
  stop(): void {
    this.podFeed.stop();
    this.volumeFeed.stop();
  }
}
