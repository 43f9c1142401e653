import { expect } from 'chai';
import type { PersistentVolume } from '../../../../pkg/api/core/v1';
import { silentLogger } from '../../../../pkg/log/logger';
import { FakeClock } from '../../../../pkg/util/clock/fake';
import { ActualStateOfWorld } from '../../../../pkg/kubelet/volumemanager/actual_state';
import { DesiredStateOfWorld } from '../../../../pkg/kubelet/volumemanager/desired_state';
import { VolumeReconciler, type VolumePublisher } from '../../../../pkg/kubelet/volumemanager/reconciler';
import { advance, flush } from '../../util/wait/fake_time';
import { hostPathPv, SpyVolumeSetter } from '../fixtures';
import type { Stored } from '../../../../pkg/api/stored';

function harness(drivers: VolumePublisher): { r: VolumeReconciler; dsw: DesiredStateOfWorld; clock: FakeClock } {
  const clock = new FakeClock();
  const dsw = new DesiredStateOfWorld();
  const r = new VolumeReconciler({
    dsw,
    asw: new ActualStateOfWorld(),
    drivers,
    rootDir: '/var/lib/kubelet',
    logger: silentLogger(),
    onPodChanged: () => undefined,
    clock,
  });
  return { r, dsw, clock };
}

const wantPv = (dsw: DesiredStateOfWorld, uid: string, pv: Stored<PersistentVolume, 'Cluster'>): void =>
  dsw.setPod({
    podUid: uid,
    podKey: `default/${uid}`,
    volumes: [{ volumeName: 'data', claimKey: 'default/data', readOnly: false, pv }],
  });

describe('kubelet/volumemanager: VolumeReconciler', () => {
  it('retries a failed setUp after 0.5 s, 1 s, 2 s … on the clock, and a clean run resets the backoff', async () => {
    const spy = new SpyVolumeSetter();
    spy.failSetUp.set('pv-1', { times: 3, message: 'not yet' });
    const h = harness(spy);
    wantPv(h.dsw, 'uid-a', hostPathPv('pv-1', '/vols/pv-1'));
    h.r.kick();
    await h.r.idle();
    expect(h.r.mountErrors.get('uid-a')).to.match(/not yet/);
    await advance(h.clock, 490);
    expect(spy.ops('setUp'), 'no retry before 0.5 s').to.have.length(1);
    await advance(h.clock, 10);
    expect(spy.ops('setUp')).to.have.length(2);
    await advance(h.clock, 990);
    expect(spy.ops('setUp'), 'the second retry waits 1 s').to.have.length(2);
    await advance(h.clock, 10);
    expect(spy.ops('setUp')).to.have.length(3);
    await advance(h.clock, 2000);
    expect(spy.ops('setUp')).to.have.length(4);
    await h.r.idle();
    expect(h.r.mountErrors.has('uid-a')).to.equal(false);
    expect(h.clock.pendingTimers(), 'nothing scheduled after a clean run').to.equal(0);

    spy.failSetUp.set('pv-2', { times: 1, message: 'again' });
    wantPv(h.dsw, 'uid-b', hostPathPv('pv-2', '/vols/pv-2'));
    h.r.kick();
    await h.r.idle();
    await advance(h.clock, 500);
    expect(
      spy.ops('setUp').filter((op) => op.startsWith('pv-2')),
      'the backoff starts over at 0.5 s',
    ).to.have.length(2);
    h.r.stop();
  });

  it('idle() resolves when the run in progress and the re-run it coalesced are done, with no timer', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const setUps: string[] = [];
    const h = harness({
      publishVolume: async (pv) => {
        setUps.push(pv.metadata.name ?? '');
        await gate;
        return { hostPath: `/vols/${pv.metadata.name ?? ''}` };
      },
      unpublishVolume: async () => undefined,
    });
    wantPv(h.dsw, 'uid-a', hostPathPv('pv-1', '/vols/pv-1'));
    h.r.kick();
    wantPv(h.dsw, 'uid-b', hostPathPv('pv-2', '/vols/pv-2'));
    h.r.kick(); // coalesced: runs again after the first pass
    let idle = false;
    void h.r.idle().then(() => (idle = true));
    await flush();
    expect(idle).to.equal(false);
    expect(h.clock.pendingTimers(), 'idle() does not poll').to.equal(0);
    release();
    await h.r.idle();
    expect(idle).to.equal(true);
    expect(setUps).to.deep.equal(['pv-1', 'pv-2']);
  });

  it('stop() cancels a scheduled retry and no run starts afterwards', async () => {
    const spy = new SpyVolumeSetter();
    spy.failSetUp.set('pv-1', { times: 5, message: 'no' });
    const h = harness(spy);
    wantPv(h.dsw, 'uid-a', hostPathPv('pv-1', '/vols/pv-1'));
    h.r.kick();
    await h.r.idle();
    expect(h.clock.pendingTimers()).to.equal(1);
    h.r.stop();
    expect(h.clock.pendingTimers()).to.equal(0);
    h.r.kick();
    await advance(h.clock, 1000);
    expect(spy.ops('setUp')).to.have.length(1);
  });
});
