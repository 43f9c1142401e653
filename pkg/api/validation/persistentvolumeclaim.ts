/**
 * PersistentVolumeClaim validation (k8s ValidatePersistentVolumeClaim and its update/status
 * variants). Deviation: an empty accessModes list is accepted, because defaulting sets
 * [ReadWriteOnce] (the seed's manifests omit it).
 */
import {
  ClaimResourceStatus,
  type PersistentVolumeClaim,
  type PersistentVolumeClaimSpec,
  type PersistentVolumeClaimStatus,
  PersistentVolumeClaimPhase,
} from '../core/v1';
import { tryParseQuantity } from '../quantity';
import { semanticEqual } from './equality';
import { type FieldError, forbidden, invalid, notSupported, required } from './field';
import { validateObjectName } from './meta';
import { isDNS1123Subdomain, nameIsDNSSubdomain } from './names';
import { validateQuantity, validateResourceList } from './quantities';
import { validateLabelSelector } from './selector';
import { validateAccessModes, validateStorageClassName, validateVolumeMode } from './volumespec';
import { jsonClone } from '../../util/json/clone';
import { getOwn } from '../../util/json/own';
import { BetaStorageClassAnnotation } from '../storage/default_class';
import { canonicalResourceList } from '../defaults/resource_list';

/** Field path Kubernetes reports the storage request at. */
export const storageRequestField = 'spec.resources[storage]';

/**
 * A claim to create: its name is a DNS subdomain; access modes (if any) are known;
 * `spec.resources[storage]` is a quantity > 0 (other requests/limits are quantities ≥ 0); the
 * selector is well-formed; volumeName, when set, is a valid PV name (the controller may create
 * that PV); storageClassName a mixed-case name; volumeMode Block or Filesystem.
 */
export function validatePersistentVolumeClaim(pvc: PersistentVolumeClaim): FieldError[] {
  const errs = validateObjectName(pvc.metadata, nameIsDNSSubdomain);
  const spec = pvc.spec;
  if (!spec || typeof spec !== 'object') return [...errs, invalid('spec', spec ?? null, 'must be an object')];
  errs.push(...validateAccessModes(spec.accessModes, 'spec.accessModes', false));
  errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
  const { storage, ...otherRequests } = spec.resources?.requests ?? {};
  errs.push(...validateQuantity(storage, storageRequestField, { positive: true }));
  errs.push(...validateResourceList(otherRequests, 'spec.resources.requests'));
  errs.push(...validateResourceList(spec.resources?.limits, 'spec.resources.limits'));
  if (spec.volumeName !== undefined && spec.volumeName !== '') {
    for (const msg of isDNS1123Subdomain(String(spec.volumeName)))
      errs.push(invalid('spec.volumeName', spec.volumeName, msg));
  }
  errs.push(...validateStorageClassName(spec.storageClassName, 'spec.storageClassName'));
  errs.push(...validateVolumeMode(spec.volumeMode, 'spec.volumeMode'));
  errs.push(...validateDataSources(spec));
  return errs;
}

function validateTypedRef(ref: unknown, field: string): FieldError[] {
  if (ref === undefined || ref === null) return [];
  if (typeof ref !== 'object') return [invalid(field, ref, 'must be an object')];
  const r = ref as Record<string, unknown>;
  const errs: FieldError[] = [];
  if (typeof r.name !== 'string' || r.name === '') errs.push(required(`${field}.name`));
  if (typeof r.kind !== 'string' || r.kind === '') errs.push(required(`${field}.kind`));
  if (r.apiGroup !== undefined && typeof r.apiGroup !== 'string')
    errs.push(invalid(`${field}.apiGroup`, r.apiGroup, 'must be a string'));
  if (r.apiGroup === undefined || r.apiGroup === '') {
    if (r.kind !== undefined && r.kind !== 'PersistentVolumeClaim')
      errs.push(notSupported(`${field}.kind`, r.kind, ['PersistentVolumeClaim']));
  }
  return errs;
}

/**
 * dataSource and dataSourceRef (Kubernetes' rules): each names a kind and a name; a core-group
 * source can only be a PersistentVolumeClaim; when both are given they must be equal (a
 * dataSourceRef naming another namespace is not supported here).
 */
function validateDataSources(spec: PersistentVolumeClaimSpec): FieldError[] {
  const errs = [
    ...validateTypedRef(spec.dataSource, 'spec.dataSource'),
    ...validateTypedRef(spec.dataSourceRef, 'spec.dataSourceRef'),
  ];
  const ref = spec.dataSourceRef;
  if (ref && typeof ref === 'object' && ref.namespace !== undefined && ref.namespace !== '')
    errs.push(forbidden('spec.dataSourceRef.namespace', 'cross-namespace data sources are not supported'));
  const src = spec.dataSource;
  if (src && ref && typeof src === 'object' && typeof ref === 'object') {
    const same = (src.apiGroup ?? '') === (ref.apiGroup ?? '') && src.kind === ref.kind && src.name === ref.name;
    if (!same) errs.push(invalid('spec.dataSource', src, 'must match dataSourceRef'));
  }
  return errs;
}

/** Message of a forbidden claim spec change, as Kubernetes words it. */
export const claimSpecImmutableMessage =
  'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims';

/** Detail of a storage request lowered to or below the claim's capacity, as Kubernetes words it. */
export const shrinkBelowCapacityMessage = 'field can not be less than status.capacity';

/**
 * A claim update (Kubernetes' rules): the new claim is valid; its spec is immutable except that
 * an empty `volumeName` may be set once (the binder does it), a claim without any class may be
 * given a non-empty `storageClassName` once (retroactive default class), and a Bound claim may change
 * `resources.requests.storage` and `volumeAttributesClassName`. A lower storage request must
 * still be greater than `status.capacity` (recovery from a failed expansion, Kubernetes 1.32).
 */
export function validatePersistentVolumeClaimUpdate(
  pvc: PersistentVolumeClaim,
  old: PersistentVolumeClaim,
): FieldError[] {
  const errs = validatePersistentVolumeClaim(pvc);
  const newSpec: PersistentVolumeClaimSpec = jsonClone(pvc.spec ?? {});
  const oldSpec: PersistentVolumeClaimSpec = jsonClone(old.spec ?? {});
  // A claim stored before quantities were made canonical compares by value, not by spelling.
  if (oldSpec.resources?.limits) oldSpec.resources.limits = canonicalResourceList(oldSpec.resources.limits);
  if (oldSpec.resources?.requests) oldSpec.resources.requests = canonicalResourceList(oldSpec.resources.requests);
  if (!oldSpec.volumeName) {
    if (newSpec.volumeName === undefined) delete oldSpec.volumeName;
    else oldSpec.volumeName = newSpec.volumeName;
  }
  // Retroactive default StorageClass (Kubernetes 1.28+): a claim created without any class
  // (no storageClassName, no beta class annotation) may be given a non-empty one, once.
  if (classMayBeSet(old, newSpec.storageClassName)) oldSpec.storageClassName = newSpec.storageClassName;
  if (pvc.status?.phase === PersistentVolumeClaimPhase.Bound) {
    const oldStorage = old.spec?.resources?.requests?.storage;
    if (newSpec.resources?.requests) {
      if (oldStorage === undefined) delete newSpec.resources.requests.storage;
      else newSpec.resources.requests.storage = oldStorage;
    }
    const spec = newSpec as Record<string, unknown>;
    const prev = (old.spec ?? {}) as Record<string, unknown>;
    if (prev.volumeAttributesClassName === undefined) delete spec.volumeAttributesClassName;
    else spec.volumeAttributesClassName = prev.volumeAttributesClassName;
  }
  if (!semanticEqual(newSpec, oldSpec)) errs.push(forbidden('spec', claimSpecImmutableMessage));
  // RecoverVolumeExpansionFailure (beta, on, since 1.32): the request may be lowered after a
  // failed expansion, but only to more than what the volume already has (status.capacity).
  const newSize = tryParseQuantity(pvc.spec?.resources?.requests?.storage);
  const oldSize = tryParseQuantity(old.spec?.resources?.requests?.storage);
  if (newSize && oldSize && newSize.milli < oldSize.milli) {
    const capacity = tryParseQuantity(old.status?.capacity?.storage);
    if (!capacity || newSize.milli <= capacity.milli)
      errs.push(forbidden('spec.resources.requests.storage', shrinkBelowCapacityMessage));
  }
  return errs;
}

function classMayBeSet(old: PersistentVolumeClaim, next: string | undefined): boolean {
  const oldClass: unknown = old.spec?.storageClassName;
  return (
    (oldClass === undefined || oldClass === null) &&
    typeof next === 'string' &&
    next !== '' &&
    getOwn(old.metadata.annotations ?? {}, BetaStorageClassAnnotation) === undefined
  );
}

/** Phases a claim status may have. */
export const supportedPersistentVolumeClaimPhases: readonly string[] = Object.values(PersistentVolumeClaimPhase);

/**
 * A claim /status write: the phase, when set, is a known PersistentVolumeClaimPhase; status
 * access modes are known; status capacity entries are quantities ≥ 0; allocatedResources and
 * allocatedResourceStatuses name only `storage`, with a quantity ≥ 0 and a known ClaimResourceStatus.
 */
export function validatePersistentVolumeClaimStatus(pvc: PersistentVolumeClaim): FieldError[] {
  const errs: FieldError[] = [];
  const status = pvc.status;
  if (!status) return errs;
  if (status.phase !== undefined && !supportedPersistentVolumeClaimPhases.includes(status.phase)) {
    errs.push(notSupported('status.phase', status.phase, supportedPersistentVolumeClaimPhases));
  }
  errs.push(...validateAccessModes(status.accessModes, 'status.accessModes', false));
  errs.push(...validateResourceList(status.capacity, 'status.capacity'));
  errs.push(...validateAllocated(status));
  return errs;
}

/** Resource names a claim's allocatedResources / allocatedResourceStatuses may name. */
const resizableResources: readonly string[] = ['storage'];
/** Values `allocatedResourceStatuses` entries may have. */
export const supportedClaimResourceStatuses: readonly string[] = Object.values(ClaimResourceStatus);

function validateAllocated(status: PersistentVolumeClaimStatus): FieldError[] {
  const errs: FieldError[] = [];
  for (const [name, v] of Object.entries(status.allocatedResources ?? {})) {
    const field = `status.allocatedResources[${name}]`;
    if (!resizableResources.includes(name))
      errs.push(notSupported('status.allocatedResources', name, resizableResources));
    else errs.push(...validateQuantity(v, field));
  }
  for (const [name, v] of Object.entries(status.allocatedResourceStatuses ?? {})) {
    if (!resizableResources.includes(name))
      errs.push(notSupported('status.allocatedResourceStatuses', name, resizableResources));
    else if (!supportedClaimResourceStatuses.includes(v))
      errs.push(notSupported(`status.allocatedResourceStatuses[${name}]`, v, supportedClaimResourceStatuses));
  }
  return errs;
}
