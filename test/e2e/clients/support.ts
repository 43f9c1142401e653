/**
 * Support for the client-library tests: a kubeconfig file for a server URL, a tiny JSON HTTP
 * helper (writes and lists that bypass the clients under test) and WatchProxy, a transparent
 * HTTP proxy between a client and the apiserver that records every watch it forwards and can
 * hold new watch requests back (so a test can make changes while a client is not watching).
 */
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A temporary directory holding a kubeconfig for `server`; `cleanup` removes it. */
export function writeKubeconfig(server: string): { file: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kubestore-clients-'));
  const file = path.join(dir, 'kubeconfig');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: kubestore',
      '  cluster:',
      `    server: ${server}`,
      // client-node 1.x refuses a plain-http server unless TLS verification is off for it.
      '    insecure-skip-tls-verify: true',
      'users:',
      '- name: kubestore-admin',
      '  user: {}',
      'contexts:',
      '- name: kubestore',
      '  context:',
      '    cluster: kubestore',
      '    user: kubestore-admin',
      '    namespace: default',
      'current-context: kubestore',
      '',
    ].join('\n'),
  );
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** An object as the tests see it (only metadata is looked at). */
export interface Obj {
  kind?: string;
  metadata: { name?: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string> };
  items?: Obj[];
}

/** One JSON request to `base` + `p`; throws on a non-2xx answer. */
export async function kube<T = Obj>(base: string, method: string, p: string, body?: unknown, contentType = 'application/json'): Promise<T> {
  const res = await fetch(base + p, {
    method,
    headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': contentType } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${p}: HTTP ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** A PVC manifest. */
export function pvc(name: string, labels: Record<string, string> = {}): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, labels },
    spec: { storageClassName: 'hostPath', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '100Mi' } } },
  };
}

export const pvcPath = (ns: string, name = ''): string => `/api/v1/namespaces/${ns}/persistentvolumeclaims${name ? `/${name}` : ''}`;

/** Creates a namespace through `base`. */
export async function createNamespace(base: string, ns: string): Promise<void> {
  await kube(base, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
}

/** One watch event line as sent by the apiserver. */
export interface WatchLine {
  type: string;
  object: Obj & { code?: number; reason?: string; message?: string };
}

/** A watch request the proxy forwarded, and what came back. */
export interface ProxiedWatch {
  path: string;
  query: URLSearchParams;
  /** HTTP status from the apiserver (undefined until it answered). */
  status?: number;
  events: WatchLine[];
  /** 'server': the apiserver ended the stream; 'client': the client went away first. */
  endedBy?: 'server' | 'client' | 'error';
}

/**
 * A transparent HTTP proxy to `target`. Every request is forwarded as is; watch requests
 * (`watch=true`) are recorded with the event lines the apiserver streamed back. While paused,
 * new watch requests are held (not forwarded) until `resume()`; other requests pass.
 */
export class WatchProxy {
  readonly watches: ProxiedWatch[] = [];
  private readonly server: http.Server;
  private paused = false;
  private held: Array<() => void> = [];

  constructor(public target: string) {
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Watch requests waiting for `resume()`. */
  get heldCount(): number {
    return this.held.length;
  }

  /** Holds new watch requests until `resume()`. */
  pause(): void {
    this.paused = true;
  }

  /** Forwards the held watch requests and lets new ones through. */
  resume(): void {
    this.paused = false;
    const held = this.held;
    this.held = [];
    held.forEach((forward) => forward());
  }

  /** The recorded watches of one collection path (e.g. a namespace's PVCs). */
  watchesOf(p: string): ProxiedWatch[] {
    return this.watches.filter((w) => w.path === p);
  }

  async stop(): Promise<void> {
    this.resume();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const w = url.searchParams.get('watch'); // as Kubernetes reads it: the Python client sends `True`
    const isWatch = w !== null && w !== '0' && w.toLowerCase() !== 'false';
    const forward = (): void => this.forward(req, res, url, isWatch);
    if (isWatch && this.paused) this.held.push(forward);
    else forward();
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse, url: URL, isWatch: boolean): void {
    const target = new URL(this.target);
    const record: ProxiedWatch | undefined = isWatch ? { path: url.pathname, query: url.searchParams, events: [] } : undefined;
    if (record) this.watches.push(record);
    const up = http.request({
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: target.host },
    });
    let clientGone = false;
    res.on('close', () => {
      if (!res.writableFinished) {
        clientGone = true;
        if (record && !record.endedBy) record.endedBy = 'client';
        up.destroy();
      }
    });
    up.on('response', (upRes) => {
      if (record) record.status = upRes.statusCode;
      res.writeHead(upRes.statusCode ?? 502, upRes.headers);
      res.flushHeaders(); // a watch answers its headers before any event
      let partial = '';
      upRes.on('data', (chunk: Buffer) => {
        if (record) {
          const lines = (partial + chunk.toString('utf8')).split('\n');
          partial = lines.pop() ?? '';
          for (const l of lines) if (l.trim()) record.events.push(JSON.parse(l) as WatchLine);
        }
        res.write(chunk);
      });
      upRes.on('end', () => {
        if (record && !record.endedBy) record.endedBy = 'server';
        res.end();
      });
      upRes.on('aborted', () => {
        if (record && !record.endedBy) record.endedBy = 'error';
        res.destroy();
      });
    });
    up.on('error', (err) => {
      if (clientGone) return;
      if (record && !record.endedBy) record.endedBy = 'error';
      if (res.headersSent) res.destroy();
      else {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`proxy: ${err.message}`);
      }
    });
    req.pipe(up);
  }
}

/** The names of objects, sorted. */
export const names = (objs: Obj[]): string[] => objs.map((o) => o.metadata.name ?? '').sort();

/** name → resourceVersion of objects. */
export function versions(objs: Obj[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of objs) out[o.metadata.name ?? ''] = o.metadata.resourceVersion ?? '';
  return out;
}
