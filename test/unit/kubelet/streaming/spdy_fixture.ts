/**
 * A shared fixture for serveSpdyTunnel's tests: the real tunnel served on a real WebSocket on
 * 127.0.0.1, a spdy-transport client session on it, and helpers that open streams as client-go
 * does.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { type Duplex, PassThrough } from 'node:stream';
import { connection, type SpdyConnection, type SpdyStream } from 'spdy-transport';
import WebSocket, { createWebSocketStream, WebSocketServer } from 'ws';
import { silentLogger } from '../../../../pkg/log/logger';
import { serveSpdyTunnel, type SpdyTunnelOptions } from '../../../../pkg/kubelet/streaming/spdy_tunnel';

/** A served tunnel and a spdy-transport client session on it, over a real WebSocket on 127.0.0.1. */
export interface Tunnel {
  /** The client's WebSocket (to close or break it under the tunnel). */
  ws: WebSocket;
  /** The kubelet's side of the WebSocket, once it was accepted. */
  server: Promise<WebSocket>;
  client: SpdyConnection;
  /** The connections the fake `connect` opened (PassThrough: an echo), by port. */
  conns: { port: number; conn: Duplex }[];
  /** Resolves when serveSpdyTunnel did. */
  served: Promise<void>;
  close(): Promise<void>;
}

export type Limits = Pick<SpdyTunnelOptions, 'streamCreationTimeoutMs' | 'maxPendingPairs' | 'maxConnections'> & {
  /** Each connect waits for this (default: none). */
  gate?: Promise<void>;
  /** What `connect` returns (default: a PassThrough, an echo). */
  pod?: () => Duplex;
};

export async function openTunnel({ gate, pod, ...limits }: Limits = {}): Promise<Tunnel> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const conns: Tunnel['conns'] = [];
  const server = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const served = new Promise<Promise<void>>((resolve) =>
    wss.once('connection', (ws) =>
      resolve(
        serveSpdyTunnel({
          ws,
          podName: 'web',
          logger: silentLogger(),
          connect: async (port) => {
            await gate;
            const conn = pod ? pod() : new PassThrough();
            conns.push({ port, conn });
            return conn;
          },
          ...limits,
        }),
      ),
    ),
  );
  const ws = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  await once(ws, 'open');
  const socket = createWebSocketStream(ws);
  socket.on('error', () => socket.destroy());
  const client = connection.create(socket, { protocol: 'spdy', isServer: false });
  client.on('error', () => undefined);
  client.start(3);
  const done = served.then((p) => p);
  return {
    ws,
    server,
    client,
    conns,
    served: done,
    close: async () => {
      ws.close();
      await done;
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

/** What the client learns from one stream: its bytes until the end, or how it was reset. */
export interface Outcome {
  data: string;
  ended: boolean;
  reset?: string;
}

/**
 * Opens a stream with client-go's headers (a header left undefined is not sent), resolving once
 * its SYN_STREAM is out: spdy-transport sends a stream written to at once and others on the next
 * tick, and a lower id after a higher one is a protocol error.
 */
export async function open(
  t: Tunnel,
  headers: Record<string, string | undefined>,
): Promise<{ stream: SpdyStream; outcome: Promise<Outcome> }> {
  const sent: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) sent[k] = v;
  const stream = await new Promise<SpdyStream>((resolve, reject) =>
    t.client.request({ method: 'POST', path: '/', headers: sent }, (err, s) => (err ? reject(err) : resolve(s))),
  );
  const outcome = new Promise<Outcome>((resolve) => {
    let data = '';
    stream.on('data', (b: Buffer) => {
      data += b.toString();
    });
    stream.on('end', () => resolve({ data, ended: true }));
    stream.on('error', (err: Error) => resolve({ data, ended: false, reset: err.message }));
  });
  return { stream, outcome };
}

/** A pair's two streams as client-go opens them: error first (closed for writing at once), then data. */
export async function pair(t: Tunnel, requestId: string, port = '80') {
  const error = await open(t, { streamtype: 'error', port, requestid: requestId });
  error.stream.end();
  const data = await open(t, { streamtype: 'data', port, requestid: requestId });
  return { error, data };
}

/** Writes `text` on the stream and resolves with what comes back once that much has. */
export function echo(stream: SpdyStream, text: string): Promise<string> {
  return new Promise((resolve) => {
    let got = '';
    const onData = (b: Buffer): void => {
      got += b.toString();
      if (got.length >= text.length) {
        stream.off('data', onData);
        resolve(got);
      }
    };
    stream.on('data', onData);
    stream.write(text);
  });
}
