/**
 * The contract between the controller-manager and a controller (kube-controller-manager's
 * controller descriptor): a name for --controllers, the shared informers and indexes it needs,
 * and a start function. The manager creates informers and indexes only for the controllers
 * that run, starts the informers, waits for their caches, then calls each start in table order
 * and runs what they return.
 */
import type { Logger } from 'pino';
import type { Clientset } from '../../client/clientset';
import type { EventRecorder } from '../../client/record/recorder';
import type { SharedInformerFactory } from '../../informer/factory';
import type { ControllerMetrics } from '../../util/reconcile/runner';
import type { ControllerManagerConfig } from './config';

/** A shared informer a controller can declare: the name of its SharedInformerFactory accessor. */
export type InformerName =
  | 'pods'
  | 'persistentVolumes'
  | 'persistentVolumeClaims'
  | 'storageClasses'
  | 'nodes'
  | 'namespaces'
  | 'events'
  | 'leases'
  | 'statefulSets'
  | 'controllerRevisions';

/** What a controller's start gets from the manager. */
export interface ControllerContext {
  /** The shared informers; the declared ones exist and have synced. */
  factory: SharedInformerFactory;
  client: Clientset;
  logger: Logger;
  metrics: ControllerMetrics;
  /** Workers per controller (--concurrent-workers). */
  workers: number;
  /** The whole manager configuration (as Kubernetes passes its ComponentConfig). */
  config: ControllerManagerConfig;
  /** An event recorder reporting as `component` from this manager's identity. */
  newRecorder(component: string): EventRecorder;
}

/** A controller ready to run: `run` works until the signal aborts. */
export interface RunnableController {
  run(signal: AbortSignal): Promise<void>;
}

/** One controller the manager can run. */
export interface ControllerDescriptor {
  /** Its --controllers name. */
  readonly name: string;
  /** Every shared informer it uses (made before the factory starts; others would never sync). */
  readonly informers: readonly InformerName[];
  /** Adds its indexers to the shared informers, and makes any untyped ones it uses (before they start). */
  readonly indexes?: (factory: SharedInformerFactory) => void;
  /**
   * Builds the controller once the caches have synced (and does any setup it needs first); a
   * rejection stops the manager's run before any controller runs.
   */
  readonly start: (ctx: ControllerContext) => RunnableController | Promise<RunnableController>;
}
