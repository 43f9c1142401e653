/** StorageClass defaulting (k8s SetDefaults_StorageClass). */
import { ReclaimPolicy } from '../core/v1';
import { type StorageClass, VolumeBindingMode } from '../storage/v1';

/**
 * A copy of `sc` with the defaults applied (the input is not changed): reclaimPolicy Delete and
 * volumeBindingMode Immediate when unset.
 */
export function defaultStorageClass(sc: StorageClass): StorageClass {
  return {
    ...sc,
    reclaimPolicy: sc.reclaimPolicy ?? ReclaimPolicy.Delete,
    volumeBindingMode: sc.volumeBindingMode ?? VolumeBindingMode.Immediate,
  };
}
