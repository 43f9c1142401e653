/**
 * The HTTP layer of the client: JSON requests with client-side rate limiting and timeouts,
 * Status bodies turned into StatusErrors, and streaming GETs for watches and logs.
 */
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { StatusError } from '../api/errors';
import { StatusReason, type Status } from '../api/meta';
import type { ClientConfig } from './config';
import { TokenBucket } from './token_bucket';

/** Query parameters; undefined values are dropped. */
export type Query = Record<string, string | number | boolean | undefined>;

/** One request. */
export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Content-Type of the body (default application/json). */
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

function queryString(q: Query | undefined): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q ?? {}))
    if (v !== undefined && v !== '') parts.push(`${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

function isStatus(v: unknown): v is Status {
  return (
    typeof v === 'object' &&
    v !== null &&
    (v as { kind?: unknown }).kind === 'Status' &&
    typeof (v as { code?: unknown }).code === 'number'
  );
}

/** Builds the StatusError for a failed response body. */
export function errorFromResponse(code: number, body: string): StatusError {
  try {
    const v: unknown = JSON.parse(body);
    if (isStatus(v)) return StatusError.fromStatus(v);
  } catch {
    // not JSON: fall through
  }
  const reason =
    code === 404
      ? StatusReason.NotFound
      : code === 409
        ? StatusReason.Conflict
        : code >= 500
          ? StatusReason.InternalError
          : StatusReason.Unknown;
  return new StatusError(code, reason, `the server responded with ${code}: ${body.slice(0, 200)}`);
}

/** Low-level client for one apiserver. */
export class RestClient {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly transport: typeof http.request;
  private readonly limiter: TokenBucket;
  private readonly timeoutMs: number;

  constructor(readonly config: ClientConfig) {
    this.base = new URL(config.server);
    if (this.base.protocol === 'https:') {
      const tls = config.tls ?? {};
      // rejectUnauthorized stays on unless the kubeconfig says insecure-skip-tls-verify.
      this.agent = new https.Agent({
        keepAlive: true,
        maxSockets: 64,
        rejectUnauthorized: !tls.insecureSkipVerify,
        ...(tls.ca ? { ca: tls.ca } : {}),
        ...(tls.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}),
        ...(tls.serverName ? { servername: tls.serverName } : {}),
      });
      this.transport = https.request;
    } else if (this.base.protocol === 'http:') {
      this.agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
      this.transport = http.request;
    } else throw new Error(`unsupported apiserver URL ${config.server}: use http:// or https://`);
    this.limiter = new TokenBucket(config.qps ?? 50, config.burst ?? 100);
    this.timeoutMs = config.timeoutMs ?? 30_000;
  }

  private headers(o: RequestOptions, body?: Buffer): http.OutgoingHttpHeaders {
    return {
      Accept: o.accept ?? 'application/json',
      'User-Agent': this.config.userAgent ?? 'kubestore-client',
      ...(this.config.bearerToken ? { Authorization: `Bearer ${this.config.bearerToken}` } : {}),
      ...(body ? { 'Content-Type': o.contentType ?? 'application/json', 'Content-Length': body.length } : {}),
    };
  }

  private open(
    method: string,
    path: string,
    o: RequestOptions,
    body: Buffer | undefined,
    timeoutMs: number,
  ): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      let response: IncomingMessage | undefined;
      const req = this.transport(
        {
          protocol: this.base.protocol,
          hostname: this.base.hostname,
          port: this.base.port,
          path: `${path}${queryString(o.query)}`,
          method,
          agent: this.agent,
          headers: this.headers(o, body),
          ...(o.signal ? { signal: o.signal } : {}),
        },
        (res) => {
          response = res;
          resolve(res);
        },
      );
      if (timeoutMs > 0) {
        // A deadline for the whole exchange, body included (a socket idle timeout would let a
        // server that trickles bytes hold the caller forever).
        const timer = setTimeout(() => {
          const err = new StatusError(504, StatusReason.Timeout, `request to ${path} timed out after ${timeoutMs} ms`);
          if (response) response.destroy(err);
          else req.destroy(err);
        }, timeoutMs);
        req.once('close', () => clearTimeout(timer));
      }
      req.on('error', (err) =>
        reject(
          err instanceof StatusError
            ? err
            : new StatusError(503, StatusReason.ServiceUnavailable, `${method} ${path}: ${err.message}`),
        ),
      );
      req.end(body);
    });
  }

  /** Sends a request and returns the decoded JSON response; failures are StatusErrors. */
  async request<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    await this.limiter.take();
    const body =
      o.body === undefined ? undefined : Buffer.from(typeof o.body === 'string' ? o.body : JSON.stringify(o.body));
    const res = await this.open(method, path, o, body, o.timeoutMs ?? this.timeoutMs);
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const code = res.statusCode ?? 0;
    if (code < 200 || code >= 300) throw errorFromResponse(code, text);
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** Opens a streaming GET (watch, logs). Non-2xx answers are StatusErrors. */
  async stream(path: string, o: RequestOptions = {}): Promise<IncomingMessage> {
    await this.limiter.take();
    const res = await this.open('GET', path, o, undefined, 0);
    const code = res.statusCode ?? 0;
    if (code < 200 || code >= 300) {
      const chunks: Buffer[] = [];
      for await (const c of res) chunks.push(c as Buffer);
      throw errorFromResponse(code, Buffer.concat(chunks).toString('utf8'));
    }
    return res;
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.agent.destroy();
  }
}
