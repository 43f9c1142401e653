/** The part of spdy-transport (no published typings) the port-forward tunnel uses. */
declare module 'spdy-transport' {
  import type { Duplex } from 'node:stream';

  /** One SPDY stream (a Node duplex); `headers` are the SYN_STREAM's, names lower-case. */
  export interface SpdyStream extends Duplex {
    readonly id: number;
    readonly headers: Record<string, string | string[] | undefined>;
    respond(status: number, headers: Record<string, string>, callback?: (err?: Error) => void): void;
    /** Resets the stream (RST_STREAM with `code`, default CANCEL). */
    abort(code?: 'REFUSED_STREAM' | 'CANCEL', callback?: (err?: Error | null) => void): void;
  }

  /** A SPDY session over one byte stream. */
  export interface SpdyConnection {
    start(version: number): void;
    on(event: 'stream', listener: (stream: SpdyStream) => void): this;
    on(event: 'error' | 'close', listener: (err?: Error) => void): this;
    end(callback?: () => void): void;
    destroyStreams(err?: Error): void;
    /** Sends a PING; the callback runs when its answer came back. */
    ping(callback?: () => void): void;
    /** Opens a stream (the client side); the callback runs once its SYN_STREAM is sent. */
    request(
      uri: { method: string; path: string; headers: Record<string, string> },
      callback?: (err: Error | null, stream: SpdyStream) => void,
    ): SpdyStream;
  }

  export const connection: {
    create(socket: Duplex, options: { protocol: 'spdy'; isServer: boolean; autoSpdy31?: boolean }): SpdyConnection;
  };
}
