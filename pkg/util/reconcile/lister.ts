/**
 * What reconcilers read their cached objects through (consumer-defined, so an informer's lister
 * and a test's IndexedCache both satisfy it), and how they get a copy they may change.
 */
import type { DeepReadonly } from '../immutable/deep_readonly';
import { jsonClone } from '../json/clone';

/** A read-only cache view (an informer's lister satisfies it). */
export interface Lister<T> {
  get(key: string): DeepReadonly<T> | undefined;
  byIndex(index: string, value: string): DeepReadonly<T>[];
}

/** A private, mutable copy of a cached object. */
export function thaw<T>(obj: DeepReadonly<T>): T {
  return jsonClone(obj) as T;
}
