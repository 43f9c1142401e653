/**
 * Issue 15 end to end on three nodes, through the real kubectl against the real binaries (three
 * kubelets on one dockerd): a StatefulSet of 3 with a volumeClaimTemplate on a
 * WaitForFirstConsumer class (manifests/storageclass-wffc.yaml, manifests/statefulset.yaml),
 * pods recreated on their claim, scaling with the claim retention policy, cascading deletion,
 * and local PVs steering (or blocking) scheduling.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { removeNodeContainers, TestCluster } from '../../helpers/cluster';
import { waitFor } from '../../helpers/wait';
import { localPv } from '../kubelet/support';

const manifests = path.resolve(__dirname, '../../../../manifests');
const m = (name: string): string => path.join(manifests, name);
/** Objects as one stream of JSON documents (what `kubectl apply -f -` reads). */
const stream = (objects: object[]): string => objects.map((o) => JSON.stringify(o)).join('\n');
/** A file's trimmed text, '' while it does not exist yet. */
const text = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8').trim() : '');

interface EventItem {
  reason: string;
  message: string;
  involvedObject: { kind: string; name: string };
  metadata: { resourceVersion: string };
}

describe('e2e: a StatefulSet on WaitForFirstConsumer volumes across three nodes', function () {
  this.timeout(600_000);
  let c: TestCluster;

  before(async function () {
    if (process.env.KUBESTORE_DOCKER === '0') {
      console.log('    skipped: dockerd is not usable on this machine (KUBESTORE_DOCKER=0)');
      this.skip();
    }
    c = new TestCluster({ kubelet: true, numNodes: 3 });
    await c.up();
  });

  after(async () => {
    if (!c) return;
    await c.down();
    for (const n of c.nodeNames) await removeNodeContainers(n);
  });

  const jsonpath = (args: string[], jp: string) => c.ok([...args, '-o', `jsonpath=${jp}`]);
  /** The events of the default namespace in the order they were stored. */
  const events = async (reason: string): Promise<EventItem[]> => {
    const list = JSON.parse(await c.ok(['get', 'events', '--field-selector', `reason=${reason}`, '-o', 'json'])) as {
      items: EventItem[];
    };
    return list.items.sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
  };
  /** The pod names `re` (one group) finds in the messages of the `reason` events, in stored order. */
  const podsNamedBy = async (reason: string, re: RegExp): Promise<string[]> =>
    (await events(reason)).map((e) => re.exec(e.message)?.[1]).filter((n): n is string => n !== undefined);
  const podNames = async () =>
    (await jsonpath(['get', 'pods', '-l', 'app=web'], '{.items[*].metadata.name}')).split(' ').filter(Boolean).sort();

  it('starts web-0..2 in order, each claim bound only for its pod and pinned to its node', async () => {
    await c.ok(['apply', '-f', m('storageclass-wffc.yaml')]);
    await c.ok(['apply', '-f', m('statefulset.yaml')]);
    await c.waitJsonpath(['get', 'sts', 'web'], '{.status.readyReplicas}', '3', 300_000);
    expect(await c.ok(['get', 'sts', 'web'])).to.match(/web\s+3\/3\s+/);
    await c.ok(['rollout', 'status', 'sts/web', '--timeout=60s']);

    // Ordered: each pod was created only after the one before it (its SuccessfulCreate event follows).
    // Events are written through the recorders' asynchronous queues: wait until all are stored.
    let created: string[] = [];
    await waitFor(
      async () =>
        (created = await podsNamedBy('SuccessfulCreate', /create Pod (web-\d) in StatefulSet web/)).length >= 3,
      30_000,
      () => `three SuccessfulCreate events (have ${created.join(',')})`,
    );
    expect(created).to.deep.equal(['web-0', 'web-1', 'web-2']);
    // Every claim waited for its consumer before binding.
    let waited = new Set<string>();
    await waitFor(
      async () => {
        waited = new Set((await events('WaitForFirstConsumer')).map((e) => e.involvedObject.name));
        return [0, 1, 2].every((i) => waited.has(`data-web-${i}`));
      },
      30_000,
      () => `WaitForFirstConsumer events of data-web-0..2 (have ${[...waited].join(',')})`,
    );

    const nodes = new Set<string>();
    for (const i of [0, 1, 2]) {
      const node = await jsonpath(['get', 'pod', `web-${i}`], '{.spec.nodeName}');
      expect(c.nodeNames).to.include(node);
      nodes.add(node);
      const claim = ['get', 'pvc', `data-web-${i}`];
      expect(await jsonpath(claim, '{.status.phase}')).to.equal('Bound');
      expect(await jsonpath(claim, "{.metadata.annotations['volume\\.kubernetes\\.io/selected-node']}")).to.equal(node);
      const pv = await jsonpath(claim, '{.spec.volumeName}');
      expect(
        await jsonpath(
          ['get', 'pv', pv],
          '{.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values[0]}',
        ),
      ).to.equal(node);
      const dir = await jsonpath(['get', 'pv', pv], '{.spec.hostPath.path}');
      await waitFor(() => text(path.join(dir, 'hostname')) === `web-${i}`, 30_000, `web-${i}'s hostname file`);
    }
    // Fewest pods first: three pods on three empty nodes land on three different nodes.
    expect(nodes.size).to.equal(3);
  });

  it('brings a deleted web-1 back on the same node with the same claim and its data', async () => {
    const node = await jsonpath(['get', 'pod', 'web-1'], '{.spec.nodeName}');
    const uid = await jsonpath(['get', 'pod', 'web-1'], '{.metadata.uid}');
    await c.ok(['delete', 'pod', 'web-1']);
    await waitFor(
      async () => {
        const now = await c.kubectl(['get', 'pod', 'web-1', '-o', 'jsonpath={.metadata.uid} {.status.phase}']);
        return now.code === 0 && !now.stdout.startsWith(uid) && now.stdout.endsWith('Running');
      },
      120_000,
      'web-1 recreated and Running',
    );
    expect(await jsonpath(['get', 'pod', 'web-1'], '{.spec.nodeName}')).to.equal(node);
    expect(await jsonpath(['get', 'pod', 'web-1'], '{.spec.volumes[0].persistentVolumeClaim.claimName}')).to.equal(
      'data-web-1',
    );
    // The new container found the file its predecessor wrote.
    await waitFor(
      async () => (await c.kubectl(['logs', 'web-1'])).stdout.includes('previous: web-1'),
      60_000,
      'web-1 log',
    );
  });

  it('scales to 5 and back to 2 in order, deleting the condemned claims (whenScaled: Delete)', async () => {
    await c.ok([
      'patch',
      'sts',
      'web',
      '--type=merge',
      '-p',
      '{"spec":{"persistentVolumeClaimRetentionPolicy":{"whenScaled":"Delete","whenDeleted":"Retain"}}}',
    ]);
    await c.ok(['scale', 'sts', 'web', '--replicas=5']);
    await c.waitJsonpath(['get', 'sts', 'web'], '{.status.readyReplicas}', '5', 300_000);
    await c.ok(['scale', 'sts', 'web', '--replicas=2']);
    await c.waitJsonpath(['get', 'sts', 'web'], '{.status.replicas}', '2', 300_000);
    await waitFor(async () => (await podNames()).join(',') === 'web-0,web-1', 120_000, 'pods web-0 and web-1 only');
    // The pods being gone does not mean the controller's events about deleting them are stored.
    let deleted: string[] = [];
    await waitFor(
      async () =>
        (deleted = (await podsNamedBy('SuccessfulDelete', /delete Pod (web-\d) in StatefulSet web/)).filter(
          (n) => n !== 'web-1',
        )).length >= 3,
      30_000,
      () => `three SuccessfulDelete events (have ${deleted.join(',')})`,
    );
    expect(deleted).to.deep.equal(['web-4', 'web-3', 'web-2']);
    await waitFor(
      async () => (await jsonpath(['get', 'pvc'], '{.items[*].metadata.name}')) === 'data-web-0 data-web-1',
      120_000,
      'claims of web-2..4 deleted',
    );
  });

  it('kubectl delete sts removes the pods and keeps the claims (whenDeleted: Retain)', async () => {
    await c.ok(['delete', 'sts', 'web']);
    await waitFor(async () => (await podNames()).length === 0, 120_000, 'the set’s pods deleted');
    expect(await jsonpath(['get', 'pvc'], '{.items[*].status.phase}')).to.equal('Bound Bound');
  });

  it('lands the pod of a local PV pinned to node B on B, and keeps a pod needing two nodes Pending', async () => {
    const [a, b] = c.nodeNames;
    if (!a || !b) throw new Error('three nodes expected');
    const localPvOn = (name: string, node: string) => {
      const dir = path.join(c.localVolumeRoot(node), name);
      mkdirSync(dir, { recursive: true });
      return localPv(name, node, dir);
    };
    const claim = (name: string) => ({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name },
      spec: {
        storageClassName: 'local-storage',
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: '1Gi' } },
      },
    });
    const pod = (name: string, claims: string[]) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: {
        terminationGracePeriodSeconds: 0,
        containers: [
          {
            name: 'c',
            image: 'busybox:latest',
            imagePullPolicy: 'Never',
            command: ['sh', '-c', 'echo on-b > /v0/where; sleep 3600'],
            volumeMounts: claims.map((_, i) => ({ name: `v${i}`, mountPath: `/v${i}` })),
          },
        ],
        volumes: claims.map((claimName, i) => ({ name: `v${i}`, persistentVolumeClaim: { claimName } })),
      },
    });
    const sc = {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'local-storage' },
      provisioner: 'kubernetes.io/no-provisioner',
      volumeBindingMode: 'WaitForFirstConsumer',
    };
    const items = [sc, localPvOn('local-b', b), claim('claim-b'), pod('on-b', ['claim-b'])];
    await c.ok(['apply', '-f', '-'], stream(items));
    await c.waitJsonpath(['get', 'pod', 'on-b'], '{.status.phase}', 'Running', 120_000);
    expect(await jsonpath(['get', 'pod', 'on-b'], '{.spec.nodeName}')).to.equal(b);
    expect(await jsonpath(['get', 'pvc', 'claim-b'], '{.spec.volumeName}')).to.equal('local-b');
    await waitFor(
      () => text(path.join(c.localVolumeRoot(b), 'local-b', 'where')) === 'on-b',
      30_000,
      "on-b's file under node B's root",
    );

    const split = [localPvOn('split-a', a), localPvOn('split-b', b), claim('claim-sa'), claim('claim-sb')];
    await c.ok(['apply', '-f', '-'], stream(split));
    await c.ok(['create', '-f', '-'], JSON.stringify(pod('split', ['claim-sa', 'claim-sb'])));
    let failed: EventItem | undefined;
    await waitFor(
      async () => {
        failed = (await events('FailedScheduling')).find((e) => e.involvedObject.name === 'split');
        return failed !== undefined;
      },
      60_000,
      'FailedScheduling for the split pod',
    );
    expect(failed?.message).to.match(
      /^0\/3 nodes are available: .*(persistent volumes to bind|volume node affinity conflict)/,
    );
    expect(await jsonpath(['get', 'pod', 'split'], '{.status.phase}')).to.equal('Pending');
    expect(await jsonpath(['get', 'pod', 'split'], '{.spec.nodeName}')).to.equal('');
  });
});
