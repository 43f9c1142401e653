/**
 * ObjectMeta validation (k8s ValidateObjectMeta / ValidateObjectMetaUpdate).
 *
 * The registry runs validateObjectMeta for every kind with only `{namespaced}`, so by default
 * the name is checked only as a safe path segment; each kind's validator (validatePod, …) then
 * applies the kind's own name rule through validateObjectName. The apiserver fills the namespace
 * from the URL before validation, so here it is only checked for consistency with the scope.
 */
import { GCFinalizer, type ObjectMeta } from '../meta';
import { type FieldError, forbidden, invalid, required, validateImmutableField } from './field';
import {
  type NameValidator,
  isDNS1123Label,
  isQualifiedName,
  nameIsPathSegment,
  validateAnnotations,
  validateLabels,
} from './names';

/** How validateObjectMeta checks one object's metadata. */
export interface ObjectMetaOptions {
  /** True for namespaced kinds: namespace required; false: namespace forbidden. */
  namespaced: boolean;
  /** The kind's name rule; defaults to the path-segment rule every name must follow. */
  nameFn?: NameValidator;
}

/**
 * The kind's name rule applied to `metadata.name` when it is set (the "required" check is
 * validateObjectMeta's), as `metadata.name: Invalid value: "x": <why>`.
 */
export function validateObjectName(meta: ObjectMeta | undefined, nameFn: NameValidator): FieldError[] {
  const name = meta?.name;
  if (typeof name !== 'string' || name === '') return [];
  return nameFn(name, false).map((msg) => invalid('metadata.name', name, msg));
}

/** Finalizers are qualified names (`kubernetes`, `kubernetes.io/pvc-protection`). */
export function validateFinalizers(finalizers: readonly string[] | undefined, field: string): FieldError[] {
  const errs: FieldError[] = [];
  (finalizers ?? []).forEach((f, i) => {
    if (typeof f !== 'string' || f === '') {
      errs.push(required(`${field}[${i}]`));
      return;
    }
    for (const msg of isQualifiedName(f)) errs.push(invalid(`${field}[${i}]`, f, msg));
  });
  return errs;
}

/** The metadata rules that hold on create and update alike: labels, annotations, finalizers, owners. */
function validateCommonMeta(meta: ObjectMeta): FieldError[] {
  const errs: FieldError[] = [];
  if (meta.generation !== undefined && (typeof meta.generation !== 'number' || meta.generation < 0)) {
    errs.push(invalid('metadata.generation', meta.generation, 'must be greater than or equal to 0'));
  }
  errs.push(...validateLabels(meta.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(meta.annotations, 'metadata.annotations'));
  errs.push(...validateFinalizers(meta.finalizers, 'metadata.finalizers'));
  const finalizers = meta.finalizers ?? [];
  if (finalizers.includes(GCFinalizer.OrphanDependents) && finalizers.includes(GCFinalizer.DeleteDependents)) {
    errs.push(
      invalid(
        'metadata.finalizers',
        meta.finalizers,
        `finalizer ${GCFinalizer.OrphanDependents} and ${GCFinalizer.DeleteDependents} cannot be both set`,
      ),
    );
  }
  let controllers = 0;
  (meta.ownerReferences ?? []).forEach((ref, i) => {
    const p = `metadata.ownerReferences[${i}]`;
    if (!ref.apiVersion) errs.push(invalid(`${p}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
    if (!ref.kind) errs.push(invalid(`${p}.kind`, ref.kind ?? '', 'kind must not be empty'));
    if (!ref.name) errs.push(invalid(`${p}.name`, ref.name ?? '', 'name must not be empty'));
    if (!ref.uid) errs.push(invalid(`${p}.uid`, ref.uid ?? '', 'uid must not be empty'));
    if (ref.controller) controllers++;
  });
  if (controllers > 1) {
    errs.push(
      invalid('metadata.ownerReferences', meta.ownerReferences, 'Only one reference can have Controller set to true'),
    );
  }
  return errs;
}

/**
 * Metadata of an object being created: a name (or generateName) following `nameFn`; a
 * namespace that is a DNS label for namespaced kinds and absent for cluster-scoped ones;
 * valid labels, annotations (≤ 256 KiB in all), finalizers (qualified names) and owners.
 */
export function validateObjectMeta(meta: ObjectMeta | undefined, opts: ObjectMetaOptions): FieldError[] {
  if (!meta) return [required('metadata')];
  const nameFn = opts.nameFn ?? nameIsPathSegment;
  const errs: FieldError[] = [];
  if (meta.generateName) {
    for (const msg of nameFn(meta.generateName, true))
      errs.push(invalid('metadata.generateName', meta.generateName, msg));
  }
  if (!meta.name) {
    if (!meta.generateName) errs.push(required('metadata.name', 'name or generateName is required'));
  } else {
    for (const msg of nameFn(meta.name, false)) errs.push(invalid('metadata.name', meta.name, msg));
  }
  if (opts.namespaced) {
    if (!meta.namespace) errs.push(required('metadata.namespace'));
    else
      for (const msg of isDNS1123Label(meta.namespace)) errs.push(invalid('metadata.namespace', meta.namespace, msg));
  } else if (meta.namespace) {
    errs.push(forbidden('metadata.namespace', 'not allowed on this type'));
  }
  errs.push(...validateCommonMeta(meta));
  return errs;
}

/**
 * Metadata of an update: name, namespace, uid, creationTimestamp, deletionTimestamp and
 * deletionGracePeriodSeconds are immutable (`Invalid value: …: field is immutable`); generation
 * never decreases; an object being deleted gains no finalizers; labels and the rest are valid.
 */
export function validateObjectMetaUpdate(meta: ObjectMeta, old: ObjectMeta): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateImmutableField(meta.name, old.name, 'metadata.name'));
  errs.push(...validateImmutableField(meta.namespace, old.namespace, 'metadata.namespace'));
  errs.push(...validateImmutableField(meta.uid, old.uid, 'metadata.uid'));
  errs.push(...validateImmutableField(meta.creationTimestamp, old.creationTimestamp, 'metadata.creationTimestamp'));
  for (const f of ['deletionTimestamp', 'deletionGracePeriodSeconds'] as const) {
    if ((meta[f] ?? null) !== (old[f] ?? null)) {
      errs.push(invalid(`metadata.${f}`, meta[f] ?? null, 'field is immutable; may only be changed via deletion'));
    }
  }
  if ((meta.generation ?? 0) < (old.generation ?? 0))
    errs.push(invalid('metadata.generation', meta.generation ?? 0, 'must not be decremented'));
  if (old.deletionTimestamp) {
    const added = (meta.finalizers ?? []).filter((f) => !(old.finalizers ?? []).includes(f));
    if (added.length) {
      errs.push(
        forbidden(
          'metadata.finalizers',
          `no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
        ),
      );
    }
  }
  errs.push(...validateCommonMeta(meta));
  return errs;
}
