/** Lease validation (k8s ValidateLease). */
import type { Lease } from '../coordination/v1';
import { type FieldError, invalid } from './field';
import { validateObjectName } from './meta';
import { nameIsDNSSubdomain } from './names';

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

/**
 * A lease (create or update): its name is a DNS subdomain; leaseDurationSeconds, when set, is
 * an integer > 0; leaseTransitions, when set, an integer ≥ 0.
 */
export function validateLease(lease: Lease): FieldError[] {
  const errs = validateObjectName(lease.metadata, nameIsDNSSubdomain);
  const d = lease.spec?.leaseDurationSeconds;
  if (d !== undefined && d !== null && (!isInt(d) || d <= 0))
    errs.push(invalid('spec.leaseDurationSeconds', d, 'must be greater than 0'));
  const t = lease.spec?.leaseTransitions;
  if (t !== undefined && t !== null && (!isInt(t) || t < 0))
    errs.push(invalid('spec.leaseTransitions', t, 'must be greater than or equal to 0'));
  return errs;
}
