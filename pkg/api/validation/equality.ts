/** Value equality for update validation (apimachinery's equality.Semantic, for JSON objects). */
import { getOwn } from '../../util/json/own';

/**
 * Deep equality of JSON values, as apimachinery's Semantic.DeepEqual is used by update
 * validation: an absent key, `undefined` and `null` are the same thing; arrays compare in order.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? null) === (b ?? null);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => semanticEqual(x, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
    for (const k of keys) if (!semanticEqual(getOwn(ao, k), getOwn(bo, k))) return false;
    return true;
  }
  return false;
}
