/**
 * Pruning: removes every field a structural schema does not specify, as kube-apiserver does
 * for custom resources (unless `x-kubernetes-preserve-unknown-fields`). At the root,
 * apiVersion, kind and metadata are always kept. Works on a copy made by jsonClone, so
 * client-chosen keys stay own data properties; nothing is looked up through a prototype.
 */
import type { JSONSchemaProps } from '../../../api/apiextensions/v1';
import { jsonClone } from '../../../util/json/clone';
import { deleteOwn, getOwn } from '../../../util/json/own';

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pruneValue(s: JSONSchemaProps | undefined, v: unknown, root: boolean, path: string, removed: string[]): void {
  if (!s) return;
  if (Array.isArray(v)) {
    for (const [i, item] of v.entries()) pruneValue(s.items, item, false, `${path}[${i}]`, removed);
    return;
  }
  if (!isObject(v)) return;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  for (const k of Object.keys(v)) {
    if (root && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) continue;
    const prop = s.properties ? getOwn<JSONSchemaProps>(s.properties, k) : undefined;
    const sub = prop ?? (isObject(s.additionalProperties) ? s.additionalProperties : undefined);
    const at = path ? `${path}.${k}` : k;
    if (sub) pruneValue(sub, getOwn(v, k), false, at, removed);
    else if (!preserve && s.additionalProperties !== true) {
      deleteOwn(v, k);
      removed.push(at);
    }
  }
}

/** Prunes `obj` in place (it must be the caller's own copy) and returns it. */
export function prune<T>(schema: JSONSchemaProps, obj: T): T {
  pruneValue(schema, obj, true, '', []);
  return obj;
}

/** The paths pruning would remove from `obj` (`spec.bogus`, `spec.list[0].x`); `obj` is not changed. */
export function unknownFieldPaths(schema: JSONSchemaProps, obj: unknown): string[] {
  const removed: string[] = [];
  pruneValue(schema, jsonClone(obj), true, '', removed);
  return removed;
}
