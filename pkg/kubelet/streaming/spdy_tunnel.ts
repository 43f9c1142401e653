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
 *
 * Whoever may port-forward to one pod is untrusted here, and every forwarded connection is a
 * relay process on the node, so the tunnel bounds what a client can make it hold (as the
 * upstream kubelet's httpstream handler, plus caps it lacks): a `port` header is parsed as
 * strconv.ParseUint(s, 10, 16) does (decimal, 1–65535), a bad one answered on the error stream
 * in upstream's words; a half pair waits at most `streamCreationTimeoutMs` (upstream's
 * streamCreationTimeout, 30 s) for its other stream, then its error stream says so; at most
 * `maxPendingPairs` half pairs wait at once; a second stream of a type a request already has
 * is refused (RST; an error stream first gets upstream's message); and at most
 * `maxConnections` connections are forwarded at once: beyond, the pair's error stream says so
 * and its data stream ends. Every stream counts until both sides closed it, and a session holds
 * at most twice the pending and forwarded pairs' worth (a refused error stream the client never
 * closes still counts): beyond, a new stream is reset (REFUSED_STREAM). Header blocks and
 * unread stream data are bounded too (spdy_limits.ts).
 */
import type { Duplex, Readable } from 'node:stream';
import type { Logger } from 'pino';
import { connection, type SpdyStream } from 'spdy-transport';
import { createWebSocketStream, type WebSocket } from 'ws';
import { forwardError, maxForwardedPorts } from './portforward';
import {
  limitHeaderBlocks,
  maxBufferedStreamBytes,
  maxHeaderBlockBytes,
  type PatchableParser,
  StreamBackpressure,
} from './spdy_limits';

/** The tunnel's WebSocket subprotocol. */
export const SpdyTunnelProtocol = 'SPDY/3.1+portforward.k8s.io';

/** Options of `serveSpdyTunnel`. */
export interface SpdyTunnelOptions {
  ws: WebSocket;
  connect(port: number): Promise<Duplex>;
  podName: string;
  logger: Logger;
  /** How long a half pair waits for its other stream (default `streamCreationTimeoutMs`). */
  streamCreationTimeoutMs?: number;
  /** Half pairs waiting at once (default `maxPendingPairs`); beyond, a new request's stream is refused. */
  maxPendingPairs?: number;
  /** Connections forwarded at once (default `maxTunnelConnections`). */
  maxConnections?: number;
  /** Bytes one header block may inflate to (default `maxHeaderBlockBytes`); beyond, the tunnel closes. */
  maxHeaderBlockBytes?: number;
  /** Unread bytes one stream holds before the tunnel stops reading (default `maxBufferedStreamBytes`). */
  maxBufferedStreamBytes?: number;
}

/** Upstream's streamCreationTimeout: how long a half pair waits for its other stream. */
export const streamCreationTimeoutMs = 30_000;
/** The most half pairs one tunnel keeps waiting. */
export const maxPendingPairs = maxForwardedPorts;
/** The most connections one tunnel forwards at once (each is a relay process on the node). */
export const maxTunnelConnections = maxForwardedPorts;

/** A `port` header read: the port, or the message upstream's kubelet refuses it with. */
export type PortHeader = { ok: true; port: number } | { ok: false; message: string };

/** Reads a `port` header as upstream does (strconv.ParseUint(s, 10, 16), then > 0). */
export function parsePortHeader(value: string): PortHeader {
  if (value === '') return { ok: false, message: '"port" header is required' };
  const q = JSON.stringify(value);
  if (!/^[0-9]+$/.test(value))
    return { ok: false, message: `unable to parse ${q} as a port: strconv.ParseUint: parsing ${q}: invalid syntax` };
  const port = Number(value);
  if (port > 65535)
    return {
      ok: false,
      message: `unable to parse ${q} as a port: strconv.ParseUint: parsing ${q}: value out of range`,
    };
  if (port < 1) return { ok: false, message: `port ${q} must be > 0` };
  return { ok: true, port };
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

function header(stream: SpdyStream, name: string): string {
  const v = Object.hasOwn(stream.headers, name) ? stream.headers[name] : undefined;
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/** The two streams of one forwarded connection, while the second is awaited. */
interface HalfPair {
  data?: SpdyStream;
  error?: SpdyStream;
  timer: NodeJS.Timeout;
}

type StreamType = 'data' | 'error';

/** The pair's port: the data stream's, unless either stream's header is bad (then that message). */
function pairPort(data: SpdyStream, error: SpdyStream): PortHeader {
  const d = parsePortHeader(header(data, 'port'));
  const e = parsePortHeader(header(error, 'port'));
  return d.ok && !e.ok ? e : d;
}

/** Serves the tunnel until the WebSocket closes. */
export function serveSpdyTunnel(o: SpdyTunnelOptions): Promise<void> {
  const socket = createWebSocketStream(o.ws);
  socket.on('error', () => socket.destroy());
  const session = connection.create(socket, { protocol: 'spdy', isServer: true, autoSpdy31: false });
  const state = (session as unknown as { _spdyState: { parser: PatchableParser; framer: Readable } })._spdyState;
  const parser = state.parser;
  limitHeaderBlocks(parser, o.maxHeaderBlockBytes ?? maxHeaderBlockBytes, () => {
    o.logger.debug({ pod: o.podName }, 'port-forward tunnel closed: a header block inflates too far');
    o.ws.terminate();
  });
  const backpressure = new StreamBackpressure(parser, o.maxBufferedStreamBytes ?? maxBufferedStreamBytes, {
    framer: state.framer,
    socket,
  });
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
  const timeoutMs = o.streamCreationTimeoutMs ?? streamCreationTimeoutMs;
  const maxPending = o.maxPendingPairs ?? maxPendingPairs;
  const maxConnections = o.maxConnections ?? maxTunnelConnections;
  const maxOpenStreams = 2 * (maxPending + maxConnections);
  let openStreams = 0;
  const pending = new Map<string, HalfPair>();
  // Request ids being forwarded: a stream naming one is a duplicate too.
  const active = new Set<string>();
  const refuse = (stream: SpdyStream, type: StreamType, message: string): void => {
    o.logger.debug({ message, pod: o.podName }, 'port-forward stream refused');
    if (type === 'error') stream.end(message);
    else stream.abort('REFUSED_STREAM');
  };
  const expire = (requestId: string): void => {
    const pair = pending.get(requestId);
    if (!pair) return;
    pending.delete(requestId);
    const message = `(request=${requestId}) timed out waiting for streams`;
    o.logger.debug({ message, pod: o.podName }, 'port-forward half pair expired');
    pair.error?.end(message);
    pair.data?.abort('REFUSED_STREAM');
  };
  // A session error (a frame that does not parse, the socket failing) kills the session for
  // good: the WebSocket goes with it, as upstream's connection does, rather than idling open.
  session.on('error', (err) => {
    o.logger.debug({ err: err?.message }, 'port-forward tunnel error');
    o.ws.terminate();
  });
  session.on('stream', (stream) => {
    stream.on('error', () => undefined);
    if (openStreams >= maxOpenStreams) {
      o.logger.debug({ pod: o.podName, maxOpenStreams }, 'port-forward stream refused: too many open streams');
      stream.abort('REFUSED_STREAM');
      return;
    }
    openStreams += 1;
    stream.once('close', () => {
      openStreams -= 1;
    });
    backpressure.watch(stream);
    unboundedSendWindow(stream);
    stream.respond(200, {});
    const type = header(stream, 'streamtype');
    if (type !== 'data' && type !== 'error') {
      stream.abort('REFUSED_STREAM');
      return;
    }
    // The client writes nothing on its error stream; whatever it does write is dropped.
    if (type === 'error') stream.resume();
    // Clients older than the requestid header pair streams by id, as upstream guesses them.
    const requestId = header(stream, 'requestid') || String(type === 'error' ? stream.id : stream.id - 2);
    const pair = pending.get(requestId);
    if (active.has(requestId) || pair?.[type]) {
      refuse(stream, type, `error processing stream for request ${requestId}: ${type} stream already assigned`);
      return;
    }
    if (!pair) {
      if (pending.size >= maxPending) {
        refuse(stream, type, `too many pending port-forward streams in this connection (at most ${maxPending})`);
        return;
      }
      pending.set(requestId, { [type]: stream, timer: setTimeout(() => expire(requestId), timeoutMs) });
      return;
    }
    pair[type] = stream;
    const { data, error } = pair;
    if (!data || !error) return;
    clearTimeout(pair.timer);
    pending.delete(requestId);
    const port = pairPort(data, error);
    if (!port.ok) {
      error.end(port.message);
      finish(data);
      return;
    }
    if (active.size >= maxConnections) {
      error.end(
        forwardError(
          port.port,
          o.podName,
          `too many concurrent connections in this port-forward (at most ${maxConnections})`,
        ),
      );
      finish(data);
      return;
    }
    active.add(requestId);
    forward({ ...o, port: port.port, data, error })
      .catch((err: Error) => o.logger.debug({ err: err.message }, 'forward failed'))
      .finally(() => active.delete(requestId));
  });
  return new Promise((resolve) =>
    o.ws.once('close', () => {
      for (const pair of pending.values()) clearTimeout(pair.timer);
      pending.clear();
      session.destroyStreams();
      resolve();
    }),
  );
}

/** Ends a data stream nothing was forwarded on, draining what the client sends so it can close. */
function finish(data: SpdyStream): void {
  data.end();
  data.resume();
}

/** Forwards one pair; resolves once the connection to the pod is closed. */
async function forward(o: SpdyTunnelOptions & { port: number; data: SpdyStream; error: SpdyStream }): Promise<void> {
  // The client may reset the data stream (or leave) while the connection is being opened.
  let gone = false;
  const onGone = (): void => {
    gone = true;
  };
  o.data.once('close', onGone);
  let conn: Duplex;
  try {
    conn = await o.connect(o.port);
  } catch (err) {
    o.error.end(forwardError(o.port, o.podName, err));
    finish(o.data);
    return;
  } finally {
    o.data.off('close', onGone);
  }
  if (gone || o.data.destroyed) {
    conn.destroy();
    return;
  }
  const closed = new Promise<void>((resolve) => conn.once('close', () => resolve()));
  conn.on('error', (err: Error) => {
    if (!o.error.writableEnded) o.error.end(forwardError(o.port, o.podName, err));
  });
  o.data.pipe(conn);
  conn.pipe(o.data);
  conn.on('close', () => {
    if (!o.error.writableEnded) o.error.end();
  });
  // A data stream reset (or the tunnel gone) ends the connection, and its relay.
  o.data.on('error', () => conn.destroy());
  o.data.once('close', () => conn.destroy());
  await closed;
  // What the client still sends goes nowhere: drained, so the stream can close and stop counting.
  o.data.resume();
}
