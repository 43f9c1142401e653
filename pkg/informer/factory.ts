/**
 * The shared informer factory: one SharedIndexInformer per (resource, namespace, selectors) per
 * process, however many controllers ask for it, so each collection is listed and watched once.
 * Informers made after start() are started by the next start() call (as in client-go).
 */
import { getMaxListeners, setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { ControllerRevision, StatefulSet } from '../api/apps/v1';
import type { Lease } from '../api/coordination/v1';
import type { Event, Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod } from '../api/core/v1';
import type { KubeObject } from '../api/meta';
import type { ResourceInfo, ScopedResourceInfo } from '../api/resources';
import type { IsNamespaced, Scope, Stored } from '../api/stored';
import type { StorageClass } from '../api/storage/v1';
import type { Clientset } from '../client/clientset';
import { ResourceClient } from '../client/resource_client';
import { newLogger } from '../log/logger';
import type { Clock } from '../util/clock/clock';
import { type ListerWatcher, listWatchFor, type ListWatchSelectors } from './list_watch';
import { type SharedInformerOptions, SharedIndexInformer } from './shared_informer';

/** Which part of a collection an informer caches. */
export interface InformerScope extends ListWatchSelectors {
  /** Namespace of a namespaced resource (default: the factory's; undefined = all). Ignored for cluster-scoped ones. */
  namespace?: string;
}

/** Options of a SharedInformerFactory. */
export interface SharedInformerFactoryOptions {
  /** Default namespace of namespaced informers (default: all namespaces). */
  namespace?: string;
  /** Resync period of every informer (default: none). */
  resyncPeriodMs?: number;
  /** Default: an `informer` component logger. */
  logger?: Logger;
  clock?: Clock;
  /** Reflector tuning shared by every informer. */
  reflector?: SharedInformerOptions<KubeObject>['reflector'];
  /** Builds the ListerWatcher of a client (default listWatchFor; tests inject fakes that yield stored objects). */
  listerWatcher?: <T extends KubeObject, S extends Scope>(
    client: ResourceClient<T, S>,
    namespace: string | undefined,
    selectors: ListWatchSelectors,
  ) => ListerWatcher<Stored<T, S>>;
}

/** The clientset parts the factory uses. */
export type FactoryClientset = Pick<
  Clientset,
  | 'rest'
  | 'namespaces'
  | 'nodes'
  | 'pods'
  | 'persistentVolumes'
  | 'persistentVolumeClaims'
  | 'events'
  | 'storageClasses'
  | 'leases'
  | 'statefulSets'
  | 'controllerRevisions'
>;

/** Makes and shares informers; starts them and waits for their caches. */
export class SharedInformerFactory {
  private readonly informers = new Map<string, SharedIndexInformer<KubeObject>>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly log: Logger;

  constructor(
    private readonly clientset: FactoryClientset,
    private readonly opts: SharedInformerFactoryOptions = {},
  ) {
    this.log = opts.logger ?? newLogger('informer');
  }

  /**
   * The informer of a resource (a typed client, or a ResourceInfo for an untyped one) in
   * `scope`. The same resource and scope always give the same informer. It caches what the
   * apiserver stored.
   */
  forResource<T extends KubeObject, S extends Scope>(
    source: ResourceClient<T, S>,
    scope?: InformerScope,
  ): SharedIndexInformer<Stored<T, S>>;
  forResource(source: ResourceInfo, scope?: InformerScope): SharedIndexInformer<Stored<KubeObject>>;
  forResource<T extends KubeObject, S extends Scope>(
    source: ResourceClient<T, S> | ResourceInfo,
    scope: InformerScope = {},
  ): SharedIndexInformer<Stored<T, S>> {
    // An untyped ResourceInfo comes with the open scope (S = Scope, namespaced: boolean).
    const client =
      source instanceof ResourceClient
        ? source
        : new ResourceClient<T, S>(this.clientset.rest, source as ScopedResourceInfo<IsNamespaced<S>>);
    const info = client.info;
    const namespace = info.namespaced ? (scope.namespace ?? this.opts.namespace) : undefined;
    const selectors: ListWatchSelectors = {
      labelSelector: scope.labelSelector || undefined,
      fieldSelector: scope.fieldSelector || undefined,
    };
    const key = JSON.stringify([
      info.group,
      info.resource,
      namespace ?? '',
      selectors.labelSelector ?? '',
      selectors.fieldSelector ?? '',
    ]);
    const existing = this.informers.get(key);
    // Same key means same resource, so the element type is the one this informer was made with.
    if (existing) return existing as unknown as SharedIndexInformer<Stored<T, S>>;
    const lw = (this.opts.listerWatcher ?? listWatchFor)(client, namespace, selectors);
    const name = [info.resource, namespace, selectors.labelSelector, selectors.fieldSelector].filter(Boolean).join(' ');
    const informer = new SharedIndexInformer<Stored<T, S>>(lw, {
      name,
      logger: this.log,
      ...(this.opts.clock ? { clock: this.opts.clock } : {}),
      ...(this.opts.resyncPeriodMs ? { resyncPeriodMs: this.opts.resyncPeriodMs } : {}),
      ...(this.opts.reflector ? { reflector: this.opts.reflector } : {}),
    });
    this.informers.set(key, informer as unknown as SharedIndexInformer<KubeObject>);
    return informer;
  }

  /** Pods (namespaced). */
  pods(scope?: InformerScope): SharedIndexInformer<Stored<Pod, 'Namespaced'>> {
    return this.forResource(this.clientset.pods, scope);
  }

  /** PersistentVolumes (cluster-scoped). */
  persistentVolumes(scope?: InformerScope): SharedIndexInformer<Stored<PersistentVolume, 'Cluster'>> {
    return this.forResource(this.clientset.persistentVolumes, scope);
  }

  /** PersistentVolumeClaims (namespaced). */
  persistentVolumeClaims(scope?: InformerScope): SharedIndexInformer<Stored<PersistentVolumeClaim, 'Namespaced'>> {
    return this.forResource(this.clientset.persistentVolumeClaims, scope);
  }

  /** StorageClasses (cluster-scoped). */
  storageClasses(scope?: InformerScope): SharedIndexInformer<Stored<StorageClass, 'Cluster'>> {
    return this.forResource(this.clientset.storageClasses, scope);
  }

  /** Nodes (cluster-scoped). */
  nodes(scope?: InformerScope): SharedIndexInformer<Stored<Node, 'Cluster'>> {
    return this.forResource(this.clientset.nodes, scope);
  }

  /** Namespaces (cluster-scoped). */
  namespaces(scope?: InformerScope): SharedIndexInformer<Stored<Namespace, 'Cluster'>> {
    return this.forResource(this.clientset.namespaces, scope);
  }

  /** Events (namespaced). */
  events(scope?: InformerScope): SharedIndexInformer<Stored<Event, 'Namespaced'>> {
    return this.forResource(this.clientset.events, scope);
  }

  /** Leases (namespaced). */
  leases(scope?: InformerScope): SharedIndexInformer<Stored<Lease, 'Namespaced'>> {
    return this.forResource(this.clientset.leases, scope);
  }

  /** StatefulSets (namespaced). */
  statefulSets(scope?: InformerScope): SharedIndexInformer<Stored<StatefulSet, 'Namespaced'>> {
    return this.forResource(this.clientset.statefulSets, scope);
  }

  /** ControllerRevisions (namespaced). */
  controllerRevisions(scope?: InformerScope): SharedIndexInformer<Stored<ControllerRevision, 'Namespaced'>> {
    return this.forResource(this.clientset.controllerRevisions, scope);
  }

  /** Starts every informer made so far that is not running yet; they stop when `signal` aborts. */
  start(signal: AbortSignal): void {
    // Every informer (and its reflector) listens for the abort: that many listeners is no leak.
    setMaxListeners(Math.max(getMaxListeners(signal), 10 + 3 * this.informers.size), signal);
    for (const [key, informer] of this.informers) {
      if (this.running.has(key) || informer.isStarted()) continue;
      this.running.set(key, informer.run(signal));
    }
  }

  /**
   * Resolves true once every informer started by this factory has synced (at once when none
   * was started), or false as soon as `signal` aborts first.
   */
  async waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    const started = [...this.running.keys()].flatMap((k) => {
      const informer = this.informers.get(k);
      return informer ? [informer] : [];
    });
    const results = await Promise.all(started.map((i) => i.waitForSync(signal)));
    return results.every(Boolean);
  }

  /** Resolves when every started informer has stopped (after the start signal aborted). */
  async stopped(): Promise<void> {
    await Promise.all(this.running.values());
  }
}
