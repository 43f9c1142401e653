/**
 * Two nodes' DockerRuntimes on the one real dockerd (several kubelets on one machine): each
 * lists, inspects and hears events of only its own node's containers — even a container of a
 * pod with the same namespace and name — so one kubelet never adopts, stops or removes
 * another's. Skipped, with the reason printed, only when dockerd cannot be reached.
 */
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { DockerRuntime } from '../../../pkg/kubelet/runtime/docker/docker_runtime';
import {
  ContainerEventType,
  ContainerLabel,
  containerLabels,
  containerName,
  RuntimeContainerState,
  type ContainerCreateSpec,
  type ContainerEvent,
} from '../../../pkg/kubelet/runtime/interface';

const Image = 'busybox:latest';
const endpoint = process.env.KUBESTORE_DOCKER_ENDPOINT ?? 'unix:///var/run/docker.sock';

describe('kubelet runtime: two nodes share one dockerd', function () {
  this.timeout(60_000);
  const run = randomUUID().slice(0, 8);
  const nodeA = `it-a-${run}`;
  const nodeB = `it-b-${run}`;
  const a = new DockerRuntime({ endpoint, nodeName: nodeA });
  const b = new DockerRuntime({ endpoint, nodeName: nodeB });

  before(async function () {
    try {
      await a.ping();
    } catch (err) {
      console.log(`      (skipped: docker is unreachable at ${endpoint}: ${(err as Error).message})`);
      this.skip();
    }
    if (!(await a.imageExists(Image))) throw new Error(`${Image} is not present in dockerd; build it with hack/`);
  });

  after(async () => {
    for (const rt of [a, b]) for (const c of await rt.listContainers().catch(() => [])) await rt.removeContainer(c.id);
  });

  /** A sleeping container of pod `it/web-0` (a new uid each time, as a pod recreated on another node). */
  function webPod(): ContainerCreateSpec {
    const id = { podUid: randomUUID(), podNamespace: 'it', podName: `web-${run}`, containerName: 'app', attempt: 0 };
    return { name: containerName(id), image: Image, command: ['sleep', '600'], labels: containerLabels(id), binds: [] };
  }

  it('each node sees, inspects and hears only its own containers, even of a same-named pod', async () => {
    const since = new Date(Date.now() - 1000);
    const specA = webPod();
    const specB = webPod();
    const idA = await a.createContainer(specA);
    const idB = await b.createContainer(specB);
    await a.startContainer(idA);
    await b.startContainer(idB);

    const listed = async (rt: DockerRuntime, filter = {}) => (await rt.listContainers(filter)).map((c) => c.id);
    expect(await listed(a)).to.deep.equal([idA]);
    expect(await listed(b)).to.deep.equal([idB]);
    const sameName = { pod: { namespace: 'it', name: `web-${run}` } };
    expect(await listed(a, sameName), "the kubelet's stale same-name sweep").to.deep.equal([idA]);
    expect(await listed(a, { podUid: specB.labels[ContainerLabel.PodUid] })).to.deep.equal([]);
    expect((await a.listContainers())[0]?.labels[ContainerLabel.Node]).to.equal(nodeA);
    expect(await a.inspectContainer(idB), "another node's container is unknown here").to.equal(undefined);
    expect((await b.inspectContainer(idB))?.state).to.equal(RuntimeContainerState.Running);

    // Node A's pod goes away: A removes its containers; B's keeps running.
    await a.stopContainer(idA, 0);
    await a.removeContainer(idA);
    expect(await listed(a)).to.deep.equal([]);
    expect((await b.inspectContainer(idB))?.state).to.equal(RuntimeContainerState.Running);

    // A's event stream (replayed from before both started) carries none of B's containers.
    const ac = new AbortController();
    const seen: ContainerEvent[] = [];
    for await (const e of a.events(ac.signal, since)) {
      seen.push(e);
      if (e.type === ContainerEventType.Destroy && e.containerId === idA) ac.abort();
    }
    expect(seen.map((e) => e.containerId)).to.include(idA);
    expect(seen.filter((e) => e.containerId === idB)).to.deep.equal([]);
    expect(seen.every((e) => e.labels[ContainerLabel.Node] === nodeA)).to.equal(true);
  });
});
