/**
 * PersistentVolume validation (k8s ValidatePersistentVolume and its update/status variants),
 * narrowed to this project's volume sources: `hostPath`, `nfs`, `local` (a directory on one node,
 * which requires `nodeAffinity`) and `csi` (a driver named by the PV).
 */
import path from 'node:path';
import { PersistentVolumePhase, type PersistentVolume, type VolumeNodeAffinity } from '../core/v1';
import { semanticEqual } from './equality';
import { type FieldError, forbidden, invalid, notSupported, required, validateImmutableField } from './field';
import { validateObjectName } from './meta';
import { checkField, isDNS1123Subdomain, nameIsDNSSubdomain } from './names';
import { validateNodeSelector } from './node_selector';
import { validateAbsolutePath } from './paths';
import { validateQuantity } from './quantities';
import { validateAccessModes, validateStorageClassName, validateVolumeMode } from './volumespec';
import { getOwn, setOwn } from '../../util/json/own';

/** The volume sources this project implements. */
export const supportedVolumeSources: readonly string[] = ['hostPath', 'nfs', 'local', 'csi'];

/** Spec fields that are not volume sources; every other key of a PV spec is one. */
const nonSourceFields: ReadonlySet<string> = new Set([
  'capacity',
  'accessModes',
  'claimRef',
  'persistentVolumeReclaimPolicy',
  'storageClassName',
  'mountOptions',
  'volumeMode',
  'nodeAffinity',
  'volumeAttributesClassName',
]);

/** Reclaim policies a PV may have (sorted). */
export const supportedReclaimPolicies: readonly string[] = ['Delete', 'Recycle', 'Retain'];

/** hostPath types Kubernetes defines ('' = no check). */
export const supportedHostPathTypes: readonly string[] = [
  '',
  'BlockDevice',
  'CharDevice',
  'Directory',
  'DirectoryOrCreate',
  'File',
  'FileOrCreate',
  'Socket',
];

/** The source keys set on a PV spec (a value of null counts as unset). */
export function volumeSourceKeys(spec: object): string[] {
  return Object.entries(spec)
    .filter(([k, v]) => !nonSourceFields.has(k) && v !== undefined && v !== null)
    .map(([k]) => k);
}

function sourceOf(spec: object): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  for (const k of volumeSourceKeys(spec)) setOwn(r, k, getOwn(spec, k));
  return r;
}

function validateVolumeNodeAffinity(aff: VolumeNodeAffinity, field: string): FieldError[] {
  if (!aff.required) return [required(`${field}.required`, 'must specify required node constraints')];
  return validateNodeSelector(aff.required, `${field}.required`);
}

/**
 * The one volume source: hostPath (absolute path, no '..'), nfs (server, absolute path), local
 * (absolute path, no '..'; the PV must have nodeAffinity, as Kubernetes requires) or csi
 * (driver, handle).
 */
function validateSource(pv: PersistentVolume): FieldError[] {
  const spec = pv.spec;
  const keys = volumeSourceKeys(spec);
  const errs: FieldError[] = [];
  for (const k of keys) {
    if (!supportedVolumeSources.includes(k))
      errs.push(forbidden(`spec.${k}`, 'only hostPath, nfs, local and csi volume sources are supported'));
  }
  const supported = keys.filter((k) => supportedVolumeSources.includes(k));
  if (keys.length === 0) errs.push(required('spec', 'must specify a volume type'));
  for (const k of supported.slice(1)) errs.push(forbidden(`spec.${k}`, 'may not specify more than 1 volume type'));
  if (spec.hostPath) {
    errs.push(...validateAbsolutePath(spec.hostPath.path, 'spec.hostPath.path'));
    const t = spec.hostPath.type;
    if (t !== undefined && t !== null && !supportedHostPathTypes.includes(t)) {
      errs.push(notSupported('spec.hostPath.type', t, supportedHostPathTypes));
    }
    if (spec.mountOptions?.length)
      errs.push(forbidden('spec.mountOptions', 'may not specify mount options for this volume type'));
  }
  if (spec.nfs) {
    if (!spec.nfs.server) errs.push(required('spec.nfs.server'));
    errs.push(...validateAbsolutePath(spec.nfs.path, 'spec.nfs.path'));
  }
  if (spec.local) {
    errs.push(...validateAbsolutePath(spec.local.path, 'spec.local.path'));
    // Kubernetes: an empty nodeAffinity counts as given (its own error says what it lacks).
    if (spec.nodeAffinity === undefined || spec.nodeAffinity === null)
      errs.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
  }
  if (spec.csi) {
    // Kubernetes' validateCSIDriverName: a DNS subdomain of at most 63 characters.
    if (!spec.csi.driver) errs.push(required('spec.csi.driver'));
    else if (spec.csi.driver.length > 63)
      errs.push(invalid('spec.csi.driver', spec.csi.driver, 'must be no more than 63 characters'));
    else errs.push(...checkField(spec.csi.driver, 'spec.csi.driver', isDNS1123Subdomain));
    if (!spec.csi.volumeHandle) errs.push(required('spec.csi.volumeHandle'));
  }
  return errs;
}

/**
 * A PV to create: its name is a DNS subdomain; `spec.capacity[storage]` is a quantity > 0 and
 * the only capacity; access modes are non-empty and known; exactly one source, hostPath or nfs;
 * known reclaim policy (Recycle never on '/'); storageClassName a mixed-case name; a claimRef
 * names a claim and its namespace. Metadata is validateObjectMeta's.
 */
export function validatePersistentVolume(pv: PersistentVolume): FieldError[] {
  const errs = validateObjectName(pv.metadata, nameIsDNSSubdomain);
  const spec = pv.spec;
  if (!spec || typeof spec !== 'object') return [...errs, required('spec')];
  const capacity = spec.capacity ?? {};
  errs.push(...validateQuantity(capacity.storage, 'spec.capacity[storage]', { positive: true }));
  for (const k of Object.keys(capacity)) {
    if (k !== 'storage') errs.push(notSupported(`spec.capacity[${k}]`, k, ['storage']));
  }
  errs.push(...validateAccessModes(spec.accessModes, 'spec.accessModes', true));
  errs.push(...validateSource(pv));
  const policy = spec.persistentVolumeReclaimPolicy;
  if (policy !== undefined && !supportedReclaimPolicies.includes(policy)) {
    errs.push(notSupported('spec.persistentVolumeReclaimPolicy', policy, supportedReclaimPolicies));
  }
  if (policy === 'Recycle') {
    if (spec.hostPath?.path && path.posix.normalize(spec.hostPath.path) === '/') {
      errs.push(
        forbidden('spec.persistentVolumeReclaimPolicy', "may not be 'recycle' for a hostPath volume with path '/'"),
      );
    }
    if (spec.nfs?.path && path.posix.normalize(spec.nfs.path) === '/') {
      errs.push(
        forbidden('spec.persistentVolumeReclaimPolicy', "may not be 'recycle' for an nfs volume with path '/'"),
      );
    }
  }
  errs.push(...validateStorageClassName(spec.storageClassName, 'spec.storageClassName'));
  errs.push(...validateVolumeMode(spec.volumeMode, 'spec.volumeMode'));
  if (spec.claimRef) {
    if (!spec.claimRef.name) errs.push(required('spec.claimRef.name'));
    if (!spec.claimRef.namespace) errs.push(required('spec.claimRef.namespace'));
  }
  if (spec.nodeAffinity) errs.push(...validateVolumeNodeAffinity(spec.nodeAffinity, 'spec.nodeAffinity'));
  return errs;
}

/**
 * A PV update: the new object is valid; its volume source (hostPath/nfs) and volumeMode are
 * immutable; capacity, claimRef, reclaim policy, class and the rest may change.
 */
export function validatePersistentVolumeUpdate(pv: PersistentVolume, old: PersistentVolume): FieldError[] {
  const errs = validatePersistentVolume(pv);
  if (pv.spec && old.spec && !semanticEqual(sourceOf(pv.spec), sourceOf(old.spec))) {
    errs.push(forbidden('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
  }
  // An absent mode is Filesystem (objects stored before defaulting compare equal to defaulted ones).
  errs.push(
    ...validateImmutableField(
      pv.spec?.volumeMode ?? 'Filesystem',
      old.spec?.volumeMode ?? 'Filesystem',
      'spec.volumeMode',
    ),
  );
  return errs;
}

/** Phases a PV status may have (in lifecycle order). */
export const supportedPersistentVolumePhases: readonly string[] = Object.values(PersistentVolumePhase);

/** A PV /status write: the phase, when set, is a known PersistentVolumePhase. */
export function validatePersistentVolumeStatus(pv: PersistentVolume): FieldError[] {
  const phase = pv.status?.phase;
  if (phase === undefined || supportedPersistentVolumePhases.includes(phase)) return [];
  return [notSupported('status.phase', phase, supportedPersistentVolumePhases)];
}
