/**
 * Snapshots on a real apiserver + etcd with an in-process controller-manager, the three
 * snapshot CRDs applied from the upstream files unmodified: a dynamic snapshot of a bound claim
 * gets a bound content, a copy of the claim's directory and readyToUse; a snapshot of a missing
 * claim gets status.error and a Warning event; policy Delete removes content and copy, Retain
 * keeps both.
 */
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { VolumeSnapshot, VolumeSnapshotClass, VolumeSnapshotContent } from '../../../pkg/api/snapshot/v1/types';
import {
  volumeSnapshotClassesInfo,
  volumeSnapshotContentsInfo,
  volumeSnapshotsInfo,
} from '../../../pkg/api/snapshot/v1/types';
import { Clientset } from '../../../pkg/client/clientset';
import { ResourceClient } from '../../../pkg/client/resource_client';
import { startApiServer, type TestApiServer } from '../../helpers/apiserver';
import { applySnapshotCrds, snapshot, snapshotClass, waitReady } from './helpers';
import {
  claim,
  type InProcessControllerManager,
  startControllerManager,
  waitClaimPhase,
  waitEvent,
  waitGone,
  waitUntil,
} from '../controller/helpers';

describe('snapshot controller (in-process) on the upstream snapshot CRDs', function () {
  this.timeout(90_000);
  const ns = 'snaps';
  let api: TestApiServer;
  let client: Clientset;
  let cm: InProcessControllerManager;
  let tmp: string;
  let snaps: ResourceClient<VolumeSnapshot, 'Namespaced'>;
  let contents: ResourceClient<VolumeSnapshotContent, 'Cluster'>;
  let classes: ResourceClient<VolumeSnapshotClass, 'Cluster'>;

  before(async () => {
    api = await startApiServer();
    client = new Clientset({ server: api.url, qps: 0 });
    await applySnapshotCrds(api.url);
    snaps = new ResourceClient(client.rest, volumeSnapshotsInfo);
    contents = new ResourceClient(client.rest, volumeSnapshotContentsInfo);
    classes = new ResourceClient(client.rest, volumeSnapshotClassesInfo);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'kubestore-snap-it-'));
    cm = startControllerManager({ url: api.url, dir: tmp });
    await client.namespaces.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    await classes.create(snapshotClass('hostpath-delete', 'Delete', true));
    await classes.create(snapshotClass('hostpath-retain', 'Retain'));
    await client.persistentVolumeClaims.create(claim(ns, 'data'));
    const bound = await waitClaimPhase(client, ns, 'data', 'Bound');
    const pv = await client.persistentVolumes.get(bound.spec.volumeName ?? '');
    const dir = pv.spec.hostPath?.path ?? '';
    writeFileSync(path.join(dir, 'a.txt'), 'before');
  });

  after(async () => {
    await cm?.stop();
    client?.close();
    await api?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('a dynamic snapshot of a bound claim (default class) gets a bound content, a copy and readyToUse', async () => {
    const created = await snaps.create(snapshot('snap1', { persistentVolumeClaimName: 'data' }));
    const ready = await waitReady(snaps, ns, 'snap1');
    const contentName = `snapcontent-${created.metadata.uid ?? ''}`;
    expect(ready.status?.boundVolumeSnapshotContentName).to.equal(contentName);
    expect(ready.status?.restoreSize).to.equal('6');
    expect(ready.status?.creationTime).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(ready.metadata.finalizers).to.include.members([
      'snapshot.storage.kubernetes.io/volumesnapshot-as-source-protection',
      'snapshot.storage.kubernetes.io/volumesnapshot-bound-protection',
    ]);
    const content = await contents.get(contentName);
    expect(content.spec.volumeSnapshotRef).to.include({ name: 'snap1', namespace: ns, uid: created.metadata.uid });
    expect(content.spec.deletionPolicy).to.equal('Delete');
    expect(content.status?.snapshotHandle).to.equal(contentName);
    expect(content.metadata.finalizers).to.include(
      'snapshot.storage.kubernetes.io/volumesnapshotcontent-bound-protection',
    );
    const copy = path.join(tmp, 'snapshots', contentName);
    expect(readFileSync(path.join(copy, 'a.txt'), 'utf8')).to.equal('before');
    // The claim is released from pvc-as-source-protection once the copy is cut.
    await waitUntil(
      async () =>
        !(await client.persistentVolumeClaims.get('data', ns)).metadata.finalizers?.includes(
          'snapshot.storage.kubernetes.io/pvc-as-source-protection',
        ),
      20_000,
      'pvc-as-source-protection removed',
    );
  });

  it('deleting a snapshot with policy Delete removes its content and its copy', async () => {
    const s = await snaps.get('snap1', ns);
    const contentName = s.status?.boundVolumeSnapshotContentName ?? '';
    await snaps.delete('snap1', ns);
    await waitGone(() => snaps.get('snap1', ns), 'snapshot snap1');
    await waitGone(() => contents.get(contentName), `content ${contentName}`);
    expect(existsSync(path.join(tmp, 'snapshots', contentName))).to.equal(false);
  });

  it('deleting a snapshot with policy Retain keeps its content and copy', async () => {
    await snaps.create(snapshot('snap2', { persistentVolumeClaimName: 'data' }, 'hostpath-retain'));
    const ready = await waitReady(snaps, ns, 'snap2');
    const contentName = ready.status?.boundVolumeSnapshotContentName ?? '';
    await snaps.delete('snap2', ns);
    await waitGone(() => snaps.get('snap2', ns), 'snapshot snap2');
    const content = await contents.get(contentName);
    expect(content.spec.deletionPolicy).to.equal('Retain');
    expect(readFileSync(path.join(tmp, 'snapshots', contentName, 'a.txt'), 'utf8')).to.equal('before');
  });

  it('a pre-provisioned snapshot binds to the content that names it', async () => {
    const content: VolumeSnapshotContent = {
      apiVersion: 'snapshot.storage.k8s.io/v1',
      kind: 'VolumeSnapshotContent',
      metadata: { name: 'pre-content' },
      spec: {
        deletionPolicy: 'Retain',
        driver: 'kubestore.io/hostpath',
        source: { snapshotHandle: 'pre-handle' },
        volumeSnapshotRef: { name: 'pre', namespace: ns },
      },
    };
    const made = await contents.create(content);
    await contents.updateStatus({
      ...made,
      status: { snapshotHandle: 'pre-handle', readyToUse: true, restoreSize: 10 },
    });
    await snaps.create(snapshot('pre', { volumeSnapshotContentName: 'pre-content' }));
    const ready = await waitReady(snaps, ns, 'pre');
    expect(ready.status?.boundVolumeSnapshotContentName).to.equal('pre-content');
    expect(ready.status?.restoreSize).to.equal('10');
  });

  it('a snapshot of a missing claim gets status.error and a Warning event', async () => {
    await snaps.create(snapshot('lost', { persistentVolumeClaimName: 'nope' }));
    await waitUntil(
      async () => (await snaps.get('lost', ns)).status?.error?.message?.includes('nope') === true,
      20_000,
      'status.error',
    );
    await waitEvent(client, ns, 'lost', 'SnapshotContentCreationFailed');
  });
});
