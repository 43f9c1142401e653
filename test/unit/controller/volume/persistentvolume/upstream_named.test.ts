/**
 * Kubernetes' binder cases (pkg/controller/volume/persistentvolume/binder_test.go, TestSync
 * sets 2 and 3: the claim names its volume, or was bound), restated as rows of our table: initial volumes and claims → the volumes, claims and
 * events once the controller settles. Upstream calls one sync once; here syncClaim and
 * syncVolume run until quiescent, so a row shows where both lead (said in the row when that
 * differs from upstream's single call). Rows marked (seed) or (differs) are deliberate differences.
 */
import { runRow, type Row } from './table';
import { BoundBy, Completed, bound, claim, labels, vol } from './upstream_fixtures';

const set2: Row[] = [
  {
    name: '2-1 (seed) a claim of no class naming a missing volume cannot have it created: Pending, Normal FailedBinding',
    initial: { pvcs: [claim('c2-1', '10Gi', { volumeName: 'v2-1' })] },
    pvs: { 'v2-1': null },
    pvcs: { 'default/c2-1': { phase: 'Pending', volumeName: 'v2-1' } },
    events: ['Normal FailedBinding default/c2-1'],
  },
  {
    name: '2-2 (differs) a claim whose status says Bound naming a missing volume is Lost, not Pending (never re-created empty)',
    initial: { pvcs: [claim('c2-2', '10Gi', { volumeName: 'v2-2', phase: 'Bound' })] },
    pvs: { 'v2-2': null },
    pvcs: { 'default/c2-2': { phase: 'Lost', volumeName: 'v2-2' } },
    events: ['Warning ClaimLost default/c2-2'],
    provisioned: [],
  },
  {
    name: '2-3 a claim naming an unbound volume binds it (PV bound-by-controller, claim only bind-completed)',
    initial: { pvs: [vol('v2-3', '1Gi')], pvcs: [claim('c2-3', '1Gi', { volumeName: 'v2-3' })] },
    pvs: { 'v2-3': { phase: 'Bound', claim: 'default/c2-3', annotations: { [BoundBy]: 'yes' } } },
    pvcs: { 'default/c2-3': { phase: 'Bound', annotations: { [Completed]: 'yes', [BoundBy]: null } } },
    events: [],
  },
  {
    name: '2-4 a claim naming a volume pre-bound to it by name binds it (neither side bound-by-controller)',
    initial: {
      pvs: [vol('v2-4', '1Gi', { claim: { name: 'c2-4' } })],
      pvcs: [claim('c2-4', '1Gi', { volumeName: 'v2-4' })],
    },
    pvs: { 'v2-4': { phase: 'Bound', claim: 'default/c2-4', annotations: { [BoundBy]: null } } },
    pvcs: { 'default/c2-4': { phase: 'Bound', annotations: { [Completed]: 'yes', [BoundBy]: null } } },
    events: [],
  },
  {
    name: '2-5 a claim naming a volume pre-bound to it by uid binds it (neither side bound-by-controller)',
    initial: {
      pvs: [vol('v2-5', '1Gi', { claim: { name: 'c2-5', uid: 'uid-c2-5' } })],
      pvcs: [claim('c2-5', '1Gi', { volumeName: 'v2-5' })],
    },
    pvs: { 'v2-5': { phase: 'Bound', claim: 'default/c2-5', annotations: { [BoundBy]: null } } },
    pvcs: { 'default/c2-5': { phase: 'Bound', annotations: { [Completed]: 'yes', [BoundBy]: null } } },
    events: [],
  },
  {
    name: '2-6 a claim whose status says Bound, naming a volume bound to another claim, is reset to Pending (FailedBinding)',
    initial: {
      pvs: [vol('v2-6', '1Gi', { claim: { name: 'other', uid: 'uid-other' }, phase: 'Bound' })],
      pvcs: [bound('other', 'v2-6'), claim('c2-6', '1Gi', { volumeName: 'v2-6', phase: 'Bound' })],
    },
    pvs: { 'v2-6': { phase: 'Bound', claim: 'default/other' } },
    pvcs: { 'default/c2-6': { phase: 'Pending', volumeName: 'v2-6' }, 'default/other': { phase: 'Bound' } },
    events: ['Warning FailedBinding default/c2-6'],
  },
  {
    name: '2-7 a claim the controller named a volume for, now bound to another claim, is an error (claim left as it is)',
    initial: {
      pvs: [vol('v2-7', '1Gi', { claim: { name: 'other', uid: 'uid-other' }, phase: 'Bound' })],
      pvcs: [
        bound('other', 'v2-7'),
        claim('c2-7', '1Gi', { volumeName: 'v2-7', phase: 'Bound', annotations: { [BoundBy]: 'yes' } }),
      ],
    },
    pvcs: { 'default/c2-7': { phase: 'Bound', volumeName: 'v2-7' } },
    events: [],
    // The first attempt and the harness's 3 retries (an ordinary error: retried with backoff).
    errors: Array.from({ length: 4 }, () => /invalid binding of claim default\/c2-7 to volume v2-7/),
  },
  {
    name: '2-8 a claim naming a volume binds it though its selector does not match',
    initial: {
      pvs: [vol('v2-8', '1Gi')],
      pvcs: [claim('c2-8', '1Gi', { volumeName: 'v2-8', selector: { matchLabels: labels } })],
    },
    pvs: { 'v2-8': { phase: 'Bound', claim: 'default/c2-8' } },
    pvcs: { 'default/c2-8': { phase: 'Bound', annotations: { [Completed]: 'yes' } } },
    events: [],
  },
  {
    name: '2-9 a claim (status Bound) naming a volume smaller than its request is reset to Pending with VolumeMismatch',
    initial: { pvs: [vol('v2-9', '1Gi')], pvcs: [claim('c2-9', '2Gi', { volumeName: 'v2-9', phase: 'Bound' })] },
    pvs: { 'v2-9': { phase: 'Available', claim: null } },
    pvcs: { 'default/c2-9': { phase: 'Pending', volumeName: 'v2-9' } },
    events: ['Warning VolumeMismatch default/c2-9'],
    eventMessages: [/Cannot bind to requested volume "v2-9": requested PV is too small/],
    errors: [/TerminalError/, /TerminalError/],
  },
  {
    name: '2-9b a Pending claim naming a volume smaller than its request stays Pending with VolumeMismatch; it binds once the PV is large enough',
    initial: { pvs: [vol('v2-9b', '1Gi')], pvcs: [claim('c2-9b', '2Gi', { volumeName: 'v2-9b' })] },
    then: async (h) => {
      const small = h.pv('v2-9b');
      if (!small) throw new Error('no PV');
      small.spec.capacity = { storage: '2Gi' };
      h.pvs.seed(small);
      h.syncCaches();
      await h.run();
    },
    pvs: { 'v2-9b': { phase: 'Bound', claim: 'default/c2-9b' } },
    pvcs: { 'default/c2-9b': { phase: 'Bound', volumeName: 'v2-9b', capacity: '2Gi' } },
    events: ['Warning VolumeMismatch default/c2-9b'],
    errors: [/TerminalError/],
  },
  {
    name: '2-10 (seed) a claim naming a volume of another class is Failed with VolumeMismatch (upstream: Pending)',
    initial: {
      pvs: [vol('v2-10', '1Gi', { className: 'gold' })],
      pvcs: [claim('c2-10', '1Gi', { volumeName: 'v2-10', className: 'silver' })],
    },
    pvs: { 'v2-10': { phase: 'Available', claim: null, untouched: true } },
    pvcs: { 'default/c2-10': { phase: 'Failed', condition: /storage class "silver"/ } },
    events: ['Warning VolumeMismatch default/c2-10'],
    errors: [/TerminalError/, /TerminalError/],
  },
];

const set3: Row[] = [
  {
    name: '3-3b (ours) a bind-completed claim naming an unclaimed volume of the other volumeMode is not bound to it (VolumeMismatch)',
    initial: {
      pvs: [vol('v3-3b', '10Gi', { type: 'csi', mode: 'Block' })],
      pvcs: [claim('c3-3b', '10Gi', { volumeName: 'v3-3b', annotations: { [Completed]: 'yes' } })],
    },
    pvs: { 'v3-3b': { phase: 'Available', claim: null, untouched: true } },
    pvcs: { 'default/c3-3b': { phase: 'Pending', volumeName: 'v3-3b' } },
    events: ['Warning VolumeMismatch default/c3-3b'],
    errors: [/TerminalError: Cannot bind to requested volume "v3-3b": incompatible volumeMode/],
  },
  {
    name: '3-3c (seed) a (forged) bind-completed claim naming an unclaimed volume of another class is Failed, not bound (upstream binds it)',
    initial: {
      pvs: [vol('v3-3c', '10Gi', { className: 'gold' })],
      pvcs: [claim('c3-3c', '1Gi', { volumeName: 'v3-3c', className: 'silver', annotations: { [Completed]: 'yes' } })],
    },
    pvs: { 'v3-3c': { phase: 'Available', claim: null, untouched: true } },
    pvcs: { 'default/c3-3c': { phase: 'Failed', condition: /storage class "silver"/ } },
    events: ['Warning VolumeMismatch default/c3-3c'],
    errors: [/TerminalError/, /TerminalError/],
  },
  {
    name: '3-1 a bind-completed claim that lost its volumeName is Lost (ClaimLost)',
    initial: {
      pvcs: [claim('c3-1', '10Gi', { phase: 'Bound', annotations: { [BoundBy]: 'yes', [Completed]: 'yes' } })],
    },
    pvcs: { 'default/c3-1': { phase: 'Lost', volumeName: null } },
    events: ['Warning ClaimLost default/c3-1'],
    eventMessages: [/lost reference to PersistentVolume/],
    provisioned: [],
  },
  {
    name: '3-2 a bound claim whose volume does not exist is Lost (ClaimLost)',
    initial: { pvcs: [bound('c3-2', 'v3-2', { [BoundBy]: 'yes' })] },
    pvcs: { 'default/c3-2': { phase: 'Lost', volumeName: 'v3-2' } },
    events: ['Warning ClaimLost default/c3-2'],
    provisioned: [],
  },
  {
    name: '3-3 a bind-completed Pending claim whose volume is unbound is bound to it',
    initial: {
      pvs: [vol('v3-3', '10Gi')],
      pvcs: [claim('c3-3', '10Gi', { volumeName: 'v3-3', annotations: { [BoundBy]: 'yes', [Completed]: 'yes' } })],
    },
    pvs: { 'v3-3': { phase: 'Bound', claim: 'default/c3-3', annotations: { [BoundBy]: 'yes' } } },
    pvcs: { 'default/c3-3': { phase: 'Bound', volumeName: 'v3-3' } },
    events: [],
  },
  {
    name: '3-4 a bind-completed claim whose volume is pre-bound to another uid is Lost (ClaimMisbound)',
    initial: {
      pvs: [vol('v3-4', '10Gi', { claim: { name: 'c3-4', uid: 'uid-c3-4-x' } })],
      pvcs: [claim('c3-4', '10Gi', { volumeName: 'v3-4', annotations: { [BoundBy]: 'yes', [Completed]: 'yes' } })],
    },
    pvcs: { 'default/c3-4': { phase: 'Lost', volumeName: 'v3-4' } },
    events: ['Warning ClaimMisbound default/c3-4'],
  },
  {
    name: '3-5 a bind-completed Pending claim whose volume points at it: both Bound',
    initial: {
      pvs: [vol('v3-5', '10Gi', { claim: { name: 'c3-5', uid: 'uid-c3-5' } })],
      pvcs: [claim('c3-5', '10Gi', { volumeName: 'v3-5', annotations: { [Completed]: 'yes' } })],
    },
    pvs: { 'v3-5': { phase: 'Bound', claim: 'default/c3-5' } },
    pvcs: { 'default/c3-5': { phase: 'Bound', volumeName: 'v3-5' } },
    events: [],
  },
  {
    name: '3-6 a bind-completed claim whose volume is bound to another claim is Lost (ClaimMisbound); the other keeps it',
    initial: {
      pvs: [vol('v3-6', '10Gi', { claim: { name: 'c3-6-x', uid: 'uid-c3-6-x' }, phase: 'Bound' })],
      pvcs: [
        bound('c3-6-x', 'v3-6'),
        claim('c3-6', '10Gi', { volumeName: 'v3-6', annotations: { [Completed]: 'yes' } }),
      ],
    },
    pvs: { 'v3-6': { phase: 'Bound', claim: 'default/c3-6-x' } },
    pvcs: { 'default/c3-6': { phase: 'Lost', volumeName: 'v3-6' }, 'default/c3-6-x': { phase: 'Bound' } },
    events: ['Warning ClaimMisbound default/c3-6'],
  },
  {
    name: '3-7 a bind-completed claim is bound to its unbound volume though its selector does not match',
    initial: {
      pvs: [vol('v3-7', '10Gi')],
      pvcs: [
        claim('c3-7', '10Gi', {
          volumeName: 'v3-7',
          selector: { matchLabels: labels },
          annotations: { [BoundBy]: 'yes', [Completed]: 'yes' },
        }),
      ],
    },
    pvs: { 'v3-7': { phase: 'Bound', claim: 'default/c3-7' } },
    pvcs: { 'default/c3-7': { phase: 'Bound', volumeName: 'v3-7' } },
    events: [],
  },
];

describe('PV controller: upstream binder cases, named and bound claims (sets 2, 3)', () => {
  for (const row of [...set2, ...set3]) it(row.name, async () => void (await runRow(row)));
});
