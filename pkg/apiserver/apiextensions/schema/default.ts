/**
 * Defaulting from a structural schema's `default`s, as kube-apiserver applies them to custom
 * resources: a missing property with a default gets a copy of it; a null where the schema is
 * not nullable and has a default is replaced by it. Defaults of nested objects apply inside
 * defaulted values too. Mutates the caller's own copy; keys are set as own data properties.
 */
import type { JSONSchemaProps } from '../../../api/apiextensions/v1';
import { jsonClone } from '../../../util/json/clone';
import { getOwn, hasOwnKey, setOwn } from '../../../util/json/own';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function defaultValue(s: JSONSchemaProps | undefined, v: unknown): void {
  if (!s) return;
  if (Array.isArray(v)) {
    for (const item of v) defaultValue(s.items, item);
    return;
  }
  if (!isObject(v)) return;
  for (const [k, prop] of Object.entries(s.properties ?? {})) {
    const has = hasOwnKey(v, k);
    const cur = getOwn(v, k);
    if (prop.default !== undefined && (!has || (cur === null && prop.nullable !== true)))
      setOwn(v, k, jsonClone(prop.default));
    defaultValue(prop, getOwn(v, k));
  }
  if (isObject(s.additionalProperties)) {
    const sub = s.additionalProperties;
    for (const k of Object.keys(v)) {
      if (s.properties && hasOwnKey(s.properties, k)) continue;
      defaultValue(sub, getOwn(v, k));
    }
  }
}

/** Applies the schema's defaults to `obj` in place and returns it. */
export function applyDefaults<T>(schema: JSONSchemaProps, obj: T): T {
  defaultValue(schema, obj);
  return obj;
}
