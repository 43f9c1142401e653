/**
 * Wiring of the garbage collector: an untyped informer per collectable resource feeds the graph
 * builder, which enqueues uids; workers reconcile them (reconciler.ts) against the apiserver.
 */
import type { Logger } from 'pino';
import { allResources, type ResourceInfo } from '../../api/resources';
import type { EventRecorder } from '../../client/record/recorder';
import type { RestClient } from '../../client/rest';
import type { SharedInformerFactory } from '../../informer/factory';
import { type ControllerMetrics, runController } from '../../util/reconcile/runner';
import { defaultControllerRateLimiter, RateLimitingQueue } from '../../util/workqueue';
import { type GCClient, RestGCClient } from './client';
import { Graph } from './graph';
import { GraphBuilder } from './graph_builder';
import { GarbageCollectorReconciler } from './reconciler';
import { collectableResources, KindResolver } from './resources';

/** Dependencies of the garbage collector. */
export interface GarbageCollectorOptions {
  factory: SharedInformerFactory;
  client: { rest: RestClient };
  recorder: EventRecorder;
  logger: Logger;
  metrics?: ControllerMetrics;
  workers: number;
  /** The watched resources (default: every collectable one). */
  resources?: readonly ResourceInfo[];
  /** Default: the REST client's. */
  gcClient?: GCClient;
}

/** Makes the informers of the watched resources (before the factory starts). */
export function addGarbageCollectorInformers(
  factory: SharedInformerFactory,
  resources: readonly ResourceInfo[] = collectableResources(),
): void {
  for (const r of resources) factory.forResource(r);
}

/** The garbage-collector controller. */
export function newGarbageCollector(o: GarbageCollectorOptions): {
  run(signal: AbortSignal): Promise<void>;
  graph: Graph;
} {
  const resources = o.resources ?? collectableResources();
  const logger = o.logger.child({ controller: 'garbage-collector' });
  const queue = new RateLimitingQueue({ rateLimiter: defaultControllerRateLimiter() });
  const graph = new Graph();
  const builder = new GraphBuilder(graph, queue);
  const regs = resources.map((r) => o.factory.forResource(r).addEventHandler(builder.handlerFor(r)));
  const reconciler = new GarbageCollectorReconciler({
    graph,
    resolver: new KindResolver(allResources),
    client: o.gcClient ?? new RestGCClient(o.client.rest),
    recorder: o.recorder,
    logger,
  });
  return {
    graph,
    run: async (signal) => {
      await runController({
        loops: [{ name: 'garbage-collector', queue, reconciler }],
        registrations: regs,
        workers: o.workers,
        logger: o.logger,
        signal,
        metrics: o.metrics,
      });
    },
  };
}
