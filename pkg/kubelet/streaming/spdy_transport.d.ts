/** The part of spdy-transport (no published typings) the port-forward tunnel uses. */
declare module 'spdy-transport' {
  import type { Duplex } from 'node:stream';

  /** One SPDY stream (a Node duplex); `headers` are the SYN_STREAM's, names lower-case. */
  export interface SpdyStream extends Duplex {
    readonly id: number;
    readonly headers: Record<string, string | string[] | undefined>;
    respond(status: number, headers: Record<string, string>, callback?: (err?: Error) => void): void;
  }

  /** A SPDY session over one byte stream. */
  export interface SpdyConnection {
    start(version: number): void;
    on(event: 'stream', listener: (stream: SpdyStream) => void): this;
    on(event: 'error' | 'close', listener: (err?: Error) => void): this;
    end(callback?: () => void): void;
    destroyStreams(err?: Error): void;
  }

  export const connection: {
    create(socket: Duplex, options: { protocol: 'spdy'; isServer: boolean; autoSpdy31?: boolean }): SpdyConnection;
  };
}
