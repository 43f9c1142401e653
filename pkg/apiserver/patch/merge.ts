/**
 * JSON merge patch (RFC 7386): objects merge recursively, null deletes, anything else replaces.
 * Keys are read and written as own properties (`__proto__` is a key like any other).
 */
import { deleteOwn, getOwn, setOwn } from '../../util/json/own';
import { jsonClone } from '../../util/json/clone';

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const isObject = (v: unknown): v is { [k: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Applies `patch` to `target` and returns the result; neither input is modified. */
export function applyMergePatch(target: Json | undefined, patch: Json): Json {
  if (!isObject(patch)) return jsonClone(patch);
  const out: { [k: string]: Json } = isObject(target) ? { ...target } : {};
  for (const k of Object.keys(patch)) {
    const v = patch[k] as Json;
    if (v === null) deleteOwn(out, k);
    else setOwn(out, k, applyMergePatch(getOwn<Json>(out, k), v));
  }
  return out;
}
