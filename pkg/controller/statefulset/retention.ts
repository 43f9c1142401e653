/**
 * persistentVolumeClaimRetentionPolicy as owner references (Kubernetes' isClaimOwnerUpToDate /
 * updateClaimOwnerRefForSetAndPod). The controller never deletes a claim; it only says who owns
 * it and the garbage collector does the rest:
 *   whenDeleted Retain, whenScaled Retain: no reference to the set or the pod;
 *   whenDeleted Delete, whenScaled Retain: the set controls the claim;
 *   whenDeleted Retain, whenScaled Delete: the pod controls the claim once its ordinal is condemned;
 *   whenDeleted Delete, whenScaled Delete: the pod once condemned, the set before.
 * A claim referencing an older set or pod of the same name (a stale uid) is left alone; a claim
 * controlled by something else loses our references and gets no new ones.
 */
import {
  PersistentVolumeClaimRetentionPolicyType as Policy,
  type StatefulSetPersistentVolumeClaimRetentionPolicy,
} from '../../api/apps/v1';
import type { PersistentVolumeClaim } from '../../api/core/v1';
import type { OwnerReference } from '../../api/meta';
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import { thaw } from '../../util/reconcile/lister';
import { controllerRefTo, inOrdinalRange, type OwnerKind, ordinalOf, PodKind, StatefulSetKind } from './identity';
import type { CachedClaim, CachedSet } from './types';

/** The owner a retention decision is about: a set or a pod (possibly not created: no uid). */
interface Owner {
  readonly metadata: { readonly name?: string; readonly uid?: string };
}

type Ref = DeepReadonly<OwnerReference>;

/** The set's policy with both fields defaulted to Retain. */
export function retentionPolicy(set: CachedSet): Required<StatefulSetPersistentVolumeClaimRetentionPolicy> {
  const p = set.spec.persistentVolumeClaimRetentionPolicy;
  return { whenDeleted: p?.whenDeleted ?? Policy.Retain, whenScaled: p?.whenScaled ?? Policy.Retain };
}

function matchesRef(ref: Ref, owner: Owner, kind: OwnerKind): boolean {
  return ref.apiVersion === kind.apiVersion && ref.kind === kind.kind && ref.name === owner.metadata.name;
}

function hasOwnerRef(claim: CachedClaim, owner: Owner): boolean {
  const uid = owner.metadata.uid;
  return uid !== undefined && (claim.metadata.ownerReferences ?? []).some((r) => r.uid === uid);
}

/** True when the claim references `owner`'s name and kind with another uid. */
export function hasStaleOwnerRef(claim: CachedClaim, owner: Owner, kind: OwnerKind): boolean {
  const ref = (claim.metadata.ownerReferences ?? []).find((r) => matchesRef(r, owner, kind));
  return ref !== undefined && ref.uid !== owner.metadata.uid;
}

/** True when something other than the set or the pod controls the claim (under a Delete policy). */
export function hasUnexpectedController(claim: CachedClaim, set: CachedSet, pod: Owner): boolean {
  const p = retentionPolicy(set);
  if (p.whenDeleted === Policy.Retain && p.whenScaled === Policy.Retain) return false;
  for (const ref of claim.metadata.ownerReferences ?? []) {
    if (matchesRef(ref, set, StatefulSetKind)) {
      if (ref.uid !== set.metadata.uid) return true;
      continue;
    }
    if (matchesRef(ref, pod, PodKind)) {
      if (ref.uid !== pod.metadata.uid) return true;
      continue;
    }
    if (ref.controller === true) return true;
  }
  return false;
}

function hasNonControllerOwner(claim: CachedClaim, set: CachedSet, pod: Owner): boolean {
  return (claim.metadata.ownerReferences ?? []).some(
    (r) => (r.uid === set.metadata.uid || r.uid === pod.metadata.uid) && r.controller !== true,
  );
}

/** What references the policy wants on a claim of `pod`: [set ref wanted, pod ref wanted]. */
function wanted(set: CachedSet, pod: Owner): { set: boolean; pod: boolean } {
  const p = retentionPolicy(set);
  const scaledDown = !inOrdinalRange(set, ordinalOf(pod));
  const onScale = p.whenScaled === Policy.Delete;
  const onDelete = p.whenDeleted === Policy.Delete;
  return { set: onDelete && !(onScale && scaledDown), pod: onScale && scaledDown };
}

/** True when the claim's owner references already say what the policy wants (or must stay as they are). */
export function claimOwnerUpToDate(claim: CachedClaim, set: CachedSet, pod: Owner): boolean {
  if (hasStaleOwnerRef(claim, set, StatefulSetKind) || hasStaleOwnerRef(claim, pod, PodKind)) return true;
  if (hasUnexpectedController(claim, set, pod)) return !(hasOwnerRef(claim, set) || hasOwnerRef(claim, pod));
  if (hasNonControllerOwner(claim, set, pod)) return false;
  const w = wanted(set, pod);
  return hasOwnerRef(claim, set) === w.set && hasOwnerRef(claim, pod) === w.pod;
}

/** A copy of the claim with the owner references the policy wants. */
export function withPolicyOwnerRefs(claim: CachedClaim, set: CachedSet, pod: Owner) {
  const out = thaw<PersistentVolumeClaim>(claim);
  const unexpected = hasUnexpectedController(claim, set, pod);
  const refs: OwnerReference[] = (out.metadata.ownerReferences ?? []).filter(
    (r) => !matchesRef(r, set, StatefulSetKind) && !matchesRef(r, pod, PodKind),
  );
  if (!unexpected) {
    const w = wanted(set, pod);
    if (w.set) refs.push(controllerRefTo(set, StatefulSetKind));
    if (w.pod) refs.push(controllerRefTo(pod, PodKind));
  }
  if (refs.length > 0) out.metadata.ownerReferences = refs;
  else delete out.metadata.ownerReferences;
  return out;
}
