/**
 * The kubelet's HTTP server: /healthz, /metrics, and container logs at
 * /containerLogs/{namespace}/{pod}/{container}?tailLines=&follow=&previous=&timestamps=
 * (the apiserver proxies pods/log here).
 */
import Router from '@koa/router';
import Koa from 'koa';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Pod } from '../api/core/v1';
import type { DeepReadonly } from '../informer/readonly';
import { badRequest, notFound, StatusError } from '../api/errors';
import { statusErrors } from '../apiserver/errors';
import type { Registry } from '../metrics/registry';
import { containerAttempt, ContainerLabel, type ContainerRuntime } from './runtime/interface';

/** Options of the kubelet server. */
export interface KubeletServerOptions {
  address: string;
  port: number;
  runtime: ContainerRuntime;
  /** Looks a pod up in the kubelet's cache by namespace/name. */
  pod(namespace: string, name: string): DeepReadonly<Pod> | undefined;
  healthy(): boolean;
  metrics: Registry;
  logger: Logger;
}

function intQuery(v: unknown, name: string): number | undefined {
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string' || !/^\d+$/.test(v)) throw badRequest(`invalid ${name}: ${String(v)}`);
  return Number(v);
}

/** Starts the server; resolves with a stop function and the bound port. */
export async function startKubeletServer(o: KubeletServerOptions): Promise<{ port: number; stop(): Promise<void> }> {
  const app = new Koa();
  const router = new Router();
  app.use(statusErrors(o.logger));
  // Replaces Koa's default handler, which prints stack traces to stderr; a client that goes
  // away mid-stream (`kubectl logs -f` interrupted) is normal, not an error.
  app.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ERR_STREAM_PREMATURE_CLOSE') o.logger.warn({ err: err.message }, 'kubelet server error');
  });
  router.get('/healthz', (ctx) => {
    ctx.type = 'text/plain';
    if (!o.healthy()) ctx.status = 503;
    ctx.body = o.healthy() ? 'ok' : 'not ready';
  });
  router.get('/metrics', (ctx) => {
    ctx.type = 'text/plain; version=0.0.4';
    ctx.body = o.metrics.render();
  });
  router.get('/containerLogs/:ns/:pod/:container', async (ctx) => {
    const { ns = '', pod: podName = '', container = '' } = ctx.params;
    const pod = o.pod(ns, podName);
    if (!pod) throw notFound({ resource: 'pods' }, podName);
    if (!pod.spec.containers.some((c) => c.name === container)) throw badRequest(`container ${container} is not valid for pod ${podName}`);
    const all = (await o.runtime.listContainers({ podUid: pod.metadata.uid ?? '' }))
      .filter((c) => c.labels[ContainerLabel.ContainerName] === container)
      .sort((a, b) => containerAttempt(a) - containerAttempt(b));
    const previous = ctx.query.previous === 'true';
    const target = previous ? all[all.length - 2] : all[all.length - 1];
    if (!target) {
      throw new StatusError(400, 'BadRequest', previous ? `previous terminated container "${container}" in pod "${podName}" not found` : `container "${container}" in pod "${podName}" is waiting to start: ContainerCreating`);
    }
    const ac = new AbortController();
    ctx.req.on('close', () => ac.abort());
    const tailLines = intQuery(ctx.query.tailLines, 'tailLines');
    const sinceSeconds = intQuery(ctx.query.sinceSeconds, 'sinceSeconds');
    const stream = await o.runtime.containerLogs(target.id, {
      follow: ctx.query.follow === 'true',
      timestamps: ctx.query.timestamps === 'true',
      signal: ac.signal,
      ...(tailLines !== undefined ? { tailLines } : {}),
      ...(sinceSeconds !== undefined ? { sinceSeconds } : {}),
    });
    ctx.type = 'text/plain';
    ctx.body = stream;
  });
  app.use(router.routes());
  const server = await new Promise<ReturnType<Koa['listen']>>((resolve, reject) => {
    const s = app.listen(o.port, o.address, () => resolve(s));
    s.once('error', reject);
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
