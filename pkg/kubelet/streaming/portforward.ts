/**
 * The kubelet's /portforward/{namespace}/{pod}?ports=… endpoint over WebSockets, the
 * `v4.channel.k8s.io` port-forward protocol (what the Python client speaks): port i of the
 * request has data channel 2i and error channel 2i+1; the server's first message on each
 * channel is the port number (2 bytes, little endian); then the data channel carries the
 * connection's bytes both ways and the error channel a text message if forwarding fails.
 * The socket closes once every port's connection has ended. Connections go to the pod's
 * network namespace through the runtime (`portForward`). kubectl's SPDY-over-WebSocket
 * tunnel is spdy_tunnel.ts.
 */
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type WebSocket from 'ws';
import { badRequest } from '../../api/errors';

/** The most ports one request forwards: each connection is a relay process on the node (see runtime/docker/portforward.ts). */
export const maxForwardedPorts = 64;

/** The ports of a request: `ports=8080,9090` (repeatable), each 1–65535, at most `maxForwardedPorts`. */
export function parsePorts(values: readonly string[]): number[] {
  const ports = values.flatMap((v) => v.split(',')).map((p) => p.trim());
  if (ports.length === 0 || ports.every((p) => p === '')) throw badRequest('at least one port is required (ports=)');
  if (ports.length > maxForwardedPorts)
    throw badRequest(`at most ${maxForwardedPorts} ports may be forwarded in one request (${ports.length} given)`);
  return ports.map((p) => {
    const n = Number(p);
    if (!/^\d+$/.test(p) || n < 1 || n > 65535) throw badRequest(`invalid port ${JSON.stringify(p)}`);
    return n;
  });
}

/** The message that opens a port-forward channel: the channel, then the port (uint16 little endian). */
export function portPrefix(channel: number, port: number): Buffer {
  return Buffer.from([channel, port & 0xff, port >> 8]);
}

/** Options of `servePortForward`. */
export interface ServePortForwardOptions {
  ws: WebSocket;
  ports: readonly number[];
  /** Opens a connection to `port` in the pod. */
  connect(port: number): Promise<Duplex>;
  /** For error messages: `error forwarding port P to pod <pod>: …`. */
  podName: string;
  logger: Logger;
}

/** Serves the v4 port-forward protocol on `ws`; resolves when the socket closed. */
export async function servePortForward(o: ServePortForwardOptions): Promise<void> {
  const { ws } = o;
  const conns = new Map<number, Duplex>();
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  ws.on('close', () => {
    for (const c of conns.values()) c.destroy();
  });
  const send = (data: Buffer): void => {
    if (ws.readyState === ws.OPEN) ws.send(data);
  };
  o.ports.forEach((port, i) => {
    send(portPrefix(2 * i, port));
    send(portPrefix(2 * i + 1, port));
  });
  const early = new Map<number, Buffer[]>();
  ws.on('message', (message: Buffer, isBinary: boolean) => {
    if (!isBinary || message.length === 0) return;
    const channel = message[0] ?? 0;
    // Only the data channels of the requested ports (a frame for another is dropped, as
    // Kubernetes' wsstream does, never kept for a connection that will not come).
    if (channel % 2 !== 0 || channel / 2 >= o.ports.length) return;
    const data = message.subarray(1);
    const conn = conns.get(channel / 2);
    if (conn) conn.write(data);
    else early.set(channel / 2, [...(early.get(channel / 2) ?? []), data]);
  });
  let open = o.ports.length;
  const ended = (): void => {
    open -= 1;
    if (open === 0 && ws.readyState === ws.OPEN) ws.close(1000);
  };
  await Promise.all(
    o.ports.map(async (port, i) => {
      let conn: Duplex;
      try {
        conn = await o.connect(port);
      } catch (err) {
        send(Buffer.concat([Buffer.from([2 * i + 1]), Buffer.from(forwardError(port, o.podName, err))]));
        ended();
        return;
      }
      conns.set(i, conn);
      for (const d of early.get(i) ?? []) conn.write(d);
      early.delete(i);
      conn.on('data', (chunk: Buffer) => send(Buffer.concat([Buffer.from([2 * i]), chunk])));
      conn.on('error', (err: Error) => {
        send(Buffer.concat([Buffer.from([2 * i + 1]), Buffer.from(forwardError(port, o.podName, err))]));
        o.logger.debug({ err: err.message, port }, 'port-forward connection failed');
      });
      // No half-close in this protocol: once the pod's side ended, the connection is done.
      conn.on('end', () => conn.end());
      conn.on('close', ended);
    }),
  );
  await closed;
}

/** Kubernetes' wording of a failed forward. */
export function forwardError(port: number, pod: string, err: unknown): string {
  return `error forwarding port ${port} to pod ${pod}: ${err instanceof Error ? err.message : String(err)}`;
}
