/**
 * Reconciles one PersistentVolumeClaim (seed 000 "绑定逻辑", Kubernetes semantics elsewhere).
 * As Kubernetes' syncClaim, a claim carrying pv.kubernetes.io/bind-completed (or already Lost)
 * takes the bound path, every other claim the unbound one:
 *
 *   bound path ─┬─ no volumeName               → Lost + ClaimLost
 *               ├─ PV gone                     → Lost + ClaimLost
 *               ├─ PV free, other type/class    → claim Failed + VolumeMismatch (a forged
 *               │                                  bind-completed skips no check)
 *               ├─ PV free or pointing at it   → (re)bind
 *               └─ PV pre-bound/bound to another claim → Lost + ClaimMisbound
 *   claim names spec.volumeName ─┬─ PV missing        → provision a PV with exactly that name, bind
 *                                │                      (a claim whose status says Bound: Lost instead)
 *                                ├─ type/class differ → claim Failed + VolumeMismatch (no retry)
 *                                ├─ other volumeMode, too small, access modes missing, being deleted
 *                                │                    → Pending + VolumeMismatch (fit.ts)
 *                                ├─ bound elsewhere   → Pending + FailedBinding
 *                                └─ otherwise         → bind
 *   no volumeName ─┬─ PV pre-bound to the claim (claimRef) that fits → bind
 *                  ├─ class WaitForFirstConsumer           → delay_binding.ts (selected node)
 *                  ├─ smallest matching Available PV       → bind
 *                  └─ none → Pending; provision `pvc-<claim uid>` from the class, bind (provision.ts)
 */
import { EventType, PersistentVolumeClaimPhase } from '../../../api/core/v1';
import { isNotFound } from '../../../api/errors';
import type { StorageClass } from '../../../api/storage/v1';
import { TerminalError, type Result } from '../../../util/reconcile/runner';
import { bind, refersTo } from './bind';
import { Annotation, EventReason, MismatchCondition } from './constants';
import { namedVolumeMisfit, preBoundVolumeFits, volumeModeMisfit } from './fit';
import { hasOwnKey } from '../../../util/json/own';
import { classTypeOf, unsupportedByDriver, volumeTypeOf } from './drivers';
import { isDelayBinding, syncDelayedClaim } from './delay_binding';
import { adoptVolume, provisionAndBind } from './provision';
import { hasDataSource } from './data_source';
import { thaw } from '../../../util/reconcile/lister';
import { IndexName, type ControllerContext, type StoredClaim, type StoredVolume } from './deps';
import type { DeepReadonly } from '../../../util/immutable/deep_readonly';
import { rfc3339 } from '../../../api/time';
import { claimRefKey, objectKey } from '../../../api/keys';

/** The class object of a claim, or a synthesized built-in one before its object exists. */
function classOf(ctx: ControllerContext, claim: StoredClaim): DeepReadonly<StorageClass> | undefined {
  const name = claim.spec.storageClassName ?? '';
  return name ? ctx.classes.get(name) : undefined;
}

/** Reconciles the claim with key `namespace/name`. */
export async function syncClaim(ctx: ControllerContext, key: string): Promise<Result | void> {
  const cached = ctx.claims.get(key);
  if (!cached) {
    ctx.waitingNoted.delete(key);
    return;
  }
  const claim = thaw<StoredClaim>(cached);
  if (claim.metadata.deletionTimestamp) return;
  const volumeName = claim.spec.volumeName ?? '';
  // A Lost claim stays on this path too: its volume must not be silently re-provisioned empty.
  if (isBindCompleted(claim) || claim.status?.phase === PersistentVolumeClaimPhase.Lost)
    return syncBoundClaim(ctx, claim, volumeName);
  if (volumeName) return syncNamedClaim(ctx, claim, volumeName);

  // A pre-bound PV of another volume mode, too small or lacking the access modes is passed over
  // (Kubernetes' findMatchingVolume); syncVolume tells both sides about a volumeMode mismatch.
  const preBound = ctx.volumes
    .byIndex(IndexName.PVByClaim, key)
    .find((pv) => refersTo(pv, claim) && preBoundVolumeFits(pv, claim));
  const className = claim.spec.storageClassName ?? '';
  const sc = classOf(ctx, claim);
  const type = classTypeOf(ctx.drivers, className, sc);
  if (!preBound && sc && isDelayBinding(sc)) return syncDelayedClaim(ctx, await ensurePending(ctx, claim), sc, type);
  const match = preBound ?? (hasDataSource(claim) ? undefined : ctx.index.findBestMatch(claim, type, key));
  if (match) {
    // Reserved before the first await, so parallel workers choose different volumes.
    const name = match.metadata.name;
    ctx.index.reserve(name, key);
    try {
      if (preBound) await adoptVolume(ctx, preBound);
      await bind(ctx, claim, match);
    } finally {
      ctx.index.release(name, key);
    }
    return;
  }
  return provisionAndBind(ctx, await ensurePending(ctx, claim), `pvc-${claim.metadata.uid}`);
}

/** True when the controller completed binding the claim once (Kubernetes checks the key, not its value). */
function isBindCompleted(claim: DeepReadonly<StoredClaim>): boolean {
  return hasOwnKey(claim.metadata.annotations ?? {}, Annotation.BindCompleted);
}

/** A claim that is not bound is Pending, whatever its status said (Kubernetes' updateClaimStatus). */
async function ensurePending(ctx: ControllerContext, claim: StoredClaim): Promise<StoredClaim> {
  if (claim.status?.phase === PersistentVolumeClaimPhase.Pending) return claim;
  return ctx.pvcClient.updateStatus({
    ...claim,
    status: { ...claim.status, phase: PersistentVolumeClaimPhase.Pending },
  });
}

/**
 * The PV with this name from the cache, else from the apiserver (a PV just created may not be
 * cached yet; acting on "missing" would create or lose a volume); undefined when it does not exist.
 */
async function volumeNamed(ctx: ControllerContext, name: string): Promise<DeepReadonly<StoredVolume> | undefined> {
  const cached = ctx.volumes.get(name);
  if (cached) return cached;
  try {
    return await ctx.pvClient.get(name);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** A claim bound once: keep it Bound while its PV is its own; Lost when the PV is gone or another claim's. */
async function syncBoundClaim(ctx: ControllerContext, claim: StoredClaim, volumeName: string): Promise<void> {
  if (!volumeName)
    return markLost(
      ctx,
      claim,
      EventReason.ClaimLost,
      'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!',
    );
  const pv = await volumeNamed(ctx, volumeName);
  if (!pv)
    return markLost(
      ctx,
      claim,
      EventReason.ClaimLost,
      'Bound claim has lost its PersistentVolume. Data on the volume is lost!',
    );
  // An unclaimed PV of another type or class (the seed's rule) or of the other volume mode is
  // never bound, not even to a bind-completed claim: the annotation is client-written, and a
  // forged one must not skip the checks a named claim gets.
  if (!pv.spec.claimRef) await refuseTypeOrClassMismatch(ctx, claim, pv);
  const mode = pv.spec.claimRef ? undefined : volumeModeMisfit(pv, claim);
  if (mode) {
    const message = `Cannot bind to requested volume "${volumeName}": ${mode}`;
    ctx.recorder.event(claim, EventType.Warning, EventReason.VolumeMismatch, message);
    throw new TerminalError(message);
  }
  // Finish a half-done binding (e.g. a crash after step 3).
  if (refersTo(pv, claim) || !pv.spec.claimRef) await bind(ctx, claim, pv);
  else
    await markLost(
      ctx,
      claim,
      EventReason.ClaimMisbound,
      'Two claims are bound to the same volume, this one is bound incorrectly',
    );
}

async function markLost(
  ctx: ControllerContext,
  claim: StoredClaim,
  reason: EventReason,
  message: string,
): Promise<void> {
  if (claim.status?.phase === PersistentVolumeClaimPhase.Lost) return;
  await ctx.pvcClient.updateStatus({ ...claim, status: { ...claim.status, phase: PersistentVolumeClaimPhase.Lost } });
  ctx.recorder.event(claim, EventType.Warning, reason, message);
}

/** A claim naming its volume (not bound yet). */
async function syncNamedClaim(ctx: ControllerContext, claim: StoredClaim, volumeName: string): Promise<void> {
  const pv = await volumeNamed(ctx, volumeName);
  if (!pv) {
    // The seed's rule: the named volume is created. A claim whose status says Bound had one:
    // it is Lost, never silently given a new empty volume.
    if (claim.status?.phase === PersistentVolumeClaimPhase.Bound)
      return markLost(
        ctx,
        claim,
        EventReason.ClaimLost,
        'Bound claim has lost its PersistentVolume. Data on the volume is lost!',
      );
    await provisionAndBind(ctx, claim, volumeName);
    return;
  }
  await refuseTypeOrClassMismatch(ctx, claim, pv);
  // Kubernetes' checkVolumeSatisfyClaim: the claim stays Pending with the reason. The volume
  // mode is checked even for a volume pre-bound to the claim (never bound across modes).
  const driver = ctx.drivers.forVolume(pv);
  const misfit =
    volumeModeMisfit(pv, claim) ??
    (driver && unsupportedByDriver(driver, claim)) ??
    (pv.spec.claimRef ? undefined : namedVolumeMisfit(pv, claim));
  if (misfit) {
    const message = `Cannot bind to requested volume "${volumeName}": ${misfit}`;
    await ensurePending(ctx, claim);
    ctx.recorder.event(claim, EventType.Warning, EventReason.VolumeMismatch, message);
    throw new TerminalError(message);
  }
  if (pv.spec.claimRef && !refersTo(pv, claim)) {
    // The controller named this volume itself, and someone removed bind-completed: never guess.
    if (hasOwnKey(claim.metadata.annotations ?? {}, Annotation.BoundByController))
      throw new Error(
        `invalid binding of claim ${objectKey(claim)} to volume ${volumeName}: the volume is bound to ${claimRefKey(pv.spec.claimRef)}`,
      );
    await ensurePending(ctx, claim);
    ctx.recorder.event(
      claim,
      EventType.Warning,
      EventReason.FailedBinding,
      `volume "${volumeName}" already bound to a different claim.`,
    );
    return;
  }
  await bind(ctx, claim, pv);
}

/**
 * The seed's rule for a claim and the volume it names: another storage type or class marks the
 * claim Failed with VolumeMismatch (nothing else changes) and throws a TerminalError (the claim
 * is not retried until it or the volume changes); returns when type and class agree.
 */
async function refuseTypeOrClassMismatch(
  ctx: ControllerContext,
  claim: StoredClaim,
  pv: DeepReadonly<StoredVolume>,
): Promise<void> {
  const className = claim.spec.storageClassName ?? '';
  const wantType = classTypeOf(ctx.drivers, className, classOf(ctx, claim));
  const haveType = volumeTypeOf(ctx.drivers, pv);
  const classMismatch = className !== '' && (pv.spec.storageClassName ?? '') !== className;
  if ((wantType === undefined || haveType === wantType) && !classMismatch) return;
  await markMismatch(ctx, claim, pv, wantType, haveType);
  throw new TerminalError(`claim ${objectKey(claim)} does not match volume ${pv.metadata.name}`);
}

async function markMismatch(
  ctx: ControllerContext,
  claim: StoredClaim,
  pv: DeepReadonly<StoredVolume>,
  want: string | undefined,
  have: string | undefined,
): Promise<void> {
  const message = `storage type mismatch: claim requests storage class "${claim.spec.storageClassName ?? ''}" (type ${want ?? 'unknown'}) but volume "${pv.metadata.name}" is of type ${have ?? 'unknown'} (class "${pv.spec.storageClassName ?? ''}")`;
  const already =
    claim.status?.phase === PersistentVolumeClaimPhase.Failed &&
    claim.status.conditions?.some((c) => c.type === MismatchCondition && c.message === message);
  if (already) return;
  const now = rfc3339();
  await ctx.pvcClient.updateStatus({
    ...claim,
    status: {
      ...claim.status,
      phase: PersistentVolumeClaimPhase.Failed,
      conditions: [
        {
          type: MismatchCondition,
          status: 'True',
          reason: EventReason.VolumeMismatch,
          message,
          lastTransitionTime: now,
          lastProbeTime: now,
        },
      ],
    },
  });
  ctx.recorder.event(claim, EventType.Warning, EventReason.VolumeMismatch, message);
}
