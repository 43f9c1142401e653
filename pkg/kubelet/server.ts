/**
 * The kubelet's server: /healthz, /metrics, /stats/summary (volume stats), and container logs at
 * /containerLogs/{namespace}/{pod}/{container}?tailLines=&follow=&previous=&timestamps=
 * (the apiserver proxies pods/log here), and /exec, /attach (WebSocket streams; see streaming/).
 *
 * With a serving certificate (--tls-cert-file) it is HTTPS and every request but /healthz is
 * authenticated (401) and authorized as nodes/{log,metrics,stats,proxy} (403), see auth/. Without one
 * it is plain HTTP with neither: a test mode, for loopback addresses only (cmd/kubelet checks).
 */
import Router from '@koa/router';
import Koa, { type Context, type Next } from 'koa';
import { createServer } from 'node:http';
import { createServer as createSecureServer } from 'node:https';
import { constants as cryptoConstants } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Pod } from '../api/core/v1';
import type { DeepReadonly } from '../util/immutable/deep_readonly';
import { badRequest, notFound, StatusError } from '../api/errors';
import { statusErrors } from '../apiserver/errors';
import { forbiddenError } from '../apiserver/authorization/request_attributes';
import type { KubeletAuthenticator } from './auth/authentication';
import { kubeletAttributes, openKubeletPaths, type KubeletAuthorizer } from './auth/authorization';
import type { Registry } from '../metrics/registry';
import { containerAttempt, ContainerLabel, type ContainerRuntime } from './runtime/interface';
import { registerStreaming } from './streaming/handlers';
import { routeUpgrades } from '../util/httpupgrade/upgrade';

/** Options of the kubelet server. */
export interface KubeletServerOptions {
  address: string;
  port: number;
  runtime: ContainerRuntime;
  /** Looks a pod up in the kubelet's cache by namespace/name. */
  pod(namespace: string, name: string): DeepReadonly<Pod> | undefined;
  healthy(): boolean;
  metrics: Registry;
  /** The /stats/summary document (stats/v1alpha1 Summary; volumes only); absent: 404. */
  summary?(): unknown;
  logger: Logger;
  /** HTTPS (undefined: the plain-HTTP test mode, without authentication or authorization). */
  tls?: KubeletTls;
  /** --streaming-connection-idle-timeout of exec, attach and port-forward (default 4h; 0: never). */
  streamingIdleTimeoutMs?: number;
}

/** The secure kubelet server: serving certificate, client CA, and who may do what. */
export interface KubeletTls {
  /** PEM serving certificate (chain) and key (--tls-cert-file, --tls-private-key-file). */
  cert: Buffer;
  key: Buffer;
  /** PEM CA bundle of client certificates (--client-ca-file). */
  clientCA?: Buffer;
  /** Authentication and authorization of every request but /healthz. */
  auth: { nodeName: string; authenticator: KubeletAuthenticator; authorizer: KubeletAuthorizer };
}

/** Middleware: authenticates (401) and authorizes (403) the request as an access to this node. */
function authFilter(auth: KubeletTls['auth']) {
  return async (ctx: Context, next: Next): Promise<void> => {
    if (!openKubeletPaths.includes(ctx.path)) {
      const user = await auth.authenticator.authenticate(ctx.req);
      const attrs = kubeletAttributes(user, auth.nodeName, ctx.method, ctx.path);
      const decision = await auth.authorizer.authorize(attrs);
      if (!decision.allowed) throw forbiddenError(attrs, decision.reason);
    }
    delete ctx.req.headers.authorization;
    await next();
  };
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
  if (o.tls) app.use(authFilter(o.tls.auth));
  router.get('/healthz', (ctx) => {
    ctx.type = 'text/plain';
    if (!o.healthy()) ctx.status = 503;
    ctx.body = o.healthy() ? 'ok' : 'not ready';
  });
  router.get('/metrics', (ctx) => {
    ctx.type = 'text/plain; version=0.0.4';
    ctx.body = o.metrics.render();
  });
  const summary = o.summary;
  if (summary)
    router.get('/stats/summary', (ctx) => {
      ctx.type = 'application/json';
      ctx.body = JSON.stringify(summary());
    });
  router.get('/containerLogs/:ns/:pod/:container', async (ctx) => {
    const { ns = '', pod: podName = '', container = '' } = ctx.params;
    const pod = o.pod(ns, podName);
    if (!pod) throw notFound({ resource: 'pods' }, podName);
    if (!pod.spec.containers.some((c) => c.name === container))
      throw badRequest(`container ${container} is not valid for pod ${podName}`);
    const all = (await o.runtime.listContainers({ podUid: pod.metadata.uid ?? '' }))
      .filter((c) => c.labels[ContainerLabel.ContainerName] === container)
      .sort((a, b) => containerAttempt(a) - containerAttempt(b));
    const previous = ctx.query.previous === 'true';
    const target = previous ? all[all.length - 2] : all[all.length - 1];
    if (!target) {
      throw new StatusError(
        400,
        'BadRequest',
        previous
          ? `previous terminated container "${container}" in pod "${podName}" not found`
          : `container "${container}" in pod "${podName}" is waiting to start: ContainerCreating`,
      );
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
  registerStreaming(router, {
    runtime: o.runtime,
    pod: o.pod,
    logger: o.logger,
    ...(o.streamingIdleTimeoutMs !== undefined ? { idleTimeoutMs: o.streamingIdleTimeoutMs } : {}),
  });
  app.use(router.routes());
  let closeUpgraded = (): void => undefined;
  const server = await new Promise<ReturnType<Koa['listen']>>((resolve, reject) => {
    const s = o.tls
      ? createSecureServer(
          {
            cert: o.tls.cert,
            key: o.tls.key,
            minVersion: 'TLSv1.2',
            // Ask for a client certificate; the auth filter decides between x509, token, anonymous and 401.
            ...(o.tls.clientCA ? { ca: o.tls.clientCA, requestCert: true, rejectUnauthorized: false } : {}),
            secureOptions: cryptoConstants.SSL_OP_NO_TICKET,
          },
          app.callback(),
        )
      : createServer(app.callback());
    closeUpgraded = routeUpgrades(s, app.callback());
    s.once('error', reject);
    s.listen(o.port, o.address, () => resolve(s));
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        closeUpgraded();
      }),
  };
}
