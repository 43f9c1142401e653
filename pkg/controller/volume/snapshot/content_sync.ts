/**
 * The VolumeSnapshotContent half (the driver's "csi-snapshotter" sidecar): cuts the snapshot of
 * a dynamic content's volume through its driver's CreateSnapshot and writes status
 * (snapshotHandle, readyToUse, restoreSize bytes, creationTime ns); on deletion with policy
 * Delete it asks the driver to delete the copy (which refuses unless its own record proves it
 * cut it) before removing the bound-protection finalizer. Retain keeps the copy.
 */
import type { VolumeSnapshotContent } from '../../../api/snapshot/v1/types';
import { isNotFound } from '../../../api/errors';
import type { DeepReadonly } from '../../../util/immutable/deep_readonly';
import { thaw } from '../../../util/reconcile/lister';
import type { Reconciler, Result } from '../../../util/reconcile/runner';
import { withoutFinalizer } from '../protection/finalizers';
import { SnapshotEventReason, SnapshotFinalizer } from './constants';
import type { SnapshotDeps } from './deps';

const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Reconciles one VolumeSnapshotContent (its name). */
export class ContentReconciler implements Reconciler {
  constructor(private readonly d: SnapshotDeps) {}

  async reconcile(key: string): Promise<Result | void> {
    const content = this.d.contents.get(key);
    if (!content) return;
    if (content.metadata.deletionTimestamp) return this.finalize(content);
    const handle = content.spec.source.volumeHandle;
    if (!handle || content.status?.snapshotHandle) return;
    const service = this.d.controllerOf(content.spec.driver);
    const pv = this.d.volumes.get(handle);
    try {
      if (!service?.createSnapshot) throw new Error(`driver ${content.spec.driver} cannot snapshot`);
      if (!pv) throw new Error(`PersistentVolume ${handle} not found`);
      const ref = content.spec.volumeSnapshotRef;
      const cut = await service.createSnapshot({
        name: content.metadata.name ?? '',
        contentUid: content.metadata.uid ?? '',
        snapshotUid: ref.uid ?? '',
        snapshot: `${ref.namespace ?? ''}/${ref.name ?? ''}`,
        source: pv,
        parameters: {},
      });
      const obj = thaw<VolumeSnapshotContent>(content);
      obj.status = {
        snapshotHandle: cut.snapshotHandle,
        readyToUse: cut.readyToUse,
        restoreSize: cut.sizeBytes,
        creationTime: cut.creationTimeMs * 1e6,
      };
      await this.d.contentClient.updateStatus(obj);
      this.d.recorder.event(
        content,
        'Normal',
        SnapshotEventReason.SnapshotCreated,
        `Snapshot ${cut.snapshotHandle} of ${handle} was cut`,
      );
    } catch (err) {
      const message = `failed to take snapshot of the volume ${handle}: ${(err as Error).message}`;
      this.d.recorder.event(content, 'Warning', SnapshotEventReason.SnapshotCreationFailed, message);
      const obj = thaw<VolumeSnapshotContent>(content);
      obj.status = { ...(obj.status ?? {}), readyToUse: false, error: { message, time: rfc3339(this.d.now()) } };
      await this.d.contentClient.updateStatus(obj).catch(() => undefined);
      throw err;
    }
  }

  private async finalize(content: DeepReadonly<VolumeSnapshotContent>): Promise<void> {
    if (!content.metadata.finalizers?.includes(SnapshotFinalizer.ContentBound)) return;
    // A dynamic content whose status write failed after the copy was cut: the driver's handle is
    // the content name, and its record decides whether anything is there to delete.
    const handle =
      content.status?.snapshotHandle ?? (content.spec.source.volumeHandle ? content.metadata.name : undefined);
    if (content.spec.deletionPolicy === 'Delete' && handle) {
      const service = this.d.controllerOf(content.spec.driver);
      try {
        if (!service?.deleteSnapshot) throw new Error(`driver ${content.spec.driver} cannot delete snapshots`);
        await service.deleteSnapshot({
          name: content.metadata.name ?? '',
          contentUid: content.metadata.uid ?? '',
          snapshotHandle: handle,
        });
      } catch (err) {
        this.d.recorder.event(content, 'Warning', SnapshotEventReason.SnapshotDeleteError, (err as Error).message);
        throw err;
      }
    }
    const released = withoutFinalizer<VolumeSnapshotContent>(content, SnapshotFinalizer.ContentBound);
    if (released)
      await this.d.contentClient.update(released).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
  }
}
