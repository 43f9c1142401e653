/** Adding and removing one finalizer through an update, skipping no-op writes. */
import type { KubeObject } from '../../../api/meta';
import type { DeepReadonly } from '../../../util/immutable/deep_readonly';
import { jsonClone } from '../../../util/json/clone';

/** Finalizer names (Kubernetes'). */
export const Finalizer = {
  PVCProtection: 'kubernetes.io/pvc-protection',
  PVProtection: 'kubernetes.io/pv-protection',
} as const;

/** A copy of `obj` with the finalizer added, or undefined when it is already there. */
export function withFinalizer<T extends KubeObject>(obj: DeepReadonly<T>, finalizer: string): T | undefined {
  if (obj.metadata.finalizers?.includes(finalizer)) return undefined;
  const copy = jsonClone(obj) as T;
  copy.metadata.finalizers = [...(copy.metadata.finalizers ?? []), finalizer];
  return copy;
}

/** A copy of `obj` without the finalizer, or undefined when it is not there. */
export function withoutFinalizer<T extends KubeObject>(obj: DeepReadonly<T>, finalizer: string): T | undefined {
  if (!obj.metadata.finalizers?.includes(finalizer)) return undefined;
  const copy = jsonClone(obj) as T;
  copy.metadata.finalizers = (copy.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  return copy;
}
