/**
 * The StatefulSet reconciler (Kubernetes' StatefulSetController.sync): re-reads the set, its
 * pods and revisions from the caches, adopts and releases, resolves the current and update
 * revisions, runs one pass of the control loop, writes status through statefulsets/status
 * when it changed, and trims the revision history. While pod writes of an earlier pass are not
 * in the cache yet it waits (expectations.ts). A set with minReadySeconds is looked at again
 * when its Ready pods become available.
 */
import type { ControllerRevision, StatefulSet } from '../../api/apps/v1';
import { EventType, type Pod } from '../../api/core/v1';
import { isConflict, isNotFound } from '../../api/errors';
import { labelSelectorFrom } from '../../api/labels';
import type { LabelSelector } from '../../api/meta';
import type { Stored } from '../../api/stored';
import type { EventRecorder } from '../../client/record/recorder';
import { thaw } from '../../util/reconcile/lister';
import type { Reconciler, Result } from '../../util/reconcile/runner';
import { StatefulSetEventReason } from './events';
import type { PodExpectations } from './expectations';
import { type RevisionClient, resolveRevisions, truncateHistory } from './history';
import { isMemberOf } from './identity';
import { OwnershipClaimer, type OwnedClient, type SetGetter } from './ownership';
import { untilAvailable } from './pod_state';
import type { StatefulSetControl } from './set_control';
import { type ComputedStatus, statusChanged } from './status';
import type { CachedPod, CachedRevision, CachedSet, Member } from './types';

/** Cache reads the reconciler makes. */
export interface NamespacedLister<T> {
  get(key: string): T | undefined;
  listNamespace(namespace: string): T[];
}

/** The StatefulSet client calls the reconciler makes. */
export interface SetClient extends SetGetter {
  updateStatus(obj: StatefulSet): Promise<Stored<StatefulSet, 'Namespaced'>>;
}

/** Dependencies of the reconciler. */
export interface StatefulSetReconcilerDeps {
  sets: NamespacedLister<CachedSet>;
  pods: NamespacedLister<CachedPod>;
  revisions: NamespacedLister<CachedRevision>;
  setClient: SetClient;
  podClient: OwnedClient<Pod>;
  revisionClient: RevisionClient & OwnedClient<ControllerRevision>;
  control: StatefulSetControl;
  expectations: PodExpectations;
  recorder: EventRecorder;
  /** Milliseconds since the epoch. */
  now: () => number;
}

/** Reconciles one StatefulSet key. */
export class StatefulSetReconciler implements Reconciler {
  constructor(private readonly d: StatefulSetReconcilerDeps) {}

  async reconcile(key: string): Promise<Result | void> {
    const set = this.d.sets.get(key);
    if (!set) {
      this.d.expectations.forget(key);
      return;
    }
    const selector = labelSelectorFrom(thaw<LabelSelector>(set.spec.selector));
    if (selector.empty()) {
      this.d.recorder.event(
        set,
        EventType.Warning,
        StatefulSetEventReason.SelectingAll,
        'This StatefulSet is selecting all pods. A non-empty selector is required.',
      );
      return;
    }
    const wait = this.d.expectations.pending(key, this.d.pods);
    if (wait !== undefined) return { requeueAfter: wait };

    const ns = set.metadata.namespace;
    const owner = new OwnershipClaimer(set, selector, this.d.setClient);
    const revisions = await owner.claim<ControllerRevision>(this.d.revisions.listNamespace(ns), this.d.revisionClient);
    const pods = await owner.claim<Pod>(this.d.pods.listNamespace(ns), this.d.podClient, (p) => isMemberOf(set, p));
    const revs = await resolveRevisions(this.d.revisionClient, set, revisions as CachedRevision[]);
    const pass = await this.d.control.sync(set, revs, pods as CachedPod[]);
    await this.writeStatus(set, pass.status);
    await truncateHistory(this.d.revisionClient, set, revisions as CachedRevision[], pass.members, [
      revs.current,
      revs.update,
    ]);
    if (pass.error !== undefined) throw pass.error;
    return this.availabilityRequeue(set, pass.members);
  }

  private async writeStatus(set: CachedSet, status: ComputedStatus): Promise<void> {
    if (!statusChanged(set, status)) return;
    let base: CachedSet = set;
    for (let attempt = 0; ; attempt++) {
      const next = thaw<StatefulSet>(base);
      next.status = { ...next.status, ...status };
      try {
        await this.d.setClient.updateStatus(next);
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err) || attempt >= 2) throw err;
        base = await this.d.setClient.get(set.metadata.name, set.metadata.namespace);
        if (base.metadata.uid !== set.metadata.uid) return;
      }
    }
  }

  private availabilityRequeue(set: CachedSet, members: readonly Member[]): Result | undefined {
    const minReady = set.spec.minReadySeconds ?? 0;
    if (minReady <= 0) return undefined;
    const now = this.d.now();
    const waits = members.flatMap((m) => {
      const w = untilAvailable(m, minReady, now);
      return w === undefined ? [] : [w];
    });
    return waits.length > 0 ? { requeueAfter: Math.min(...waits) } : undefined;
  }
}
