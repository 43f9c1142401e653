import { expect } from 'chai';
import type { ContainerStatus, Pod } from '../../../../pkg/api/core/v1';
import {
  containerLabels,
  type RuntimeContainer,
  type RuntimeContainerState,
} from '../../../../pkg/kubelet/runtime/interface';
import { computePodStatus, willRestart, type Waiting } from '../../../../pkg/kubelet/status/pod_status';
import { pod } from '../fixtures';

const NOW = '2024-05-01T12:00:00Z';

/** A runtime container of pod `p`'s container `name`, restart attempt `attempt`. */
function rc(p: Pod, name: string, attempt: number, state: RuntimeContainerState, exitCode?: number): RuntimeContainer {
  const labels = containerLabels({
    podUid: p.metadata.uid ?? '',
    podNamespace: 'default',
    podName: p.metadata.name ?? '',
    containerName: name,
    attempt,
  });
  return {
    id: `${name}-${attempt}`,
    name: `k8s_${name}_${attempt}`,
    labels,
    image: 'busybox:latest',
    imageId: 'sha256:abc',
    state,
    createdAt: '2024-05-01T11:00:00Z',
    ...(state !== 'created' ? { startedAt: `2024-05-01T11:0${attempt}:00Z` } : {}),
    ...(state === 'exited' ? { exitCode: exitCode ?? 0, finishedAt: `2024-05-01T11:0${attempt}:30Z` } : {}),
  };
}

function status(p: Pod, containers: RuntimeContainer[], waiting: Record<string, Waiting> = {}) {
  return computePodStatus({
    pod: p,
    containers,
    waiting: new Map(Object.entries(waiting)),
    hostIP: '10.1.2.3',
    now: NOW,
  });
}

function cs(s: ReturnType<typeof status>, name = 'app'): ContainerStatus {
  const c = s.containerStatuses?.find((x) => x.name === name);
  if (!c) throw new Error(`no status for ${name}`);
  return c;
}

describe('kubelet/status: computePodStatus', () => {
  describe('phase', () => {
    const table: {
      title: string;
      policy?: 'Always' | 'OnFailure' | 'Never';
      states: [RuntimeContainerState, number?][];
      waiting?: Waiting;
      phase: string;
    }[] = [
      { title: 'no container yet', states: [], phase: 'Pending' },
      {
        title: 'waiting for volumes (ContainerCreating)',
        states: [],
        waiting: { reason: 'ContainerCreating' },
        phase: 'Pending',
      },
      { title: 'image missing', states: [], waiting: { reason: 'ErrImageNeverPull' }, phase: 'Pending' },
      { title: 'created, not started', states: [['created']], phase: 'Pending' },
      { title: 'running', states: [['running']], phase: 'Running' },
      { title: 'Always: exited 0 (will restart)', policy: 'Always', states: [['exited', 0]], phase: 'Running' },
      { title: 'default policy (Always): exited 1', states: [['exited', 1]], phase: 'Running' },
      { title: 'OnFailure: exited 0', policy: 'OnFailure', states: [['exited', 0]], phase: 'Succeeded' },
      { title: 'OnFailure: exited 1 (will restart)', policy: 'OnFailure', states: [['exited', 1]], phase: 'Running' },
      { title: 'Never: exited 0', policy: 'Never', states: [['exited', 0]], phase: 'Succeeded' },
      { title: 'Never: exited 2', policy: 'Never', states: [['exited', 2]], phase: 'Failed' },
      {
        title: 'Always: in CrashLoopBackOff',
        policy: 'Always',
        states: [['exited', 1]],
        waiting: { reason: 'CrashLoopBackOff' },
        phase: 'Running',
      },
    ];
    for (const t of table) {
      it(`${t.title} → ${t.phase}`, () => {
        const p = pod('p', t.policy ? { restartPolicy: t.policy } : {});
        const s = status(
          p,
          t.states.map(([st, code], i) => rc(p, 'app', i, st, code)),
          t.waiting ? { app: t.waiting } : {},
        );
        expect(s.phase).to.equal(t.phase);
      });
    }

    it('Never with two containers: one exited 0, one still running → Running; both done, one failed → Failed', () => {
      const p = pod('p', {
        restartPolicy: 'Never',
        containers: [
          { name: 'a', image: 'busybox' },
          { name: 'b', image: 'busybox' },
        ],
      });
      expect(status(p, [rc(p, 'a', 0, 'exited', 0), rc(p, 'b', 0, 'running')]).phase).to.equal('Running');
      expect(status(p, [rc(p, 'a', 0, 'exited', 0), rc(p, 'b', 0, 'exited', 3)]).phase).to.equal('Failed');
      expect(status(p, [rc(p, 'a', 0, 'exited', 0), rc(p, 'b', 0, 'exited', 0)]).phase).to.equal('Succeeded');
    });
  });

  describe('container statuses', () => {
    it('running: state, ready, started, containerID, imageID, restartCount 0', () => {
      const p = pod('p');
      const c = cs(status(p, [rc(p, 'app', 0, 'running')]));
      expect(c).to.deep.equal({
        name: 'app',
        state: { running: { startedAt: '2024-05-01T11:00:00Z' } },
        lastState: {},
        ready: true,
        started: true,
        restartCount: 0,
        image: 'busybox:latest',
        imageID: 'sha256:abc',
        containerID: 'docker://app-0',
      });
    });

    it('waiting reasons and messages are reported as given', () => {
      const p = pod('p');
      const c = cs(status(p, [], { app: { reason: 'ErrImageNeverPull', message: 'no image' } }));
      expect(c.state).to.deep.equal({ waiting: { reason: 'ErrImageNeverPull', message: 'no image' } });
      expect(c.ready).to.equal(false);
      expect(c.restartCount).to.equal(0);
      expect(c).to.not.have.property('containerID');
    });

    it('no container and no waiting reason → ContainerCreating', () => {
      const p = pod('p');
      expect(cs(status(p, [])).state).to.deep.equal({ waiting: { reason: 'ContainerCreating' } });
    });

    it('terminated: exit code, Completed / Error / OOMKilled, runtime error message', () => {
      const p = pod('p', { restartPolicy: 'Never' });
      expect(cs(status(p, [rc(p, 'app', 0, 'exited', 0)])).state?.terminated).to.deep.include({
        exitCode: 0,
        reason: 'Completed',
        containerID: 'docker://app-0',
      });
      expect(cs(status(p, [rc(p, 'app', 0, 'exited', 7)])).state?.terminated).to.deep.include({
        exitCode: 7,
        reason: 'Error',
        finishedAt: '2024-05-01T11:00:30Z',
      });
      const oom = { ...rc(p, 'app', 0, 'exited', 137), oomKilled: true, error: 'out of memory' };
      expect(cs(status(p, [oom])).state?.terminated).to.deep.include({
        exitCode: 137,
        reason: 'OOMKilled',
        message: 'out of memory',
      });
    });

    it('after restarts: restartCount = attempt, lastState = the previous instance', () => {
      const p = pod('p');
      const c = cs(status(p, [rc(p, 'app', 1, 'exited', 1), rc(p, 'app', 2, 'running')]));
      expect(c.restartCount).to.equal(2);
      expect(c.state?.running).to.deep.equal({ startedAt: '2024-05-01T11:02:00Z' });
      expect(c.lastState?.terminated).to.deep.include({ exitCode: 1, reason: 'Error', containerID: 'docker://app-1' });
    });

    it('in CrashLoopBackOff: waiting with the message, lastState = the instance that just exited', () => {
      const p = pod('p');
      const c = cs(
        status(p, [rc(p, 'app', 0, 'exited', 1), rc(p, 'app', 1, 'exited', 2)], {
          app: { reason: 'CrashLoopBackOff', message: 'back-off 10s' },
        }),
      );
      expect(c.state).to.deep.equal({ waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s' } });
      expect(c.lastState?.terminated).to.deep.include({ exitCode: 2, containerID: 'docker://app-1' });
      expect(c.restartCount).to.equal(1);
    });

    it('containers are matched by name, in spec order, whatever the runtime order', () => {
      const p = pod('p', {
        containers: [
          { name: 'a', image: 'busybox' },
          { name: 'b', image: 'busybox' },
        ],
      });
      const s = status(p, [rc(p, 'b', 0, 'running'), rc(p, 'a', 1, 'running'), rc(p, 'a', 0, 'exited', 1)]);
      expect(s.containerStatuses?.map((c) => [c.name, c.restartCount, c.containerID])).to.deep.equal([
        ['a', 1, 'docker://a-1'],
        ['b', 0, 'docker://b-0'],
      ]);
    });
  });

  describe('conditions, hostIP, startTime', () => {
    it('all running → Ready; one waiting → not Ready with ContainersNotReady', () => {
      const p = pod('p', {
        containers: [
          { name: 'a', image: 'busybox' },
          { name: 'b', image: 'busybox' },
        ],
      });
      const ready = status(p, [rc(p, 'a', 0, 'running'), rc(p, 'b', 0, 'running')]);
      expect(ready.conditions?.map((c) => [c.type, c.status])).to.deep.equal([
        ['PodScheduled', 'True'],
        ['Initialized', 'True'],
        ['ContainersReady', 'True'],
        ['Ready', 'True'],
      ]);
      const notReady = status(p, [rc(p, 'a', 0, 'running')]);
      expect(notReady.conditions?.find((c) => c.type === 'Ready')).to.deep.include({
        status: 'False',
        reason: 'ContainersNotReady',
      });
      expect(ready.hostIP).to.equal('10.1.2.3');
    });

    it('a completed pod is not Ready with reason PodCompleted', () => {
      const p = pod('p', { restartPolicy: 'Never' });
      expect(status(p, [rc(p, 'app', 0, 'exited', 0)]).conditions?.find((c) => c.type === 'Ready')).to.deep.include({
        status: 'False',
        reason: 'PodCompleted',
      });
    });

    it('keeps lastTransitionTime and startTime across syncs while nothing changes', () => {
      const p = pod('p');
      p.status = {
        phase: 'Running',
        startTime: '2024-05-01T10:00:00Z',
        conditions: [
          { type: 'Ready', status: 'True', lastTransitionTime: '2024-05-01T10:00:05Z' },
          { type: 'ContainersReady', status: 'False', lastTransitionTime: '2024-05-01T10:00:05Z' },
        ],
      };
      const s = status(p, [rc(p, 'app', 0, 'running')]);
      expect(s.startTime).to.equal('2024-05-01T10:00:00Z');
      expect(s.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime).to.equal('2024-05-01T10:00:05Z');
      expect(s.conditions?.find((c) => c.type === 'ContainersReady')?.lastTransitionTime).to.equal(NOW); // it flipped
      expect(status(pod('fresh'), []).startTime).to.equal(NOW);
    });
  });

  it('willRestart follows the restart policy', () => {
    expect([willRestart('Always', 0), willRestart('Always', 1), willRestart(undefined, 0)]).to.deep.equal([
      true,
      true,
      true,
    ]);
    expect([willRestart('OnFailure', 0), willRestart('OnFailure', 1)]).to.deep.equal([false, true]);
    expect([willRestart('Never', 0), willRestart('Never', 1)]).to.deep.equal([false, false]);
  });
});
