import { expect } from 'chai';
import { FakeRuntime } from '../../../../../pkg/kubelet/runtime/fake/fake_runtime';
import {
  ContainerNameConflictError,
  ContainerNotFoundError,
  containerLabels,
  containerName,
  ImageNotPresentError,
  readAll,
  RuntimeUnavailableError,
  type ContainerCreateSpec,
  type ContainerEvent,
} from '../../../../../pkg/kubelet/runtime/interface';

function spec(podUid: string, container: string, attempt = 0): ContainerCreateSpec {
  const id = { podUid, podNamespace: 'default', podName: `pod-${podUid}`, containerName: container, attempt };
  return { name: containerName(id), image: 'busybox', labels: containerLabels(id), binds: [] };
}

describe('runtime/fake: FakeRuntime', () => {
  let rt: FakeRuntime;
  beforeEach(() => {
    rt = new FakeRuntime({ images: ['busybox'] });
  });

  it('creates, starts, stops and removes; records calls', async () => {
    const id = await rt.createContainer(spec('u1', 'app'));
    expect((await rt.inspectContainer(id))?.state).to.equal('created');
    await rt.startContainer(id);
    const running = await rt.inspectContainer(id);
    expect(running?.state).to.equal('running');
    expect(running?.startedAt).to.be.a('string');
    await rt.stopContainer(id, 5);
    expect((await rt.inspectContainer(id))?.exitCode).to.equal(137);
    await rt.removeContainer(id);
    await rt.removeContainer(id); // idempotent
    await rt.stopContainer(id, 5); // idempotent
    expect(await rt.inspectContainer(id)).to.equal(undefined);
    expect(rt.calls.map((c) => c.method)).to.deep.equal([
      'createContainer',
      'inspectContainer',
      'startContainer',
      'inspectContainer',
      'stopContainer',
      'inspectContainer',
      'removeContainer',
      'removeContainer',
      'stopContainer',
      'inspectContainer',
    ]);
    expect(rt.callsOf('stopContainer')).to.deep.equal([
      [id, 5],
      [id, 5],
    ]);
  });

  it('refuses missing images (busybox means busybox:latest) and duplicate names', async () => {
    expect(await rt.imageExists('busybox:latest')).to.equal(true);
    expect(await rt.imageExists('nginx')).to.equal(false);
    await rt.createContainer(spec('u1', 'app'));
    await rt.createContainer({ ...spec('u1', 'x'), image: 'nginx:1' }).then(
      () => expect.fail('created'),
      (err: unknown) => expect(err).to.be.instanceOf(ImageNotPresentError).with.property('reason', 'ErrImageNeverPull'),
    );
    await rt.createContainer(spec('u1', 'app')).then(
      () => expect.fail('created'),
      (err: unknown) => expect(err).to.be.instanceOf(ContainerNameConflictError),
    );
  });

  it('lets tests make containers exit, with logs, and filters by pod', async () => {
    rt.setExitOnStart('crash', 2, 'boom\n');
    const a = await rt.createContainer(spec('u1', 'crash'));
    const b = await rt.createContainer(spec('u2', 'app'));
    await rt.startContainer(a);
    await rt.startContainer(b);
    const ca = await rt.inspectContainer(a);
    expect(ca?.state).to.equal('exited');
    expect(ca?.exitCode).to.equal(2);
    expect(await readAll(await rt.containerLogs(a))).to.equal('boom\n');
    rt.exitContainer(b, 0, { oomKilled: true });
    expect((await rt.inspectContainer(b))?.oomKilled).to.equal(true);
    expect((await rt.listContainers({ podUid: 'u2' })).map((c) => c.id)).to.deep.equal([b]);
    expect((await rt.listContainers()).map((c) => c.id)).to.deep.equal([b, a]);
  });

  it('logs honour tailLines and follow ends when the container exits', async () => {
    const id = await rt.createContainer(spec('u1', 'app'));
    await rt.startContainer(id);
    rt.writeLogs(id, 'one\ntwo\nthree\n');
    expect(await readAll(await rt.containerLogs(id, { tailLines: 2 }))).to.equal('two\nthree\n');
    const follow = await rt.containerLogs(id, { follow: true, tailLines: 0 });
    const text = readAll(follow);
    rt.writeLogs(id, 'four\n');
    rt.exitContainer(id, 0);
    expect(await text).to.equal('four\n');
  });

  it('throws RuntimeUnavailableError when down, and injected errors once', async () => {
    rt.available = false;
    await rt.ping().then(
      () => expect.fail('pinged'),
      (err: unknown) => expect(err).to.be.instanceOf(RuntimeUnavailableError),
    );
    rt.available = true;
    rt.failNext('startContainer', new Error('injected'));
    const id = await rt.createContainer(spec('u1', 'app'));
    await rt.startContainer(id).then(
      () => expect.fail('started'),
      (err: unknown) => expect((err as Error).message).to.equal('injected'),
    );
    await rt.startContainer(id);
    await rt.containerLogs('missing').then(
      () => expect.fail('logs'),
      (err: unknown) => expect(err).to.be.instanceOf(ContainerNotFoundError),
    );
  });

  it('streams start and die events until aborted', async () => {
    const ac = new AbortController();
    const seen: ContainerEvent[] = [];
    const done = (async () => {
      for await (const e of rt.events(ac.signal)) {
        seen.push(e);
        if (seen.length === 2) ac.abort();
      }
    })();
    await Promise.resolve();
    const id = await rt.createContainer(spec('u1', 'app'));
    await rt.startContainer(id);
    rt.exitContainer(id, 4);
    await done;
    expect(seen.map((e) => [e.type, e.containerId, e.exitCode])).to.deep.equal([
      ['start', id, undefined],
      ['die', id, 4],
    ]);
    expect(seen[0]?.labels['io.kubernetes.pod.uid']).to.equal('u1');
  });
});
