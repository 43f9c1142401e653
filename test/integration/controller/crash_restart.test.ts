/**
 * A controller-manager binary SIGKILLed in the middle of provisioning 50 claims, then started
 * again: every claim ends Bound to exactly one PV named pvc-<its uid>, PVs made before the
 * crash are kept (same uid) rather than made twice, and there is one directory per claim.
 */
import { expect } from 'chai';
import { readdirSync, rmSync } from 'node:fs';
import { Clientset } from '../../../pkg/client/clientset';
import { TestCluster } from '../../helpers/cluster';
import { claim, pool, waitUntil } from './helpers';

const CLAIMS = 50;

describe('controller-manager (binary): killed mid-provisioning and restarted', function () {
  this.timeout(90_000);
  const ns = 'crash';
  let cluster: TestCluster;
  let client: Clientset;

  before(async () => {
    cluster = new TestCluster({ controllerManager: false, kubelet: false });
    await cluster.up();
    client = new Clientset({ ...cluster.clientConfig(), qps: 0 });
    await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  });

  after(async () => {
    client?.close();
    await cluster?.down();
    if (cluster) rmSync(cluster.dir, { recursive: true, force: true });
  });

  it('exactly one PV per claim, named pvc-<uid>, all Bound', async () => {
    // Throttled (qps 20, one worker) so the kill lands while most claims are still unprovisioned.
    cluster.startControllerManager('kcm-first', ['--kube-api-qps=20', '--kube-api-burst=5', '--concurrent-workers=1']);
    await waitUntil(
      async () => (await client.storageClasses.list()).items.length >= 2,
      30_000,
      `built-in classes\n${cluster.logTail('kcm-first')}`,
    );
    await pool(CLAIMS, 10, (i) =>
      client.persistentVolumeClaims.create(claim(ns, `crash-${String(i).padStart(2, '0')}`)),
    );

    await waitUntil(
      async () => (await client.persistentVolumes.list()).items.length >= 5,
      30_000,
      `first PVs provisioned\n${cluster.logTail('kcm-first')}`,
    );
    await cluster.kill('kcm-first', 'SIGKILL');
    const before = (await client.persistentVolumes.list()).items;
    const boundBefore = (await client.persistentVolumeClaims.list(ns)).items.filter(
      (c) => c.status?.phase === 'Bound',
    ).length;
    expect(before.length, 'killed mid-way: some PVs exist').to.be.greaterThan(0);
    expect(boundBefore, 'killed mid-way: not every claim was bound').to.be.lessThan(CLAIMS);

    cluster.startControllerManager('kcm-second');
    await waitUntil(
      async (note) => {
        const bound = (await client.persistentVolumeClaims.list(ns)).items.filter(
          (c) => c.status?.phase === 'Bound',
        ).length;
        note(`${bound}/${CLAIMS} Bound`);
        return bound === CLAIMS;
      },
      45_000,
      `all claims Bound after the restart\n${cluster.logTail('kcm-second')}`,
    );

    const claims = (await client.persistentVolumeClaims.list(ns)).items;
    const pvs = (await client.persistentVolumes.list()).items;
    expect(pvs, 'one PV per claim').to.have.length(CLAIMS);
    const pvByName = new Map(pvs.map((v) => [v.metadata.name ?? '', v]));
    for (const c of claims) {
      const name = `pvc-${c.metadata.uid ?? ''}`;
      expect(c.spec.volumeName, `claim ${c.metadata.name ?? ''}`).to.equal(name);
      const v = pvByName.get(name);
      expect(v, `PV ${name}`).to.not.equal(undefined);
      expect(v?.spec.claimRef?.uid).to.equal(c.metadata.uid);
      expect(v?.status?.phase).to.equal('Bound');
    }
    for (const old of before) {
      expect(
        pvByName.get(old.metadata.name ?? '')?.metadata.uid,
        `PV ${old.metadata.name ?? ''} kept, not re-created`,
      ).to.equal(old.metadata.uid);
    }
    expect(readdirSync(cluster.hostPathBase), 'one directory per claim').to.have.length(CLAIMS);
  });
});
