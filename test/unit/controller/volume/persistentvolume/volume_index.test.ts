/** VolumeIndex: smallest fit per (class, type), matchability, and resourceVersion ordering. */
import { expect } from 'chai';
import type { PersistentVolume } from '../../../../../pkg/api/core/v1';
import {
  accessModesFit,
  isMatchable,
  VolumeIndex,
  volumeModeFits,
} from '../../../../../pkg/controller/volume/persistentvolume/volume_index';
import { builtinTypeOf } from '../../../../helpers/volume_drivers';
import { pv, pvc } from './harness';
import type { Stored } from '../../../../../pkg/api/stored';
import { stored } from '../../../../helpers/stored';

function withRv(v: PersistentVolume, rv: number): Stored<PersistentVolume, 'Cluster'> {
  return stored({ ...v, metadata: { ...v.metadata, resourceVersion: String(rv) } });
}

function indexOf(...pvs: PersistentVolume[]): VolumeIndex {
  const idx = new VolumeIndex(builtinTypeOf);
  pvs.forEach((v, i) => idx.upsert(withRv(v, i + 1)));
  return idx;
}

describe('PV controller: VolumeIndex', () => {
  const cases: {
    name: string;
    pvs: PersistentVolume[];
    claim: ReturnType<typeof pvc>;
    type: 'hostPath' | 'nfs' | undefined;
    want: string | undefined;
  }[] = [
    {
      name: 'smallest PV whose capacity covers the request',
      pvs: [pv('a', { size: '10Gi' }), pv('b', { size: '2Gi' }), pv('c', { size: '500Mi' }), pv('d', { size: '3Gi' })],
      claim: pvc('x', { size: '1500Mi' }),
      type: 'hostPath',
      want: 'b',
    },
    {
      name: 'exact capacity fits',
      pvs: [pv('a', { size: '2Gi' }), pv('b', { size: '1Gi' })],
      claim: pvc('x', { size: '1Gi' }),
      type: 'hostPath',
      want: 'b',
    },
    {
      name: 'units compare as quantities (1000Mi < 1Gi)',
      pvs: [pv('gi', { size: '1Gi' }), pv('mi', { size: '1000Mi' })],
      claim: pvc('x', { size: '1000M' }),
      type: 'hostPath',
      want: 'mi',
    },
    {
      name: 'equal capacities: the first by name',
      pvs: [pv('zz', { size: '1Gi' }), pv('aa', { size: '1Gi' })],
      claim: pvc('x'),
      type: 'hostPath',
      want: 'aa',
    },
    {
      name: 'nothing large enough',
      pvs: [pv('a', { size: '1Gi' })],
      claim: pvc('x', { size: '2Gi' }),
      type: 'hostPath',
      want: undefined,
    },
    {
      name: 'skips a smaller PV whose access modes do not fit',
      pvs: [pv('rwo', { size: '1Gi' }), pv('rwx', { size: '5Gi', modes: ['ReadWriteMany'] })],
      claim: pvc('x', { modes: ['ReadWriteMany'] }),
      type: 'hostPath',
      want: 'rwx',
    },
    {
      name: 'skips a smaller PV whose labels do not match the selector',
      pvs: [pv('nolabel', { size: '1Gi' }), pv('fast', { size: '9Gi', labels: { speed: 'fast' } })],
      claim: pvc('x', { selector: { matchLabels: { speed: 'fast' } } }),
      type: 'hostPath',
      want: 'fast',
    },
    {
      name: 'another class is never a candidate',
      pvs: [pv('m', { className: 'manual' })],
      claim: pvc('x'),
      type: 'hostPath',
      want: undefined,
    },
    {
      name: 'another type of the same class is not a candidate',
      pvs: [pv('n', { type: 'nfs', className: 'hostPath' })],
      claim: pvc('x'),
      type: 'hostPath',
      want: undefined,
    },
    {
      name: 'type undefined (class of unknown type): the smallest fit of any type in the class',
      pvs: [
        pv('h', { size: '3Gi', className: 'manual' }),
        pv('n', { size: '2Gi', type: 'nfs', className: 'manual' }),
        pv('o', { size: '1Gi', className: 'other' }),
      ],
      claim: pvc('x', { className: 'manual' }),
      type: undefined,
      want: 'n',
    },
  ];
  for (const c of cases) {
    it(`findBestMatch: ${c.name}`, () => {
      expect(indexOf(...c.pvs).findBestMatch(c.claim, c.type)?.metadata.name).to.equal(c.want);
    });
  }

  it('only Available/Pending PVs without claimRef or deletionTimestamp are matchable', () => {
    expect(isMatchable(pv('a'))).to.equal(true);
    expect(isMatchable(pv('p', { phase: 'Pending' }))).to.equal(true);
    expect(isMatchable(pv('b', { phase: 'Bound' }))).to.equal(false);
    expect(isMatchable(pv('r', { phase: 'Released' }))).to.equal(false);
    expect(isMatchable(pv('f', { phase: 'Failed' }))).to.equal(false);
    expect(isMatchable(pv('c', { claim: { name: 'x' } }))).to.equal(false);
    const deleting = pv('d');
    deleting.metadata.deletionTimestamp = '2024-01-01T00:00:00Z';
    expect(isMatchable(deleting)).to.equal(false);
    const idx = indexOf(pv('a'), pv('b', { phase: 'Bound' }), pv('c', { claim: { name: 'x' } }), deleting);
    expect(idx.size).to.equal(1);
  });

  it('accessModesFit: the claim modes must be a subset of the PV modes', () => {
    expect(
      accessModesFit(pv('a', { modes: ['ReadWriteOnce', 'ReadOnlyMany'] }), pvc('x', { modes: ['ReadOnlyMany'] })),
    ).to.equal(true);
    expect(
      accessModesFit(pv('a', { modes: ['ReadWriteOnce'] }), pvc('x', { modes: ['ReadWriteOnce', 'ReadWriteMany'] })),
    ).to.equal(false);
  });

  it('skips PVs whose driver cannot serve the claim (serves), keeping the next fit', () => {
    const idx = new VolumeIndex(builtinTypeOf, (v) => v.metadata.name !== 'small');
    idx.upsert(withRv(pv('small', { size: '1Gi' }), 1));
    idx.upsert(withRv(pv('big', { size: '2Gi' }), 2));
    expect(idx.findBestMatch(pvc('x', { size: '1Gi' }), 'hostPath')?.metadata.name).to.equal('big');
  });

  it('upsert moves a PV out when it is bound and back when it is freed', () => {
    const idx = new VolumeIndex(builtinTypeOf);
    idx.upsert(withRv(pv('a'), 1));
    expect(idx.findBestMatch(pvc('x'), 'hostPath')?.metadata.name).to.equal('a');
    idx.upsert(withRv(pv('a', { claim: { name: 'x', uid: 'u' }, phase: 'Bound' }), 2));
    expect(idx.findBestMatch(pvc('y'), 'hostPath')).to.equal(undefined);
    expect(idx.size).to.equal(0);
    idx.upsert(withRv(pv('a'), 3));
    expect(idx.findBestMatch(pvc('y'), 'hostPath')?.metadata.name).to.equal('a');
  });

  it('an older copy (lower resourceVersion, a late informer event) never re-adds a bound PV', () => {
    const idx = new VolumeIndex(builtinTypeOf);
    idx.upsert(withRv(pv('a'), 5));
    // The controller's own write (assume) is newer than what the informer delivers next.
    idx.upsert(withRv(pv('a', { claim: { name: 'x', uid: 'u' }, phase: 'Bound' }), 9));
    idx.upsert(withRv(pv('a'), 7));
    expect(idx.size).to.equal(0);
    expect(idx.findBestMatch(pvc('y'), 'hostPath')).to.equal(undefined);
    // The same version again (a resync) changes nothing either.
    idx.upsert(withRv(pv('a', { claim: { name: 'x', uid: 'u' }, phase: 'Bound' }), 9));
    expect(idx.size).to.equal(0);
  });

  it('resourceVersions compare as numbers, not strings ("10" is newer than "9")', () => {
    const idx = new VolumeIndex(builtinTypeOf);
    idx.upsert(withRv(pv('a', { claim: { name: 'x', uid: 'u' }, phase: 'Bound' }), 10));
    idx.upsert(withRv(pv('a'), 9));
    expect(idx.size).to.equal(0);
  });

  it('delete forgets the PV and its version, so a re-created PV of the same name is indexed', () => {
    const idx = new VolumeIndex(builtinTypeOf);
    idx.upsert(withRv(pv('a'), 50));
    idx.delete('a');
    expect(idx.size).to.equal(0);
    expect(idx.findBestMatch(pvc('x'), 'hostPath')).to.equal(undefined);
    idx.upsert(withRv(pv('a'), 3));
    expect(idx.findBestMatch(pvc('x'), 'hostPath')?.metadata.name).to.equal('a');
  });

  it('a capacity change re-sorts the PV', () => {
    const idx = indexOf(pv('a', { size: '5Gi' }), pv('b', { size: '3Gi' }));
    expect(idx.findBestMatch(pvc('x'), 'hostPath')?.metadata.name).to.equal('b');
    idx.upsert(withRv(pv('a', { size: '2Gi' }), 10));
    expect(idx.findBestMatch(pvc('x'), 'hostPath')?.metadata.name).to.equal('a');
    expect(idx.size).to.equal(2);
  });

  it("the claim's volume mode must be the PV's (absent = Filesystem): a Block PV never fits a Filesystem claim, nor the reverse", () => {
    const blockPV = pv('blk', { size: '1Gi' });
    blockPV.spec.volumeMode = 'Block';
    const fsPV = pv('fs', { size: '2Gi' });
    const blockClaim = pvc('b');
    blockClaim.spec.volumeMode = 'Block';
    const idx = indexOf(blockPV, fsPV);
    expect(idx.findBestMatch(pvc('f'), 'hostPath')?.metadata.name).to.equal('fs');
    expect(idx.findBestMatch(blockClaim, 'hostPath')?.metadata.name).to.equal('blk');
    expect(volumeModeFits(fsPV, blockClaim)).to.equal(false);
    expect(volumeModeFits(blockPV, pvc('f'))).to.equal(false);
  });
});
