/** ControllerRevision validation (k8s apps ValidateControllerRevision / ValidateControllerRevisionUpdate). */
import type { ControllerRevision } from '../apps/v1';
import { type FieldError, required, validateImmutableField } from './field';
import { validateObjectName } from './meta';
import { nameIsDNSSubdomain } from './names';
import { validateNonNegativeInt } from './statefulset';

/** A revision to create: a DNS-subdomain name, `data` set, `revision` an integer ≥ 0. */
export function validateControllerRevision(rev: ControllerRevision): FieldError[] {
  const errs = validateObjectName(rev.metadata, nameIsDNSSubdomain);
  if (rev.data === undefined || rev.data === null) errs.push(required('data', 'data is mandatory'));
  if (rev.revision === undefined || rev.revision === null) errs.push(required('revision'));
  else errs.push(...validateNonNegativeInt(rev.revision, 'revision', Number.MAX_SAFE_INTEGER));
  return errs;
}

/**
 * A revision update: still valid, and `data` unchanged. `revision` may change, as in
 * Kubernetes: a controller rolling back to an equivalent old revision renumbers it.
 */
export function validateControllerRevisionUpdate(rev: ControllerRevision, old: ControllerRevision): FieldError[] {
  return [...validateControllerRevision(rev), ...validateImmutableField(rev.data, old.data, 'data')];
}
