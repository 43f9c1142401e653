import { expect } from 'chai';
import type Dockerode from 'dockerode';
import { dockerEnv, fromInspect, toCreateOptions } from '../../../../../pkg/kubelet/runtime/docker/convert';
import { parseEvent } from '../../../../../pkg/kubelet/runtime/docker/docker_runtime';
import { RuntimeContainerState, type ContainerCreateSpec } from '../../../../../pkg/kubelet/runtime/interface';

const base: ContainerCreateSpec = {
  name: 'k8s_app_web_default_0a1b2c3d_0',
  image: 'busybox:latest',
  labels: { a: 'b' },
  binds: ['/h:/c:ro'],
};

describe('runtime/docker: create options (Kubernetes command/args semantics)', () => {
  it('neither command nor args: the image ENTRYPOINT and CMD run (nothing set)', () => {
    const o = toCreateOptions(base, 'none');
    expect(o.Entrypoint).to.equal(undefined);
    expect(o.Cmd).to.equal(undefined);
  });

  it('command only: Entrypoint = command and no Cmd (Docker then drops the image CMD)', () => {
    const o = toCreateOptions({ ...base, command: ['sh', '-c', 'echo hi'] }, 'none');
    expect(o.Entrypoint).to.deep.equal(['sh', '-c', 'echo hi']);
    expect(o.Cmd).to.equal(undefined);
  });

  it('args only: Cmd = args, image ENTRYPOINT kept', () => {
    const o = toCreateOptions({ ...base, args: ['--port', '80'] }, 'none');
    expect(o.Entrypoint).to.equal(undefined);
    expect(o.Cmd).to.deep.equal(['--port', '80']);
  });

  it('command and args: both replaced', () => {
    const o = toCreateOptions({ ...base, command: ['sleep'], args: ['10'] }, 'none');
    expect(o.Entrypoint).to.deep.equal(['sleep']);
    expect(o.Cmd).to.deep.equal(['10']);
  });

  it('binds, labels, restart policy "no", default and explicit network mode', () => {
    const o = toCreateOptions(base, 'none');
    expect(o.HostConfig?.Binds).to.deep.equal(['/h:/c:ro']);
    expect(o.HostConfig?.RestartPolicy).to.deep.equal({ Name: 'no' });
    expect(o.HostConfig?.NetworkMode).to.equal('none');
    expect(o.Labels).to.deep.equal({ a: 'b' });
    expect(toCreateOptions({ ...base, networkMode: 'host' }, 'none').HostConfig?.NetworkMode).to.equal('host');
  });

  it('sets the hostname except in host network mode', () => {
    expect(toCreateOptions({ ...base, hostname: 'web' }, 'none').Hostname).to.equal('web');
    expect(toCreateOptions({ ...base, hostname: 'web', networkMode: 'host' }, 'none').Hostname).to.equal(undefined);
  });

  it('stdin/stdinOnce/tty → OpenStdin/StdinOnce/Tty (and AttachStdin); all off by default', () => {
    const off = toCreateOptions(base, 'none');
    expect([off.OpenStdin, off.StdinOnce, off.Tty, off.AttachStdin]).to.deep.equal([false, false, false, false]);
    const on = toCreateOptions({ ...base, stdin: true, stdinOnce: true, tty: true }, 'none');
    expect([on.OpenStdin, on.StdinOnce, on.Tty, on.AttachStdin]).to.deep.equal([true, true, true, true]);
    const onceAlone = toCreateOptions({ ...base, stdinOnce: true }, 'none');
    expect([onceAlone.OpenStdin, onceAlone.StdinOnce]).to.deep.equal([false, false]);
  });

  it('env from a map or a list; later duplicates win, order kept', () => {
    expect(dockerEnv({ A: '1', B: '2' })).to.deep.equal(['A=1', 'B=2']);
    expect(dockerEnv([{ name: 'A', value: '1' }, { name: 'B' }, { name: 'A', value: '3' }])).to.deep.equal([
      'A=3',
      'B=',
    ]);
    expect(dockerEnv(undefined)).to.deep.equal([]);
  });
});

function inspectInfo(state: Partial<Dockerode.ContainerInspectInfo['State']>): Dockerode.ContainerInspectInfo {
  const info = {
    Id: 'abc',
    Name: '/k8s_app_web_default_0a1b2c3d_1',
    Created: '2024-05-01T10:00:00.123456789Z',
    Image: 'sha256:1234',
    Config: { Image: 'busybox:latest', Labels: { 'io.kubernetes.pod.uid': 'u' } },
    State: {
      Status: 'exited',
      ExitCode: 3,
      OOMKilled: false,
      Error: '',
      StartedAt: '2024-05-01T10:00:01Z',
      FinishedAt: '2024-05-01T10:00:02Z',
      ...state,
    },
  };
  return info as unknown as Dockerode.ContainerInspectInfo;
}

describe('runtime/docker: inspect → RuntimeContainer', () => {
  it('reports OpenStdin and Tty as stdin and tty', () => {
    const info = inspectInfo({ Status: 'running' });
    Object.assign(info.Config, { OpenStdin: true, Tty: true });
    expect(fromInspect(info)).to.deep.include({ stdin: true, tty: true });
  });
  it('maps an exited container with exit code and times', () => {
    expect(fromInspect(inspectInfo({}))).to.deep.equal({
      id: 'abc',
      name: 'k8s_app_web_default_0a1b2c3d_1',
      labels: { 'io.kubernetes.pod.uid': 'u' },
      image: 'busybox:latest',
      imageId: 'sha256:1234',
      state: 'exited',
      exitCode: 3,
      createdAt: '2024-05-01T10:00:00.123Z',
      startedAt: '2024-05-01T10:00:01.000Z',
      finishedAt: '2024-05-01T10:00:02.000Z',
    });
  });

  it('a never-started container has no times or exit code but keeps the start error', () => {
    const c = fromInspect(
      inspectInfo({
        Status: 'created',
        ExitCode: 127,
        StartedAt: '0001-01-01T00:00:00Z',
        FinishedAt: '0001-01-01T00:00:00Z',
        Error: 'exec: "nope": executable file not found',
      }),
    );
    expect(c.state).to.equal(RuntimeContainerState.Created);
    expect(c.exitCode).to.equal(undefined);
    expect(c.startedAt).to.equal(undefined);
    expect(c.error).to.match(/executable file not found/);
  });

  it('maps paused/restarting to running, dead to exited, others to unknown; flags OOM kills', () => {
    expect(fromInspect(inspectInfo({ Status: 'paused' })).state).to.equal('running');
    expect(fromInspect(inspectInfo({ Status: 'restarting' })).state).to.equal('running');
    expect(fromInspect(inspectInfo({ Status: 'dead' })).state).to.equal('exited');
    expect(fromInspect(inspectInfo({ Status: 'removing' })).state).to.equal('unknown');
    expect(fromInspect(inspectInfo({ OOMKilled: true, ExitCode: 137 })).oomKilled).to.equal(true);
  });
});

describe('runtime/docker: event parsing', () => {
  it('parses a die event with exit code and labels (Docker attributes stripped)', () => {
    const line = JSON.stringify({
      Type: 'container',
      Action: 'die',
      Actor: {
        ID: 'c1',
        Attributes: { exitCode: '2', image: 'busybox', name: 'k8s_x', 'io.kubernetes.pod.uid': 'u1' },
      },
      time: 1714557600,
      timeNano: 1714557600123000000,
    });
    expect(parseEvent(line)).to.deep.equal({
      type: 'die',
      containerId: 'c1',
      labels: { 'io.kubernetes.pod.uid': 'u1' },
      exitCode: 2,
      time: '2024-05-01T10:00:00.123Z',
    });
  });

  it('ignores other actions, other types and garbage', () => {
    expect(parseEvent(JSON.stringify({ Type: 'container', Action: 'exec_start', Actor: { ID: 'c1' } }))).to.equal(
      undefined,
    );
    expect(parseEvent(JSON.stringify({ Type: 'image', Action: 'die', Actor: { ID: 'c1' } }))).to.equal(undefined);
    expect(parseEvent('not json')).to.equal(undefined);
    expect(parseEvent('')).to.equal(undefined);
  });
});
