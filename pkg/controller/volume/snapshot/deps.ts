/** What the two snapshot reconcilers read and write (consumer-defined, so unit tests pass fakes). */
import type { PersistentVolume, PersistentVolumeClaim } from '../../../api/core/v1';
import type { KubeObject } from '../../../api/meta';
import type { VolumeSnapshot, VolumeSnapshotClass, VolumeSnapshotContent } from '../../../api/snapshot/v1/types';
import type { EventRecorder } from '../../../client/record/recorder';
import type { DeepReadonly } from '../../../util/immutable/deep_readonly';
import type { ControllerService } from '../../../volume/controller_service';
import type { VolumeDriverRegistry } from '../../../volume/registry';

/** A cache view. */
export interface CacheLister<T> {
  get(key: string): DeepReadonly<T> | undefined;
  list(): DeepReadonly<T>[];
}

/** The writes used on one kind. */
export interface Writer<T extends KubeObject> {
  create(obj: T): Promise<T>;
  update(obj: T): Promise<T>;
  updateStatus(obj: T): Promise<T>;
  delete(name: string, namespace?: string): Promise<unknown>;
  get(name: string, namespace?: string): Promise<T>;
}

/** Dependencies of the snapshot controller. */
export interface SnapshotDeps {
  snapshots: CacheLister<VolumeSnapshot>;
  contents: CacheLister<VolumeSnapshotContent>;
  classes: CacheLister<VolumeSnapshotClass>;
  claims: CacheLister<PersistentVolumeClaim>;
  volumes: CacheLister<PersistentVolume>;
  snapshotClient: Writer<VolumeSnapshot>;
  contentClient: Writer<VolumeSnapshotContent>;
  claimClient: Pick<Writer<PersistentVolumeClaim>, 'update'>;
  drivers: VolumeDriverRegistry;
  /** The controller half of a driver (made once per driver, with the snapshot records). */
  controllerOf(provisioner: string): ControllerService | undefined;
  recorder: EventRecorder;
  now(): Date;
}
