/** Wiring of the scheduler: unscheduled pods are queued; node changes re-queue every unscheduled pod. */
import type { Logger } from 'pino';
import type { Clientset } from '../../client/clientset';
import type { EventRecorder } from '../../client/record/recorder';
import type { SharedInformerFactory } from '../../informer/factory';
import { defaultControllerRateLimiter, RateLimitingQueue } from '../../util/workqueue';
import { runWorkers, type ControllerMetrics } from '../../util/reconcile/runner';
import { PodByNodeIndex, SchedulerReconciler } from './scheduler';
import { objectKey } from '../../api/keys';

/** Dependencies of the scheduler controller. */
export interface SchedulerOptions {
  factory: SharedInformerFactory;
  client: Clientset;
  recorder: EventRecorder;
  logger: Logger;
  metrics?: ControllerMetrics;
  workers: number;
}

/** Adds the pods-by-node index (once, before informers start). */
export function addSchedulerIndexes(factory: SharedInformerFactory): void {
  factory.pods().addIndexers({ [PodByNodeIndex]: (pod) => (pod.spec.nodeName ? [pod.spec.nodeName] : []) });
}

/** The scheduler controller. */
export function newSchedulerController(o: SchedulerOptions): { run(signal: AbortSignal): Promise<void> } {
  const queue = new RateLimitingQueue({ rateLimiter: defaultControllerRateLimiter() });
  const pods = o.factory.pods();
  const nodes = o.factory.nodes();
  const enqueueIfUnscheduled = (pod: {
    spec: { nodeName?: string };
    metadata: { name?: string; namespace?: string };
  }) => {
    if (!pod.spec.nodeName) queue.add(objectKey(pod));
  };
  const requeueAll = () => pods.lister().list().forEach(enqueueIfUnscheduled);
  const regs = [
    pods.addEventHandler({ onAdd: enqueueIfUnscheduled, onUpdate: (_o, p) => enqueueIfUnscheduled(p) }),
    nodes.addEventHandler({ onAdd: requeueAll, onUpdate: requeueAll }),
  ];
  const reconciler = new SchedulerReconciler({
    pods: pods.lister(),
    nodes: nodes.lister(),
    claims: o.factory.persistentVolumeClaims().lister(),
    volumes: o.factory.persistentVolumes().lister(),
    bind: (ns, name, node) => o.client.bindPod(ns, name, node),
    recorder: o.recorder,
  });
  return {
    run: async (signal) => {
      await runWorkers({
        name: 'scheduler',
        queue,
        reconciler,
        workers: o.workers,
        logger: o.logger,
        signal,
        ...(o.metrics ? { metrics: o.metrics } : {}),
      });
      regs.forEach((r) => r.remove());
    },
  };
}
