/**
 * Kubernetes' binder cases (pkg/controller/volume/persistentvolume/binder_test.go: TestSync set 4
 * (syncVolume), TestSyncBlockVolume set 14 (volumeMode) and TestMultiSync 10-2), restated as rows
 * of our table: initial volumes and claims → the volumes, claims and events once the controller
 * settles (syncClaim and syncVolume both run, where upstream calls one of them once). Block
 * volumes are of an external CSI driver (`type: 'csi'`): none of our drivers serves Block.
 * Rows marked (seed) or (differs) are deliberate differences; rows marked (ours) are not upstream's.
 */
import { Annotation } from '../../../../../pkg/controller/volume/persistentvolume/constants';
import { runRow, type Row } from './table';
import { BoundBy, Completed, bound, claim, vol } from './upstream_fixtures';

const set4: Row[] = [
  {
    name: '4-1 a new volume with no claimRef becomes Available',
    initial: { pvs: [vol('v4-1', '10Gi', { phase: 'Pending' })] },
    pvs: { 'v4-1': { phase: 'Available', claim: null } },
    events: [],
  },
  {
    name: '4-2 a new volume pre-bound by name to a claim that does not exist becomes Available',
    initial: { pvs: [vol('v4-2', '10Gi', { phase: 'Pending', claim: { name: 'c4-2' } })] },
    pvs: { 'v4-2': { phase: 'Available', preBoundTo: 'default/c4-2' } },
    events: [],
  },
  {
    name: '4-3 a bound volume whose claim is gone is Released (Retain keeps it)',
    initial: { pvs: [vol('v4-3', '10Gi', { phase: 'Bound', claim: { name: 'c4-3', uid: 'uid-c4-3' } })] },
    pvs: { 'v4-3': { phase: 'Released', claim: 'default/c4-3' } },
    events: [],
  },
  {
    name: '4-4 a bound volume whose claim was re-created (other uid) is Released; that claim, bind-completed to it, is Misbound',
    initial: {
      pvs: [vol('v4-4', '10Gi', { phase: 'Bound', claim: { name: 'c4-4', uid: 'uid-c4-4' } })],
      pvcs: [{ ...bound('c4-4', 'v4-4'), metadata: { ...bound('c4-4', 'v4-4').metadata, uid: 'uid-c4-4-x' } }],
    },
    pvs: { 'v4-4': { phase: 'Released' } },
    // The claim's own sync (not in upstream's single syncVolume call): its volume is another's.
    pvcs: { 'default/c4-4': { phase: 'Lost' } },
    events: ['Warning ClaimMisbound default/c4-4'],
  },
  {
    name: '4-5 a volume the controller bound to a still unbound claim waits for the claim, whose sync then completes the binding',
    initial: {
      pvs: [
        vol('v4-5', '10Gi', {
          phase: 'Bound',
          claim: { name: 'c4-5', uid: 'uid-c4-5' },
          annotations: { [BoundBy]: 'yes' },
        }),
      ],
      pvcs: [claim('c4-5', '10Gi')],
    },
    pvs: { 'v4-5': { phase: 'Bound', claim: 'default/c4-5' } },
    pvcs: { 'default/c4-5': { phase: 'Bound', volumeName: 'v4-5' } },
    events: [],
  },
  {
    name: '4-6 an Available volume whose claim names it becomes Bound',
    initial: {
      pvs: [vol('v4-6', '10Gi', { claim: { name: 'c4-6', uid: 'uid-c4-6' } })],
      pvcs: [bound('c4-6', 'v4-6')],
    },
    pvs: { 'v4-6': { phase: 'Bound', claim: 'default/c4-6' } },
    events: [],
  },
  {
    name: '4-7 a volume the controller bound to a claim bound elsewhere is rolled back: no claimRef, no bound-by-controller, Available',
    initial: {
      pvs: [
        vol('v4-7', '10Gi', {
          phase: 'Bound',
          claim: { name: 'c4-7', uid: 'uid-c4-7' },
          annotations: { [BoundBy]: 'yes' },
        }),
        vol('v4-7-x', '10Gi', { phase: 'Bound', claim: { name: 'c4-7', uid: 'uid-c4-7' } }),
      ],
      pvcs: [bound('c4-7', 'v4-7-x')],
    },
    pvs: {
      'v4-7': { phase: 'Available', claim: null, annotations: { [BoundBy]: null } },
      'v4-7-x': { phase: 'Bound', claim: 'default/c4-7' },
    },
    events: [],
  },
  {
    name: "4-8 a volume a user pre-bound to a claim bound elsewhere keeps the claimRef's name, loses its uid, and is Available",
    initial: {
      pvs: [
        vol('v4-8', '10Gi', { phase: 'Bound', claim: { name: 'c4-8', uid: 'uid-c4-8' } }),
        vol('v4-8-x', '10Gi', { phase: 'Bound', claim: { name: 'c4-8', uid: 'uid-c4-8' } }),
      ],
      pvcs: [bound('c4-8', 'v4-8-x')],
    },
    pvs: { 'v4-8': { phase: 'Available', preBoundTo: 'default/c4-8' }, 'v4-8-x': { phase: 'Bound' } },
    pvcs: { 'default/c4-8': { phase: 'Bound', volumeName: 'v4-8-x' } },
    events: [],
  },
  {
    name: '4-9 (ours) a provisioned Delete volume whose claim bound elsewhere is Released, and deleted only once the claim is gone',
    initial: {
      pvs: [
        vol('v4-9', '10Gi', {
          phase: 'Bound',
          claim: { name: 'c4-9', uid: 'uid-c4-9' },
          annotations: { [BoundBy]: 'yes' },
          provisioned: true,
          policy: 'Delete',
        }),
        vol('v4-9-x', '10Gi', { phase: 'Bound', claim: { name: 'c4-9', uid: 'uid-c4-9' } }),
      ],
      pvcs: [bound('c4-9', 'v4-9-x')],
    },
    then: async (h) => {
      if (h.pv('v4-9')?.status?.phase !== 'Released') throw new Error('v4-9 should be Released first');
      if (h.hostPath.deleted.length) throw new Error('deleted while the claim exists');
      h.pvcs.remove('c4-9', 'default');
      h.syncCaches();
      await h.run();
    },
    pvs: { 'v4-9': null, 'v4-9-x': { phase: 'Released' } },
    events: ['Normal VolumeDelete v4-9'],
    deleted: ['v4-9'],
  },
];

const Block = 'Block' as const;
const Filesystem = 'Filesystem' as const;

const set14: Row[] = [
  {
    name: '14-1 a Block claim binds a Block volume',
    initial: {
      pvs: [vol('v14-1', '10Gi', { type: 'csi', mode: Block })],
      pvcs: [claim('c14-1', '10Gi', { mode: Block })],
    },
    pvs: { 'v14-1': { phase: 'Bound', claim: 'default/c14-1', annotations: { [BoundBy]: 'yes' } } },
    pvcs: { 'default/c14-1': { phase: 'Bound', annotations: { [BoundBy]: 'yes', [Completed]: 'yes' } } },
    events: [],
  },
  {
    name: '14-2 a Filesystem claim binds a Filesystem volume',
    initial: {
      pvs: [vol('v14-2', '10Gi', { mode: Filesystem })],
      pvcs: [claim('c14-2', '10Gi', { mode: Filesystem })],
    },
    pvs: { 'v14-2': { phase: 'Bound', claim: 'default/c14-2' } },
    pvcs: { 'default/c14-2': { phase: 'Bound' } },
    events: [],
  },
  {
    name: '14-3 a Block claim does not bind a Filesystem volume',
    initial: {
      pvs: [vol('v14-3', '10Gi', { type: 'csi', mode: Filesystem })],
      pvcs: [claim('c14-3', '10Gi', { mode: Block })],
    },
    pvs: { 'v14-3': { phase: 'Available', claim: null } },
    pvcs: { 'default/c14-3': { phase: 'Pending', volumeName: null } },
    events: ['Normal FailedBinding default/c14-3'],
  },
  {
    name: '14-4 a Filesystem claim does not bind a Block volume (nor one whose mode is unset against Block)',
    initial: { pvs: [vol('v14-4', '10Gi', { type: 'csi', mode: Block })], pvcs: [claim('c14-4', '10Gi')] },
    pvs: { 'v14-4': { phase: 'Available', claim: null } },
    pvcs: { 'default/c14-4': { phase: 'Pending', volumeName: null } },
    events: ['Normal FailedBinding default/c14-4'],
  },
  {
    name: '14-5 a class matches but the volume mode does not → nothing bound; the class cannot provision (ProvisioningFailed)',
    initial: {
      pvs: [vol('v14-5', '10Gi', { type: 'csi', mode: Filesystem, className: 'gold' })],
      pvcs: [claim('c14-5', '10Gi', { mode: Block, className: 'gold' })],
    },
    pvs: { 'v14-5': { phase: 'Available', claim: null } },
    pvcs: { 'default/c14-5': { phase: 'Pending', volumeName: null } },
    events: ['Warning ProvisioningFailed default/c14-5'],
  },
  {
    name: '14-5-1 the volume mode matches but the class does not → nothing bound (ProvisioningFailed)',
    initial: {
      pvs: [vol('v14-5-1', '10Gi', { type: 'csi', mode: Filesystem, className: 'gold' })],
      pvcs: [claim('c14-5-1', '10Gi', { mode: Filesystem, className: 'silver' })],
    },
    pvs: { 'v14-5-1': { phase: 'Available', claim: null } },
    events: ['Warning ProvisioningFailed default/c14-5-1'],
  },
  {
    name: '14-5-2 (seed) a claim naming a volume of its mode but another class is Failed with VolumeMismatch (upstream: Pending)',
    initial: {
      pvs: [vol('v14-5-2', '10Gi', { type: 'csi', mode: Filesystem, className: 'gold' })],
      pvcs: [claim('c14-5-2', '10Gi', { mode: Filesystem, className: 'silver', volumeName: 'v14-5-2' })],
    },
    pvs: { 'v14-5-2': { phase: 'Available', claim: null, untouched: true } },
    pvcs: { 'default/c14-5-2': { phase: 'Failed' } },
    events: ['Warning VolumeMismatch default/c14-5-2'],
    errors: [/TerminalError/, /TerminalError/],
  },
  {
    name: '14-7 a Block claim binds a Block volume pre-bound to it by name',
    initial: {
      pvs: [vol('v14-7', '10Gi', { type: 'csi', mode: Block, claim: { name: 'c14-7' } })],
      pvcs: [claim('c14-7', '10Gi', { mode: Block })],
    },
    pvs: { 'v14-7': { phase: 'Bound', claim: 'default/c14-7', annotations: { [BoundBy]: null } } },
    pvcs: { 'default/c14-7': { phase: 'Bound', annotations: { [BoundBy]: 'yes', [Completed]: 'yes' } } },
    events: [],
  },
  {
    name: '14-8 a Filesystem claim naming a Block volume stays Pending with VolumeMismatch (not Failed)',
    initial: {
      pvs: [vol('v14-8', '10Gi', { type: 'csi', mode: Block })],
      pvcs: [claim('c14-8', '10Gi', { mode: Filesystem, volumeName: 'v14-8' })],
    },
    pvs: { 'v14-8': { phase: 'Available', claim: null, untouched: true } },
    pvcs: { 'default/c14-8': { phase: 'Pending', volumeName: 'v14-8', annotations: { [Completed]: null } } },
    events: ['Warning VolumeMismatch default/c14-8'],
    eventMessages: [/Cannot bind to requested volume "v14-8": incompatible volumeMode/],
    errors: [/TerminalError/],
  },
  {
    name: '14-8b (ours) a Block claim naming a Filesystem volume pre-bound to it both ways is not bound either',
    initial: {
      pvs: [vol('v14-8b', '10Gi', { type: 'csi', claim: { name: 'c14-8b' } })],
      pvcs: [claim('c14-8b', '10Gi', { mode: Block, volumeName: 'v14-8b' })],
    },
    pvs: { 'v14-8b': { phase: 'Available', preBoundTo: 'default/c14-8b' } },
    pvcs: { 'default/c14-8b': { phase: 'Pending', volumeName: 'v14-8b' } },
    events: ['Warning VolumeMismatch default/c14-8b'],
    // Once more when syncVolume (claimRef by name: Available) requeues the claim.
    errors: [/TerminalError/, /TerminalError/],
  },
  {
    name: '14-8-1 a Filesystem claim is not bound to a Block volume pre-bound to it by name (FailedBinding)',
    initial: {
      pvs: [vol('v14-8-1', '10Gi', { type: 'csi', mode: Block, claim: { name: 'c14-8-1' } })],
      pvcs: [claim('c14-8-1', '10Gi', { mode: Filesystem })],
    },
    pvs: { 'v14-8-1': { phase: 'Available', preBoundTo: 'default/c14-8-1' } },
    pvcs: { 'default/c14-8-1': { phase: 'Pending', volumeName: null } },
    events: ['Normal FailedBinding default/c14-8-1'],
  },
  {
    name: '14-9 a Block claim naming a Block volume binds it',
    initial: {
      pvs: [vol('v14-9', '10Gi', { type: 'csi', mode: Block })],
      pvcs: [claim('c14-9', '10Gi', { mode: Block, volumeName: 'v14-9' })],
    },
    pvs: { 'v14-9': { phase: 'Bound', claim: 'default/c14-9', annotations: { [BoundBy]: 'yes' } } },
    pvcs: { 'default/c14-9': { phase: 'Bound', annotations: { [Completed]: 'yes', [BoundBy]: null } } },
    events: [],
  },
  {
    name: '14-10 a Block claim binds a Block volume pre-bound to it by name (14-12: the same for Filesystem)',
    initial: {
      pvs: [
        vol('v14-10', '10Gi', { type: 'csi', mode: Block, claim: { name: 'c14-10' } }),
        vol('v14-12', '10Gi', { mode: Filesystem, claim: { name: 'c14-12' } }),
      ],
      pvcs: [claim('c14-10', '10Gi', { mode: Block }), claim('c14-12', '10Gi', { mode: Filesystem })],
    },
    pvs: {
      'v14-10': { phase: 'Bound', claim: 'default/c14-10' },
      'v14-12': { phase: 'Bound', claim: 'default/c14-12' },
    },
    pvcs: { 'default/c14-10': { phase: 'Bound' }, 'default/c14-12': { phase: 'Bound' } },
    events: [],
  },
  {
    name: '14-11 a Filesystem claim naming a Filesystem volume binds it',
    initial: {
      pvs: [vol('v14-11', '10Gi', { mode: Filesystem })],
      pvcs: [claim('c14-11', '10Gi', { mode: Filesystem, volumeName: 'v14-11' })],
    },
    pvs: { 'v14-11': { phase: 'Bound', claim: 'default/c14-11' } },
    pvcs: { 'default/c14-11': { phase: 'Bound', annotations: { [Completed]: 'yes' } } },
    events: [],
  },
  {
    name: '14-13 a Filesystem volume the controller pre-bound (uid) to a Block claim: VolumeMismatch on both, nothing bound',
    initial: {
      pvs: [
        vol('v14-13', '10Gi', {
          type: 'csi',
          mode: Filesystem,
          claim: { name: 'c14-13', uid: 'uid-c14-13' },
          annotations: { [BoundBy]: 'yes' },
        }),
      ],
      pvcs: [claim('c14-13', '10Gi', { mode: Block })],
    },
    pvs: { 'v14-13': { phase: 'Available', claim: 'default/c14-13' } },
    pvcs: { 'default/c14-13': { phase: 'Pending', volumeName: null } },
    events: [
      'Warning VolumeMismatch v14-13',
      'Warning VolumeMismatch default/c14-13',
      'Normal FailedBinding default/c14-13',
    ],
    eventMessages: [/due to incompatible volumeMode/],
  },
  {
    name: '14-13-1 a Block volume pre-bound (uid) to a Filesystem claim: VolumeMismatch on both, nothing bound',
    initial: {
      pvs: [vol('v14-13-1', '10Gi', { type: 'csi', mode: Block, claim: { name: 'c14-13-1', uid: 'uid-c14-13-1' } })],
      pvcs: [claim('c14-13-1', '10Gi', { mode: Filesystem })],
    },
    pvs: { 'v14-13-1': { phase: 'Available', claim: 'default/c14-13-1' } },
    pvcs: { 'default/c14-13-1': { phase: 'Pending', volumeName: null } },
    events: [
      'Warning VolumeMismatch v14-13-1',
      'Warning VolumeMismatch default/c14-13-1',
      'Normal FailedBinding default/c14-13-1',
    ],
  },
  {
    name: '14-14 a volume pre-bound (uid) to a claim of its mode, Block or Filesystem, is bound without a warning',
    initial: {
      pvs: [
        vol('v14-14', '10Gi', { type: 'csi', mode: Block, claim: { name: 'c14-14', uid: 'uid-c14-14' } }),
        vol('v14-14-1', '10Gi', { mode: Filesystem, claim: { name: 'c14-14-1', uid: 'uid-c14-14-1' } }),
      ],
      pvcs: [claim('c14-14', '10Gi', { mode: Block }), claim('c14-14-1', '10Gi', { mode: Filesystem })],
    },
    pvs: {
      'v14-14': { phase: 'Bound', claim: 'default/c14-14' },
      'v14-14-1': { phase: 'Bound', claim: 'default/c14-14-1' },
    },
    events: [],
  },
  {
    name: '(ours) a volume pre-bound to the claim but smaller than its request is passed over (upstream findMatchingVolume)',
    initial: {
      pvs: [vol('small-pre', '1Gi', { claim: { name: 'wants-2', uid: 'uid-wants-2' } }), vol('big', '5Gi')],
      pvcs: [claim('wants-2', '2Gi')],
    },
    // Then, as 4-8: pre-bound by a user to a claim bound elsewhere → the uid is cleared.
    pvs: {
      'small-pre': { phase: 'Available', preBoundTo: 'default/wants-2' },
      big: { phase: 'Bound', claim: 'default/wants-2' },
    },
    pvcs: { 'default/wants-2': { phase: 'Bound', volumeName: 'big' } },
    events: [],
  },
];

const multi: Row[] = [
  {
    name: '10-2 two volumes bound by the controller to one claim: the one the claim names stays, the other is rolled back',
    initial: {
      pvs: [
        vol('v10-2-1', '1Gi', {
          phase: 'Bound',
          claim: { name: 'c10-2', uid: 'uid-c10-2' },
          annotations: { [BoundBy]: 'yes' },
        }),
        vol('v10-2-2', '1Gi', {
          phase: 'Bound',
          claim: { name: 'c10-2', uid: 'uid-c10-2' },
          annotations: { [BoundBy]: 'yes' },
        }),
      ],
      pvcs: [bound('c10-2', 'v10-2-1', { [Annotation.BoundByController]: 'yes' })],
    },
    pvs: {
      'v10-2-1': { phase: 'Bound', claim: 'default/c10-2' },
      'v10-2-2': { phase: 'Available', claim: null, annotations: { [BoundBy]: null } },
    },
    pvcs: { 'default/c10-2': { phase: 'Bound', volumeName: 'v10-2-1' } },
    events: [],
  },
];

describe('PV controller: upstream binder cases, volumes and volume modes (sets 4, 14, 10)', () => {
  for (const row of [...set4, ...set14, ...multi]) it(row.name, async () => void (await runRow(row)));
});
