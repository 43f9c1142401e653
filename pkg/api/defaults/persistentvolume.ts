/** PersistentVolume defaulting (k8s SetDefaults_PersistentVolume). */
import { type PersistentVolume, PersistentVolumePhase, ReclaimPolicy } from '../core/v1';
import { canonicalResourceList } from './resource_list';

/**
 * A copy of `pv` with the defaults applied (the input is not changed):
 * persistentVolumeReclaimPolicy Retain, volumeMode Filesystem, and status.phase Pending when
 * the status has no phase. Fields already set are kept; spec.capacity is written in canonical
 * form, as Kubernetes stores it (`2048Mi` → `2Gi`).
 */
export function defaultPersistentVolume(pv: PersistentVolume): PersistentVolume {
  const spec = pv.spec ?? {};
  return {
    ...pv,
    spec: {
      ...spec,
      persistentVolumeReclaimPolicy: spec.persistentVolumeReclaimPolicy ?? ReclaimPolicy.Retain,
      volumeMode: spec.volumeMode ?? 'Filesystem',
      ...(spec.capacity ? { capacity: canonicalResourceList(spec.capacity) } : {}),
    },
    status: { ...pv.status, phase: pv.status?.phase ?? PersistentVolumePhase.Pending },
  };
}
