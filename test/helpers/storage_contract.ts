/**
 * The Storage contract, written once and run against every implementation (the memory fake in
 * unit tests, etcd in integration tests). Each test gets a fresh fixture; keys live under the
 * fixture's prefix so runs sharing one etcd never see each other.
 */
import { expect } from 'chai';
import type { KubeObject } from '../../pkg/api/meta';
import { encodeContinue } from '../../pkg/storage/continue';
import { isStorageError, StorageErrorCode, type StorageError } from '../../pkg/storage/errors';
import type { Storage, StorageEvent } from '../../pkg/storage/interfaces';
import { waitFor } from './wait';

/** What a contract run needs from an implementation. */
export interface StorageFixture {
  store: Storage;
  /** Compacts the store's history up to `rev`. */
  compact(rev: number): Promise<void>;
  /** Releases the store (and removes what the test wrote, where that matters). */
  cleanup(): Promise<void>;
  /** Root of every key the suite writes (default `/registry`); unique per fixture on a shared store. */
  prefix?: string;
}

interface Thing extends KubeObject {
  spec: { n: number };
  status?: { phase?: string };
}

function thing(name: string, n = 0): Thing {
  return { apiVersion: 'test/v1', kind: 'Thing', metadata: { name, uid: `uid-${name}` }, spec: { n } };
}

const bump = (cur: Thing): Thing => ({ ...cur, spec: { n: cur.spec.n + 1 } });
const rv = (o: KubeObject): number => Number(o.metadata.resourceVersion);
const names = (items: KubeObject[]): (string | undefined)[] => items.map((o) => o.metadata.name);
const pad = (i: number): string => `item-${String(i).padStart(2, '0')}`;

/** Awaits `p` and asserts it failed with a StorageError of `code`. */
async function expectStorageError(p: Promise<unknown>, code: StorageErrorCode): Promise<StorageError> {
  try {
    await p;
  } catch (err) {
    expect(isStorageError(err, code), `expected StorageError ${code}, got ${String(err)}`).to.equal(true);
    return err as StorageError;
  }
  return expect.fail(`expected StorageError ${code}, but the call succeeded`);
}

/** A watch that records what it receives. */
interface Recorder {
  events: StorageEvent<Thing>[];
  errors: Error[];
  stop(): void;
}

async function record(store: Storage<Thing>, prefix: string, after: number): Promise<Recorder> {
  const events: StorageEvent<Thing>[] = [];
  const errors: Error[] = [];
  const stop = await store.watch(prefix, after, {
    onEvent: (ev) => events.push(ev),
    onError: (err) => errors.push(err),
  });
  return { events, errors, stop };
}

/** Registers the contract suite for one implementation. */
export function describeStorageContract(name: string, factory: () => Promise<StorageFixture>): void {
  describe(`Storage contract: ${name}`, function () {
    this.timeout(30_000);
    let fx: StorageFixture;
    let store: Storage<Thing>;
    /** The directory-like prefix the tests list and watch. */
    let dir: string;
    let root: string;
    const k = (n: string): string => `${dir}${n}`;

    beforeEach(async () => {
      fx = await factory();
      store = fx.store as Storage<Thing>;
      root = (fx.prefix ?? '/registry').replace(/\/$/, '');
      dir = `${root}/things/`;
    });
    afterEach(async () => fx.cleanup());

    /** Waits until `w` has seen a write to a sentinel key made now: everything before it has arrived. */
    async function drain(w: Recorder, name = 'sentinel'): Promise<void> {
      const s = await store.create(k(name), thing(name));
      await waitFor(() => w.events.some((e) => e.key === k(name)), 5000, `the watch event of ${name}`);
      expect(w.events[w.events.length - 1]?.revision).to.equal(rv(s));
    }

    describe('create and get', () => {
      it('create stores the object at a new revision and returns it with resourceVersion = that revision', async () => {
        const before = await store.currentRevision();
        const input = { ...thing('a'), metadata: { ...thing('a').metadata, resourceVersion: '999999' } };
        const created = await store.create(k('a'), input);
        const after = await store.currentRevision();
        expect(rv(created)).to.be.greaterThan(before).and.at.most(after);
        expect(created.spec).to.deep.equal({ n: 0 });
        expect(input.metadata.resourceVersion, 'the input is not modified').to.equal('999999');
        const got = await store.get(k('a'));
        expect(got).to.deep.equal(created);
      });

      it('a duplicate create fails with KeyExists and changes nothing', async () => {
        const first = await store.create(k('dup'), thing('dup', 1));
        await expectStorageError(store.create(k('dup'), thing('dup', 2)), StorageErrorCode.KeyExists);
        expect(await store.get(k('dup'))).to.deep.equal(first);
      });

      it('of 20 concurrent creates of one key exactly one succeeds', async () => {
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) => store.create(k('race'), thing('race', i))),
        );
        const won = results.filter((r): r is PromiseFulfilledResult<Thing> => r.status === 'fulfilled');
        expect(won).to.have.length(1);
        for (const r of results)
          if (r.status === 'rejected')
            expect(isStorageError(r.reason, StorageErrorCode.KeyExists), String(r.reason)).to.equal(true);
        expect(await store.get(k('race'))).to.deep.equal(won[0]?.value);
      });

      it('get of a missing key fails with KeyNotFound', async () => {
        await expectStorageError(store.get(k('missing')), StorageErrorCode.KeyNotFound);
      });

      it('returns copies: mutating a returned object or the create input changes nothing stored', async () => {
        const input = thing('copy');
        const created = await store.create(k('copy'), input);
        input.spec.n = 7;
        created.spec.n = 8;
        const got = await store.get(k('copy'));
        got.spec.n = 9;
        got.metadata.labels = { mutated: 'yes' };
        const [listed] = (await store.list(dir)).items;
        if (listed) listed.spec.n = 10;
        const again = await store.get(k('copy'));
        expect(again.spec.n).to.equal(0);
        expect(again.metadata.labels).to.equal(undefined);
      });
    });

    describe('guaranteedUpdate', () => {
      it('writes the result at a new revision; tryUpdate may mutate its argument', async () => {
        const created = await store.create(k('u'), thing('u'));
        const updated = await store.guaranteedUpdate(k('u'), (cur) => {
          cur.spec.n = 5;
          return cur;
        });
        expect(rv(updated)).to.be.greaterThan(rv(created));
        expect(updated.spec.n).to.equal(5);
        expect(await store.get(k('u'))).to.deep.equal(updated);
      });

      it('20 concurrent read-modify-writes of one counter all land (compare-and-swap, retried)', async () => {
        await store.create(k('counter'), thing('counter'));
        const results = await Promise.all(
          Array.from({ length: 20 }, () =>
            store.guaranteedUpdate(k('counter'), async (cur) => {
              await Promise.resolve();
              return bump(cur);
            }),
          ),
        );
        const final = await store.get(k('counter'));
        expect(final.spec.n).to.equal(20);
        expect(results.map((r) => r.spec.n).sort((a, b) => a - b)).to.deep.equal(
          Array.from({ length: 20 }, (_, i) => i + 1),
        );
        expect(new Set(results.map(rv)).size, 'every update wrote its own revision').to.equal(20);
        expect(Math.max(...results.map(rv))).to.equal(rv(final));
      });

      it('an update that changes nothing writes nothing and keeps the resourceVersion', async () => {
        const created = await store.create(k('noop'), thing('noop'));
        const before = await store.currentRevision();
        const results = [
          await store.guaranteedUpdate(k('noop'), (cur) => cur),
          // Only the resourceVersion differs.
          await store.guaranteedUpdate(k('noop'), (cur) => ({
            ...cur,
            metadata: { ...cur.metadata, resourceVersion: '1' },
          })),
          // Same content, other key order.
          await store.guaranteedUpdate(k('noop'), (cur) => ({
            spec: cur.spec,
            metadata: cur.metadata,
            kind: cur.kind,
            apiVersion: cur.apiVersion,
          })),
          // Only undefined-valued fields added: they do not survive encoding.
          await store.guaranteedUpdate(k('noop'), (cur) => ({
            ...cur,
            status: undefined,
            metadata: { ...cur.metadata, generation: undefined },
          })),
        ];
        for (const r of results) expect(r.metadata.resourceVersion).to.equal(created.metadata.resourceVersion);
        expect(await store.currentRevision()).to.equal(before);
        expect(await store.get(k('noop'))).to.deep.equal(created);
      });

      it('checks uid and resourceVersion preconditions; a throwing tryUpdate aborts with its error', async () => {
        const created = await store.create(k('pre'), thing('pre'));
        await expectStorageError(
          store.guaranteedUpdate(k('pre'), bump, { uid: 'other' }),
          StorageErrorCode.PreconditionFailed,
        );
        await expectStorageError(
          store.guaranteedUpdate(k('pre'), bump, { resourceVersion: String(rv(created) + 1000) }),
          StorageErrorCode.PreconditionFailed,
        );
        const boom = new Error('boom');
        let caught: unknown;
        await store
          .guaranteedUpdate(k('pre'), () => {
            throw boom;
          })
          .catch((err: unknown) => (caught = err));
        expect(caught).to.equal(boom);
        expect(await store.get(k('pre'))).to.deep.equal(created);
        const ok = await store.guaranteedUpdate(k('pre'), bump, {
          uid: 'uid-pre',
          resourceVersion: created.metadata.resourceVersion ?? '',
        });
        expect(ok.spec.n).to.equal(1);
      });

      it('a stale cachedExisting copy gives the same outcome as none (swap fails, throws, or looks like a no-op)', async () => {
        const stale = await store.create(k('cached'), thing('cached'));
        await store.guaranteedUpdate(k('cached'), bump);
        // A write from the stale copy lands on the latest state.
        const bumped = await store.guaranteedUpdate(k('cached'), bump, undefined, stale);
        expect(bumped.spec.n).to.equal(2);
        // A tryUpdate that rejects the stale copy (a client PUT pinning the newer resourceVersion) succeeds on the re-read.
        const pinned = await store.guaranteedUpdate(
          k('cached'),
          (cur) => {
            if (cur.metadata.resourceVersion !== bumped.metadata.resourceVersion) throw new Error('stale');
            return bump(cur);
          },
          undefined,
          stale,
        );
        expect(pinned.spec.n).to.equal(3);
        // "Set n to 0" is a no-op against the stale copy but not against the stored object.
        const reset = await store.guaranteedUpdate(
          k('cached'),
          (cur) => ({ ...cur, spec: { ...cur.spec, n: 0 } }),
          undefined,
          stale,
        );
        expect(reset.spec.n).to.equal(0);
        expect((await store.get(k('cached'))).spec.n).to.equal(0);
      });

      it('fails with KeyNotFound on a missing key', async () => {
        await expectStorageError(store.guaranteedUpdate(k('missing'), bump), StorageErrorCode.KeyNotFound);
      });
    });

    describe('delete', () => {
      it('checks preconditions and validate, then returns the last state at the delete revision', async () => {
        const created = await store.create(k('d'), thing('d'));
        const updated = await store.guaranteedUpdate(k('d'), bump);
        await expectStorageError(store.delete(k('d'), { uid: 'other' }), StorageErrorCode.PreconditionFailed);
        await expectStorageError(
          store.delete(k('d'), { resourceVersion: created.metadata.resourceVersion ?? '' }),
          StorageErrorCode.PreconditionFailed,
        );
        const veto = new Error('has finalizers');
        let caught: unknown;
        let validated: Thing | undefined;
        await store
          .delete(k('d'), undefined, (cur) => {
            validated = cur;
            throw veto;
          })
          .catch((err: unknown) => (caught = err));
        expect(caught).to.equal(veto);
        expect(validated).to.deep.equal(updated);
        expect(await store.get(k('d'))).to.deep.equal(updated);

        const deleted = await store.delete(k('d'), {
          uid: 'uid-d',
          resourceVersion: updated.metadata.resourceVersion ?? '',
        });
        expect(deleted.spec.n).to.equal(1);
        expect(rv(deleted))
          .to.be.greaterThan(rv(updated))
          .and.at.most(await store.currentRevision());
        await expectStorageError(store.get(k('d')), StorageErrorCode.KeyNotFound);
        await expectStorageError(store.delete(k('d')), StorageErrorCode.KeyNotFound);
        const recreated = await store.create(k('d'), thing('d', 3));
        expect(rv(recreated)).to.be.greaterThan(rv(deleted));
      });
    });

    describe('list', () => {
      it('returns the items under the prefix in key order, with the read revision', async () => {
        for (const n of ['b', 'a-2', 'B', 'a', 'A']) await store.create(k(n), thing(n));
        await store.create(`${root}/thingsX/zz`, thing('zz'));
        await store.create(`${root}/other/a`, thing('other'));
        const res = await store.list(dir);
        expect(names(res.items)).to.deep.equal(['A', 'B', 'a', 'a-2', 'b']);
        expect(res.continue).to.equal(undefined);
        expect(res.revision).to.be.at.least(Math.max(...res.items.map(rv)));
        expect(res.revision).to.be.at.most(await store.currentRevision());
        expect((await store.list(`${root}/nothing/`)).items).to.deep.equal([]);
      });

      it('pages with limit+continue (10, 10, 5) form one snapshot despite writes between pages', async () => {
        for (let i = 0; i < 25; i++) await store.create(k(pad(i)), thing(pad(i), i));
        const p1 = await store.list(dir, { limit: 10 });
        expect(names(p1.items)).to.deep.equal(Array.from({ length: 10 }, (_, i) => pad(i)));
        expect(p1.continue).to.be.a('string');
        await store.delete(k(pad(15)));
        await store.create(k('item-12b'), thing('item-12b'));
        await store.guaranteedUpdate(k(pad(20)), (cur) => ({ ...cur, spec: { n: 999 } }));
        const p2 = await store.list(dir, { limit: 10, continue: p1.continue ?? '' });
        expect(names(p2.items)).to.deep.equal(Array.from({ length: 10 }, (_, i) => pad(10 + i)));
        expect(p2.revision).to.equal(p1.revision);
        const p3 = await store.list(dir, { limit: 10, continue: p2.continue ?? '' });
        expect(names(p3.items)).to.deep.equal([pad(20), pad(21), pad(22), pad(23), pad(24)]);
        expect(p3.items[0]?.spec.n, 'the snapshot value, not the later update').to.equal(20);
        expect(p3.revision).to.equal(p1.revision);
        expect(p3.continue).to.equal(undefined);

        const fresh = await store.list(dir);
        expect(fresh.items).to.have.length(25);
        expect(names(fresh.items)).to.include('item-12b').and.not.include(pad(15));
        expect(fresh.revision).to.be.greaterThan(p1.revision);
        const exact = await store.list(dir, { revision: p1.revision });
        expect(names(exact.items), 'a read at an exact older revision').to.deep.equal(
          Array.from({ length: 25 }, (_, i) => pad(i)),
        );
        expect(exact.revision).to.equal(p1.revision);
      });

      it('with a predicate and a limit, pages are filled with matching items only', async () => {
        for (let i = 0; i < 25; i++) await store.create(k(pad(i)), thing(pad(i), i));
        const predicate = (o: Thing): boolean => o.spec.n % 3 === 0;
        const seen: number[][] = [];
        let cont: string | undefined;
        let pages = 0;
        do {
          const page = await store.list(dir, { limit: 4, predicate, ...(cont ? { continue: cont } : {}) });
          seen.push(page.items.map((o) => o.spec.n));
          cont = page.continue;
          pages++;
        } while (cont && pages < 10);
        expect(seen).to.deep.equal([[0, 3, 6, 9], [12, 15, 18, 21], [24]]);
        const none = await store.list(dir, { limit: 4, predicate: () => false });
        expect(none.items).to.deep.equal([]);
        expect(none.continue).to.equal(undefined);
      });

      it('a malformed continue token, or one for another prefix, is an InvalidRequest', async () => {
        await store.create(k('a'), thing('a'));
        await expectStorageError(store.list(dir, { continue: 'not a token!' }), StorageErrorCode.InvalidRequest);
        const rev = await store.currentRevision();
        await expectStorageError(
          store.list(dir, { continue: encodeContinue({ revision: rev, startAfter: '/elsewhere/x' }) }),
          StorageErrorCode.InvalidRequest,
        );
        await expectStorageError(
          store.list(dir, { continue: Buffer.from('{"rv":"x"}').toString('base64url') }),
          StorageErrorCode.InvalidRequest,
        );
      });
    });

    describe('watch', () => {
      it('delivers every change after the start revision exactly once, in order', async () => {
        const w = await record(store, dir, await store.currentRevision());
        const a1 = await store.create(k('a'), thing('a'));
        const a2 = await store.guaranteedUpdate(k('a'), bump);
        await store.create(`${root}/other/x`, thing('x'));
        await store.create(`${root}/thingsX/x`, thing('x'));
        const del = await store.delete(k('a'));
        const a3 = await store.create(k('a'), thing('a', 7));
        await drain(w);
        expect(w.errors).to.deep.equal([]);
        expect(w.events.map((e) => [e.type, e.key])).to.deep.equal([
          ['ADDED', k('a')],
          ['MODIFIED', k('a')],
          ['DELETED', k('a')],
          ['ADDED', k('a')],
          ['ADDED', k('sentinel')],
        ]);
        const [added, modified, deleted, readded] = w.events;
        expect(added?.object).to.deep.equal(a1);
        expect(added?.prevObject).to.equal(undefined);
        expect(modified?.object).to.deep.equal(a2);
        expect(modified?.prevObject).to.deep.equal(a1);
        expect(deleted?.object).to.deep.equal(del);
        expect(deleted?.object.spec.n, 'the last state').to.equal(1);
        expect(deleted?.revision).to.equal(rv(del));
        expect(deleted?.prevObject?.spec).to.deep.equal(a2.spec);
        expect(readded?.object).to.deep.equal(a3);
        expect(readded?.prevObject).to.equal(undefined);
        expect(w.events.map((e) => e.revision)).to.deep.equal(w.events.map((e) => rv(e.object)));
        w.stop();
      });

      it('replays the history after an older start revision', async () => {
        const c = await store.create(k('h'), thing('h'));
        const u1 = await store.guaranteedUpdate(k('h'), bump);
        const u2 = await store.guaranteedUpdate(k('h'), bump);
        const d = await store.delete(k('h'));
        const w = await record(store, dir, rv(c));
        const late = await record(store, dir, rv(d));
        await drain(w);
        await waitFor(() => late.events.length === 1, 5000, 'the sentinel on the late watch');
        expect(w.events.map((e) => [e.type, e.key, e.revision])).to.deep.equal([
          ['MODIFIED', k('h'), rv(u1)],
          ['MODIFIED', k('h'), rv(u2)],
          ['DELETED', k('h'), rv(d)],
          ['ADDED', k('sentinel'), late.events[0]?.revision],
        ]);
        expect(late.events.map((e) => e.key)).to.deep.equal([k('sentinel')]);
        w.stop();
        late.stop();
      });

      it("a watch from a list's revision misses no write made after the list", async () => {
        for (const n of ['x', 'y', 'z']) await store.create(k(n), thing(n));
        const listed = await store.list(dir);
        await store.guaranteedUpdate(k('x'), bump);
        await store.delete(k('y'));
        await store.create(k('w'), thing('w'));
        const w = await record(store, dir, listed.revision);
        await store.guaranteedUpdate(k('z'), bump);
        await drain(w);
        expect(w.events.map((e) => [e.type, e.object.metadata.name])).to.deep.equal([
          ['MODIFIED', 'x'],
          ['DELETED', 'y'],
          ['ADDED', 'w'],
          ['MODIFIED', 'z'],
          ['ADDED', 'sentinel'],
        ]);
        w.stop();
      });

      it('stop ends delivery; each watch gets its own copies', async () => {
        const start = await store.currentRevision();
        const stopped = await record(store, dir, start);
        const w = await record(store, dir, start);
        const other = await record(store, dir, start);
        stopped.stop();
        await store.create(k('s'), thing('s'));
        await waitFor(
          () => w.events.length === 1 && other.events.length === 1,
          5000,
          'both live watches to see the write',
        );
        const first = w.events[0];
        if (first) first.object.spec.n = 42;
        expect(other.events[0]?.object.spec.n).to.equal(0);
        await drain(w);
        expect(stopped.events).to.deep.equal([]);
        expect(stopped.errors).to.deep.equal([]);
        w.stop();
        other.stop();
      });
    });

    describe('compaction and revisions', () => {
      it('checkRevision accepts 0 and the current revision', async () => {
        await store.create(k('a'), thing('a'));
        await store.checkRevision(0);
        await store.checkRevision(await store.currentRevision());
      });

      it('reads, continues and watches at a compacted revision fail with Expired', async () => {
        for (const n of ['a', 'b', 'c']) await store.create(k(n), thing(n));
        const page = await store.list(dir, { limit: 1 });
        const old = page.revision;
        await store.guaranteedUpdate(k('a'), bump);
        await store.guaranteedUpdate(k('a'), bump);
        await store.create(k('d'), thing('d'));
        const now = await store.currentRevision();
        await fx.compact(now);

        await expectStorageError(store.list(dir, { revision: old }), StorageErrorCode.Expired);
        await expectStorageError(
          store.list(dir, { limit: 1, continue: page.continue ?? '' }),
          StorageErrorCode.Expired,
        );
        await expectStorageError(store.checkRevision(old), StorageErrorCode.Expired);
        const expired = await record(store, dir, old);
        await waitFor(() => expired.errors.length > 0, 5000, 'the watch from a compacted revision to fail');
        expect(expired.errors).to.have.length(1);
        expect(isStorageError(expired.errors[0], StorageErrorCode.Expired), String(expired.errors[0])).to.equal(true);
        expect(expired.events).to.deep.equal([]);
        expired.stop();

        await store.checkRevision(now);
        const atNow = await store.list(dir, { revision: now });
        expect(names(atNow.items)).to.deep.equal(['a', 'b', 'c', 'd']);
        expect(atNow.items[0]?.spec.n).to.equal(2);
        expect((await store.get(k('a'))).spec.n).to.equal(2);
        const w = await record(store, dir, now);
        await drain(w);
        expect(w.events.map((e) => e.key)).to.deep.equal([k('sentinel')]);
        w.stop();
        await expectStorageError(fx.compact(now), StorageErrorCode.Expired);
      });
    });
  });
}
