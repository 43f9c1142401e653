/** Finalizers, annotations and event reasons of the snapshot controller (external-snapshotter's names). */

/** Finalizers external-snapshotter uses. */
export const SnapshotFinalizer = {
  /** On a snapshot: it may be a restore's source. */
  AsSource: 'snapshot.storage.kubernetes.io/volumesnapshot-as-source-protection',
  /** On a snapshot bound to a content. */
  Bound: 'snapshot.storage.kubernetes.io/volumesnapshot-bound-protection',
  /** On a content bound to a snapshot. */
  ContentBound: 'snapshot.storage.kubernetes.io/volumesnapshotcontent-bound-protection',
  /** On a claim while it is being snapshotted. */
  PvcAsSource: 'snapshot.storage.kubernetes.io/pvc-as-source-protection',
} as const;

/** The annotation marking the default VolumeSnapshotClass of a driver. */
export const IsDefaultClassAnnotation = 'snapshot.storage.kubernetes.io/is-default-class';

/** Event reasons (external-snapshotter's). */
export const SnapshotEventReason = {
  SnapshotCreated: 'SnapshotCreated',
  SnapshotReady: 'SnapshotReady',
  SnapshotCreationFailed: 'SnapshotCreationFailed',
  SnapshotContentCreationFailed: 'SnapshotContentCreationFailed',
  SnapshotDeleteError: 'SnapshotDeleteError',
  SnapshotBindFailed: 'SnapshotBindFailed',
} as const;
export type SnapshotEventReason = (typeof SnapshotEventReason)[keyof typeof SnapshotEventReason];

/** The name of the content of a dynamic snapshot. */
export function contentNameFor(snapshotUid: string): string {
  return `snapcontent-${snapshotUid}`;
}
