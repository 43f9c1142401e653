/** PersistentVolumeClaim defaulting (k8s SetDefaults_PersistentVolumeClaim, plus access modes). */
import {
  AccessMode,
  type PersistentVolumeClaim,
  PersistentVolumeClaimPhase,
  type TypedLocalObjectReference,
} from '../core/v1';
import { canonicalResourceList } from './resource_list';
import { getOwn } from '../../util/json/own';
import { BetaStorageClassAnnotation } from '../storage/default_class';

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

/**
 * A copy of `pvc` whose `spec.storageClassName` is its beta `volume.beta.kubernetes.io/storage-class`
 * annotation when the spec names no class (Kubernetes' GetPersistentVolumeClaimClass reads the
 * annotation first): done once at create, so the binder, scheduler and expander, which read
 * the spec, see the class the user asked for. A claim that names a class in its spec keeps it.
 */
export function adoptBetaStorageClass(pvc: PersistentVolumeClaim): PersistentVolumeClaim {
  const spec = pvc.spec;
  if (!spec || typeof spec !== 'object' || (spec.storageClassName !== undefined && spec.storageClassName !== null))
    return pvc;
  const beta: unknown = getOwn(pvc.metadata?.annotations ?? {}, BetaStorageClassAnnotation);
  if (typeof beta !== 'string') return pvc;
  return { ...pvc, spec: { ...spec, storageClassName: beta } };
}

function isRef(v: unknown): v is { apiGroup?: unknown; kind?: unknown; name?: unknown; namespace?: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function refFields(r: { apiGroup?: unknown; kind?: unknown; name?: unknown }): TypedLocalObjectReference {
  return {
    ...(r.apiGroup !== undefined ? { apiGroup: r.apiGroup as string } : {}),
    kind: r.kind as string,
    name: r.name as string,
  };
}

/**
 * A copy of `pvc` whose `dataSource` and `dataSourceRef` mirror each other, as kube-apiserver
 * does on create (NormalizeDataSources): only `dataSource` given → `dataSourceRef` gets the
 * same apiGroup/kind/name; only `dataSourceRef` given, naming no other namespace →
 * `dataSource` gets them. A cross-namespace `dataSourceRef` is left alone (validation refuses
 * it); when both are given, validation requires them equal. Malformed values are left for
 * validation to report.
 */
export function normalizeDataSources(pvc: PersistentVolumeClaim): PersistentVolumeClaim {
  const spec = pvc.spec;
  if (!spec || typeof spec !== 'object') return pvc;
  const src: unknown = spec.dataSource;
  const ref: unknown = spec.dataSourceRef;
  const absent = (v: unknown) => v === undefined || v === null;
  if (isRef(src) && absent(ref)) return { ...pvc, spec: { ...spec, dataSourceRef: refFields(src) } };
  if (isRef(ref) && absent(src) && (ref.namespace === undefined || ref.namespace === null || ref.namespace === ''))
    return { ...pvc, spec: { ...spec, dataSource: refFields(ref) } };
  return pvc;
}
