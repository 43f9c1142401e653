/**
 * Volume stats end to end: real etcd, apiserver, controller-manager, kubelet (with
 * --volume-stats-agg-period=1s) and dockerd. A pod writes 10 MiB, then 2 more, into its 10Mi
 * claim; the kubelet's /metrics, read with curl and the cluster admin's certificate, carries the
 * six kubelet_volume_stats_* series labelled namespace and persistentvolumeclaim, and used_bytes
 * moves by the 10 MiB, /stats/summary shows the pod's volume, and
 * `kubectl describe pvc` shows one VolumeOverCapacity warning.
 */
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/wait';
import {
  claimHostDir,
  claimObject,
  create,
  podObject,
  skipWithoutDocker,
  teardown,
  waitLogs,
  waitReady,
} from './support';

describe('e2e/kubelet: volume stats on /metrics and /stats/summary', function () {
  this.timeout(120_000);
  let c: TestCluster | undefined;
  let failed = false;
  const cluster = (): TestCluster => {
    if (!c) throw new Error('no cluster');
    return c;
  };

  before(async function () {
    skipWithoutDocker(this);
    c = new TestCluster({ kubelet: true, kubeletFlags: ['--volume-stats-agg-period=1s'] });
    await c.up();
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') failed = true;
  });
  after(() => teardown(c, failed));

  /** curl of the kubelet's server as the cluster admin (system:masters), trusting only the cluster CA. */
  async function curlKubelet(p: string): Promise<string> {
    const k = cluster();
    const pki = k.pki;
    if (!pki) throw new Error('a secure cluster has a PKI');
    const port = await k.ok([
      'get',
      'node',
      k.nodeName,
      '-o',
      'jsonpath={.status.daemonEndpoints.kubeletEndpoint.Port}',
    ]);
    return new Promise((resolve, reject) => {
      execFile(
        'curl',
        [
          '-fsS',
          '--max-time',
          '5',
          '--cacert',
          pki.pki.caFile,
          '--cert',
          pki.admin.certFile,
          '--key',
          pki.admin.keyFile,
          `https://127.0.0.1:${port}${p}`,
        ],
        (err, stdout, stderr) => (err ? reject(new Error(`curl ${p}: ${stderr || err.message}`)) : resolve(stdout)),
      );
    });
  }
  const series = async (name: string): Promise<number | undefined> => {
    const prefix = `kubelet_volume_stats_${name}{namespace="default",persistentvolumeclaim="stats"} `;
    const line = (await curlKubelet('/metrics')).split('\n').find((l) => l.startsWith(prefix));
    return line === undefined ? undefined : Number(line.slice(prefix.length));
  };

  it('a pod writing 10 MiB then 2 MiB into a 10Mi claim moves kubelet_volume_stats_* (labels namespace, persistentvolumeclaim) and warns VolumeOverCapacity once', async () => {
    const k = cluster();
    await create(
      k,
      claimObject('stats'),
      podObject('stats-writer', {
        claim: 'stats',
        script:
          'echo ready; while [ ! -f /data/go ]; do sleep 1; done; dd if=/dev/zero of=/data/blob bs=1048576 count=10 2>/dev/null && echo wrote10; ' +
          'while [ ! -f /data/go2 ]; do sleep 1; done; dd if=/dev/zero of=/data/blob2 bs=1048576 count=2 2>/dev/null && echo wrote; sleep 3600',
      }),
    );
    await waitReady(k, 'stats-writer');
    await waitLogs(k, ['stats-writer'], /^ready$/m);
    let before = -1;
    await waitFor(
      async () => ((before = (await series('used_bytes')) ?? -1), before >= 0),
      30_000,
      'used_bytes series',
    );
    expect(before).to.be.below(1024 * 1024);
    expect(await series('capacity_bytes')).to.equal(10 * 1024 * 1024);
    // Kubernetes' series and labels: every kubelet_volume_stats_* sample is labelled exactly
    // namespace and persistentvolumeclaim, and all six are there for the claim.
    const metrics = await curlKubelet('/metrics');
    const samples = metrics.split('\n').filter((l) => l.startsWith('kubelet_volume_stats_'));
    for (const l of samples)
      expect(l, l).to.match(/^kubelet_volume_stats_\w+\{namespace="[^"]+",persistentvolumeclaim="[^"]+"\} \S+$/);
    const names = new Set(
      samples.filter((l) => l.includes('persistentvolumeclaim="stats"')).map((l) => l.slice(0, l.indexOf('{'))),
    );
    expect([...names].sort()).to.deep.equal(
      ['available_bytes', 'capacity_bytes', 'inodes', 'inodes_free', 'inodes_used', 'used_bytes']
        .map((n) => `kubelet_volume_stats_${n}`)
        .sort(),
    );
    expect(metrics).to.contain('# TYPE kubelet_volume_stats_used_bytes gauge');

    const dir = await claimHostDir(k, 'stats');
    writeFileSync(path.join(dir, 'go'), '');
    await waitLogs(k, ['stats-writer'], /^wrote10$/m);
    await waitFor(
      async () => ((await series('used_bytes')) ?? 0) >= before + 10 * 1024 * 1024,
      30_000,
      'used_bytes up by 10 MiB',
    );
    writeFileSync(path.join(dir, 'go2'), '');
    await waitLogs(k, ['stats-writer'], /^wrote$/m);
    await waitFor(async () => ((await series('used_bytes')) ?? 0) >= 12 * 1024 * 1024, 30_000, 'used_bytes ≥ 12 MiB');
    expect(await series('available_bytes')).to.equal(0);
    expect(await series('inodes_used')).to.be.at.least(3);
    expect(await series('inodes')).to.be.above(0);
    expect(await series('inodes_free')).to.be.above(0);

    const summary = JSON.parse(await curlKubelet('/stats/summary')) as {
      pods: { podRef: { name: string }; volume: { pvcRef: { name: string }; usedBytes: number }[] }[];
    };
    const pod = summary.pods.find((p) => p.podRef.name === 'stats-writer');
    expect(pod?.volume[0]?.pvcRef.name).to.equal('stats');
    expect(pod?.volume[0]?.usedBytes).to.be.at.least(12 * 1024 * 1024);

    await waitFor(
      async () => /Warning\s+VolumeOverCapacity/.test(await k.ok(['describe', 'pvc', 'stats'])),
      30_000,
      'VolumeOverCapacity in kubectl describe pvc',
    );
    const events = await k.ok([
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=stats,reason=VolumeOverCapacity',
      '-o',
      'jsonpath={range .items[*]}{.count}{"\\n"}{end}',
    ]);
    expect(events.trim().split('\n')).to.deep.equal(['1']);
  });
});
