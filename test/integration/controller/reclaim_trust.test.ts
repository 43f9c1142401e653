/**
 * Reclaim trusts only the controller-manager's own provisioning records and configured roots,
 * on a real apiserver + etcd with an in-process controller-manager and real directories in a
 * temp dir. Hand-made PVs carrying the provisioner's annotations (and the old
 * `kubestore.io/provisioned-base`), bound to a claim that is then deleted, never lose their data
 * with Delete or Recycle, whether their path is outside the roots, inside the base with no
 * record, or a symlink in the base leading outside: they go Failed with a Warning event, and so
 * does a plain statically created hostPath PV with Recycle. Legit provisioned volumes are still
 * deleted, or emptied and made Available again with Recycle. hostPath StorageClasses naming a path outside the
 * apiserver's roots are refused with 422; one outside the controller-manager's roots (the roots
 * changed) gets ProvisioningFailed.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PersistentVolume } from '../../../pkg/api/core/v1';
import { Clientset } from '../../../pkg/client/clientset';
import { StatusError } from '../../../pkg/api/errors';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import {
  claim,
  hostPathClass,
  hostPathVolume,
  type InProcessControllerManager,
  startControllerManager,
  waitClaimPhase,
  waitEvent,
  waitEventMatching,
  waitGone,
  waitUntil,
  waitBuiltInClasses,
} from './helpers';

describe('controller-manager (in-process) on a real apiserver: reclaim deletes only what it provisioned', function () {
  this.timeout(60_000);
  const ns = 'trust';
  let api: TestApiServer;
  let client: Clientset;
  let cm: InProcessControllerManager;
  let tmp: string;
  let fast: string;
  let legacy: string;

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kubestore-trust-it-'));
    fast = path.join(tmp, 'fast');
    legacy = path.join(tmp, 'legacy');
    // The apiserver still allows `legacy`; the controller-manager no longer does (roots changed).
    api = await startApiServer({ hostPathRoots: [path.join(tmp, 'volumes'), fast, legacy] });
    client = new Clientset({ server: api.url, qps: 0 });
    cm = startControllerManager({ url: api.url, dir: tmp, hostPathAllowedRoots: [fast] });
    await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await waitBuiltInClasses(client);
  });

  after(async () => {
    await cm?.stop();
    client?.close();
    await api?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** A hand-made PV claiming to be provisioned by kubestore.io/hostpath. */
  function forgedVolume(name: string, dir: string, policy: 'Delete' | 'Recycle'): PersistentVolume {
    return {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: {
        name,
        annotations: {
          'pv.kubernetes.io/provisioned-by': 'kubestore.io/hostpath',
          'kubestore.io/provisioned-base': path.dirname(dir),
        },
      },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        hostPath: { path: dir },
        storageClassName: 'hostPath',
        persistentVolumeReclaimPolicy: policy,
      },
    };
  }

  /** A directory with one file in it. */
  function precious(dir: string): string {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'precious'), 'data');
    return dir;
  }

  for (const policy of ['Delete', 'Recycle'] as const) {
    it(`forged ${policy} PVs (outside the roots, in the base without a record, a symlink in the base to outside): Failed + Warning, data kept`, async () => {
      const tag = policy.toLowerCase();
      const outside = precious(path.join(tmp, 'some', tag, 'important'));
      const inBase = precious(path.join(cm.hostPathBase, `important-${tag}`));
      const target = precious(path.join(tmp, 'elsewhere', tag));
      const link = path.join(cm.hostPathBase, `link-${tag}`);
      symlinkSync(target, link);
      const cases: [string, string, RegExp][] = [
        [`forged-outside-${tag}`, outside, /not strictly under a root/],
        [`forged-inbase-${tag}`, inBase, /no provisioning record/],
        [`forged-link-${tag}`, link, /resolves to .*, which is not strictly under a root/],
      ];
      for (const [name, dir] of cases) {
        await client.persistentVolumes.create(forgedVolume(name, dir, policy));
        await client.persistentVolumeClaims.create(claim(ns, name, { volumeName: name }));
      }
      for (const [name] of cases) await waitClaimPhase(client, ns, name, 'Bound');
      for (const [name] of cases) await client.persistentVolumeClaims.delete(name, ns);
      const reason = policy === 'Delete' ? 'VolumeFailedDelete' : 'VolumeFailedRecycle';
      for (const [name, , why] of cases) {
        await waitUntil(
          async (note) => {
            const pv = await client.persistentVolumes.get(name);
            note(`${pv.status?.phase ?? ''} ${pv.status?.message ?? ''}`);
            return pv.status?.phase === 'Failed';
          },
          20_000,
          `PV ${name} Failed`,
        );
        const pv = await client.persistentVolumes.get(name);
        expect(pv.status?.message ?? '').to.match(why);
        const ev = await waitEvent(client, 'default', name, reason);
        expect(ev.type).to.equal('Warning');
        expect(ev.message ?? '').to.match(why);
      }
      for (const dir of [outside, inBase, target]) expect(readdirSync(dir), dir).to.deep.equal(['precious']);
    });
  }

  it('legit: a dynamically provisioned volume (Delete) is recorded and deleted with its record when its claim is deleted', async () => {
    await client.persistentVolumeClaims.create(claim(ns, 'legit'));
    const bound = await waitClaimPhase(client, ns, 'legit', 'Bound');
    const pvName = bound.spec.volumeName ?? '';
    const pv = await client.persistentVolumes.get(pvName);
    const dir = pv.spec.hostPath?.path ?? '';
    expect(path.dirname(dir)).to.equal(cm.hostPathBase);
    expect(pv.metadata.annotations?.['kubestore.io/provisioned-base']).to.equal(undefined);
    writeFileSync(path.join(dir, 'data'), 'x');
    const recordFile = path.join(cm.recordDir, `${pvName}.json`);
    await waitUntil(() => existsSync(recordFile), 30_000, 'the provisioning record');
    await client.persistentVolumeClaims.delete('legit', ns);
    await waitGone(() => client.persistentVolumes.get(pvName), `PV ${pvName}`);
    expect(existsSync(dir), `${dir} removed`).to.equal(false);
    expect(existsSync(recordFile), 'record removed').to.equal(false);
  });

  it('legit: a provisioned volume switched to Recycle is emptied and Available again when its claim is deleted (record and directory kept)', async () => {
    await client.persistentVolumeClaims.create(claim(ns, 'recycled'));
    const bound = await waitClaimPhase(client, ns, 'recycled', 'Bound');
    const pvName = bound.spec.volumeName ?? '';
    const pv = await client.persistentVolumes.get(pvName);
    const dir = pv.spec.hostPath?.path ?? '';
    await client.persistentVolumes.patch(pvName, undefined, 'application/merge-patch+json', {
      spec: { persistentVolumeReclaimPolicy: 'Recycle' },
    });
    writeFileSync(path.join(dir, 'old-data'), 'x');
    const recordFile = path.join(cm.recordDir, `${pvName}.json`);
    await waitUntil(() => existsSync(recordFile), 30_000, 'the provisioning record');
    await client.persistentVolumeClaims.delete('recycled', ns);
    await waitUntil(
      async (note) => {
        const cur = await client.persistentVolumes.get(pvName);
        note(`${cur.status?.phase ?? ''} ${cur.status?.message ?? ''}`);
        return cur.status?.phase === 'Available' && !cur.spec.claimRef;
      },
      20_000,
      `PV ${pvName} Available again`,
    );
    await waitEvent(client, 'default', pvName, 'VolumeRecycled');
    expect(readdirSync(dir), 'emptied').to.deep.equal([]);
    expect(existsSync(recordFile), 'record kept').to.equal(true);
  });

  it('a statically created hostPath PV (no provisioner annotations) with Recycle → Failed, "not provisioned by this controller", data kept', async () => {
    const dir = precious(path.join(cm.hostPathBase, 'static-recycle'));
    const staticPv = hostPathVolume('static-recycle', { dir: cm.hostPathBase });
    staticPv.spec.persistentVolumeReclaimPolicy = 'Recycle';
    await client.persistentVolumes.create(staticPv);
    await client.persistentVolumeClaims.create(claim(ns, 'static-recycle', { volumeName: 'static-recycle' }));
    await waitClaimPhase(client, ns, 'static-recycle', 'Bound');
    await client.persistentVolumeClaims.delete('static-recycle', ns);
    const ev = await waitEvent(client, 'default', 'static-recycle', 'VolumeFailedRecycle');
    expect([ev.type, ev.message]).to.deep.equal([
      'Warning',
      'cannot recycle volume static-recycle: its storage was not provisioned by this controller',
    ]);
    await waitUntil(
      async () => (await client.persistentVolumes.get('static-recycle')).status?.phase === 'Failed',
      20_000,
      'PV static-recycle Failed',
    );
    expect(readdirSync(dir)).to.deep.equal(['precious']);
  });

  it('StorageClass parameters.path outside the apiserver roots, relative, with ".." or NUL → 422; under an allowed root → provisioned there', async () => {
    for (const [i, bad] of ['/anywhere', 'relative', `${fast}/../../etc`, `${fast}/\0`].entries()) {
      const err = await client.storageClasses
        .create({ ...hostPathClass(`bad-${i}`, 'Delete'), parameters: { path: bad } })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err, bad).to.be.instanceOf(StatusError);
      expect((err as StatusError).code, bad).to.equal(422);
      expect((err as StatusError).message).to.match(/parameters\.path/);
    }
    expect((await client.storageClasses.list()).items.map((c) => c.metadata.name)).to.not.include('bad-0');
    await client.storageClasses.create({
      ...hostPathClass('fast', 'Delete'),
      parameters: { path: path.join(fast, 'ssd') },
    });
    await client.persistentVolumeClaims.create(claim(ns, 'on-fast', { className: 'fast' }));
    const bound = await waitClaimPhase(client, ns, 'on-fast', 'Bound');
    const pv = await client.persistentVolumes.get(bound.spec.volumeName ?? '');
    expect(path.dirname(pv.spec.hostPath?.path ?? '')).to.equal(path.join(fast, 'ssd'));
  });

  it('a class the apiserver admitted but whose path the controller-manager no longer allows → ProvisioningFailed, nothing created', async () => {
    await client.storageClasses.create({ ...hostPathClass('legacy', 'Delete'), parameters: { path: legacy } });
    await client.persistentVolumeClaims.create(claim(ns, 'on-legacy', { className: 'legacy' }));
    // The class was created just before: the controller may first find it missing (its informer
    // lags the write) and record that failure; wait for the one this test is about.
    const ev = await waitEventMatching(client, {
      namespace: ns,
      name: 'on-legacy',
      reason: 'ProvisioningFailed',
      message: /parameters\.path: .*legacy is not under an allowed root/,
    });
    expect(ev.type).to.equal('Warning');
    expect((await client.persistentVolumeClaims.get('on-legacy', ns)).status?.phase).to.equal('Pending');
    expect(existsSync(legacy)).to.equal(false);
  });
});
