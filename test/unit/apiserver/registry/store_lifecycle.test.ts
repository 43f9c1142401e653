/**
 * The generic registry Store against the memory storage: deletion (finalizers,
 * deletionTimestamp, grace periods, preconditions, release by the last finalizer's removal)
 * and watch from a resourceVersion.
 */
import { expect } from 'chai';
import { isConflict, isGone, isNotFound } from '../../../../pkg/api/errors';
import type { CachedEvent } from '../../../../pkg/apiserver/watch/cache';
import { waitFor } from '../../../helpers/wait';
import { type Widget, type WidgetFixture, statusErrorOf, widget, widgetFixture } from './widget_strategy';

describe('registry Store (memory storage): delete', () => {
  let f: WidgetFixture;
  beforeEach(async () => (f = await widgetFixture()));
  afterEach(() => f.cache.stop());

  it('without finalizers: removed at once (deleted: true) and a get is 404; a second delete is 404', async () => {
    await f.store.create('ns1', widget('w1'));
    const res = await f.store.delete('ns1', 'w1');
    expect(res.deleted).to.equal(true);
    expect(res.object.metadata.name).to.equal('w1');
    expect(res.object.kind).to.equal('Widget');
    expect(isNotFound(await statusErrorOf(f.store.get('ns1', 'w1')))).to.equal(true);
    expect(isNotFound(await statusErrorOf(f.store.delete('ns1', 'w1')))).to.equal(true);
  });

  it('with finalizers: only marked with deletionTimestamp (now) and grace 0; a repeated delete keeps the mark', async () => {
    await f.store.create('ns1', widget('w1', 1, { finalizers: ['test/hold'] }));
    const res = await f.store.delete('ns1', 'w1');
    expect(res.deleted).to.equal(false);
    expect(res.object.metadata).to.include({
      deletionTimestamp: '2024-05-01T10:00:00Z',
      deletionGracePeriodSeconds: 0,
    });
    const stored = await f.store.get('ns1', 'w1');
    expect(stored.metadata.deletionTimestamp).to.equal('2024-05-01T10:00:00Z');
    expect(stored.metadata.finalizers).to.deep.equal(['test/hold']);
    f.clock.now = new Date('2024-05-01T11:00:00Z');
    const again = await f.store.delete('ns1', 'w1');
    expect(again.deleted).to.equal(false);
    expect(again.object.metadata.deletionTimestamp).to.equal('2024-05-01T10:00:00Z');
  });

  it('a marked object: an update cannot clear deletionTimestamp; removing the last finalizer deletes it', async () => {
    await f.store.create('ns1', widget('w1', 1, { finalizers: ['test/a', 'test/b'] }));
    await f.store.delete('ns1', 'w1');
    let cur: Widget = await f.store.get('ns1', 'w1');
    const { deletionTimestamp: _d, ...meta } = cur.metadata;
    cur = await f.store.update('ns1', 'w1', { ...cur, metadata: { ...meta, finalizers: ['test/b'] } });
    expect(cur.metadata.deletionTimestamp, 'kept though the body dropped it').to.equal('2024-05-01T10:00:00Z');
    expect(cur.metadata.finalizers).to.deep.equal(['test/b']);
    const last = await f.store.update('ns1', 'w1', { ...cur, metadata: { ...cur.metadata, finalizers: [] } });
    expect(last.metadata.finalizers).to.deep.equal([]);
    expect(isNotFound(await statusErrorOf(f.store.get('ns1', 'w1')))).to.equal(true);
  });

  it('a finalizer cannot be added to an object marked for deletion', async () => {
    await f.store.create('ns1', widget('w1', 1, { finalizers: ['test/a'] }));
    await f.store.delete('ns1', 'w1');
    const cur = await f.store.get('ns1', 'w1');
    const err = await statusErrorOf(
      f.store.update('ns1', 'w1', { ...cur, metadata: { ...cur.metadata, finalizers: ['test/a', 'test/new'] } }),
    );
    expect(err.code).to.equal(422);
    expect((await f.store.get('ns1', 'w1')).metadata.finalizers).to.deep.equal(['test/a']);
  });

  it('a grace period (from the strategy) marks the object for now + grace; a shorter one moves it closer', async () => {
    await f.store.create('ns1', widget('w1'));
    const res = await f.store.delete('ns1', 'w1', { gracePeriodSeconds: 30 });
    expect(res.deleted).to.equal(false);
    expect(res.object.metadata).to.include({
      deletionTimestamp: '2024-05-01T10:00:30Z',
      deletionGracePeriodSeconds: 30,
    });
    const shorter = await f.store.delete('ns1', 'w1', { gracePeriodSeconds: 10 });
    expect(shorter.object.metadata).to.include({
      deletionTimestamp: '2024-05-01T10:00:10Z',
      deletionGracePeriodSeconds: 10,
    });
    const longer = await f.store.delete('ns1', 'w1', { gracePeriodSeconds: 60 });
    expect(longer.object.metadata.deletionGracePeriodSeconds).to.equal(10);
    expect((await f.store.delete('ns1', 'w1', { gracePeriodSeconds: 0 })).deleted).to.equal(true);
    expect(isNotFound(await statusErrorOf(f.store.get('ns1', 'w1')))).to.equal(true);
  });

  it('preconditions: a uid or resourceVersion other than the stored one is a 409 and deletes nothing', async () => {
    const w1 = await f.store.create('ns1', widget('w1'));
    expect(isConflict(await statusErrorOf(f.store.delete('ns1', 'w1', { preconditions: { uid: 'other' } })))).to.equal(
      true,
    );
    expect(
      isConflict(await statusErrorOf(f.store.delete('ns1', 'w1', { preconditions: { resourceVersion: '1' } }))),
    ).to.equal(true);
    await f.store.get('ns1', 'w1');
    const ok = await f.store.delete('ns1', 'w1', { preconditions: { uid: w1.metadata.uid ?? '' } });
    expect(ok.deleted).to.equal(true);
  });

  it('dryRun returns the would-be result and changes nothing', async () => {
    await f.store.create('ns1', widget('held', 1, { finalizers: ['test/a'] }));
    await f.store.create('ns1', widget('free'));
    const marked = await f.store.delete('ns1', 'held', { dryRun: ['All'] });
    expect(marked.deleted).to.equal(false);
    expect(marked.object.metadata.deletionTimestamp).to.equal('2024-05-01T10:00:00Z');
    expect((await f.store.get('ns1', 'held')).metadata.deletionTimestamp).to.equal(undefined);
    expect((await f.store.delete('ns1', 'free', { dryRun: ['All'] })).deleted).to.equal(true);
    expect((await f.store.get('ns1', 'free')).metadata.name).to.equal('free');
  });

  it('deleteCollection deletes what the query selects, marking the held ones', async () => {
    await f.store.create('ns1', widget('a', 1, { labels: { x: '1' } }));
    await f.store.create('ns1', widget('b', 1, { labels: { x: '1' }, finalizers: ['test/a'] }));
    await f.store.create('ns1', widget('c'));
    const res = await f.store.deleteCollection('ns1', { labelSelector: 'x=1' });
    expect(res.items.map((w) => w.metadata.name)).to.deep.equal(['a', 'b']);
    const left = await f.store.list('ns1');
    expect(left.items.map((w) => [w.metadata.name, Boolean(w.metadata.deletionTimestamp)])).to.deep.equal([
      ['b', true],
      ['c', false],
    ]);
  });
});

describe('registry Store (memory storage): watch from a resourceVersion', () => {
  let f: WidgetFixture;
  beforeEach(async () => (f = await widgetFixture()));
  afterEach(() => f.cache.stop());

  function collect() {
    const events: CachedEvent[] = [];
    const closed: (Error | undefined)[] = [];
    const seen = () => events.map((e) => `${e.ev.type} ${(e.ev.object as Widget).metadata.name ?? ''}`);
    return {
      events,
      seen,
      sink: {
        event: (e: CachedEvent) => events.push(e) > 0,
        close: (err?: Error) => void closed.push(err),
      },
    };
  }

  it('from a list’s resourceVersion: every later change exactly once, in order, and nothing before it', async () => {
    await f.store.create('ns1', widget('before'));
    const rv = Number((await f.store.list(undefined)).metadata.resourceVersion);
    const c = collect();
    const w = await f.store.watch(rv, c.sink);
    const a = await f.store.create('ns1', widget('a'));
    await f.store.update('ns1', 'a', { ...a, spec: { size: 2 } });
    await f.store.delete('ns1', 'before');
    await waitFor(() => c.events.length === 3, 2000, 'three events');
    expect(c.seen()).to.deep.equal(['ADDED a', 'MODIFIED a', 'DELETED before']);
    const revs = c.events.map((e) => e.ev.revision);
    expect(revs).to.deep.equal([...revs].sort((x, y) => x - y));
    expect(revs[0]).to.be.greaterThan(rv);
    w.stop();
  });

  it('from an older resourceVersion: the changes since then are replayed first', async () => {
    const rv = await f.storage.currentRevision();
    await f.store.create('ns1', widget('a'));
    await f.store.create('ns2', widget('b'));
    await waitFor(() => f.cache.latestRevision === rv + 2, 2000, 'cache caught up');
    const c = collect();
    const w = await f.store.watch(rv, c.sink);
    expect(c.seen()).to.deep.equal(['ADDED a', 'ADDED b']);
    await f.store.create('ns1', widget('c'));
    await waitFor(() => c.events.length === 3, 2000, 'the live event');
    expect(c.seen()[2]).to.equal('ADDED c');
    w.stop();
  });

  it('a marked deletion is MODIFIED, the release by the last finalizer DELETED', async () => {
    await f.store.create('ns1', widget('w', 1, { finalizers: ['test/a'] }));
    const c = collect();
    const w = await f.store.watch(await f.storage.currentRevision(), c.sink);
    await f.store.delete('ns1', 'w');
    const marked = await f.store.get('ns1', 'w');
    await f.store.update('ns1', 'w', { ...marked, metadata: { ...marked.metadata, finalizers: [] } });
    await waitFor(() => c.events.length === 2, 2000, 'two events');
    expect(c.seen()).to.deep.equal(['MODIFIED w', 'DELETED w']);
    expect((c.events[0]?.ev.object as Widget | undefined)?.metadata.deletionTimestamp).to.equal('2024-05-01T10:00:00Z');
    w.stop();
  });

  it('from a compacted resourceVersion: 410 Gone', async () => {
    const rv = await f.storage.currentRevision();
    await f.store.create('ns1', widget('a'));
    await f.store.create('ns1', widget('b'));
    await f.storage.compact(await f.storage.currentRevision());
    const err = await statusErrorOf(f.store.watch(rv, collect().sink));
    expect(isGone(err)).to.equal(true);
    expect(err.code).to.equal(410);
  });
});
