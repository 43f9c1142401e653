/** Helpers of the snapshot integration tests: the upstream CRDs applied unmodified, object builders, a readiness wait. */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import type { VolumeSnapshot, VolumeSnapshotClass } from '../../../pkg/api/snapshot/v1/types';
import { snapshotCrdDir } from '../../helpers/cluster';
import { request } from '../../helpers/http';
import { waitUntil } from '../controller/helpers';
import type { ResourceClient } from '../../../pkg/client/resource_client';

/** Creates the three upstream snapshot CRDs (unmodified) and waits until they are served. */
export async function applySnapshotCrds(url: string): Promise<void> {
  for (const f of readdirSync(snapshotCrdDir).filter((n) => n.endsWith('.yaml'))) {
    const res = await request(url, 'POST', crds, load(readFileSync(path.join(snapshotCrdDir, f), 'utf8')));
    expect(res.status, f).to.equal(201);
  }
  await waitUntil(
    async () => (await request(url, 'GET', '/apis/snapshot.storage.k8s.io/v1/volumesnapshots')).status === 200,
    20_000,
    'snapshot CRDs served',
  );
}

/** Waits until the snapshot is readyToUse and returns it. */
export async function waitReady(
  snaps: ResourceClient<VolumeSnapshot, 'Namespaced'>,
  ns: string,
  name: string,
): Promise<VolumeSnapshot> {
  let got: VolumeSnapshot | undefined;
  await waitUntil(
    async (note) => {
      got = await snaps.get(name, ns);
      note(JSON.stringify(got.status ?? {}));
      return got.status?.readyToUse === true;
    },
    30_000,
    `snapshot ${name} readyToUse`,
  );
  if (!got) throw new Error('unreachable');
  return got;
}

const crds = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';

/** A VolumeSnapshot in namespace snaps. */
export function snapshot(name: string, source: VolumeSnapshot['spec']['source'], className?: string): VolumeSnapshot {
  return {
    apiVersion: 'snapshot.storage.k8s.io/v1',
    kind: 'VolumeSnapshot',
    metadata: { name, namespace: 'snaps' },
    spec: { source, ...(className ? { volumeSnapshotClassName: className } : {}) },
  };
}

/** A hostPath VolumeSnapshotClass. */
export function snapshotClass(
  name: string,
  deletionPolicy: 'Delete' | 'Retain',
  isDefault = false,
): VolumeSnapshotClass {
  return {
    apiVersion: 'snapshot.storage.k8s.io/v1',
    kind: 'VolumeSnapshotClass',
    metadata: {
      name,
      ...(isDefault ? { annotations: { 'snapshot.storage.kubernetes.io/is-default-class': 'true' } } : {}),
    },
    driver: 'kubestore.io/hostpath',
    deletionPolicy,
  };
}
