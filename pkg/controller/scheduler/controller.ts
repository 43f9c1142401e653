/**
 * Wiring of the scheduler: unscheduled pods are queued; what can make one schedulable
 * re-queues it (Kubernetes' EventsToRegister): a change of one of its claims, of a pod sharing
 * a claim with it that ends or goes away (ReadWriteOncePod), and any PV, StorageClass or
 * node change that matters (labels, unschedulable, readiness). The PV informer also feeds the
 * scheduler's own matching index of unbound PVs.
 */
import type { Logger } from 'pino';
import type { Node, Pod } from '../../api/core/v1';
import type { Stored } from '../../api/stored';
import type { Clientset } from '../../client/clientset';
import type { EventRecorder } from '../../client/record/recorder';
import type { SharedInformerFactory } from '../../informer/factory';
import { unwrapTombstone } from '../../informer/tombstone';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import { defaultControllerRateLimiter, RateLimitingQueue } from '../../util/workqueue';
import { runController, type ControllerMetrics } from '../../util/reconcile/runner';
import type { VolumeDriverRegistry } from '../../volume/registry';
import { classTypeOf, driverServes, volumeTypeOf } from '../volume/persistentvolume/drivers';
import { VolumeIndex } from '../volume/persistentvolume/volume_index';
import { PodByNodeIndex, SchedulerReconciler } from './scheduler';
import { addPodByClaimIndex } from '../volume/protection/controller';
import { PodByClaimIndex, podIsActive } from '../volume/protection/pvc_protection';
import { podClaimKeys } from './volume_binding';
import { isDeepStrictEqual } from 'node:util';
import { objectKey } from '../../api/keys';

/** Dependencies of the scheduler controller. */
export interface SchedulerOptions {
  factory: SharedInformerFactory;
  client: Clientset;
  /** The volume drivers (what storage type a PV or class is, and what a driver can serve). */
  drivers: VolumeDriverRegistry;
  recorder: EventRecorder;
  logger: Logger;
  metrics?: ControllerMetrics;
  workers: number;
}

/** Adds the pods-by-node and (shared with pvc-protection) pods-by-claim indexes, before informers start. */
export function addSchedulerIndexes(factory: SharedInformerFactory): void {
  factory.pods().addIndexers({ [PodByNodeIndex]: (pod) => (pod.spec.nodeName ? [pod.spec.nodeName] : []) });
  addPodByClaimIndex(factory);
}

/** What about a node can change where pods fit. */
function nodeShape(n: DeepReadonly<Node>): unknown {
  const ready = (n.status?.conditions ?? []).find((c) => c.type === 'Ready')?.status;
  return [n.metadata.labels ?? {}, n.spec?.unschedulable ?? false, ready];
}

/** The scheduler controller. */
export function newSchedulerController(o: SchedulerOptions): { run(signal: AbortSignal): Promise<void> } {
  const queue = new RateLimitingQueue({ rateLimiter: defaultControllerRateLimiter() });
  const pods = o.factory.pods();
  const nodes = o.factory.nodes();
  const claims = o.factory.persistentVolumeClaims();
  const volumes = o.factory.persistentVolumes();
  const classes = o.factory.storageClasses();
  const index = new VolumeIndex(
    (pv) => volumeTypeOf(o.drivers, pv),
    (pv, claim) => driverServes(o.drivers, pv, claim),
  );
  const enqueueIfUnscheduled = (pod: DeepReadonly<Stored<Pod, 'Namespaced'>>) => {
    if (!pod.spec.nodeName && !pod.metadata.deletionTimestamp) queue.add(objectKey(pod));
  };
  const requeueAll = () => pods.lister().list().forEach(enqueueIfUnscheduled);
  const requeueUsersOf = (claimKey: string) =>
    pods.lister().byIndex(PodByClaimIndex, claimKey).forEach(enqueueIfUnscheduled);
  // A pod that ends or goes away frees its ReadWriteOncePod claims and its place on the node.
  const released = (pod: DeepReadonly<Stored<Pod, 'Namespaced'>>) => podClaimKeys(pod).forEach(requeueUsersOf);
  const regs = [
    pods.addEventHandler({
      onAdd: enqueueIfUnscheduled,
      onUpdate: (old, pod) => {
        enqueueIfUnscheduled(pod);
        if (podIsActive(old) && !podIsActive(pod)) released(pod);
      },
      onDelete: (obj) => released(unwrapTombstone(obj)),
    }),
    nodes.addEventHandler({
      onAdd: requeueAll,
      onUpdate: (old, n) => {
        if (!isDeepStrictEqual(nodeShape(old), nodeShape(n))) requeueAll();
      },
    }),
    claims.addEventHandler({
      onAdd: (c) => requeueUsersOf(objectKey(c)),
      onUpdate: (_old, c) => requeueUsersOf(objectKey(c)),
      onDelete: (obj) => requeueUsersOf(objectKey(unwrapTombstone(obj))),
    }),
    volumes.addEventHandler({
      onAdd: (pv) => {
        index.upsert(pv);
        requeueAll();
      },
      onUpdate: (_old, pv) => {
        index.upsert(pv);
        requeueAll();
      },
      onDelete: (obj) => index.delete(unwrapTombstone(obj).metadata.name),
    }),
    classes.addEventHandler({ onAdd: requeueAll, onUpdate: requeueAll }),
  ];
  const reconciler = new SchedulerReconciler({
    pods: pods.lister(),
    nodes: nodes.lister(),
    claims: claims.lister(),
    volumes: volumes.lister(),
    classes: classes.lister(),
    index,
    classType: (name, sc) => classTypeOf(o.drivers, name, sc),
    bind: (ns, name, node) => o.client.bindPod(ns, name, node),
    updateClaim: (c) => o.client.persistentVolumeClaims.update(c),
    recorder: o.recorder,
  });
  return {
    run: async (signal) => {
      await runController({
        loops: [{ name: 'scheduler', queue, reconciler }],
        registrations: regs,
        workers: o.workers,
        logger: o.logger,
        signal,
        metrics: o.metrics,
      });
    },
  };
}
