/**
 * The VolumeSnapshot half (external-snapshotter's snapshot-controller): binds a snapshot to its
 * content and mirrors the content's status.
 *
 *  - Dynamic (`source.persistentVolumeClaimName`): the class (named, or the driver's default by
 *    snapshot.storage.kubernetes.io/is-default-class) gives driver and deletionPolicy; the claim
 *    must be Bound; the claim gets pvc-as-source-protection until the copy is cut; the content
 *    `snapcontent-<snapshot uid>` is created pointing back (spec.volumeSnapshotRef with uid).
 *  - Pre-provisioned (`source.volumeSnapshotContentName`): the content must name this snapshot in
 *    its volumeSnapshotRef.
 *  - status: boundVolumeSnapshotContentName, readyToUse, restoreSize, creationTime from the
 *    content; problems in status.error plus a Warning event, retried with backoff.
 *  - Deletion: with policy Delete the content is deleted first (its half removes the copy);
 *    the snapshot's finalizers go once the content is gone (Delete) or at once (Retain).
 */
import type { PersistentVolumeClaim } from '../../../api/core/v1';
import type { VolumeSnapshot, VolumeSnapshotContent } from '../../../api/snapshot/v1/types';
import { snapshotGroup } from '../../../api/snapshot/v1/types';
import { isAlreadyExists, isNotFound } from '../../../api/errors';
import { splitKey } from '../../../api/keys';
import type { DeepReadonly } from '../../../util/immutable/deep_readonly';
import { thaw } from '../../../util/reconcile/lister';
import type { Reconciler, Result } from '../../../util/reconcile/runner';
import { withFinalizer, withoutFinalizer } from '../protection/finalizers';
import { contentNameFor, IsDefaultClassAnnotation, type SnapshotEventReason, SnapshotFinalizer } from './constants';
import type { SnapshotDeps } from './deps';

/** A problem recorded in status.error and as an event, then retried. */
class SnapshotProblem extends Error {
  constructor(
    readonly reason: SnapshotEventReason,
    message: string,
  ) {
    super(message);
  }
}

/** Reconciles one VolumeSnapshot (`namespace/name`). */
export class SnapshotReconciler implements Reconciler {
  constructor(private readonly d: SnapshotDeps) {}

  async reconcile(key: string): Promise<Result | void> {
    const snap = this.d.snapshots.get(key);
    if (!snap) return;
    if (snap.metadata.deletionTimestamp) return this.finalize(snap);
    try {
      const content = snap.spec.source.volumeSnapshotContentName
        ? await this.claimContent(this.preProvisioned(snap), snap)
        : await this.dynamic(snap);
      await this.bind(snap, content);
      if (content.status?.readyToUse) await this.releaseClaim(snap);
    } catch (err) {
      if (!(err instanceof SnapshotProblem)) throw err;
      this.d.recorder.event(snap, 'Warning', err.reason, err.message);
      await this.setError(snap, err.message);
      throw err;
    }
  }

  private preProvisioned(snap: DeepReadonly<VolumeSnapshot>): DeepReadonly<VolumeSnapshotContent> {
    const name = snap.spec.source.volumeSnapshotContentName ?? '';
    const content = this.d.contents.get(name);
    if (!content) throw new SnapshotProblem('SnapshotBindFailed', `VolumeSnapshotContent ${name} not found`);
    const ref = content.spec.volumeSnapshotRef;
    if (
      ref.name !== snap.metadata.name ||
      ref.namespace !== snap.metadata.namespace ||
      (ref.uid && ref.uid !== snap.metadata.uid)
    )
      throw new SnapshotProblem(
        'SnapshotBindFailed',
        `VolumeSnapshotContent ${name} is bound to ${ref.namespace ?? ''}/${ref.name ?? ''}, not to this snapshot`,
      );
    return content;
  }

  /** Completes a pre-provisioned content's binding: its ref gets the snapshot's uid, it gets the bound finalizer. */
  private async claimContent(
    content: DeepReadonly<VolumeSnapshotContent>,
    snap: DeepReadonly<VolumeSnapshot>,
  ): Promise<DeepReadonly<VolumeSnapshotContent>> {
    if (content.spec.volumeSnapshotRef.uid && content.metadata.finalizers?.includes(SnapshotFinalizer.ContentBound))
      return content;
    const obj =
      withFinalizer<VolumeSnapshotContent>(content, SnapshotFinalizer.ContentBound) ??
      thaw<VolumeSnapshotContent>(content);
    obj.spec.volumeSnapshotRef = { ...obj.spec.volumeSnapshotRef, uid: snap.metadata.uid ?? '' };
    return this.d.contentClient.update(obj);
  }

  private className(snap: DeepReadonly<VolumeSnapshot>): string {
    if (snap.spec.volumeSnapshotClassName) return snap.spec.volumeSnapshotClassName;
    const defaults = this.d.classes.list().filter((c) => c.metadata.annotations?.[IsDefaultClassAnnotation] === 'true');
    if (defaults.length !== 1)
      throw new SnapshotProblem(
        'SnapshotContentCreationFailed',
        defaults.length
          ? 'more than one default VolumeSnapshotClass'
          : 'no volumeSnapshotClassName and no default VolumeSnapshotClass',
      );
    return defaults[0]?.metadata.name ?? '';
  }

  private async dynamic(snap: DeepReadonly<VolumeSnapshot>): Promise<DeepReadonly<VolumeSnapshotContent>> {
    const ns = snap.metadata.namespace ?? '';
    const name = contentNameFor(snap.metadata.uid ?? '');
    const existing = this.d.contents.get(name);
    if (existing) return existing;
    const claimName = snap.spec.source.persistentVolumeClaimName ?? '';
    const claim = this.d.claims.get(`${ns}/${claimName}`);
    if (!claim)
      throw new SnapshotProblem('SnapshotContentCreationFailed', `PersistentVolumeClaim ${ns}/${claimName} not found`);
    if (claim.status?.phase !== 'Bound' || !claim.spec.volumeName)
      throw new SnapshotProblem(
        'SnapshotContentCreationFailed',
        `PersistentVolumeClaim ${ns}/${claimName} is not bound`,
      );
    const className = this.className(snap);
    const cls = this.d.classes.get(className);
    if (!cls) throw new SnapshotProblem('SnapshotContentCreationFailed', `VolumeSnapshotClass ${className} not found`);
    const driver = this.d.drivers.byProvisioner(cls.driver);
    if (!driver?.identity.capabilities.snapshots)
      throw new SnapshotProblem(
        'SnapshotContentCreationFailed',
        `driver ${cls.driver} of class ${className} cannot snapshot`,
      );
    const guarded = withFinalizer<PersistentVolumeClaim>(claim, SnapshotFinalizer.PvcAsSource);
    if (guarded) await this.d.claimClient.update(guarded);
    const content: VolumeSnapshotContent = {
      apiVersion: `${snapshotGroup}/v1`,
      kind: 'VolumeSnapshotContent',
      metadata: { name, finalizers: [SnapshotFinalizer.ContentBound] },
      spec: {
        deletionPolicy: cls.deletionPolicy,
        driver: cls.driver,
        source: { volumeHandle: claim.spec.volumeName },
        volumeSnapshotClassName: className,
        volumeSnapshotRef: {
          apiVersion: `${snapshotGroup}/v1`,
          kind: 'VolumeSnapshot',
          name: snap.metadata.name ?? '',
          namespace: ns,
          uid: snap.metadata.uid ?? '',
        },
      },
    };
    try {
      return await this.d.contentClient.create(content);
    } catch (err) {
      if (isAlreadyExists(err)) return this.d.contentClient.get(name);
      throw err;
    }
  }

  private async bind(snap: DeepReadonly<VolumeSnapshot>, content: DeepReadonly<VolumeSnapshotContent>): Promise<void> {
    let obj = thaw<VolumeSnapshot>(snap);
    for (const f of [SnapshotFinalizer.AsSource, SnapshotFinalizer.Bound])
      obj = withFinalizer<VolumeSnapshot>(obj, f) ?? obj;
    if ((obj.metadata.finalizers ?? []).length !== (snap.metadata.finalizers ?? []).length)
      obj = await this.d.snapshotClient.update(obj);
    const cs = content.status;
    const status: NonNullable<VolumeSnapshot['status']> = {
      ...(obj.status ?? {}),
      boundVolumeSnapshotContentName: content.metadata.name ?? '',
      readyToUse: cs?.readyToUse === true,
    };
    if (cs?.restoreSize !== undefined) status.restoreSize = String(cs.restoreSize);
    if (cs?.creationTime !== undefined)
      status.creationTime = new Date(Math.floor(cs.creationTime / 1e6)).toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (cs?.error) status.error = { ...cs.error };
    else delete status.error;
    if (JSON.stringify(status) === JSON.stringify(obj.status ?? {})) return;
    const becameReady = status.readyToUse && !obj.status?.readyToUse;
    await this.d.snapshotClient.updateStatus({ ...obj, status });
    if (becameReady)
      this.d.recorder.event(
        snap,
        'Normal',
        'SnapshotReady',
        `Snapshot ${snap.metadata.namespace ?? ''}/${snap.metadata.name ?? ''} is ready to use.`,
      );
  }

  private async releaseClaim(snap: DeepReadonly<VolumeSnapshot>): Promise<void> {
    const claimName = snap.spec.source.persistentVolumeClaimName;
    if (!claimName) return;
    const ns = snap.metadata.namespace ?? '';
    const claim = this.d.claims.get(`${ns}/${claimName}`);
    // Another snapshot of the same claim still being cut keeps it protected.
    const others = this.d.snapshots
      .list()
      .filter(
        (s) =>
          s.metadata.namespace === ns &&
          s.metadata.uid !== snap.metadata.uid &&
          s.spec.source.persistentVolumeClaimName === claimName &&
          !s.status?.readyToUse &&
          !s.metadata.deletionTimestamp,
      );
    const released =
      claim && others.length === 0
        ? withoutFinalizer<PersistentVolumeClaim>(claim, SnapshotFinalizer.PvcAsSource)
        : undefined;
    if (released) await this.d.claimClient.update(released);
  }

  private async setError(snap: DeepReadonly<VolumeSnapshot>, message: string): Promise<void> {
    if (snap.status?.error?.message === message) return;
    const obj = thaw<VolumeSnapshot>(snap);
    obj.status = {
      ...(obj.status ?? {}),
      readyToUse: false,
      error: {
        message,
        time: this.d
          .now()
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z'),
      },
    };
    await this.d.snapshotClient.updateStatus(obj).catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }

  private async finalize(snap: DeepReadonly<VolumeSnapshot>): Promise<Result | void> {
    const name = snap.status?.boundVolumeSnapshotContentName;
    const content = name ? this.d.contents.get(name) : undefined;
    if (content && content.spec.deletionPolicy === 'Delete') {
      if (!content.metadata.deletionTimestamp)
        await this.d.contentClient.delete(content.metadata.name ?? '').catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
      return; // the content's deletion event brings this key back
    }
    await this.releaseClaim(snap);
    const restoring = this.d.claims
      .list()
      .find(
        (c) => c.metadata.namespace === snap.metadata.namespace && c.status?.phase !== 'Bound' && restoresFrom(c, snap),
      );
    if (restoring) return; // as-source protection: the claim's binding brings this key back
    let obj = thaw<VolumeSnapshot>(snap);
    for (const f of [SnapshotFinalizer.AsSource, SnapshotFinalizer.Bound])
      obj = withoutFinalizer<VolumeSnapshot>(obj, f) ?? obj;
    if ((obj.metadata.finalizers ?? []).length !== (snap.metadata.finalizers ?? []).length)
      await this.d.snapshotClient.update(obj).catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
  }
}

/** True when `claim` is (to be) provisioned from `snap` (its dataSourceRef or dataSource names it). */
export function restoresFrom(claim: DeepReadonly<PersistentVolumeClaim>, snap: DeepReadonly<VolumeSnapshot>): boolean {
  const src = claim.spec.dataSourceRef ?? claim.spec.dataSource;
  return src?.apiGroup === snapshotGroup && src.kind === 'VolumeSnapshot' && src.name === snap.metadata.name;
}

/** The snapshot key a content points at (for requeueing). */
export function snapshotKeyOf(content: DeepReadonly<VolumeSnapshotContent>): string[] {
  const ref = content.spec.volumeSnapshotRef;
  return ref.name && ref.namespace ? [`${ref.namespace}/${ref.name}`] : [];
}

/** The content name of a snapshot key's object (unused keys give none). */
export function splitSnapshotKey(key: string): { namespace?: string; name: string } {
  return splitKey(key);
}
