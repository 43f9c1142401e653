/**
 * Delete propagation in the generic registry Store: the GC finalizers a DELETE's
 * propagationPolicy / orphanDependents put on the object (kube-apiserver's
 * deletionFinalizersForGarbageCollection), re-deleting a terminating object with another policy,
 * and release once the GC finalizer goes.
 */
import { expect } from 'chai';
import { isNotFound } from '../../../../pkg/api/errors';
import { type DeleteOptions, GCFinalizer } from '../../../../pkg/api/meta';
import { deletionFinalizersForGC } from '../../../../pkg/apiserver/registry/gc_finalizers';
import { type WidgetFixture, statusErrorOf, widget, widgetFixture } from './widget_strategy';

const { OrphanDependents: orphan, DeleteDependents: foreground } = GCFinalizer;

describe('deletionFinalizersForGC', () => {
  const table: { name: string; has: string[]; opts: DeleteOptions; want: string[] | undefined }[] = [
    { name: 'no options, no finalizers: unchanged', has: [], opts: {}, want: undefined },
    {
      name: 'Background (the default) on a plain object: unchanged',
      has: [],
      opts: { propagationPolicy: 'Background' },
      want: undefined,
    },
    { name: 'Orphan adds orphan', has: ['a/b'], opts: { propagationPolicy: 'Orphan' }, want: ['a/b', orphan] },
    { name: 'orphanDependents: true adds orphan', has: [], opts: { orphanDependents: true }, want: [orphan] },
    {
      name: 'Foreground adds foregroundDeletion',
      has: [],
      opts: { propagationPolicy: 'Foreground' },
      want: [foreground],
    },
    {
      name: 'Orphan on a foreground one swaps',
      has: [foreground, 'a/b'],
      opts: { propagationPolicy: 'Orphan' },
      want: ['a/b', orphan],
    },
    {
      name: 'Foreground on an orphan one swaps',
      has: [orphan],
      opts: { propagationPolicy: 'Foreground' },
      want: [foreground],
    },
    { name: 'Background removes both', has: ['a/b', orphan], opts: { propagationPolicy: 'Background' }, want: ['a/b'] },
    { name: 'orphanDependents: false removes orphan', has: [orphan], opts: { orphanDependents: false }, want: [] },
    { name: 'no options keep the GC finalizer there', has: [foreground], opts: {}, want: undefined },
    {
      name: 'asking for what is there: unchanged',
      has: [orphan, 'a/b'],
      opts: { propagationPolicy: 'Orphan' },
      want: undefined,
    },
  ];
  for (const t of table) {
    it(t.name, () => {
      expect(deletionFinalizersForGC(t.has, t.opts)).to.deep.equal(t.want);
    });
  }
});

describe('registry Store (memory storage): delete propagation', () => {
  let f: WidgetFixture;
  beforeEach(async () => (f = await widgetFixture()));
  afterEach(() => f.cache.stop());

  it('Orphan: marked with deletionTimestamp and the orphan finalizer instead of removed', async () => {
    await f.store.create('ns1', widget('w1'));
    const res = await f.store.delete('ns1', 'w1', { propagationPolicy: 'Orphan' });
    expect(res.deleted).to.equal(false);
    const stored = await f.store.get('ns1', 'w1');
    expect(stored.metadata.finalizers).to.deep.equal([orphan]);
    expect(stored.metadata.deletionTimestamp).to.equal('2024-05-01T10:00:00Z');
    expect(stored.metadata.deletionGracePeriodSeconds).to.equal(0);
  });

  it('Foreground: marked with foregroundDeletion; Background (and no options) removes at once', async () => {
    await f.store.create('ns1', widget('w1'));
    await f.store.create('ns1', widget('w2'));
    await f.store.create('ns1', widget('w3'));
    expect((await f.store.delete('ns1', 'w1', { propagationPolicy: 'Foreground' })).deleted).to.equal(false);
    expect((await f.store.get('ns1', 'w1')).metadata.finalizers).to.deep.equal([foreground]);
    expect((await f.store.delete('ns1', 'w2', { propagationPolicy: 'Background' })).deleted).to.equal(true);
    expect((await f.store.delete('ns1', 'w3')).deleted).to.equal(true);
    expect(isNotFound(await statusErrorOf(f.store.get('ns1', 'w2')))).to.equal(true);
  });

  it('re-deleting a terminating object: another policy swaps the finalizer, no options keep it, Background releases it', async () => {
    await f.store.create('ns1', widget('w1'));
    await f.store.delete('ns1', 'w1', { propagationPolicy: 'Foreground' });
    await f.store.delete('ns1', 'w1', { propagationPolicy: 'Orphan' });
    expect((await f.store.get('ns1', 'w1')).metadata.finalizers).to.deep.equal([orphan]);
    await f.store.delete('ns1', 'w1');
    expect((await f.store.get('ns1', 'w1')).metadata.finalizers).to.deep.equal([orphan]);
    expect((await f.store.delete('ns1', 'w1', { propagationPolicy: 'Background' })).deleted).to.equal(true);
    expect(isNotFound(await statusErrorOf(f.store.get('ns1', 'w1')))).to.equal(true);
  });

  it('Background with another finalizer on it: marked, and the GC finalizers are dropped', async () => {
    await f.store.create('ns1', widget('w1', 1, { finalizers: ['test/hold'] }));
    await f.store.delete('ns1', 'w1', { propagationPolicy: 'Orphan' });
    const res = await f.store.delete('ns1', 'w1', { propagationPolicy: 'Background' });
    expect(res.deleted).to.equal(false);
    expect((await f.store.get('ns1', 'w1')).metadata.finalizers).to.deep.equal(['test/hold']);
  });

  it('removing the GC finalizer of a terminating object deletes it', async () => {
    await f.store.create('ns1', widget('w1'));
    await f.store.delete('ns1', 'w1', { propagationPolicy: 'Orphan' });
    const cur = await f.store.get('ns1', 'w1');
    await f.store.update('ns1', 'w1', { ...cur, metadata: { ...cur.metadata, finalizers: [] } });
    expect(isNotFound(await statusErrorOf(f.store.get('ns1', 'w1')))).to.equal(true);
  });

  it('a pending graceful deletion keeps its finalizers; a shortened one takes the new policy', async () => {
    await f.store.create('ns1', widget('w1'));
    await f.store.delete('ns1', 'w1', { gracePeriodSeconds: 30 });
    await f.store.delete('ns1', 'w1', { gracePeriodSeconds: 30, propagationPolicy: 'Orphan' });
    expect((await f.store.get('ns1', 'w1')).metadata.finalizers).to.equal(undefined);
    await f.store.delete('ns1', 'w1', { gracePeriodSeconds: 10, propagationPolicy: 'Orphan' });
    expect((await f.store.get('ns1', 'w1')).metadata.finalizers).to.deep.equal([orphan]);
  });

  it('dryRun: the would-be finalizers are shown and nothing is stored', async () => {
    await f.store.create('ns1', widget('w1'));
    const res = await f.store.delete('ns1', 'w1', { propagationPolicy: 'Foreground', dryRun: ['All'] });
    expect(res.object.metadata.finalizers).to.deep.equal([foreground]);
    expect((await f.store.get('ns1', 'w1')).metadata.finalizers).to.equal(undefined);
  });

  it('orphan and foregroundDeletion cannot both be set on an object', async () => {
    const err = await statusErrorOf(f.store.create('ns1', widget('w1', 1, { finalizers: [orphan, foreground] })));
    expect(err.code).to.equal(422);
  });
});
