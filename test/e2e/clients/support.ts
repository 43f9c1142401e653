/**
 * Support for the client-library tests: a secure apiserver (TLS, x509 client certificates,
 * the test clusters' authorization modes) with an admin kubeconfig the clients load, a tiny
 * JSON HTTP helper (writes and lists on the plain test port that bypass the clients under test)
 * and WatchProxy, a transparent TLS proxy between a client and the apiserver that records
 * every watch it forwards and can hold new watch requests back (so a test can make changes
 * while a client is not watching).
 */
import type http from 'node:http';
import https from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Groups } from '../../../pkg/apiserver/authentication/user';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { clusterAuthorizationModes } from '../../helpers/cluster';
import { adminUser } from '../../helpers/cluster_pki';
import type { TlsIdentity } from '../../helpers/https';
import { writeKubeconfigFile } from '../../helpers/kubeconfig';
import { TestPki, type CertPair } from '../../helpers/pki';

/**
 * A CA, the apiserver's serving certificate and an admin client certificate in a temp dir;
 * `start` runs an apiserver with them (its secure port beside the plain test port);
 * `kubeconfig(server)` is the admin's TLS kubeconfig for `server`.
 */
export class ClientsPki {
  readonly dir = mkdtempSync(path.join(os.tmpdir(), 'kubestore-clients-'));
  readonly pki = new TestPki(path.join(this.dir, 'pki'));
  readonly serving: CertPair = this.pki.serving('kube-apiserver');
  readonly admin: CertPair = this.pki.client('admin', adminUser, [Groups.Masters]);

  /** The admin's TLS identity. */
  get identity(): TlsIdentity {
    return { ca: this.pki.ca, cert: this.admin.cert, key: this.admin.key };
  }

  /** Starts (or, given the `prefix` and ports of a stopped one, restarts) a secure apiserver. */
  start(o: { prefix?: string; port?: number; securePort?: number } = {}): Promise<TestApiServer> {
    return startApiServer({
      ...(o.prefix ? { prefix: o.prefix } : {}),
      ...(o.port ? { port: o.port } : {}),
      config: {
        secure: { port: o.securePort ?? 0, cert: this.serving.cert, key: this.serving.key, clientCA: this.pki.ca },
        authorizationModes: clusterAuthorizationModes,
      },
    });
  }

  /** Writes the admin's kubeconfig for `server` (https, the CA and the client certificate embedded). */
  kubeconfig(server: string): string {
    const file = path.join(this.dir, 'kubeconfig');
    writeKubeconfigFile(file, { server, user: adminUser, ca: this.pki.ca, cert: this.admin.cert, key: this.admin.key });
    return file;
  }

  /** Removes the temp dir. */
  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** An object as the tests see it (only metadata is looked at). */
export interface Obj {
  kind?: string;
  metadata: { name?: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string> };
  items?: Obj[];
}

/** One JSON request to `base` + `p`; throws on a non-2xx answer. */
export async function kube<T = Obj>(
  base: string,
  method: string,
  p: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<T> {
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
    spec: {
      storageClassName: 'hostPath',
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '100Mi' } },
    },
  };
}

export const pvcPath = (ns: string, name = ''): string =>
  `/api/v1/namespaces/${ns}/persistentvolumeclaims${name ? `/${name}` : ''}`;

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
 * A transparent TLS proxy to the https `target`: it serves with `pki`'s apiserver certificate,
 * admits only clients presenting a certificate of its CA, and forwards every request as is with
 * the admin's certificate (the client's TLS session ends at the proxy). Watch requests
 * (`watch=true`) are recorded with the event lines the apiserver streamed back. While paused,
 * new watch requests are held (not forwarded) until `resume()`; other requests pass.
 */
export class WatchProxy {
  readonly watches: ProxiedWatch[] = [];
  private readonly server: https.Server;
  private readonly agent: https.Agent;
  private paused = false;
  private held: Array<() => void> = [];

  constructor(
    public target: string,
    pki: ClientsPki,
  ) {
    this.server = https.createServer(
      { cert: pki.serving.cert, key: pki.serving.key, ca: pki.pki.ca, requestCert: true, rejectUnauthorized: true },
      (req, res) => this.handle(req, res),
    );
    this.agent = new https.Agent({ ...pki.identity, keepAlive: true });
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
  }

  get url(): string {
    return `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
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
    this.agent.destroy();
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
    const record: ProxiedWatch | undefined = isWatch
      ? { path: url.pathname, query: url.searchParams, events: [] }
      : undefined;
    if (record) this.watches.push(record);
    const up = https.request({
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: target.host },
      agent: this.agent,
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
