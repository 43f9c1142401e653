/**
 * The events the StatefulSet controller records on a set, worded as Kubernetes'
 * stateful_pod_control does (`create Pod web-0 in StatefulSet web successful`,
 * `create Claim data-web-0 Pod web-0 in StatefulSet web success`, ...).
 */
import { EventType } from '../../api/core/v1';
import type { EventRecorder } from '../../client/record/recorder';
import type { CachedSet } from './types';

/** Event reasons of the StatefulSet controller. */
export const StatefulSetEventReason = {
  SuccessfulCreate: 'SuccessfulCreate',
  FailedCreate: 'FailedCreate',
  SuccessfulUpdate: 'SuccessfulUpdate',
  FailedUpdate: 'FailedUpdate',
  SuccessfulDelete: 'SuccessfulDelete',
  FailedDelete: 'FailedDelete',
  RecreatingFailedPod: 'RecreatingFailedPod',
  RecreatingTerminatedPod: 'RecreatingTerminatedPod',
  SelectingAll: 'SelectingAll',
} as const;
export type StatefulSetEventReason = (typeof StatefulSetEventReason)[keyof typeof StatefulSetEventReason];

/** The verbs events are recorded for. */
export type Verb = 'create' | 'update' | 'delete';

const success = {
  create: StatefulSetEventReason.SuccessfulCreate,
  update: StatefulSetEventReason.SuccessfulUpdate,
  delete: StatefulSetEventReason.SuccessfulDelete,
} as const;
const failure = {
  create: StatefulSetEventReason.FailedCreate,
  update: StatefulSetEventReason.FailedUpdate,
  delete: StatefulSetEventReason.FailedDelete,
} as const;

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Records `verb` on a pod of the set: Normal on success, Warning with the error otherwise. */
export function recordPodEvent(r: EventRecorder, verb: Verb, set: CachedSet, pod: string, err?: unknown): void {
  const name = set.metadata.name;
  if (err === undefined)
    r.event(set, EventType.Normal, success[verb], `${verb} Pod ${pod} in StatefulSet ${name} successful`);
  else
    r.event(
      set,
      EventType.Warning,
      failure[verb],
      `${verb} Pod ${pod} in StatefulSet ${name} failed error: ${messageOf(err)}`,
    );
}

/** Records `verb` on a claim of a pod of the set. */
export function recordClaimEvent(
  r: EventRecorder,
  verb: Verb,
  set: CachedSet,
  pod: string,
  claim: string,
  err?: unknown,
): void {
  const name = set.metadata.name;
  if (err === undefined)
    r.event(set, EventType.Normal, success[verb], `${verb} Claim ${claim} Pod ${pod} in StatefulSet ${name} success`);
  else
    r.event(
      set,
      EventType.Warning,
      failure[verb],
      `${verb} Claim ${claim} for Pod ${pod} in StatefulSet ${name} failed error: ${messageOf(err)}`,
    );
}
