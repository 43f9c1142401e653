/**
 * Conversions between the runtime interface's types and Docker's API shapes. Pure functions, so
 * the Kubernetes command/args semantics are unit-testable without a daemon.
 */
import type Dockerode from 'dockerode';
import {
  RuntimeContainerState,
  type ContainerCreateSpec,
  type RuntimeContainer,
  type RuntimeEnvVar,
} from '../interface';

/** Docker's zero time, reported for "never started"/"never finished". */
const DockerZeroTimePrefix = '0001-01-01';

/** `KEY=VALUE` entries in first-seen order; a later duplicate overrides the earlier value. */
export function dockerEnv(env: ContainerCreateSpec['env']): string[] {
  if (env === undefined) return [];
  const entries: [string, string][] = isEnvList(env) ? env.map((e) => [e.name, e.value ?? '']) : Object.entries(env);
  const merged = new Map<string, string>();
  for (const [k, v] of entries) merged.set(k, v);
  return [...merged].map(([k, v]) => `${k}=${v}`);
}

function isEnvList(env: Record<string, string> | readonly RuntimeEnvVar[]): env is readonly RuntimeEnvVar[] {
  return Array.isArray(env);
}

/**
 * Docker create options for `spec`. Kubernetes → Docker: `command` → Entrypoint, `args` → Cmd.
 * Docker drops the image CMD whenever the request sets an Entrypoint, which is exactly the
 * Kubernetes rule "command without args ignores the image's CMD".
 */
export function toCreateOptions(
  spec: ContainerCreateSpec,
  defaultNetworkMode: string,
): Dockerode.ContainerCreateOptions {
  const opts: Dockerode.ContainerCreateOptions = {
    name: spec.name,
    Image: spec.image,
    Env: dockerEnv(spec.env),
    Labels: { ...spec.labels },
    // Kubernetes stdin/stdinOnce/tty, as dockershim and cri-dockerd map them.
    Tty: spec.tty === true,
    OpenStdin: spec.stdin === true,
    StdinOnce: spec.stdin === true && spec.stdinOnce === true,
    AttachStdin: spec.stdin === true,
    AttachStdout: false,
    AttachStderr: false,
    HostConfig: {
      Binds: [...spec.binds],
      NetworkMode: spec.networkMode ?? defaultNetworkMode,
      // The kubelet owns restarts; Docker must never restart a container behind its back.
      RestartPolicy: { Name: 'no' },
    },
  };
  if (spec.command && spec.command.length > 0) opts.Entrypoint = [...spec.command];
  if (spec.args && spec.args.length > 0) opts.Cmd = [...spec.args];
  if (spec.workingDir) opts.WorkingDir = spec.workingDir;
  // Docker refuses a hostname in host/container network modes (they share the namespace).
  const mode = opts.HostConfig?.NetworkMode ?? '';
  if (spec.hostname && mode !== 'host' && !mode.startsWith('container:')) opts.Hostname = spec.hostname.slice(0, 63);
  return opts;
}

/** Maps Docker's State.Status onto the interface's four states. */
export function toState(status: string): RuntimeContainerState {
  switch (status) {
    case 'created':
      return RuntimeContainerState.Created;
    case 'running':
    case 'paused':
    case 'restarting':
      return RuntimeContainerState.Running;
    case 'exited':
    case 'dead':
      return RuntimeContainerState.Exited;
    default:
      return RuntimeContainerState.Unknown;
  }
}

/** An RFC 3339 time, or undefined for Docker's zero time / garbage. */
export function dockerTime(t: string | undefined): string | undefined {
  if (!t || t.startsWith(DockerZeroTimePrefix)) return undefined;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The interface's view of `docker inspect`. */
export function fromInspect(info: Dockerode.ContainerInspectInfo): RuntimeContainer {
  const state = toState(info.State.Status);
  const c: RuntimeContainer = {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    labels: { ...(info.Config.Labels ?? {}) },
    image: info.Config.Image,
    imageId: info.Image,
    state,
    createdAt: dockerTime(info.Created) ?? new Date(0).toISOString(),
  };
  const startedAt = dockerTime(info.State.StartedAt);
  if (startedAt) c.startedAt = startedAt;
  if (state === RuntimeContainerState.Exited) {
    c.exitCode = info.State.ExitCode;
    const finishedAt = dockerTime(info.State.FinishedAt);
    if (finishedAt) c.finishedAt = finishedAt;
  }
  if (info.State.OOMKilled) c.oomKilled = true;
  if (info.State.Error) c.error = info.State.Error;
  if (info.Config.OpenStdin) c.stdin = true;
  if (info.Config.Tty) c.tty = true;
  return c;
}
