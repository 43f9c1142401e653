/**
 * Kubernetes' controller-level cases (pkg/controller/volume/persistentvolume/pv_controller_test.go,
 * TestControllerSync set 5) as rows of our table: informer events (a claim added, a claim or a
 * volume deleted) drive both reconcilers until they settle. Set 5's metric, external deleter and
 * CSI-migration cases (5-5 … 5-9) have no counterpart here.
 */
import { runRow, type Row } from './table';
import { BoundBy, Completed, bound, claim, vol } from './upstream_fixtures';

const rows: Row[] = [
  {
    name: '5-2 a claim added after its volume: both Bound',
    initial: { pvs: [vol('v5-2', '1Gi')] },
    then: async (h) => {
      h.pvcs.seed(claim('c5-2', '1Gi'));
      h.syncCaches();
      await h.run();
    },
    pvs: { 'v5-2': { phase: 'Bound', claim: 'default/c5-2', annotations: { [BoundBy]: 'yes' } } },
    pvcs: { 'default/c5-2': { phase: 'Bound', annotations: { [BoundBy]: 'yes', [Completed]: 'yes' } } },
    events: [],
  },
  {
    name: '5-2-2 a claim and a volume that both exist when the controller starts: both Bound',
    initial: { pvs: [vol('v5-2-2', '1Gi')], pvcs: [claim('c5-2-2', '1Gi')] },
    pvs: { 'v5-2-2': { phase: 'Bound', claim: 'default/c5-2-2' } },
    pvcs: { 'default/c5-2-2': { phase: 'Bound', volumeName: 'v5-2-2' } },
    events: [],
  },
  {
    name: '5-3 the bound claim is deleted: its Retain volume is Released',
    initial: {
      pvs: [
        vol('v5-3', '10Gi', {
          phase: 'Bound',
          claim: { name: 'c5-3', uid: 'uid-c5-3' },
          annotations: { [BoundBy]: 'yes' },
        }),
      ],
      pvcs: [bound('c5-3', 'v5-3', { [BoundBy]: 'yes' })],
    },
    then: async (h) => {
      h.pvcs.remove('c5-3', 'default');
      h.syncCaches();
      await h.run();
    },
    pvs: { 'v5-3': { phase: 'Released', claim: 'default/c5-3' } },
    pvcs: { 'default/c5-3': null },
    events: [],
  },
  {
    name: '5-4 the bound volume is deleted: its claim is Lost (ClaimLost)',
    initial: {
      pvs: [vol('v5-4', '1Gi', { phase: 'Bound', claim: { name: 'c5-4', uid: 'uid-c5-4' } })],
      pvcs: [bound('c5-4', 'v5-4', { [BoundBy]: 'yes' })],
    },
    then: async (h) => {
      h.pvs.remove('v5-4');
      h.syncCaches();
      await h.run();
    },
    pvs: { 'v5-4': null },
    pvcs: { 'default/c5-4': { phase: 'Lost', volumeName: 'v5-4' } },
    events: ['Warning ClaimLost default/c5-4'],
  },
];

describe('PV controller: upstream controller cases (pv_controller_test.go set 5)', () => {
  for (const row of rows) it(row.name, async () => void (await runRow(row)));
});
