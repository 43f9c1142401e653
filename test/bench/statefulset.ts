/**
 * Benchmark 7 — statefulset: time for a StatefulSet of N replicas with a volumeClaimTemplate
 * (dynamically provisioned hostPath claims) to be Ready, in OrderedReady and in Parallel mode,
 * beside N bare pods each with its own claim created at once (the baseline: same claims, same
 * scheduler and kubelet, no StatefulSet controller and no ordering). Real binaries: the
 * apiserver, the controller-manager (StatefulSet controller, binder, provisioner, scheduler) and
 * one kubelet (--node-name bench-sts) on the real dockerd; busybox `sleep 3600` pods. Each
 * scenario runs in its own namespace, one after the other; every container is removed afterwards.
 *
 *   node dist/test/bench/statefulset.js
 * Env: BENCH_STS_REPLICAS (20), BENCH_IMAGE (busybox:latest).
 */
import type { StatefulSet } from '../../pkg/api/apps/v1';
import type { Pod } from '../../pkg/api/core/v1';
import { type BenchCluster, freshCluster } from './lib/cluster';
import { docker, nodeContainerLabel, removeContainers, startKubelet } from './lib/kubelet';
import { podPath, pvc, pvcPath, seqName } from './lib/objects';
import type { Component } from './lib/procs';
import { waitUntil, wallMs } from './lib/stats';
import { ms, printTable, recordResults, row } from './lib/table';

const benchmark = 'statefulset';
const nodeName = 'bench-sts';
const replicas = Number(process.env.BENCH_STS_REPLICAS ?? 20);
const image = process.env.BENCH_IMAGE ?? 'busybox:latest';
const timeoutMs = 600_000;

const container = {
  name: 'sleep',
  image,
  imagePullPolicy: 'Never' as const,
  command: ['sleep', '3600'],
  volumeMounts: [{ name: 'data', mountPath: '/data' }],
};

function statefulSet(name: string, podManagementPolicy: 'OrderedReady' | 'Parallel'): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      replicas,
      serviceName: name,
      podManagementPolicy,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { terminationGracePeriodSeconds: 0, containers: [container] },
      },
      volumeClaimTemplates: [pvc('data', { storageClassName: 'hostPath', storage: '10Mi' })],
    },
  };
}

function barePod(name: string, claimName: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      terminationGracePeriodSeconds: 0,
      containers: [container],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
    },
  };
}

const isReady = (p: Pod): boolean =>
  (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

async function readyPods(c: BenchCluster, ns: string): Promise<number> {
  return (await c.client.list<Pod>(podPath(ns))).items.filter(isReady).length;
}

/** Creates a namespace, runs `create`, and returns the ms until `replicas` pods in it are Ready. */
async function timeToReady(c: BenchCluster, ns: string, create: () => Promise<void>): Promise<number> {
  await c.client.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const t0 = wallMs();
  await create();
  await waitUntil(async () => (await readyPods(c, ns)) >= replicas, timeoutMs, `${replicas} Ready pods in ${ns}`, 50);
  const took = wallMs() - t0;
  process.stderr.write(`${ns}: ${replicas} pods Ready in ${ms(took)}\n`);
  return took;
}

/** Deletes a scenario's namespace (pods, claims and the set go with it) and waits until it is gone. */
async function removeNamespace(c: BenchCluster, ns: string): Promise<void> {
  await c.client.raw('DELETE', `/api/v1/namespaces/${ns}`);
  await waitUntil(
    async () => (await c.client.raw('GET', `/api/v1/namespaces/${ns}`)).status === 404,
    120_000,
    `namespace ${ns} deleted`,
    200,
  );
}

async function main(): Promise<void> {
  await docker(['image', 'inspect', image], 15_000);
  await removeContainers([nodeContainerLabel(nodeName)]);
  const c = await freshCluster('statefulset');
  let kubelet: Component | undefined;
  try {
    await c.startControllerManager();
    kubelet = await startKubelet(c, nodeName);
    const stsPath = (ns: string) => `/apis/apps/v1/namespaces/${ns}/statefulsets`;
    const bare = await timeToReady(c, 'bench-bare', async () => {
      for (let i = 0; i < replicas; i++) {
        await c.client.create(pvcPath('bench-bare'), pvc(seqName('data', i, 2), { storageClassName: 'hostPath' }));
        await c.client.create(podPath('bench-bare'), barePod(seqName('pod', i, 2), seqName('data', i, 2)));
      }
    });
    await removeNamespace(c, 'bench-bare');
    const ordered = await timeToReady(c, 'bench-ordered', async () => {
      await c.client.create(stsPath('bench-ordered'), statefulSet('web', 'OrderedReady'));
    });
    await removeNamespace(c, 'bench-ordered');
    const parallel = await timeToReady(c, 'bench-parallel', async () => {
      await c.client.create(stsPath('bench-parallel'), statefulSet('web', 'Parallel'));
    });
    await removeNamespace(c, 'bench-parallel');

    printTable(
      `Benchmark 7: ${replicas} pods with a provisioned hostPath claim each, create → all Ready`,
      ['workload', 'time', 'per pod', 'vs bare pods'],
      [
        ['bare pods + claims (created at once)', ms(bare), ms(bare / replicas), '1.00×'],
        ['StatefulSet OrderedReady', ms(ordered), ms(ordered / replicas), `${(ordered / bare).toFixed(2)}×`],
        ['StatefulSet Parallel', ms(parallel), ms(parallel / replicas), `${(parallel / bare).toFixed(2)}×`],
      ],
      [`one kubelet (${nodeName}) on the real dockerd, image ${image}, one run each`],
    );
    recordResults([
      row({
        benchmark,
        figure: `${replicas}-replica OrderedReady set Ready (vs bare pods)`,
        value: ordered,
        baseline: bare,
        format: ms,
      }),
      row({
        benchmark,
        figure: `${replicas}-replica Parallel set Ready (vs bare pods)`,
        value: parallel,
        baseline: bare,
        format: ms,
      }),
    ]);
  } finally {
    await kubelet?.stop();
    await removeContainers([nodeContainerLabel(nodeName)]);
    await c.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `statefulset benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
