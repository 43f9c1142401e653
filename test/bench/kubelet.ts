/**
 * Benchmark 5 — kubelet: time from pod create to Running (seen through a watch) for a busybox
 * `sleep 3600` pod mounting a pre-bound hostPath claim, vs a plain `docker run -d` of the same
 * image with the same bind mount and network mode (timed until the docker CLI returns, which is
 * after the container started; `docker inspect` then confirms it runs). Real binaries: the
 * apiserver, the controller-manager (binds the pre-bound claims) and the kubelet
 * (--node-name bench-node) on the real dockerd. Pods name their node (spec.nodeName), so the
 * scheduler is not part of the figure. Pods and docker runs alternate; the first of each is
 * warm-up. Every container is removed afterwards (labels io.kubestore.node=bench-node and
 * io.kubestore.bench=bench-node).
 *
 *   node dist/test/bench/kubelet.js
 * Env: BENCH_KUBELET_PODS (10), BENCH_IMAGE (busybox:latest).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { PersistentVolumeClaim, Pod } from '../../pkg/api/core/v1';
import { freshCluster, PhaseWatch } from './lib/cluster';
import { docker, nodeContainerLabel, removeContainers, startKubelet } from './lib/kubelet';
import { hostPathPV, podPath, pvc, pvcPath, pvPath, seqName, sleepPod } from './lib/objects';
import type { Component } from './lib/procs';
import { ms, printTable, recordResults, row } from './lib/table';
import { percentile, waitUntil, wallMs } from './lib/stats';

const benchmark = 'kubelet';
const nodeName = 'bench-node';
const pods = Number(process.env.BENCH_KUBELET_PODS ?? 10);
const image = process.env.BENCH_IMAGE ?? 'busybox:latest';
const baselineLabel = `io.kubestore.bench=${nodeName}`;

/** Removes every container this benchmark (or a previous run of it) left. */
const removeBenchContainers = (): Promise<void> => removeContainers([nodeContainerLabel(nodeName), baselineLabel]);

async function main(): Promise<void> {
  try {
    await docker(['image', 'inspect', image], 15_000);
  } catch (err) {
    process.stdout.write(
      `\n### Benchmark 5: kubelet — SKIPPED: docker or ${image} unavailable (${(err as Error).message.split('\n')[0] ?? ''})\n`,
    );
    recordResults([
      {
        benchmark,
        figure: 'pod create → Running p50 (vs docker run -d)',
        value: 'skipped (no docker)',
        baseline: '—',
        ratio: '—',
        target: '≤ +300 ms overhead at p50',
      },
    ]);
    return;
  }
  await removeBenchContainers();
  const c = await freshCluster('kubelet');
  let kubelet: Component | undefined;
  try {
    await c.startControllerManager();
    kubelet = await startKubelet(c, nodeName);

    // One pre-bound claim (and volume directory) per pod.
    const total = pods + 1;
    const dirs: string[] = [];
    const bound = await new PhaseWatch<PersistentVolumeClaim>('Bound').open(c.api.url, c.client, pvcPath('default'));
    for (let i = 0; i < total; i++) {
      const dir = path.join(c.dir, 'volumes', seqName('pv', i, 3));
      mkdirSync(dir, { recursive: true });
      dirs.push(dir);
      await c.client.create(
        pvPath(),
        hostPathPV(seqName('kpv', i, 3), { storageClassName: 'bench-kubelet', path: dir }),
      );
      await c.client.create(
        pvcPath('default'),
        pvc(seqName('kclaim', i, 3), { storageClassName: 'bench-kubelet', volumeName: seqName('kpv', i, 3) }),
      );
    }
    await bound.waitCount(total, 60_000, `${total} pre-bound claims`);
    bound.close();

    const running = await new PhaseWatch<Pod>('Running').open(c.api.url, c.client, podPath('default'));
    const podLat: number[] = [];
    const dockerLat: number[] = [];
    for (let i = 0; i < total; i++) {
      const name = seqName('kpod', i, 3);
      const t0 = wallMs();
      await c.client.create(
        podPath('default'),
        sleepPod(name, { nodeName, claimName: seqName('kclaim', i, 3), image }),
      );
      const at = await running.waitFor(name, 60_000);
      const t1 = wallMs();
      const id = await docker([
        'run',
        '-d',
        '--network',
        'host',
        '--label',
        baselineLabel,
        '-v',
        `${dirs[i] ?? ''}:/data`,
        image,
        'sleep',
        '3600',
      ]);
      const t2 = wallMs();
      const state = await docker(['inspect', '-f', '{{.State.Running}}', id]);
      if (state !== 'true') throw new Error(`baseline container ${id} is not running (${state})`);
      if (i > 0) {
        podLat.push(at - t0);
        dockerLat.push(t2 - t1);
      }
      process.stderr.write(`${name}: pod ${ms(at - t0)}, docker run ${ms(t2 - t1)}\n`);
    }
    running.close();

    const p = { p50: percentile(podLat, 50), p95: percentile(podLat, 95) };
    const d = { p50: percentile(dockerLat, 50), p95: percentile(dockerLat, 95) };
    printTable(
      `Benchmark 5: pod with a PVC, create → Running (watch) vs docker run -d, ${pods} each`,
      ['path', 'p50', 'p95', 'min', 'max'],
      [
        [
          'kubelet pod (apiserver → kubelet → dockerd → status → watch)',
          ms(p.p50),
          ms(p.p95),
          ms(Math.min(...podLat)),
          ms(Math.max(...podLat)),
        ],
        [
          'docker run -d (CLI returns, container started)',
          ms(d.p50),
          ms(d.p95),
          ms(Math.min(...dockerLat)),
          ms(Math.max(...dockerLat)),
        ],
        ['overhead', ms(p.p50 - d.p50), ms(p.p95 - d.p95), '', ''],
      ],
      [
        `image ${image}, \`sleep 3600\`, host network, the claim's hostPath directory bind-mounted at /data; pods and docker runs alternate; first of each is warm-up`,
      ],
    );
    recordResults([
      row({
        benchmark,
        figure: 'pod create → Running p50 (vs docker run -d)',
        value: p.p50,
        baseline: d.p50,
        format: ms,
        target: { text: '≤ +300 ms overhead at p50', met: p.p50 - d.p50 <= 300 },
      }),
      row({
        benchmark,
        figure: 'pod create → Running p95 (vs docker run -d)',
        value: p.p95,
        baseline: d.p95,
        format: ms,
      }),
      row({
        benchmark,
        figure: 'overhead at p50 (pod − docker run)',
        value: p.p50 - d.p50,
        format: ms,
        target: { text: '≤ 300 ms', met: p.p50 - d.p50 <= 300 },
      }),
    ]);

    // Delete the pods through the API (the kubelet stops their containers), then clean up.
    for (let i = 0; i < total; i++) await c.client.raw('DELETE', podPath('default', seqName('kpod', i, 3)));
    await waitUntil(
      async () => (await c.client.list(podPath('default'))).items.length === 0,
      30_000,
      'pods deleted',
      200,
    ).catch(() => undefined);
  } finally {
    await kubelet?.stop();
    await removeBenchContainers();
    await c.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `kubelet benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
