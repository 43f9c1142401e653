/**
 * The PersistentVolumeClaimResize admission plugin, as in kube-apiserver: an update that grows
 * a claim's `spec.resources.requests.storage` is allowed only when the claim names a class (the
 * same before and after) whose `allowVolumeExpansion` is true; otherwise 403 Forbidden with
 * Kubernetes' message. Shrinking, and any request change of an unbound claim, are left to
 * validation (422), which in kube-apiserver runs before this validating plugin; status writes
 * pass. The class is read from the apiserver's watch cache (Kubernetes reads an informer).
 */
import type { PersistentVolumeClaim } from '../../api/core/v1';
import { PersistentVolumeClaimPhase } from '../../api/core/v1';
import { forbidden } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import { tryParseQuantity } from '../../api/quantity';
import type { StorageClass } from '../../api/storage/v1';

/** The plugin's name, as `--disable-admission-plugins` spells it. */
export const PersistentVolumeClaimResize = 'PersistentVolumeClaimResize';

/** Kubernetes' refusal of a growth the claim's class does not allow. */
export const resizeNotAllowedMessage =
  'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize';

/** The write the plugin looks at. */
export interface ResizeAttempt {
  resource: string;
  subresource?: string;
  obj: KubeObject;
  /** The stored object (absent on create: nothing to check). */
  old?: KubeObject;
}

/** Reads a StorageClass by name (undefined when there is none). */
export type ClassGetter = (name: string) => StorageClass | undefined;

/** Admits a claim update; throws a 403 StatusError when it grows a claim its class may not expand. */
export function admitClaimResize(w: ResizeAttempt, getClass: ClassGetter): void {
  if (w.resource !== 'persistentvolumeclaims' || w.subresource || !w.old) return;
  const pvc = w.obj as PersistentVolumeClaim;
  const old = w.old as PersistentVolumeClaim;
  const newSize = tryParseQuantity(pvc.spec?.resources?.requests?.storage);
  const oldSize = tryParseQuantity(old.spec?.resources?.requests?.storage);
  if (!newSize || !oldSize || newSize.milli <= oldSize.milli) return;
  // Validation already refuses request changes of unbound claims (422, as Kubernetes answers).
  if (old.status?.phase !== PersistentVolumeClaimPhase.Bound) return;
  if (allowResize(pvc, old, getClass)) return;
  throw forbidden({ resource: 'persistentvolumeclaims' }, pvc.metadata.name ?? '', resizeNotAllowedMessage);
}

function allowResize(pvc: PersistentVolumeClaim, old: PersistentVolumeClaim, getClass: ClassGetter): boolean {
  const name = pvc.spec?.storageClassName ?? '';
  if (name === '' || name !== (old.spec?.storageClassName ?? '')) return false;
  return getClass(name)?.allowVolumeExpansion === true;
}
