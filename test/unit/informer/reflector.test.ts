import { expect } from 'chai';
import { gone, internalError, serviceUnavailable } from '../../../pkg/api/errors';
import { WatchDecodeError } from '../../../pkg/client/watch_decoder';
import { IndexedCache } from '../../../pkg/informer/indexer';
import { Reflector, type ReflectorOptions, type ReflectorStore } from '../../../pkg/informer/reflector';
import { silentLogger } from '../../../pkg/log/logger';
import { FakeClock } from '../../../pkg/util/clock/fake';
import { waitFor } from '../../helpers/wait';
import { FakeListerWatcher, flush, type Obj, obj } from './fake_list_watch';

interface Harness {
  lw: FakeListerWatcher<Obj>;
  cache: IndexedCache<Obj>;
  /** resourceVersion of every replace() the reflector made. */
  replaces: string[];
  clock: FakeClock;
  reflector: Reflector<Obj>;
  ac: AbortController;
  done: Promise<void>;
}

let running: Harness | undefined;

/** Starts a reflector over a fake API holding `objects` at resourceVersion 10. */
function start(
  objects: Obj[],
  prepare: (lw: FakeListerWatcher<Obj>) => void = () => undefined,
  opts: ReflectorOptions = {},
): Harness {
  const lw = new FakeListerWatcher<Obj>(objects, '10');
  prepare(lw);
  const cache = new IndexedCache<Obj>();
  const replaces: string[] = [];
  const store: ReflectorStore<Obj> = {
    replace: (items, rv) => {
      replaces.push(rv);
      cache.replace(items, rv);
    },
    add: (o) => cache.add(o),
    update: (o) => cache.update(o),
    delete: (o) => cache.delete(o),
  };
  const clock = new FakeClock(1_000_000);
  const ac = new AbortController();
  // random() = 0: watch timeout = exactly the minimum, backoff waits = exactly the base.
  const reflector = new Reflector(lw, store, { clock, random: () => 0, logger: silentLogger(), ...opts });
  const h = { lw, cache, replaces, clock, reflector, ac, done: reflector.run(ac.signal) };
  running = h;
  return h;
}

const watching = (h: Harness, n: number): Promise<void> =>
  waitFor(() => h.lw.watches.length >= n, 2000, `watch #${n} to open`);

/** Waits until the reflector is parked in a backoff sleep (its only pending timer). */
async function backingOff(h: Harness, watchCalls: number): Promise<void> {
  await waitFor(() => h.lw.watches.every((w) => w.stopped) && h.clock.pendingTimers() === 1, 2000, 'a backoff sleep');
  await flush();
  expect(h.lw.watchCalls.length, 'no retry before the backoff elapsed').to.equal(watchCalls);
}

describe('Reflector', () => {
  afterEach(async () => {
    running?.ac.abort();
    await running?.done;
    running = undefined;
  });

  it('lists into the store, then watches from the list resourceVersion and applies events', async () => {
    const h = start([obj('a', '5'), obj('b', '6')]);
    await watching(h, 1);
    expect(h.replaces).to.deep.equal(['10']);
    expect(h.cache.listKeys().sort()).to.deep.equal(['a', 'b']);
    const opts = h.lw.watchCalls[0];
    expect(opts?.resourceVersion).to.equal('10');
    expect(opts?.allowWatchBookmarks).to.equal(true);
    expect(opts?.timeoutSeconds).to.equal(300);

    const w = h.lw.lastWatch();
    w.push('ADDED', obj('c', '11'));
    w.push('MODIFIED', obj('a', '12', { node: 'n1' }));
    w.push('DELETED', obj('b', '13'));
    await waitFor(() => h.reflector.lastSyncResourceVersion() === '13', 2000, 'events applied');
    expect(h.cache.listKeys().sort()).to.deep.equal(['a', 'c']);
    expect(h.cache.get('a')?.spec?.node).to.equal('n1');
  });

  it('randomizes the watch timeout within [min, 2·min)', async () => {
    const h = start([], undefined, { random: () => 0.999, minWatchTimeoutSeconds: 300 });
    await watching(h, 1);
    expect(h.lw.watchCalls[0]?.timeoutSeconds).to.be.within(300, 599);
  });

  it('pages the list with limit (first page at resourceVersion "0") and follows continue tokens', async () => {
    const objects = ['a', 'b', 'c', 'd', 'e'].map((n) => obj(n, '1'));
    const h = start(objects, undefined, { pageSize: 2 });
    await watching(h, 1);
    expect(h.lw.listCalls).to.deep.equal([
      { limit: 2, resourceVersion: '0' },
      { limit: 2, continue: '2' },
      { limit: 2, continue: '4' },
    ]);
    expect(h.replaces).to.deep.equal(['10']);
    expect(h.cache.listKeys().sort()).to.deep.equal(['a', 'b', 'c', 'd', 'e']);
  });

  it('falls back to one unpaged list when a continue token expired', async () => {
    const objects = ['a', 'b', 'c'].map((n) => obj(n, '1'));
    const h = start(objects, (lw) => lw.listErrors.push(undefined, gone('continue token expired')), { pageSize: 2 });
    await watching(h, 1);
    expect(h.lw.listCalls).to.deep.equal([{ limit: 2, resourceVersion: '0' }, { limit: 2, continue: '2' }, {}]);
    expect(h.cache.listKeys().sort()).to.deep.equal(['a', 'b', 'c']);
  });

  it('BOOKMARK moves the resourceVersion without touching the store', async () => {
    const h = start([obj('a', '5')]);
    await watching(h, 1);
    h.lw.lastWatch().push('BOOKMARK', { metadata: { resourceVersion: '42' } });
    await waitFor(() => h.reflector.lastSyncResourceVersion() === '42', 2000, 'bookmark applied');
    expect(h.cache.listKeys()).to.deep.equal(['a']);
    h.lw.lastWatch().close();
    await watching(h, 2);
    expect(h.lw.watchCalls[1]?.resourceVersion).to.equal('42');
  });

  it('resumes a cleanly closed watch from the last resourceVersion, without relisting', async () => {
    const h = start([obj('a', '5')]);
    await watching(h, 1);
    const w = h.lw.lastWatch();
    w.push('ADDED', obj('b', '11'));
    w.close();
    await watching(h, 2);
    expect(h.lw.watchCalls[1]?.resourceVersion).to.equal('11');
    expect(h.lw.listCalls).to.have.length(1);
    expect(h.replaces).to.deep.equal(['10']);
    expect(w.stopped).to.equal(true);
    h.lw.lastWatch().push('MODIFIED', obj('b', '12'));
    await waitFor(() => h.cache.get('b')?.metadata.resourceVersion === '12', 2000, 'event on the resumed watch');
  });

  it('relists when the watch is rejected with 410 Gone', async () => {
    const h = start([obj('a', '5'), obj('b', '6')], (lw) => {
      lw.watchErrors.push(gone('too old resource version: 10'));
      lw.onList = (call) => {
        if (call === 1) lw.set([obj('b', '7'), obj('c', '8')], '20');
      };
    });
    await watching(h, 1);
    expect(h.lw.watchCalls.map((c) => c.resourceVersion)).to.deep.equal(['10', '20']);
    expect(h.lw.listCalls).to.have.length(2);
    // The relist after a 410 reads the store itself, not "any version".
    expect(h.lw.listCalls.map((c) => c.resourceVersion)).to.deep.equal(['0', undefined]);
    expect(h.replaces).to.deep.equal(['10', '20']);
    expect(h.cache.listKeys().sort()).to.deep.equal(['b', 'c']);
    expect(h.cache.get('b')?.metadata.resourceVersion).to.equal('7');
  });

  it('relists on an ERROR event carrying a 410 Status', async () => {
    const h = start([obj('a', '5')]);
    await watching(h, 1);
    h.lw.set([obj('z', '30')], '30');
    h.lw.lastWatch().push('ERROR', gone('too old resource version').status as unknown as Obj);
    await watching(h, 2);
    expect(h.lw.listCalls).to.have.length(2);
    expect(h.replaces).to.deep.equal(['10', '30']);
    expect(h.lw.lastWatch().opts.resourceVersion).to.equal('30');
    expect(h.cache.listKeys()).to.deep.equal(['z']);
  });

  it('backs off after a malformed line, then re-watches from the last resourceVersion', async () => {
    const h = start([obj('a', '5')]);
    await watching(h, 1);
    const w = h.lw.lastWatch();
    w.push('ADDED', obj('b', '11'));
    w.fail(new WatchDecodeError('malformed watch event: {"type":'));
    await backingOff(h, 1);
    h.clock.step(799);
    await flush();
    expect(h.lw.watchCalls).to.have.length(1);
    h.clock.step(1);
    await watching(h, 2);
    expect(h.lw.watchCalls[1]?.resourceVersion).to.equal('11');
    expect(h.lw.listCalls).to.have.length(1);
    expect(h.cache.listKeys().sort()).to.deep.equal(['a', 'b']);
  });

  it('backs off, doubling, while watch starts fail with other errors, and never relists for them', async () => {
    const h = start([], (lw) =>
      lw.watchErrors.push(serviceUnavailable('connection refused'), internalError('etcd down')),
    );
    await backingOff(h, 1);
    h.clock.step(800);
    await backingOff(h, 2);
    h.clock.step(1599);
    await flush();
    expect(h.lw.watchCalls).to.have.length(2);
    h.clock.step(1);
    await watching(h, 1);
    expect(h.lw.watchCalls).to.have.length(3);
    expect(h.lw.watchCalls.map((c) => c.resourceVersion)).to.deep.equal(['10', '10', '10']);
    expect(h.lw.listCalls).to.have.length(1);
  });

  it('backs off after a non-410 ERROR event and retries the watch', async () => {
    const h = start([obj('a', '5')]);
    await watching(h, 1);
    h.lw.lastWatch().push('ERROR', internalError('boom').status as unknown as Obj);
    await backingOff(h, 1);
    h.clock.step(800);
    await watching(h, 2);
    expect(h.lw.listCalls).to.have.length(1);
  });

  it('retries a failed list after a backoff', async () => {
    const h = start([obj('a', '5')], (lw) => lw.listErrors.push(serviceUnavailable('connection refused')));
    await waitFor(() => h.lw.listCalls.length === 1 && h.clock.pendingTimers() === 1, 2000, 'list backoff');
    expect(h.replaces).to.deep.equal([]);
    h.clock.step(800);
    await watching(h, 1);
    expect(h.lw.listCalls).to.have.length(2);
    expect(h.replaces).to.deep.equal(['10']);
  });

  it('treats a watch that closes at once with no events as a failure (backs off)', async () => {
    const h = start([]);
    await watching(h, 1);
    h.lw.lastWatch().close();
    await backingOff(h, 1);
    h.clock.step(800);
    await watching(h, 2);
  });

  it('restarts a watch still open well past its timeout', async () => {
    const h = start([], undefined, { minWatchTimeoutSeconds: 60 });
    await watching(h, 1);
    h.clock.step(89_999);
    await flush();
    expect(h.lw.lastWatch().stopped).to.equal(false);
    h.clock.step(1);
    await watching(h, 2);
    expect(h.lw.watches[0]?.stopped).to.equal(true);
    expect(h.lw.listCalls).to.have.length(1);
  });

  it('stops on abort: run() resolves and the open watch is stopped', async () => {
    const h = start([]);
    await watching(h, 1);
    h.ac.abort();
    await h.done;
    expect(h.lw.lastWatch().stopped).to.equal(true);
  });

  it('stops on abort while backing off', async () => {
    const h = start([], (lw) => lw.watchErrors.push(serviceUnavailable('down')));
    await backingOff(h, 1);
    h.ac.abort();
    await h.done;
    expect(h.clock.pendingTimers()).to.equal(0);
  });
});
