/**
 * Reconciles one PersistentVolumeClaim (seed 000 "绑定逻辑", Kubernetes semantics elsewhere):
 *
 *   claim names spec.volumeName ─┬─ PV missing        → provision a PV with exactly that name, bind
 *                                ├─ type/class differ → claim Failed + VolumeMismatch (no retry)
 *                                ├─ bound elsewhere   → Pending + FailedBinding
 *                                └─ otherwise         → bind
 *   no volumeName ─┬─ PV pre-bound to the claim (claimRef) → bind
 *                  ├─ smallest matching Available PV       → bind
 *                  └─ none → provision `pvc-<claim uid>` from the class, bind
 *   bound claim whose PV is gone → Lost + ClaimLost
 */
import type { PersistentVolume } from '../../../api/core/v1';
import { EventType, PersistentVolumeClaimPhase, PersistentVolumePhase } from '../../../api/core/v1';
import { isAlreadyExists, isNotFound } from '../../../api/errors';
import type { StorageClass } from '../../../api/storage/v1';
import { TerminalError, type Result } from '../../../util/reconcile/runner';
import { bind, claimRefFor, refersTo } from './bind';
import { Annotation, EventReason, MismatchCondition } from './constants';
import { classTypeOf, provisionerOf, unsupportedByDriver, volumeTypeOf } from './drivers';
import { thaw } from '../../../util/reconcile/lister';
import { IndexName, type ControllerContext, type StoredClaim, type StoredVolume } from './deps';
import type { DeepReadonly } from '../../../util/immutable/deep_readonly';
import type { CreatedVolume } from '../../../volume/controller_service';
import { ProvisioningError } from '../../../volume/errors';
import { prepareRecord } from '../../../volume/dirs/provisioning_records';
import { rfc3339 } from '../../../api/time';
import { objectKey } from '../../../api/keys';

/** The class object of a claim, or a synthesized built-in one before its object exists. */
function classOf(ctx: ControllerContext, claim: StoredClaim): DeepReadonly<StorageClass> | undefined {
  const name = claim.spec.storageClassName ?? '';
  return name ? ctx.classes.get(name) : undefined;
}

/** Reconciles the claim with key `namespace/name`. */
export async function syncClaim(ctx: ControllerContext, key: string): Promise<Result | void> {
  const cached = ctx.claims.get(key);
  if (!cached) return;
  const claim = thaw<StoredClaim>(cached);
  if (claim.metadata.deletionTimestamp) return;
  const volumeName = claim.spec.volumeName ?? '';
  // A Lost claim stays on this path too: its volume must not be silently re-provisioned empty.
  const phase = claim.status?.phase;
  if ((phase === PersistentVolumeClaimPhase.Bound || phase === PersistentVolumeClaimPhase.Lost) && volumeName)
    return syncBoundClaim(ctx, claim, volumeName);
  if (volumeName) return syncNamedClaim(ctx, claim, volumeName);

  const preBound = ctx.volumes.byIndex(IndexName.PVByClaim, key).find((pv) => refersTo(pv, claim));
  const className = claim.spec.storageClassName ?? '';
  const sc = classOf(ctx, claim);
  const type = classTypeOf(ctx.drivers, className, sc);
  const match = preBound ?? ctx.index.findBestMatch(claim, type, key);
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
  await provisionAndBind(ctx, claim, `pvc-${claim.metadata.uid}`);
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

/** A Bound claim: keep it Bound while its PV exists; Lost when the PV is gone. */
async function syncBoundClaim(ctx: ControllerContext, claim: StoredClaim, volumeName: string): Promise<void> {
  const pv = await volumeNamed(ctx, volumeName);
  if (!pv)
    return markLost(
      ctx,
      claim,
      EventReason.ClaimLost,
      'Bound claim has lost its PersistentVolume. Data on the volume is lost!',
    );
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

/** A claim naming its volume. */
async function syncNamedClaim(ctx: ControllerContext, claim: StoredClaim, volumeName: string): Promise<void> {
  const pv = await volumeNamed(ctx, volumeName);
  if (!pv) {
    await provisionAndBind(ctx, claim, volumeName);
    return;
  }
  const className = claim.spec.storageClassName ?? '';
  const wantType = classTypeOf(ctx.drivers, className, classOf(ctx, claim));
  const haveType = volumeTypeOf(ctx.drivers, pv);
  const classMismatch = className !== '' && (pv.spec.storageClassName ?? '') !== className;
  if ((wantType !== undefined && haveType !== wantType) || classMismatch) {
    await markMismatch(ctx, claim, pv, wantType, haveType);
    throw new TerminalError(`claim ${objectKey(claim)} does not match volume ${volumeName}`);
  }
  const driver = ctx.drivers.forVolume(pv);
  const unsupported = driver && unsupportedByDriver(driver, claim);
  if (unsupported) {
    // Kubernetes' checkVolumeSatisfyClaim: the claim stays Pending with the reason.
    const message = `Cannot bind to requested volume "${volumeName}": ${unsupported}`;
    ctx.recorder.event(claim, EventType.Warning, EventReason.VolumeMismatch, message);
    throw new TerminalError(message);
  }
  if (pv.spec.claimRef && !refersTo(pv, claim)) {
    if (claim.status?.phase !== PersistentVolumeClaimPhase.Pending) {
      await ctx.pvcClient.updateStatus({
        ...claim,
        status: { ...claim.status, phase: PersistentVolumeClaimPhase.Pending },
      });
    }
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

/**
 * Provisions a PV named `pvName` for the claim from its class and binds it. The name is fixed
 * (the claim's uid, or the claim's volumeName), so a retry or a restarted controller finds
 * the PV it already made instead of making a second one.
 */
async function provisionAndBind(ctx: ControllerContext, claim: StoredClaim, pvName: string): Promise<void> {
  const existing = ctx.volumes.get(pvName);
  if (existing) {
    if (!existing.spec.claimRef || refersTo(existing, claim)) {
      // A crash between the PV's create and its record's completion is finished here.
      await adoptVolume(ctx, existing);
      await bind(ctx, claim, existing);
    }
    return;
  }
  const className = claim.spec.storageClassName ?? '';
  if (!className) {
    ctx.recorder.event(
      claim,
      EventType.Normal,
      EventReason.FailedBinding,
      'no persistent volumes available for this claim and no storage class is set',
    );
    return;
  }
  const sc = ctx.classes.get(className);
  if (!sc) {
    ctx.recorder.event(
      claim,
      EventType.Warning,
      EventReason.ProvisioningFailed,
      `storageclass.storage.k8s.io "${className}" not found`,
    );
    return;
  }
  const driver = ctx.drivers.forClass(className, sc);
  if (!driver) {
    ctx.recorder.event(
      claim,
      EventType.Normal,
      EventReason.FailedBinding,
      `waiting for a volume to be created by provisioner "${sc.provisioner}" (not one of this controller's); or for a matching volume`,
    );
    return;
  }
  const unsupported = unsupportedByDriver(driver, claim);
  if (unsupported) {
    const message = `failed to provision volume with StorageClass "${className}": ${unsupported}`;
    ctx.recorder.event(claim, EventType.Warning, EventReason.ProvisioningFailed, message);
    throw new TerminalError(message);
  }
  const provisioner = ctx.controllerOf(driver);
  let made: CreatedVolume;
  try {
    made = await provisioner.createVolume({ pvName, claim, storageClass: sc });
  } catch (err) {
    const message = `failed to provision volume with StorageClass "${className}": ${(err as Error).message}`;
    ctx.recorder.event(claim, EventType.Warning, EventReason.ProvisioningFailed, message);
    if (err instanceof ProvisioningError) throw new Error(message);
    throw err;
  }
  // The record comes before the PV (see provisioning_records.ts and reclaim_guard.ts).
  await prepareRecord(ctx.records, {
    pvName,
    claimUid: claim.metadata.uid,
    claim: objectKey(claim),
    type: driver.identity.type,
    path: made.localPath,
  });
  const pv: PersistentVolume = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: pvName,
      annotations: { [Annotation.ProvisionedBy]: sc.provisioner, ...made.annotations },
    },
    spec: {
      ...made.source,
      capacity: { storage: claim.spec.resources?.requests?.storage ?? '0' },
      accessModes: claim.spec.accessModes?.length ? [...claim.spec.accessModes] : ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
      storageClassName: className,
      claimRef: claimRefFor(claim),
      // The claim's mode (its driver supports it: checked above).
      volumeMode: claim.spec.volumeMode ?? 'Filesystem',
    },
    status: { phase: PersistentVolumePhase.Pending },
  };
  let created: StoredVolume;
  try {
    created = await ctx.pvClient.create(pv);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    created = await ctx.pvClient.get(pvName);
    if (created.spec.claimRef && !refersTo(created, claim)) return;
  }
  await provisioner.adoptVolume(created);
  ctx.recorder.event(
    claim,
    EventType.Normal,
    EventReason.ProvisioningSucceeded,
    `Successfully provisioned volume ${pvName} using ${sc.provisioner}`,
  );
  await bind(ctx, claim, created);
}

/** Lets the provisioner of a PV complete its provisioning record (a no-op unless it is uncompleted and matches). */
async function adoptVolume(ctx: ControllerContext, pv: DeepReadonly<StoredVolume>): Promise<void> {
  await provisionerOf(ctx, pv)?.adoptVolume(pv);
}
