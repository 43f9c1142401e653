/**
 * Volume stats on a real apiserver + etcd with the controller-manager and an in-process kubelet
 * (fake container runtime, a real temp directory as a 1Mi hostPath PV): bytes written into the
 * directory show up on the kubelet's /metrics and /stats/summary at a later period, and going
 * over the PV's capacity warns VolumeOverCapacity on the claim once per crossing.
 */
import { expect } from 'chai';
import { mkdtempSync, realpathSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Clientset } from '../../../pkg/client/clientset';
import { FakeRuntime } from '../../../pkg/kubelet/runtime/fake/fake_runtime';
import { VolumeStatsReason } from '../../../pkg/kubelet/volumestats/collector';
import type { Summary } from '../../../pkg/kubelet/volumestats/summary';
import { FakeMounter } from '../../../pkg/util/mount/fake_mounter';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { testNodeDrivers } from '../../helpers/volume_drivers';
import {
  claim,
  hostPathVolume,
  type InProcessControllerManager,
  startControllerManager,
  waitClaimPhase,
  waitUntil,
} from '../controller/helpers';
import { type InProcessKubelet, podUsingClaim, startKubelet } from './helpers';

describe('volume stats: kubelet /metrics, /stats/summary and VolumeOverCapacity', function () {
  this.timeout(60_000);
  const ns = 'stats';
  let api: TestApiServer;
  let client: Clientset;
  let cm: InProcessControllerManager;
  let kubelet: InProcessKubelet;
  let tmp: string;
  let base: string;

  const kubeletUrl = async (p: string): Promise<string> => {
    const node = await client.nodes.get('node-a');
    return `http://127.0.0.1:${node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 0}${p}`;
  };
  const usedMetric = async (): Promise<number | undefined> => {
    const text = await (await fetch(await kubeletUrl('/metrics'))).text();
    const prefix = `kubelet_volume_stats_used_bytes{namespace="${ns}",persistentvolumeclaim="data"} `;
    const line = text.split('\n').find((l) => l.startsWith(prefix));
    return line === undefined ? undefined : Number(line.slice(prefix.length));
  };
  const overEvents = async () =>
    (await client.events.list(ns)).items.filter(
      (e) => e.involvedObject.name === 'data' && e.reason === VolumeStatsReason.VolumeOverCapacity,
    );
  const overCount = async () => (await overEvents()).reduce((n, e) => n + (e.count ?? 1), 0);
  const waitUsed = (pred: (n: number) => boolean, what: string) =>
    waitUntil(
      async (note) => {
        const u = await usedMetric();
        note(`used ${u}`);
        return u !== undefined && pred(u);
      },
      20_000,
      what,
    );

  before(async () => {
    tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'kubestore-stats-it-')));
    base = path.join(tmp, 'vols');
    api = await startApiServer();
    client = new Clientset({ server: api.url, qps: 0 });
    cm = startControllerManager({ url: api.url, dir: path.join(tmp, 'kcm') });
    kubelet = startKubelet({
      url: api.url,
      rootDir: path.join(tmp, 'kubelet'),
      runtime: new FakeRuntime({ images: ['busybox'] }),
      drivers: testNodeDrivers(new FakeMounter(), { nfs: { exportRoot: path.join(tmp, 'nfs') } }),
      volumeStatsPeriodMs: 200,
    });
    await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await client.persistentVolumes.create(hostPathVolume('pv-stats', { size: '1Mi', dir: base }));
    await client.persistentVolumeClaims.create(claim(ns, 'data', { size: '1Mi', volumeName: 'pv-stats' }));
    await waitClaimPhase(client, ns, 'data', 'Bound');
    await client.pods.create(podUsingClaim(ns, 'writer', 'data'));
  });

  after(async () => {
    await kubelet?.stop();
    await cm?.stop();
    client?.close();
    await api?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('reports bytes written into the volume on /metrics and /stats/summary', async () => {
    await waitUsed((u) => u < 64 * 1024, 'the empty volume measured');
    writeFileSync(path.join(base, 'pv-stats', 'a'), Buffer.alloc(512 * 1024, 7));
    await waitUsed((u) => u >= 512 * 1024, 'the 512 KiB file counted');
    const text = await (await fetch(await kubeletUrl('/metrics'))).text();
    expect(text).to.include(
      `kubelet_volume_stats_capacity_bytes{namespace="${ns}",persistentvolumeclaim="data"} ${1024 * 1024}`,
    );
    for (const s of ['available_bytes', 'inodes', 'inodes_free', 'inodes_used'])
      expect(text).to.match(
        new RegExp(`^kubelet_volume_stats_${s}\\{namespace="${ns}",persistentvolumeclaim="data"\\} \\d+$`, 'm'),
      );
    const summary = (await (await fetch(await kubeletUrl('/stats/summary'))).json()) as Summary;
    expect(summary.node.nodeName).to.equal('node-a');
    const pod = summary.pods.find((p) => p.podRef.name === 'writer');
    expect(pod?.podRef.namespace).to.equal(ns);
    const v = pod?.volume[0];
    expect(v?.name).to.equal('d');
    expect(v?.pvcRef).to.deep.equal({ name: 'data', namespace: ns });
    expect(v?.capacityBytes).to.equal(1024 * 1024);
    expect(v?.usedBytes).to.be.at.least(512 * 1024);
    expect(v?.inodesUsed).to.equal(2);
    expect(v?.availableBytes).to.be.at.most(512 * 1024);
  });

  it('warns VolumeOverCapacity once per crossing of the capacity', async () => {
    const dir = path.join(base, 'pv-stats');
    writeFileSync(path.join(dir, 'b'), Buffer.alloc(1024 * 1024, 7));
    await waitUntil(async () => (await overCount()) === 1, 20_000, 'one VolumeOverCapacity event');
    const [ev] = await overEvents();
    expect(ev?.type).to.equal('Warning');
    expect(ev?.involvedObject.kind).to.equal('PersistentVolumeClaim');
    // Two more periods over capacity (each seen as a changed figure): no second event.
    writeFileSync(path.join(dir, 'c'), Buffer.alloc(64 * 1024, 7));
    await waitUsed((u) => u >= (1536 + 64) * 1024, 'c counted');
    writeFileSync(path.join(dir, 'd'), Buffer.alloc(64 * 1024, 7));
    await waitUsed((u) => u >= (1536 + 128) * 1024, 'd counted');
    expect(await overCount()).to.equal(1);
    // Back under, then over again: a second warning (another size, so another message: the
    // event broadcaster holds back exact repeats for minutes, as client-go's does).
    for (const f of ['b', 'c', 'd']) unlinkSync(path.join(dir, f));
    await waitUsed((u) => u < 1024 * 1024, 'back under capacity');
    writeFileSync(path.join(dir, 'b'), Buffer.alloc(1280 * 1024, 7));
    await waitUntil(async () => (await overCount()) === 2, 20_000, 'a second VolumeOverCapacity event');
  });
});
