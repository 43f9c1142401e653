/**
 * Kubernetes' binder cases (pkg/controller/volume/persistentvolume/binder_test.go, TestSync
 * sets 1 and 13: the claim names no volume), restated as rows of our table: initial volumes and claims → the volumes, claims and
 * events once the controller settles. Upstream calls one sync once; here syncClaim and
 * syncVolume run until quiescent, so a row shows where both lead (said in the row when that
 * differs from upstream's single call). Rows marked (seed) or (differs) are deliberate differences.
 */
import { Annotation } from '../../../../../pkg/controller/volume/persistentvolume/constants';
import { builtinClasses } from './harness';
import { runRow, type Row } from './table';
import { BoundBy, Completed, claim, labels, vol, waitClass } from './upstream_fixtures';

const set1: Row[] = [
  {
    name: '1-1 a claim binds a matching unbound volume (both sides marked bound-by-controller, claim bind-completed)',
    initial: { pvs: [vol('v1-1', '1Gi')], pvcs: [claim('c1-1', '1Gi')] },
    pvs: { 'v1-1': { phase: 'Bound', claim: 'default/c1-1', annotations: { [BoundBy]: 'yes' } } },
    pvcs: {
      'default/c1-1': { phase: 'Bound', volumeName: 'v1-1', annotations: { [BoundBy]: 'yes', [Completed]: 'yes' } },
    },
    events: [],
  },
  {
    name: '1-2 no volume is large enough and there is no class → Pending, Normal FailedBinding, the volume untouched',
    initial: { pvs: [vol('v1-2', '1Gi')], pvcs: [claim('c1-2', '10Gi')] },
    pvs: { 'v1-2': { phase: 'Available', claim: null, untouched: true } },
    pvcs: { 'default/c1-2': { phase: 'Pending', volumeName: null } },
    events: ['Normal FailedBinding default/c1-2'],
  },
  {
    name: '1-3 a claim whose status says Bound but names no volume and has no match is reset to Pending',
    initial: { pvs: [vol('v1-3', '1Gi')], pvcs: [claim('c1-3', '10Gi', { phase: 'Bound' })] },
    pvs: { 'v1-3': { phase: 'Available', claim: null } },
    pvcs: { 'default/c1-3': { phase: 'Pending', volumeName: null } },
    events: ['Normal FailedBinding default/c1-3'],
  },
  {
    name: '1-4 the smallest matching volume is chosen',
    initial: { pvs: [vol('v1-4a', '10Gi'), vol('v1-4b', '1Gi')], pvcs: [claim('c1-4', '1Gi')] },
    pvs: { 'v1-4a': { claim: null }, 'v1-4b': { phase: 'Bound', claim: 'default/c1-4' } },
    pvcs: { 'default/c1-4': { phase: 'Bound', volumeName: 'v1-4b' } },
    events: [],
  },
  {
    name: '1-5 a volume pre-bound to the claim by name wins over a smaller one (PV not bound-by-controller; capacity is the PV’s)',
    initial: {
      pvs: [vol('v1-5a', '10Gi', { claim: { name: 'c1-5' } }), vol('v1-5b', '1Gi')],
      pvcs: [claim('c1-5', '1Gi')],
    },
    pvs: {
      'v1-5a': { phase: 'Bound', claim: 'default/c1-5', annotations: { [BoundBy]: null } },
      'v1-5b': { phase: 'Available', claim: null },
    },
    pvcs: {
      'default/c1-5': {
        phase: 'Bound',
        volumeName: 'v1-5a',
        capacity: '10Gi',
        annotations: { [BoundBy]: 'yes', [Completed]: 'yes' },
      },
    },
    events: [],
  },
  {
    name: '1-6 a volume pre-bound to the claim by uid wins over a smaller one',
    initial: {
      pvs: [vol('v1-6a', '10Gi', { claim: { name: 'c1-6', uid: 'uid-c1-6' } }), vol('v1-6b', '1Gi')],
      pvcs: [claim('c1-6', '1Gi')],
    },
    pvs: { 'v1-6a': { phase: 'Bound', claim: 'default/c1-6' }, 'v1-6b': { claim: null } },
    pvcs: { 'default/c1-6': { phase: 'Bound', volumeName: 'v1-6a', capacity: '10Gi' } },
    events: [],
  },
  {
    name: '1-7 a volume pre-bound to another claim of the same name (other uid) is not taken; syncVolume then finds that claim gone → Released',
    initial: {
      pvs: [vol('v1-7', '10Gi', { claim: { name: 'c1-7', uid: 'uid-earlier' } })],
      pvcs: [claim('c1-7', '1Gi')],
    },
    pvs: { 'v1-7': { phase: 'Released' } },
    pvcs: { 'default/c1-7': { phase: 'Pending', volumeName: null } },
    events: ['Normal FailedBinding default/c1-7'],
  },
  {
    name: '1-8 after a crash past the PV claimRef write, the binding is completed',
    initial: {
      pvs: [vol('v1-8', '1Gi', { claim: { name: 'c1-8', uid: 'uid-c1-8' }, annotations: { [BoundBy]: 'yes' } })],
      pvcs: [claim('c1-8', '1Gi')],
    },
    pvs: { 'v1-8': { phase: 'Bound', claim: 'default/c1-8', annotations: { [BoundBy]: 'yes' } } },
    pvcs: {
      'default/c1-8': { phase: 'Bound', volumeName: 'v1-8', annotations: { [BoundBy]: 'yes', [Completed]: 'yes' } },
    },
    events: [],
  },
  {
    name: '1-9 after a crash past the PV status write, the binding is completed',
    initial: {
      pvs: [
        vol('v1-9', '1Gi', {
          claim: { name: 'c1-9', uid: 'uid-c1-9' },
          annotations: { [BoundBy]: 'yes' },
          phase: 'Bound',
        }),
      ],
      pvcs: [claim('c1-9', '1Gi')],
    },
    pvs: { 'v1-9': { phase: 'Bound', claim: 'default/c1-9' } },
    pvcs: { 'default/c1-9': { phase: 'Bound', volumeName: 'v1-9', annotations: { [Completed]: 'yes' } } },
    events: [],
  },
  {
    name: '1-10 after a crash past the claim volumeName write, only the claim status is left to write',
    initial: {
      pvs: [
        vol('v1-10', '1Gi', {
          claim: { name: 'c1-10', uid: 'uid-c1-10' },
          annotations: { [BoundBy]: 'yes' },
          phase: 'Bound',
        }),
      ],
      pvcs: [claim('c1-10', '1Gi', { volumeName: 'v1-10', annotations: { [BoundBy]: 'yes', [Completed]: 'yes' } })],
    },
    pvs: { 'v1-10': { phase: 'Bound', claim: 'default/c1-10', untouched: true } },
    pvcs: { 'default/c1-10': { phase: 'Bound', volumeName: 'v1-10' } },
    events: [],
  },
  {
    name: '1-11 a claim binds a volume its label selector matches',
    initial: {
      pvs: [vol('v1-11', '1Gi', { labels })],
      pvcs: [claim('c1-11', '1Gi', { selector: { matchLabels: labels } })],
    },
    pvs: { 'v1-11': { phase: 'Bound', claim: 'default/c1-11' } },
    pvcs: { 'default/c1-11': { phase: 'Bound', volumeName: 'v1-11' } },
    events: [],
  },
  {
    name: '1-12 a claim does not bind a volume its label selector does not match',
    initial: { pvs: [vol('v1-12', '1Gi')], pvcs: [claim('c1-12', '1Gi', { selector: { matchLabels: labels } })] },
    pvs: { 'v1-12': { phase: 'Available', claim: null } },
    pvcs: { 'default/c1-12': { phase: 'Pending', volumeName: null } },
    events: ['Normal FailedBinding default/c1-12'],
  },
  {
    name: '1-13 a WaitForFirstConsumer claim without a selected node is not bound (Normal WaitForFirstConsumer)',
    initial: {
      classes: [...builtinClasses(), waitClass],
      pvs: [vol('v1-13', '1Gi', { className: 'wait' })],
      pvcs: [claim('c1-13', '1Gi', { className: 'wait' })],
    },
    pvs: { 'v1-13': { phase: 'Available', claim: null } },
    pvcs: { 'default/c1-13': { phase: 'Pending', volumeName: null } },
    events: ['Normal WaitForFirstConsumer default/c1-13'],
  },
  {
    name: '1-14 a WaitForFirstConsumer claim binds a volume pre-bound to it at once',
    initial: {
      classes: [...builtinClasses(), waitClass],
      pvs: [vol('v1-14', '1Gi', { className: 'wait', claim: { name: 'c1-14' } })],
      pvcs: [claim('c1-14', '1Gi', { className: 'wait' })],
    },
    pvs: { 'v1-14': { phase: 'Bound', claim: 'default/c1-14' } },
    pvcs: { 'default/c1-14': { phase: 'Bound', volumeName: 'v1-14', annotations: { [Completed]: 'yes' } } },
    events: [],
  },
  {
    name: '1-15 a claim naming a volume binds that one though a smaller one fits (claim not bound-by-controller)',
    initial: {
      pvs: [vol('v1-15a', '10Gi'), vol('v1-15b', '1Gi')],
      pvcs: [claim('c1-15', '1Gi', { volumeName: 'v1-15a' })],
    },
    pvs: {
      'v1-15a': { phase: 'Bound', claim: 'default/c1-15', annotations: { [BoundBy]: 'yes' } },
      'v1-15b': { claim: null },
    },
    pvcs: {
      'default/c1-15': {
        phase: 'Bound',
        volumeName: 'v1-15a',
        capacity: '10Gi',
        annotations: { [Completed]: 'yes', [BoundBy]: null },
      },
    },
    events: [],
  },
  {
    name: '1-16 a claim naming a volume without its access modes stays Pending with a VolumeMismatch warning',
    initial: {
      pvs: [vol('v1-16', '1Gi')],
      pvcs: [claim('c1-16', '1Gi', { volumeName: 'v1-16', modes: ['ReadWriteMany'] })],
    },
    pvs: { 'v1-16': { phase: 'Available', claim: null, untouched: true } },
    pvcs: { 'default/c1-16': { phase: 'Pending', volumeName: 'v1-16', annotations: { [Completed]: null } } },
    events: ['Warning VolumeMismatch default/c1-16'],
    eventMessages: [/Cannot bind to requested volume "v1-16": incompatible accessMode/],
    errors: [/TerminalError: Cannot bind to requested volume "v1-16"/],
  },
  {
    name: '1-17 a Failed volume is not matched (Pending and phase-less ones are made Available by syncVolume first, as upstream)',
    initial: { pvs: [vol('v1-17', '1Gi', { phase: 'Failed' })], pvcs: [claim('c1-17', '1Gi')] },
    pvs: { 'v1-17': { phase: 'Failed', claim: null, untouched: true } },
    pvcs: { 'default/c1-17': { phase: 'Pending', volumeName: null } },
    events: ['Normal FailedBinding default/c1-17'],
  },
  {
    name: '1-18 a WaitForFirstConsumer claim with a selected node binds a volume pre-bound to it by uid',
    initial: {
      classes: [...builtinClasses(), waitClass],
      pvs: [vol('v1-18', '1Gi', { className: 'wait', claim: { name: 'c1-18', uid: 'uid-c1-18' } })],
      pvcs: [claim('c1-18', '1Gi', { className: 'wait', annotations: { [Annotation.SelectedNode]: 'node1' } })],
    },
    pvs: { 'v1-18': { phase: 'Bound', claim: 'default/c1-18' } },
    pvcs: { 'default/c1-18': { phase: 'Bound', volumeName: 'v1-18', annotations: { [BoundBy]: 'yes' } } },
    events: [],
  },
];

const set13: Row[] = [
  {
    name: '13-1 a claim of class gold binds a gold volume though a smaller classless one fits',
    initial: {
      pvs: [vol('v13-1a', '1Gi'), vol('v13-1b', '10Gi', { className: 'gold' })],
      pvcs: [claim('c13-1', '1Gi', { className: 'gold' })],
    },
    pvs: { 'v13-1a': { claim: null }, 'v13-1b': { phase: 'Bound', claim: 'default/c13-1' } },
    pvcs: { 'default/c13-1': { phase: 'Bound', volumeName: 'v13-1b', capacity: '10Gi' } },
    events: [],
  },
  {
    name: '13-2 a claim of no class binds a classless volume though a smaller gold one fits',
    initial: {
      pvs: [vol('v13-2a', '1Gi', { className: 'gold' }), vol('v13-2b', '10Gi')],
      pvcs: [claim('c13-2', '1Gi')],
    },
    pvs: { 'v13-2a': { claim: null }, 'v13-2b': { phase: 'Bound', claim: 'default/c13-2' } },
    pvcs: { 'default/c13-2': { phase: 'Bound', volumeName: 'v13-2b' } },
    events: [],
  },
  {
    name: '13-3 a claim of class gold binds a gold volume though a smaller silver one fits',
    initial: {
      pvs: [vol('v13-3a', '1Gi', { className: 'silver' }), vol('v13-3b', '10Gi', { className: 'gold' })],
      pvcs: [claim('c13-3', '1Gi', { className: 'gold' })],
    },
    pvs: { 'v13-3a': { claim: null }, 'v13-3b': { phase: 'Bound', claim: 'default/c13-3' } },
    pvcs: { 'default/c13-3': { phase: 'Bound', volumeName: 'v13-3b' } },
    events: [],
  },
  {
    name: '13-4/13-5 a claim with an empty (or absent: the same here) class binds a classless volume',
    initial: { pvs: [vol('v13-4', '1Gi')], pvcs: [claim('c13-4', '1Gi')] },
    pvs: { 'v13-4': { phase: 'Bound', claim: 'default/c13-4' } },
    pvcs: { 'default/c13-4': { phase: 'Bound', volumeName: 'v13-4' } },
    events: [],
  },
];

describe('PV controller: upstream binder cases, matching (sets 1, 13)', () => {
  for (const row of [...set1, ...set13]) it(row.name, async () => void (await runRow(row)));
});
