/** Namespace validation (k8s ValidateNamespace). */
import type { Namespace } from '../core/v1';
import { type FieldError, invalid, notSupported } from './field';
import { validateFinalizers, validateObjectName } from './meta';
import { nameIsDNSLabel } from './names';

/** Namespace phases. */
export const supportedNamespacePhases: readonly string[] = ['Active', 'Terminating'];

/**
 * A namespace (create or update): its name is a DNS label (`my-team`, no dots); spec.finalizers
 * are qualified names; status.phase, when set, is Active or Terminating.
 */
export function validateNamespace(ns: Namespace): FieldError[] {
  const errs = validateObjectName(ns.metadata, nameIsDNSLabel);
  errs.push(...validateFinalizers(ns.spec?.finalizers, 'spec.finalizers'));
  const phase = ns.status?.phase;
  if (phase !== undefined && !supportedNamespacePhases.includes(phase))
    errs.push(notSupported('status.phase', phase, supportedNamespacePhases));
  return errs;
}

/**
 * A namespaces/status write: the phase is Active while the namespace is not being deleted and
 * Terminating once it is (k8s ValidateNamespaceStatusUpdate).
 */
export function validateNamespaceStatusUpdate(ns: Namespace): FieldError[] {
  const phase = ns.status?.phase;
  if (!ns.metadata.deletionTimestamp) {
    return phase === 'Active'
      ? []
      : [invalid('status.phase', phase, "may only be 'Active' if `deletionTimestamp` is empty")];
  }
  return phase === 'Terminating'
    ? []
    : [invalid('status.phase', phase, "may only be 'Terminating' if `deletionTimestamp` is not empty")];
}
