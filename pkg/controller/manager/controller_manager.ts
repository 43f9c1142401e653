/**
 * kube-controller-manager: builds the shared informers the selected controllers declare, then —
 * while it holds the `kube-system/kube-controller-manager` Lease (or always, without leader
 * election) — starts those controllers from the descriptor table (controllers.ts) and runs them.
 * Serves /healthz and /metrics.
 */
import Koa from 'koa';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { Clientset } from '../../client/clientset';
import { EventBroadcaster } from '../../client/record/broadcaster';
import { SharedInformerFactory } from '../../informer/factory';
import { Registry } from '../../metrics/registry';
import { LeaderElector } from '../leaderelection/leader_elector';
import { ControllerMetrics } from '../../util/reconcile/runner';
import { lexicallyWithin } from '../../util/fsroots/roots';
import type { ControllerManagerConfig } from './config';
import { controllerDescriptors } from './controllers';
import type { ControllerContext, ControllerDescriptor, RunnableController } from './descriptor';

/**
 * Why a record directory is unsafe: inside a volume root (a pod or a hostPath PV could write
 * records there) or a root inside it. Undefined when it is fine.
 */
export function recordDirProblem(recordDir: string, roots: readonly string[]): string | undefined {
  const bad = roots.find((r) => lexicallyWithin(recordDir, r, false) || lexicallyWithin(r, recordDir, false));
  return bad ? `must not be inside or contain the volume root ${bad}: pods could write records there` : undefined;
}

/** Every controller this binary runs, in start order. */
export const knownControllers: readonly string[] = controllerDescriptors.map((d) => d.name);

/**
 * Resolves a --controllers value against a descriptor table (default: this binary's) to the
 * selected descriptors, in table order; throws on an unknown name.
 */
export function selectDescriptors(
  spec: string,
  table: readonly ControllerDescriptor[] = controllerDescriptors,
): ControllerDescriptor[] {
  const parts = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const known = table.map((d) => d.name);
  for (const p of parts) {
    const name = p.replace(/^-/, '');
    if (name !== '*' && !known.includes(name))
      throw new Error(`unknown controller "${name}" (known: ${known.join(', ')})`);
  }
  const all = parts.includes('*');
  return table.filter((d) => !parts.includes(`-${d.name}`) && (all || parts.includes(d.name)));
}

/** Resolves a --controllers value to the selected names, in start order; throws on an unknown name. */
export function selectControllers(spec: string): string[] {
  return selectDescriptors(spec).map((d) => d.name);
}

/** Adds the indexes and makes the informers the given controllers declare (before the factory starts). */
export function prepareInformers(factory: SharedInformerFactory, selected: readonly ControllerDescriptor[]): void {
  for (const d of selected) d.indexes?.(factory);
  for (const d of selected) for (const informer of d.informers) factory[informer]();
}

/**
 * Waits for the caches of the (started) factory, then starts each controller in order (all
 * before any runs, so a failing start runs none) and runs them until `signal` aborts.
 */
export async function startControllers(
  selected: readonly ControllerDescriptor[],
  ctx: ControllerContext,
  signal: AbortSignal,
): Promise<void> {
  if (!(await ctx.factory.waitForCacheSync(signal))) return;
  const started: [string, RunnableController][] = [];
  for (const d of selected) started.push([d.name, await d.start(ctx)]);
  await Promise.all(
    started.map(([name, c]) => {
      ctx.logger.info({ controller: name }, 'starting controller');
      return c.run(signal);
    }),
  );
}

/** Runs the controller-manager until `signal` aborts. */
export async function run(cfg: ControllerManagerConfig, signal: AbortSignal): Promise<void> {
  const log = cfg.logger;
  const selected = selectDescriptors(cfg.controllers);
  const client = new Clientset({ ...cfg.client, userAgent: 'kube-controller-manager' });
  const identity = cfg.identity ?? `${os.hostname()}_${process.pid}`;
  const registry = new Registry();
  const metrics = new ControllerMetrics(registry);
  const server = await serveHealth(cfg, registry, () => true, log);

  const factory = new SharedInformerFactory(client, { logger: log });
  prepareInformers(factory, selected);
  const events = new EventBroadcaster({ events: client.events, logger: log, registry });
  const ctx: ControllerContext = {
    factory,
    client,
    logger: log,
    metrics,
    workers: cfg.workers,
    config: cfg,
    newRecorder: (component) => events.newRecorder(component, identity),
  };
  const runControllers = (term: AbortSignal): Promise<void> => {
    // The informers outlive a lost lease; the controllers stop with it.
    factory.start(signal);
    return startControllers(selected, ctx, term);
  };

  try {
    if (cfg.leaderElect) {
      const elector = new LeaderElector({
        client: client.leases,
        namespace: 'kube-system',
        name: 'kube-controller-manager',
        identity,
        logger: log,
        ...(cfg.leaseDurationMs ? { leaseDurationMs: cfg.leaseDurationMs } : {}),
        ...(cfg.renewDeadlineMs ? { renewDeadlineMs: cfg.renewDeadlineMs } : {}),
        ...(cfg.retryPeriodMs ? { retryPeriodMs: cfg.retryPeriodMs } : {}),
        onStartedLeading: runControllers,
      });
      await elector.run(signal);
    } else {
      await runControllers(signal);
    }
  } finally {
    events.shutdown();
    await server.stop();
    client.close();
  }
}

async function serveHealth(
  cfg: ControllerManagerConfig,
  registry: Registry,
  healthy: () => boolean,
  log: Logger,
): Promise<{ port: number; stop(): Promise<void> }> {
  const app = new Koa();
  app.use((ctx) => {
    if (ctx.path === '/healthz' || ctx.path === '/readyz' || ctx.path === '/livez') {
      ctx.type = 'text/plain';
      ctx.status = healthy() ? 200 : 503;
      ctx.body = healthy() ? 'ok' : 'unhealthy';
    } else if (ctx.path === '/metrics') {
      ctx.type = 'text/plain; version=0.0.4';
      ctx.body = registry.render();
    } else ctx.status = 404;
  });
  const server = await new Promise<ReturnType<Koa['listen']>>((resolve, reject) => {
    const s = app.listen(cfg.port, cfg.bindAddress, () => resolve(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ port }, 'serving /healthz and /metrics');
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
