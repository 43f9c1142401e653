/** Lease strategy: namespaced, no status (leader election, node heartbeats). */
import type { Lease } from '../../../api/coordination/v1';
import { leases } from '../../../api/resources';
import { validateLease } from '../../../api/validation';
import { defaultStrategy, type Strategy } from '../strategy';

export const leaseStrategy: Strategy<Lease> = {
  ...defaultStrategy,
  info: leases,
  hasStatus: false,
  prepareForCreate: (l) => l,
  validate: validateLease,
  prepareForUpdate: (l) => l,
  validateUpdate: validateLease,
};
