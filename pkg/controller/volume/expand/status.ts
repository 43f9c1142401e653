/**
 * The claim status an expansion writes at each step (pure functions of the claim and the
 * size): Kubernetes' external-resizer with RecoverVolumeExpansionFailure. Each returns a new
 * status; the input is never changed.
 *
 *   start      allocatedResources = size, storage → ControllerResizeInProgress, condition Resizing
 *   node       storage → NodeResizePending, condition FileSystemResizePending (the kubelet finishes)
 *   finished   capacity = size, the storage resize status and resize conditions removed
 *   failed     storage → ControllerResizeInfeasible (or stays InProgress), condition ControllerResizeError
 */
import {
  ClaimResourceStatus,
  type PersistentVolumeClaim,
  type PersistentVolumeClaimCondition,
  PersistentVolumeClaimConditionType,
  type PersistentVolumeClaimStatus,
} from '../../../api/core/v1';
import type { DeepReadonly } from '../../../util/immutable/deep_readonly';
import { thaw } from '../../../util/reconcile/lister';
import { fileSystemResizePendingMessage } from './constants';

const resizeConditionTypes: readonly string[] = Object.values(PersistentVolumeClaimConditionType);

/** The claim's status without resize conditions, plus `add` (a condition of the same type keeps its transition time). */
function withConditions(
  status: PersistentVolumeClaimStatus,
  add: PersistentVolumeClaimCondition[],
  now: string,
): PersistentVolumeClaimCondition[] | undefined {
  const old = status.conditions ?? [];
  const kept = old.filter((c) => !resizeConditionTypes.includes(c.type));
  const added = add.map((c) => {
    const prev = old.find((o) => o.type === c.type && o.status === c.status);
    return { ...c, lastProbeTime: now, lastTransitionTime: prev?.lastTransitionTime ?? now };
  });
  const all = [...kept, ...added];
  return all.length ? all : undefined;
}

function withStorageStatus(
  s: PersistentVolumeClaimStatus,
  v: ClaimResourceStatus | undefined,
): PersistentVolumeClaimStatus {
  const { storage: _old, ...rest } = s.allocatedResourceStatuses ?? {};
  const statuses = v ? { ...rest, storage: v } : rest;
  const { allocatedResourceStatuses: _a, ...without } = s;
  return Object.keys(statuses).length ? { ...without, allocatedResourceStatuses: statuses } : without;
}

function finish(s: PersistentVolumeClaimStatus, conditions: PersistentVolumeClaimCondition[] | undefined) {
  const { conditions: _c, ...rest } = s;
  return conditions ? { ...rest, conditions } : rest;
}

function statusOf(pvc: DeepReadonly<PersistentVolumeClaim>): PersistentVolumeClaimStatus {
  return thaw(pvc.status ?? {}) as PersistentVolumeClaimStatus;
}

/** The controller resize of `size` has started. */
export function startedStatus(pvc: DeepReadonly<PersistentVolumeClaim>, size: string, now: string) {
  const s = statusOf(pvc);
  const next = withStorageStatus(
    { ...s, allocatedResources: { ...(s.allocatedResources ?? {}), storage: size } },
    ClaimResourceStatus.ControllerResizeInProgress,
  );
  return finish(next, withConditions(s, [{ type: PersistentVolumeClaimConditionType.Resizing, status: 'True' }], now));
}

/** The controller side is done; the node must finish. */
export function nodePendingStatus(pvc: DeepReadonly<PersistentVolumeClaim>, now: string) {
  const s = statusOf(pvc);
  const next = withStorageStatus(s, ClaimResourceStatus.NodeResizePending);
  return finish(
    next,
    withConditions(
      s,
      [
        {
          type: PersistentVolumeClaimConditionType.FileSystemResizePending,
          status: 'True',
          message: fileSystemResizePendingMessage,
        },
      ],
      now,
    ),
  );
}

/** The expansion to `size` is done (controller or node side). */
export function finishedStatus(pvc: DeepReadonly<PersistentVolumeClaim>, size: string, now: string) {
  const s = statusOf(pvc);
  const next = withStorageStatus({ ...s, capacity: { ...(s.capacity ?? {}), storage: size } }, undefined);
  return finish(next, withConditions(s, [], now));
}

/** The controller side failed with `message`; `infeasible`: not retried until the request changes. */
export function controllerFailedStatus(
  pvc: DeepReadonly<PersistentVolumeClaim>,
  message: string,
  infeasible: boolean,
  now: string,
) {
  const s = statusOf(pvc);
  const next = withStorageStatus(
    s,
    infeasible ? ClaimResourceStatus.ControllerResizeInfeasible : ClaimResourceStatus.ControllerResizeInProgress,
  );
  return finish(
    next,
    withConditions(
      s,
      [{ type: PersistentVolumeClaimConditionType.ControllerResizeError, status: 'True', message }],
      now,
    ),
  );
}

/** The node side failed with `message`; `infeasible`: not retried until the request changes. */
export function nodeFailedStatus(
  pvc: DeepReadonly<PersistentVolumeClaim>,
  message: string,
  infeasible: boolean,
  now: string,
) {
  const s = statusOf(pvc);
  const next = withStorageStatus(
    s,
    infeasible ? ClaimResourceStatus.NodeResizeInfeasible : ClaimResourceStatus.NodeResizePending,
  );
  const keep: PersistentVolumeClaimCondition[] = infeasible
    ? []
    : [
        {
          type: PersistentVolumeClaimConditionType.FileSystemResizePending,
          status: 'True',
          message: fileSystemResizePendingMessage,
        },
      ];
  return finish(
    next,
    withConditions(
      s,
      [...keep, { type: PersistentVolumeClaimConditionType.NodeResizeError, status: 'True', message }],
      now,
    ),
  );
}
