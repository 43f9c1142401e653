/**
 * kubectl's port-forward (1.31+, PortForwardWebsockets): a WebSocket with the subprotocol
 * `SPDY/3.1+portforward.k8s.io` whose binary messages carry a SPDY/3.1 session (client-go's
 * tunneling connection), inside which every forwarded connection is a pair of SPDY streams
 * sharing a `requestid` header: `streamtype: error` (the kubelet writes a message if
 * forwarding fails) and `streamtype: data` (the bytes, both ways), each naming its `port`.
 *
 * SPDY itself is spdy-transport's (framing, header compression, pings, flow control). Its
 * server insists on HTTP's `:method`/`:path` headers in every SYN_STREAM, which client-go's
 * streams do not carry; this session's parser (only its own instance) fills them in, so the
 * streams are accepted as they come. client-go's SPDY (moby/spdystream) is SPDY/3 without flow
 * control: it never sends WINDOW_UPDATE, so the session runs as SPDY/3 (no session window) and
 * each stream's send window is made unbounded, or every stream would stall after 64 KiB.
 */
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { connection, type SpdyStream } from 'spdy-transport';
import { createWebSocketStream, type WebSocket } from 'ws';
import { forwardError } from './portforward';

/** The tunnel's WebSocket subprotocol. */
export const SpdyTunnelProtocol = 'SPDY/3.1+portforward.k8s.io';

/** Options of `serveSpdyTunnel`. */
export interface SpdyTunnelOptions {
  ws: WebSocket;
  connect(port: number): Promise<Duplex>;
  podName: string;
  logger: Logger;
}

/** The window fields of a spdy-transport stream (window.js `Side`). */
interface SendWindow {
  current: number;
  max: number;
  limit: number;
}

/** Lifts the stream's send window: the peer never refills it (see the file comment). */
function unboundedSendWindow(stream: SpdyStream): void {
  const side = (stream as unknown as { _spdyState?: { window?: { send?: SendWindow } } })._spdyState?.window?.send;
  if (!side) return;
  side.current = Number.MAX_SAFE_INTEGER / 2;
  side.max = Number.MAX_SAFE_INTEGER / 2;
  side.limit = Number.MAX_SAFE_INTEGER;
}

interface PatchableParser {
  parseKVs(buffer: unknown, callback: (err: Error | null, headers?: Record<string, unknown>) => void): void;
}

function header(stream: SpdyStream, name: string): string {
  const v = Object.hasOwn(stream.headers, name) ? stream.headers[name] : undefined;
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/** Serves the tunnel until the WebSocket closes. */
export function serveSpdyTunnel(o: SpdyTunnelOptions): Promise<void> {
  const socket = createWebSocketStream(o.ws);
  socket.on('error', () => socket.destroy());
  const session = connection.create(socket, { protocol: 'spdy', isServer: true, autoSpdy31: false });
  const parser = (session as unknown as { _spdyState: { parser: PatchableParser } })._spdyState.parser;
  const parseKVs = parser.parseKVs.bind(parser);
  parser.parseKVs = (buffer, callback) =>
    parseKVs(buffer, (err, headers) => {
      if (headers && !Object.hasOwn(headers, ':method')) {
        headers[':method'] = 'POST';
        headers[':path'] = '/';
      }
      callback(err, headers);
    });
  session.start(3);
  const pairs = new Map<string, { data?: SpdyStream; error?: SpdyStream }>();
  session.on('error', (err) => o.logger.debug({ err: err?.message }, 'port-forward tunnel error'));
  session.on('stream', (stream) => {
    unboundedSendWindow(stream);
    stream.respond(200, {});
    const type = header(stream, 'streamtype');
    const requestId = header(stream, 'requestid');
    const port = Number(header(stream, 'port'));
    const pair = pairs.get(requestId) ?? {};
    if (type === 'data') pair.data = stream;
    else if (type === 'error') pair.error = stream;
    else {
      stream.destroy();
      return;
    }
    pairs.set(requestId, pair);
    const { data, error } = pair;
    if (!data || !error) return;
    pairs.delete(requestId);
    error.resume();
    forward({ ...o, port, data, error }).catch((err: Error) => o.logger.debug({ err: err.message }, 'forward failed'));
  });
  return new Promise((resolve) =>
    o.ws.once('close', () => {
      session.destroyStreams();
      resolve();
    }),
  );
}

async function forward(o: SpdyTunnelOptions & { port: number; data: SpdyStream; error: SpdyStream }): Promise<void> {
  if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535) {
    o.error.end(`invalid port ${o.port}`);
    o.data.end();
    return;
  }
  let conn: Duplex;
  try {
    conn = await o.connect(o.port);
  } catch (err) {
    o.error.end(forwardError(o.port, o.podName, err));
    o.data.end();
    return;
  }
  conn.on('error', (err: Error) => {
    if (!o.error.writableEnded) o.error.end(forwardError(o.port, o.podName, err));
  });
  o.data.pipe(conn);
  conn.pipe(o.data);
  conn.on('close', () => {
    if (!o.error.writableEnded) o.error.end();
  });
  o.data.on('error', () => conn.destroy());
}
