/**
 * Listers: the typed, read-only view of an informer's cache that reconcilers read from.
 * Reads are synchronous and return the cached objects themselves (deep-frozen): clone before
 * changing one.
 */
import type { KubeObject, StringMap } from '../api/meta';
import { type Indexer, NamespaceIndex } from './indexer';
import type { DeepReadonly } from '../util/immutable/deep_readonly';

/** Anything that matches a label set (a parsed labels Selector satisfies it). */
export interface LabelMatcher {
  matches(labels: StringMap | undefined): boolean;
}

/** Read-only access to a cache. */
export interface Lister<T> {
  /** The object under `namespace/name` (`name` when cluster-scoped), if cached. */
  get(key: string): DeepReadonly<T> | undefined;
  /** Every cached object whose labels match `selector` (all when omitted). */
  list(selector?: LabelMatcher): DeepReadonly<T>[];
  /** Cached objects of one namespace whose labels match `selector` (all when omitted). */
  listNamespace(namespace: string, selector?: LabelMatcher): DeepReadonly<T>[];
  /** Objects filed under `value` in index `indexName`; throws for an unknown index. */
  byIndex(indexName: string, value: string): DeepReadonly<T>[];
}

function labelsOf<T extends KubeObject>(obj: DeepReadonly<T>): StringMap | undefined {
  return (obj as DeepReadonly<KubeObject>).metadata.labels;
}

/** A Lister reading `indexer`. */
export function listerFor<T extends KubeObject>(indexer: Indexer<T>): Lister<T> {
  const filter = (objs: DeepReadonly<T>[], selector?: LabelMatcher): DeepReadonly<T>[] =>
    selector ? objs.filter((o) => selector.matches(labelsOf(o))) : objs;
  return {
    get: (key) => indexer.get(key),
    list: (selector) => filter(indexer.list(), selector),
    listNamespace: (namespace, selector) => filter(indexer.byIndex(NamespaceIndex, namespace), selector),
    byIndex: (indexName, value) => indexer.byIndex(indexName, value),
  };
}
