/**
 * StorageClass validation (k8s ValidateStorageClass / ValidateStorageClassUpdate). Deviation:
 * class names may contain upper case letters, because the built-in classes are `hostPath` and
 * `nfs` (see isMixedCaseName).
 */
import type { StorageClass, TopologySelectorTerm } from '../storage/v1';
import { VolumeBindingMode } from '../storage/v1';
import { semanticEqual } from './equality';
import {
  duplicate,
  type FieldError,
  forbidden,
  invalid,
  notSupported,
  required,
  tooLong,
  tooMany,
  validateImmutableField,
} from './field';
import { validateObjectName } from './meta';
import { checkField, isQualifiedName, nameIsMixedCase } from './names';

/** Reclaim policies a class may set (sorted): Recycle is not allowed for classes. */
export const supportedClassReclaimPolicies: readonly string[] = ['Delete', 'Retain'];
/** Volume binding modes (sorted). */
export const supportedVolumeBindingModes: readonly string[] = Object.values(VolumeBindingMode).sort();

const maxProvisionerParameterSize = 256 * 1024;
const maxProvisionerParameterLen = 512;

function validateParameters(params: Record<string, string> | undefined): FieldError[] {
  const entries = Object.entries(params ?? {});
  const errs: FieldError[] = [];
  if (entries.length > maxProvisionerParameterLen)
    errs.push(tooMany('parameters', entries.length, maxProvisionerParameterLen));
  let size = 0;
  for (const [k, v] of entries) {
    if (k.length === 0) errs.push(invalid('parameters', params, 'keys can not be empty'));
    if (typeof v !== 'string') errs.push(invalid(`parameters[${k}]`, v, 'must be a string'));
    size += k.length + (typeof v === 'string' ? v : (JSON.stringify(v) ?? '')).length;
  }
  if (size > maxProvisionerParameterSize) errs.push(tooLong('parameters', maxProvisionerParameterSize));
  return errs;
}

/**
 * allowedTopologies (k8s validateAllowedTopologies): each requirement a label key with at least
 * one value, no value twice, no key twice in a term, no two terms alike.
 */
function validateAllowedTopologies(terms: TopologySelectorTerm[] | undefined): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (terms ?? []).forEach((term, i) => {
    const path = `allowedTopologies[${i}].matchLabelExpressions`;
    const byKey = new Map<string, string[]>();
    (term.matchLabelExpressions ?? []).forEach((req, j) => {
      const values = req.values ?? [];
      if (values.length === 0) errs.push(required(`${path}[${j}].values`, 'must specify as least one value'));
      values.forEach((v, k) => {
        if (values.indexOf(v) !== k) errs.push(duplicate(`${path}[${j}].values[${k}]`, v));
      });
      errs.push(...checkField(req.key ?? '', `${path}[${j}].key`, isQualifiedName));
      if (byKey.has(req.key)) errs.push(duplicate(`${path}[${j}].key`, req.key));
      byKey.set(req.key, [...new Set(values)].sort());
    });
    const canonical = JSON.stringify([...byKey].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    if (seen.has(canonical)) errs.push(duplicate(path, ''));
    seen.add(canonical);
  });
  return errs;
}

/**
 * A class to create: its name is a mixed-case name; provisioner required and a qualified name
 * (`kubestore.io/hostpath`); parameters have non-empty keys; reclaimPolicy Retain or Delete;
 * volumeBindingMode Immediate or WaitForFirstConsumer; allowedTopologies well-formed. Metadata
 * is validateObjectMeta's.
 */
export function validateStorageClass(sc: StorageClass): FieldError[] {
  const errs = validateObjectName(sc.metadata, nameIsMixedCase);
  if (!sc.provisioner) errs.push(required('provisioner'));
  else if (typeof sc.provisioner !== 'string') errs.push(invalid('provisioner', sc.provisioner, 'must be a string'));
  else
    for (const msg of isQualifiedName(sc.provisioner.toLowerCase()))
      errs.push(invalid('provisioner', sc.provisioner, msg));
  errs.push(...validateParameters(sc.parameters));
  if (sc.reclaimPolicy !== undefined && !supportedClassReclaimPolicies.includes(sc.reclaimPolicy)) {
    errs.push(notSupported('reclaimPolicy', sc.reclaimPolicy, supportedClassReclaimPolicies));
  }
  if (sc.volumeBindingMode !== undefined && !supportedVolumeBindingModes.includes(sc.volumeBindingMode)) {
    errs.push(notSupported('volumeBindingMode', sc.volumeBindingMode, supportedVolumeBindingModes));
  }
  errs.push(...validateAllowedTopologies(sc.allowedTopologies));
  return errs;
}

/**
 * A class update: the new class is valid; provisioner, parameters and reclaimPolicy are
 * forbidden to change; volumeBindingMode is immutable.
 */
export function validateStorageClassUpdate(sc: StorageClass, old: StorageClass): FieldError[] {
  const errs = validateStorageClass(sc);
  if (!semanticEqual(sc.parameters ?? {}, old.parameters ?? {}))
    errs.push(forbidden('parameters', 'updates to parameters are forbidden.'));
  if (sc.provisioner !== old.provisioner) errs.push(forbidden('provisioner', 'updates to provisioner are forbidden.'));
  if (sc.reclaimPolicy !== old.reclaimPolicy)
    errs.push(forbidden('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
  errs.push(...validateImmutableField(sc.volumeBindingMode, old.volumeBindingMode, 'volumeBindingMode'));
  return errs;
}
