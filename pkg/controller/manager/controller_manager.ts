/**
 * kube-controller-manager: builds the shared informers once, then — while it holds the
 * `kube-system/kube-controller-manager` Lease (or always, without leader election) — runs the
 * selected controllers: persistentvolume-binder, pvc-protection, pv-protection, scheduler,
 * namespace.
 * Serves /healthz and /metrics.
 */
import Koa from 'koa';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ClientConfig } from '../../client/config';
import { Clientset } from '../../client/clientset';
import { EventBroadcaster } from '../../client/record/broadcaster';
import { SharedInformerFactory } from '../../informer/factory';
import { Registry } from '../../metrics/registry';
import { LeaderElector } from '../leaderelection/leader_elector';
import { ControllerMetrics } from '../../util/reconcile/runner';
import { newNamespaceController } from '../namespace/controller';
import { addSchedulerIndexes, newSchedulerController } from '../scheduler/controller';
import { ensureBuiltinClasses } from '../volume/persistentvolume/builtin_classes';
import { addPersistentVolumeIndexes, newPersistentVolumeController } from '../volume/persistentvolume/controller';
import type { VolumeDriverRegistry } from '../../volume/registry';
import { FileProvisioningRecords } from '../../volume/dirs/provisioning_records';
import { lexicallyWithin } from '../../util/fsroots/roots';
import {
  addProtectionIndexes,
  newPvcProtectionController,
  newPvProtectionController,
} from '../volume/protection/controller';

/** Default of --provisioning-record-dir. */
export const defaultProvisioningRecordDir = '/var/lib/kubestore/controller-manager/provisioning-records';

/**
 * Why a record directory is unsafe: inside a volume root (a pod or a hostPath PV could write
 * records there) or a root inside it. Undefined when it is fine.
 */
export function recordDirProblem(recordDir: string, roots: readonly string[]): string | undefined {
  const bad = roots.find((r) => lexicallyWithin(recordDir, r, false) || lexicallyWithin(r, recordDir, false));
  return bad ? `must not be inside or contain the volume root ${bad}: pods could write records there` : undefined;
}

/** Every controller this binary runs, in start order. */
export const knownControllers = [
  'persistentvolume-binder',
  'pvc-protection',
  'pv-protection',
  'scheduler',
  'namespace',
] as const;
export type ControllerName = (typeof knownControllers)[number];

/** Configuration of a controller-manager. */
export interface ControllerManagerConfig {
  client: ClientConfig;
  /** `*`, names, and `-name` to disable (Kubernetes' --controllers syntax). */
  controllers: string;
  leaderElect: boolean;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  workers: number;
  /** --provisioning-record-dir: where the PV controller keeps its provisioning records (default defaultProvisioningRecordDir). */
  provisioningRecordDir?: string;
  /** The volume drivers (pkg/volume/drivers.ts builds the built-in ones from flags). */
  drivers: VolumeDriverRegistry;
  bindAddress: string;
  port: number;
  identity?: string;
  logger: Logger;
}

/** Resolves a --controllers value; throws on an unknown name. */
export function selectControllers(spec: string): ControllerName[] {
  const parts = spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const p of parts) {
    const name = p.replace(/^-/, '');
    if (name !== '*' && !(knownControllers as readonly string[]).includes(name))
      throw new Error(`unknown controller "${name}" (known: ${knownControllers.join(', ')})`);
  }
  const all = parts.includes('*');
  return knownControllers.filter((c) => !parts.includes(`-${c}`) && (all || parts.includes(c)));
}

/** Runs the controller-manager until `signal` aborts. */
export async function run(cfg: ControllerManagerConfig, signal: AbortSignal): Promise<void> {
  const log = cfg.logger;
  const selected = selectControllers(cfg.controllers);
  const client = new Clientset({ ...cfg.client, userAgent: 'kube-controller-manager' });
  const identity = cfg.identity ?? `${os.hostname()}_${process.pid}`;
  const registry = new Registry();
  const metrics = new ControllerMetrics(registry);
  const server = await serveHealth(cfg, registry, () => true, log);

  const factory = new SharedInformerFactory(client, { logger: log });
  addPersistentVolumeIndexes(factory);
  addProtectionIndexes(factory);
  addSchedulerIndexes(factory);
  // Instantiate every informer the controllers use before starting.
  factory.persistentVolumes();
  factory.persistentVolumeClaims();
  factory.storageClasses();
  factory.pods();
  factory.nodes();
  factory.namespaces();
  const events = new EventBroadcaster({ events: client.events, logger: log, registry });
  const recorder = events.newRecorder('persistentvolume-controller', identity);
  const schedulerRecorder = events.newRecorder('default-scheduler', identity);
  const records = new FileProvisioningRecords(cfg.provisioningRecordDir ?? defaultProvisioningRecordDir);

  const runControllers = async (term: AbortSignal): Promise<void> => {
    factory.start(signal);
    if (!(await factory.waitForCacheSync(term))) return;
    if (selected.includes('persistentvolume-binder')) await ensureBuiltinClasses(client.storageClasses, cfg.drivers);
    const common = { factory, client, logger: log, metrics, workers: cfg.workers };
    const runs: Promise<void>[] = [];
    for (const name of selected) {
      const c =
        name === 'persistentvolume-binder'
          ? newPersistentVolumeController({ ...common, drivers: cfg.drivers, records, recorder })
          : name === 'pvc-protection'
            ? newPvcProtectionController(common)
            : name === 'pv-protection'
              ? newPvProtectionController(common)
              : name === 'scheduler'
                ? newSchedulerController({ ...common, recorder: schedulerRecorder })
                : newNamespaceController(common);
      log.info({ controller: name }, 'starting controller');
      runs.push(c.run(term));
    }
    await Promise.all(runs);
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
