/**
 * The kubelet's --streaming-connection-idle-timeout: a streaming connection (exec, attach,
 * port-forward, whichever protocol) that moved no byte either way for that long is closed, as
 * upstream's SPDY connections are (spdystream's idle timer counts every frame read or written,
 * pings included). Node's socket timeout is exactly that: it restarts on every read and write of
 * the connection's socket (the TLS one when it is HTTPS).
 */
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type WebSocket from 'ws';

/** Upstream's default --streaming-connection-idle-timeout (4h0m0s). */
export const defaultStreamingIdleTimeoutMs = 4 * 3_600_000;

/** Options of `closeWhenIdle`. */
export interface CloseWhenIdleOptions {
  /** The upgraded connection's socket (call once ws has taken it: ws clears its timeout). */
  socket: Duplex;
  ws: WebSocket;
  /** Idle time before the connection is closed; 0 never closes it. */
  timeoutMs: number;
  logger: Logger;
}

/** Closes `ws` (and with it whatever it serves) once its socket has been idle for `timeoutMs`. */
export function closeWhenIdle(o: CloseWhenIdleOptions): void {
  if (o.timeoutMs <= 0 || !(o.socket instanceof Socket)) return;
  o.socket.setTimeout(o.timeoutMs);
  o.socket.once('timeout', () => {
    o.logger.debug({ timeoutMs: o.timeoutMs }, 'streaming connection idle: closing it');
    o.ws.terminate();
  });
}
