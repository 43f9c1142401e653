/**
 * ContainerRuntime on Docker, through dockerode.
 *
 * - Never pulls: a missing image is `ImageNotPresentError` (these machines have no registry).
 * - Network mode defaults to `none` (a private network namespace with only loopback), which
 *   works with any dockerd configuration, including `--bridge=none`. `hostNetwork` is not
 *   honoured (a pod on the host network would reach etcd on the host's loopback); the
 *   kubelet's `--network-mode bridge` or `host` is the operator's choice.
 * - Docker's restart policy is always `no`: the kubelet's pod worker owns restarts.
 * - Errors are classified by HTTP status and socket error code, never by message text.
 * - One node's: every container it creates carries the node label, and it lists, inspects
 *   through lists, and reports events of only the containers carrying it (see `nodeName`).
 */
import readline from 'node:readline';
import { type Duplex, PassThrough, Readable } from 'node:stream';
import Dockerode from 'dockerode';
import {
  ContainerEventType,
  ContainerLabel,
  filterLabels,
  type ContainerCreateSpec,
  type ContainerEvent,
  type ContainerFilter,
  type ContainerLogsOptions,
  type ContainerRuntime,
  type RuntimeContainer,
  type AttachSpec,
  type ExecSpec,
  type StreamSession,
} from '../interface';
import {
  ContainerNameConflictError,
  ContainerNotFoundError,
  ContainerRuntimeError,
  ImageNotPresentError,
  RuntimeErrorReason,
  RuntimeUnavailableError,
} from '../errors';
import { fromInspect, toCreateOptions } from './convert';
import { DockerLogDemuxer } from './demux';
import { DefaultDockerEndpoint, parseDockerEndpoint } from './endpoint';
import { dockerAttach, dockerExec } from './streaming';
import { connectInNetns } from './portforward';

/** Options of `DockerRuntime`. */
export interface DockerRuntimeOptions {
  /** `unix:///var/run/docker.sock` (default) or `tcp://host:port`. */
  endpoint?: string;
  /** Network mode for containers whose spec names none (default `none`). */
  defaultNetworkMode?: string;
  /**
   * The node this runtime serves: created containers are labelled with it and only containers
   * carrying it are listed or reported, so kubelets sharing one dockerd (several nodes on one
   * machine) never adopt, stop or remove each other's containers. Required for that reason.
   */
  nodeName: string;
  /** How long `ping` waits for an answer (default 5s). */
  pingTimeoutMs?: number;
  /** How long connecting to dockerd may take before the call fails as unavailable (default 10s). */
  connectionTimeoutMs?: number;
  /** A preconfigured client (tests); `endpoint` then only labels error messages. */
  docker?: Dockerode;
}

/** The default network mode; see the file comment. */
export const DefaultNetworkMode = 'none';

/** Socket-level error codes that mean "the daemon is not there". */
const UnreachableCodes = new Set([
  'ENOENT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EACCES',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
]);

/** Event attribute keys Docker adds next to the container's labels. */
const NonLabelAttributes = new Set(['name', 'image', 'exitCode', 'signal', 'execDuration']);

/** An error from the daemon's HTTP API (dockerode/docker-modem shape). */
interface DockerApiError {
  statusCode: number;
  message: string;
}

function isApiError(err: unknown): err is DockerApiError {
  return typeof err === 'object' && err !== null && typeof (err as { statusCode?: unknown }).statusCode === 'number';
}

function statusOf(err: unknown): number | undefined {
  return isApiError(err) ? err.statusCode : undefined;
}

function isUnreachable(err: unknown): boolean {
  if (isApiError(err)) return false;
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && UnreachableCodes.has(code);
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: unknown }).code === 'ABORT_ERR');
}

/** The Docker implementation of `ContainerRuntime`. */
export class DockerRuntime implements ContainerRuntime {
  readonly endpoint: string;
  private readonly docker: Dockerode;
  private readonly defaultNetworkMode: string;
  private readonly nodeName: string;
  private readonly nodeLabels: string[];
  private readonly pingTimeoutMs: number;

  constructor(options: DockerRuntimeOptions) {
    this.endpoint = options.endpoint ?? DefaultDockerEndpoint;
    this.defaultNetworkMode = options.defaultNetworkMode ?? DefaultNetworkMode;
    if (!options.nodeName) throw new Error('DockerRuntime needs the name of the node it serves');
    this.nodeName = options.nodeName;
    this.nodeLabels = [`${ContainerLabel.Node}=${options.nodeName}`];
    this.pingTimeoutMs = options.pingTimeoutMs ?? 5000;
    if (options.docker) {
      this.docker = options.docker;
    } else {
      // connectionTimeout is a docker-modem option the dockerode typings omit.
      const clientOptions: Dockerode.DockerOptions & { connectionTimeout: number } = {
        ...parseDockerEndpoint(this.endpoint),
        connectionTimeout: options.connectionTimeoutMs ?? 10_000,
      };
      this.docker = new Dockerode(clientOptions);
    }
  }

  async ping(): Promise<void> {
    // dockerode 5 accepts ping(options); its (v4) typings only know ping().
    const docker = this.docker as unknown as { ping(opts: { abortSignal: AbortSignal }): Promise<unknown> };
    await this.call(
      () => docker.ping({ abortSignal: AbortSignal.timeout(this.pingTimeoutMs) }),
      (err) =>
        isAbort(err)
          ? new RuntimeUnavailableError(this.endpoint, new Error(`no answer within ${this.pingTimeoutMs}ms`))
          : undefined,
    );
  }

  async imageExists(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw this.translate(err, `inspecting image ${image}`);
    }
  }

  /** The kubelet's containers, newest first, each fully inspected (exit codes, times). */
  async listContainers(filter: ContainerFilter = {}): Promise<RuntimeContainer[]> {
    const list = await this.call(() =>
      this.docker.listContainers({ all: true, filters: { label: [...filterLabels(filter), ...this.nodeLabels] } }),
    );
    // A container removed between list and inspect simply drops out.
    const inspected = await Promise.all(list.map((c) => this.inspectContainer(c.Id)));
    return inspected
      .filter((c): c is RuntimeContainer => c !== undefined)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async createContainer(spec: ContainerCreateSpec): Promise<string> {
    const opts = toCreateOptions(spec, this.defaultNetworkMode);
    for (const l of this.nodeLabels) {
      const [k = '', v = ''] = l.split('=');
      opts.Labels = { ...opts.Labels, [k]: v };
    }
    try {
      const container = await this.docker.createContainer(opts);
      return container.id;
    } catch (err) {
      if (isUnreachable(err)) throw new RuntimeUnavailableError(this.endpoint, err);
      const status = statusOf(err);
      if (status === 409) throw new ContainerNameConflictError(spec.name, err);
      // 404 is "no such image" or a missing network/container reference; ask which.
      if (status === 404 && !(await this.imageExists(spec.image))) throw new ImageNotPresentError(spec.image);
      throw this.failure(RuntimeErrorReason.CreateContainerError, `creating container ${spec.name}`, err);
    }
  }

  async startContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).start();
    } catch (err) {
      const status = statusOf(err);
      if (status === 304) return; // already running
      if (status === 404) throw new ContainerNotFoundError(id, err);
      if (isUnreachable(err)) throw new RuntimeUnavailableError(this.endpoint, err);
      throw this.failure(RuntimeErrorReason.RunContainerError, `starting container ${id}`, err);
    }
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    try {
      await this.docker.getContainer(id).stop({ t: Math.max(0, Math.floor(timeoutSeconds)) });
    } catch (err) {
      const status = statusOf(err);
      if (status === 304 || status === 404) return; // already stopped / gone
      throw this.translate(err, `stopping container ${id}`);
    }
  }

  async removeContainer(id: string): Promise<void> {
    try {
      await this.docker.getContainer(id).remove({ force: true, v: true });
    } catch (err) {
      const status = statusOf(err);
      if (status === 404) return;
      // 409 "removal already in progress": someone else is finishing the job.
      if (status === 409) return;
      throw this.translate(err, `removing container ${id}`);
    }
  }

  /** The container, or undefined when it does not exist or is not this node's (another kubelet's, or none's). */
  async inspectContainer(id: string): Promise<RuntimeContainer | undefined> {
    try {
      const c = fromInspect(await this.docker.getContainer(id).inspect());
      return c.labels[ContainerLabel.Node] === this.nodeName ? c : undefined;
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw this.translate(err, `inspecting container ${id}`);
    }
  }

  async containerLogs(id: string, options: ContainerLogsOptions = {}): Promise<NodeJS.ReadableStream> {
    if (options.signal?.aborted) {
      const out = new PassThrough();
      out.end();
      return out;
    }
    // Docker frames stdout/stderr only for containers without a TTY.
    const info = await this.inspectContainer(id);
    if (!info) throw new ContainerNotFoundError(id);
    const out = new DockerLogDemuxer({ raw: info.tty === true });
    const base = {
      stdout: true,
      stderr: true,
      timestamps: options.timestamps ?? false,
      ...(options.tailLines !== undefined ? { tail: Math.max(0, Math.floor(options.tailLines)) } : {}),
      ...(options.sinceSeconds !== undefined ? { since: Math.floor(Date.now() / 1000 - options.sinceSeconds) } : {}),
      ...(options.signal ? { abortSignal: options.signal } : {}),
    };
    const container = this.docker.getContainer(id);
    let source: NodeJS.ReadableStream;
    try {
      source = options.follow
        ? await container.logs({ ...base, follow: true })
        : Readable.from([await container.logs({ ...base, follow: false })]);
    } catch (err) {
      if (options.signal?.aborted && isAbort(err)) {
        out.end();
        return out;
      }
      if (statusOf(err) === 404) throw new ContainerNotFoundError(id, err);
      throw this.translate(err, `reading logs of container ${id}`);
    }
    pipeEnding(source, out, options.signal);
    return out;
  }

  /** Start/die/oom/destroy events of the kubelet's containers; see `ContainerRuntime.events`. */
  async *events(signal: AbortSignal, since?: Date): AsyncIterable<ContainerEvent> {
    if (signal.aborted) return;
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker.getEvents({
        filters: {
          type: ['container'],
          event: Object.values(ContainerEventType),
          label: [ContainerLabel.PodUid, ...this.nodeLabels],
        },
        ...(since ? { since: Math.floor(since.getTime() / 1000) } : {}),
        abortSignal: signal,
      });
    } catch (err) {
      if (signal.aborted) return;
      throw this.translate(err, 'subscribing to events');
    }
    const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
    try {
      for await (const line of lines) {
        const event = parseEvent(line);
        if (event) yield event;
      }
    } catch (err) {
      if (signal.aborted) return;
      throw new RuntimeUnavailableError(this.endpoint, err);
    } finally {
      lines.close();
      if ('destroy' in stream && typeof stream.destroy === 'function') stream.destroy();
    }
    if (!signal.aborted) throw new RuntimeUnavailableError(this.endpoint, new Error('the event stream ended'));
  }

  async exec(id: string, spec: ExecSpec): Promise<StreamSession> {
    return this.call(
      () => dockerExec(this.docker, id, spec),
      (err) => (statusOf(err) === 404 ? new ContainerNotFoundError(id, err) : undefined),
    );
  }

  async attach(id: string, spec: AttachSpec): Promise<StreamSession> {
    return this.call(
      () => dockerAttach(this.docker, id, spec),
      (err) => (statusOf(err) === 404 ? new ContainerNotFoundError(id, err) : undefined),
    );
  }

  async portForward(id: string, port: number): Promise<Duplex> {
    const info = await this.call(
      () => this.docker.getContainer(id).inspect(),
      (err) => (statusOf(err) === 404 ? new ContainerNotFoundError(id, err) : undefined),
    );
    if (!info.State.Running || info.State.Pid <= 0)
      throw new ContainerRuntimeError(RuntimeErrorReason.RuntimeError, `container ${id} is not running`);
    return connectInNetns(info.State.Pid, port);
  }

  /** Runs a call, translating failures (optionally through `special` first). */
  private async call<T>(fn: () => Promise<T>, special?: (err: unknown) => Error | undefined): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw special?.(err) ?? this.translate(err, 'calling the container runtime');
    }
  }

  private translate(err: unknown, doing: string): Error {
    if (isUnreachable(err)) return new RuntimeUnavailableError(this.endpoint, err);
    if (err instanceof ContainerRuntimeError) return err;
    return this.failure(RuntimeErrorReason.RuntimeError, doing, err);
  }

  private failure(reason: RuntimeErrorReason, doing: string, err: unknown): ContainerRuntimeError {
    const msg = err instanceof Error ? err.message : String(err);
    return new ContainerRuntimeError(reason, `${doing}: ${msg}`, err);
  }
}

/**
 * Pipes `source` into `out` and ends `out` when the source ends, closes, or `signal` aborts;
 * any other source error destroys `out` with it.
 */
function pipeEnding(source: NodeJS.ReadableStream, out: PassThrough | DockerLogDemuxer, signal?: AbortSignal): void {
  const finish = (): void => {
    if (!out.writableEnded) out.end();
  };
  source.pipe(out, { end: false });
  source.on('end', finish);
  source.on('close', finish);
  source.on('error', (err: Error) => {
    if (signal?.aborted || isAbort(err)) finish();
    else out.destroy(err);
  });
  signal?.addEventListener('abort', finish, { once: true });
  // A consumer that stops reading early must not leave the HTTP request open.
  out.on('close', () => {
    if ('destroy' in source && typeof source.destroy === 'function') source.destroy();
  });
}

/** One line of Docker's event stream → ContainerEvent (undefined for anything else). */
export function parseEvent(line: string): ContainerEvent | undefined {
  if (!line.trim()) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  const ev = raw as {
    Type?: string;
    Action?: string;
    Actor?: { ID?: string; Attributes?: Record<string, string> };
    time?: number;
    timeNano?: number;
  };
  const type = Object.values(ContainerEventType).find((t) => t === ev.Action);
  if (ev.Type !== 'container' || !type || !ev.Actor?.ID) return undefined;
  const attrs = ev.Actor.Attributes ?? {};
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) if (!NonLabelAttributes.has(k)) labels[k] = v;
  const event: ContainerEvent = {
    type,
    containerId: ev.Actor.ID,
    labels,
    time: new Date(ev.timeNano ? ev.timeNano / 1e6 : (ev.time ?? 0) * 1000).toISOString(),
  };
  const code = Number(attrs.exitCode);
  if (type === ContainerEventType.Die && attrs.exitCode !== undefined && Number.isInteger(code)) event.exitCode = code;
  return event;
}
