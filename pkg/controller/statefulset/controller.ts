/**
 * Wiring of the StatefulSet controller. Handlers only enqueue set keys: a set on its own
 * changes; a pod for the set its controller reference names (old and new, so a pod that
 * changed hands wakes both) or, when it is an orphan, for every set in its namespace whose
 * selector matches its labels (they may adopt it); a claim for the sets whose claim names it
 * has (`<template>-<set>-<ordinal>`). The reconciler re-reads everything from the listers.
 */
import type { Logger } from 'pino';
import type { PersistentVolumeClaim, Pod } from '../../api/core/v1';
import { namespacedKey } from '../../api/keys';
import { labelSelectorFrom } from '../../api/labels';
import type { LabelSelector } from '../../api/meta';
import type { Stored } from '../../api/stored';
import type { Clientset } from '../../client/clientset';
import type { EventRecorder } from '../../client/record/recorder';
import type { SharedInformerFactory } from '../../informer/factory';
import type { ResourceEventHandler } from '../../informer/event_handler';
import { unwrapTombstone } from '../../informer/tombstone';
import type { Clock } from '../../util/clock/clock';
import { realClock } from '../../util/clock/clock';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import { enqueueOwnKey, type Enqueuer } from '../../util/reconcile/handlers';
import { thaw } from '../../util/reconcile/lister';
import { runController, type ControllerMetrics } from '../../util/reconcile/runner';
import { defaultControllerRateLimiter, RateLimitingQueue } from '../../util/workqueue';
import { PodExpectations } from './expectations';
import { controllerRefOf, parentAndOrdinal, StatefulSetKind } from './identity';
import { StatefulPodControl } from './pod_control';
import { StatefulSetReconciler } from './reconciler';
import { StatefulSetControl } from './set_control';
import type { CachedSet } from './types';

/** Dependencies of the StatefulSet controller. */
export interface StatefulSetControllerOptions {
  factory: SharedInformerFactory;
  client: Clientset;
  recorder: EventRecorder;
  logger: Logger;
  metrics?: ControllerMetrics;
  workers: number;
  clock?: Clock;
}

/** Reads the sets of a namespace. */
interface SetsOfNamespace {
  listNamespace(namespace: string): readonly CachedSet[];
}

type PodLike = DeepReadonly<Stored<Pod, 'Namespaced'>>;

/** The set keys a pod change concerns. */
export function setKeysForPod(sets: SetsOfNamespace, pod: PodLike): string[] {
  const ns = pod.metadata.namespace;
  const ref = controllerRefOf(pod);
  if (ref)
    return ref.kind === StatefulSetKind.kind && ref.apiVersion.startsWith('apps/') ? [namespacedKey(ns, ref.name)] : [];
  if (pod.metadata.deletionTimestamp) return [];
  return sets
    .listNamespace(ns)
    .filter((s) => {
      const sel = labelSelectorFrom(thaw<LabelSelector>(s.spec.selector));
      return !sel.empty() && sel.matches(pod.metadata.labels);
    })
    .map((s) => namespacedKey(ns, s.metadata.name));
}

/** The set keys a claim change concerns: sets with a template whose claim names it has. */
export function setKeysForClaim(
  sets: SetsOfNamespace,
  claim: DeepReadonly<Stored<PersistentVolumeClaim, 'Namespaced'>>,
): string[] {
  const ns = claim.metadata.namespace;
  const { parent } = parentAndOrdinal(claim.metadata.name);
  return sets
    .listNamespace(ns)
    .filter((s) =>
      (s.spec.volumeClaimTemplates ?? []).some((t) => parent === `${t.metadata.name ?? ''}-${s.metadata.name}`),
    )
    .map((s) => namespacedKey(ns, s.metadata.name));
}

function mappedHandler<T>(queue: Enqueuer, keys: (obj: DeepReadonly<T>) => string[]): ResourceEventHandler<T> {
  const add = (obj: DeepReadonly<T>) => {
    for (const k of keys(obj)) queue.add(k);
  };
  return {
    onAdd: add,
    onUpdate: (old, obj) => {
      add(old);
      add(obj);
    },
    onDelete: (obj) => add(unwrapTombstone(obj)),
  };
}

/** The StatefulSet controller. */
export function newStatefulSetController(o: StatefulSetControllerOptions): { run(signal: AbortSignal): Promise<void> } {
  const clock = o.clock ?? realClock;
  const queue = new RateLimitingQueue({ rateLimiter: defaultControllerRateLimiter() });
  const sets = o.factory.statefulSets();
  const pods = o.factory.pods();
  const claims = o.factory.persistentVolumeClaims();
  const revisions = o.factory.controllerRevisions();
  const setLister = sets.lister();
  const regs = [
    sets.addEventHandler(enqueueOwnKey(queue)),
    pods.addEventHandler(mappedHandler<Stored<Pod, 'Namespaced'>>(queue, (p) => setKeysForPod(setLister, p))),
    claims.addEventHandler(
      mappedHandler<Stored<PersistentVolumeClaim, 'Namespaced'>>(queue, (c) => setKeysForClaim(setLister, c)),
    ),
  ];
  const expectations = new PodExpectations(clock);
  const now = () => clock.now();
  const podControl = new StatefulPodControl({
    pods: o.client.pods,
    claims: o.client.persistentVolumeClaims,
    claimLister: claims.lister(),
    recorder: o.recorder,
    expectations,
  });
  const reconciler = new StatefulSetReconciler({
    sets: setLister,
    pods: pods.lister(),
    revisions: revisions.lister(),
    setClient: o.client.statefulSets,
    podClient: o.client.pods,
    revisionClient: o.client.controllerRevisions,
    control: new StatefulSetControl({ pods: podControl, recorder: o.recorder, now }),
    expectations,
    recorder: o.recorder,
    now,
  });
  return {
    run: async (signal) => {
      await runController({
        loops: [{ name: 'statefulset', queue, reconciler }],
        registrations: regs,
        workers: o.workers,
        logger: o.logger,
        signal,
        metrics: o.metrics,
      });
    },
  };
}
