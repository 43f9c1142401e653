/**
 * Wiring of the expand controller: claims are its keys; a PV change enqueues the claim it is
 * bound to (its capacity is part of what the claim's resize reads).
 */
import type { Logger } from 'pino';
import type { PersistentVolume } from '../../../api/core/v1';
import type { Stored } from '../../../api/stored';
import type { Clientset } from '../../../client/clientset';
import type { EventRecorder } from '../../../client/record/recorder';
import type { SharedInformerFactory } from '../../../informer/factory';
import type { DeepReadonly } from '../../../util/immutable/deep_readonly';
import { enqueueMapped, enqueueOwnKey } from '../../../util/reconcile/handlers';
import { type ControllerMetrics, runController } from '../../../util/reconcile/runner';
import { defaultControllerRateLimiter, RateLimitingQueue } from '../../../util/workqueue';
import type { ProvisioningRecords } from '../../../volume/dirs/provisioning_records';
import type { VolumeDriverRegistry } from '../../../volume/registry';
import { ExpandReconciler } from './expand';

/** Dependencies of the expand controller. */
export interface ExpandControllerOptions {
  factory: SharedInformerFactory;
  client: Clientset;
  logger: Logger;
  metrics?: ControllerMetrics;
  workers: number;
  drivers: VolumeDriverRegistry;
  /** Given to the drivers' controller halves (they read what they made). */
  records: ProvisioningRecords;
  recorder: EventRecorder;
}

/** The claim key a PV is bound to (none when unbound). */
export function claimKeyOfVolume(pv: DeepReadonly<Stored<PersistentVolume, 'Cluster'>>): string[] {
  const ref = pv.spec.claimRef;
  return ref?.name ? [`${ref.namespace ?? 'default'}/${ref.name}`] : [];
}

/** The expand controller. */
export function newExpandController(o: ExpandControllerOptions): { run(signal: AbortSignal): Promise<void> } {
  const queue = new RateLimitingQueue({ rateLimiter: defaultControllerRateLimiter() });
  const pvcs = o.factory.persistentVolumeClaims();
  const pvs = o.factory.persistentVolumes();
  const classes = o.factory.storageClasses();
  const regs = [
    pvcs.addEventHandler(enqueueOwnKey(queue)),
    pvs.addEventHandler(enqueueMapped<Stored<PersistentVolume, 'Cluster'>>(queue, claimKeyOfVolume)),
  ];
  const reconciler = new ExpandReconciler({
    claims: pvcs.lister(),
    volumes: pvs.lister(),
    classes: classes.lister(),
    clients: { claims: o.client.persistentVolumeClaims, volumes: o.client.persistentVolumes },
    drivers: o.drivers,
    controllerOf: o.drivers.services((d) => d.controller({ records: o.records })),
    recorder: o.recorder,
  });
  return {
    run: async (signal) => {
      await runController({
        loops: [{ name: 'volume-expand', queue, reconciler }],
        registrations: regs,
        workers: o.workers,
        logger: o.logger,
        signal,
        metrics: o.metrics,
      });
    },
  };
}
