/**
 * The kubelet's streaming endpoints, reached through the apiserver's pods/exec, pods/attach
 * and pods/portforward:
 *
 *   GET|POST /exec/{namespace}/{pod}/{container}?command=…&stdin=&stdout=&stderr=&tty=
 *   GET|POST /attach/{namespace}/{pod}/{container}?stdin=&stdout=&stderr=&tty=
 *   GET|POST /portforward/{namespace}/{pod}?ports=…  (see portforward.ts)
 *
 * Each checks the pod, the container and its running instance and answers a 400/404 Status
 * before upgrading; then it upgrades to a WebSocket (see channels.ts for the subprotocols) and
 * serves the runtime's session on it (remotecommand.ts). Every upgraded stream is closed once
 * idle for --streaming-connection-idle-timeout (idle.ts).
 */
import type Router from '@koa/router';
import type { IncomingMessage } from 'node:http';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { Pod } from '../../api/core/v1';
import { badRequest, notFound } from '../../api/errors';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import { isWebSocketUpgrade, offeredProtocols, takeUpgrade } from '../../util/httpupgrade/upgrade';
import { ContainerLabel, RuntimeContainerState, type ContainerRuntime, type StreamSession } from '../runtime/interface';
import { negotiate, StreamProtocol } from './channels';
import { serveSession } from './remotecommand';
import { parsePorts, servePortForward } from './portforward';
import { serveSpdyTunnel, SpdyTunnelProtocol } from './spdy_tunnel';
import { closeWhenIdle, defaultStreamingIdleTimeoutMs } from './idle';

/** The port-forward WebSocket subprotocols served. */
const portForwardProtocols: readonly string[] = [SpdyTunnelProtocol, 'v4.channel.k8s.io'];

/**
 * The largest message a client may send (golang.org/x/net/websocket's DefaultMaxPayloadBytes,
 * the kubelet's limit): a larger one closes the stream with 1009 instead of being buffered
 * (ws would take 100 MiB).
 */
export const maxStreamMessageBytes = 32 << 20;

/** What the streaming endpoints need from the kubelet. */
export interface StreamingDeps {
  runtime: ContainerRuntime;
  pod(namespace: string, name: string): DeepReadonly<Pod> | undefined;
  logger: Logger;
  /** --streaming-connection-idle-timeout (default 4h; 0: never), see idle.ts. */
  idleTimeoutMs?: number;
}

/** The stream flags of a request (true as Go's strconv.ParseBool reads it: 1, t, T, true, True, TRUE). */
export interface StreamFlags {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

const trueValues = new Set(['1', 't', 'T', 'true', 'True', 'TRUE']);

function flag(ctx: Context, name: string): boolean {
  const v = ctx.query[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s !== undefined && trueValues.has(s);
}

/** Reads and checks the stream flags (at least one stream; a TTY has no separate stderr). */
export function streamFlags(ctx: Context): StreamFlags {
  const f = {
    stdin: flag(ctx, 'stdin'),
    stdout: flag(ctx, 'stdout'),
    stderr: flag(ctx, 'stderr'),
    tty: flag(ctx, 'tty'),
  };
  if (!f.stdin && !f.stdout && !f.stderr) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
  if (f.tty && f.stderr) f.stderr = false;
  return f;
}

/** The `command` query parameters, in order (exec needs at least one). */
export function commandOf(ctx: Context): string[] {
  const v = ctx.query.command;
  const command = Array.isArray(v) ? v : v === undefined ? [] : [v];
  if (command.length === 0) throw badRequest('you must specify at least 1 command');
  return command;
}

/** Registers /exec and /attach on the kubelet's router. */
export function registerStreaming(router: Router, deps: StreamingDeps): void {
  const idleTimeoutMs = deps.idleTimeoutMs ?? defaultStreamingIdleTimeoutMs;
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: maxStreamMessageBytes,
    handleProtocols: (offered) => negotiate(offered) ?? false,
  });
  const serve = (kind: 'exec' | 'attach') => async (ctx: Context) => {
    const { ns = '', pod: podName = '', container = '' } = ctx.params as Record<string, string | undefined>;
    const pod = deps.pod(ns, podName);
    if (!pod) throw notFound({ resource: 'pods' }, podName);
    if (!pod.spec.containers.some((c) => c.name === container))
      throw badRequest(`container ${container} is not valid for pod ${podName}`);
    const command = kind === 'exec' ? commandOf(ctx) : undefined;
    const flags = streamFlags(ctx);
    const running = (await deps.runtime.listContainers({ podUid: pod.metadata.uid ?? '' })).find(
      (c) => c.labels[ContainerLabel.ContainerName] === container && c.state === RuntimeContainerState.Running,
    );
    if (!running) throw badRequest(`container not found (${JSON.stringify(container)})`);
    if (!isWebSocketUpgrade(ctx.req)) throw badRequest('Upgrade request required');
    const protocol = negotiate(offeredProtocols(ctx.req));
    if (!protocol)
      throw badRequest(
        `unable to upgrade: none of the offered subprotocols is served; use one of ${Object.values(StreamProtocol).join(', ')}`,
      );
    const taken = takeUpgrade(ctx.req);
    if (!taken) throw badRequest('Upgrade request required');
    ctx.respond = false;
    if (kind === 'attach') {
      // As the kubelet: the container's own TTY decides (a TTY cannot be added or removed from
      // a running process), whatever the client asked; a TTY has no separate stderr. Stdin goes
      // only to a container created with `stdin: true`; for any other it is dropped, as Docker
      // does (dockershim, `docker attach`), not refused.
      flags.tty = running.tty === true;
      if (flags.tty) flags.stderr = false;
      flags.stdin = flags.stdin && running.stdin === true;
    }
    const open = (): Promise<StreamSession> =>
      kind === 'exec'
        ? deps.runtime.exec(running.id, { command: command ?? [], stdin: flags.stdin, tty: flags.tty })
        : deps.runtime.attach(running.id, { stdin: flags.stdin, tty: flags.tty });
    wss.handleUpgrade(ctx.req, taken.socket, taken.head, (ws) => {
      // A protocol error (an oversized or malformed frame) closes the socket; ws reports it here.
      ws.on('error', (err) => deps.logger.debug({ err: err.message, kind, pod: podName }, 'stream closed on error'));
      closeWhenIdle({ socket: taken.socket, ws, timeoutMs: idleTimeoutMs, logger: deps.logger });
      serveSession({
        ws,
        protocol,
        open,
        ...(command ? { command } : {}),
        stdout: flags.stdout,
        stderr: flags.stderr,
        logger: deps.logger,
      }).catch((err: Error) => deps.logger.warn({ err: err.message, kind, pod: podName }, 'stream session failed'));
    });
  };
  const pfServer = new WebSocketServer({
    noServer: true,
    maxPayload: maxStreamMessageBytes,
    handleProtocols: (offered) => [...offered].find((p) => portForwardProtocols.includes(p)) ?? false,
  });
  // ws refuses `SPDY/3.1+portforward.k8s.io` (a '/' is not allowed in an RFC 6455 token): the
  // tunnel's requests are upgraded without the header, and the answer names the protocol.
  const tunnels = new WeakSet<IncomingMessage>();
  pfServer.on('headers', (headers: string[], req: IncomingMessage) => {
    if (tunnels.has(req)) headers.push(`Sec-WebSocket-Protocol: ${SpdyTunnelProtocol}`);
  });
  const portForward = async (ctx: Context) => {
    const { ns = '', pod: podName = '' } = ctx.params as Record<string, string | undefined>;
    const pod = deps.pod(ns, podName);
    if (!pod) throw notFound({ resource: 'pods' }, podName);
    const running = (await deps.runtime.listContainers({ podUid: pod.metadata.uid ?? '' })).find(
      (c) => c.state === RuntimeContainerState.Running,
    );
    if (!running) throw badRequest(`pod ${podName} has no running container to forward ports to`);
    if (!isWebSocketUpgrade(ctx.req)) throw badRequest('Upgrade request required');
    const protocol = offeredProtocols(ctx.req).find((p) => portForwardProtocols.includes(p));
    if (!protocol)
      throw badRequest(`unable to upgrade: use one of the subprotocols ${portForwardProtocols.join(', ')}`);
    // The SPDY tunnel names its ports per stream; the v4 protocol in the query.
    const v = ctx.query.ports;
    const ports = protocol === SpdyTunnelProtocol ? [] : parsePorts(Array.isArray(v) ? v : v === undefined ? [] : [v]);
    const taken = takeUpgrade(ctx.req);
    if (!taken) throw badRequest('Upgrade request required');
    ctx.respond = false;
    if (protocol === SpdyTunnelProtocol) {
      delete ctx.req.headers['sec-websocket-protocol'];
      tunnels.add(ctx.req);
    }
    pfServer.handleUpgrade(ctx.req, taken.socket, taken.head, (ws) => {
      ws.on('error', (err) => deps.logger.debug({ err: err.message, pod: podName }, 'port-forward closed on error'));
      closeWhenIdle({ socket: taken.socket, ws, timeoutMs: idleTimeoutMs, logger: deps.logger });
      const forward = {
        ws,
        connect: (port: number) => deps.runtime.portForward(running.id, port),
        podName,
        logger: deps.logger,
      };
      (protocol === SpdyTunnelProtocol ? serveSpdyTunnel(forward) : servePortForward({ ...forward, ports })).catch(
        (err: Error) => deps.logger.warn({ err: err.message, pod: podName }, 'port-forward failed'),
      );
    });
  };
  router.get('/portforward/:ns/:pod', portForward);
  router.post('/portforward/:ns/:pod', portForward);
  for (const kind of ['exec', 'attach'] as const) {
    router.get(`/${kind}/:ns/:pod/:container`, serve(kind));
    router.post(`/${kind}/:ns/:pod/:container`, serve(kind));
  }
}
