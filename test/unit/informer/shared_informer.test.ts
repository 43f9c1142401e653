import { expect } from 'chai';
import pino from 'pino';
import { gone } from '../../../pkg/api/errors';
import { parseLabelSelector } from '../../../pkg/api/labels';
import type { ResourceEventHandler } from '../../../pkg/informer/event_handler';
import type { DeepReadonly } from '../../../pkg/util/immutable/deep_readonly';
import { SharedIndexInformer, type SharedInformerOptions } from '../../../pkg/informer/shared_informer';
import { DeletedFinalStateUnknown, deletionHandlingKey, unwrapTombstone } from '../../../pkg/informer/tombstone';
import { FakeClock } from '../../../pkg/util/clock/fake';
import { waitFor } from '../../helpers/wait';
import { FakeListerWatcher, type Obj, obj } from './fake_list_watch';

const show = (o: DeepReadonly<Obj>): string => `${o.metadata.name ?? ''}@${o.metadata.resourceVersion ?? ''}`;

/** A handler that records what it was told, as strings. */
function recorder(): { seen: string[]; handler: ResourceEventHandler<Obj> } {
  const seen: string[] = [];
  return {
    seen,
    handler: {
      onAdd: (o) => void seen.push(`add ${show(o)}`),
      onUpdate: (a, b) => void seen.push(`update ${show(a)} -> ${show(b)}`),
      onDelete: (o) =>
        void seen.push(
          o instanceof DeletedFinalStateUnknown ? `tombstone ${o.key} ${show(o.obj)}` : `delete ${show(o)}`,
        ),
    },
  };
}

interface Harness {
  lw: FakeListerWatcher<Obj>;
  informer: SharedIndexInformer<Obj>;
  clock: FakeClock;
  logs: string[];
  ac: AbortController;
  run(): Promise<void>;
}

let current: { ac: AbortController; done: Promise<void> | undefined } | undefined;

function setup(objects: Obj[], opts: SharedInformerOptions<Obj> = {}): Harness {
  const lw = new FakeListerWatcher<Obj>(objects, '10');
  const clock = new FakeClock(0);
  const logs: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(line) });
  const informer = new SharedIndexInformer<Obj>(lw, {
    clock,
    logger,
    name: 'objs',
    reflector: { random: () => 0 },
    ...opts,
  });
  const ac = new AbortController();
  const state: { ac: AbortController; done: Promise<void> | undefined } = { ac, done: undefined };
  current = state;
  return {
    lw,
    informer,
    clock,
    logs,
    ac,
    run: () => (state.done = informer.run(ac.signal)),
  };
}

const synced = (h: Harness): Promise<void> =>
  waitFor(() => h.informer.hasSynced() && h.lw.watches.length > 0, 2000, 'sync and first watch');

describe('SharedIndexInformer', () => {
  afterEach(async () => {
    current?.ac.abort();
    await current?.done;
    current = undefined;
  });

  it('delivers every event to every handler, after updating the cache', async () => {
    const h = setup([obj('a', '5')]);
    const r1 = recorder();
    const r2 = recorder();
    const seenInCache: (string | undefined)[] = [];
    h.informer.addEventHandler(r1.handler);
    h.informer.addEventHandler(r2.handler);
    h.informer.addEventHandler({
      onAdd: (o) => void seenInCache.push(h.informer.lister().get(o.metadata.name ?? '')?.metadata.resourceVersion),
    });
    void h.run();
    await synced(h);
    const w = h.lw.lastWatch();
    w.push('ADDED', obj('b', '11'));
    w.push('MODIFIED', obj('a', '12'));
    w.push('DELETED', obj('b', '13'));
    w.push('ADDED', obj('a', '14')); // an ADDED for a cached key is an update
    w.push('MODIFIED', obj('c', '15')); // a MODIFIED for an unknown key is an add
    await waitFor(() => r2.seen.length === 6, 2000, 'six events');
    const expected = ['add a@5', 'add b@11', 'update a@5 -> a@12', 'delete b@13', 'update a@12 -> a@14', 'add c@15'];
    expect(r1.seen).to.deep.equal(expected);
    expect(r2.seen).to.deep.equal(expected);
    expect(seenInCache).to.deep.equal(['5', '11', '15']);
  });

  it('replays the current contents to a handler added after start, and only to it', async () => {
    const h = setup([obj('a', '5'), obj('b', '6')]);
    const early = recorder();
    h.informer.addEventHandler(early.handler);
    void h.run();
    await synced(h);
    expect(early.seen.sort()).to.deep.equal(['add a@5', 'add b@6']);

    const late = recorder();
    const reg = h.informer.addEventHandler(late.handler);
    expect(late.seen.sort()).to.deep.equal(['add a@5', 'add b@6']);
    expect(early.seen).to.have.length(2);

    h.lw.lastWatch().push('ADDED', obj('c', '11'));
    await waitFor(() => late.seen.length === 3, 2000, 'event after replay');
    expect(early.seen).to.have.length(3);

    reg.remove();
    h.lw.lastWatch().push('ADDED', obj('d', '12'));
    await waitFor(() => early.seen.length === 4, 2000, 'event after remove');
    expect(late.seen).to.have.length(3);
  });

  it('hasSynced and waitForSync turn true only once the first list is delivered', async () => {
    const h = setup([obj('a', '5')]);
    h.lw.listErrors.push(new Error('connection refused'));
    const r = recorder();
    h.informer.addEventHandler(r.handler);
    let syncedSeen: boolean | undefined;
    const wait = h.informer.waitForSync().then((ok) => {
      syncedSeen = ok;
      return ok;
    });
    void h.run();
    await waitFor(
      () => h.lw.listCalls.length === 1 && h.clock.pendingTimers() === 1,
      2000,
      'first list to fail and back off',
    );
    expect(h.informer.hasSynced()).to.equal(false);
    expect(syncedSeen).to.equal(undefined);
    h.clock.step(800); // list backoff
    expect(await wait).to.equal(true);
    expect(h.informer.hasSynced()).to.equal(true);
    expect(r.seen).to.deep.equal(['add a@5']);
    expect(h.informer.lastSyncResourceVersion()).to.equal('10');
  });

  it('waitForSync resolves false when its signal aborts first', async () => {
    const h = setup([]);
    const ac = new AbortController();
    const wait = h.informer.waitForSync(ac.signal);
    ac.abort();
    expect(await wait).to.equal(false);
  });

  it('diffs a relist: adds, changed updates, tombstones for vanished keys, nothing for unchanged', async () => {
    const h = setup([obj('keep', '1'), obj('change', '2'), obj('vanish', '3', { node: 'n1' })]);
    const r = recorder();
    const deleted: unknown[] = [];
    h.informer.addEventHandler(r.handler);
    h.informer.addEventHandler({ onDelete: (o) => void deleted.push(o) });
    void h.run();
    await synced(h);
    r.seen.length = 0;

    h.lw.set([obj('keep', '1'), obj('change', '20'), obj('new', '21')], '30');
    h.lw.lastWatch().push('ERROR', gone('too old').status as unknown as Obj);
    await waitFor(() => h.informer.lastSyncResourceVersion() === '30', 2000, 'relist');
    expect(r.seen).to.deep.equal(['update change@2 -> change@20', 'add new@21', 'tombstone vanish vanish@3']);
    const tomb = deleted[0];
    expect(tomb).to.be.instanceOf(DeletedFinalStateUnknown);
    if (!(tomb instanceof DeletedFinalStateUnknown)) return;
    expect(deletionHandlingKey<Obj>(tomb)).to.equal('vanish');
    expect(unwrapTombstone<Obj>(tomb).spec?.node).to.equal('n1');
    expect(
      h.informer
        .lister()
        .list()
        .map((o) => o.metadata.name)
        .sort(),
    ).to.deep.equal(['change', 'keep', 'new']);
  });

  it('a handler that throws or rejects is logged and does not stop the others', async () => {
    const h = setup([obj('a', '5')]);
    const before = recorder();
    const after = recorder();
    h.informer.addEventHandler(before.handler);
    h.informer.addEventHandler({
      onAdd: () => {
        throw new Error('handler exploded');
      },
      onUpdate: async () => {
        throw new Error('async handler failed');
      },
    });
    h.informer.addEventHandler(after.handler);
    void h.run();
    await synced(h);
    h.lw.lastWatch().push('ADDED', obj('b', '11'));
    h.lw.lastWatch().push('MODIFIED', obj('b', '12'));
    await waitFor(() => after.seen.length === 3, 2000, 'events past the bad handler');
    expect(before.seen).to.deep.equal(['add a@5', 'add b@11', 'update b@11 -> b@12']);
    expect(after.seen).to.deep.equal(before.seen);
    await waitFor(() => h.logs.some((l) => l.includes('async handler failed')), 2000, 'rejection logged');
    expect(h.logs.filter((l) => l.includes('handler exploded'))).to.have.length(2);
    expect(h.informer.lastSyncResourceVersion()).to.equal('12');
  });

  it('resyncs: onUpdate(obj, obj) for every cached object each period', async () => {
    const h = setup([obj('a', '5'), obj('b', '6')], { resyncPeriodMs: 60_000 });
    const r = recorder();
    h.informer.addEventHandler(r.handler);
    void h.run();
    await synced(h);
    r.seen.length = 0;
    h.clock.step(59_999);
    expect(r.seen).to.deep.equal([]);
    h.clock.step(1);
    expect(r.seen.sort()).to.deep.equal(['update a@5 -> a@5', 'update b@6 -> b@6']);
    h.clock.step(60_000);
    expect(r.seen).to.have.length(4);
  });

  it('serves frozen objects through a lister with label selection, namespaces and indexes', async () => {
    const h = setup([
      obj('a', '1', { namespace: 'ns1', node: 'n1', labels: { app: 'db' } }),
      obj('b', '1', { namespace: 'ns1', node: 'n2', labels: { app: 'web' } }),
      obj('c', '1', { namespace: 'ns2', node: 'n1', labels: { app: 'db' } }),
    ]);
    h.informer.addIndexers({ byNode: (o) => (o.spec?.node ? [o.spec.node] : []) });
    void h.run();
    await synced(h);
    expect(() => h.informer.addIndexers({ late: () => [] })).to.throw(/already started/);
    const lister = h.informer.lister();
    const a = lister.get('ns1/a');
    expect(a?.spec?.node).to.equal('n1');
    expect(Object.isFrozen(a?.metadata)).to.equal(true);
    expect(
      lister
        .list(parseLabelSelector('app=db'))
        .map((o) => o.metadata.name)
        .sort(),
    ).to.deep.equal(['a', 'c']);
    expect(
      lister
        .listNamespace('ns1')
        .map((o) => o.metadata.name)
        .sort(),
    ).to.deep.equal(['a', 'b']);
    expect(lister.listNamespace('ns1', parseLabelSelector('app=web')).map((o) => o.metadata.name)).to.deep.equal(['b']);
    expect(
      lister
        .byIndex('byNode', 'n1')
        .map((o) => o.metadata.name)
        .sort(),
    ).to.deep.equal(['a', 'c']);
    h.lw.lastWatch().push('MODIFIED', obj('c', '2', { namespace: 'ns2', node: 'n2' }));
    await waitFor(() => lister.byIndex('byNode', 'n1').length === 1, 2000, 'index updated');
  });

  it('runs once', async () => {
    const h = setup([]);
    void h.run();
    expect(h.informer.isStarted()).to.equal(true);
    let err: unknown;
    await h.informer.run(new AbortController().signal).catch((e: unknown) => (err = e));
    expect(String(err)).to.match(/already started/);
  });
});
