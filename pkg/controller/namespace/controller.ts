/**
 * Wiring of the namespace controller: a namespace is reconciled when it changes, and a
 * terminating one again whenever a pod or claim in it goes away (the content it waits for).
 */
import { customResourceClients } from '../../client/custom_resources';
import type { Logger } from 'pino';
import type { KubeObject } from '../../api/meta';
import type { Clientset } from '../../client/clientset';
import type { SharedInformerFactory } from '../../informer/factory';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import type { DeletedFinalStateUnknown } from '../../informer/tombstone';
import { unwrapTombstone } from '../../informer/tombstone';
import { defaultControllerRateLimiter, RateLimitingQueue } from '../../util/workqueue';
import { enqueueOwnKey } from '../../util/reconcile/handlers';
import { runController, type ControllerMetrics } from '../../util/reconcile/runner';
import { NamespaceDeleter } from './deleter';

/** Dependencies of the namespace controller. */
export interface NamespaceControllerOptions {
  factory: SharedInformerFactory;
  client: Clientset;
  logger: Logger;
  metrics?: ControllerMetrics;
  workers: number;
}

/** The namespace controller. */
export function newNamespaceController(o: NamespaceControllerOptions): { run(signal: AbortSignal): Promise<void> } {
  const queue = new RateLimitingQueue({ rateLimiter: defaultControllerRateLimiter() });
  const namespaces = o.factory.namespaces();
  const lister = namespaces.lister();
  const onContentGone = {
    onDelete: (obj: DeepReadonly<KubeObject> | DeletedFinalStateUnknown<KubeObject>) => {
      const ns = unwrapTombstone(obj).metadata.namespace;
      if (ns && lister.get(ns)?.metadata.deletionTimestamp) queue.add(ns);
    },
  };
  const regs = [
    namespaces.addEventHandler(enqueueOwnKey(queue)),
    o.factory.pods().addEventHandler(onContentGone),
    o.factory.persistentVolumeClaims().addEventHandler(onContentGone),
  ];
  const reconciler = new NamespaceDeleter({
    namespaces: lister,
    content: o.client.namespacedResources(),
    discoverContent: () => customResourceClients(o.client.rest),
    namespaceClient: o.client.namespaces,
    finalize: (ns) => o.client.finalizeNamespace(ns),
  });
  return {
    run: async (signal) => {
      await runController({
        loops: [{ name: 'namespace', queue, reconciler }],
        registrations: regs,
        workers: o.workers,
        logger: o.logger,
        signal,
        metrics: o.metrics,
      });
    },
  };
}
