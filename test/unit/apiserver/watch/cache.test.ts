import { expect } from 'chai';
import { StatusError } from '../../../../pkg/api/errors';
import type { KubeObject } from '../../../../pkg/api/meta';
import { type CachedEvent, WatchCache } from '../../../../pkg/apiserver/watch/cache';
import { silentLogger } from '../../../../pkg/log/logger';
import type { Storage, StorageWatchHandlers } from '../../../../pkg/storage/interfaces';
import { MemoryStore } from '../../../../pkg/storage/memory/store';
import { waitFor } from '../../../helpers/wait';

/** A MemoryStore whose live watches the test can break (as a compaction would). */
class BreakableStore extends MemoryStore {
  readonly handlers: StorageWatchHandlers[] = [];
  watchCalls = 0;

  override async watch<T extends KubeObject>(
    prefix: string,
    after: number,
    h: StorageWatchHandlers<T>,
  ): Promise<() => void> {
    this.watchCalls++;
    this.handlers.push(h as unknown as StorageWatchHandlers);
    return super.watch(prefix, after, h);
  }
}

function collector() {
  const events: CachedEvent[] = [];
  let closedWith: Error | undefined;
  let closed = false;
  return {
    events,
    closed: () => closed,
    error: () => closedWith,
    sink: {
      event: (e: CachedEvent) => {
        events.push(e);
        return true;
      },
      close: (err?: Error) => {
        closed = true;
        closedWith = err;
      },
    },
  };
}

const obj = (name: string): KubeObject => ({ metadata: { name, namespace: 'default' } });

describe('WatchCache', () => {
  let store: BreakableStore;
  let cache: WatchCache;
  beforeEach(async () => {
    store = new BreakableStore();
    cache = new WatchCache({ storage: store as Storage, prefix: '/registry/pods/', logger: silentLogger() });
    await cache.start();
  });
  afterEach(() => cache.stop());

  it('fans one store watch out to many watchers, serializing each event once', async () => {
    const rv = await store.currentRevision();
    const a = collector();
    const b = collector();
    await cache.watch(rv, a.sink);
    await cache.watch(rv, b.sink);
    await store.create('/registry/pods/default/p1', obj('p1'));
    await waitFor(() => a.events.length === 1 && b.events.length === 1);
    expect(store.watchCalls).to.equal(1);
    expect(a.events[0]).to.equal(b.events[0]);
    expect(a.events[0]?.objectJson()).to.equal(b.events[0]?.objectJson());
  });

  it('replays buffered events after the requested revision', async () => {
    const rv = await store.currentRevision();
    await store.create('/registry/pods/default/p1', obj('p1'));
    await store.create('/registry/pods/default/p2', obj('p2'));
    await waitFor(() => cache.latestRevision >= rv + 2);
    const c = collector();
    await cache.watch(rv + 1, c.sink);
    expect(c.events.map((e) => e.ev.object.metadata.name)).to.deep.equal(['p2']);
  });

  it('a watch from a revision the store reached before the cache gets only the events after it', async () => {
    await store.create('/registry/pods/default/p1', obj('p1'));
    const rv = await store.currentRevision();
    // The cache has not dispatched p1 yet: the watch starts ahead of it.
    expect(cache.latestRevision).to.be.lessThan(rv);
    const c = collector();
    await cache.watch(rv, c.sink);
    await store.create('/registry/pods/default/p2', obj('p2'));
    await waitFor(() => cache.latestRevision === rv + 1);
    expect(c.events.map((e) => e.ev.object.metadata.name)).to.deep.equal(['p2']);
  });

  it('a revision older than the cache window is a 410', async () => {
    const small = new WatchCache({
      storage: store as Storage,
      prefix: '/registry/pods/',
      logger: silentLogger(),
      capacity: 2,
    });
    await small.start();
    const rv = await store.currentRevision();
    for (let i = 0; i < 5; i++) await store.create(`/registry/pods/default/q${i}`, obj(`q${i}`));
    await waitFor(() => small.latestRevision >= rv + 5);
    let err: unknown;
    try {
      await small.watch(rv, collector().sink);
    } catch (e) {
      err = e;
    }
    small.stop();
    expect(err).to.be.instanceOf(StatusError);
    expect((err as StatusError).code).to.equal(410);
  });

  it('when the store watch breaks, every open watch ends with a 410 and the cache relists', async () => {
    const c = collector();
    await cache.watch(await store.currentRevision(), c.sink);
    store.handlers[0]?.onError(new Error('required revision has been compacted'));
    await waitFor(() => c.closed());
    expect(c.error()).to.be.instanceOf(StatusError);
    expect((c.error() as StatusError).code).to.equal(410);
    await waitFor(() => store.watchCalls === 2);
    const d = collector();
    await cache.watch(await store.currentRevision(), d.sink);
    await store.create('/registry/pods/default/after', obj('after'));
    await waitFor(() => d.events.length === 1);
  });

  it('a watcher that cannot keep up is closed without affecting the others', async () => {
    const rv = await store.currentRevision();
    let slowClosed = false;
    await cache.watch(rv, { event: () => false, close: () => (slowClosed = true) });
    const ok = collector();
    await cache.watch(rv, ok.sink);
    await store.create('/registry/pods/default/s', obj('s'));
    await waitFor(() => ok.events.length === 1 && slowClosed);
    expect(cache.watcherCount).to.equal(1);
  });
});
