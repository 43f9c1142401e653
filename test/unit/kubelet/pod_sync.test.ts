import { expect } from 'chai';
import type { Container, Pod } from '../../../pkg/api/core/v1';
import { notFound } from '../../../pkg/api/errors';
import { silentLogger } from '../../../pkg/log/logger';
import { KeyedBackoff } from '../../../pkg/util/wait/keyed_backoff';
import { crashLoopBackoff, syncPod, terminatePod, KubeletReason, type SyncDeps } from '../../../pkg/kubelet/pod_sync';
import { FakeRuntime } from '../../../pkg/kubelet/runtime/fake/fake_runtime';
import {
  containerLabels,
  containerName,
  ContainerRuntimeError,
  ImageNotPresentError,
  RuntimeErrorReason,
  type ContainerCreateSpec,
} from '../../../pkg/kubelet/runtime/interface';
import type { VolumePublisher } from '../../../pkg/kubelet/volumemanager/reconciler';
import { VolumeManager } from '../../../pkg/kubelet/volumemanager/volume_manager';
import { waitFor } from '../../helpers/wait';
import {
  claim,
  FakeCache,
  kubeletNode,
  hostPathPv,
  pod,
  RecordingPodWriter,
  RecordingRecorder,
  SpyVolumeSetter,
} from './fixtures';
import type { Stored } from '../../../pkg/api/stored';

type StoredPod = Stored<Pod, 'Namespaced'>;

interface Harness {
  deps: SyncDeps;
  rt: FakeRuntime;
  recorder: RecordingRecorder;
  writer: RecordingPodWriter;
  volumes: VolumeManager;
  setter: SpyVolumeSetter;
  cache: FakeCache;
  changed: string[];
}

function harness(opts: { backoff?: KeyedBackoff; setter?: VolumePublisher } = {}): Harness {
  const rt = new FakeRuntime({ images: ['busybox:latest'] });
  const recorder = new RecordingRecorder();
  const writer = new RecordingPodWriter();
  const setter = new SpyVolumeSetter('/vols');
  const cache = new FakeCache();
  const changed: string[] = [];
  const volumes = new VolumeManager({
    drivers: opts.setter ?? setter,
    rootDir: '/var/lib/kubelet',
    node: () => kubeletNode(),
    listers: cache,
    logger: silentLogger(),
    onPodChanged: (uid) => changed.push(uid),
  });
  const deps: SyncDeps = {
    runtime: rt,
    volumes,
    pods: writer,
    recorder,
    backoff: opts.backoff ?? new KeyedBackoff(crashLoopBackoff),
    hostIP: '10.0.0.1',
    networkMode: 'host',
    logger: silentLogger(),
  };
  return { deps, rt, recorder, writer, volumes, setter, cache, changed };
}

/** What the kubelet does before a sync: tell the volume manager, let it mount. */
async function prepare(h: Harness, p: StoredPod): Promise<void> {
  h.volumes.setPod(p);
  await h.volumes.idle();
}

function createSpecs(rt: FakeRuntime): ContainerCreateSpec[] {
  return rt.callsOf('createContainer').map((a) => a[0] as ContainerCreateSpec);
}

/** A runtime container of the pod made directly in the fake runtime (what an earlier kubelet left). */
async function leftover(rt: FakeRuntime, p: Pod, c: string, attempt: number, start: boolean): Promise<string> {
  const ident = {
    podUid: p.metadata.uid ?? '',
    podNamespace: 'default',
    podName: p.metadata.name ?? '',
    containerName: c,
    attempt,
  };
  const id = await rt.createContainer({
    name: containerName(ident),
    image: 'busybox:latest',
    labels: containerLabels(ident),
    binds: [],
  });
  if (start) await rt.startContainer(id);
  return id;
}

const sleeper = (name: string, extra: Partial<Container> = {}): Container => ({
  name,
  image: 'busybox:latest',
  command: ['sh', '-c'],
  args: ['sleep 3600'],
  ...extra,
});

describe('kubelet: syncPod with the fake runtime', () => {
  let h: Harness;
  afterEach(() => h.volumes.stop());

  describe('creating containers', () => {
    it('creates and starts each container with its binds (host:container[:ro]), labels, command and env', async () => {
      h = harness();
      h.cache.add(claim('data', 'pv-1'), hostPathPv('pv-1', '/vols/pv-1'));
      const p = pod('web', {
        uid: '0a1b2c3d-0000-4000-8000-000000000001',
        claims: { 'data-volume': 'data' },
        containers: [
          sleeper('writer', {
            env: [{ name: 'A', value: '1' }],
            workingDir: '/data',
            volumeMounts: [{ name: 'data-volume', mountPath: '/data' }],
          }),
          sleeper('reader', {
            volumeMounts: [
              { name: 'data-volume', mountPath: '/in', readOnly: true },
              { name: 'data-volume', mountPath: '/logs', subPath: 'logs' },
            ],
          }),
        ],
      });
      await prepare(h, p);
      const res = await syncPod(h.deps, p);
      expect(res).to.equal(undefined);

      const specs = createSpecs(h.rt);
      expect(specs.map((s) => s.name)).to.deep.equal([
        'k8s_writer_web_default_0a1b2c3d_0',
        'k8s_reader_web_default_0a1b2c3d_0',
      ]);
      const [writer, reader] = specs;
      expect(writer?.binds).to.deep.equal(['/vols/pv-1:/data']);
      expect(reader?.binds).to.deep.equal(['/vols/pv-1:/in:ro', '/vols/pv-1/logs:/logs']);
      expect(writer?.labels).to.deep.equal({
        'io.kubernetes.pod.uid': p.metadata.uid,
        'io.kubernetes.pod.namespace': 'default',
        'io.kubernetes.pod.name': 'web',
        'io.kubernetes.container.name': 'writer',
        'io.kubestore.container.attempt': '0',
      });
      expect(writer).to.deep.include({
        image: 'busybox:latest',
        command: ['sh', '-c'],
        args: ['sleep 3600'],
        workingDir: '/data',
        networkMode: 'host',
        hostname: 'web',
      });
      expect(writer?.env).to.deep.equal([{ name: 'A', value: '1' }]);
      expect([...h.rt.containers.values()].map((c) => c.state)).to.deep.equal(['running', 'running']);

      expect(h.recorder.reasons()).to.deep.equal(['Created', 'Started', 'Created', 'Started']);
      const st = h.writer.last();
      expect(st.phase).to.equal('Running');
      expect(st.hostIP).to.equal('10.0.0.1');
      expect(st.podIP).to.equal('10.0.0.1'); // host network
      expect(st.containerStatuses?.map((c) => [c.name, Object.keys(c.state ?? {})[0], c.ready])).to.deep.equal([
        ['writer', 'running', true],
        ['reader', 'running', true],
      ]);
    });

    it('passes stdin, stdinOnce and tty to the runtime (stdinOnce only with stdin), none by default', async () => {
      h = harness();
      const p = pod('tty', {
        containers: [
          sleeper('shell', { stdin: true, stdinOnce: true, tty: true }),
          sleeper('once', { stdinOnce: true }),
          sleeper('plain'),
        ],
      });
      await prepare(h, p);
      await syncPod(h.deps, p);
      const pick = (s: { stdin?: boolean; stdinOnce?: boolean; tty?: boolean } | undefined) => ({
        stdin: s?.stdin,
        stdinOnce: s?.stdinOnce,
        tty: s?.tty,
      });
      const [shell, once, plain] = createSpecs(h.rt);
      expect(pick(shell)).to.deep.equal({ stdin: true, stdinOnce: true, tty: true });
      expect(pick(once)).to.deep.equal({ stdin: undefined, stdinOnce: undefined, tty: undefined });
      expect(pick(plain)).to.deep.equal({ stdin: undefined, stdinOnce: undefined, tty: undefined });
      const running = await h.rt.listContainers();
      expect(running.find((c) => c.name.startsWith('k8s_shell_'))).to.deep.include({ stdin: true, tty: true });
    });

    it('a read-only claim source binds :ro for every mount', async () => {
      h = harness();
      h.cache.add(claim('data', 'pv-1'), hostPathPv('pv-1', '/vols/pv-1'));
      const p = pod('ro', {
        claims: { d: { claimName: 'data', readOnly: true } },
        containers: [sleeper('app', { volumeMounts: [{ name: 'd', mountPath: '/data' }] })],
      });
      await prepare(h, p);
      await syncPod(h.deps, p);
      expect(createSpecs(h.rt)[0]?.binds).to.deep.equal(['/vols/pv-1:/data:ro']);
    });

    it('a second sync of a running pod changes nothing (no create, no start, no status write)', async () => {
      h = harness();
      const p = pod('web');
      await prepare(h, p);
      await syncPod(h.deps, p);
      p.status = h.writer.last();
      const calls = h.rt.calls.length;
      await syncPod(h.deps, p);
      expect(h.rt.calls.slice(calls).map((c) => c.method)).to.deep.equal(['listContainers', 'listContainers']);
      expect(h.writer.statuses).to.have.length(1);
    });
  });

  describe('adopting what an earlier kubelet left', () => {
    it('a running container is adopted, not duplicated', async () => {
      h = harness();
      const p = pod('web');
      const id = await leftover(h.rt, p, 'app', 0, true);
      await prepare(h, p);
      await syncPod(h.deps, p);
      expect(h.rt.callsOf('createContainer')).to.have.length(1); // only leftover()'s
      expect(h.rt.containers.size).to.equal(1);
      expect(h.writer.last().containerStatuses?.[0]).to.deep.include({
        containerID: `docker://${id}`,
        restartCount: 0,
        ready: true,
      });
    });

    it("a 'created' container left by a crash is started, not re-created", async () => {
      h = harness();
      const p = pod('web');
      const id = await leftover(h.rt, p, 'app', 0, false);
      await prepare(h, p);
      await syncPod(h.deps, p);
      expect(h.rt.callsOf('startContainer')).to.deep.equal([[id]]);
      expect(h.rt.callsOf('createContainer')).to.have.length(1);
      expect(h.rt.containers.get(id)?.state).to.equal('running');
      expect(h.writer.last().phase).to.equal('Running');
    });
  });

  describe('restart policy and CrashLoopBackOff', () => {
    /** Makes the newest instance of `c` look as if it exited `ms` ago (time passing for the backoff). */
    const age = (rt: FakeRuntime, ms: number): void => {
      for (const c of rt.containers.values())
        if (c.finishedAt) c.finishedAt = new Date(Date.parse(c.finishedAt) - ms).toISOString();
    };

    it('Always: restarts at once the first time, then waits in CrashLoopBackOff, then restarts after the delay', async () => {
      h = harness();
      h.rt.setExitOnStart('app', 1, 'boom\n');
      const p = pod('crash', { restartPolicy: 'Always' });
      await prepare(h, p);

      await syncPod(h.deps, p); // attempt 0 starts and exits
      expect(h.writer.last().containerStatuses?.[0]?.state?.terminated).to.deep.include({
        exitCode: 1,
        reason: 'Error',
      });

      await syncPod(h.deps, p); // first restart: no delay
      expect(createSpecs(h.rt).map((s) => s.labels['io.kubestore.container.attempt'])).to.deep.equal(['0', '1']);

      const res = await syncPod(h.deps, p); // attempt 1 exited: back off 10 s
      expect(res?.requeueAfter).to.be.within(9_000, 10_000);
      expect(createSpecs(h.rt)).to.have.length(2);
      const st = h.writer.last();
      expect(st.phase).to.equal('Running');
      const cs = st.containerStatuses?.[0];
      expect(cs?.state?.waiting?.reason).to.equal('CrashLoopBackOff');
      expect(cs?.state?.waiting?.message).to.match(
        /^back-off 10s restarting failed container=app pod=crash_default\(uid-crash/,
      );
      expect(cs?.restartCount).to.equal(1);
      expect(cs?.lastState?.terminated).to.deep.include({ exitCode: 1 });
      expect(
        h.recorder.events.filter((e) => e.reason === KubeletReason.BackOff && e.type === 'Warning'),
      ).to.have.length(1);

      age(h.rt, 10_001); // the 10 s have passed
      await syncPod(h.deps, p);
      expect(createSpecs(h.rt).map((s) => s.labels['io.kubestore.container.attempt'])).to.deep.equal(['0', '1', '2']);
      // Only the previous instance is kept (for --previous).
      expect([...h.rt.containers.values()].map((c) => c.labels['io.kubestore.container.attempt']).sort()).to.deep.equal(
        ['1', '2'],
      );
      expect(h.writer.last().containerStatuses?.[0]?.restartCount).to.equal(2);

      const res2 = await syncPod(h.deps, p); // the delay doubled
      expect(res2?.requeueAfter).to.be.within(19_000, 20_000);
      expect(h.writer.last().containerStatuses?.[0]?.state?.waiting?.message).to.match(/^back-off 20s /);
    });

    it('Always: a container that exited 0 is restarted too', async () => {
      h = harness();
      h.rt.setExitOnStart('app', 0);
      const p = pod('done', { restartPolicy: 'Always' });
      await prepare(h, p);
      await syncPod(h.deps, p);
      await syncPod(h.deps, p);
      expect(createSpecs(h.rt)).to.have.length(2);
    });

    const noRestart: { policy: 'Never' | 'OnFailure'; code: number; phase: string }[] = [
      { policy: 'Never', code: 0, phase: 'Succeeded' },
      { policy: 'Never', code: 3, phase: 'Failed' },
      { policy: 'OnFailure', code: 0, phase: 'Succeeded' },
    ];
    for (const t of noRestart) {
      it(`${t.policy}: exit ${t.code} is not restarted; phase ${t.phase}`, async () => {
        h = harness();
        h.rt.setExitOnStart('app', t.code);
        const p = pod('job', { restartPolicy: t.policy });
        await prepare(h, p);
        await syncPod(h.deps, p);
        p.status = h.writer.last();
        const res = await syncPod(h.deps, p);
        expect(res).to.equal(undefined);
        expect(createSpecs(h.rt)).to.have.length(1);
        expect(h.writer.last().phase).to.equal(t.phase);
        expect(h.writer.last().containerStatuses?.[0]?.state?.terminated?.exitCode).to.equal(t.code);
      });
    }

    it('OnFailure: exit 1 is restarted', async () => {
      h = harness();
      h.rt.setExitOnStart('app', 1);
      const p = pod('job', { restartPolicy: 'OnFailure' });
      await prepare(h, p);
      await syncPod(h.deps, p);
      h.rt.clearExitOnStart('app');
      await syncPod(h.deps, p);
      expect(createSpecs(h.rt)).to.have.length(2);
      const cs = h.writer.last().containerStatuses?.[0];
      expect(cs?.state?.running).to.not.equal(undefined);
      expect(cs?.restartCount).to.equal(1);
      expect(cs?.lastState?.terminated?.exitCode).to.equal(1);
    });
  });

  describe('images and runtime errors', () => {
    it('a missing image with pullPolicy Never: ErrImageNeverPull waiting + event, no container, retried later', async () => {
      h = harness();
      const p = pod('noimg', { containers: [sleeper('app', { image: 'nosuch:1.0', imagePullPolicy: 'Never' })] });
      await prepare(h, p);
      const res = await syncPod(h.deps, p);
      expect(res).to.deep.equal({ requeueAfter: 10_000 });
      expect(h.rt.callsOf('createContainer')).to.deep.equal([]);
      const st = h.writer.last();
      expect(st.phase).to.equal('Pending');
      expect(st.containerStatuses?.[0]?.state?.waiting).to.deep.equal({
        reason: 'ErrImageNeverPull',
        message: 'Container image "nosuch:1.0" is not present with pull policy of Never',
      });
      expect(h.recorder.events).to.deep.include({
        object: 'default/noimg',
        type: 'Warning',
        reason: 'ErrImageNeverPull',
        message: 'Container image "nosuch:1.0" is not present with pull policy of Never',
      });

      h.rt.addImage('nosuch:1.0'); // loaded later: the next sync starts it
      await syncPod(h.deps, p);
      expect(h.writer.last().phase).to.equal('Running');
    });

    it('a missing image with IfNotPresent: ErrImagePull (no registry), no crash', async () => {
      h = harness();
      const p = pod('noimg', { containers: [sleeper('app', { image: 'nosuch' })] });
      await prepare(h, p);
      await syncPod(h.deps, p);
      expect(h.writer.last().containerStatuses?.[0]?.state?.waiting?.reason).to.equal('ErrImagePull');
      expect(h.recorder.reasons()).to.include('ErrImagePull');
    });

    it('an image removed between the check and the create: ErrImageNeverPull, no crash', async () => {
      h = harness();
      h.rt.failNext('createContainer', new ImageNotPresentError('busybox:latest'));
      const p = pod('race');
      await prepare(h, p);
      await syncPod(h.deps, p);
      expect(h.writer.last().containerStatuses?.[0]?.state?.waiting?.reason).to.equal('ErrImageNeverPull');
    });

    it('a create error: waiting with the runtime reason and a Failed event', async () => {
      h = harness();
      h.rt.failNext(
        'createContainer',
        new ContainerRuntimeError(RuntimeErrorReason.CreateContainerError, 'invalid mount config'),
      );
      const p = pod('bad');
      await prepare(h, p);
      const res = await syncPod(h.deps, p);
      expect(res?.requeueAfter).to.be.a('number');
      expect(h.writer.last().containerStatuses?.[0]?.state?.waiting).to.deep.equal({
        reason: 'CreateContainerError',
        message: 'invalid mount config',
      });
      expect(h.recorder.events.find((e) => e.reason === 'Failed')?.message).to.equal('Error: invalid mount config');
    });
  });

  describe('volumes', () => {
    for (const t of [
      { title: 'missing', objects: () => [], cause: /persistentvolumeclaim "data" not found/ },
      { title: 'not bound', objects: () => [claim('data')], cause: /persistentvolumeclaim "data" is not bound/ },
      {
        title: 'being deleted',
        objects: () => [claim('data', 'pv-1', { deleting: true }), hostPathPv('pv-1', '/vols/pv-1')],
        cause: /persistentvolumeclaim "data" is being deleted/,
      },
      {
        title: 'bound to a Block volume',
        objects: () => {
          const block = hostPathPv('pv-1', '/vols/pv-1');
          block.spec.volumeMode = 'Block';
          return [claim('data', 'pv-1'), block];
        },
        cause: /persistentvolumeclaim "data" has volumeMode Block: block volumes are not supported/,
      },
    ]) {
      it(`claim ${t.title}: no container; ContainerCreating (Pending) and a FailedMount event naming the cause`, async () => {
        h = harness();
        h.cache.add(...t.objects());
        const p = pod('waits', {
          claims: { d: 'data' },
          containers: [sleeper('app', { volumeMounts: [{ name: 'd', mountPath: '/data' }] })],
        });
        await prepare(h, p);
        await syncPod(h.deps, p);
        expect(h.rt.callsOf('createContainer')).to.deep.equal([]);
        const st = h.writer.last();
        expect(st.phase).to.equal('Pending');
        expect(st.containerStatuses?.[0]?.state?.waiting?.reason).to.equal('ContainerCreating');
        expect(st.containerStatuses?.[0]?.state?.waiting?.message).to.match(t.cause);
        const ev = h.recorder.events.find((e) => e.reason === KubeletReason.FailedMount);
        expect(ev?.type).to.equal('Warning');
        expect(ev?.message).to.match(t.cause);
      });
    }

    it('the claim binds later: the pod is woken (onPodChanged) and its next sync starts it', async () => {
      h = harness();
      const p = pod('late', {
        claims: { d: 'data' },
        containers: [sleeper('app', { volumeMounts: [{ name: 'd', mountPath: '/data' }] })],
      });
      await prepare(h, p);
      await syncPod(h.deps, p);
      expect(h.writer.last().phase).to.equal('Pending');
      h.cache.add(claim('data', 'pv-1'), hostPathPv('pv-1', '/vols/pv-1'));
      h.volumes.refresh(() => true);
      await h.volumes.idle();
      expect(h.changed).to.include(p.metadata.uid);
      await syncPod(h.deps, p);
      expect(createSpecs(h.rt)[0]?.binds).to.deep.equal(['/vols/pv-1:/data']);
      expect(h.writer.last().phase).to.equal('Running');
    });

    it('a volume still being mounted: ContainerCreating, but no FailedMount warning (nothing failed)', async () => {
      // A setUp that only finishes when told to, as a slow real mount would.
      let release: () => void = () => undefined;
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const slow = new SpyVolumeSetter('/vols');
      const setter: VolumePublisher = {
        publishVolume: async (pv, ctx) => {
          await gate;
          return slow.publishVolume(pv, ctx);
        },
        unpublishVolume: (pv, ctx) => slow.unpublishVolume(pv, ctx),
      };
      h = harness({ setter });
      h.cache.add(claim('data', 'pv-1'), hostPathPv('pv-1', '/vols/pv-1'));
      const p = pod('slow', {
        claims: { d: 'data' },
        containers: [sleeper('app', { volumeMounts: [{ name: 'd', mountPath: '/data' }] })],
      });
      h.volumes.setPod(p); // what the kubelet does right before syncPod
      await syncPod(h.deps, p);
      expect(h.rt.callsOf('createContainer')).to.deep.equal([]);
      expect(h.writer.last().containerStatuses?.[0]?.state?.waiting?.reason).to.equal('ContainerCreating');
      expect(h.recorder.events.filter((e) => e.type === 'Warning')).to.deep.equal([]);
      release();
      await h.volumes.idle();
      expect(h.changed).to.include(p.metadata.uid);
      await syncPod(h.deps, p);
      expect(h.writer.last().phase).to.equal('Running');
    });
  });

  describe('terminatePod', () => {
    const deleting = (p: StoredPod, grace: number): StoredPod => ({
      ...p,
      metadata: { ...p.metadata, deletionTimestamp: '2024-05-01T12:00:00Z', deletionGracePeriodSeconds: grace },
    });

    it('stops (with the grace period), removes, tears down volumes, then confirms the deletion', async () => {
      h = harness();
      h.cache.add(claim('data', 'pv-1'), hostPathPv('pv-1', '/vols/pv-1'));
      const p = pod('bye', {
        claims: { d: 'data' },
        containers: [sleeper('a', { volumeMounts: [{ name: 'd', mountPath: '/data' }] }), sleeper('b')],
      });
      await prepare(h, p);
      await syncPod(h.deps, p);
      const ids = [...h.rt.containers.keys()];
      expect(ids).to.have.length(2);
      h.rt.calls.length = 0;

      await syncPod(h.deps, deleting(p, 7)); // syncPod routes a pod being deleted to terminatePod
      expect(h.rt.callsOf('stopContainer').map((a) => a[1])).to.deep.equal([7, 7]);
      expect(
        h.rt
          .callsOf('stopContainer')
          .map((a) => a[0])
          .sort(),
      ).to.deep.equal([...ids].sort());
      expect(h.rt.containers.size).to.equal(0);
      expect(h.setter.ops('tearDown')).to.deep.equal([`pv-1@${p.metadata.uid ?? ''}`]);
      expect(h.volumes.podVolumesTornDown(p.metadata.uid ?? '')).to.equal(true);
      expect(h.writer.confirmed).to.deep.equal([{ namespace: 'default', name: 'bye', uid: p.metadata.uid }]);
      expect(h.recorder.events.find((e) => e.reason === 'Killing')?.message).to.match(
        /^Stopping containers (a, b|b, a)$/,
      );
      expect(h.rt.callsOf('createContainer')).to.deep.equal([]); // never starts anything while deleting
    });

    it('without deletionGracePeriodSeconds uses spec.terminationGracePeriodSeconds; removes exited containers too', async () => {
      h = harness();
      h.rt.setExitOnStart('app', 0);
      const p = pod('bye', { restartPolicy: 'Never' });
      await prepare(h, p);
      await syncPod(h.deps, p);
      const running = await leftover(h.rt, p, 'other', 0, true);
      await terminatePod(h.deps, { ...p, metadata: { ...p.metadata, deletionTimestamp: '2024-05-01T12:00:00Z' } });
      expect(h.rt.callsOf('stopContainer')).to.deep.equal([[running, 30]]);
      expect(h.rt.containers.size).to.equal(0);
      expect(h.writer.confirmed).to.have.length(1);
    });

    it('a pod already gone (NotFound on confirm) is done; a volume that will not tear down blocks the confirmation', async () => {
      h = harness();
      h.cache.add(claim('data', 'pv-1'), hostPathPv('pv-1', '/vols/pv-1'));
      const p = pod('bye', { claims: { d: 'data' } });
      await prepare(h, p);
      await syncPod(h.deps, p);

      h.setter.failTearDown.set('pv-1', 1);
      let err: unknown;
      await terminatePod(h.deps, deleting(p, 0)).catch((e: unknown) => {
        err = e;
      });
      expect((err as Error | undefined)?.message).to.match(/volumes of pod bye are not torn down yet/);
      expect(h.writer.confirmed).to.deep.equal([]);

      h.writer.failConfirm = notFound({ resource: 'pods' }, 'bye');
      await h.volumes.idle();
      // The reconciler retries the tearDown on its own; a later sync confirms (here: NotFound = done).
      await waitFor(() => h.volumes.podVolumesTornDown(p.metadata.uid ?? ''), 5000, 'the retried tearDown');
      await terminatePod(h.deps, deleting(p, 0));
      expect(h.writer.confirmed).to.deep.equal([]);
    });
  });
});
