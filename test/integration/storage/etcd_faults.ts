/**
 * Shared pieces of the etcd fault suites (etcd_ha, etcd_hung): a store preferring one member,
 * a recording watch, sequential creates that count ambiguous failures, and a steady writer.
 */
import { expect } from 'chai';
import type { KubeObject } from '../../../pkg/api/meta';
import { isStorageError, StorageErrorCode } from '../../../pkg/storage/errors';
import { EtcdStore } from '../../../pkg/storage/etcd/store';
import type { StorageEvent } from '../../../pkg/storage/interfaces';
import type { EtcdCluster } from '../../helpers/etcd_cluster';

/** A minimal object to store. */
export function obj(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name } } as KubeObject;
}

/** A store whose preferred member (the one its calls and watches use first) is member `first`. */
export function storePreferring(cluster: EtcdCluster, first: number, requestTimeoutMs: number): EtcdStore {
  const eps = cluster.endpoints;
  return new EtcdStore({ endpoints: [eps[first] ?? '', ...eps.filter((_, i) => i !== first)], requestTimeoutMs });
}

/** A store watch that records every event and error. */
export async function record(store: EtcdStore, prefix: string, after: number) {
  const events: StorageEvent[] = [];
  const errors: Error[] = [];
  const stop = await store.watch(prefix, after, {
    onEvent: (ev) => events.push(ev),
    onError: (err) => errors.push(err),
  });
  return { events, errors, stop };
}

/**
 * Creates `n` keys under `prefix` one after the other: the revisions of the acknowledged ones,
 * how many failed as ambiguous (Unreachable: the answer was lost; any other error throws), and
 * the slowest call in ms.
 */
export async function createMany(store: EtcdStore, prefix: string, from: number, n: number) {
  const revs: number[] = [];
  let ambiguous = 0;
  let slowest = 0;
  for (let i = from; i < from + n; i++) {
    const t0 = Date.now();
    try {
      const o = await store.create(`${prefix}k${String(i).padStart(3, '0')}`, obj(`k${i}`));
      revs.push(Number(o.metadata.resourceVersion));
    } catch (err) {
      if (!isStorageError(err, StorageErrorCode.Unreachable)) throw err;
      ambiguous++;
    }
    slowest = Math.max(slowest, Date.now() - t0);
  }
  return { revs, ambiguous, slowest };
}

/**
 * Creates keys under `prefix` until stopped; only an ambiguous write (503, Unreachable) may
 * fail. `acknowledged` grows as writes are answered; `stop()` resolves with the ambiguous count.
 */
export function steadyWriter(store: EtcdStore, prefix: string) {
  const acknowledged: number[] = [];
  let ambiguous = 0;
  let running = true;
  const done = (async () => {
    for (let i = 0; running; i++) {
      try {
        const o = await store.create(`${prefix}k${String(i).padStart(4, '0')}`, obj(`k${i}`));
        acknowledged.push(Number(o.metadata.resourceVersion));
      } catch (err) {
        expect(isStorageError(err, StorageErrorCode.Unreachable), String(err)).to.equal(true);
        ambiguous++;
      }
    }
  })();
  return {
    acknowledged,
    stop: async (): Promise<number> => {
      running = false;
      await done;
      return ambiguous;
    },
  };
}
