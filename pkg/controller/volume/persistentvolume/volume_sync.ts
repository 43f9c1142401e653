/**
 * Reconciles one PersistentVolume: its phase follows its claimRef (Available / Bound /
 * Released), and a Released volume is reclaimed by its policy:
 *   Retain  → stays Released with its data;
 *   Delete  → backing storage deleted, then the PV object, then its provisioning record;
 *   Recycle → storage emptied, claimRef cleared, Available again.
 * Storage is touched only when the reclaim guard proves from the controller's own records and
 * configured roots that this controller made it (reclaim_guard.ts); otherwise the PV goes
 * Failed with a Warning event saying why, and the data stays. A PV being deleted is not
 * reclaimed again. The record of a PV that is gone from the apiserver is dropped.
 * Before touching data the claim is re-read from the apiserver (not the cache) and the PV is
 * re-read too: if the claim still exists, or the PV was re-bound, nothing is deleted.
 */
import { EventType, PersistentVolumePhase } from '../../../api/core/v1';
import { isNotFound } from '../../../api/errors';
import type { Result } from '../../../util/reconcile/runner';
import { Annotation, EventReason } from './constants';
import { thaw } from '../../../util/reconcile/lister';
import { IndexName, type ControllerContext, type StoredVolume } from './deps';
import type { ControllerService } from '../../../volume/controller_service';
import { provisionerOf } from './drivers';
import { ReclaimRefusal } from '../../../volume/errors';
import { jsonClone } from '../../../util/json/clone';
import { deleteOwn, hasOwnKey } from '../../../util/json/own';
import { volumeModeFits } from './volume_index';
import { claimRefKey, claimRefTarget, objectKey } from '../../../api/keys';

async function setPhase(
  ctx: ControllerContext,
  pv: StoredVolume,
  phase: PersistentVolumePhase,
  message?: string,
): Promise<StoredVolume> {
  if (pv.status?.phase === phase && (pv.status?.message ?? undefined) === message) return pv;
  const status = { ...pv.status, phase, ...(message ? { message } : {}) };
  if (!message) delete status.message;
  const updated = await ctx.pvClient.updateStatus({ ...pv, status });
  ctx.index.upsert(updated);
  return updated;
}

/** Does the claim the PV points at still exist (asked of the apiserver, not the cache)? */
async function claimStillExists(ctx: ControllerContext, pv: StoredVolume): Promise<boolean> {
  const ref = pv.spec.claimRef;
  if (!ref?.name) return false;
  try {
    const { namespace, name } = claimRefTarget(ref);
    const live = await ctx.pvcClient.get(name, namespace);
    return !ref.uid || live.metadata.uid === ref.uid;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** Reconciles the PV named `name`. */
export async function syncVolume(ctx: ControllerContext, name: string): Promise<Result | void> {
  const cached = ctx.volumes.get(name);
  if (!cached) {
    ctx.index.delete(name);
    await forgetRecordOfDeleted(ctx, name);
    for (const claim of ctx.claims.byIndex(IndexName.ClaimByVolume, name)) ctx.enqueueClaim(objectKey(claim));
    return;
  }
  const pv = thaw<StoredVolume>(cached);
  ctx.index.upsert(pv);
  const ref = pv.spec.claimRef;
  if (!ref) {
    if (pv.status?.phase !== PersistentVolumePhase.Failed) await setPhase(ctx, pv, PersistentVolumePhase.Available);
    return;
  }
  const claimKey = claimRefKey(ref);
  if (!ref.uid) {
    // Pre-bound by a user to a claim by name: Available until that claim binds it.
    await setPhase(ctx, pv, PersistentVolumePhase.Available);
    ctx.enqueueClaim(claimKey);
    return;
  }
  const claim = ctx.claims.get(claimKey);
  if (claim && claim.metadata.uid === ref.uid) {
    if (claim.spec.volumeName === name) {
      if (pv.status?.phase !== PersistentVolumePhase.Bound) await setPhase(ctx, pv, PersistentVolumePhase.Bound);
    } else if (claim.spec.volumeName) return claimBoundElsewhere(ctx, pv);
    else if (!volumeModeFits(pv, claim)) {
      // The claim's sync passes this volume over (fit.ts); say why on both sides, as Kubernetes does.
      ctx.recorder.event(
        pv,
        EventType.Warning,
        EventReason.VolumeMismatch,
        `Cannot bind PersistentVolume to requested PersistentVolumeClaim "${claim.metadata.name}" due to incompatible volumeMode.`,
      );
      ctx.recorder.event(
        claim,
        EventType.Warning,
        EventReason.VolumeMismatch,
        `Cannot bind PersistentVolume "${name}" to requested PersistentVolumeClaim due to incompatible volumeMode.`,
      );
    } else ctx.enqueueClaim(claimKey);
    return;
  }
  // The cache says the claim is gone: confirm with the apiserver before acting.
  if (await claimStillExists(ctx, pv)) {
    ctx.enqueueClaim(claimKey);
    return;
  }
  if (pv.status?.phase !== PersistentVolumePhase.Released && pv.status?.phase !== PersistentVolumePhase.Failed) {
    await setPhase(ctx, pv, PersistentVolumePhase.Released);
  }
  if (pv.status?.phase === PersistentVolumePhase.Failed) return;
  return reclaim(ctx, name);
}

/**
 * The PV's claim went to another volume (Kubernetes' syncVolume):
 *   provisioned for it, policy Delete → Released (reclaimed once the claim is gone: storage is
 *                                     never deleted while the claim exists, see reclaim);
 *   bound by the controller         → claimRef and bound-by-controller removed, Available;
 *   claimRef set by a user          → only the claimRef's uid is cleared (it stays pre-bound to
 *                                     that claim by name), Available.
 */
async function claimBoundElsewhere(ctx: ControllerContext, pv: StoredVolume): Promise<void> {
  const annotations = pv.metadata.annotations ?? {};
  if (hasOwnKey(annotations, Annotation.ProvisionedBy) && pv.spec.persistentVolumeReclaimPolicy === 'Delete') {
    if (pv.status?.phase !== PersistentVolumePhase.Released && pv.status?.phase !== PersistentVolumePhase.Failed)
      await setPhase(ctx, pv, PersistentVolumePhase.Released);
    return;
  }
  const freed = jsonClone(pv);
  if (hasOwnKey(annotations, Annotation.BoundByController)) {
    delete freed.spec.claimRef;
    if (freed.metadata.annotations) deleteOwn(freed.metadata.annotations, Annotation.BoundByController);
  } else if (freed.spec.claimRef) delete freed.spec.claimRef.uid;
  const updated = await ctx.pvClient.update(freed);
  ctx.index.upsert(updated);
  await setPhase(ctx, updated, PersistentVolumePhase.Available);
}

/**
 * A PV gone from the cache: if its record names a uid (the PV was created) and the apiserver
 * confirms no PV of that name exists, the record is dropped. An uncompleted record is kept: it
 * may be of a PV about to be created (see provisioning_records.ts).
 */
async function forgetRecordOfDeleted(ctx: ControllerContext, name: string): Promise<void> {
  const record = await ctx.records.get(name);
  if (!record?.pvUid) return;
  try {
    const live = await ctx.pvClient.get(name);
    if (live.metadata.uid === record.pvUid) return;
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await ctx.records.remove(name);
  }
}

async function reclaim(ctx: ControllerContext, name: string): Promise<void> {
  // Re-read the PV itself: it may have been re-bound since the cache saw it.
  let pv: StoredVolume;
  try {
    pv = await ctx.pvClient.get(name);
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  if (
    pv.metadata.deletionTimestamp ||
    pv.status?.phase !== PersistentVolumePhase.Released ||
    (await claimStillExists(ctx, pv))
  )
    return;
  const policy = pv.spec.persistentVolumeReclaimPolicy ?? 'Retain';
  if (policy === 'Retain') return;
  const provisioner = provisionerOf(ctx, pv);
  const step =
    policy === 'Delete'
      ? {
          refusal: `refusing to delete volume ${name}`,
          failure: `failed to delete volume ${name}`,
          reason: EventReason.VolumeFailedDelete,
          run: (p: ControllerService) => p.deleteVolume(pv),
        }
      : {
          refusal: `cannot recycle volume ${name}`,
          failure: `failed to recycle volume ${name}`,
          reason: EventReason.VolumeFailedRecycle,
          run: (p: ControllerService) => p.recycleVolume(pv),
        };
  if (!provisioner) {
    const message = `${step.refusal}: its storage was not provisioned by this controller`;
    ctx.recorder.event(pv, EventType.Warning, step.reason, message);
    await setPhase(ctx, pv, PersistentVolumePhase.Failed, message);
    return;
  }
  try {
    await step.run(provisioner);
  } catch (err) {
    if (err instanceof ReclaimRefusal) {
      const message = `${step.refusal}: ${err.message}; its data was left in place`;
      ctx.recorder.event(pv, EventType.Warning, step.reason, message);
      await setPhase(ctx, pv, PersistentVolumePhase.Failed, message);
      return;
    }
    ctx.recorder.event(pv, EventType.Warning, step.reason, `${step.failure}: ${(err as Error).message}`);
    throw err;
  }
  if (policy === 'Delete') {
    try {
      await ctx.pvClient.delete(name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    await ctx.records.remove(name);
    ctx.recorder.event(pv, EventType.Normal, EventReason.VolumeDelete, `Deleted volume ${name} and its storage`);
    return;
  }
  // Recycle: the emptied volume is Available again.
  const freed = jsonClone(pv);
  delete freed.spec.claimRef;
  const updated = await ctx.pvClient.update(freed);
  await setPhase(ctx, updated, PersistentVolumePhase.Available);
  ctx.recorder.event(
    pv,
    EventType.Normal,
    EventReason.VolumeRecycled,
    `Volume ${name} recycled: its data was removed and it is Available again`,
  );
}
