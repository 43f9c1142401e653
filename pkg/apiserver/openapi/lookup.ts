/**
 * Navigating the published schemas the way the server's own consumers need to: the schema of
 * a kind, of a field, of a list's items, with `allOf`/`$ref` resolved. Field validation,
 * strategic merge patch and server-side apply all walk objects through these functions.
 */
import { allSchemas } from './definitions';
import { refPrefix, type Components, type Schema } from './schema';
import { getOwn } from '../../util/json/own';

/** What a resolved schema node describes. */
export type NodeShape = 'struct' | 'map' | 'list' | 'scalar' | 'free';

const extensionKeys = [
  'x-kubernetes-map-type',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-patch-strategy',
] as const;

/**
 * Follows `allOf[0]` and `$ref` to the schema they name. Extensions written beside the
 * reference (e.g. `x-kubernetes-map-type: granular` on PV `claimRef`) override the target's.
 */
export function resolve(s: Schema | undefined, components: Components = allSchemas): Schema | undefined {
  if (!s) return undefined;
  const memo = components === allSchemas;
  if (memo && resolved.has(s)) return resolved.get(s);
  const r = resolveUncached(s, components);
  if (memo) resolved.set(s, r);
  return r;
}

/** Resolutions against the published schemas (hot: every write walks them). Read-only. */
const resolved = new WeakMap<Schema, Schema | undefined>();

function resolveUncached(s: Schema, components: Components): Schema | undefined {
  let cur: Schema | undefined = s;
  const overrides: Partial<Schema> = {};
  for (let depth = 0; cur && depth < 16; depth++) {
    for (const k of extensionKeys)
      if (cur[k] !== undefined && overrides[k] === undefined) Object.assign(overrides, { [k]: cur[k] });
    const next: Schema | undefined =
      cur.allOf?.[0] ?? (cur.$ref ? getOwn<Schema>(components, cur.$ref.slice(refPrefix.length)) : undefined);
    if (!next) break;
    cur = next;
  }
  return cur ? { ...cur, ...overrides } : undefined;
}

/** The shape of a (resolved) schema node. */
export function shapeOf(s: Schema | undefined): NodeShape {
  if (!s || s['x-kubernetes-preserve-unknown-fields']) return 'free';
  if (s.type === 'array') return 'list';
  if (s.properties) return 'struct';
  if (s.additionalProperties !== undefined && s.additionalProperties !== false) return 'map';
  if (s.type === 'object') return 'free';
  return 'scalar';
}

/** The schema of field/key `key` of an object node, or undefined when it is not declared. */
export function fieldSchema(s: Schema | undefined, key: string): Schema | undefined {
  const r = resolve(s);
  if (!r) return undefined;
  // Own properties only: a field named `constructor` is not Object.prototype.constructor.
  const prop = r.properties ? getOwn<Schema>(r.properties, key) : undefined;
  if (prop) return resolve(prop);
  if (typeof r.additionalProperties === 'object') return resolve(r.additionalProperties);
  return undefined;
}

/** The schema of a list's items. */
export function itemSchema(s: Schema | undefined): Schema | undefined {
  return resolve(resolve(s)?.items);
}

const byKind = new Map<string, Schema | undefined>();

/** The schema of a kind, found by its `x-kubernetes-group-version-kind`. */
export function schemaForKind(group: string, version: string, kind: string): Schema | undefined {
  const key = `${group}/${version}/${kind}`;
  if (!byKind.has(key)) {
    const found = Object.values(allSchemas).find((s) =>
      s['x-kubernetes-group-version-kind']?.some((g) => g.group === group && g.version === version && g.kind === kind),
    );
    byKind.set(key, found);
  }
  return byKind.get(key);
}

/** How server-side apply merges a list: by keys, as a set of scalars, or replaced whole. */
export interface ListSemantics {
  type: 'atomic' | 'set' | 'map';
  keys: string[];
}

/** The SSA list type of a list field. */
export function listSemantics(s: Schema | undefined): ListSemantics {
  const r = resolve(s);
  const type = r?.['x-kubernetes-list-type'] ?? 'atomic';
  return { type, keys: type === 'map' ? (r?.['x-kubernetes-list-map-keys'] ?? []) : [] };
}

/** True for maps and structs whose fields are owned one by one (not replaced as a whole). */
export function isGranular(s: Schema | undefined): boolean {
  return resolve(s)?.['x-kubernetes-map-type'] !== 'atomic';
}

/** Strategic-merge-patch metadata of a field: its patch strategies and merge key. */
export interface PatchMeta {
  strategies: string[];
  mergeKey?: string;
}

/** The SMP metadata of a (field) schema. */
export function patchMeta(s: Schema | undefined): PatchMeta {
  const r = resolve(s);
  const strategy = r?.['x-kubernetes-patch-strategy'];
  const mergeKey = r?.['x-kubernetes-patch-merge-key'];
  return { strategies: strategy ? strategy.split(',') : [], ...(mergeKey ? { mergeKey } : {}) };
}
