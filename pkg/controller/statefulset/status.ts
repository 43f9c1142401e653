/**
 * A set's status from its members (Kubernetes' computeReplicaStatus / completeRollingUpdate /
 * inconsistentStatus). Only created pods count; a terminating pod counts as a replica but not
 * as current or updated. A rolling update is complete — current := update — when every wanted
 * replica exists, is updated and Ready.
 */
import { StatefulSetUpdateStrategyType, type StatefulSetStatus } from '../../api/apps/v1';
import { revisionOf, replicasOf } from './identity';
import { isCreated, isRunningAndAvailable, isRunningAndReady, isTerminating } from './pod_state';
import type { CachedSet, Member, SetRevisions } from './types';

/** The status fields the controller owns. */
export type ComputedStatus = Required<
  Pick<
    StatefulSetStatus,
    | 'replicas'
    | 'readyReplicas'
    | 'currentReplicas'
    | 'updatedReplicas'
    | 'availableReplicas'
    | 'currentRevision'
    | 'updateRevision'
    | 'collisionCount'
  >
> &
  Pick<StatefulSetStatus, 'observedGeneration'>;

/** Counts `members` (pods deleted during this sync in `gone` count as terminating). */
export function computeStatus(
  set: CachedSet,
  revs: SetRevisions,
  members: readonly Member[],
  gone: ReadonlySet<string>,
  now: number,
): ComputedStatus {
  const minReady = set.spec.minReadySeconds ?? 0;
  const current = revs.current.metadata.name ?? '';
  const update = revs.update.metadata.name ?? '';
  const s: ComputedStatus = {
    ...(set.metadata.generation !== undefined ? { observedGeneration: set.metadata.generation } : {}),
    replicas: 0,
    readyReplicas: 0,
    currentReplicas: 0,
    updatedReplicas: 0,
    availableReplicas: 0,
    currentRevision: current,
    updateRevision: update,
    collisionCount: revs.collisionCount,
  };
  for (const m of members) {
    if (!isCreated(m)) continue;
    s.replicas++;
    if (isRunningAndReady(m)) {
      s.readyReplicas++;
      if (isRunningAndAvailable(m, minReady, now)) s.availableReplicas++;
    }
    if (isTerminating(m) || gone.has(m.pod.metadata.name ?? '')) continue;
    const rev = revisionOf(m.pod);
    if (rev === current) s.currentReplicas++;
    if (rev === update) s.updatedReplicas++;
  }
  completeRollingUpdate(set, s);
  return s;
}

/** Marks a finished rolling update: the update revision becomes the current one. */
export function completeRollingUpdate(set: CachedSet, s: ComputedStatus): void {
  const type = set.spec.updateStrategy?.type ?? StatefulSetUpdateStrategyType.RollingUpdate;
  const want = replicasOf(set);
  if (
    type === StatefulSetUpdateStrategyType.RollingUpdate &&
    s.updatedReplicas === want &&
    s.readyReplicas === want &&
    s.replicas === want
  ) {
    s.currentReplicas = s.updatedReplicas;
    s.currentRevision = s.updateRevision;
  }
}

/** True when the stored status differs from the computed one (then, and only then, it is written). */
export function statusChanged(set: CachedSet, s: ComputedStatus): boolean {
  const old = set.status;
  return (
    old === undefined ||
    (s.observedGeneration ?? 0) > (old.observedGeneration ?? 0) ||
    s.replicas !== old.replicas ||
    s.readyReplicas !== (old.readyReplicas ?? 0) ||
    s.currentReplicas !== (old.currentReplicas ?? 0) ||
    s.updatedReplicas !== (old.updatedReplicas ?? 0) ||
    s.availableReplicas !== (old.availableReplicas ?? 0) ||
    s.currentRevision !== (old.currentRevision ?? '') ||
    s.updateRevision !== (old.updateRevision ?? '') ||
    s.collisionCount !== (old.collisionCount ?? 0)
  );
}
