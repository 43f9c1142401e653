/**
 * What the control loop asks of a member (Kubernetes' isCreated / isRunningAndReady /
 * isRunningAndAvailable / isHealthy ...). A member that is not created has no state: it is
 * neither ready nor terminating, and counts as unhealthy.
 */
import { PodPhase } from '../../api/core/v1';
import type { Member } from './types';

/** True when the member's pod exists. */
export function isCreated(m: Member): boolean {
  return m.created;
}

/** True when the pod's phase is Failed. */
export function isFailed(m: Member): boolean {
  return m.created && m.pod.status?.phase === PodPhase.Failed;
}

/** True when the pod's phase is Succeeded. */
export function isSucceeded(m: Member): boolean {
  return m.created && m.pod.status?.phase === PodPhase.Succeeded;
}

/** True when the pod's phase is Pending. */
export function isPending(m: Member): boolean {
  return m.created && m.pod.status?.phase === PodPhase.Pending;
}

/** True while the pod is being deleted. */
export function isTerminating(m: Member): boolean {
  return m.created && m.pod.metadata.deletionTimestamp !== undefined;
}

function readyCondition(m: Member) {
  return m.pod.status?.conditions?.find((c) => c.type === 'Ready');
}

/** True when the pod is Running and its Ready condition is True. */
export function isRunningAndReady(m: Member): boolean {
  return m.created && m.pod.status?.phase === PodPhase.Running && readyCondition(m)?.status === 'True';
}

/** True when the pod has been Ready for at least `minReadySeconds` at `now` (ms). */
export function isRunningAndAvailable(m: Member, minReadySeconds: number, now: number): boolean {
  if (!isRunningAndReady(m)) return false;
  if (minReadySeconds <= 0) return true;
  const since = Date.parse(readyCondition(m)?.lastTransitionTime ?? '');
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= now;
}

/** Ready and not terminating. */
export function isHealthy(m: Member): boolean {
  return isRunningAndReady(m) && !isTerminating(m);
}

/** Not healthy, or not yet available. */
export function isUnavailable(m: Member, minReadySeconds: number, now: number): boolean {
  return !isHealthy(m) || !isRunningAndAvailable(m, minReadySeconds, now);
}

/**
 * How long until a Ready pod becomes available (ms), or undefined when it is not Ready or
 * already available: the reconciler looks again then.
 */
export function untilAvailable(m: Member, minReadySeconds: number, now: number): number | undefined {
  if (!isRunningAndReady(m) || minReadySeconds <= 0) return undefined;
  const since = Date.parse(readyCondition(m)?.lastTransitionTime ?? '');
  if (!Number.isFinite(since)) return undefined;
  const left = since + minReadySeconds * 1000 - now;
  return left > 0 ? left : undefined;
}
