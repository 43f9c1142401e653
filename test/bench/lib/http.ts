/**
 * A minimal HTTP/JSON client for the benchmarks (node:http, or node:https with a client
 * certificate, over a keep-alive agent, so the measured cost is the server's, not connection
 * setup), and a line-by-line watch reader.
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeObject, ObjectList } from '../../../pkg/api/meta';
import { wallMs } from './stats';

/** A decoded response. */
export interface JsonResponse<T> {
  status: number;
  body: T;
}

/** An error for a non-2xx answer, carrying the status and body. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

/** Whom an https client trusts and who it is (PEM). */
export interface ClientTls {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

/** JSON requests to one server over a keep-alive agent (https: with `tls`'s CA and client certificate). */
export class JsonClient {
  readonly agent: http.Agent;
  private readonly base: URL;
  private readonly send: typeof http.request;

  constructor(server: string, maxSockets = 64, tls?: ClientTls) {
    this.base = new URL(server);
    const pool = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets };
    if (this.base.protocol === 'https:') {
      if (!tls) throw new Error(`${server}: an https server needs the client's TLS settings`);
      this.agent = new https.Agent({ ...pool, ca: tls.ca, cert: tls.cert, key: tls.key });
      this.send = https.request;
    } else {
      this.agent = new http.Agent(pool);
      this.send = http.request;
    }
  }

  /** Sends a request; `body` may be pre-serialized JSON. Resolves with any status. */
  raw<T>(method: string, path: string, body?: string | object): Promise<JsonResponse<T>> {
    const payload =
      body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = this.send(
        {
          hostname: this.base.hostname,
          port: this.base.port,
          path,
          method,
          agent: this.agent,
          headers: {
            Accept: 'application/json',
            ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON
            }
            resolve({ status: res.statusCode ?? 0, body: parsed as T });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Sends a request and returns the body; non-2xx is an HttpError. */
  async json<T>(method: string, path: string, body?: string | object): Promise<T> {
    const res = await this.raw<T>(method, path, body);
    if (res.status < 200 || res.status >= 300)
      throw new HttpError(res.status, JSON.stringify(res.body), `${method} ${path}`);
    return res.body;
  }

  /** POST, expecting 201 (or 200). */
  create<T extends KubeObject>(path: string, obj: string | object): Promise<T> {
    return this.json<T>('POST', path, obj);
  }

  /** GET a list. */
  list<T extends KubeObject>(path: string): Promise<ObjectList<T>> {
    return this.json<ObjectList<T>>('GET', path);
  }

  close(): void {
    this.agent.destroy();
  }
}

/** One watch event as received. */
export interface WatchEvent {
  type: string;
  object: KubeObject & { status?: { phase?: string }; code?: number };
}

/** An open watch. */
export interface WatchHandle {
  /** Resolves when the server ends the stream (or it errors, or `close` is called). */
  ended: Promise<void>;
  close(): void;
}

/**
 * Opens `path` (which must carry `watch=true`) and calls `onEvent` for every line, with the
 * wall-clock time the line was parsed. Resolves once the server answered 200; rejects otherwise.
 * Lines are parsed as they arrive (a chunk may carry several, or part of one).
 */
export function openWatch(
  server: string,
  path: string,
  onEvent: (ev: WatchEvent, atMs: number) => void,
  agent?: http.Agent,
): Promise<WatchHandle> {
  const base = new URL(server);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        hostname: base.hostname,
        port: base.port,
        path,
        method: 'GET',
        agent: agent ?? false,
        headers: { Accept: 'application/json' },
      },
      (res) => {
        if (res.statusCode !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            reject(new HttpError(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), `watch ${path}`)),
          );
          return;
        }
        res.setEncoding('utf8');
        let buf = '';
        const ended = new Promise<void>((done) => {
          res.on('data', (chunk: string) => {
            const at = wallMs();
            buf += chunk;
            let nl = buf.indexOf('\n');
            while (nl >= 0) {
              const lineText = buf.slice(0, nl);
              buf = buf.slice(nl + 1);
              if (lineText.trim()) onEvent(JSON.parse(lineText) as WatchEvent, at);
              nl = buf.indexOf('\n');
            }
          });
          res.on('end', () => done());
          res.on('close', () => done());
          res.on('error', () => done());
        });
        resolve({ ended, close: () => req.destroy() });
      },
    );
    req.on('error', reject);
    req.end();
  });
}
