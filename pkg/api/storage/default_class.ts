/**
 * The default StorageClass, as Kubernetes picks it (k8s.io/kubernetes pkg/volume/util
 * GetDefaultClass): a class is a default when `storageclass.kubernetes.io/is-default-class`
 * (or the beta `storageclass.beta.kubernetes.io/is-default-class`) is exactly "true"; with
 * several defaults the newest wins (Kubernetes 1.26+), equal creation times by name, ascending.
 * Used by the DefaultStorageClass admission plugin and the PV controller's retroactive
 * assignment, so both always choose the same class.
 */
import type { DeepReadonly } from '../../util/immutable/deep_readonly';
import { getOwn } from '../../util/json/own';
import type { StorageClass } from './v1';

/** The annotation that makes a class the default one. */
export const IsDefaultStorageClassAnnotation = 'storageclass.kubernetes.io/is-default-class';
/** Its beta spelling, still honoured by Kubernetes. */
export const BetaIsDefaultStorageClassAnnotation = 'storageclass.beta.kubernetes.io/is-default-class';
/** The beta claim annotation that names a class (a claim carrying it "has a class", even without storageClassName). */
export const BetaStorageClassAnnotation = 'volume.beta.kubernetes.io/storage-class';

/** True when the class is annotated as a default class. */
export function isDefaultStorageClass(sc: DeepReadonly<StorageClass>): boolean {
  const annotations = sc.metadata.annotations ?? {};
  return (
    getOwn<string>(annotations, IsDefaultStorageClassAnnotation) === 'true' ||
    getOwn<string>(annotations, BetaIsDefaultStorageClassAnnotation) === 'true'
  );
}

function createdMs(sc: DeepReadonly<StorageClass>): number {
  const t = Date.parse(sc.metadata.creationTimestamp ?? '');
  return Number.isNaN(t) ? 0 : t;
}

/** The default class among `classes` (undefined when none is a default); see the file comment. */
export function defaultStorageClass<T extends DeepReadonly<StorageClass>>(classes: Iterable<T>): T | undefined {
  let best: T | undefined;
  for (const sc of classes) {
    if (!isDefaultStorageClass(sc)) continue;
    if (!best) {
      best = sc;
      continue;
    }
    const d = createdMs(sc) - createdMs(best);
    if (d > 0 || (d === 0 && (sc.metadata.name ?? '') < (best.metadata.name ?? ''))) best = sc;
  }
  return best;
}

/** True when the claim asks for a class itself: `spec.storageClassName` is set (even to "") or the beta annotation is. */
export function claimHasClass(claim: {
  metadata: DeepReadonly<{ annotations?: Record<string, string> }>;
  spec?: DeepReadonly<{ storageClassName?: string | null }>;
}): boolean {
  if (getOwn<string>(claim.metadata.annotations ?? {}, BetaStorageClassAnnotation) !== undefined) return true;
  return claim.spec?.storageClassName !== undefined && claim.spec.storageClassName !== null;
}
