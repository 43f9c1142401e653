/**
 * Memory bounds of a SPDY tunnel session that spdy-transport does not enforce itself:
 *
 * - a header block (SYN_STREAM, HEADERS) is zlib-compressed and spdy-transport inflates it
 *   whole, so a few hundred KiB on the wire can inflate to gigabytes (a zlib bomb): past
 *   `maxHeaderBlockBytes` inflated, inflation stops and the tunnel is closed;
 * - spdy-transport never checks that a peer stays within the receive window it advertised
 *   (client-go's spdystream ignores windows anyway), so DATA for a stream nothing reads (its
 *   pod connection not reading) would be buffered without end: once a stream holds more than
 *   `maxBufferedStreamBytes` unread, the tunnel stops reading its WebSocket until that stream
 *   is read again or closes. That is upstream's behaviour too: spdystream's frame loop blocks
 *   on a stream's full data channel, so one slow stream holds back the whole connection;
 * - what the session writes back (PING answers above all: a client that sends PINGs and reads
 *   nothing would have every answer queued) is bounded the same way: while more than
 *   `maxBufferedStreamBytes` wait to be sent, the tunnel stops reading until they drain.
 */
import type { Readable, Writable } from 'node:stream';
import type { SpdyStream } from 'spdy-transport';

/** The most bytes one header block may inflate to (client-go's headers are a few dozen bytes). */
export const maxHeaderBlockBytes = 256 * 1024;
/** The most unread bytes one stream holds before the tunnel stops reading its WebSocket. */
export const maxBufferedStreamBytes = 1024 * 1024;

/** The parser fields patched here (spdy-transport's SPDY parser, one session's instance). */
export interface PatchableParser {
  parseKVs(buffer: unknown, callback: (err: Error | null, headers?: Record<string, unknown>) => void): void;
  /** The header inflater (a LockStream around zlib's Inflate), set once the version is. */
  decompress?: { stream?: Readable };
  /** The parser's Transform step: `done` is what lets the socket feed it the next chunk. */
  _transform(chunk: unknown, encoding: string, done: (err?: Error | null) => void): void;
}

/**
 * Caps what each header block of `parser`'s session inflates to: past `limit` bytes the
 * inflater is paused for good (the block never completes, so nothing more is parsed) and
 * `onExceeded` is called to close the tunnel.
 */
export function limitHeaderBlocks(parser: PatchableParser, limit: number, onExceeded: () => void): void {
  const parseKVs = parser.parseKVs.bind(parser);
  let counted: Readable | undefined;
  let inflated = 0;
  let exceeded = false;
  parser.parseKVs = (buffer, callback) => {
    const inflate = parser.decompress?.stream;
    if (inflate && inflate !== counted) {
      counted = inflate;
      inflate.on('data', (chunk: Buffer) => {
        inflated += chunk.length;
        if (inflated <= limit || exceeded) return;
        exceeded = true;
        inflate.pause();
        onExceeded();
      });
    }
    // Header blocks are parsed one at a time: the parser waits for this callback.
    inflated = 0;
    if (!exceeded) parseKVs(buffer, callback);
  };
}

/** What a session has queued to send: its framer's output (piped into the socket) and the socket's. */
export interface SendQueue {
  framer: Readable;
  socket: Writable;
}

/**
 * Holds `parser` back (its socket then fills and stops reading the WebSocket, down to TCP)
 * while any stream given to `watch` holds more than `limit` unread bytes, or more than `limit`
 * bytes wait in the session's send queue: the parser is told a chunk is done only once neither
 * is that full.
 */
export class StreamBackpressure {
  private readonly full = new Set<SpdyStream>();
  private waiting: (() => void)[] = [];

  constructor(
    parser: PatchableParser,
    private readonly limit: number,
    private readonly sending: SendQueue,
  ) {
    const transform = parser._transform.bind(parser);
    parser._transform = (chunk, encoding, done) => transform(chunk, encoding, (err) => this.whenClear(() => done(err)));
    // The framer's output moves on as the socket drains: each chunk it hands on may free room.
    sending.framer.on('data', () => {
      if (this.waiting.length > 0 && !this.sendQueueFull) this.release();
    });
  }

  /** Counts `stream`'s unread bytes from now on (until it closes). */
  watch(stream: SpdyStream): void {
    const s = stream as unknown as { push(chunk: unknown): boolean; _read(size: number): void };
    const push = s.push.bind(s);
    const read = s._read.bind(s);
    s.push = (chunk) => {
      const more = push(chunk);
      if (stream.readableLength > this.limit) this.full.add(stream);
      return more;
    };
    s._read = (size) => {
      this.clear(stream);
      read(size);
    };
    stream.once('close', () => this.clear(stream));
  }

  private get sendQueueFull(): boolean {
    return this.sending.framer.readableLength + this.sending.socket.writableLength > this.limit;
  }

  private whenClear(go: () => void): void {
    if (this.full.size === 0 && !this.sendQueueFull) go();
    else this.waiting.push(go);
  }

  private clear(stream: SpdyStream): void {
    if (this.full.delete(stream)) this.release();
  }

  private release(): void {
    if (this.full.size > 0 || this.sendQueueFull) return;
    const waiting = this.waiting;
    this.waiting = [];
    for (const go of waiting) go();
  }
}
