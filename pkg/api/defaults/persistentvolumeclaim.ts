/** PersistentVolumeClaim defaulting (k8s SetDefaults_PersistentVolumeClaim, plus access modes). */
import { AccessMode, type PersistentVolumeClaim, PersistentVolumeClaimPhase } from '../core/v1';
import { canonicalResourceList } from './resource_list';

/**
 * A copy of `pvc` with the defaults applied (the input is not changed): volumeMode Filesystem;
 * status.phase Pending when the status has no phase; and accessModes [ReadWriteOnce] when
 * absent or empty. That last one is a documented deviation from Kubernetes, which rejects a
 * claim without access modes: kubectl users often omit them, and the seed's manifests do.
 * Quantities (requests, limits, status capacity and allocatedResources) are written in
 * canonical form, as Kubernetes stores them (`2048Mi` → `2Gi`).
 */
export function defaultPersistentVolumeClaim(pvc: PersistentVolumeClaim): PersistentVolumeClaim {
  const spec = pvc.spec ?? {};
  return {
    ...pvc,
    spec: {
      ...spec,
      accessModes: spec.accessModes?.length ? [...spec.accessModes] : [AccessMode.ReadWriteOnce],
      volumeMode: spec.volumeMode ?? 'Filesystem',
      ...(spec.resources
        ? {
            resources: {
              ...spec.resources,
              ...(spec.resources.requests ? { requests: canonicalResourceList(spec.resources.requests) } : {}),
              ...(spec.resources.limits ? { limits: canonicalResourceList(spec.resources.limits) } : {}),
            },
          }
        : {}),
    },
    status: {
      ...pvc.status,
      phase: pvc.status?.phase ?? PersistentVolumeClaimPhase.Pending,
      ...(pvc.status?.capacity ? { capacity: canonicalResourceList(pvc.status.capacity) } : {}),
      ...(pvc.status?.allocatedResources
        ? { allocatedResources: canonicalResourceList(pvc.status.allocatedResources) }
        : {}),
    },
  };
}
