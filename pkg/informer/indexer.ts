/**
 * The indexed cache (client-go's Indexer over its thread-safe store): a Store plus named
 * secondary indexes, each an IndexFunc mapping an object to the index values it is filed under.
 * Indexes are maintained on every add/update/delete/replace, so byIndex never scans.
 */
import type { KubeObject } from '../api/meta';
import { deepFreeze, type DeepReadonly } from '../util/immutable/deep_readonly';
import type { KeyFunc, Store } from './store';
import { objectKey } from '../api/keys';

/** Maps an object to the values it is indexed under (none, one or many). Must be pure. */
export type IndexFunc<T> = (obj: DeepReadonly<T>) => string[];

/** Named index functions. */
export type Indexers<T> = Record<string, IndexFunc<T>>;

/** The built-in index every cache has: objects by `metadata.namespace` ('' when cluster-scoped). */
export const NamespaceIndex = 'namespace';

/** A Store with named secondary indexes. */
export interface Indexer<T extends KubeObject> extends Store<T> {
  /**
   * Adds indexes (existing objects are indexed at once). Throws if a name is already in use;
   * the cache is unchanged then.
   */
  addIndexers(indexers: Indexers<T>): void;
  /** Objects filed under `value` in index `indexName`. Throws for an unknown index. */
  byIndex(indexName: string, value: string): DeepReadonly<T>[];
  /** Keys filed under `value` in index `indexName`. Throws for an unknown index. */
  indexKeys(indexName: string, value: string): string[];
  /** Every value index `indexName` currently has objects under. Throws for an unknown index. */
  listIndexValues(indexName: string): string[];
  /** Names of every index, the built-in namespace index included. */
  indexNames(): string[];
}

type Fn<T> = (obj: T) => string[];
/** index name → index value → keys. */
type Indices = Map<string, Map<string, Set<string>>>;

/**
 * The Indexer implementation. Synchronous throughout; an index function that throws makes the
 * operation throw before anything is changed.
 */
export class IndexedCache<T extends KubeObject> implements Indexer<T> {
  private items = new Map<string, T>();
  private indices: Indices = new Map();
  private readonly fns = new Map<string, Fn<T>>();
  private rv = '';

  constructor(
    indexers: Indexers<T> = {},
    private readonly keyOf: KeyFunc = objectKey,
  ) {
    this.fns.set(NamespaceIndex, (obj) => [obj.metadata.namespace ?? '']);
    this.indices.set(NamespaceIndex, new Map());
    this.addIndexers(indexers);
  }

  addIndexers(indexers: Indexers<T>): void {
    const added = new Map<string, Fn<T>>();
    for (const [name, fn] of Object.entries(indexers)) {
      if (this.fns.has(name)) throw new Error(`indexer "${name}" already exists`);
      added.set(name, (obj) => fn(deepFreeze(obj)));
    }
    const built = new Map<string, Map<string, Set<string>>>();
    for (const [name, fn] of added) {
      const index = new Map<string, Set<string>>();
      for (const [key, obj] of this.items) for (const v of unique(fn(obj))) addTo(index, v, key);
      built.set(name, index);
    }
    for (const [name, fn] of added) this.fns.set(name, fn);
    for (const [name, index] of built) this.indices.set(name, index);
  }

  add(obj: T): void {
    const key = this.keyOf(obj);
    const old = this.items.get(key);
    const oldValues = old ? this.valuesOf(old) : undefined;
    const newValues = this.valuesOf(obj);
    deepFreeze(obj);
    this.items.set(key, obj);
    for (const [name, values] of newValues) {
      const index = this.indexOf(name);
      const before = oldValues?.get(name) ?? [];
      for (const v of before) if (!values.includes(v)) removeFrom(index, v, key);
      for (const v of values) addTo(index, v, key);
    }
  }

  update(obj: T): void {
    this.add(obj);
  }

  delete(obj: T): void {
    this.deleteKey(this.keyOf(obj));
  }

  /** Removes `key` and its index entries; a missing key is not an error. */
  deleteKey(key: string): void {
    const old = this.items.get(key);
    if (!old) return;
    const oldValues = this.valuesOf(old);
    this.items.delete(key);
    for (const [name, values] of oldValues) {
      const index = this.indexOf(name);
      for (const v of values) removeFrom(index, v, key);
    }
  }

  get(key: string): DeepReadonly<T> | undefined {
    const obj = this.items.get(key);
    return obj && deepFreeze(obj);
  }

  list(): DeepReadonly<T>[] {
    return [...this.items.values()].map((o) => deepFreeze(o));
  }

  listKeys(): string[] {
    return [...this.items.keys()];
  }

  replace(items: readonly T[], resourceVersion: string): void {
    const next = new Map<string, T>();
    for (const obj of items) next.set(this.keyOf(obj), obj);
    const indices: Indices = new Map();
    for (const [name, fn] of this.fns) {
      const index = new Map<string, Set<string>>();
      for (const [key, obj] of next) for (const v of unique(fn(obj))) addTo(index, v, key);
      indices.set(name, index);
    }
    for (const obj of next.values()) deepFreeze(obj);
    this.items = next;
    this.indices = indices;
    this.rv = resourceVersion;
  }

  lastReplaceResourceVersion(): string {
    return this.rv;
  }

  byIndex(indexName: string, value: string): DeepReadonly<T>[] {
    const out: DeepReadonly<T>[] = [];
    for (const key of this.indexOf(indexName).get(value) ?? []) {
      const obj = this.items.get(key);
      if (obj) out.push(deepFreeze(obj));
    }
    return out;
  }

  indexKeys(indexName: string, value: string): string[] {
    return [...(this.indexOf(indexName).get(value) ?? [])];
  }

  listIndexValues(indexName: string): string[] {
    return [...this.indexOf(indexName).keys()];
  }

  indexNames(): string[] {
    return [...this.fns.keys()];
  }

  private indexOf(name: string): Map<string, Set<string>> {
    const index = this.indices.get(name);
    if (!index) throw new Error(`index "${name}" does not exist`);
    return index;
  }

  /** Every index's values for `obj`, computed before any mutation. */
  private valuesOf(obj: T): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [name, fn] of this.fns) out.set(name, unique(fn(obj)));
    return out;
  }
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function addTo(index: Map<string, Set<string>>, value: string, key: string): void {
  let keys = index.get(value);
  if (!keys) index.set(value, (keys = new Set()));
  keys.add(key);
}

function removeFrom(index: Map<string, Set<string>>, value: string, key: string): void {
  const keys = index.get(value);
  if (!keys) return;
  keys.delete(key);
  if (keys.size === 0) index.delete(value);
}
