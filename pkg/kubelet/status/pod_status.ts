/**
 * Computes a pod's status from its runtime containers: phase (Pending / Running / Succeeded /
 * Failed, as Kubernetes derives it with the restart policy), conditions, and containerStatuses
 * with running / terminated / waiting states, restartCount and lastState.
 */
import type { ContainerState, ContainerStatus, Pod, PodCondition, PodPhase, PodStatus } from '../../api/core/v1';
import { containerAttempt, ContainerLabel, type RuntimeContainer } from '../runtime/interface';

/** A reason a container is not running yet (ContainerCreating, CrashLoopBackOff, ErrImageNeverPull…). */
export interface Waiting {
  reason: string;
  message?: string;
}

/** Inputs of the computation. */
export interface StatusInputs {
  pod: Pod;
  containers: RuntimeContainer[];
  waiting: Map<string, Waiting>;
  hostIP: string;
  podIP?: string;
  now: string;
}

function terminated(c: RuntimeContainer): ContainerState {
  const exitCode = c.exitCode ?? 0;
  return {
    terminated: {
      exitCode,
      reason: c.oomKilled ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error',
      ...(c.error ? { message: c.error } : {}),
      ...(c.startedAt ? { startedAt: c.startedAt } : {}),
      ...(c.finishedAt ? { finishedAt: c.finishedAt } : {}),
      containerID: `docker://${c.id}`,
    },
  };
}

/** True when the restart policy will restart a container that exited with `code`. */
export function willRestart(policy: string | undefined, code: number): boolean {
  return policy === 'Always' || policy === undefined || (policy === 'OnFailure' && code !== 0);
}

function condition(
  type: string,
  ok: boolean,
  now: string,
  old: PodCondition[] | undefined,
  reason?: string,
): PodCondition {
  const status = ok ? 'True' : 'False';
  const prev = old?.find((c) => c.type === type);
  return {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: prev && prev.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : now,
    ...(!ok && reason ? { reason } : {}),
  };
}

/** The status the kubelet reports. */
export function computePodStatus(i: StatusInputs): PodStatus {
  const { pod, now } = i;
  const policy = pod.spec.restartPolicy;
  const statuses: ContainerStatus[] = pod.spec.containers.map((spec) => {
    const mine = i.containers
      .filter((c) => c.labels[ContainerLabel.ContainerName] === spec.name)
      .sort((a, b) => containerAttempt(a) - containerAttempt(b));
    const latest = mine[mine.length - 1];
    const previous = mine[mine.length - 2];
    const waiting = i.waiting.get(spec.name);
    let state: ContainerState;
    let lastState: ContainerState = previous?.state === 'exited' ? terminated(previous) : {};
    if (waiting) {
      state = { waiting: { reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) } };
      if (latest?.state === 'exited') lastState = terminated(latest);
    } else if (latest?.state === 'running')
      state = { running: { ...(latest.startedAt ? { startedAt: latest.startedAt } : {}) } };
    else if (latest?.state === 'exited') state = terminated(latest);
    else state = { waiting: { reason: 'ContainerCreating' } };
    const running = state.running !== undefined;
    return {
      name: spec.name,
      state,
      lastState,
      ready: running,
      started: running,
      restartCount: latest ? containerAttempt(latest) : 0,
      image: spec.image,
      imageID: latest?.imageId ?? '',
      ...(latest ? { containerID: `docker://${latest.id}` } : {}),
    };
  });
  const anyRunning = statuses.some((s) => s.state?.running);
  const allTerminatedForGood = statuses.every(
    (s) => s.state?.terminated && !willRestart(policy, s.state.terminated.exitCode),
  );
  const anyStarted = statuses.some((s) => s.state?.running || s.state?.terminated || s.lastState?.terminated);
  let phase: PodPhase;
  if (allTerminatedForGood && statuses.length > 0)
    phase = statuses.every((s) => s.state?.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
  else if (anyRunning || anyStarted) phase = 'Running';
  else phase = 'Pending';
  const allReady = statuses.length > 0 && statuses.every((s) => s.ready);
  const old = pod.status?.conditions;
  const notReadyReason = phase === 'Succeeded' || phase === 'Failed' ? 'PodCompleted' : 'ContainersNotReady';
  return {
    phase,
    conditions: [
      condition('PodScheduled', true, now, old),
      condition('Initialized', true, now, old),
      condition('ContainersReady', allReady, now, old, notReadyReason),
      condition('Ready', allReady, now, old, notReadyReason),
    ],
    hostIP: i.hostIP,
    ...(i.podIP ? { podIP: i.podIP } : {}),
    startTime: pod.status?.startTime ?? now,
    containerStatuses: statuses,
  };
}
