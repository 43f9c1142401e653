/**
 * Strategic merge patch (`application/strategic-merge-patch+json`), as kube-apiserver applies
 * it, driven by the `x-kubernetes-patch-strategy` / `x-kubernetes-patch-merge-key` extensions
 * of the published OpenAPI schemas:
 *
 * - maps merge recursively; `null` deletes a key;
 * - lists with strategy `merge` and a merge key (containers, volumes, env, ports by their key,
 *   volumeMounts by mountPath, conditions by type…) merge item by item; lists of scalars with
 *   strategy `merge` (finalizers) are unions; every other list is replaced;
 * - directives: `$patch: replace|delete|merge` on maps and list items, `{"$patch": "replace"}`
 *   as a list element, `$deleteFromPrimitiveList/<field>`, `$setElementOrder/<field>` (orders
 *   the listed items first), `$retainKeys` (drops keys not listed).
 */
import { isDeepStrictEqual } from 'node:util';
import { badRequest } from '../../api/errors';
import type { KubeObject } from '../../api/meta';
import { decodeDocument } from '../body';
import type { Patcher } from '../handlers/resource';
import { fieldSchema, itemSchema, patchMeta, resolve, schemaForKind } from '../openapi/lookup';
import type { Schema } from '../openapi/schema';
import type { Json } from './merge';
import { jsonClone } from '../../util/json/clone';
import { deleteOwn, getOwn, setOwn } from '../../util/json/own';

type JsonObject = { [k: string]: Json };

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

const directive = '$patch';
const retainKeysDirective = '$retainKeys';
const deleteFromPrimitivePrefix = '$deleteFromPrimitiveList/';
const setElementOrderPrefix = '$setElementOrder/';

/** A malformed strategic merge patch (rendered as a 400 by the patcher). */
export class StrategicMergePatchError extends Error {}

const isDirectiveKey = (k: string) =>
  k === directive ||
  k === retainKeysDirective ||
  k.startsWith(deleteFromPrimitivePrefix) ||
  k.startsWith(setElementOrderPrefix);

/** Removes directives from a value that is being inserted as new (no original to merge with). */
function clean(value: Json, schema: Schema | undefined): Json | undefined {
  if (isObject(value)) {
    const merged = mergeObject({}, value, schema);
    return merged;
  }
  if (Array.isArray(value)) return mergeList(undefined, value, schema);
  return value;
}

function keyOf(item: Json, mergeKey: string): Json | undefined {
  return isObject(item) ? getOwn<Json>(item, mergeKey) : undefined;
}

function mergeKeyedList(original: Json[], patch: Json[], mergeKey: string, items: Schema | undefined): Json[] {
  const result = original.map((o) => jsonClone(o));
  for (const p of patch) {
    if (!isObject(p))
      throw new StrategicMergePatchError(
        `the list item ${JSON.stringify(p)} is not an object, but the list is merged by key "${mergeKey}"`,
      );
    const key = getOwn<Json>(p, mergeKey);
    if (key === undefined)
      throw new StrategicMergePatchError(`map: ${JSON.stringify(p)} does not contain declared merge key: ${mergeKey}`);
    const idx = result.findIndex((o) => isDeepStrictEqual(keyOf(o, mergeKey), key));
    if (getOwn(p, directive) === 'delete') {
      for (let i = result.length - 1; i >= 0; i--)
        if (isDeepStrictEqual(keyOf(result[i] ?? null, mergeKey), key)) result.splice(i, 1);
      continue;
    }
    const cur = idx >= 0 ? result[idx] : undefined;
    const merged = mergeObject(isObject(cur) ? cur : {}, p, items);
    if (merged === undefined) {
      if (idx >= 0) result.splice(idx, 1);
    } else if (idx >= 0) result[idx] = merged;
    else result.push(merged);
  }
  return result;
}

/** Merges a patch list into an original list according to the list field's schema. */
export function mergeList(original: Json | undefined, patch: Json[], schema: Schema | undefined): Json[] {
  const meta = patchMeta(schema);
  const items = itemSchema(schema);
  const isReplaceAll = (p: Json): boolean =>
    isObject(p) && getOwn(p, directive) === 'replace' && Object.keys(p).length === 1;
  const replaceAll = patch.some(isReplaceAll);
  const elements = patch.filter((p) => !isReplaceAll(p));
  if (replaceAll || !meta.strategies.includes('merge')) {
    return elements.map((e) => clean(e, items)).filter((e): e is Json => e !== undefined);
  }
  const orig = Array.isArray(original) ? original : [];
  if (meta.mergeKey) return mergeKeyedList(orig, elements, meta.mergeKey, items);
  const result = orig.map((o) => jsonClone(o));
  for (const v of elements) {
    if (isObject(v) || Array.isArray(v))
      throw new StrategicMergePatchError(`merging a list of scalars, but the patch holds ${JSON.stringify(v)}`);
    if (!result.some((o) => isDeepStrictEqual(o, v))) result.push(jsonClone(v));
  }
  return result;
}

function orderBy(list: Json[], order: Json[], mergeKey: string | undefined): Json[] {
  const rank = (item: Json): number => {
    const k = mergeKey ? keyOf(item, mergeKey) : item;
    const i = order.findIndex((o) => isDeepStrictEqual(mergeKey ? keyOf(o, mergeKey) : o, k));
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return list
    .map((item, i) => ({ item, i, r: rank(item) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.item);
}

/**
 * Merges a patch map into an original map. Returns undefined when the patch deletes the map
 * (`$patch: delete`).
 */
export function mergeObject(
  original: JsonObject,
  patch: JsonObject,
  schema: Schema | undefined,
): JsonObject | undefined {
  const mode = getOwn(patch, directive);
  if (mode === 'delete') return undefined;
  if (mode !== undefined && mode !== 'replace' && mode !== 'merge')
    throw new StrategicMergePatchError(`unknown patch type: ${JSON.stringify(mode)} in map: ${JSON.stringify(patch)}`);
  let result: JsonObject = mode === 'replace' ? {} : { ...original };

  const retain = getOwn<Json>(patch, retainKeysDirective);
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw new StrategicMergePatchError('$retainKeys must be a list of field names');
    const keep = new Set(retain.filter((k): k is string => typeof k === 'string'));
    result = Object.fromEntries(Object.entries(result).filter(([k]) => keep.has(k)));
  }

  for (const [k, pv] of Object.entries(patch)) {
    if (isDirectiveKey(k)) continue;
    if (pv === null) {
      deleteOwn(result, k);
      continue;
    }
    const fs = fieldSchema(schema, k);
    const ov = getOwn<Json>(result, k);
    if (isObject(pv)) {
      const merged = mergeObject(isObject(ov) ? ov : {}, pv, fs);
      if (merged === undefined) deleteOwn(result, k);
      else setOwn(result, k, merged);
    } else if (Array.isArray(pv)) {
      setOwn(result, k, mergeList(ov, pv, fs));
    } else {
      setOwn(result, k, pv);
    }
  }

  for (const [k, pv] of Object.entries(patch)) {
    if (k.startsWith(deleteFromPrimitivePrefix)) {
      const field = k.slice(deleteFromPrimitivePrefix.length);
      if (!Array.isArray(pv)) throw new StrategicMergePatchError(`${k} must be a list`);
      const cur = getOwn<Json>(result, field);
      if (Array.isArray(cur))
        setOwn(
          result,
          field,
          cur.filter((v) => !pv.some((d) => isDeepStrictEqual(d, v))),
        );
    } else if (k.startsWith(setElementOrderPrefix)) {
      const field = k.slice(setElementOrderPrefix.length);
      if (!Array.isArray(pv)) throw new StrategicMergePatchError(`${k} must be a list`);
      const cur = getOwn<Json>(result, field);
      if (Array.isArray(cur)) setOwn(result, field, orderBy(cur, pv, patchMeta(fieldSchema(schema, field)).mergeKey));
    }
  }
  return result;
}

/**
 * Applies a strategic merge patch to a JSON object whose schema is `schema` (a kind's schema).
 * Neither input is modified.
 */
export function applyStrategicMergePatch(original: Json, patch: Json, schema: Schema | undefined): Json {
  if (!isObject(patch)) throw new StrategicMergePatchError('a strategic merge patch must be a JSON object');
  const merged = mergeObject(isObject(original) ? original : {}, patch, resolve(schema));
  if (merged === undefined)
    throw new StrategicMergePatchError('a strategic merge patch cannot delete the whole object');
  return merged;
}

/** The media type of strategic merge patches. */
export const strategicMergePatchType = 'application/strategic-merge-patch+json';

/** The patcher plugged into `deps.patchers[strategicMergePatchType]`; malformed patches are 400s. */
export const strategicMergePatcher: Patcher = (cur, raw, pctx) => {
  const info = pctx.store.strategy.info;
  const patch = decodeDocument(raw, 'json') as Json;
  try {
    return applyStrategicMergePatch(
      cur as unknown as Json,
      patch,
      schemaForKind(info.group, info.version, info.kind),
    ) as unknown as KubeObject;
  } catch (err) {
    if (err instanceof StrategicMergePatchError) throw badRequest(err.message);
    throw err;
  }
};
