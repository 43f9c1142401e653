/**
 * HTTP upgrades (WebSocket, SPDY) through an ordinary request handler. Node hands upgrade
 * requests to a server's 'upgrade' listener with the raw socket and no response object; this
 * gives them a ServerResponse bound to that socket and runs them through the same handler as
 * every other request, so authentication, authorization, audit and error rendering apply
 * unchanged. A handler that answers normally (a 4xx Status) just writes the response, and the
 * socket is closed after it; one that takes the upgrade (`takeUpgrade`) owns the socket.
 */
import { type IncomingMessage, type Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

interface Pending {
  socket: Duplex;
  head: Buffer;
  res: ServerResponse;
}

const pending = new WeakMap<IncomingMessage, Pending>();

/**
 * Sends `server`'s upgrade requests through `handler` (e.g. a Koa app's callback()). Returns a
 * function that destroys every upgraded socket still open (the server's closeAllConnections
 * does not see them): call it when stopping the server.
 */
export function routeUpgrades(
  server: Server,
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): () => void {
  const open = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Parameters<ServerResponse['assignSocket']>[0]);
    res.on('finish', () => {
      res.detachSocket(socket as Parameters<ServerResponse['detachSocket']>[0]);
      socket.end();
    });
    socket.on('error', () => socket.destroy());
    pending.set(req, { socket, head, res });
    handler(req, res);
  });
  return () => {
    for (const s of open) s.destroy();
  };
}

/** True for a request asking to upgrade to a WebSocket. */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

/** True for a request that arrived as an upgrade (and has not been taken yet). */
export function isUpgrade(req: IncomingMessage): boolean {
  return pending.has(req);
}

/** The WebSocket subprotocols the client offered, in its order of preference. */
export function offeredProtocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  const raw = Array.isArray(header) ? header.join(',') : (header ?? '');
  return raw
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/**
 * Takes over the upgrade request's socket: the response object lets go of it, and the caller
 * now writes the handshake (or hands it to a WebSocket server). Undefined when the request was
 * not an upgrade or was taken already.
 */
export function takeUpgrade(req: IncomingMessage): { socket: Duplex; head: Buffer } | undefined {
  const p = pending.get(req);
  if (!p) return undefined;
  pending.delete(req);
  p.res.detachSocket(p.socket as Parameters<ServerResponse['detachSocket']>[0]);
  return { socket: p.socket, head: p.head };
}
