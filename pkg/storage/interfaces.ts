/**
 * The storage contract the apiserver's registry is built on: a key-value store of JSON objects
 * whose `metadata.resourceVersion` is the store revision that last modified the key.
 * Two implementations: etcd/ (the real one) and memory/ (a fake for unit tests); one contract
 * test suite runs against both.
 */
import type { KubeObject } from '../api/meta';

/** Conditions checked against the current object before a delete or update. */
export interface Preconditions {
  uid?: string;
  resourceVersion?: string;
}

/** Options of a list (range) read. */
export interface ListOptions<T extends KubeObject = KubeObject> {
  /** Maximum number of matching items to return; 0/undefined = all. */
  limit?: number;
  /** Opaque token from a previous page. */
  continue?: string;
  /** Read at this exact revision (resourceVersionMatch=Exact) instead of the newest. */
  revision?: number;
  /** Only items for which this returns true are returned (and counted against limit). */
  predicate?: (obj: T) => boolean;
}

/** One page of a list read. */
export interface ListResult<T extends KubeObject = KubeObject> {
  items: T[];
  /** The store revision the read was made at. */
  revision: number;
  /** Token for the next page, when more items may exist. */
  continue?: string;
}

/** A change to a key, as the store's watch reports it. */
export interface StorageEvent<T extends KubeObject = KubeObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  key: string;
  /** The new object; for DELETED, the last state with resourceVersion = the delete's revision. */
  object: T;
  /** The state before the change (absent for ADDED). */
  prevObject?: T;
  revision: number;
}

/** Receives a raw store watch's events in revision order, or its terminal error. */
export interface StorageWatchHandlers<T extends KubeObject = KubeObject> {
  onEvent(ev: StorageEvent<T>): void;
  /** Called once when the watch cannot continue (compacted: a StorageError with code Expired). */
  onError(err: Error): void;
}

/**
 * Computes the next state of an object inside guaranteedUpdate. Return the same reference (or
 * a deep-equal object) to write nothing. Throwing aborts the update with that error.
 */
export type UpdateFunc<T extends KubeObject = KubeObject> = (current: T) => T | Promise<T>;

/** The storage interface. Every method is safe to call concurrently. */
export interface Storage<T extends KubeObject = KubeObject> {
  /** Stores a new object; fails with KeyExists when the key exists. Returns it with its revision. */
  create(key: string, obj: T): Promise<T>;
  /** Reads one object; fails with KeyNotFound. */
  get(key: string): Promise<T>;
  /**
   * Read-modify-write with compare-and-swap on the read revision, retried on conflict. An
   * update that changes nothing writes nothing and keeps the revision. `cachedExisting` (a
   * possibly stale copy, e.g. from a watch cache) saves the first read: if it turns out stale —
   * the swap fails, `tryUpdate` throws, or the result is a no-op — the key is read afresh and
   * tried again, so the outcome is the same as without it.
   */
  guaranteedUpdate(
    key: string,
    tryUpdate: UpdateFunc<T>,
    preconditions?: Preconditions,
    cachedExisting?: T,
  ): Promise<T>;
  /**
   * Deletes a key if the preconditions hold (and `validate`, given the current object, does not
   * throw). Retried on concurrent modification. Returns the deleted object.
   */
  delete(key: string, preconditions?: Preconditions, validate?: (current: T) => void): Promise<T>;
  /** Lists keys under a prefix; a continue token keeps the first page's snapshot. */
  list(prefix: string, opts?: ListOptions<T>): Promise<ListResult<T>>;
  /** Watches every key under `prefix` for changes after `afterRevision`. Returns a stop function. */
  watch(prefix: string, afterRevision: number, handlers: StorageWatchHandlers<T>): Promise<() => void>;
  /** The newest revision of the store. */
  currentRevision(): Promise<number>;
  /** Fails with Expired when `revision` has been compacted away. */
  checkRevision(revision: number): Promise<void>;
  /** Releases connections. */
  close(): Promise<void>;
}
