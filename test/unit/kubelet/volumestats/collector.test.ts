import { expect } from 'chai';
import { FakeRecorder } from '../../../../pkg/client/record/recorder';
import { silentLogger } from '../../../../pkg/log/logger';
import { Registry } from '../../../../pkg/metrics/registry';
import { FakeClock } from '../../../../pkg/util/clock/fake';
import {
  type FsInfo,
  type MountedClaimVolume,
  type StatsFs,
  VolumeStatsCollector,
  VolumeStatsReason,
} from '../../../../pkg/kubelet/volumestats/collector';
import { registerVolumeStatsMetrics } from '../../../../pkg/kubelet/volumestats/metrics';
import { volumeSummary } from '../../../../pkg/kubelet/volumestats/summary';
import { waitFor } from '../../../helpers/wait';

const GiB = 1024 ** 3;

function vol(pod: string, pv: string, claim: string, capacity?: number): MountedClaimVolume {
  return {
    pod: { namespace: 'ns', name: pod, uid: `uid-${pod}` },
    volumeName: 'data',
    claim: { namespace: 'ns', name: claim, uid: `uid-${claim}` },
    pvName: pv,
    ...(capacity !== undefined ? { pvCapacityBytes: capacity } : {}),
    hostPath: `/vols/${pv}`,
  };
}

/** A fake filesystem: 10 GiB, 4 GiB available, 1000 inodes of which 900 free; used per path. */
class FakeFs implements StatsFs {
  used = new Map<string, number>();
  calls: string[] = [];
  info: FsInfo = { capacityBytes: 10 * GiB, availableBytes: 4 * GiB, inodes: 1000, inodesFree: 900 };
  async fsInfo(dir: string): Promise<FsInfo> {
    if (dir.includes('broken')) throw new Error('ENOENT');
    return this.info;
  }
  async usage(dir: string) {
    this.calls.push(dir);
    return { usedBytes: this.used.get(dir) ?? 0, inodesUsed: 3, complete: true };
  }
}

describe('kubelet: volume stats collector', () => {
  let fs: FakeFs;
  let clock: FakeClock;
  let recorder: FakeRecorder;
  let volumes: MountedClaimVolume[];
  let c: VolumeStatsCollector;

  beforeEach(() => {
    fs = new FakeFs();
    clock = new FakeClock(Date.UTC(2026, 0, 2, 3, 4, 5));
    recorder = new FakeRecorder();
    volumes = [vol('a', 'pv-1', 'c1', GiB), vol('b', 'pv-1', 'c1', GiB), vol('a', 'pv-2', 'c2', 100 * GiB)];
    c = new VolumeStatsCollector({
      volumes: () => volumes,
      fs,
      recorder,
      periodMs: 60_000,
      logger: silentLogger(),
      clock,
    });
  });

  it('measures each PV once: capacity is min(PV, filesystem), available is bounded by both', async () => {
    fs.used.set('/vols/pv-1', 100);
    await c.collect();
    expect(fs.calls.sort()).to.deep.equal(['/vols/pv-1', '/vols/pv-2']);
    expect(c.get('pv-1')).to.deep.equal({
      time: '2026-01-02T03:04:05Z',
      capacityBytes: GiB,
      usedBytes: 100,
      availableBytes: GiB - 100,
      inodes: 1000,
      inodesUsed: 3,
      inodesFree: 900,
    });
    expect(c.get('pv-2')?.capacityBytes).to.equal(10 * GiB);
    expect(c.get('pv-2')?.availableBytes).to.equal(4 * GiB);
  });

  it('a PV without capacity reports the filesystem; a failing one reports nothing', async () => {
    volumes = [vol('a', 'pv-x', 'cx'), { ...vol('a', 'pv-b', 'cb', GiB), hostPath: '/vols/broken' }];
    await c.collect();
    expect(c.get('pv-x')?.capacityBytes).to.equal(10 * GiB);
    expect(c.get('pv-b')).to.equal(undefined);
  });

  it('warns VolumeOverCapacity on the claim once per crossing', async () => {
    fs.used.set('/vols/pv-1', GiB + 1);
    await c.collect();
    await c.collect();
    expect(recorder.events).to.have.length(1);
    expect(recorder.events[0]).to.include({
      object: 'ns/c1',
      type: 'Warning',
      reason: VolumeStatsReason.VolumeOverCapacity,
    });
    expect(recorder.events[0]?.message).to.match(/uses 1073741825 bytes, more than its capacity of 1073741824/);
    expect(c.get('pv-1')?.availableBytes).to.equal(0);
    fs.used.set('/vols/pv-1', GiB);
    await c.collect();
    fs.used.set('/vols/pv-1', 2 * GiB);
    await c.collect();
    expect(recorder.events).to.have.length(2);
  });

  it('forgets unmounted volumes', async () => {
    await c.collect();
    volumes = volumes.filter((v) => v.pvName !== 'pv-2');
    await c.collect();
    expect(c.get('pv-2')).to.equal(undefined);
  });

  it('runs every period on its clock and stops on abort', async () => {
    const ac = new AbortController();
    const done = c.run(ac.signal);
    await waitFor(() => c.completedRounds === 1);
    fs.used.set('/vols/pv-1', 4096);
    expect(c.get('pv-1')?.usedBytes).to.equal(0);
    clock.step(59_999);
    expect(c.completedRounds).to.equal(1);
    clock.step(1);
    await waitFor(() => c.completedRounds === 2);
    expect(c.get('pv-1')?.usedBytes).to.equal(4096);
    ac.abort();
    await done;
  });

  it('a slow walk never blocks a scrape (the last figures are served) and rounds never overlap', async () => {
    const registry = new Registry();
    registerVolumeStatsMetrics(registry, c, () => volumes);
    fs.used.set('/vols/pv-1', 4096);
    await c.collect();
    let release: () => void = () => undefined;
    let walks = 0;
    const slow = fs.usage.bind(fs);
    fs.usage = async (dir) => {
      walks++;
      await new Promise<void>((r) => {
        release = r;
      });
      return slow(dir);
    };
    const ac = new AbortController();
    const done = c.run(ac.signal);
    await waitFor(() => walks === 1);
    expect(registry.render()).to.include(
      'kubelet_volume_stats_used_bytes{namespace="ns",persistentvolumeclaim="c1"} 4096',
    );
    clock.step(10 * 60_000); // the period passes while the walk hangs: no second walk starts
    expect(walks).to.equal(1);
    ac.abort();
    release();
    await waitFor(() => walks === 2);
    release();
    await done;
  });

  it('exports kubelet_volume_stats_* per claim, labelled namespace and persistentvolumeclaim', async () => {
    const registry = new Registry();
    registerVolumeStatsMetrics(registry, c, () => volumes);
    fs.used.set('/vols/pv-1', 8192);
    await c.collect();
    const text = registry.render();
    const line = (name: string, claim: string) =>
      text.split('\n').filter((l) => l.startsWith(`${name}{namespace="ns",persistentvolumeclaim="${claim}"} `));
    expect(line('kubelet_volume_stats_used_bytes', 'c1')).to.deep.equal([
      'kubelet_volume_stats_used_bytes{namespace="ns",persistentvolumeclaim="c1"} 8192',
    ]);
    expect(line('kubelet_volume_stats_capacity_bytes', 'c1')).to.deep.equal([
      `kubelet_volume_stats_capacity_bytes{namespace="ns",persistentvolumeclaim="c1"} ${GiB}`,
    ]);
    expect(line('kubelet_volume_stats_available_bytes', 'c2')).to.have.length(1);
    expect(line('kubelet_volume_stats_inodes', 'c1')[0]).to.match(/ 1000$/);
    expect(line('kubelet_volume_stats_inodes_free', 'c1')[0]).to.match(/ 900$/);
    expect(line('kubelet_volume_stats_inodes_used', 'c1')[0]).to.match(/ 3$/);
    expect(text).to.include('# TYPE kubelet_volume_stats_used_bytes gauge');
  });

  it('shapes /stats/summary as the kubelet summary API: pods[].podRef, volume[] with pvcRef', async () => {
    await c.collect();
    const s = volumeSummary('node-a', c, volumes);
    expect(s.node).to.deep.equal({ nodeName: 'node-a' });
    expect(s.pods.map((p) => p.podRef)).to.deep.equal([
      { namespace: 'ns', name: 'a', uid: 'uid-a' },
      { namespace: 'ns', name: 'b', uid: 'uid-b' },
    ]);
    const a = s.pods[0]?.volume ?? [];
    expect(a.map((v) => v.pvcRef.name)).to.deep.equal(['c1', 'c2']);
    expect(a[0]).to.include({
      name: 'data',
      capacityBytes: GiB,
      usedBytes: 0,
      inodes: 1000,
      inodesFree: 900,
      inodesUsed: 3,
    });
    expect(a[0]?.time).to.equal('2026-01-02T03:04:05Z');
  });
});
