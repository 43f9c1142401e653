/**
 * Issue 17's binder paths tried as an attacker and a careless user would, on a real apiserver +
 * etcd with an in-process controller-manager: forged binder annotations on a claim (a claim
 * copied from `kubectl get pvc -o yaml` carries them all), forged provisioner annotations, a
 * loosened user claimRef seen from another namespace, invalid volumeMode and data sources, and
 * controller-manager restarts while user claimRefs are loosened.
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PersistentVolume, PersistentVolumeClaim } from '../../../pkg/api/core/v1';
import { StatusError } from '../../../pkg/api/errors';
import { Clientset } from '../../../pkg/client/clientset';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import {
  claim,
  hostPathClass,
  hostPathVolume,
  type InProcessControllerManager,
  pool,
  startControllerManager,
  waitClaimPhase,
  waitEvent,
  waitUntil,
  waitBuiltInClasses,
} from './helpers';

const Completed = 'pv.kubernetes.io/bind-completed';
const BoundBy = 'pv.kubernetes.io/bound-by-controller';
const StorageProvisioner = 'volume.kubernetes.io/storage-provisioner';
const BetaStorageProvisioner = 'volume.beta.kubernetes.io/storage-provisioner';

async function createStatus(p: Promise<unknown>): Promise<number | undefined> {
  try {
    await p;
    return undefined;
  } catch (err) {
    if (err instanceof StatusError) return err.code;
    throw err;
  }
}

describe('controller-manager (in-process): attacks on the issue-17 binder paths', function () {
  this.timeout(90_000);
  const nsA = 'attack-a';
  const nsB = 'attack-b';
  let api: TestApiServer;
  let client: Clientset;
  let cm: InProcessControllerManager;
  let tmp: string;

  before(async () => {
    api = await startApiServer();
    client = new Clientset({ server: api.url, qps: 0 });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kubestore-attack17-'));
    cm = startControllerManager({ url: api.url, dir: tmp });
    for (const name of [nsA, nsB])
      await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    await waitBuiltInClasses(client);
  });

  after(async () => {
    await cm?.stop();
    client?.close();
    await api?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('a claim with a forged bind-completed naming an unclaimed PV of another class is not bound to it (Failed, VolumeMismatch)', async () => {
    await client.storageClasses.create(hostPathClass('premium', 'Retain'));
    await client.persistentVolumes.create(hostPathVolume('attack-premium', { dir: tmp, className: 'premium' }));
    const forged = claim(nsA, 'forged-completed', { volumeName: 'attack-premium' });
    forged.metadata.annotations = { [Completed]: 'yes', [BoundBy]: 'yes' };
    await client.persistentVolumeClaims.create(forged);
    const ev = await waitEvent(client, nsA, 'forged-completed', 'VolumeMismatch');
    expect(ev.message).to.match(/mismatch/);
    const c = await client.persistentVolumeClaims.get('forged-completed', nsA);
    expect(c.status?.phase).to.equal('Failed');
    const pv = await client.persistentVolumes.get('attack-premium');
    expect(pv.spec.claimRef).to.equal(undefined);
    expect(pv.status?.phase).to.equal('Available');
  });

  it('a Lost claim is not bound to a re-created PV of its name that is of another class', async () => {
    const lost = claim(nsA, 'lost-then-recreated', { volumeName: 'attack-recreated' });
    lost.metadata.annotations = { [Completed]: 'yes' };
    await client.persistentVolumeClaims.create(lost);
    await waitClaimPhase(client, nsA, 'lost-then-recreated', 'Lost');
    await client.persistentVolumes.create(hostPathVolume('attack-recreated', { dir: tmp, className: 'premium' }));
    await waitEvent(client, nsA, 'lost-then-recreated', 'VolumeMismatch');
    const pv = await client.persistentVolumes.get('attack-recreated');
    expect(pv.spec.claimRef).to.equal(undefined);
  });

  it("a forged storage-provisioner annotation on a claim of our class is replaced by our provisioner's name; one PV, ours", async () => {
    const c = claim(nsA, 'forged-provisioner', { size: '16Mi' });
    c.metadata.annotations = {
      [StorageProvisioner]: 'evil.example.com/x',
      [BetaStorageProvisioner]: 'evil.example.com/x',
    };
    const created = await client.persistentVolumeClaims.create(c);
    const bound = await waitClaimPhase(client, nsA, 'forged-provisioner', 'Bound');
    expect(bound.spec.volumeName).to.equal(`pvc-${created.metadata.uid ?? ''}`);
    expect(bound.metadata.annotations?.[StorageProvisioner]).to.equal('kubestore.io/hostpath');
    expect(bound.metadata.annotations?.[BetaStorageProvisioner]).to.equal('kubestore.io/hostpath');
    const pv = await client.persistentVolumes.get(bound.spec.volumeName ?? '');
    expect(pv.metadata.annotations?.['pv.kubernetes.io/provisioned-by']).to.equal('kubestore.io/hostpath');
  });

  it("a user claimRef loosened to a claim's name is never bound by a claim of that name in another namespace, nor by one naming it", async () => {
    await client.persistentVolumeClaims.create(claim(nsB, 'shared-name', { size: '16Mi' }));
    const owner = await waitClaimPhase(client, nsB, 'shared-name', 'Bound');
    const pv = hostPathVolume('attack-loosened', { dir: tmp, size: '1Gi' });
    pv.spec.claimRef = { kind: 'PersistentVolumeClaim', namespace: nsB, name: 'shared-name', uid: owner.metadata.uid };
    await client.persistentVolumes.create(pv);
    await waitUntil(
      async () => (await client.persistentVolumes.get('attack-loosened')).spec.claimRef?.uid === undefined,
      20_000,
      'claimRef uid cleared',
    );
    await client.persistentVolumeClaims.create(claim(nsA, 'shared-name', { size: '16Mi' }));
    await client.persistentVolumeClaims.create(claim(nsA, 'names-loosened', { volumeName: 'attack-loosened' }));
    await waitClaimPhase(client, nsA, 'shared-name', 'Bound');
    await waitEvent(client, nsA, 'names-loosened', 'FailedBinding');
    const after = await client.persistentVolumes.get('attack-loosened');
    expect(after.spec.claimRef?.namespace).to.equal(nsB);
    expect(after.spec.claimRef?.uid).to.equal(undefined);
    expect(after.status?.phase).to.equal('Available');
    expect((await client.persistentVolumeClaims.get('shared-name', nsA)).spec.volumeName).to.not.equal(
      'attack-loosened',
    );
  });

  it('a claim naming its class only by the beta volume.beta.kubernetes.io/storage-class annotation (old tutorials) is provisioned from it', async () => {
    const c = claim(nsA, 'beta-class', { size: '16Mi' });
    delete c.spec.storageClassName;
    c.metadata.annotations = { 'volume.beta.kubernetes.io/storage-class': 'hostPath' };
    const created = await client.persistentVolumeClaims.create(c);
    expect(created.spec.storageClassName).to.equal('hostPath');
    const bound = await waitClaimPhase(client, nsA, 'beta-class', 'Bound');
    expect((await client.persistentVolumes.get(bound.spec.volumeName ?? '')).spec.storageClassName).to.equal(
      'hostPath',
    );
  });

  it('volumeMode other than Filesystem/Block and disagreeing data sources are refused with 422', async () => {
    const bad = claim(nsA, 'bad-mode');
    bad.spec.volumeMode = 'block' as PersistentVolumeClaim['spec']['volumeMode'];
    expect(await createStatus(client.persistentVolumeClaims.create(bad))).to.equal(422);
    const badPv = hostPathVolume('attack-bad-mode', { dir: tmp });
    badPv.spec.volumeMode = 'Raw' as PersistentVolume['spec']['volumeMode'];
    expect(await createStatus(client.persistentVolumes.create(badPv))).to.equal(422);
    const both = claim(nsA, 'two-sources');
    both.spec.dataSource = { kind: 'PersistentVolumeClaim', name: 'a' };
    both.spec.dataSourceRef = { kind: 'PersistentVolumeClaim', name: 'b' };
    expect(await createStatus(client.persistentVolumeClaims.create(both))).to.equal(422);
    await client.persistentVolumeClaims.create(claim(nsA, 'one-source', { className: 'none-such' }));
    let code: number | undefined = 409;
    // The controller may write the claim meanwhile (409): read it again and retry.
    while (code === 409) {
      const one = await client.persistentVolumeClaims.get('one-source', nsA);
      const added: PersistentVolumeClaim = {
        ...one,
        spec: { ...one.spec, dataSourceRef: { kind: 'PersistentVolumeClaim', name: 'b' } },
      };
      code = await createStatus(client.persistentVolumeClaims.update(added));
    }
    expect(code).to.equal(422);
  });

  it('a class-less claim may be given a class once; changing it again or removing it is refused with 422', async () => {
    const c = claim(nsA, 'class-once', { volumeName: 'attack-nowhere' });
    delete c.spec.storageClassName;
    await client.persistentVolumeClaims.create(c);
    const setClass = async (name: string | undefined): Promise<number | undefined> => {
      for (;;) {
        const cur = await client.persistentVolumeClaims.get('class-once', nsA);
        const spec = { ...cur.spec };
        if (name === undefined) delete spec.storageClassName;
        else spec.storageClassName = name;
        const code = await createStatus(client.persistentVolumeClaims.update({ ...cur, spec }));
        if (code !== 409) return code;
      }
    };
    expect(await setClass('premium')).to.equal(undefined);
    expect(await setClass('hostPath')).to.equal(422);
    expect(await setClass(undefined)).to.equal(422);
    expect((await client.persistentVolumeClaims.get('class-once', nsA)).spec.storageClassName).to.equal('premium');
  });

  it('controller-manager restarts while user claimRefs are loosened leave no PV bound twice and every PV Available, uid cleared', async () => {
    const n = 12;
    await pool(n, 4, (i) => client.persistentVolumeClaims.create(claim(nsB, `crash-${i}`, { size: '16Mi' })));
    const owners = await Promise.all(
      Array.from({ length: n }, (_, i) => waitClaimPhase(client, nsB, `crash-${i}`, 'Bound', 40_000)),
    );
    const pvs = owners.map((o, i) => {
      const pv = hostPathVolume(`attack-crash-${i}`, { dir: tmp, size: '1Gi' });
      pv.spec.claimRef = { kind: 'PersistentVolumeClaim', namespace: nsB, name: `crash-${i}`, uid: o.metadata.uid };
      return pv;
    });
    const creating = pool(n, 3, (i) => client.persistentVolumes.create(pvs[i] as PersistentVolume));
    for (let r = 0; r < 3; r++) {
      await cm.stop();
      cm = startControllerManager({ url: api.url, dir: tmp });
      await waitUntil(
        async () =>
          (await client.persistentVolumes.list()).items.some(
            (v) => v.metadata.name.startsWith('attack-crash-') && v.spec.claimRef?.uid === undefined,
          ),
        20_000,
        'some loosened',
        10,
      ).catch(() => undefined);
    }
    await creating;
    await waitUntil(
      async (note) => {
        const left = (await client.persistentVolumes.list()).items.filter(
          (v) =>
            v.metadata.name.startsWith('attack-crash-') &&
            (v.spec.claimRef?.uid !== undefined || v.status?.phase !== 'Available'),
        );
        note(left.map((v) => `${v.metadata.name}:${v.status?.phase ?? ''}`).join(','));
        return left.length === 0;
      },
      40_000,
      'every user-claimRef PV loosened and Available',
    );
    const claims = (await client.persistentVolumeClaims.list(nsB)).items;
    const names = claims.map((c) => c.spec.volumeName ?? '').filter((v) => v);
    expect(new Set(names).size).to.equal(names.length);
    for (let i = 0; i < n; i++) {
      const c = claims.find((x) => x.metadata.name === `crash-${i}`);
      expect(c?.spec.volumeName).to.equal(owners[i]?.spec.volumeName);
      expect(c?.status?.phase).to.equal('Bound');
    }
  });
});
