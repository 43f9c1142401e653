/**
 * A restore's snapshot must be bound both ways, as external-provisioner checks: the content the
 * snapshot's status names must name that snapshot (namespace, name and uid) in its
 * volumeSnapshotRef. A snapshot whose status names another namespace's content is refused.
 */
import { expect } from 'chai';
import type { VolumeSnapshot, VolumeSnapshotContent } from '../../../../../pkg/api/snapshot/v1/types';
import { contentSourceFor, DataSourceProblem } from '../../../../../pkg/controller/volume/persistentvolume/data_source';
import type { StoredClaim } from '../../../../../pkg/controller/volume/persistentvolume/deps';
import { testDriverRegistry } from '../../../../helpers/volume_drivers';
import { pvc } from './harness';

const empty = { get: () => undefined, byIndex: () => [] };

function snapshot(ns: string, uid: string, content: string): VolumeSnapshot {
  return {
    apiVersion: 'snapshot.storage.k8s.io/v1',
    kind: 'VolumeSnapshot',
    metadata: { name: 'snap', namespace: ns, uid },
    spec: { source: { volumeSnapshotContentName: content } },
    status: { boundVolumeSnapshotContentName: content, readyToUse: true, restoreSize: '1Mi' },
  };
}

function content(ns: string, uid: string): VolumeSnapshotContent {
  return {
    apiVersion: 'snapshot.storage.k8s.io/v1',
    kind: 'VolumeSnapshotContent',
    metadata: { name: 'snapcontent-victim' },
    spec: {
      deletionPolicy: 'Delete',
      driver: 'kubestore.io/hostpath',
      source: { volumeHandle: 'pv-victim' },
      volumeSnapshotRef: { name: 'snap', namespace: ns, uid },
    },
    status: { snapshotHandle: 'snapcontent-victim', readyToUse: true },
  };
}

describe('PV controller: restore needs a snapshot and content bound to each other', () => {
  const drivers = testDriverRegistry();
  const driver = drivers.byProvisioner('kubestore.io/hostpath');
  const base = pvc('restored', { namespace: 'evil', size: '1Mi' });
  const claim: StoredClaim = {
    ...base,
    metadata: { name: 'restored', namespace: 'evil', uid: 'claim-uid', resourceVersion: '1' },
    spec: {
      ...base.spec,
      dataSource: { apiGroup: 'snapshot.storage.k8s.io', kind: 'VolumeSnapshot', name: 'snap' },
    },
  };
  const run = (snap: VolumeSnapshot, c: VolumeSnapshotContent) => {
    if (!driver) throw new Error('no hostPath driver');
    return contentSourceFor(
      {
        claims: empty,
        volumes: empty,
        drivers,
        snapshots: { getSnapshot: async () => snap, getContent: async () => c },
      },
      claim,
      driver,
    );
  };

  it('restores when the content names the snapshot', async () => {
    expect(await run(snapshot('evil', 'u-evil', 'snapcontent-victim'), content('evil', 'u-evil'))).to.deep.equal({
      snapshotHandle: 'snapcontent-victim',
    });
  });

  it('refuses a content bound to another namespace’s snapshot, or to another uid', async () => {
    for (const c of [content('victim', 'u-evil'), content('evil', 'u-other')]) {
      const err = await run(snapshot('evil', 'u-evil', 'snapcontent-victim'), c).then(
        () => expect.fail(`restored from a content bound to ${JSON.stringify(c.spec.volumeSnapshotRef)}`),
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(DataSourceProblem);
    }
  });
});
