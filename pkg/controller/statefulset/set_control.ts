/**
 * One pass of a StatefulSet's control loop (Kubernetes' updateStatefulSet): members are split
 * into replicas (ordinals in [start, start+replicas)) and condemned ones (the rest), missing
 * replicas are planned at the right revision, then
 *   1. every replica: a Failed or Succeeded pod is deleted (recreated on a later pass, once it
 *      is gone); a missing one is created (claims first); with OrderedReady the pass stops at
 *      the first pod that was just created, is terminating, or is not Running and Ready (and
 *      available), so each pod starts only after all below it are Ready;
 *   2. condemned members' claims get their retention owner references;
 *   3. condemned members are deleted highest first; with OrderedReady one at a time, each only
 *      when it is gone and everything else is healthy (the first unhealthy pod may go);
 *   4. RollingUpdate: the highest replica >= partition not at the update revision is deleted
 *      (it comes back at the new revision), one at a time, waiting for each to be Ready again.
 *      OnDelete: nothing; pods take the new revision when they are recreated.
 * Parallel runs steps 1–3 for all members at once (slow-start batches) without waiting.
 * A set being deleted is left alone (status only).
 */
import { PodManagementPolicy, StatefulSetUpdateStrategyType, type StatefulSet } from '../../api/apps/v1';
import { EventType, type Pod } from '../../api/core/v1';
import type { EventRecorder } from '../../client/record/recorder';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import { thaw } from '../../util/reconcile/lister';
import { StatefulSetEventReason } from './events';
import {
  identityMatches,
  newMemberPod,
  ordinalOf,
  replicasOf,
  revisionOf,
  startOrdinal,
  storageMatches,
} from './identity';
import {
  isFailed,
  isPending,
  isRunningAndAvailable,
  isRunningAndReady,
  isSucceeded,
  isTerminating,
  isUnavailable,
} from './pod_state';
import type { StatefulPodControl } from './pod_control';
import { setAtRevision } from './revisions';
import { type ComputedStatus, computeStatus } from './status';
import type { CachedPod, CachedSet, Member, SetRevisions } from './types';

/** What a pass did: the status to write, the members it saw, and the error that stopped it. */
export interface PassResult {
  status: ComputedStatus;
  members: Member[];
  error?: unknown;
}

/** The largest batch of parallel member writes (Kubernetes' MaxBatchSize). */
const maxBatch = 500;

/** What a pass writes through and reads the time from. */
export interface ControlDeps {
  pods: StatefulPodControl;
  recorder: EventRecorder;
  /** Milliseconds since the epoch. */
  now: () => number;
}

/** Runs the control loop of sets over a pod control. */
export class StatefulSetControl {
  constructor(private readonly d: ControlDeps) {}

  /** One pass over `set` whose pods (adopted, members by name) are `pods`. */
  async sync(set: CachedSet, revs: SetRevisions, pods: readonly CachedPod[]): Promise<PassResult> {
    const currentSet = setAtRevision(set, revs.current);
    const updateSet = setAtRevision(set, revs.update);
    const start = startOrdinal(set);
    const count = replicasOf(set);
    const slots: (Member | undefined)[] = new Array(count).fill(undefined);
    const condemned: Member[] = [];
    for (const pod of pods) {
      const ordinal = ordinalOf(pod);
      if (ordinal >= start && ordinal < start + count) slots[ordinal - start] = { ordinal, created: true, pod };
      else if (ordinal >= 0) condemned.push({ ordinal, created: true, pod });
    }
    const replicas: Member[] = slots.map(
      (m, i) =>
        m ?? { ordinal: start + i, created: false, pod: this.planned(set, currentSet, updateSet, revs, start + i) },
    );
    condemned.sort((a, b) => b.ordinal - a.ordinal);
    const members = [...replicas, ...condemned];
    const gone = new Set<string>();
    const pass = new Pass(this.d, set, updateSet, revs, replicas, condemned, gone);
    let error: unknown;
    if (!set.metadata.deletionTimestamp) {
      try {
        await pass.run();
      } catch (err) {
        error = err;
      }
    }
    const status = computeStatus(set, revs, members, gone, this.d.now());
    return { status, members, ...(error !== undefined ? { error } : {}) };
  }

  /** The pod a missing ordinal gets: the current revision below the partition, else the update one. */
  private planned(
    set: CachedSet,
    currentSet: DeepReadonly<StatefulSet>,
    updateSet: DeepReadonly<StatefulSet>,
    revs: SetRevisions,
    ordinal: number,
  ) {
    const rolling = (set.spec.updateStrategy?.type ?? StatefulSetUpdateStrategyType.RollingUpdate) === 'RollingUpdate';
    const partition = set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    if (rolling && ordinal < startOrdinal(set) + partition)
      return newMemberPod(currentSet, ordinal, revs.current.metadata.name ?? '');
    return newMemberPod(updateSet, ordinal, revs.update.metadata.name ?? '');
  }
}

/** The state of one pass. */
class Pass {
  private readonly monotonic: boolean;
  private readonly minReady: number;
  private readonly firstUnhealthy: Member | undefined;

  constructor(
    private readonly d: ControlDeps,
    private readonly set: CachedSet,
    private readonly updateSet: CachedSet,
    private readonly revs: SetRevisions,
    private readonly replicas: Member[],
    private readonly condemned: Member[],
    private readonly gone: Set<string>,
  ) {
    this.monotonic =
      (set.spec.podManagementPolicy ?? PodManagementPolicy.OrderedReady) !== PodManagementPolicy.Parallel;
    this.minReady = set.spec.minReadySeconds ?? 0;
    const now = d.now();
    const lowestCondemnedFirst = [...condemned].reverse();
    this.firstUnhealthy = [...replicas, ...lowestCondemnedFirst].find((m) => isUnavailable(m, this.minReady, now));
  }

  private get pods(): StatefulPodControl {
    return this.d.pods;
  }

  async run(): Promise<void> {
    if (await this.forAll(this.replicas, (m) => this.processReplica(m))) return;
    if (await this.forAll(this.condemned, (m) => this.fixCondemnedClaims(m))) return;
    if (await this.forAll(this.condemned, (m) => this.processCondemned(m))) return;
    if (this.set.spec.updateStrategy?.type === StatefulSetUpdateStrategyType.OnDelete) return;
    await this.rollingUpdate();
  }

  /**
   * Runs `fn` over members: in order, stopping at the first that says so (OrderedReady), or
   * all of them in slow-start batches (Parallel; errors stop the pass after the batch).
   */
  private async forAll(members: readonly Member[], fn: (m: Member) => Promise<boolean>): Promise<boolean> {
    if (this.monotonic) {
      for (const m of members) if (await fn(m)) return true;
      return false;
    }
    let next = 0;
    for (let size = Math.min(1, members.length); size > 0; ) {
      const batch = members.slice(next, next + size);
      next += size;
      const results = await Promise.allSettled(batch.map(fn));
      const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      if (failed.length > 0)
        throw failed.length === 1 ? failed[0] : new AggregateError(failed, aggregateMessage(failed));
      size = Math.min(2 * size, members.length - next, maxBatch);
    }
    return false;
  }

  private async processReplica(m: Member): Promise<boolean> {
    const set = this.set;
    const now = this.d.now();
    if (m.created && (isFailed(m) || isSucceeded(m))) {
      if (!isTerminating(m)) {
        const failed = isFailed(m);
        this.d.recorder.event(
          set,
          failed ? EventType.Warning : EventType.Normal,
          failed ? StatefulSetEventReason.RecreatingFailedPod : StatefulSetEventReason.RecreatingTerminatedPod,
          `StatefulSet ${set.metadata.namespace}/${set.metadata.name} is recreating ${failed ? 'failed' : 'terminated'} Pod ${m.pod.metadata.name}`,
        );
        await this.delete(m.pod);
      }
      // The new pod is made on a later pass, once this one is gone.
      return true;
    }
    if (!m.created) {
      if (this.pods.claimIsStale(set, m.pod)) return true;
      await this.pods.createPod(set, thawPod(m.pod));
      return this.monotonic;
    }
    if (isPending(m)) await this.pods.createMissingClaims(set, m.pod);
    if (this.monotonic && isTerminating(m)) return true;
    if (this.monotonic && !isRunningAndReady(m)) return true;
    if (this.monotonic && !isRunningAndAvailable(m, this.minReady, now)) return true;
    if (!this.pods.claimsMatchRetention(this.updateSet, m.pod))
      await this.pods.syncClaimRetention(this.updateSet, m.pod);
    if (!identityMatches(set, m.pod)) await this.pods.updateIdentity(set, m.pod);
    else if (!storageMatches(set, m.pod)) await this.pods.createMissingClaims(set, m.pod);
    return false;
  }

  private async fixCondemnedClaims(m: Member): Promise<boolean> {
    if (m.created && !this.pods.claimsMatchRetention(this.updateSet, m.pod))
      await this.pods.syncClaimRetention(this.updateSet, m.pod);
    return false;
  }

  private async processCondemned(m: Member): Promise<boolean> {
    if (!m.created) return false;
    if (isTerminating(m)) return this.monotonic;
    const now = this.d.now();
    if (this.monotonic && m !== this.firstUnhealthy && !isRunningAndAvailable(m, this.minReady, now)) return true;
    await this.delete(m.pod);
    return true;
  }

  private async rollingUpdate(): Promise<void> {
    const partition = this.set.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
    const update = this.revs.update.metadata.name ?? '';
    const now = this.d.now();
    for (let target = this.replicas.length - 1; target >= partition; target--) {
      const m = this.replicas[target];
      if (!m) continue;
      if (m.created && revisionOf(m.pod) !== update && !isTerminating(m)) {
        await this.delete(m.pod);
        return;
      }
      if (isUnavailable(m, this.minReady, now)) return;
    }
  }

  private async delete(pod: DeepReadonly<CachedPod>): Promise<void> {
    await this.pods.deletePod(this.set, pod);
    this.gone.add(pod.metadata.name);
  }
}

function thawPod(pod: Member['pod']): Pod {
  return thaw<Pod>(pod);
}

function aggregateMessage(errors: unknown[]): string {
  return errors.map((e) => (e instanceof Error ? e.message : String(e))).join('; ');
}
