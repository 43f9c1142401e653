/** Pod defaulting (k8s SetDefaults_Pod, SetDefaults_PodSpec, SetDefaults_Container). */
import { type Container, type Pod, PodPhase, RestartPolicy } from '../core/v1';

/** Grace period a pod gets when it sets none (seconds). */
export const DefaultTerminationGracePeriodSeconds = 30;
/** Scheduler a pod is assigned to when it names none. */
export const DefaultSchedulerName = 'default-scheduler';

/**
 * A copy of a container with its defaults: imagePullPolicy IfNotPresent, terminationMessagePath
 * /dev/termination-log, terminationMessagePolicy File, port protocol TCP.
 *
 * imagePullPolicy is a DELIBERATE deviation from Kubernetes, which defaults to Always for an
 * image tagged `:latest` (or untagged): these machines reach no image registry, and images such
 * as `busybox:latest` are built locally, so pulling them would always fail.
 */
export function defaultContainer(c: Container): Container {
  return {
    ...c,
    imagePullPolicy: c.imagePullPolicy ?? 'IfNotPresent',
    terminationMessagePath: c.terminationMessagePath ?? '/dev/termination-log',
    terminationMessagePolicy: c.terminationMessagePolicy ?? 'File',
    ...(c.ports ? { ports: c.ports.map((p) => ({ ...p, protocol: p.protocol ?? 'TCP' })) } : {}),
  };
}

/**
 * A copy of `pod` with the defaults applied (the input is not changed): restartPolicy Always,
 * terminationGracePeriodSeconds 30, schedulerName default-scheduler, dnsPolicy ClusterFirst,
 * each container defaulted (see defaultContainer), and status.phase Pending when the status
 * has no phase. Fields already set are kept.
 */
export function defaultPod(pod: Pod): Pod {
  const spec = pod.spec ?? { containers: [] };
  return {
    ...pod,
    spec: {
      ...spec,
      containers: Array.isArray(spec.containers) ? spec.containers.map(defaultContainer) : spec.containers,
      restartPolicy: spec.restartPolicy ?? RestartPolicy.Always,
      terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds ?? DefaultTerminationGracePeriodSeconds,
      schedulerName: spec.schedulerName || DefaultSchedulerName,
      dnsPolicy: spec.dnsPolicy || 'ClusterFirst',
    },
    status: { ...pod.status, phase: pod.status?.phase ?? PodPhase.Pending },
  };
}
