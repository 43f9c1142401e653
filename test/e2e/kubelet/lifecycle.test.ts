/**
 * Pod lifecycle on the real kubelet and dockerd: deletion removes containers, `kubectl logs -f`
 * follows, crash loops back off with `--previous` logs, a missing image waits, deleting a
 * namespace removes everything in it, and a kubelet SIGKILLed mid-sync and restarted leaves
 * exactly one container per pod.
 */
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/wait';
import {
  claimHostDir,
  claimObject,
  create,
  type NodeContainer,
  nodeContainers,
  podObject,
  useKubeletCluster,
  waitEvent,
  waitLogs,
  waitReady,
} from './support';

describe('e2e/kubelet: pod lifecycle', function () {
  this.timeout(120_000);
  let c: TestCluster;

  useKubeletCluster((cluster) => (c = cluster));

  it('the node is registered Ready with its kubelet endpoint, and its Lease is renewed', async () => {
    const node = c.nodeName;
    expect(
      await c.ok(['get', 'node', node, '-o', 'jsonpath={.status.conditions[?(@.type=="Ready")].reason}']),
    ).to.equal('KubeletReady');
    expect(
      await c.ok(['get', 'node', node, '-o', 'jsonpath={.status.addresses[?(@.type=="InternalIP")].address}']),
    ).to.equal('127.0.0.1');
    expect(await c.ok(['get', 'node', node, '-o', 'jsonpath={.status.daemonEndpoints.kubeletEndpoint.Port}'])).to.match(
      /^[1-9]\d*$/,
    );
    // kubectl describe node: the node's own name as Hostname, the host's os-release as OS Image.
    const described = await c.ok(['describe', 'node', node]);
    expect(described).to.match(new RegExp(`Hostname:\\s+${node}\\n`));
    expect(described).to.match(/OS Image:\s+Debian GNU\/Linux/);
    expect(described).to.match(/Architecture:\s+(amd64|arm64)\n/);
    const lease = ['get', 'lease', '-n', 'kube-node-lease', node];
    expect(await c.ok([...lease, '-o', 'jsonpath={.spec.holderIdentity}'])).to.equal(node);
    const first = await c.ok([...lease, '-o', 'jsonpath={.spec.renewTime}']);
    // --node-status-update-frequency=2s in the test cluster.
    let renewed = first;
    await waitFor(
      async () => (renewed = await c.ok([...lease, '-o', 'jsonpath={.spec.renewTime}'])) !== first,
      15_000,
      `the lease to be renewed after ${first}`,
    );
    expect(Date.parse(renewed)).to.be.greaterThan(Date.parse(first));
  });

  it('deleting a pod stops and removes its containers before the object goes', async () => {
    await create(c, podObject('doomed', { script: 'sleep 3600' }));
    const uid = await waitReady(c, 'doomed');
    const before = (await nodeContainers(c.nodeName, true)).filter((x) => x.podUid === uid);
    expect(before.map((x) => x.state)).to.deep.equal(['running']);
    await c.ok(['delete', 'pod', 'doomed']); // waits until the object is gone
    expect((await c.kubectl(['get', 'pod', 'doomed'])).code).to.not.equal(0);
    expect((await nodeContainers(c.nodeName, true)).filter((x) => x.podUid === uid)).to.deep.equal([]);
    await waitEvent(c, 'doomed', /^Normal Killing: Stopping container main/);
  });

  it('kubectl logs -f follows new output, and ends when the pod goes', async () => {
    const token = `followed-${randomUUID()}`;
    await create(
      c,
      claimObject('follow-claim'),
      podObject('follower', {
        claim: 'follow-claim',
        script: `echo ready; until [ -f /data/go ]; do sleep 0.1; done; echo ${token}; sleep 3600`,
      }),
    );
    await waitReady(c, 'follower');
    await waitLogs(c, ['follower'], /^ready$/m);
    const kubectl = spawn('kubectl', [`--kubeconfig=${c.kubeconfig}`, 'logs', '-f', 'follower'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let exited: number | null | undefined;
    kubectl.stdout.on('data', (d: Buffer) => (out += d.toString()));
    kubectl.stderr.on('data', (d: Buffer) => (out += d.toString()));
    kubectl.on('exit', (code) => (exited = code));
    try {
      await waitFor(() => out.includes('ready'), 30_000, `kubectl logs -f to print "ready" (got: ${out})`);
      expect(out).to.not.include(token);
      // Only now does the container print the token: it must arrive through the open stream.
      writeFileSync(path.join(await claimHostDir(c, 'follow-claim'), 'go'), '');
      await waitFor(() => out.includes(token), 30_000, `the followed stream to show ${token} (got: ${out})`);
      expect(exited).to.equal(undefined);
      await c.ok(['delete', 'pod', 'follower']);
      await waitFor(() => exited !== undefined, 30_000, 'kubectl logs -f to end after the pod was deleted');
      expect(out.split('\n').filter(Boolean)).to.deep.equal(['ready', token]);
    } finally {
      if (exited === undefined) kubectl.kill('SIGKILL');
    }
  });

  it('a crashing container restarts, backs off (CrashLoopBackOff), and keeps its previous logs', async () => {
    await create(c, podObject('crasher', { script: 'echo "run $RANDOM"; exit 3', restartPolicy: 'Always' }));
    await c.waitJsonpath(
      ['get', 'pod', 'crasher'],
      '{.status.containerStatuses[0].state.waiting.reason}',
      'CrashLoopBackOff',
    );
    expect(await c.ok(['get', 'pod', 'crasher', '--no-headers'])).to.match(
      /^crasher\s+0\/1\s+CrashLoopBackOff\s+[1-9]/,
    );
    expect(
      await c.ok([
        'get',
        'pod',
        'crasher',
        '-o',
        'jsonpath={.status.containerStatuses[0].lastState.terminated.exitCode}',
      ]),
    ).to.equal('3');
    expect(await c.ok(['get', 'pod', 'crasher', '-o', 'jsonpath={.status.phase}'])).to.equal('Running');
    expect(await c.ok(['logs', 'crasher', '--previous'])).to.match(/^run \d+\n$/);
    await waitEvent(c, 'crasher', /^Warning BackOff: Back-off restarting failed container/);
    const uid = await c.ok(['get', 'pod', 'crasher', '-o', 'jsonpath={.metadata.uid}']);
    // At most the newest instance and the previous one are kept.
    expect((await nodeContainers(c.nodeName, true)).filter((x) => x.podUid === uid).length).to.be.within(1, 2);
    await c.ok(['delete', 'pod', 'crasher']);
  });

  it('restartPolicy Never: a failing container leaves the pod Failed, not restarted', async () => {
    await create(c, podObject('once', { script: 'echo bye; exit 4', restartPolicy: 'Never' }));
    await c.waitJsonpath(['get', 'pod', 'once'], '{.status.phase}', 'Failed');
    expect(
      await c.ok([
        'get',
        'pod',
        'once',
        '-o',
        'jsonpath={.status.containerStatuses[0].state.terminated.exitCode} {.status.containerStatuses[0].restartCount}',
      ]),
    ).to.equal('4 0');
    expect(await c.ok(['logs', 'once'])).to.equal('bye\n');
  });

  it('a missing image waits with ErrImageNeverPull and an event; the kubelet keeps running', async () => {
    await create(
      c,
      podObject('noimage', { image: 'kubestore-missing-image:v0', imagePullPolicy: 'Never', script: 'true' }),
    );
    await c.waitJsonpath(
      ['get', 'pod', 'noimage'],
      '{.status.containerStatuses[0].state.waiting.reason}',
      'ErrImageNeverPull',
    );
    await waitEvent(
      c,
      'noimage',
      /^Warning ErrImageNeverPull: Container image "kubestore-missing-image:v0" is not present with pull policy of Never/,
    );
    expect(await c.ok(['get', 'pod', 'noimage', '-o', 'jsonpath={.status.phase}'])).to.equal('Pending');
    expect(c.procs.get('kubelet')?.exitCode).to.equal(null);
  });

  it('a force-deleted pod that never got a container still has its volumes torn down', async () => {
    // Missing image: the volume is set up, but no container is ever created.
    await create(
      c,
      claimObject('force-claim'),
      podObject('forced', {
        claim: 'force-claim',
        image: 'kubestore-missing-image:v0',
        imagePullPolicy: 'Never',
        script: 'true',
      }),
    );
    await c.waitJsonpath(
      ['get', 'pod', 'forced'],
      '{.status.containerStatuses[0].state.waiting.reason}',
      'ErrImageNeverPull',
    );
    const uid = await c.ok(['get', 'pod', 'forced', '-o', 'jsonpath={.metadata.uid}']);
    const kubeletLog = (): string => readFileSync(path.join(c.dir, 'kubelet.log'), 'utf8');
    const setUp = (l: string): boolean => l.includes('"msg":"volume set up"') && l.includes('"pod":"default/forced"');
    expect(kubeletLog().split('\n').some(setUp)).to.equal(true);
    await c.ok(['delete', 'pod', 'forced', '--force', '--grace-period=0']);
    // hostPath tearDown changes nothing on disk, so the kubelet's own log is the observable.
    const tornDown = (l: string): boolean => l.includes('"msg":"volume torn down"') && l.includes(`"podUid":"${uid}"`);
    await waitFor(
      () => kubeletLog().split('\n').some(tornDown),
      30_000,
      `the kubelet to tear down the volume of force-deleted pod ${uid}`,
    );
  });

  it('kubectl delete namespace stops its pods, deletes its claims (and their volumes), then the namespace; default cannot be deleted', async () => {
    const ns = 'team';
    await c.ok(['create', 'namespace', ns]);
    const inNs = <T extends { metadata: { namespace?: string } }>(o: T): T => ({
      ...o,
      metadata: { ...o.metadata, namespace: ns },
    });
    await create(
      c,
      inNs(claimObject('team-claim')),
      inNs(podObject('team-pod', { claim: 'team-claim', script: 'echo hi > /data/f; sleep 3600' })),
    );
    await c.waitJsonpath(
      ['get', 'pod', 'team-pod', '-n', ns],
      '{.status.conditions[?(@.type=="Ready")].status}',
      'True',
    );
    const uid = await c.ok(['get', 'pod', 'team-pod', '-n', ns, '-o', 'jsonpath={.metadata.uid}']);
    const pv = await c.ok(['get', 'pvc', 'team-claim', '-n', ns, '-o', 'jsonpath={.spec.volumeName}']);
    const dir = await c.ok(['get', 'pv', pv, '-o', 'jsonpath={.spec.hostPath.path}']);
    expect(readFileSync(path.join(dir, 'f'), 'utf8')).to.equal('hi\n');

    await c.ok(['delete', 'namespace', ns]); // waits until the namespace is gone
    const gone = await c.kubectl(['get', 'namespace', ns]);
    expect(gone.code).to.not.equal(0);
    expect(gone.stderr).to.contain(`namespaces "${ns}" not found`);
    expect((await nodeContainers(c.nodeName, true)).filter((x) => x.podUid === uid)).to.deep.equal([]);
    expect((await c.ok(['get', 'pods,pvc', '-n', ns, '-o', 'name'])).trim()).to.equal('');
    // The claim's volume is reclaimed by its class's policy (Delete): PV and directory go.
    await waitFor(
      async () => (await c.kubectl(['get', 'pv', pv])).code !== 0 && !existsSync(dir),
      30_000,
      `PV ${pv} and ${dir} to be deleted`,
    );

    const refused = await c.kubectl(['delete', 'namespace', 'default']);
    expect(refused.code).to.not.equal(0);
    expect(refused.stderr).to.contain('namespaces "default" is forbidden: this namespace may not be deleted');
  });

  // Two kill points: right after the first container is created (the restarted kubelet must start
  // it, not create a second), and right after the first one runs (it must be adopted).
  for (const round of [
    { prefix: 'burst-a', killWhen: 'created', claim: undefined },
    { prefix: 'burst-b', killWhen: 'running', claim: 'burst-claim' },
  ] as const) {
    it(`a kubelet SIGKILLed mid-sync (first container ${round.killWhen}) and restarted leaves exactly one running container per pod`, async () => {
      const names = [0, 1, 2, 3, 4, 5].map((i) => `${round.prefix}-${i}`);
      if (round.claim) {
        await create(c, claimObject(round.claim));
        await c.waitJsonpath(['get', 'pvc', round.claim], '{.status.phase}', 'Bound');
      }
      await create(
        c,
        ...names.map((n) => podObject(n, { script: 'sleep 3600', ...(round.claim ? { claim: round.claim } : {}) })),
      );
      let atKill: NodeContainer[] = [];
      await waitFor(
        async () => {
          atKill = (await nodeContainers(c.nodeName, true)).filter((x) => names.includes(x.pod));
          return atKill.some((x) => round.killWhen === 'created' || x.state === 'running');
        },
        60_000,
        `a first ${round.killWhen} container of the burst`,
      );
      await c.kill('kubelet');
      console.log(
        `      (kubelet killed with ${atKill.length}/${names.length} containers: ${atKill.map((x) => `${x.pod}=${x.state}`).join(', ')})`,
      );

      c.startKubelet();
      for (const n of names) await waitReady(c, n, 60_000);
      const after = (await nodeContainers(c.nodeName, true)).filter((x) => names.includes(x.pod));
      const byPod = new Map<string, string[]>();
      for (const x of after) byPod.set(x.pod, [...(byPod.get(x.pod) ?? []), x.state]);
      expect(Object.fromEntries([...byPod].sort())).to.deep.equal(
        Object.fromEntries(names.map((n) => [n, ['running']])),
      );
      // Containers that existed at the kill were adopted (or started), not replaced.
      for (const x of atKill)
        expect(
          after.map((a) => a.id),
          `${x.pod}'s container ${x.id.slice(0, 12)}`,
        ).to.include(x.id);
      for (const n of names)
        expect(await c.ok(['get', 'pod', n, '-o', 'jsonpath={.status.containerStatuses[0].restartCount}'])).to.equal(
          '0',
        );
    });
  }
});
