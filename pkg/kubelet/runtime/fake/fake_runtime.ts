/**
 * An in-memory ContainerRuntime for unit tests. It keeps the same contracts as the Docker
 * runtime (idempotent stop/remove, ImageNotPresentError, name conflicts, newest-first lists) and
 * lets a test drive what Docker would do on its own: containers exiting, logs, outages.
 *
 * Everything happens synchronously inside the awaited call, so a test can assert right after
 * `await`. Every call is recorded in `calls`.
 */
import { type Duplex, duplexPair, PassThrough } from 'node:stream';
import {
  ContainerEventType,
  ContainerLabel,
  filterLabels,
  RuntimeContainerState,
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
import { FakeSession } from './fake_session';
import {
  ContainerNameConflictError,
  ContainerNotFoundError,
  ContainerRuntimeError,
  ImageNotPresentError,
  RuntimeErrorReason,
  RuntimeUnavailableError,
} from '../errors';

/** The runtime methods (names used in `calls` and `failNext`). */
export type FakeRuntimeMethod = keyof ContainerRuntime;

/** One recorded call. */
export interface FakeRuntimeCall {
  method: FakeRuntimeMethod;
  args: unknown[];
}

/** A fake container: the public view plus what the test needs to see. */
export interface FakeContainer extends RuntimeContainer {
  /** The spec it was created from. */
  spec: ContainerCreateSpec;
  /** Everything it "wrote" (stdout+stderr), one entry per line including the newline. */
  logLines: { time: string; text: string }[];
}

/** Options of `FakeRuntime`. */
export interface FakeRuntimeOptions {
  /** Images present at start (`busybox` means `busybox:latest`). */
  images?: string[];
  /** Time source (default `() => new Date()`). */
  now?: () => Date;
}

/** Normalizes `name` → `name:latest` (digests and explicit tags are kept). */
export function normalizeImage(image: string): string {
  const lastSlash = image.lastIndexOf('/');
  return image.includes('@') || image.slice(lastSlash + 1).includes(':') ? image : `${image}:latest`;
}

/** See the file comment. */
export class FakeRuntime implements ContainerRuntime {
  readonly calls: FakeRuntimeCall[] = [];
  readonly images = new Set<string>();
  readonly containers = new Map<string, FakeContainer>();
  /** False simulates dockerd being down: every call throws RuntimeUnavailableError. */
  available = true;

  private readonly now: () => Date;
  private nextId = 1;
  private readonly exitOnStart = new Map<string, { exitCode: number; logs?: string }>();
  private readonly injected = new Map<FakeRuntimeMethod, Error[]>();
  private readonly followers = new Map<string, Set<PassThrough>>();
  private readonly eventSinks = new Set<(e: ContainerEvent) => void>();
  /** Every event emitted, for `events(signal, since)` replays. */
  private readonly history: ContainerEvent[] = [];

  constructor(options: FakeRuntimeOptions = {}) {
    for (const image of options.images ?? []) this.images.add(normalizeImage(image));
    this.now = options.now ?? (() => new Date());
  }

  // ------------------------------------------------------------------ test controls

  /** Makes an image present. */
  addImage(image: string): void {
    this.images.add(normalizeImage(image));
  }

  /** Containers whose `io.kubernetes.container.name` is `name` exit with `exitCode` right after start. */
  setExitOnStart(name: string, exitCode: number, logs?: string): void {
    this.exitOnStart.set(name, logs === undefined ? { exitCode } : { exitCode, logs });
  }

  /** Stops making `name` exit on start. */
  clearExitOnStart(name: string): void {
    this.exitOnStart.delete(name);
  }

  /** The next call of `method` throws `err` (queued; one error per call). */
  failNext(method: FakeRuntimeMethod, err: Error): void {
    const q = this.injected.get(method) ?? [];
    q.push(err);
    this.injected.set(method, q);
  }

  /** A running container exits now with `exitCode` (as if its process ended). */
  exitContainer(id: string, exitCode: number, opts: { oomKilled?: boolean } = {}): void {
    const c = this.mustGet(id);
    if (c.state !== RuntimeContainerState.Running) throw new Error(`fake: container ${id} is not running`);
    this.exit(c, exitCode, opts.oomKilled ?? false);
  }

  /** Appends output to a container's log (split into lines; followers receive it). */
  writeLogs(id: string, text: string): void {
    const c = this.mustGet(id);
    const time = this.now().toISOString();
    for (const line of text.split(/(?<=\n)/)) {
      if (!line) continue;
      c.logLines.push({ time, text: line });
      for (const f of this.followers.get(id) ?? []) f.write(line);
    }
  }

  /** Recorded calls of one method. */
  callsOf(method: FakeRuntimeMethod): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  /** The container with this runtime name, if any. */
  byName(name: string): FakeContainer | undefined {
    return [...this.containers.values()].find((c) => c.name === name);
  }

  // ------------------------------------------------------------------ ContainerRuntime

  async ping(): Promise<void> {
    this.enter('ping', []);
  }

  async imageExists(image: string): Promise<boolean> {
    this.enter('imageExists', [image]);
    return this.images.has(normalizeImage(image));
  }

  async listContainers(filter: ContainerFilter = {}): Promise<RuntimeContainer[]> {
    this.enter('listContainers', [filter]);
    return [...this.containers.values()]
      .filter((c) =>
        filterLabels(filter).every((l) => {
          const [k = '', v] = l.split('=');
          return v === undefined ? c.labels[k] !== undefined : c.labels[k] === v;
        }),
      )
      .reverse()
      .map(publicView);
  }

  async createContainer(spec: ContainerCreateSpec): Promise<string> {
    this.enter('createContainer', [spec]);
    if (!this.images.has(normalizeImage(spec.image))) throw new ImageNotPresentError(spec.image);
    if (this.byName(spec.name)) throw new ContainerNameConflictError(spec.name);
    const id = `fake${String(this.nextId++).padStart(60, '0')}`;
    this.containers.set(id, {
      id,
      name: spec.name,
      labels: { ...spec.labels },
      image: spec.image,
      imageId: `sha256:${normalizeImage(spec.image)}`,
      state: RuntimeContainerState.Created,
      createdAt: this.now().toISOString(),
      spec,
      logLines: [],
      ...(spec.stdin ? { stdin: true } : {}),
      ...(spec.tty ? { tty: true } : {}),
    });
    return id;
  }

  async startContainer(id: string): Promise<void> {
    this.enter('startContainer', [id]);
    const c = this.mustGet(id);
    if (c.state === RuntimeContainerState.Running) return;
    if (c.state !== RuntimeContainerState.Created) {
      throw new ContainerRuntimeError(RuntimeErrorReason.RunContainerError, `fake: container ${id} is ${c.state}`);
    }
    c.state = RuntimeContainerState.Running;
    c.startedAt = this.now().toISOString();
    this.emit(ContainerEventType.Start, c);
    const exit = this.exitOnStart.get(c.labels[ContainerLabel.ContainerName] ?? '');
    if (exit) {
      if (exit.logs) this.writeLogs(id, exit.logs);
      this.exit(c, exit.exitCode, false);
    }
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    this.enter('stopContainer', [id, timeoutSeconds]);
    const c = this.containers.get(id);
    if (c?.state === RuntimeContainerState.Running) this.exit(c, 137, false);
  }

  async removeContainer(id: string): Promise<void> {
    this.enter('removeContainer', [id]);
    const c = this.containers.get(id);
    if (!c) return;
    if (c.state === RuntimeContainerState.Running) this.exit(c, 137, false);
    this.containers.delete(id);
    this.endFollowers(id);
    this.emit(ContainerEventType.Destroy, c);
  }

  async inspectContainer(id: string): Promise<RuntimeContainer | undefined> {
    this.enter('inspectContainer', [id]);
    const c = this.containers.get(id);
    return c ? publicView(c) : undefined;
  }

  async containerLogs(id: string, options: ContainerLogsOptions = {}): Promise<NodeJS.ReadableStream> {
    this.enter('containerLogs', [id, options]);
    const c = this.mustGet(id);
    const since = options.sinceSeconds === undefined ? undefined : this.now().getTime() - options.sinceSeconds * 1000;
    let lines = c.logLines.filter((l) => since === undefined || Date.parse(l.time) >= since);
    if (options.tailLines !== undefined) lines = options.tailLines <= 0 ? [] : lines.slice(-options.tailLines);
    const out = new PassThrough();
    for (const l of lines) out.write(options.timestamps ? `${l.time} ${l.text}` : l.text);
    if (!options.follow || c.state !== RuntimeContainerState.Running || options.signal?.aborted) {
      out.end();
      return out;
    }
    const set = this.followers.get(id) ?? new Set<PassThrough>();
    set.add(out);
    this.followers.set(id, set);
    options.signal?.addEventListener(
      'abort',
      () => {
        set.delete(out);
        out.end();
      },
      { once: true },
    );
    return out;
  }

  async *events(signal: AbortSignal, since?: Date): AsyncIterable<ContainerEvent> {
    this.enter('events', [signal, since]);
    const queue: ContainerEvent[] = since ? this.history.filter((e) => Date.parse(e.time) >= since.getTime()) : [];
    let wake: (() => void) | undefined;
    const sink = (e: ContainerEvent): void => {
      queue.push(e);
      wake?.();
    };
    const onAbort = (): void => wake?.();
    this.eventSinks.add(sink);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        const next = queue.shift();
        if (next) {
          yield next;
          continue;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      this.eventSinks.delete(sink);
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Every exec/attach session opened, in order (the test plays the process). */
  readonly sessions: FakeSession[] = [];
  /** Called with each new session, so a test can script the process before the client reads. */
  onSession?: (session: FakeSession) => void;

  async exec(id: string, spec: ExecSpec): Promise<StreamSession> {
    this.enter('exec', [id, spec]);
    return this.openSession(id, spec);
  }

  async attach(id: string, spec: AttachSpec): Promise<StreamSession> {
    this.enter('attach', [id, spec]);
    return this.openSession(id, spec);
  }

  /**
   * What `portForward` connects to: a test's handler gets the server side of each connection
   * and returns false to refuse it (no handler: every port is refused, ECONNREFUSED).
   */
  onPortForward?: (port: number, conn: Duplex) => boolean;

  async portForward(id: string, port: number): Promise<Duplex> {
    this.enter('portForward', [id, port]);
    const c = this.mustGet(id);
    if (c.state !== RuntimeContainerState.Running)
      throw new ContainerRuntimeError(RuntimeErrorReason.RuntimeError, `container ${id} is not running`);
    const [client, server] = duplexPair();
    if (!this.onPortForward?.(port, server))
      process.nextTick(() => client.destroy(new Error(`connect ECONNREFUSED 127.0.0.1:${port}`)));
    return client;
  }

  // ------------------------------------------------------------------ internals

  private openSession(id: string, spec: AttachSpec & { command?: string[] }): FakeSession {
    const c = this.mustGet(id);
    if (c.state !== RuntimeContainerState.Running)
      throw new ContainerRuntimeError(RuntimeErrorReason.RuntimeError, `container ${id} is not running`);
    const session = new FakeSession(spec);
    this.sessions.push(session);
    this.onSession?.(session);
    return session;
  }

  private enter(method: FakeRuntimeMethod, args: unknown[]): void {
    this.calls.push({ method, args });
    if (!this.available) throw new RuntimeUnavailableError('fake://runtime', new Error('fake runtime is down'));
    const err = this.injected.get(method)?.shift();
    if (err) throw err;
  }

  private mustGet(id: string): FakeContainer {
    const c = this.containers.get(id);
    if (!c) throw new ContainerNotFoundError(id);
    return c;
  }

  private exit(c: FakeContainer, exitCode: number, oomKilled: boolean): void {
    c.state = RuntimeContainerState.Exited;
    c.exitCode = exitCode;
    c.finishedAt = this.now().toISOString();
    if (oomKilled) {
      c.oomKilled = true;
      this.emit(ContainerEventType.Oom, c);
    }
    this.endFollowers(c.id);
    this.emit(ContainerEventType.Die, c, exitCode);
  }

  private endFollowers(id: string): void {
    for (const f of this.followers.get(id) ?? []) f.end();
    this.followers.delete(id);
  }

  private emit(type: ContainerEventType, c: FakeContainer, exitCode?: number): void {
    const e: ContainerEvent = { type, containerId: c.id, labels: { ...c.labels }, time: this.now().toISOString() };
    if (exitCode !== undefined) e.exitCode = exitCode;
    this.history.push(e);
    for (const sink of this.eventSinks) sink(e);
  }
}

/** A copy without the fake-only fields, so callers cannot mutate the fake's state. */
function publicView(c: FakeContainer): RuntimeContainer {
  const { spec: _spec, logLines: _logs, ...rest } = c;
  return { ...rest, labels: { ...rest.labels } };
}
