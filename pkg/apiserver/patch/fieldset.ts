/**
 * Sets of field paths, as server-side apply tracks ownership (structured-merge-diff's
 * fieldpath.Set). A path is a list of elements in FieldsV1 spelling:
 *
 * - `f:<name>`   a struct field or map key
 * - `k:<json>`   an item of an associative list, by its key fields (`k:{"name":"nginx"}`)
 * - `v:<json>`   an item of a set (`v:"kubernetes"`)
 * - `i:<index>`  an item of a list by position
 *
 * Sets serialize to `metadata.managedFields[].fieldsV1` (a trie where `"."` marks that the node
 * itself is a member) and print as `.spec.containers[name="nginx"].image`.
 */
import { isDeepStrictEqual } from 'node:util';
import { deleteOwn, getOwn, hasOwnKey, setOwn } from '../../util/json/own';

/** One path element, in FieldsV1 spelling. */
export type PathElement = string;

/** A field path. */
export type FieldPath = readonly PathElement[];

/** Separates the elements of a path key; an element containing it is quoted (never ambiguous). */
const keySeparator = '\u0000';
const keyPart = (e: PathElement): string => (e.includes(keySeparator) ? JSON.stringify(e) : e);

/** The key of a path in a set (paths are compared by their elements). */
export const pathKey = (path: FieldPath): string => path.map(keyPart).join(keySeparator);

/** pathKey([...parent, e]) from pathKey(parent), without rebuilding it. */
export const childKey = (parentKey: string, e: PathElement): string =>
  parentKey === '' ? keyPart(e) : `${parentKey}${keySeparator}${keyPart(e)}`;

/**
 * An immutable-by-convention set of field paths. Paths are stored as given, not copied: callers
 * build a fresh array per path and never mutate it afterwards.
 */
export class FieldSet {
  private readonly members = new Map<string, FieldPath>();

  constructor(paths: Iterable<FieldPath> = []) {
    for (const p of paths) this.add(p);
  }

  private static from(entries: Iterable<[string, FieldPath]>): FieldSet {
    const set = new FieldSet();
    for (const [k, p] of entries) set.members.set(k, p);
    return set;
  }

  /** Adds a path (its key may be passed when the caller already has it). */
  add(path: FieldPath, key = pathKey(path)): void {
    this.members.set(key, path);
  }

  /** Removes a path. */
  delete(path: FieldPath): void {
    this.members.delete(pathKey(path));
  }

  has(path: FieldPath): boolean {
    return this.members.has(pathKey(path));
  }

  /** True when the path with this key (see pathKey) is a member. */
  hasKey(key: string): boolean {
    return this.members.has(key);
  }

  get size(): number {
    return this.members.size;
  }

  /** The paths, in insertion order. */
  paths(): FieldPath[] {
    return [...this.members.values()];
  }

  /** [key, path] pairs, in insertion order. */
  entries(): IterableIterator<[string, FieldPath]> {
    return this.members.entries();
  }

  union(other: FieldSet): FieldSet {
    const set = FieldSet.from(this.members);
    for (const [k, p] of other.members) set.members.set(k, p);
    return set;
  }

  difference(other: FieldSet): FieldSet {
    if (other.size === 0) return this;
    return FieldSet.from([...this.members].filter(([k]) => !other.members.has(k)));
  }

  intersection(other: FieldSet): FieldSet {
    return FieldSet.from([...this.members].filter(([k]) => other.members.has(k)));
  }

  /** True when some member is `path` itself or lies below it. */
  hasPrefix(path: FieldPath): boolean {
    return this.paths().some((p) => p.length >= path.length && path.every((e, i) => p[i] === e));
  }
}

type Trie = { [k: string]: Trie };

const isTrie = (v: unknown): v is Trie => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Decodes a FieldsV1 trie; anything malformed decodes to what could be read. */
export function fromFieldsV1(fields: unknown): FieldSet {
  const set = new FieldSet();
  const walk = (node: Trie, path: PathElement[]): void => {
    for (const [k, child] of Object.entries(node)) {
      if (k === '.' || !isTrie(child)) continue;
      const p = [...path, k];
      if (hasOwnKey(child, '.') || Object.keys(child).length === 0) set.add(p);
      walk(child, p);
    }
  };
  if (isTrie(fields)) walk(fields, []);
  return set;
}

/** Encodes a set as a FieldsV1 trie. */
export function toFieldsV1(set: FieldSet): Trie {
  const root: Trie = {};
  const members = set.paths();
  for (const path of members) {
    let node = root;
    for (const e of path) {
      let next = getOwn<Trie>(node, e);
      if (next === undefined) {
        next = {};
        setOwn(node, e, next);
      }
      node = next;
    }
  }
  for (const path of members) {
    let node: Trie = root;
    for (const e of path) node = getOwn<Trie>(node, e) ?? {};
    if (Object.keys(node).length > 0) node['.'] = {};
  }
  return root;
}

/** `f:<name>` */
export const fieldElement = (name: string): PathElement => `f:${name}`;

/** `k:{"name":"x"}` with keys in alphabetical order. */
export function keyElement(keys: Record<string, unknown>): PathElement {
  const sorted = Object.fromEntries(
    Object.keys(keys)
      .sort()
      .map((k) => [k, keys[k]]),
  );
  return `k:${JSON.stringify(sorted)}`;
}

/** `v:<json>` */
export const valueElement = (value: unknown): PathElement => `v:${JSON.stringify(value)}`;

/** `i:<index>` */
export const indexElement = (i: number): PathElement => `i:${i}`;

/** Parses the key fields of a `k:` element. */
export function parseKeyElement(e: PathElement): Record<string, unknown> | undefined {
  if (!e.startsWith('k:')) return undefined;
  try {
    const v: unknown = JSON.parse(e.slice(2));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function parseJson(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The index, in `list`, of the item a path element names (or -1). */
export function itemIndex(list: readonly unknown[], e: PathElement): number {
  if (e.startsWith('k:')) {
    const keys = parseKeyElement(e);
    if (!keys) return -1;
    return list.findIndex(
      (item) => isRecord(item) && Object.entries(keys).every(([k, v]) => isDeepStrictEqual(getOwn(item, k), v)),
    );
  }
  if (e.startsWith('v:')) {
    const v = parseJson(e.slice(2));
    return list.findIndex((item) => isDeepStrictEqual(item, v));
  }
  if (e.startsWith('i:')) {
    const i = Number(e.slice(2));
    return Number.isInteger(i) && i >= 0 && i < list.length ? i : -1;
  }
  return -1;
}

/** The value a path names in a JSON value (undefined when absent). */
export function valueAt(root: unknown, path: FieldPath): unknown {
  let cur: unknown = root;
  for (const e of path) {
    if (e.startsWith('f:')) {
      if (!isRecord(cur)) return undefined;
      cur = getOwn(cur, e.slice(2));
    } else {
      if (!Array.isArray(cur)) return undefined;
      const i = itemIndex(cur, e);
      if (i < 0) return undefined;
      cur = cur[i];
    }
    if (cur === undefined) return undefined;
  }
  return cur;
}

/**
 * Removes what a path names from a JSON value, in place: a field, a map key or a list item.
 * Returns true when something was removed.
 */
export function removePath(root: unknown, path: FieldPath): boolean {
  if (path.length === 0) return false;
  const parent = valueAt(root, path.slice(0, -1));
  const last = path[path.length - 1] ?? '';
  if (last.startsWith('f:')) {
    if (!isRecord(parent) || !hasOwnKey(parent, last.slice(2))) return false;
    deleteOwn(parent, last.slice(2));
    return true;
  }
  if (!Array.isArray(parent)) return false;
  const i = itemIndex(parent, last);
  if (i < 0) return false;
  parent.splice(i, 1);
  return true;
}

/** A path as structured-merge-diff prints it: `.spec.containers[name="nginx"].image`. */
export function pathString(path: FieldPath): string {
  return path
    .map((e) => {
      if (e.startsWith('f:')) return `.${e.slice(2)}`;
      if (e.startsWith('k:')) {
        const keys = parseKeyElement(e) ?? {};
        return `[${Object.entries(keys)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(',')}]`;
      }
      if (e.startsWith('v:')) return `[=${e.slice(2)}]`;
      if (e.startsWith('i:')) return `[${e.slice(2)}]`;
      return e;
    })
    .join('');
}
