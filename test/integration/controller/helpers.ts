/**
 * Helpers of the controller-manager integration tests: an in-process controller-manager
 * (`run()` with an AbortController) on temp hostPath/NFS directories, object builders, and
 * polling waits with deadlines (never fixed sleeps).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Event, PersistentVolume, PersistentVolumeClaim, Pod } from '../../../pkg/api/core/v1';
import type { StatefulSet } from '../../../pkg/api/apps/v1';
import { isConflict, isNotFound } from '../../../pkg/api/errors';
import type { StorageClass } from '../../../pkg/api/storage/v1';
import { Clientset } from '../../../pkg/client/clientset';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { run } from '../../../pkg/controller/manager/controller_manager';
import { newLogger, silentLogger } from '../../../pkg/log/logger';
import type { VolumeDriver } from '../../../pkg/volume/driver';
import { testDriverRegistry } from '../../helpers/volume_drivers';

/** A controller-manager running in this process. */
export interface InProcessControllerManager {
  identity: string;
  hostPathBase: string;
  nfsExportRoot: string;
  /** Its --provisioning-record-dir (`<dir>/records`). */
  recordDir: string;
  /** Aborts it and waits until it has stopped (rejects if it crashed). */
  stop(): Promise<void>;
}

/** Options of startControllerManager. */
export interface InProcessOptions {
  url: string;
  /** Parent of the hostPath base and the NFS export root (default: a temp dir, removed by stop()). */
  dir?: string;
  identity?: string;
  controllers?: string;
  workers?: number;
  /** --hostpath-allowed-roots (default none). */
  hostPathAllowedRoots?: string[];
  /** Volume drivers registered besides the built-in ones. */
  drivers?: readonly VolumeDriver[];
}

/** Starts `run()` of the controller-manager against `url`, with --leader-elect=false. */
export function startControllerManager(o: InProcessOptions): InProcessControllerManager {
  const ownDir = o.dir === undefined;
  const dir = o.dir ?? mkdtempSync(path.join(os.tmpdir(), 'kubestore-kcm-'));
  const hostPathBase = path.join(dir, 'volumes');
  const nfsExportRoot = path.join(dir, 'nfs-export');
  const recordDir = path.join(dir, 'records');
  mkdirSync(nfsExportRoot, { recursive: true });
  const identity = o.identity ?? `kcm-${Math.random().toString(36).slice(2, 8)}`;
  const ac = new AbortController();
  const logger = process.env.KUBESTORE_TEST_LOG ? newLogger(`kcm ${identity}`, 1) : silentLogger();
  const done = run(
    {
      client: { server: o.url, qps: 0 },
      controllers: o.controllers ?? '*',
      leaderElect: false,
      workers: o.workers ?? 4,
      provisioningRecordDir: recordDir,
      drivers: testDriverRegistry({
        hostPath: { baseDir: hostPathBase, allowedRoots: o.hostPathAllowedRoots ?? [] },
        nfs: { isServer: true, exportRoot: nfsExportRoot },
        extra: o.drivers ?? [],
      }),
      bindAddress: '127.0.0.1',
      port: 0,
      identity,
      logger,
    },
    ac.signal,
  );
  let failure: unknown;
  done.catch((err: unknown) => (failure = err));
  return {
    identity,
    hostPathBase,
    nfsExportRoot,
    recordDir,
    stop: async () => {
      ac.abort();
      await done.catch(() => undefined);
      if (ownDir) rmSync(dir, { recursive: true, force: true });
      if (failure) throw failure as Error;
    },
  };
}

/**
 * Polls `cond` every `intervalMs` until it returns true; rejects after `timeoutMs` naming
 * `what` (and what `cond` last reported through `note`, if anything).
 */
export async function waitUntil(
  cond: (note: (s: string) => void) => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    if (await cond((s) => (last = s))) return;
    if (Date.now() >= deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last: ${last})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A claim. */
export function claim(
  namespace: string,
  name: string,
  o: { className?: string; size?: string; volumeName?: string } = {},
): PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace },
    spec: {
      storageClassName: o.className ?? 'hostPath',
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: o.size ?? '1Gi' } },
      ...(o.volumeName ? { volumeName: o.volumeName } : {}),
    },
  };
}

/** A hostPath PV (its directory need not exist). */
export function hostPathVolume(
  name: string,
  o: { className?: string; size?: string; dir?: string } = {},
): PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: {
      capacity: { storage: o.size ?? '1Gi' },
      accessModes: ['ReadWriteOnce'],
      hostPath: { path: path.join(o.dir ?? '/tmp/kubestore-unused', name) },
      storageClassName: o.className ?? 'hostPath',
      persistentVolumeReclaimPolicy: 'Retain',
    },
  };
}

/** A StorageClass of our hostPath provisioner. */
export function hostPathClass(name: string, reclaimPolicy: 'Delete' | 'Retain'): StorageClass {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name },
    provisioner: 'kubestore.io/hostpath',
    reclaimPolicy,
    volumeBindingMode: 'Immediate',
  };
}

/** A pod that uses claims, already on a node and Running (as a kubelet would report it). */
export async function runningPod(client: Clientset, namespace: string, name: string, claims: string[]): Promise<Pod> {
  const created = await client.pods.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: {
      nodeName: 'node-without-kubelet',
      containers: [{ name: 'c', image: 'busybox:latest', command: ['sleep', '3600'] }],
      volumes: claims.map((c, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName: c } })),
    },
  });
  return client.pods.updateStatus({ ...created, status: { ...created.status, phase: 'Running' } });
}

/** Waits until the claim's phase is `phase`; returns it. */
export async function waitClaimPhase(
  client: Clientset,
  namespace: string,
  name: string,
  phase: string,
  timeoutMs = 20_000,
): Promise<PersistentVolumeClaim> {
  let got: PersistentVolumeClaim | undefined;
  await waitUntil(
    async (note) => {
      got = await client.persistentVolumeClaims.get(name, namespace);
      note(`phase ${got.status?.phase ?? ''}`);
      return got.status?.phase === phase;
    },
    timeoutMs,
    `claim ${namespace}/${name} ${phase}`,
  );
  if (!got) throw new Error('unreachable');
  return got;
}

/** Waits until get() answers NotFound. */
export async function waitGone(get: () => Promise<unknown>, what: string, timeoutMs = 20_000): Promise<void> {
  await waitUntil(
    async () => {
      try {
        await get();
        return false;
      } catch (err) {
        if (isNotFound(err)) return true;
        throw err;
      }
    },
    timeoutMs,
    `${what} to be gone`,
  );
}

/** Waits for an event with `reason` about the object named `name` in `namespace`; returns it. */
export async function waitEvent(
  client: Clientset,
  namespace: string,
  name: string,
  reason: string,
  timeoutMs = 20_000,
): Promise<Event> {
  let found: Event | undefined;
  await waitUntil(
    async (note) => {
      const events = (await client.events.list(namespace)).items.filter((e) => e.involvedObject.name === name);
      note(events.map((e) => e.reason ?? '').join(','));
      found = events.find((e) => e.reason === reason);
      return found !== undefined;
    },
    timeoutMs,
    `event ${reason} about ${namespace}/${name}`,
  );
  if (!found) throw new Error('unreachable');
  return found;
}

/** What waitEventMatching looks for. */
export interface EventMatch {
  namespace: string;
  /** The involved object's name. */
  name: string;
  reason: string;
  /** The message, exactly (a string) or matching (a RegExp). */
  message: string | RegExp;
  timeoutMs?: number;
}

/**
 * Waits for an event with `reason` and `message` about `name`; returns it. Other events of the
 * same reason are passed over: a controller whose informer has not yet seen an object created
 * just before (a StorageClass, say) records a different failure first, then retries.
 */
export async function waitEventMatching(client: Clientset, m: EventMatch): Promise<Event> {
  const matches = (msg: string) => (typeof m.message === 'string' ? msg === m.message : m.message.test(msg));
  let found: Event | undefined;
  await waitUntil(
    async (note) => {
      const events = (await client.events.list(m.namespace)).items.filter(
        (e) => e.involvedObject.name === m.name && e.reason === m.reason,
      );
      note(events.map((e) => e.message ?? '').join(' | '));
      found = events.find((e) => matches(e.message ?? ''));
      return found !== undefined;
    },
    m.timeoutMs ?? 20_000,
    `event ${m.reason} "${String(m.message)}" about ${m.namespace}/${m.name}`,
  );
  if (!found) throw new Error('unreachable');
  return found;
}

/** Runs fn(0..n-1) with at most `concurrency` in flight. */
export async function pool(n: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, worker));
}

/**
 * Read-modify-write of StatefulSet `name` as a client does it: GET, `mutate`, PUT, again on a
 * 409 (the controller's status writes move the set's resourceVersion between the two).
 */
export async function updateStatefulSet(
  client: Clientset,
  namespace: string,
  name: string,
  mutate: (s: StatefulSet) => StatefulSet,
): Promise<void> {
  for (;;) {
    try {
      await client.statefulSets.update(mutate(await client.statefulSets.get(name, namespace)));
      return;
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }
}

/**
 * StatefulSet `web` in `namespace`: `replicas` busybox `sleep 3600` pods, each with a 1Gi
 * hostPath claim from the template `data` mounted at /data; `spec` overrides fields.
 */
export function webStatefulSet(
  namespace: string,
  replicas: number,
  spec: Partial<StatefulSet['spec']> = {},
): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace },
    spec: {
      replicas,
      serviceName: 'web',
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'c',
              image: 'busybox:latest',
              command: ['sleep', '3600'],
              volumeMounts: [{ name: 'data', mountPath: '/data' }],
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'data' },
          spec: {
            accessModes: ['ReadWriteOnce'],
            storageClassName: 'hostPath',
            resources: { requests: { storage: '1Gi' } },
          },
        },
      ],
      ...spec,
    },
  };
}

/** True for a Running pod whose Ready condition is True. */
export const isReadyPod = (p: Pod): boolean =>
  p.status?.phase === 'Running' && (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** Waits until the controller-manager made the built-in classes (it is up then). */
export async function waitBuiltInClasses(client: Clientset): Promise<void> {
  await waitUntil(
    async () => (await client.storageClasses.list()).items.length >= 2,
    20_000,
    'built-in StorageClasses',
  );
}

/** A real apiserver, a client and one in-process controller-manager on a temp dir, namespace made. */
export interface ControllerFixture {
  api: TestApiServer;
  client: Clientset;
  cm: InProcessControllerManager;
  tmp: string;
  /** Stops the controller-manager, the client and the apiserver and removes the temp dir. */
  stop(): Promise<void>;
}

/** Starts a ControllerFixture whose temp dir is named after `prefix`, with namespace `ns`. */
export async function startControllerFixture(ns: string, prefix: string): Promise<ControllerFixture> {
  const api = await startApiServer();
  const client = new Clientset({ server: api.url, qps: 0 });
  const tmp = mkdtempSync(path.join(os.tmpdir(), `kubestore-${prefix}-it-`));
  const cm = startControllerManager({ url: api.url, dir: tmp });
  await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await waitBuiltInClasses(client);
  return {
    api,
    client,
    cm,
    tmp,
    stop: async () => {
      await cm.stop();
      client.close();
      await api.stop();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
