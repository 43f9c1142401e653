/**
 * Wires one WebSocket (already upgraded, subprotocol negotiated) to one exec/attach session:
 * the process's stdout/stderr go out on channels 1/2, the client's stdin (0), resizes (4) and
 * v5 closes (255) come in, and when the output has ended the error channel (3) carries the
 * result before a normal close. A client that goes away first ends the session (`kill`: an
 * exec'd process is killed, an attach detached), so nothing keeps running for nobody.
 *
 * Output is paced by the socket: a stream pauses while more than `highWaterMark` bytes are
 * buffered, and the client's messages stop being read while stdin is full.
 */
import type { Logger } from 'pino';
import type WebSocket from 'ws';
import type { StreamSession } from '../runtime/streaming';
import {
  Channel,
  decodeFrame,
  encodeFrame,
  errorPayload,
  exitStatus,
  failureStatus,
  parseResize,
  type ChannelStatus,
  type StreamProtocol,
} from './channels';

/** Options of `serveSession`. */
export interface ServeSessionOptions {
  ws: WebSocket;
  protocol: StreamProtocol;
  /** Opens the session once the socket is up (a failure is reported on the error channel). */
  open(): Promise<StreamSession>;
  /** The exec'd command, for the exit status message (absent for attach). */
  command?: readonly string[];
  /** Which output channels the client asked for. */
  stdout: boolean;
  stderr: boolean;
  logger: Logger;
  /** Bytes buffered on the socket before output streams pause (default 1 MiB). */
  highWaterMark?: number;
}

/** Pipes `stream` to `channel` until it ends; resolves then. */
function pump(o: ServeSessionOptions, stream: NodeJS.ReadableStream, channel: number, send: boolean): Promise<void> {
  const limit = o.highWaterMark ?? 1 << 20;
  return new Promise((resolve) => {
    stream.on('data', (chunk: Buffer | string) => {
      if (!send || o.ws.readyState !== o.ws.OPEN) return;
      const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      o.ws.send(encodeFrame(o.protocol, channel, data), () => {
        if (o.ws.bufferedAmount <= limit) stream.resume();
      });
      if (o.ws.bufferedAmount > limit) stream.pause();
    });
    stream.on('end', () => resolve());
    stream.on('error', () => resolve());
  });
}

/** Serves the session on the socket; resolves when both are done. */
export async function serveSession(o: ServeSessionOptions): Promise<void> {
  const { ws, protocol } = o;
  let session: StreamSession | undefined;
  let clientGone = false;
  const gone = new Promise<void>((resolve) =>
    ws.once('close', () => {
      clientGone = true;
      resolve();
    }),
  );
  // Messages that arrive while the session is being opened wait for it.
  const pending: [Buffer, boolean][] = [];
  let resizing: Promise<void> = Promise.resolve();
  const handle = (message: Buffer, isBinary: boolean): void => {
    if (!session) {
      pending.push([message, isBinary]);
      return;
    }
    const frame = decodeFrame(protocol, message, isBinary);
    if (!frame) return;
    const stdin = session.stdin;
    switch (frame.channel) {
      case Channel.Stdin:
        if (stdin && frame.data.length > 0 && !stdin.write(frame.data)) {
          ws.pause();
          stdin.once('drain', () => ws.resume());
        }
        return;
      case Channel.Resize: {
        const size = parseResize(frame.data);
        // One at a time, in order: kubectl attach sends size+1 then the size at once, and two
        // concurrent runtime calls could land the other way round.
        const open = session;
        if (size)
          resizing = resizing
            .then(() => open.resize(size))
            .catch((err: Error) => o.logger.debug({ err: err.message }, 'resize failed'));
        return;
      }
      case Channel.Close:
        if (frame.data[0] === Channel.Stdin) stdin?.end();
        return;
      default:
        return;
    }
  };
  ws.on('message', (data: Buffer, isBinary: boolean) => handle(data, isBinary));
  const finish = (status: ChannelStatus): void => {
    if (ws.readyState !== ws.OPEN) return;
    const payload = errorPayload(protocol, status);
    if (payload.length > 0) ws.send(encodeFrame(protocol, Channel.Error, payload));
    ws.close(1000);
  };
  try {
    session = await o.open();
  } catch (err) {
    finish(failureStatus(err instanceof Error ? err.message : String(err)));
    return;
  }
  const opened = session;
  if (clientGone) {
    await opened.kill();
    return;
  }
  for (const [m, binary] of pending.splice(0)) handle(m, binary);
  const output = Promise.all([
    pump(o, opened.stdout, Channel.Stdout, o.stdout),
    ...(opened.stderr ? [pump(o, opened.stderr, Channel.Stderr, o.stderr)] : []),
  ]);
  const ended = await Promise.race([output.then(() => 'output' as const), gone.then(() => 'client' as const)]);
  if (ended === 'client') {
    await opened.kill();
    return;
  }
  try {
    const result = await opened.done;
    finish(result.exitCode === undefined || !o.command ? exitStatus([], 0) : exitStatus(o.command, result.exitCode));
  } catch (err) {
    finish(failureStatus(err instanceof Error ? err.message : String(err)));
  }
}
