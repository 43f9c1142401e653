/**
 * Wiring of the two protection controllers: pvc-protection (claims, re-checked when a pod that
 * uses them changes) and pv-protection (volumes).
 */
import type { Logger } from 'pino';
import type { Pod } from '../../../api/core/v1';
import type { Stored } from '../../../api/stored';
import type { Clientset } from '../../../client/clientset';
import type { SharedInformerFactory } from '../../../informer/factory';
import { defaultControllerRateLimiter, RateLimitingQueue } from '../../../util/workqueue';
import { enqueueMapped, enqueueOwnKey } from '../../../util/reconcile/handlers';
import { runController, type ControllerMetrics } from '../../../util/reconcile/runner';
import { PvProtectionReconciler } from './pv_protection';
import { claimKeysOfPod, PodByClaimIndex, PvcProtectionReconciler } from './pvc_protection';

/** Dependencies of the protection controllers. */
export interface ProtectionOptions {
  factory: SharedInformerFactory;
  client: Clientset;
  logger: Logger;
  metrics?: ControllerMetrics;
  workers: number;
}

/** Adds the pods-by-claim index unless another controller (the scheduler) already did; before informers start. */
export function addPodByClaimIndex(factory: SharedInformerFactory): void {
  const pods = factory.pods();
  if (!pods.indexNames().includes(PodByClaimIndex))
    pods.addIndexers({ [PodByClaimIndex]: (pod) => claimKeysOfPod(pod) });
}

/** Adds the pods-by-claim index (once, before informers start). */
export function addProtectionIndexes(factory: SharedInformerFactory): void {
  addPodByClaimIndex(factory);
}

/** The pvc-protection controller. */
export function newPvcProtectionController(o: ProtectionOptions): { run(signal: AbortSignal): Promise<void> } {
  const queue = new RateLimitingQueue({ rateLimiter: defaultControllerRateLimiter() });
  const pvcs = o.factory.persistentVolumeClaims();
  const pods = o.factory.pods();
  const regs = [
    pvcs.addEventHandler(enqueueOwnKey(queue)),
    pods.addEventHandler(enqueueMapped<Stored<Pod, 'Namespaced'>>(queue, claimKeysOfPod)),
  ];
  const reconciler = new PvcProtectionReconciler({
    claims: pvcs.lister(),
    pods: pods.lister(),
    claimClient: o.client.persistentVolumeClaims,
    podClient: o.client.pods,
  });
  return {
    run: async (signal) => {
      await runController({
        loops: [{ name: 'pvc-protection', queue, reconciler }],
        registrations: regs,
        workers: o.workers,
        logger: o.logger,
        signal,
        metrics: o.metrics,
      });
    },
  };
}

/** The pv-protection controller. */
export function newPvProtectionController(o: ProtectionOptions): { run(signal: AbortSignal): Promise<void> } {
  const queue = new RateLimitingQueue({ rateLimiter: defaultControllerRateLimiter() });
  const pvs = o.factory.persistentVolumes();
  const reg = pvs.addEventHandler(enqueueOwnKey(queue));
  const reconciler = new PvProtectionReconciler({ volumes: pvs.lister(), volumeClient: o.client.persistentVolumes });
  return {
    run: async (signal) => {
      await runController({
        loops: [{ name: 'pv-protection', queue, reconciler }],
        registrations: [reg],
        workers: o.workers,
        logger: o.logger,
        signal,
        metrics: o.metrics,
      });
    },
  };
}
