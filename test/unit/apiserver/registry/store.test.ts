/**
 * The generic registry Store against the memory storage, configured by a small test strategy
 * (widget_strategy.ts): create / get / list / update with optimistic concurrency, the /status
 * subresource, and which strategy hooks run when. Deletion and watch: store_lifecycle.test.ts.
 */
import { expect } from 'chai';
import { isAlreadyExists, isConflict, isInvalid, isNotFound } from '../../../../pkg/api/errors';
import { StatusReason } from '../../../../pkg/api/meta';
import { waitFor } from '../../../helpers/wait';
import { type Widget, type WidgetFixture, statusErrorOf, widget, widgetFixture } from './widget_strategy';

describe('registry Store (memory storage): create and get', () => {
  let f: WidgetFixture;
  beforeEach(async () => (f = await widgetFixture()));
  afterEach(() => f.cache.stop());

  it('fills server-owned metadata, type meta and the strategy defaults; get returns what was stored', async () => {
    const input: Widget = {
      metadata: {
        name: 'w1',
        labels: { app: 'a' },
        uid: 'client-uid',
        resourceVersion: '999',
        deletionTimestamp: '2020-01-01T00:00:00Z',
        deletionGracePeriodSeconds: 5,
        generation: 7,
        creationTimestamp: '2020-01-01T00:00:00Z',
      },
      spec: { size: 3 },
      status: { phase: 'Ready' },
    };
    const created = await f.store.create('ns1', input);
    expect(created.apiVersion).to.equal('test.kubestore.io/v1');
    expect(created.kind).to.equal('Widget');
    expect(created.metadata).to.include({
      name: 'w1',
      namespace: 'ns1',
      generation: 1,
      creationTimestamp: '2024-05-01T10:00:00Z',
    });
    expect(created.metadata.uid).to.match(/^[0-9a-f-]{36}$/);
    expect(created.metadata.uid).to.not.equal('client-uid');
    expect(created.metadata.resourceVersion).to.equal(String(await f.storage.currentRevision()));
    expect(created.metadata).to.not.have.keys('deletionTimestamp', 'deletionGracePeriodSeconds');
    expect(created.metadata.labels).to.deep.equal({ app: 'a' });
    // prepareForCreate defaulted the color and reset the status the client sent.
    expect(created.spec).to.deep.equal({ size: 3, color: 'blue' });
    expect(created.status).to.deep.equal({ phase: 'New' });
    expect(await f.store.get('ns1', 'w1')).to.deep.equal(created);
    expect(input.metadata.uid, 'the input is not mutated').to.equal('client-uid');
  });

  it('runs prepareForCreate, then validate, and no update hook', async () => {
    await f.store.create('ns1', widget('w1'));
    expect(f.calls).to.deep.equal([
      { hook: 'prepareForCreate', name: 'w1' },
      { hook: 'validate', name: 'w1' },
    ]);
  });

  it('an invalid object is a 422 naming the field, and nothing is stored', async () => {
    const err = await statusErrorOf(f.store.create('ns1', widget('w1', -1)));
    expect(isInvalid(err)).to.equal(true);
    expect(err.code).to.equal(422);
    expect(err.status.details?.causes?.map((c) => c.field)).to.deep.equal(['spec.size']);
    expect(isNotFound(await statusErrorOf(f.store.get('ns1', 'w1')))).to.equal(true);
  });

  it('metadata validation runs too: a bad name, a bad namespace or no name at all is a 422', async () => {
    const fieldsOf = async (p: Promise<unknown>) => {
      const err = await statusErrorOf(p);
      expect(isInvalid(err)).to.equal(true);
      return err.status.details?.causes?.map((c) => c.field);
    };
    expect(await fieldsOf(f.store.create('ns1', widget('a/b')))).to.deep.equal(['metadata.name']);
    expect(await fieldsOf(f.store.create('Bad_NS', widget('w1')))).to.deep.equal(['metadata.namespace']);
    expect(await fieldsOf(f.store.create('ns1', widget('')))).to.deep.equal(['metadata.name']);
    expect((await f.store.list(undefined)).items).to.deep.equal([]);
  });

  it('a second create of the same name is 409 AlreadyExists; the same name in another namespace is fine', async () => {
    await f.store.create('ns1', widget('w1'));
    const err = await statusErrorOf(f.store.create('ns1', widget('w1', 2)));
    expect(isAlreadyExists(err)).to.equal(true);
    expect(err.code).to.equal(409);
    expect((await f.store.get('ns1', 'w1')).spec.size).to.equal(1);
    expect((await f.store.create('ns2', widget('w1'))).metadata.namespace).to.equal('ns2');
  });

  it('the namespace comes from the request: a different one in the body is a 400; none at all is "default"', async () => {
    const err = await statusErrorOf(f.store.create('ns1', widget('w1', 1, { namespace: 'other' })));
    expect(err.code).to.equal(400);
    expect((await f.store.create(undefined, widget('w2'))).metadata.namespace).to.equal('default');
    expect((await f.store.create('ns1', widget('w3', 1, { namespace: 'ns1' }))).metadata.namespace).to.equal('ns1');
  });

  it('generateName: a name is made from the prefix, distinct each time; an explicit name wins', async () => {
    const a = await f.store.create('ns1', widget('', 1, { generateName: 'gen-' }));
    const b = await f.store.create('ns1', widget('', 1, { generateName: 'gen-' }));
    expect(a.metadata.name).to.match(/^gen-[0-9a-f]{5}$/);
    expect(b.metadata.name).to.match(/^gen-[0-9a-f]{5}$/);
    expect(a.metadata.name).to.not.equal(b.metadata.name);
    expect((await f.store.get('ns1', a.metadata.name ?? '')).metadata.uid).to.equal(a.metadata.uid);
    const named = await f.store.create('ns1', widget('fixed', 1, { generateName: 'gen-' }));
    expect(named.metadata.name).to.equal('fixed');
    // The generated name is what the strategy hooks saw.
    expect(f.calls[0]?.name).to.equal(a.metadata.name);
  });

  it('dryRun runs the hooks and returns the object but stores nothing', async () => {
    const before = await f.storage.currentRevision();
    const dry = await f.store.create('ns1', widget('w1'), { dryRun: true });
    expect(dry.spec.color).to.equal('blue');
    expect(f.calls.map((c) => c.hook)).to.deep.equal(['prepareForCreate', 'validate']);
    expect(await f.storage.currentRevision()).to.equal(before);
    expect(isNotFound(await statusErrorOf(f.store.get('ns1', 'w1')))).to.equal(true);
  });

  it('get of a missing object is 404 NotFound naming it', async () => {
    const err = await statusErrorOf(f.store.get('ns1', 'nope'));
    expect(err.code).to.equal(404);
    expect(err.reason).to.equal(StatusReason.NotFound);
    expect(err.status.details).to.deep.include({ name: 'nope', group: 'test.kubestore.io', kind: 'widgets' });
  });

  it('get at a resourceVersion the store has not reached waits, then answers 504', async () => {
    const g = await widgetFixture({ freshnessWaitMs: 30 });
    try {
      await g.store.create('ns1', widget('w1'));
      const now = await g.storage.currentRevision();
      expect((await g.store.get('ns1', 'w1', String(now))).metadata.name).to.equal('w1');
      const err = await statusErrorOf(g.store.get('ns1', 'w1', String(now + 10)));
      expect(err.code).to.equal(504);
      expect((await statusErrorOf(g.store.get('ns1', 'w1', 'abc'))).code).to.equal(400);
    } finally {
      g.cache.stop();
    }
  });
});

describe('registry Store (memory storage): list', () => {
  let f: WidgetFixture;
  beforeEach(async () => {
    f = await widgetFixture();
    await f.store.create('ns1', widget('a', 1, { labels: { tier: 'x' } }));
    await f.store.create('ns1', { ...widget('b', 2), spec: { size: 2, color: 'red' } });
    await f.store.create('ns2', widget('c', 3, { labels: { tier: 'x' } }));
  });
  afterEach(() => f.cache.stop());

  const names = (l: { items: Widget[] }) =>
    l.items.map((w) => `${w.metadata.namespace ?? ''}/${w.metadata.name ?? ''}`);

  it('lists one namespace or all, with list type meta and the store revision as resourceVersion', async () => {
    const all = await f.store.list(undefined);
    expect(names(all)).to.deep.equal(['ns1/a', 'ns1/b', 'ns2/c']);
    expect(all.kind).to.equal('WidgetList');
    expect(all.apiVersion).to.equal('test.kubestore.io/v1');
    expect(all.metadata.resourceVersion).to.equal(String(await f.storage.currentRevision()));
    expect(all.items.every((w) => w.kind === 'Widget')).to.equal(true);
    expect(names(await f.store.list('ns1'))).to.deep.equal(['ns1/a', 'ns1/b']);
    expect(names(await f.store.list('empty'))).to.deep.equal([]);
  });

  it('filters by label selector and by the strategy’s selectable field; bad selectors are 400s', async () => {
    expect(names(await f.store.list(undefined, { labelSelector: 'tier=x' }))).to.deep.equal(['ns1/a', 'ns2/c']);
    expect(names(await f.store.list(undefined, { fieldSelector: 'spec.color=red' }))).to.deep.equal(['ns1/b']);
    expect(names(await f.store.list(undefined, { fieldSelector: 'metadata.name=c' }))).to.deep.equal(['ns2/c']);
    expect((await statusErrorOf(f.store.list(undefined, { fieldSelector: 'spec.size=1' }))).code).to.equal(400);
    expect((await statusErrorOf(f.store.list(undefined, { labelSelector: 'tier in (' }))).code).to.equal(400);
  });

  it('pages with limit and continue at the first page’s revision, even after a write', async () => {
    const p1 = await f.store.list(undefined, { limit: 2 });
    expect(names(p1)).to.deep.equal(['ns1/a', 'ns1/b']);
    expect(p1.metadata.continue).to.be.a('string');
    await f.store.create('ns3', widget('d'));
    const p2 = await f.store.list(undefined, { limit: 2, continue: p1.metadata.continue ?? '' });
    expect(names(p2)).to.deep.equal(['ns2/c']);
    expect(p2.metadata.continue).to.equal(undefined);
    expect(p2.metadata.resourceVersion).to.equal(p1.metadata.resourceVersion);
  });

  it('resourceVersion=0 is served from the watch cache; Exact reads an older snapshot', async () => {
    const rvBefore = (await f.store.list(undefined)).metadata.resourceVersion ?? '';
    const z = await f.store.create('ns1', widget('z'));
    await waitFor(() => f.cache.latestRevision >= Number(z.metadata.resourceVersion), 2000, 'the cache to see z');
    const cached = await f.store.list('ns1', { resourceVersion: '0' });
    expect(names(cached)).to.deep.equal(['ns1/a', 'ns1/b', 'ns1/z']);
    expect(cached.metadata.resourceVersion).to.equal(z.metadata.resourceVersion);
    const old = await f.store.list(undefined, { resourceVersion: rvBefore, resourceVersionMatch: 'Exact' });
    expect(names(old)).to.deep.equal(['ns1/a', 'ns1/b', 'ns2/c']);
    expect(old.metadata.resourceVersion).to.equal(rvBefore);
  });
});

describe('registry Store (memory storage): update', () => {
  let f: WidgetFixture;
  let w1: Widget;
  beforeEach(async () => {
    f = await widgetFixture();
    w1 = await f.store.create('ns1', widget('w1', 1, { labels: { a: '1' } }));
    f.calls.length = 0;
  });
  afterEach(() => f.cache.stop());

  it('with the current resourceVersion: written, resourceVersion advances, prepareForUpdate then validateUpdate run', async () => {
    const next = await f.store.update('ns1', 'w1', { ...w1, spec: { size: 5 } });
    expect(next.spec).to.deep.equal({ size: 5, color: 'blue' });
    expect(Number(next.metadata.resourceVersion)).to.be.greaterThan(Number(w1.metadata.resourceVersion));
    expect(f.calls).to.deep.equal([
      { hook: 'prepareForUpdate', name: 'w1' },
      { hook: 'validateUpdate', name: 'w1' },
    ]);
    expect(await f.store.get('ns1', 'w1')).to.deep.equal(next);
  });

  it('a stale resourceVersion is a 409 Conflict and changes nothing', async () => {
    await f.store.update('ns1', 'w1', { ...w1, spec: { size: 2 } });
    const err = await statusErrorOf(f.store.update('ns1', 'w1', { ...w1, spec: { size: 3 } }));
    expect(isConflict(err)).to.equal(true);
    expect(err.code).to.equal(409);
    expect((await f.store.get('ns1', 'w1')).spec.size).to.equal(2);
  });

  it('of two concurrent updates from the same read exactly one wins; the other is a 409', async () => {
    const results = await Promise.allSettled([
      f.store.update('ns1', 'w1', { ...w1, spec: { size: 10 } }),
      f.store.update('ns1', 'w1', { ...w1, spec: { size: 20 } }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(won).to.have.length(1);
    expect(lost).to.have.length(1);
    expect(isConflict(lost[0])).to.equal(true);
    const winner = won[0]?.status === 'fulfilled' ? won[0].value.spec.size : undefined;
    expect((await f.store.get('ns1', 'w1')).spec.size).to.equal(winner);
  });

  it('a write that changes only managers’ timestamps keeps the stored managedFields: nothing is written', async () => {
    const entry = {
      manager: 'kubectl',
      operation: 'Apply' as const,
      apiVersion: 'v1',
      fieldsType: 'FieldsV1' as const,
    };
    const stamped = await f.store.update('ns1', 'w1', {
      ...w1,
      metadata: { ...w1.metadata, managedFields: [{ ...entry, time: '2026-01-01T00:00:00Z' }] },
    });
    const later = {
      ...stamped,
      metadata: { ...stamped.metadata, managedFields: [{ ...entry, time: '2026-01-01T00:00:09Z' }] },
    };
    const same = await f.store.update('ns1', 'w1', later);
    expect(same.metadata.resourceVersion).to.equal(stamped.metadata.resourceVersion);
    expect(same.metadata.managedFields?.[0]?.time).to.equal('2026-01-01T00:00:00Z');
    // With any other change the new times are written.
    const moved = await f.store.update('ns1', 'w1', { ...later, spec: { size: 4 } });
    expect(moved.metadata.managedFields?.[0]?.time).to.equal('2026-01-01T00:00:09Z');
  });

  it('without a resourceVersion the update is unconditional', async () => {
    await f.store.update('ns1', 'w1', { ...w1, spec: { size: 2 } });
    const { resourceVersion: _rv, ...meta } = w1.metadata;
    const next = await f.store.update('ns1', 'w1', { ...w1, metadata: meta, spec: { size: 9 } });
    expect(next.spec.size).to.equal(9);
  });

  it('a different uid is a 409; a different name or namespace in the body is a 400', async () => {
    expect(
      isConflict(await statusErrorOf(f.store.update('ns1', 'w1', { ...w1, metadata: { ...w1.metadata, uid: 'x' } }))),
    ).to.equal(true);
    expect(
      (await statusErrorOf(f.store.update('ns1', 'w1', { ...w1, metadata: { ...w1.metadata, name: 'w2' } }))).code,
    ).to.equal(400);
    expect(
      (await statusErrorOf(f.store.update('ns1', 'w1', { ...w1, metadata: { ...w1.metadata, namespace: 'ns2' } })))
        .code,
    ).to.equal(400);
    expect(isNotFound(await statusErrorOf(f.store.update('ns1', 'nope', widget('nope'))))).to.equal(true);
  });

  it('keeps server-owned metadata and the status; generation counts spec changes only', async () => {
    const labelled = await f.store.update('ns1', 'w1', {
      ...w1,
      metadata: { ...w1.metadata, labels: { a: '2' }, creationTimestamp: '2000-01-01T00:00:00Z', generation: 40 },
      status: { phase: 'Ready' },
    });
    expect(labelled.metadata).to.include({
      uid: w1.metadata.uid,
      creationTimestamp: '2024-05-01T10:00:00Z',
      generation: 1,
    });
    expect(labelled.metadata.labels).to.deep.equal({ a: '2' });
    expect(labelled.status, 'status is not written by the main resource').to.deep.equal({ phase: 'New' });
    const resized = await f.store.update('ns1', 'w1', { ...labelled, spec: { size: 4, color: 'blue' } });
    expect(resized.metadata.generation).to.equal(2);
  });

  it('a validateUpdate error is a 422 and nothing is written', async () => {
    const err = await statusErrorOf(f.store.update('ns1', 'w1', { ...w1, spec: { size: 1, color: 'green' } }));
    expect(isInvalid(err)).to.equal(true);
    expect(err.status.details?.causes?.map((c) => c.field)).to.deep.equal(['spec.color']);
    expect((await f.store.get('ns1', 'w1')).metadata.resourceVersion).to.equal(w1.metadata.resourceVersion);
  });

  it('status subresource: writes only the status, runs only validateStatusUpdate, keeps generation', async () => {
    const next = await f.store.update(
      'ns1',
      'w1',
      { ...w1, metadata: { ...w1.metadata, labels: { a: 'changed' } }, spec: { size: 99 }, status: { phase: 'Ready' } },
      { subresource: 'status' },
    );
    expect(next.status).to.deep.equal({ phase: 'Ready' });
    expect(next.spec).to.deep.equal(w1.spec);
    expect(next.metadata.labels).to.deep.equal({ a: '1' });
    expect(next.metadata.generation).to.equal(1);
    expect(f.calls).to.deep.equal([{ hook: 'validateStatusUpdate', name: 'w1' }]);
    const err = await statusErrorOf(
      f.store.update('ns1', 'w1', { ...next, status: { phase: 'Exploded' } }, { subresource: 'status' }),
    );
    expect(isInvalid(err)).to.equal(true);
    expect((await f.store.get('ns1', 'w1')).status).to.deep.equal({ phase: 'Ready' });
  });

  it('a stale resourceVersion on a status write is a 409 too; an unknown subresource is a 404', async () => {
    const ready = await f.store.update('ns1', 'w1', { ...w1, status: { phase: 'Ready' } }, { subresource: 'status' });
    expect(isConflict(await statusErrorOf(f.store.update('ns1', 'w1', w1, { subresource: 'status' })))).to.equal(true);
    const err = await statusErrorOf(f.store.update('ns1', 'w1', ready, { subresource: 'scale' }));
    expect(err.code).to.equal(404);
  });

  it('dryRun validates and returns the result but writes nothing', async () => {
    const dry = await f.store.update('ns1', 'w1', { ...w1, spec: { size: 7 } }, { dryRun: true });
    expect(dry.spec.size).to.equal(7);
    expect((await f.store.get('ns1', 'w1')).spec.size).to.equal(1);
  });
});
