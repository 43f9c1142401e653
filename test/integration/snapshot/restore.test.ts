/**
 * Restore and clone on a real apiserver + etcd with an in-process controller-manager (the
 * upstream snapshot CRDs applied unmodified): a claim with dataSource VolumeSnapshot is
 * provisioned with exactly the snapshot's files (not what was written after it); one smaller
 * than restoreSize gets ProvisioningFailed and stays Pending; a claim with dataSourceRef
 * PersistentVolumeClaim copies that claim; the snapshot being restored from keeps its finalizer.
 */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PersistentVolumeClaim } from '../../../pkg/api/core/v1';
import type { VolumeSnapshot, VolumeSnapshotClass } from '../../../pkg/api/snapshot/v1/types';
import { volumeSnapshotClassesInfo, volumeSnapshotsInfo } from '../../../pkg/api/snapshot/v1/types';
import { Clientset } from '../../../pkg/client/clientset';
import { ResourceClient } from '../../../pkg/client/resource_client';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import {
  claim,
  type InProcessControllerManager,
  startControllerManager,
  waitClaimPhase,
  waitEvent,
  waitGone,
} from '../controller/helpers';
import { applySnapshotCrds, snapshot, snapshotClass, waitReady } from './helpers';

describe('restore from a snapshot and clone of a claim (in-process controller-manager)', function () {
  this.timeout(90_000);
  const ns = 'snaps';
  let api: TestApiServer;
  let client: Clientset;
  let cm: InProcessControllerManager;
  let tmp: string;
  let snaps: ResourceClient<VolumeSnapshot, 'Namespaced'>;
  let sourceDir: string;

  const dirOf = async (name: string): Promise<string> => {
    const c = await client.persistentVolumeClaims.get(name, ns);
    return (await client.persistentVolumes.get(c.spec.volumeName ?? '')).spec.hostPath?.path ?? '';
  };
  const withSource = (
    name: string,
    size: string,
    src: NonNullable<PersistentVolumeClaim['spec']['dataSource']>,
    field: 'dataSource' | 'dataSourceRef' = 'dataSource',
  ): PersistentVolumeClaim => {
    const c = claim(ns, name, { size });
    c.spec[field] = src;
    return c;
  };

  before(async () => {
    api = await startApiServer();
    client = new Clientset({ server: api.url, qps: 0 });
    await applySnapshotCrds(api.url);
    snaps = new ResourceClient(client.rest, volumeSnapshotsInfo);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kubestore-restore-it-'));
    cm = startControllerManager({ url: api.url, dir: tmp });
    await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await new ResourceClient<VolumeSnapshotClass, 'Cluster'>(client.rest, volumeSnapshotClassesInfo).create(
      snapshotClass('hostpath', 'Delete', true),
    );
    await client.persistentVolumeClaims.create(claim(ns, 'data', { size: '1Mi' }));
    await waitClaimPhase(client, ns, 'data', 'Bound');
    sourceDir = await dirOf('data');
    writeFileSync(path.join(sourceDir, 'one.txt'), 'written before the snapshot');
    await snaps.create(snapshot('snap', { persistentVolumeClaimName: 'data' }));
    await waitReady(snaps, ns, 'snap');
    // Written after the snapshot: a restore must not see it.
    writeFileSync(path.join(sourceDir, 'two.txt'), 'written after');
    writeFileSync(path.join(sourceDir, 'one.txt'), 'changed after');
  });

  after(async () => {
    await cm?.stop();
    client?.close();
    await api?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('a claim with dataSource VolumeSnapshot is provisioned with exactly the snapshot’s data', async () => {
    await client.persistentVolumeClaims.create(
      withSource('restored', '1Mi', { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'snap' }),
    );
    await waitClaimPhase(client, ns, 'restored', 'Bound');
    const dir = await dirOf('restored');
    expect(dir).to.not.equal(sourceDir);
    expect(readdirSync(dir).sort()).to.deep.equal(['one.txt']);
    expect(readFileSync(path.join(dir, 'one.txt'), 'utf8')).to.equal('written before the snapshot');
  });

  it('a request below the snapshot’s restoreSize gets ProvisioningFailed and stays Pending', async () => {
    const size = (await snaps.get('snap', ns)).status?.restoreSize;
    expect(size).to.equal(String('written before the snapshot'.length));
    await client.persistentVolumeClaims.create(
      withSource('tiny', '10', { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'snap' }),
    );
    const ev = await waitEvent(client, ns, 'tiny', 'ProvisioningFailed');
    expect(ev.message).to.include(
      `requested volume size 10 is less than the size ${size ?? ''} for the source snapshot`,
    );
    expect((await client.persistentVolumeClaims.get('tiny', ns)).status?.phase).to.equal('Pending');
  });

  it('a restore from a missing snapshot gets ProvisioningFailed', async () => {
    await client.persistentVolumeClaims.create(
      withSource('orphan', '1Mi', { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'nope' }),
    );
    const ev = await waitEvent(client, ns, 'orphan', 'ProvisioningFailed');
    expect(ev.message).to.include('volumesnapshot.snapshot.storage.k8s.io "nope" not found');
  });

  it('a snapshot being restored from keeps its finalizers while the restoring claim is pending', async () => {
    await snaps.create(snapshot('held', { persistentVolumeClaimName: 'data' }));
    await waitReady(snaps, ns, 'held');
    // A request below restoreSize keeps the restoring claim Pending.
    await client.persistentVolumeClaims.create(
      withSource('waiting', '1', { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'held' }),
    );
    await waitEvent(client, ns, 'waiting', 'ProvisioningFailed');
    await snaps.delete('held', ns);
    const got = await snaps.get('held', ns);
    expect(got.metadata.deletionTimestamp).to.be.a('string');
    expect(got.metadata.finalizers).to.include('snapshot.storage.kubernetes.io/volumesnapshot-as-source-protection');
    await client.persistentVolumeClaims.delete('waiting', ns);
    await waitGone(() => snaps.get('held', ns), 'snapshot held, once no claim restores from it');
  });

  it('a claim with dataSourceRef PersistentVolumeClaim is a copy of that claim', async () => {
    await client.persistentVolumeClaims.create(
      withSource('clone', '1Mi', { kind: 'PersistentVolumeClaim', name: 'data' }, 'dataSourceRef'),
    );
    await waitClaimPhase(client, ns, 'clone', 'Bound');
    const dir = await dirOf('clone');
    expect(readdirSync(dir).sort()).to.deep.equal(['one.txt', 'two.txt']);
    expect(readFileSync(path.join(dir, 'one.txt'), 'utf8')).to.equal('changed after');
  });
});
