import { expect } from 'chai';
import type { Node, PersistentVolume } from '../../../../pkg/api/core/v1';
import { silentLogger } from '../../../../pkg/log/logger';
import { FakeClock } from '../../../../pkg/util/clock/fake';
import { ActualStateOfWorld } from '../../../../pkg/kubelet/volumemanager/actual_state';
import { DesiredStateOfWorld } from '../../../../pkg/kubelet/volumemanager/desired_state';
import { VolumeReconciler, type VolumePublisher } from '../../../../pkg/kubelet/volumemanager/reconciler';
import { advance, flush } from '../../util/wait/fake_time';
import { hostPathPv, kubeletNode, nfsPv, pinnedTo, SpyVolumeSetter } from '../fixtures';
import type { Stored } from '../../../../pkg/api/stored';

function harness(
  drivers: VolumePublisher,
  node: () => Stored<Node, 'Cluster'> | undefined = () => kubeletNode(),
): { r: VolumeReconciler; dsw: DesiredStateOfWorld; clock: FakeClock } {
  const clock = new FakeClock();
  const dsw = new DesiredStateOfWorld();
  const r = new VolumeReconciler({
    dsw,
    asw: new ActualStateOfWorld(),
    drivers,
    rootDir: '/var/lib/kubelet',
    node,
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

  it('never publishes a PV (hostPath, NFS, local) whose nodeAffinity excludes this node; a relabelled node gets it on the retry', async () => {
    const spy = new SpyVolumeSetter();
    let node = kubeletNode('node-a');
    const h = harness(spy, () => node);
    const hostPv = hostPathPv('pv-host', '/vols/pv-host');
    hostPv.spec.nodeAffinity = pinnedTo('node-b');
    const remote = nfsPv('pv-nfs');
    remote.spec.nodeAffinity = pinnedTo('node-b', 'node-c');
    const local = hostPathPv('pv-local', '/unused');
    delete local.spec.hostPath;
    local.spec.local = { path: '/var/lib/kubelet/local-volumes/a' };
    local.spec.nodeAffinity = pinnedTo('node-b');
    for (const [uid, pv] of [
      ['uid-host', hostPv],
      ['uid-nfs', remote],
      ['uid-local', local],
    ] as const)
      wantPv(h.dsw, uid, pv);
    h.r.kick();
    await h.r.idle();
    expect(spy.ops('setUp'), 'no driver is asked').to.deep.equal([]);
    expect(h.r.mountErrors.get('uid-host')).to.equal(
      'MountVolume.NodeAffinity check failed for volume "pv-host" : no matching NodeSelectorTerms (the volume is pinned to another node by its nodeAffinity: kubernetes.io/hostname In [node-b]; this is node "node-a")',
    );
    expect(h.r.mountErrors.get('uid-nfs')).to.match(/"pv-nfs" : no matching NodeSelectorTerms .*In \[node-b, node-c\]/);
    expect(h.r.mountErrors.get('uid-local')).to.match(/"pv-local" : no matching NodeSelectorTerms/);

    node = kubeletNode('node-a', { 'kubernetes.io/hostname': 'node-b' });
    await advance(h.clock, 500);
    await h.r.idle();
    expect(spy.ops('setUp').sort()).to.deep.equal(['pv-host@uid-host', 'pv-local@uid-local', 'pv-nfs@uid-nfs']);
    expect(h.r.mountErrors.size).to.equal(0);
    h.r.stop();
  });

  it('publishes nothing before the Node object is known, and retries', async () => {
    const spy = new SpyVolumeSetter();
    let node: Stored<Node, 'Cluster'> | undefined;
    const h = harness(spy, () => node);
    wantPv(h.dsw, 'uid-a', hostPathPv('pv-1', '/vols/pv-1'));
    h.r.kick();
    await h.r.idle();
    expect(spy.ops('setUp')).to.deep.equal([]);
    expect(h.r.mountErrors.get('uid-a')).to.match(/Node object/);
    node = kubeletNode();
    await advance(h.clock, 500);
    await h.r.idle();
    expect(spy.ops('setUp')).to.deep.equal(['pv-1@uid-a']);
    h.r.stop();
  });
});
