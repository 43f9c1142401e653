/** coordination.k8s.io/v1 Lease schemas. */
import {
  coordinationName,
  int32,
  kind,
  listKind,
  microTime,
  objectHeader,
  ref,
  str,
  struct,
  type Components,
  type GroupVersionKind,
} from '../schema';

const gvk: GroupVersionKind = { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease' };

/** Lease, LeaseSpec and LeaseList. */
export const coordinationSchemas: Components = {
  [coordinationName('LeaseSpec')]: struct('LeaseSpec is a specification of a Lease.', {
    acquireTime: microTime('acquireTime is a time when the current lease was acquired.'),
    holderIdentity: str('holderIdentity contains the identity of the holder of a current lease.'),
    leaseDurationSeconds: int32(
      'leaseDurationSeconds is a duration that candidates for a lease need to wait to force acquire it. This is measured against the time of last observed renewTime.',
    ),
    leaseTransitions: int32('leaseTransitions is the number of transitions of a lease between holders.'),
    preferredHolder: str(
      'PreferredHolder signals to a lease holder that the lease has a more optimal holder and should be given up.',
    ),
    renewTime: microTime('renewTime is a time when the current holder of a lease has last updated the lease.'),
    strategy: str('Strategy indicates the strategy for picking the leader for coordinated leader election.'),
  }),
  [coordinationName('Lease')]: kind(gvk, 'Lease defines a lease concept.', {
    ...objectHeader(),
    spec: ref(
      coordinationName('LeaseSpec'),
      'spec contains the specification of the Lease. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status',
    ),
  }),
  [coordinationName('LeaseList')]: listKind(gvk, coordinationName('Lease'), 'LeaseList is a list of Lease objects.'),
};
