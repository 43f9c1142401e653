/** Adding and removing one finalizer through an update, skipping no-op writes. */
import type { KubeObject } from '../../../api/meta';

/** Finalizer names (Kubernetes'). */
export const Finalizer = {
  PVCProtection: 'kubernetes.io/pvc-protection',
  PVProtection: 'kubernetes.io/pv-protection',
} as const;

/** A copy of `obj` with the finalizer added, or undefined when it is already there. */
export function withFinalizer<T extends KubeObject>(obj: T, finalizer: string): T | undefined {
  if (obj.metadata.finalizers?.includes(finalizer)) return undefined;
  const copy = structuredClone(obj);
  copy.metadata.finalizers = [...(copy.metadata.finalizers ?? []), finalizer];
  return copy;
}

/** A copy of `obj` without the finalizer, or undefined when it is not there. */
export function withoutFinalizer<T extends KubeObject>(obj: T, finalizer: string): T | undefined {
  if (!obj.metadata.finalizers?.includes(finalizer)) return undefined;
  const copy = structuredClone(obj);
  copy.metadata.finalizers = (copy.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  return copy;
}
