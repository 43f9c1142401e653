/**
 * One pod's sync, run by its pod worker (never concurrently for one pod):
 *   being deleted → stop containers (SIGTERM, kill after the grace period), remove them, tear
 *                   down volumes, confirm the deletion (grace 0) so the object disappears;
 *   otherwise     → wait for volumes (ContainerCreating + FailedMount while they are not ready)
 *                   → create and start missing containers (restart policy, CrashLoopBackOff)
 *                   → report status.
 * Everything is derived from the pod object and the runtime's containers (found by label), so
 * a kubelet restarted at any point adopts what runs and finishes half-done work.
 */
import path from 'node:path';
import type { Logger } from 'pino';
import type { Container, Pod, PodStatus } from '../api/core/v1';
import { EventType } from '../api/core/v1';
import { isNotFound } from '../api/errors';
import type { Stored } from '../api/stored';
import { isDeepStrictEqual } from 'node:util';
import type { EventRecorder } from '../client/record/recorder';
import type { Result } from '../util/reconcile/runner';
import type { KeyedBackoff, KeyedBackoffOptions } from '../util/wait';
import {
  bindSpec,
  containerAttempt,
  ContainerLabel,
  containerLabels,
  containerName,
  ImageNotPresentError,
  type ContainerRuntime,
  type RuntimeContainer,
} from './runtime/interface';
import { computePodStatus, willRestart, type Waiting } from './status/pod_status';
import type { ReadyVolume, VolumeManager } from './volumemanager/volume_manager';
import { rfc3339 } from '../api/time';

/** A pod as the apiserver stored it (what the kubelet's informer caches). */
type StoredPod = Stored<Pod, 'Namespaced'>;

/** Event reasons the kubelet records (Kubernetes names). */
export const KubeletReason = {
  FailedMount: 'FailedMount',
  Created: 'Created',
  Started: 'Started',
  Killing: 'Killing',
  BackOff: 'BackOff',
  ErrImageNeverPull: 'ErrImageNeverPull',
  ErrImagePull: 'ErrImagePull',
  Failed: 'Failed',
} as const;

/**
 * CrashLoopBackOff: 10 s after the first restart, doubling per restart, capped at 5 minutes,
 * forgotten once a container ran 10 minutes.
 */
export const crashLoopBackoff: KeyedBackoffOptions = { durationMs: 10_000, capMs: 300_000, resetAfterMs: 600_000 };

/** The pod API calls the sync makes. */
export interface PodWriter {
  patchStatus(namespace: string, name: string, status: PodStatus): Promise<void>;
  confirmDeletion(namespace: string, name: string, uid: string): Promise<void>;
}

/** Dependencies of pod syncs. */
export interface SyncDeps {
  runtime: ContainerRuntime;
  volumes: VolumeManager;
  pods: PodWriter;
  recorder: EventRecorder;
  /** Container restart delays, keyed `<pod uid>/<container name>` (crashLoopBackoff). */
  backoff: KeyedBackoff;
  hostIP: string;
  networkMode?: string;
  logger: Logger;
}

function epochMs(time: string | undefined): number | undefined {
  return time ? Date.parse(time) : undefined;
}

function sortedByAttempt(cs: RuntimeContainer[]): RuntimeContainer[] {
  return [...cs].sort((a, b) => containerAttempt(a) - containerAttempt(b));
}

/** Binds of a container's volumeMounts (subPath becomes a subdirectory of the volume). */
function bindsFor(c: Container, volumes: Map<string, ReadyVolume>): string[] {
  return (c.volumeMounts ?? []).flatMap((m) => {
    const v = volumes.get(m.name);
    if (!v) return [];
    const host = m.subPath
      ? path.join(v.hostPath, path.normalize(m.subPath).replace(/^(\.\.(\/|$))+/, ''))
      : v.hostPath;
    return [bindSpec(host, m.mountPath, v.readOnly || m.readOnly === true)];
  });
}

/** Syncs a live pod; returns when it wants to be looked at again. */
export async function syncPod(d: SyncDeps, pod: StoredPod): Promise<Result | void> {
  const uid = pod.metadata.uid;
  const ns = pod.metadata.namespace;
  const name = pod.metadata.name;
  if (pod.metadata.deletionTimestamp) return terminatePod(d, pod);
  let containers = await d.runtime.listContainers({ podUid: uid });
  const waiting = new Map<string, Waiting>();
  let requeueAfter: number | undefined;
  const later = (ms: number) => {
    requeueAfter = requeueAfter === undefined ? ms : Math.min(requeueAfter, ms);
  };
  const vols = d.volumes.volumesFor(pod);
  if (!vols.ready) {
    if (!vols.pending) d.recorder.event(pod, EventType.Warning, KubeletReason.FailedMount, vols.reason);
    for (const c of pod.spec.containers) {
      if (!containers.some((rc) => rc.labels[ContainerLabel.ContainerName] === c.name))
        waiting.set(c.name, { reason: 'ContainerCreating', message: vols.reason });
    }
  } else {
    for (const c of pod.spec.containers) {
      const mine = sortedByAttempt(containers.filter((rc) => rc.labels[ContainerLabel.ContainerName] === c.name));
      const latest = mine[mine.length - 1];
      const key = `${uid}/${c.name}`;
      if (latest?.state === 'running') continue;
      if (latest?.state === 'created') {
        await d.runtime.startContainer(latest.id);
        continue;
      }
      if (latest) {
        const code = latest.exitCode ?? 0;
        if (!willRestart(pod.spec.restartPolicy, code)) continue;
        const wait = d.backoff.remaining(key, {
          startedAt: epochMs(latest.startedAt),
          finishedAt: epochMs(latest.finishedAt),
        });
        if (wait > 0) {
          const message = `back-off ${Math.ceil(wait / 1000)}s restarting failed container=${c.name} pod=${name}_${ns}(${uid})`;
          waiting.set(c.name, { reason: 'CrashLoopBackOff', message });
          d.recorder.event(pod, EventType.Warning, KubeletReason.BackOff, 'Back-off restarting failed container');
          later(wait);
          continue;
        }
      }
      const started = await startContainer(d, pod, c, vols.volumes, latest ? containerAttempt(latest) + 1 : 0);
      if (!started.ok) {
        waiting.set(c.name, started.waiting);
        later(10_000);
        continue;
      }
      if (latest) {
        d.backoff.retried(key);
        // Keep only the previous instance (for `kubectl logs --previous`).
        for (const old of mine.slice(0, -1)) await d.runtime.removeContainer(old.id);
      }
    }
    containers = await d.runtime.listContainers({ podUid: uid });
  }
  const status = computePodStatus({
    pod,
    containers,
    waiting,
    hostIP: d.hostIP,
    ...(d.networkMode === 'host' ? { podIP: d.hostIP } : {}),
    now: rfc3339(),
  });
  if (!sameStatus(pod.status, status)) await d.pods.patchStatus(ns, name, status);
  return requeueAfter !== undefined ? { requeueAfter } : undefined;
}

/** Status equality ignoring timestamps that only move forward. */
function sameStatus(a: PodStatus | undefined, b: PodStatus): boolean {
  const norm = (s: PodStatus | undefined) =>
    JSON.parse(JSON.stringify(s ?? {}, (k, v: unknown) => (k === 'lastProbeTime' ? undefined : v))) as unknown;
  return isDeepStrictEqual(norm(a), norm(b));
}

async function startContainer(
  d: SyncDeps,
  pod: StoredPod,
  c: Container,
  volumes: Map<string, ReadyVolume>,
  attempt: number,
): Promise<{ ok: true } | { ok: false; waiting: Waiting }> {
  const policy = c.imagePullPolicy ?? 'IfNotPresent';
  const present = await d.runtime.imageExists(c.image);
  if (!present) {
    const reason = policy === 'Never' ? KubeletReason.ErrImageNeverPull : KubeletReason.ErrImagePull;
    const message =
      policy === 'Never'
        ? `Container image "${c.image}" is not present with pull policy of Never`
        : `Container image "${c.image}" is not present locally and no image registry is reachable from this node`;
    d.recorder.event(pod, EventType.Warning, reason, message);
    return { ok: false, waiting: { reason, message } };
  }
  const identity = {
    podUid: pod.metadata.uid,
    podNamespace: pod.metadata.namespace,
    podName: pod.metadata.name,
    containerName: c.name,
    attempt,
  };
  try {
    const id = await d.runtime.createContainer({
      name: containerName(identity),
      image: c.image,
      ...(c.command ? { command: c.command } : {}),
      ...(c.args ? { args: c.args } : {}),
      env: (c.env ?? []).map((e) => ({ name: e.name, value: e.value ?? '' })),
      ...(c.workingDir ? { workingDir: c.workingDir } : {}),
      labels: containerLabels(identity),
      binds: bindsFor(c, volumes),
      ...(d.networkMode ? { networkMode: d.networkMode } : {}),
      hostname: pod.metadata.name,
      ...(c.stdin === true ? { stdin: true } : {}),
      ...(c.stdin === true && c.stdinOnce === true ? { stdinOnce: true } : {}),
      ...(c.tty === true ? { tty: true } : {}),
    });
    d.recorder.event(pod, EventType.Normal, KubeletReason.Created, `Created container ${c.name}`);
    await d.runtime.startContainer(id);
    d.recorder.event(pod, EventType.Normal, KubeletReason.Started, `Started container ${c.name}`);
    return { ok: true };
  } catch (err) {
    if (err instanceof ImageNotPresentError)
      return { ok: false, waiting: { reason: KubeletReason.ErrImageNeverPull, message: err.message } };
    const reason = (err as { reason?: string }).reason ?? 'CreateContainerError';
    d.recorder.event(pod, EventType.Warning, KubeletReason.Failed, `Error: ${(err as Error).message}`);
    return { ok: false, waiting: { reason, message: (err as Error).message } };
  }
}

/** Stops and removes a pod's containers, tears down its volumes, and confirms the deletion. */
export async function terminatePod(d: SyncDeps, pod: StoredPod): Promise<Result | void> {
  const uid = pod.metadata.uid;
  const containers = await d.runtime.listContainers({ podUid: uid });
  const grace = pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
  const running = containers.filter((c) => c.state === 'running');
  if (running.length)
    d.recorder.event(
      pod,
      EventType.Normal,
      KubeletReason.Killing,
      `Stopping container${running.length > 1 ? 's' : ''} ${running.map((c) => c.labels[ContainerLabel.ContainerName] ?? '').join(', ')}`,
    );
  await Promise.all(running.map((c) => d.runtime.stopContainer(c.id, grace)));
  await Promise.all(containers.map((c) => d.runtime.removeContainer(c.id)));
  d.volumes.removePod(uid);
  await d.volumes.idle();
  if (!d.volumes.podVolumesTornDown(uid)) throw new Error(`volumes of pod ${pod.metadata.name} are not torn down yet`);
  d.backoff.forgetPrefix(`${uid}/`);
  try {
    await d.pods.confirmDeletion(pod.metadata.namespace, pod.metadata.name, uid);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
