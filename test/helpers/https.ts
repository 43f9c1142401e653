/** Raw HTTPS requests for auth tests: a CA to trust, an optional client certificate, any headers. */
import type { IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

/** Who is asking, and whom to trust. */
export interface TlsIdentity {
  ca: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** A response: status and the decoded JSON (or text) body. */
export interface TlsResponse<T = Record<string, unknown>> {
  status: number;
  headers: IncomingHttpHeaders;
  body: T;
  text: string;
}

/** Sends one request over TLS (a fresh connection each time: no session reuse between identities). */
export function tlsRequest<T = Record<string, unknown>>(
  base: string,
  id: TlsIdentity,
  method: string,
  path: string,
  o: { body?: unknown; headers?: Record<string, string | string[]> } = {},
): Promise<TlsResponse<T>> {
  const url = new URL(path, base);
  const payload =
    o.body === undefined
      ? undefined
      : Buffer.isBuffer(o.body)
        ? o.body
        : Buffer.from(typeof o.body === 'string' ? o.body : JSON.stringify(o.body));
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        hostname: url.hostname,
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method,
        ca: id.ca,
        ...(id.cert && id.key ? { cert: id.cert, key: id.key } : {}),
        agent: false,
        headers: {
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
          ...o.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: body as T, text });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}
