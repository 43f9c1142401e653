/**
 * The apiserver's watch cache while it resets (its etcd watch broke, e.g. on compaction, and it
 * is relisting): a client watch registered in that window must not silently miss the writes
 * made while the cache had no etcd watch. Either the registration is refused with 410 (the
 * client relists) or the watcher gets every event. The etcd watch break is injected through a
 * Storage proxy in front of the real EtcdStore; the relist is held open by the test.
 */
import { expect } from 'chai';
import type { KubeObject } from '../../../pkg/api/meta';
import { isGone } from '../../../pkg/api/errors';
import { type CachedEvent, WatchCache } from '../../../pkg/apiserver/watch/cache';
import { silentLogger } from '../../../pkg/log/logger';
import { EtcdStore } from '../../../pkg/storage/etcd/store';
import type { Storage, StorageWatchHandlers } from '../../../pkg/storage/interfaces';
import { etcdEndpoints, uniquePrefix } from '../../helpers/etcd';
import { waitFor } from '../../helpers/wait';

function obj(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: 'ns' } };
}

describe('apiserver watch cache: registering while the cache resets', function () {
  this.timeout(20_000);
  let etcd: EtcdStore;

  before(() => {
    etcd = new EtcdStore({ endpoints: etcdEndpoints() });
  });
  after(async () => etcd?.close());

  it('a watch registered while the cache relists after its etcd watch broke gets a 410 or every event (never a silent gap)', async () => {
    const prefix = `${uniquePrefix()}/registry/persistentvolumeclaims/`;
    let breakWatch: ((err: Error) => void) | undefined;
    let holdList: Promise<void> | undefined;
    const proxied = new Proxy(etcd, {
      get(target, prop, receiver) {
        if (prop === 'watch') {
          return (p: string, after: number, h: StorageWatchHandlers) => {
            breakWatch = (err) => h.onError(err);
            return target.watch(p, after, h);
          };
        }
        if (prop === 'list') {
          return async (...args: Parameters<Storage['list']>) => {
            await holdList;
            return target.list(...args);
          };
        }
        const v: unknown = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    }) as Storage;

    const cache = new WatchCache({ storage: proxied, prefix, logger: silentLogger() });
    await cache.start();
    try {
      const first = await etcd.create(`${prefix}ns/first`, obj('first'));
      const from = Number(first.metadata.resourceVersion);
      await waitFor(() => cache.latestRevision >= from, 5000, 'the cache to see the first write');

      // The etcd watch breaks; the cache resets and relists, and the relist is held.
      let release = (): void => undefined;
      holdList = new Promise<void>((resolve) => {
        release = resolve;
      });
      breakWatch?.(new Error('simulated: required revision has been compacted'));

      // A write nobody's etcd watch sees, then a client watch from before it.
      const gap = await etcd.create(`${prefix}ns/in-the-gap`, obj('in-the-gap'));
      const received: number[] = [];
      let registration: 'registered' | 'gone' = 'registered';
      try {
        await cache.watch(from, {
          event: (e: CachedEvent) => {
            received.push(e.ev.revision);
            return true;
          },
          close: () => undefined,
        });
      } catch (err) {
        if (!isGone(err)) throw err;
        registration = 'gone';
      }

      release();
      await waitFor(
        () => cache.latestRevision >= Number(gap.metadata.resourceVersion),
        5000,
        'the cache to be re-primed',
      );
      const later = await etcd.create(`${prefix}ns/later`, obj('later'));
      if (registration === 'registered') {
        await waitFor(() => received.includes(Number(later.metadata.resourceVersion)), 5000, 'the later event');
        expect(received, 'the watcher silently missed the write made while the cache had no etcd watch').to.include(
          Number(gap.metadata.resourceVersion),
        );
      } else {
        expect(registration).to.equal('gone');
      }
    } finally {
      cache.stop();
    }
  });
});
