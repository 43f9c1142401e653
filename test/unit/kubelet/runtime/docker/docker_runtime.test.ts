import { expect } from 'chai';
import { DockerRuntime } from '../../../../../pkg/kubelet/runtime/docker/docker_runtime';
import { RuntimeUnavailableError } from '../../../../../pkg/kubelet/runtime/interface';

async function expectUnavailable(p: Promise<unknown>): Promise<void> {
  await p.then(
    () => expect.fail('expected RuntimeUnavailableError'),
    (err: unknown) => {
      expect(err).to.be.instanceOf(RuntimeUnavailableError);
      expect(err).to.have.property('reason', 'ContainerRuntimeUnavailable');
    },
  );
}

describe('runtime/docker: an unreachable daemon', () => {
  it('a missing unix socket → RuntimeUnavailableError from every call', async () => {
    const rt = new DockerRuntime({ endpoint: 'unix:///nonexistent/kubestore-test/docker.sock', nodeName: 'node-a' });
    await expectUnavailable(rt.ping());
    await expectUnavailable(rt.imageExists('busybox'));
    await expectUnavailable(rt.listContainers());
    await expectUnavailable(rt.createContainer({ name: 'x', image: 'busybox', labels: {}, binds: [] }));
    await expectUnavailable(rt.startContainer('x'));
    await expectUnavailable(rt.stopContainer('x', 1));
    await expectUnavailable(rt.removeContainer('x'));
    await expectUnavailable(rt.inspectContainer('x'));
    await expectUnavailable(rt.containerLogs('x'));
  });

  it('a refused TCP port → RuntimeUnavailableError naming the endpoint', async () => {
    const rt = new DockerRuntime({ endpoint: 'tcp://127.0.0.1:1', nodeName: 'node-a' });
    await rt.ping().then(
      () => expect.fail('pinged'),
      (err: unknown) => expect((err as Error).message).to.contain('tcp://127.0.0.1:1'),
    );
  });

  it('events() throws RuntimeUnavailableError, and ends quietly when already aborted', async () => {
    const rt = new DockerRuntime({ endpoint: 'unix:///nonexistent/kubestore-test/docker.sock', nodeName: 'node-a' });
    const iterate = async (signal: AbortSignal): Promise<number> => {
      let n = 0;
      for await (const _ of rt.events(signal)) n++;
      return n;
    };
    await expectUnavailable(iterate(new AbortController().signal));
    expect(await iterate(AbortSignal.abort())).to.equal(0);
  });
});
