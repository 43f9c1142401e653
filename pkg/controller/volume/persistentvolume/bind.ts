/**
 * The binding write sequence, in Kubernetes' order, each step skipped when already done:
 *   1. PV spec.claimRef (+ bound-by-controller)   2. PV status Bound
 *   3. PVC spec.volumeName (+ bind-completed)      4. PVC status Bound (capacity, accessModes)
 * A crash between steps leaves a state the next reconcile completes. Step 1 is a
 * compare-and-swap on the PV's resourceVersion, so two claims (or two controller-managers)
 * can never both bind one PV: the loser gets a 409 and retries.
 */
import type { ObjectReference } from '../../../api/core/v1';
import { PersistentVolumeClaimPhase, PersistentVolumePhase } from '../../../api/core/v1';
import { isDeepStrictEqual } from 'node:util';
import { Annotation, MismatchCondition } from './constants';
import { thaw } from '../../../util/reconcile/lister';
import type { ControllerContext, StoredClaim, StoredVolume } from './deps';
import type { DeepReadonly } from '../../../util/immutable/deep_readonly';
import { claimRefKey, objectKey } from '../../../api/keys';

/** The claimRef a PV bound to `claim` carries. */
export function claimRefFor(claim: DeepReadonly<StoredClaim>): ObjectReference {
  return {
    kind: 'PersistentVolumeClaim',
    apiVersion: 'v1',
    namespace: claim.metadata.namespace,
    name: claim.metadata.name,
    uid: claim.metadata.uid,
    ...(claim.metadata.resourceVersion ? { resourceVersion: claim.metadata.resourceVersion } : {}),
  };
}

/** True when the PV's claimRef points at this claim (by uid when the ref has one). */
export function refersTo(pv: DeepReadonly<StoredVolume>, claim: DeepReadonly<StoredClaim>): boolean {
  const ref = pv.spec.claimRef;
  if (!ref || claimRefKey(ref) !== objectKey(claim)) return false;
  return !ref.uid || ref.uid === claim.metadata.uid;
}

/** Runs the four steps for a claim and a volume it may bind to. Returns the bound claim. */
export async function bind(
  ctx: ControllerContext,
  claimIn: DeepReadonly<StoredClaim>,
  pvIn: DeepReadonly<StoredVolume>,
): Promise<StoredClaim> {
  let pv = thaw<StoredVolume>(pvIn);
  let claim = thaw<StoredClaim>(claimIn);
  const pvName = pv.metadata.name;

  if (!pv.spec.claimRef || pv.spec.claimRef.uid !== claim.metadata.uid) {
    // Kubernetes marks the PV unless it already pointed at this claim (pre-bound by a user).
    const preBound = refersTo(pv, claim);
    pv.spec.claimRef = claimRefFor(claim);
    if (!preBound) pv.metadata.annotations = { ...pv.metadata.annotations, [Annotation.BoundByController]: 'yes' };
    pv = await ctx.pvClient.update(pv);
    ctx.index.upsert(pv);
  }
  if (pv.status?.phase !== PersistentVolumePhase.Bound) {
    pv = await ctx.pvClient.updateStatus({ ...pv, status: { ...pv.status, phase: PersistentVolumePhase.Bound } });
    ctx.index.upsert(pv);
  }
  if (claim.spec.volumeName !== pvName || claim.metadata.annotations?.[Annotation.BindCompleted] !== 'yes') {
    const byController = claim.spec.volumeName !== pvName;
    claim.spec.volumeName = pvName;
    claim.metadata.annotations = {
      ...claim.metadata.annotations,
      [Annotation.BindCompleted]: 'yes',
      ...(byController ? { [Annotation.BoundByController]: 'yes' } : {}),
    };
    claim = await ctx.pvcClient.update(claim);
  }
  // Capacity is set when the claim becomes Bound, never after (as Kubernetes: once bound, the
  // expand controller and the kubelet own it; a PV grown ahead of its claim is an expansion in
  // flight). Only this controller's own condition is cleared: resize conditions stay.
  const becomingBound = claim.status?.phase !== PersistentVolumeClaimPhase.Bound;
  const status = {
    ...claim.status,
    phase: PersistentVolumeClaimPhase.Bound,
    capacity: becomingBound || !claim.status?.capacity ? { ...pv.spec.capacity } : { ...claim.status.capacity },
    accessModes: [...(pv.spec.accessModes ?? [])],
  };
  const conditions = (status.conditions ?? []).filter((c) => c.type !== MismatchCondition);
  if (conditions.length) status.conditions = conditions;
  else delete status.conditions;
  if (!isDeepStrictEqual(status, claim.status)) claim = await ctx.pvcClient.updateStatus({ ...claim, status });
  return claim;
}
