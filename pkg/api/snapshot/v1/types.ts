/**
 * snapshot.storage.k8s.io/v1 as external-snapshotter defines it (the three CRDs under
 * shared/upstream/external-snapshotter, served by the apiextensions code, not built in): the
 * fields the snapshot controller reads and writes, and the ResourceInfo of each kind for
 * untyped clients and informers.
 */
import type { ObjectReference } from '../../core/v1';
import type { KubeObject } from '../../meta';
import type { ScopedResourceInfo } from '../../resources';

/** The API group. */
export const snapshotGroup = 'snapshot.storage.k8s.io';

/** A Delete or Retain policy of a class or content. */
export type DeletionPolicy = 'Delete' | 'Retain';

/** An error of a snapshot or content (`time` RFC 3339). */
export interface VolumeSnapshotError {
  message?: string;
  time?: string;
}

/** A VolumeSnapshot (namespaced). */
export interface VolumeSnapshot extends KubeObject {
  spec: {
    source: { persistentVolumeClaimName?: string; volumeSnapshotContentName?: string };
    volumeSnapshotClassName?: string;
  };
  status?: {
    boundVolumeSnapshotContentName?: string;
    /** RFC 3339. */
    creationTime?: string;
    readyToUse?: boolean;
    /** A quantity. */
    restoreSize?: string;
    error?: VolumeSnapshotError;
    volumeGroupSnapshotName?: string;
  };
}

/** A VolumeSnapshotContent (cluster-scoped). */
export interface VolumeSnapshotContent extends KubeObject {
  spec: {
    deletionPolicy: DeletionPolicy;
    driver: string;
    source: { volumeHandle?: string; snapshotHandle?: string };
    sourceVolumeMode?: string;
    volumeSnapshotClassName?: string;
    volumeSnapshotRef: ObjectReference;
  };
  status?: {
    /** Nanoseconds since the epoch. */
    creationTime?: number;
    readyToUse?: boolean;
    /** Bytes. */
    restoreSize?: number;
    snapshotHandle?: string;
    error?: VolumeSnapshotError;
  };
}

/** A VolumeSnapshotClass (cluster-scoped). */
export interface VolumeSnapshotClass extends KubeObject {
  driver: string;
  deletionPolicy: DeletionPolicy;
  parameters?: Record<string, string>;
}

function crdInfo<N extends boolean>(
  kind: string,
  resource: string,
  namespaced: N,
  shortNames: string[],
): ScopedResourceInfo<N> {
  return {
    group: snapshotGroup,
    version: 'v1',
    kind,
    listKind: `${kind}List`,
    resource,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames,
    subresources: namespaced || kind === 'VolumeSnapshotContent' ? ['status'] : [],
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  };
}

/** volumesnapshots (namespaced, status subresource). */
export const volumeSnapshotsInfo = crdInfo('VolumeSnapshot', 'volumesnapshots', true, ['vs']);
/** volumesnapshotcontents (cluster-scoped, status subresource). */
export const volumeSnapshotContentsInfo = crdInfo('VolumeSnapshotContent', 'volumesnapshotcontents', false, [
  'vsc',
  'vscs',
]);
/** volumesnapshotclasses (cluster-scoped). */
export const volumeSnapshotClassesInfo = crdInfo('VolumeSnapshotClass', 'volumesnapshotclasses', false, [
  'vsclass',
  'vsclasses',
]);
