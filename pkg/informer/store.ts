/**
 * The cache contract: objects keyed by `namespace/name` (objectKey of pkg/api/keys; `name` for cluster-scoped
 * objects). Every operation is synchronous, so a mutation and the reads around it can never
 * interleave with another mutation on Node's single event loop.
 */
import type { KeyedObject } from '../api/keys';
import type { KubeObject } from '../api/meta';
import type { DeepReadonly } from '../util/immutable/deep_readonly';

/** What a key is computed from (mutable and read-only objects alike). */
export type Keyed = KeyedObject;

/** Computes the cache key of an object (the default is objectKey of pkg/api/keys). */
export type KeyFunc = (obj: Keyed) => string;

/**
 * A keyed cache of read-only objects.
 *
 * Writers hand objects over: `add`, `update` and `replace` deep-freeze what they are given
 * (the caller must not keep mutating it). Readers get `DeepReadonly` views of the cached
 * objects themselves, never copies; clone before changing one.
 */
export interface Store<T extends KubeObject> {
  /** Inserts or overwrites the object under its key. */
  add(obj: T): void;
  /** Same as add: inserts or overwrites the object under its key. */
  update(obj: T): void;
  /** Removes the object's key; a missing key is not an error. */
  delete(obj: T): void;
  /** The object stored under `key`, if any. */
  get(key: string): DeepReadonly<T> | undefined;
  /** Every stored object, in no particular order (a fresh array). */
  list(): DeepReadonly<T>[];
  /** Every key, in no particular order (a fresh array). */
  listKeys(): string[];
  /**
   * Atomically swaps the whole contents for `items` (objects not in `items` are dropped).
   * `resourceVersion` is the list's version; it is recorded, never compared.
   */
  replace(items: readonly T[], resourceVersion: string): void;
  /** The resourceVersion passed to the last `replace` ('' before any). */
  lastReplaceResourceVersion(): string;
}
