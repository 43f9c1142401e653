/**
 * Does a volume fit a claim that asks for it by name, or that it is pre-bound to? Kubernetes'
 * checkVolumeSatisfyClaim (named volumes) and findMatchingVolume's pre-bound branch:
 *   - a volume being deleted never fits;
 *   - its capacity must cover the request;
 *   - its volume mode must be the claim's (absent = Filesystem): never across modes;
 *   - its access modes must include the claim's.
 * The storage class and type are not checked here: a mismatch there is the seed's rule (the
 * claim goes Failed, see claim_sync.ts).
 */
import type { PersistentVolume, PersistentVolumeClaim } from '../../../api/core/v1';
import { tryParseQuantity } from '../../../api/quantity';
import type { DeepReadonly } from '../../../util/immutable/deep_readonly';
import { accessModesFit, volumeModeFits } from './volume_index';

type PV = DeepReadonly<PersistentVolume>;
type PVC = DeepReadonly<PersistentVolumeClaim>;

/** Why the volume's mode differs from the claim's; undefined when they are the same. */
export function volumeModeMisfit(pv: PV, claim: PVC): string | undefined {
  if (volumeModeFits(pv, claim)) return undefined;
  return `incompatible volumeMode: the claim asks for ${claim.spec.volumeMode ?? 'Filesystem'}, the volume is ${pv.spec.volumeMode ?? 'Filesystem'}`;
}

/** Why the volume is too small for the claim's request; undefined when it is large enough. */
function capacityMisfit(pv: PV, claim: PVC): string | undefined {
  const request = tryParseQuantity(claim.spec.resources?.requests?.storage)?.milli ?? 0n;
  const capacity = tryParseQuantity(pv.spec.capacity?.storage)?.milli ?? 0n;
  if (capacity >= request) return undefined;
  return `requested PV is too small: the claim requests ${claim.spec.resources?.requests?.storage ?? '0'}, the volume has ${pv.spec.capacity?.storage ?? '0'}`;
}

/**
 * Why a volume a claim names (and nobody has claimed yet) cannot be bound to it; undefined when
 * it fits. The message ends up in the claim's VolumeMismatch event.
 */
export function namedVolumeMisfit(pv: PV, claim: PVC): string | undefined {
  if (pv.metadata.deletionTimestamp) return `the volume is marked for deletion "${pv.metadata.name ?? ''}"`;
  const small = capacityMisfit(pv, claim);
  if (small) return small;
  const mode = volumeModeMisfit(pv, claim);
  if (mode) return mode;
  if (!accessModesFit(pv, claim))
    return `incompatible accessMode: the claim asks for ${(claim.spec.accessModes ?? []).join(', ')}, the volume offers ${(pv.spec.accessModes ?? []).join(', ')}`;
  return undefined;
}

/** True when a volume pre-bound to the claim (its claimRef) may be bound to it (the selector and class are not asked). */
export function preBoundVolumeFits(pv: PV, claim: PVC): boolean {
  return namedVolumeMisfit(pv, claim) === undefined;
}
