/**
 * The container runtime interface the kubelet's pod workers use. It is deliberately small and
 * Docker-shaped (one container per call, no sandboxes): the kubelet decides *what* should run
 * (names, labels, restart attempts, binds) and the runtime only does it.
 *
 * Contracts every implementation keeps:
 * - Every method throws `RuntimeUnavailableError` when the runtime cannot be reached; the
 *   kubelet treats that as transient (node not ready, retry later), never as a pod failure.
 * - `createContainer` never pulls: a missing image is `ImageNotPresentError`.
 * - `stopContainer` and `removeContainer` are idempotent (already stopped / already gone is
 *   success), so a worker can retry them after a crash.
 * - `inspectContainer` returns `undefined` for an unknown id; other per-container calls throw
 *   `ContainerNotFoundError`.
 * - `listContainers` lists only containers the kubelet created (those carrying the
 *   `io.kubernetes.pod.uid` label), running or not.
 * - Timestamps are ISO-8601 strings (RFC 3339, UTC).
 */
export * from './errors';
export * from './streaming';

import type { Duplex } from 'node:stream';
import type { AttachSpec, ExecSpec, StreamSession } from './streaming';

/** Label keys set on every container the kubelet creates (the Kubernetes dockershim keys). */
export const ContainerLabel = {
  PodUid: 'io.kubernetes.pod.uid',
  PodNamespace: 'io.kubernetes.pod.namespace',
  PodName: 'io.kubernetes.pod.name',
  ContainerName: 'io.kubernetes.container.name',
  /** The restart attempt: 0 for the first container of a pod container, +1 per restart. */
  Attempt: 'io.kubestore.container.attempt',
  /** The node (kubelet) that owns the container, so kubelets sharing one Docker never touch each other's. */
  Node: 'io.kubestore.node',
} as const;
export type ContainerLabel = (typeof ContainerLabel)[keyof typeof ContainerLabel];

/** The lifecycle state of a runtime container (Docker's paused/restarting count as running). */
export const RuntimeContainerState = {
  Created: 'created',
  Running: 'running',
  Exited: 'exited',
  Unknown: 'unknown',
} as const;
export type RuntimeContainerState = (typeof RuntimeContainerState)[keyof typeof RuntimeContainerState];

/** A container as the runtime reports it. */
export interface RuntimeContainer {
  /** Runtime id (Docker: the full 64-hex id). */
  id: string;
  /** Runtime name without Docker's leading slash, e.g. `k8s_app_web_default_0a1b2c3d_0`. */
  name: string;
  /** All labels, including the `ContainerLabel` keys. */
  labels: Record<string, string>;
  /** The image reference the container was created from, as given (e.g. `busybox:latest`). */
  image: string;
  /** The image id (`sha256:…`) when known. */
  imageId?: string;
  state: RuntimeContainerState;
  /** Set once the container has exited (state `exited`). */
  exitCode?: number;
  /** When the process last started; absent if it never started. */
  startedAt?: string;
  /** When the process last exited; absent if it has not exited. */
  finishedAt?: string;
  createdAt: string;
  /** The process was killed by the kernel's OOM killer. */
  oomKilled?: boolean;
  /** The runtime's error for a container that failed to start (e.g. executable not found). */
  error?: string;
  /** Created with its stdin kept open (`ContainerCreateSpec.stdin`): attach may write to it. */
  stdin?: boolean;
  /** Created with a TTY: its output (logs, attach) is one raw stream. */
  tty?: boolean;
}

/** One environment variable (the shape of a Kubernetes `EnvVar` with a literal value). */
export interface RuntimeEnvVar {
  name: string;
  value?: string;
}

/** Everything needed to create one container. */
export interface ContainerCreateSpec {
  /** Runtime name; build it with `containerName()` (k8s_<container>_<pod>_<ns>_<uid8>_<attempt>). */
  name: string;
  /** Image reference; it must already be present (`imageExists`). */
  image: string;
  /**
   * Kubernetes semantics: `command` replaces the image ENTRYPOINT and `args` replaces its CMD.
   * With `command` but no `args` the image CMD is dropped too (only `command` runs); with `args`
   * but no `command` the image ENTRYPOINT runs with `args`.
   */
  command?: string[];
  args?: string[];
  /** Environment, either as a map or as Kubernetes-style `{name, value}` entries (later wins). */
  env?: Record<string, string> | readonly RuntimeEnvVar[];
  workingDir?: string;
  /** Labels; set the `ContainerLabel` keys (see `containerLabels()`). */
  labels: Record<string, string>;
  /** Bind mounts `host:container[:ro]`; build them with `bindSpec()`. */
  binds: string[];
  /** Network mode (`none`, `host`, `bridge`, …); the runtime's default when absent. */
  networkMode?: string;
  /** Hostname inside the container (the pod name is the Kubernetes default). */
  hostname?: string;
  /** Keep the main process's stdin open for attach (Kubernetes `stdin`, Docker `OpenStdin`). */
  stdin?: boolean;
  /** Close that stdin once the first attached client detaches (only with `stdin`). */
  stdinOnce?: boolean;
  /** Allocate a TTY for the main process: its output is one raw stream (logs and attach). */
  tty?: boolean;
}

/** Options of `containerLogs`. */
export interface ContainerLogsOptions {
  /** Only the last N lines. */
  tailLines?: number;
  /** Only lines written in the last N seconds. */
  sinceSeconds?: number;
  /** Keep the stream open and stream new output until the container stops or `signal` aborts. */
  follow?: boolean;
  /** Prefix each line with its RFC 3339 timestamp and a space (like `kubectl logs --timestamps`). */
  timestamps?: boolean;
  /** Aborting ends the returned stream (without an error). */
  signal?: AbortSignal;
}

/** Container lifecycle events the kubelet can wake up on. */
export const ContainerEventType = {
  Start: 'start',
  Die: 'die',
  Oom: 'oom',
  Destroy: 'destroy',
} as const;
export type ContainerEventType = (typeof ContainerEventType)[keyof typeof ContainerEventType];

/** A container lifecycle event. It is a hint to resync the pod, never a source of truth. */
export interface ContainerEvent {
  type: ContainerEventType;
  containerId: string;
  /** The container's labels (so the kubelet can map the event to a pod without a lookup). */
  labels: Record<string, string>;
  /** For `die`: the exit code. */
  exitCode?: number;
  time: string;
}

/** Filter of `listContainers`. */
export interface ContainerFilter {
  /** Only the containers of this pod. */
  podUid?: string;
  /** Only the containers of pods with this namespace and name (any uid). */
  pod?: { namespace: string; name: string };
}

/** The label selectors (`key` or `key=value`) a filter stands for. */
export function filterLabels(filter: ContainerFilter): string[] {
  return [
    filter.podUid === undefined ? ContainerLabel.PodUid : `${ContainerLabel.PodUid}=${filter.podUid}`,
    ...(filter.pod
      ? [`${ContainerLabel.PodNamespace}=${filter.pod.namespace}`, `${ContainerLabel.PodName}=${filter.pod.name}`]
      : []),
  ];
}

/** The runtime the kubelet drives. See the file comment for the contracts. */
export interface ContainerRuntime {
  /** Resolves when the runtime answers; throws `RuntimeUnavailableError` otherwise. */
  ping(): Promise<void>;
  /** True when the image is present locally (`busybox` means `busybox:latest`). */
  imageExists(image: string): Promise<boolean>;
  /** The kubelet's containers (any state), optionally only one pod's. */
  listContainers(filter?: ContainerFilter): Promise<RuntimeContainer[]>;
  /**
   * Creates (does not start) a container and returns its id. Throws `ImageNotPresentError`,
   * `ContainerNameConflictError` (a container with that name exists), or
   * `ContainerRuntimeError` with reason `CreateContainerError`.
   */
  createContainer(spec: ContainerCreateSpec): Promise<string>;
  /** Starts a created container; a process that cannot start is `RunContainerError`. */
  startContainer(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL after `timeoutSeconds`. Stopped or missing is success. */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  /** Removes the container (forcefully if it still runs). Missing is success. */
  removeContainer(id: string): Promise<void>;
  /** The container, or undefined when no such container exists. */
  inspectContainer(id: string): Promise<RuntimeContainer | undefined>;
  /**
   * The container's stdout and stderr interleaved as one text stream (a TTY container's one
   * raw stream as it is). Works for exited
   * containers too (the "previous" logs), until the container is removed.
   */
  containerLogs(id: string, options?: ContainerLogsOptions): Promise<NodeJS.ReadableStream>;
  /**
   * Optional: container lifecycle events of the kubelet's containers until `signal` aborts
   * (then the iteration simply ends). With `since`, events from that time on are replayed
   * first (at one-second granularity, so a few may repeat), which lets a caller re-subscribe
   * without a gap. If the connection breaks the iteration throws; callers re-subscribe and
   * relist.
   */
  events?(signal: AbortSignal, since?: Date): AsyncIterable<ContainerEvent>;
  /**
   * Runs a command in a running container. `ContainerNotFoundError` for an unknown id; a
   * command that cannot start still yields a session (its message on stdout, exit code 126/127).
   */
  exec(id: string, spec: ExecSpec): Promise<StreamSession>;
  /** Attaches to a running container's main process. `ContainerNotFoundError` for an unknown id. */
  attach(id: string, spec: AttachSpec): Promise<StreamSession>;
  /**
   * A TCP connection to `port` on the loopback of the (running) container's network namespace.
   * A refused connection surfaces as an 'error' on the returned stream with the reason.
   */
  portForward(id: string, port: number): Promise<Duplex>;
}

/** Identity of one container instance of a pod; input of `containerName` and `containerLabels`. */
export interface ContainerIdentity {
  podUid: string;
  podNamespace: string;
  podName: string;
  containerName: string;
  attempt: number;
}

/** The runtime name `k8s_<container>_<pod>_<namespace>_<first 8 of uid>_<attempt>`. */
export function containerName(id: ContainerIdentity): string {
  return ['k8s', id.containerName, id.podName, id.podNamespace, id.podUid.slice(0, 8), String(id.attempt)].join('_');
}

/** The `ContainerLabel` labels of a container instance. */
export function containerLabels(id: ContainerIdentity): Record<string, string> {
  return {
    [ContainerLabel.PodUid]: id.podUid,
    [ContainerLabel.PodNamespace]: id.podNamespace,
    [ContainerLabel.PodName]: id.podName,
    [ContainerLabel.ContainerName]: id.containerName,
    [ContainerLabel.Attempt]: String(id.attempt),
  };
}

/** The restart attempt recorded on a container (0 when absent or malformed). */
export function containerAttempt(c: Pick<RuntimeContainer, 'labels'>): number {
  const n = Number(c.labels[ContainerLabel.Attempt]);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

/**
 * A Docker bind `host:container[:ro]`. Both paths must be absolute and free of `:` (which the
 * bind syntax cannot express).
 */
export function bindSpec(hostPath: string, containerPath: string, readOnly = false): string {
  for (const p of [hostPath, containerPath]) {
    if (!p.startsWith('/') || p.includes(':'))
      throw new Error(`bind path "${p}" must be absolute and must not contain ":"`);
  }
  return `${hostPath}:${containerPath}${readOnly ? ':ro' : ''}`;
}

/** Reads a whole (non-follow) log stream into a string. */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
