/**
 * The StorageObjectInUseProtection admission plugin, as in kube-apiserver: every new
 * PersistentVolumeClaim gets `kubernetes.io/pvc-protection` and every new PersistentVolume
 * `kubernetes.io/pv-protection` when it is created, so the protection controllers never need a
 * racing update to add them (they still add them to objects created while the plugin was off).
 */
import type { KubeObject } from '../../api/meta';

/** The plugin's name, as `--disable-admission-plugins` spells it. */
export const StorageObjectInUseProtection = 'StorageObjectInUseProtection';

const finalizerFor: Record<string, string> = {
  persistentvolumeclaims: 'kubernetes.io/pvc-protection',
  persistentvolumes: 'kubernetes.io/pv-protection',
};

/** The object to create, with its protection finalizer when it is a claim or a volume. */
export function protectOnCreate(resource: string, obj: KubeObject): KubeObject {
  const finalizer = finalizerFor[resource];
  const finalizers = obj.metadata.finalizers ?? [];
  if (!finalizer || finalizers.includes(finalizer)) return obj;
  return { ...obj, metadata: { ...obj.metadata, finalizers: [...finalizers, finalizer] } };
}
