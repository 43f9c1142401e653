/**
 * DockerRuntime against the real dockerd with the locally built busybox:latest image (hack/
 * builds it from busybox-static). Skipped, with the reason printed, only when dockerd cannot be
 * reached. Every container is labelled with a per-test pod uid and removed afterwards.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { PersistentVolume } from '../../../pkg/api/core/v1';
import { FakeMounter } from '../../../pkg/util/mount/fake_mounter';
import { DockerRuntime } from '../../../pkg/kubelet/runtime/docker/docker_runtime';
import {
  bindSpec,
  ContainerEventType,
  ContainerLabel,
  ContainerNameConflictError,
  ContainerNotFoundError,
  ContainerRuntimeError,
  containerLabels,
  containerName,
  ImageNotPresentError,
  readAll,
  RuntimeContainerState,
  type ContainerCreateSpec,
  type ContainerEvent,
  type RuntimeContainer,
} from '../../../pkg/kubelet/runtime/interface';
import { testNodeDrivers } from '../../helpers/volume_drivers';
import { waitFor } from '../../helpers/wait';

const Image = 'busybox:latest';
const endpoint = process.env.KUBESTORE_DOCKER_ENDPOINT ?? 'unix:///var/run/docker.sock';

describe('kubelet runtime: DockerRuntime against a real dockerd', function () {
  this.timeout(60_000);
  const rt = new DockerRuntime({ endpoint, nodeName: `it-${randomUUID().slice(0, 8)}` });
  const podUids: string[] = [];
  let tmp = '';

  before(async function () {
    try {
      await rt.ping();
    } catch (err) {
      console.log(`      (skipped: docker is unreachable at ${endpoint}: ${(err as Error).message})`);
      this.skip();
    }
    if (!(await rt.imageExists(Image))) {
      throw new Error(
        `${Image} is not present in dockerd; build it with hack/ (docker import of a busybox-static rootfs)`,
      );
    }
    tmp = await mkdtemp(path.join(os.tmpdir(), 'kubestore-docker-it-'));
  });

  after(async () => {
    for (const uid of podUids) {
      for (const c of await rt.listContainers({ podUid: uid }).catch(() => [])) await rt.removeContainer(c.id);
    }
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /** A spec for a new pod's container; records the pod uid for cleanup. */
  function newSpec(container: string, rest: Partial<ContainerCreateSpec> = {}): ContainerCreateSpec {
    const podUid = randomUUID();
    podUids.push(podUid);
    const id = {
      podUid,
      podNamespace: 'it',
      podName: `pod-${podUid.slice(0, 6)}`,
      containerName: container,
      attempt: 0,
    };
    return { name: containerName(id), image: Image, labels: containerLabels(id), binds: [], ...rest };
  }

  async function runToExit(spec: ContainerCreateSpec): Promise<RuntimeContainer> {
    const id = await rt.createContainer(spec);
    await rt.startContainer(id);
    let last: RuntimeContainer | undefined;
    await waitFor(
      async () => {
        last = await rt.inspectContainer(id);
        return last?.state === RuntimeContainerState.Exited;
      },
      30_000,
      `container ${spec.name} to exit`,
    );
    if (!last) throw new Error('unreachable');
    return last;
  }

  async function logsOf(id: string): Promise<string> {
    return readAll(await rt.containerLogs(id));
  }

  it('runs a container whose bind-mounted write appears on the host; logs, labels, stop, remove', async () => {
    const hostDir = path.join(tmp, 'rw');
    const spec = newSpec('writer', {
      command: ['sh', '-c', 'echo hello-from-pod > /data/out.txt && echo to-stdout && echo to-stderr >&2'],
      binds: [bindSpec(await mkdirp(hostDir), '/data')],
    });
    const c = await runToExit(spec);
    expect(c.exitCode).to.equal(0);
    expect(c.startedAt).to.be.a('string');
    expect(c.finishedAt).to.be.a('string');
    expect(await readFile(path.join(hostDir, 'out.txt'), 'utf8')).to.equal('hello-from-pod\n');
    const logs = await logsOf(c.id);
    expect(logs).to.contain('to-stdout\n').and.contain('to-stderr\n');
    expect(logs).not.to.match(/[\x00-\x08]/); // no multiplexing headers

    const uid = spec.labels[ContainerLabel.PodUid] ?? '';
    const listed = await rt.listContainers({ podUid: uid });
    expect(listed.map((x) => x.id)).to.deep.equal([c.id]);
    expect(listed[0]?.name).to.equal(spec.name);
    expect(listed[0]?.labels).to.include(spec.labels);
    expect((await rt.listContainers()).map((x) => x.id)).to.include(c.id);

    await rt.stopContainer(c.id, 1); // already exited: fine
    await rt.removeContainer(c.id);
    await rt.removeContainer(c.id); // idempotent
    expect(await rt.inspectContainer(c.id)).to.equal(undefined);
    expect(await rt.listContainers({ podUid: uid })).to.deep.equal([]);
  });

  it('refuses a missing image with ImageNotPresentError (ErrImageNeverPull), without pulling', async () => {
    const spec = newSpec('missing', { image: 'kubestore-does-not-exist:1.0' });
    expect(await rt.imageExists(spec.image)).to.equal(false);
    await rt.createContainer(spec).then(
      () => expect.fail('created a container from a missing image'),
      (err: unknown) => {
        expect(err).to.be.instanceOf(ImageNotPresentError);
        expect(err).to.have.property('reason', 'ErrImageNeverPull');
      },
    );
  });

  it('a read-only bind refuses writes', async () => {
    const hostDir = await mkdirp(path.join(tmp, 'ro'));
    await writeFile(path.join(hostDir, 'existing.txt'), 'keep\n');
    const c = await runToExit(
      newSpec('reader', {
        command: ['sh', '-c', 'cat /data/existing.txt; echo x > /data/new.txt'],
        binds: [bindSpec(hostDir, '/data', true)],
      }),
    );
    expect(c.exitCode).to.not.equal(0);
    const logs = await logsOf(c.id);
    expect(logs)
      .to.contain('keep\n')
      .and.match(/read-only file system/i);
    await stat(path.join(hostDir, 'new.txt')).then(
      () => expect.fail('the container wrote through a read-only bind'),
      (err: NodeJS.ErrnoException) => expect(err.code).to.equal('ENOENT'),
    );
  });

  it('command replaces ENTRYPOINT and drops the image CMD; args alone replace CMD', async () => {
    // The image's CMD is ["sh"]: if it leaked in, echo would print "only-command sh".
    const a = await runToExit(newSpec('cmd', { command: ['echo', 'only-command'] }));
    expect(await logsOf(a.id)).to.equal('only-command\n');
    const b = await runToExit(newSpec('args', { args: ['echo', 'only-args'] }));
    expect(await logsOf(b.id)).to.equal('only-args\n');
    const c = await runToExit(newSpec('both', { command: ['echo'], args: ['cmd', 'and', 'args'] }));
    expect(await logsOf(c.id)).to.equal('cmd and args\n');
  });

  it('passes env and workingDir; the default network mode has only loopback', async () => {
    const c = await runToExit(
      newSpec('env', {
        command: ['sh', '-c', 'echo "$GREETING $WHO"; pwd; ls /sys/class/net'],
        env: [
          { name: 'GREETING', value: 'hi' },
          { name: 'WHO', value: 'pod' },
        ],
        workingDir: '/tmp',
      }),
    );
    expect(await logsOf(c.id)).to.equal('hi pod\n/tmp\nlo\n');
  });

  it('reports exit codes, and tail/timestamps/follow for logs', async () => {
    const c = await runToExit(
      newSpec('exit3', { command: ['sh', '-c', 'for i in 1 2 3 4; do echo line$i; done; exit 3'] }),
    );
    expect(c.exitCode).to.equal(3);
    expect(await readAll(await rt.containerLogs(c.id, { tailLines: 2 }))).to.equal('line3\nline4\n');
    const stamped = await readAll(await rt.containerLogs(c.id, { timestamps: true, tailLines: 1 }));
    expect(stamped).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z line4\n$/);

    const spec = newSpec('follow', { command: ['sh', '-c', 'for i in 1 2 3; do echo tick$i; sleep 0.2; done'] });
    const id = await rt.createContainer(spec);
    await rt.startContainer(id);
    // follow streams until the container exits, then ends by itself
    expect(await readAll(await rt.containerLogs(id, { follow: true }))).to.equal('tick1\ntick2\ntick3\n');
  });

  it('follow ends when its signal aborts; stop kills a running container; stop/remove are idempotent', async () => {
    const id = await rt.createContainer(newSpec('sleeper', { command: ['sh', '-c', 'echo started; exec sleep 1000'] }));
    await rt.startContainer(id);
    await rt.startContainer(id); // already running: fine
    expect((await rt.inspectContainer(id))?.state).to.equal(RuntimeContainerState.Running);
    const ac = new AbortController();
    const stream = await rt.containerLogs(id, { follow: true, signal: ac.signal });
    let text = '';
    const ended = new Promise<void>((resolve) => stream.once('end', resolve));
    stream.on('data', (chunk: Buffer | string) => (text += chunk.toString()));
    // Abort only once the followed stream itself has the line (the container may have logged it
    // before the follow delivered it).
    await waitFor(() => text.includes('started'), 10_000, "the followed stream to carry the sleeper's line");
    ac.abort();
    await ended;
    expect(text).to.equal('started\n');

    await rt.stopContainer(id, 1);
    const stopped = await rt.inspectContainer(id);
    expect(stopped?.state).to.equal(RuntimeContainerState.Exited);
    expect(stopped?.exitCode).to.be.oneOf([137, 143]);
    await rt.stopContainer(id, 1);
    await rt.removeContainer(id);
    await rt.stopContainer(id, 1);
  });

  it('name conflicts, unstartable commands and missing containers are typed errors', async () => {
    const spec = newSpec('dup', { command: ['true'] });
    await rt.createContainer(spec);
    await rt.createContainer(spec).then(
      () => expect.fail('created twice'),
      (err: unknown) => expect(err).to.be.instanceOf(ContainerNameConflictError),
    );
    const bad = await rt.createContainer(newSpec('badcmd', { command: ['/no/such/binary'] }));
    await rt.startContainer(bad).then(
      () => expect.fail('started a missing binary'),
      (err: unknown) => {
        expect(err).to.be.instanceOf(ContainerRuntimeError);
        expect(err).to.have.property('reason', 'RunContainerError');
      },
    );
    expect((await rt.inspectContainer(bad))?.error).to.match(/no such file|not found/i);
    expect(await rt.inspectContainer('kubestore-no-such-container')).to.equal(undefined);
    await rt.containerLogs('kubestore-no-such-container').then(
      () => expect.fail('logs of a missing container'),
      (err: unknown) => expect(err).to.be.instanceOf(ContainerNotFoundError),
    );
    await rt.startContainer('kubestore-no-such-container').then(
      () => expect.fail('started a missing container'),
      (err: unknown) => expect(err).to.be.instanceOf(ContainerNotFoundError),
    );
  });

  it('events() reports start and die (with exit code) of the kubelet containers, replaying from `since`', async () => {
    const spec = newSpec('evented', { command: ['sh', '-c', 'exit 5'] });
    const since = new Date(Date.now() - 1000);
    const c = await runToExit(spec);
    // The container ran before the subscription: `since` replays its events, so no race.
    const ac = new AbortController();
    const seen: ContainerEvent[] = [];
    for await (const e of rt.events(ac.signal, since)) {
      if (e.labels[ContainerLabel.PodUid] !== spec.labels[ContainerLabel.PodUid]) continue;
      seen.push(e);
      if (e.type === ContainerEventType.Die) ac.abort();
    }
    expect(seen.map((e) => e.type)).to.deep.equal(['start', 'die']);
    expect(seen[1]?.exitCode).to.equal(5);
    expect(seen[1]?.containerId).to.equal(c.id);
  });

  it('PVC → PV → host path → bind: hostPath and server-local NFS volumes are writable from a container', async () => {
    const exportRoot = await mkdirp(path.join(tmp, 'nfs-export'));
    const plugins = testNodeDrivers(new FakeMounter({ nfsSupported: false }), {
      nfs: { isServer: true, server: 'localhost', exportRoot, exportPath: '/exports' },
    });
    const ctx = {
      podUid: randomUUID(),
      rootDir: path.join(tmp, 'kubelet'),
      readOnly: false,
      node: { metadata: { name: 'node-a' } },
    };
    const hostPv: PersistentVolume = {
      metadata: { name: 'pv-host' },
      spec: { hostPath: { path: path.join(tmp, 'pv', 'host-vol') } },
    };
    const nfsPv: PersistentVolume = {
      metadata: { name: 'pv-nfs' },
      spec: { nfs: { server: 'localhost', path: '/exports/default-claim-pv-nfs' } },
    };
    const h = await plugins.publishVolume(hostPv, ctx);
    const n = await plugins.publishVolume(nfsPv, ctx);
    expect(n.hostPath).to.equal(path.join(await realpath(exportRoot), 'default-claim-pv-nfs'));
    const c = await runToExit(
      newSpec('volumes', {
        command: ['sh', '-c', 'echo h > /h/f && echo n > /n/f'],
        binds: [bindSpec(h.hostPath, '/h', h.readOnly), bindSpec(n.hostPath, '/n', n.readOnly)],
      }),
    );
    expect(c.exitCode).to.equal(0);
    expect(await readFile(path.join(h.hostPath, 'f'), 'utf8')).to.equal('h\n');
    expect(await readFile(path.join(exportRoot, 'default-claim-pv-nfs', 'f'), 'utf8')).to.equal('n\n');
  });
});

async function mkdirp(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  return dir;
}
