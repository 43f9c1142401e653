/**
 * Hostile and racing clients against topology-aware scheduling, on a real apiserver + etcd with
 * an in-process controller-manager and three Ready Node objects: a selected-node annotation a
 * user set to junk (`../x`, 300 characters, empty) never binds the claim to garbage nor makes
 * the hostPath driver create anything outside its base dir; a WaitForFirstConsumer claim whose
 * class is deleted mid-way leaves its pod Pending and recovers when the class is back; pods
 * racing for one ReadWriteOncePod claim get it one at a time; many pods with claims created at
 * once are each placed once, their volumes pinned to their own node; node constraints naming
 * `constructor` or with an empty term match no node.
 */
import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Node, PersistentVolumeClaim } from '../../../pkg/api/core/v1';
import { isInvalid } from '../../../pkg/api/errors';
import { Clientset } from '../../../pkg/client/clientset';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import {
  claim,
  hostPathVolume,
  type InProcessControllerManager,
  pool,
  startControllerManager,
  waitClaimPhase,
  waitEvent,
  waitUntil,
} from './helpers';
import { nodeNames, podWith, scheduledNode, Selected, wffcClass } from './topology_helpers';

const rwopMessage =
  '0/3 nodes are available: 3 node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode.';

describe('controller-manager (in-process): hostile and racing clients against topology-aware scheduling', function () {
  this.timeout(90_000);
  const ns = 'topo-attack';
  let api: TestApiServer;
  let client: Clientset;
  let cm: InProcessControllerManager;
  let tmp: string;

  const nodeOf = (name: string) => scheduledNode(client, ns, name, 30000);

  /** The claim is bound to a PV pinned to exactly `node` (and the PV names the claim). */
  const expectBoundFor = async (claimName: string, node: string): Promise<void> => {
    const bound = await waitClaimPhase(client, ns, claimName, 'Bound', 30_000);
    expect(bound.metadata.annotations?.[Selected]).to.equal(node);
    const pv = await client.persistentVolumes.get(bound.spec.volumeName ?? '');
    expect(pv.spec.claimRef?.name).to.equal(claimName);
    expect(pv.spec.nodeAffinity?.required?.nodeSelectorTerms).to.deep.equal([
      { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] },
    ]);
  };

  const failures = async (pod: string): Promise<string[]> =>
    (await client.events.list(ns)).items
      .filter((e) => e.involvedObject.name === pod && e.reason === 'FailedScheduling')
      .map((e) => e.message ?? '');

  before(async () => {
    api = await startApiServer();
    client = new Clientset({ server: api.url, qps: 0 });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kubestore-topo-attack-'));
    await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (const name of nodeNames) {
      const node: Node = {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, labels: { 'kubernetes.io/hostname': name } },
      };
      const made = await client.nodes.create(node);
      await client.nodes.updateStatus({
        ...made,
        status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'test node' }] },
      });
    }
    await client.storageClasses.create(wffcClass('wffc'));
    await client.storageClasses.create({ ...wffcClass('no-prov'), provisioner: 'kubernetes.io/no-provisioner' });
    cm = startControllerManager({ url: api.url, dir: tmp });
  });

  after(async () => {
    await cm?.stop();
    client?.close();
    await api?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('a selected-node a user set to junk is removed, never provisioned for; the claim binds for its pod’s node later', async () => {
    const junk = ['../x', 'n'.repeat(300), '/etc'];
    for (const [i, value] of junk.entries()) {
      const c = claim(ns, `junk-${i}`, { className: 'wffc' });
      c.metadata.annotations = { [Selected]: value };
      await client.persistentVolumeClaims.create(c);
    }
    for (const [i, value] of junk.entries()) {
      const ev = await waitEvent(client, ns, `junk-${i}`, 'ProvisioningFailed');
      expect(ev.message).to.equal(`failed to get target node: node "${value}" not found`);
      await waitUntil(
        async () =>
          (await client.persistentVolumeClaims.get(`junk-${i}`, ns)).metadata.annotations?.[Selected] === undefined,
        20_000,
        `selected-node removed from junk-${i}`,
      );
    }
    expect((await client.persistentVolumes.list()).items.map((pv) => pv.spec.claimRef?.name)).not.to.include.members(
      junk.map((_, i) => `junk-${i}`),
    );
    for (const i of junk.keys()) await client.pods.create(podWith(ns, `junk-user-${i}`, [`junk-${i}`]));
    for (const i of junk.keys()) await expectBoundFor(`junk-${i}`, await nodeOf(`junk-user-${i}`));
    // Only the controller's own directories exist beside the volumes, and every volume is one of this namespace's.
    expect(readdirSync(tmp).sort()).to.deep.equal(['nfs-export', 'records', 'volumes']);
    for (const d of readdirSync(cm.hostPathBase)) expect(d.startsWith(`${ns}-junk-`), d).to.equal(true);
  });

  it('an empty selected-node is no node: the scheduler chooses one and the claim binds for it', async () => {
    const c = claim(ns, 'blank', { className: 'wffc' });
    c.metadata.annotations = { [Selected]: '' };
    await client.persistentVolumeClaims.create(c);
    await client.pods.create(podWith(ns, 'blank-user', ['blank']));
    await expectBoundFor('blank', await nodeOf('blank-user'));
  });

  it('a WaitForFirstConsumer class deleted mid-way: the pod stays Pending, and is placed once the class is back', async () => {
    await client.storageClasses.create(wffcClass('doomed'));
    await client.persistentVolumeClaims.create(claim(ns, 'orphan', { className: 'doomed' }));
    await waitEvent(client, ns, 'orphan', 'WaitForFirstConsumer');
    await client.storageClasses.delete('doomed');
    await client.pods.create(podWith(ns, 'orphan-user', ['orphan']));
    await waitUntil(
      async (note) => {
        const f = await failures('orphan-user');
        note(f.join(' | '));
        return f.includes('0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.');
      },
      20_000,
      'FailedScheduling for orphan-user',
    );
    expect((await client.pods.get('orphan-user', ns)).spec.nodeName ?? '').to.equal('');
    expect((await client.persistentVolumeClaims.get('orphan', ns)).spec.volumeName ?? '').to.equal('');
    await client.storageClasses.create(wffcClass('doomed'));
    await expectBoundFor('orphan', await nodeOf('orphan-user'));
  });

  for (const mode of ['WaitForFirstConsumer', 'Immediate'] as const) {
    it(`pods created at once on one ReadWriteOncePod claim (${mode}): one is placed, every other stays Pending`, async () => {
      const name = `solo-${mode.toLowerCase()}`;
      const c: PersistentVolumeClaim = {
        ...claim(ns, name, { className: mode === 'Immediate' ? 'hostPath' : 'wffc' }),
      };
      c.spec.accessModes = ['ReadWriteOncePod'];
      await client.persistentVolumeClaims.create(c);
      if (mode === 'Immediate') await waitClaimPhase(client, ns, name, 'Bound');
      const users = Array.from({ length: 6 }, (_, i) => `${name}-user-${i}`);
      await Promise.all(users.map((u) => client.pods.create(podWith(ns, u, [name]))));
      let placed: string[] = [];
      await waitUntil(
        async (note) => {
          const pods = (await client.pods.list(ns)).items.filter((p) => users.includes(p.metadata.name ?? ''));
          placed = pods.filter((p) => p.spec.nodeName).map((p) => p.metadata.name ?? '');
          const refused = await Promise.all(
            users.filter((u) => !placed.includes(u)).map(async (u) => (await failures(u)).includes(rwopMessage)),
          );
          note(`placed ${placed.join(',')}; refused ${refused.filter(Boolean).length}`);
          return placed.length === 1 && refused.length === users.length - 1 && refused.every(Boolean);
        },
        30_000,
        'one pod placed and the others refused',
      );
      if (mode === 'WaitForFirstConsumer') await expectBoundFor(name, await nodeOf(placed[0] ?? ''));
      const again = (await client.pods.list(ns)).items.filter((p) => users.includes(p.metadata.name ?? ''));
      expect(again.filter((p) => p.spec.nodeName).map((p) => p.metadata.name)).to.deep.equal(placed);
    });
  }

  it('pods created at once on one ReadWriteOnce WaitForFirstConsumer claim all land on the node it was provisioned for', async () => {
    await client.persistentVolumeClaims.create(claim(ns, 'shared', { className: 'wffc' }));
    const users = Array.from({ length: 6 }, (_, i) => `shared-user-${i}`);
    await Promise.all(users.map((u) => client.pods.create(podWith(ns, u, ['shared']))));
    const nodes = new Set<string>();
    for (const u of users) nodes.add(await nodeOf(u));
    expect(nodes.size, [...nodes].join(',')).to.equal(1);
    await expectBoundFor('shared', [...nodes][0] ?? '');
  });

  it('pods created at once whose claims all want the one local PV: one binds it, the others stay Pending', async () => {
    const pv = hostPathVolume('only-local', { className: 'no-prov' });
    pv.spec.nodeAffinity = {
      required: {
        nodeSelectorTerms: [
          { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['node-b'] }] },
        ],
      },
    };
    await client.persistentVolumes.create(pv);
    const users = Array.from({ length: 5 }, (_, i) => i);
    await Promise.all(
      users.map(async (i) => {
        await client.persistentVolumeClaims.create(claim(ns, `want-${i}`, { className: 'no-prov' }));
        await client.pods.create(podWith(ns, `want-user-${i}`, [`want-${i}`]));
      }),
    );
    const noVolume = "0/3 nodes are available: 3 node(s) didn't find available persistent volumes to bind.";
    let winner = -1;
    await waitUntil(
      async (note) => {
        const claims = await Promise.all(users.map((i) => client.persistentVolumeClaims.get(`want-${i}`, ns)));
        const bound = claims.filter((c) => c.status?.phase === 'Bound');
        winner = users.find((i) => claims[i]?.status?.phase === 'Bound') ?? -1;
        const refused = await Promise.all(
          users.filter((i) => i !== winner).map(async (i) => (await failures(`want-user-${i}`)).includes(noVolume)),
        );
        note(`bound ${bound.map((c) => c.metadata.name).join(',')}; refused ${refused.filter(Boolean).length}`);
        return bound.length === 1 && refused.every(Boolean);
      },
      40_000,
      'one claim bound to the local PV, the other pods refused',
    );
    expect(await nodeOf(`want-user-${winner}`)).to.equal('node-b');
    const got = await client.persistentVolumes.get('only-local');
    expect(got.spec.claimRef?.name).to.equal(`want-${winner}`);
    for (const i of users.filter((u) => u !== winner)) {
      expect((await client.pods.get(`want-user-${i}`, ns)).spec.nodeName ?? '').to.equal('');
      expect((await client.persistentVolumeClaims.get(`want-${i}`, ns)).spec.volumeName ?? '').to.equal('');
    }
  });

  it('30 pods with their own WaitForFirstConsumer claims created at once: each placed once, each volume pinned to its pod’s node', async () => {
    const n = 30;
    await pool(n, 10, async (i) => {
      await client.persistentVolumeClaims.create(claim(ns, `many-${i}`, { className: 'wffc', size: '1Mi' }));
      await client.pods.create(podWith(ns, `many-user-${i}`, [`many-${i}`]));
    });
    const perNode = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      const node = await nodeOf(`many-user-${i}`);
      perNode.set(node, (perNode.get(node) ?? 0) + 1);
      await expectBoundFor(`many-${i}`, node);
    }
    expect([...perNode.keys()].sort()).to.deep.equal(nodeNames);
    const pvs = (await client.persistentVolumes.list()).items.filter((pv) =>
      pv.spec.claimRef?.name?.startsWith('many-'),
    );
    expect(pvs).to.have.length(n);
    expect(new Set(pvs.map((pv) => pv.spec.claimRef?.name)).size).to.equal(n);
  });

  it('node constraints naming `constructor`, or whose only term is empty, match no node; junk affinity is a 422', async () => {
    await client.pods.create(podWith(ns, 'ctor', [], { nodeSelector: { constructor: 'Object' } }));
    await client.pods.create(
      podWith(ns, 'empty-term', [], {
        affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{}] } } },
      }),
    );
    for (const p of ['ctor', 'empty-term']) {
      const ev = await waitEvent(client, ns, p, 'FailedScheduling');
      expect(ev.message).to.equal("0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.");
      expect((await client.pods.get(p, ns)).spec.nodeName ?? '').to.equal('');
    }
    const junk = podWith(ns, 'junk-affinity', [], {
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'cpus', operator: 'Gt', values: ['lots'] }] }],
          },
        },
      },
    });
    const err = await client.pods.create(junk).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isInvalid(err), String(err)).to.equal(true);
  });
});
